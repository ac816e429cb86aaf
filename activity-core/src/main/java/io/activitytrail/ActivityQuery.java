package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.activitytrail.internal.Text;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to read of one user's timeline. Results are newest first. Immutable.
 *
 * <p>Two ways to page: keyset ({@link Builder#after(String)} with the cursor of the previous page;
 * fast at any depth) or numbered pages ({@link Builder#page(int)}; the page also carries the total,
 * for tables with page numbers). A query with neither returns the first page by cursor.
 */
public final class ActivityQuery {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_TEXT_LENGTH = 200;

    private final String userId;
    private final Set<String> actions;
    private final Set<Severity> severities;
    private final @Nullable Instant from;
    private final @Nullable Instant to;
    private final @Nullable String sessionId;
    private final @Nullable String rawSessionId;
    private final @Nullable String ipAddress;
    private final @Nullable String requestId;
    private final @Nullable String text;
    private final int limit;
    private final @Nullable ActivityCursor after;
    private final @Nullable Integer page;

    private ActivityQuery(Builder b) {
        this.userId = b.userId;
        this.actions = Set.copyOf(b.actions);
        this.severities = b.severities.isEmpty() ? Set.of() : Set.copyOf(b.severities);
        this.from = b.from;
        this.to = b.to;
        this.sessionId = b.sessionId;
        this.rawSessionId = b.rawSessionId;
        this.ipAddress = b.ipAddress;
        this.requestId = b.requestId;
        this.text = b.text;
        this.limit = b.limit;
        this.after = b.after;
        this.page = b.page;
    }

    /**
     * Starts a query of {@code userId}'s activity.
     *
     * @throws InvalidActivityException when the user id is blank or too long
     */
    public static Builder forUser(String userId) {
        return new Builder(Activity.validateUserId(userId));
    }

    public String userId() {
        return userId;
    }

    /** Only these actions; empty means all. */
    public Set<String> actions() {
        return actions;
    }

    /** Only these severities; empty means all. */
    public Set<Severity> severities() {
        return severities;
    }

    /** Created at or after this instant (inclusive). */
    public Optional<Instant> from() {
        return Optional.ofNullable(from);
    }

    /** Created before this instant (exclusive). */
    public Optional<Instant> to() {
        return Optional.ofNullable(to);
    }

    /** The session id as stored: the keyed hash (see {@link Activity#sessionId()}). */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    /**
     * A raw session id to look for; {@link ActivityTrail#query} replaces it by its keyed hash before
     * the store sees it. Stores refuse a query that still holds one.
     */
    public Optional<String> rawSessionId() {
        return Optional.ofNullable(rawSessionId);
    }

    public Optional<String> ipAddress() {
        return Optional.ofNullable(ipAddress);
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** Case-insensitive substring of the description, matched literally ({@code %}, {@code _} are no wildcards). */
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    /** Page size, 1 to 100, default 20. */
    public int limit() {
        return limit;
    }

    /** Keyset position: return activities strictly older than this. */
    public Optional<ActivityCursor> after() {
        return Optional.ofNullable(after);
    }

    /** 1-based page number when numbered paging was asked for. */
    public OptionalInt page() {
        return page == null ? OptionalInt.empty() : OptionalInt.of(page);
    }

    /**
     * This query with another IP address (e.g. masked as the privacy policy stores it),
     * everything else the same.
     *
     * @throws IllegalArgumentException when it is not an IP address literal
     */
    public ActivityQuery withIpAddress(String ipAddress) {
        requireNonNull(ipAddress, "ipAddress");
        if (!Text.isIpLiteral(ipAddress)) {
            throw new IllegalArgumentException("ipAddress must be an IPv4 or IPv6 address, but was "
                    + Text.quoteForMessage(ipAddress));
        }
        return new ActivityQuery(this, ipAddress, sessionId, rawSessionId);
    }

    /**
     * This query with {@code sessionId} (the stored, hashed form) in place of a raw session id; for
     * {@link ActivityTrail#query}, which hashes {@link #rawSessionId()}.
     *
     * @throws IllegalArgumentException when it is not a valid session id
     */
    public ActivityQuery withSessionId(String sessionId) {
        return new ActivityQuery(this, ipAddress, Builder.checkId("sessionId", requireNonNull(sessionId, "sessionId")), null);
    }

    private ActivityQuery(ActivityQuery q, @Nullable String ipAddress, @Nullable String sessionId,
            @Nullable String rawSessionId) {
        this.userId = q.userId;
        this.actions = q.actions;
        this.severities = q.severities;
        this.from = q.from;
        this.to = q.to;
        this.sessionId = sessionId;
        this.rawSessionId = rawSessionId;
        this.ipAddress = ipAddress;
        this.requestId = q.requestId;
        this.text = q.text;
        this.limit = q.limit;
        this.after = q.after;
        this.page = q.page;
    }

    /** Builds an {@link ActivityQuery}; every setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final String userId;
        private final Set<String> actions = new LinkedHashSet<>();
        private final EnumSet<Severity> severities = EnumSet.noneOf(Severity.class);
        private @Nullable Instant from;
        private @Nullable Instant to;
        private @Nullable String sessionId;
        private @Nullable String rawSessionId;
        private @Nullable String ipAddress;
        private @Nullable String requestId;
        private @Nullable String text;
        private int limit = DEFAULT_LIMIT;
        private @Nullable ActivityCursor after;
        private @Nullable Integer page;

        private Builder(String userId) {
            this.userId = userId;
        }

        /** @throws InvalidActivityException when an action name is not valid */
        public Builder actions(String... actions) {
            return actions(List.of(actions));
        }

        /** @throws InvalidActivityException when an action name is not valid */
        public Builder actions(Iterable<String> actions) {
            for (String action : actions) {
                this.actions.add(Activity.validateAction(action));
            }
            return this;
        }

        public Builder severities(Severity... severities) {
            for (Severity severity : severities) {
                this.severities.add(requireNonNull(severity, "severity"));
            }
            return this;
        }

        /**
         * Only activities created at or after {@code from}.
         *
         * @throws IllegalArgumentException when outside {@link Activity#MIN_CREATED_AT} to
         *     {@link Activity#MAX_CREATED_AT}, or not before {@code to}
         */
        public Builder from(@Nullable Instant from) {
            this.from = checkInstant("from", from);
            checkRange();
            return this;
        }

        /**
         * Only activities created before {@code to}.
         *
         * @throws IllegalArgumentException when outside {@link Activity#MIN_CREATED_AT} to
         *     {@link Activity#MAX_CREATED_AT}, or not after {@code from}
         */
        public Builder to(@Nullable Instant to) {
            this.to = checkInstant("to", to);
            checkRange();
            return this;
        }

        /**
         * The session id as stored (the keyed hash, as {@link Activity#sessionId()} returns it).
         * To look for a raw session id, use {@link #rawSessionId}.
         *
         * @throws IllegalArgumentException when longer than 128 characters or holding control characters
         */
        public Builder sessionId(@Nullable String sessionId) {
            this.sessionId = checkId("sessionId", sessionId);
            return this;
        }

        /**
         * A raw session id (as the container knows it); {@link ActivityTrail#query} hashes it with
         * the trail's key, as stored. Replaces {@link #sessionId}.
         *
         * @throws IllegalArgumentException when longer than 128 characters or holding control characters
         */
        public Builder rawSessionId(@Nullable String rawSessionId) {
            this.rawSessionId = checkId("rawSessionId", rawSessionId);
            return this;
        }

        /** @throws IllegalArgumentException when it is not an IP address literal */
        public Builder ipAddress(@Nullable String ipAddress) {
            if (ipAddress != null && !Text.isIpLiteral(ipAddress)) {
                throw new IllegalArgumentException("ipAddress must be an IPv4 or IPv6 address, but was "
                        + Text.quoteForMessage(ipAddress));
            }
            this.ipAddress = ipAddress;
            return this;
        }

        /** @throws IllegalArgumentException when longer than 128 characters or holding control characters */
        public Builder requestId(@Nullable String requestId) {
            this.requestId = checkId("requestId", requestId);
            return this;
        }

        /**
         * Only activities whose description contains {@code text} (case-insensitive, literal). A
         * null, empty or blank text is no filter at all.
         *
         * @throws IllegalArgumentException when longer than 200 characters, or holding control
         *     characters or lone surrogates (which no description holds, since they are neutralised)
         */
        public Builder text(@Nullable String text) {
            if (text != null && text.length() > MAX_TEXT_LENGTH) {
                throw new IllegalArgumentException("text must be at most " + MAX_TEXT_LENGTH
                        + " characters, but was " + text.length());
            }
            if (text != null && Text.hasControlCharacter(text)) {
                throw new IllegalArgumentException("text must not contain control characters or lone surrogates, but was "
                        + Text.quoteForMessage(text));
            }
            this.text = text == null || text.isBlank() ? null : text;
            return this;
        }

        static @Nullable String checkId(String name, @Nullable String value) {
            if (value == null || value.isEmpty()) {
                return null;
            }
            if (value.length() > Activity.MAX_ID_LENGTH) {
                throw new IllegalArgumentException(name + " must be at most " + Activity.MAX_ID_LENGTH
                        + " characters, but was " + value.length());
            }
            if (Text.hasControlCharacter(value)) {
                throw new IllegalArgumentException(name + " must not contain control characters or lone surrogates, but was "
                        + Text.quoteForMessage(value));
            }
            return value;
        }

        private static @Nullable Instant checkInstant(String name, @Nullable Instant value) {
            if (value != null && (value.isBefore(Activity.MIN_CREATED_AT) || value.isAfter(Activity.MAX_CREATED_AT))) {
                throw new IllegalArgumentException(name + " must be between " + Activity.MIN_CREATED_AT + " and "
                        + Activity.MAX_CREATED_AT + ", but was " + value);
            }
            return value;
        }

        /** @throws IllegalArgumentException unless 1 to 100 */
        public Builder limit(int limit) {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /** @throws IllegalArgumentException when the cursor was not made by ActivityTrail */
        public Builder after(@Nullable String cursor) {
            this.after = cursor == null || cursor.isEmpty() ? null : ActivityCursor.decode(cursor);
            return this;
        }

        public Builder after(@Nullable ActivityCursor cursor) {
            this.after = cursor;
            return this;
        }

        /** Numbered paging (with a total); 1-based. @throws IllegalArgumentException when below 1 */
        public Builder page(int page) {
            if (page < 1 || page > 1_000_000) {
                throw new IllegalArgumentException("page must be between 1 and 1000000, but was " + page);
            }
            this.page = page;
            return this;
        }

        /** @throws IllegalArgumentException when both a cursor and a page number are set */
        public ActivityQuery build() {
            if (after != null && page != null) {
                throw new IllegalArgumentException("use either a cursor or a page number, not both");
            }
            if (rawSessionId != null) {
                sessionId = null;
            }
            return new ActivityQuery(this);
        }

        private void checkRange() {
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from must be before to, but was from=" + from + ", to=" + to);
            }
        }
    }
}
