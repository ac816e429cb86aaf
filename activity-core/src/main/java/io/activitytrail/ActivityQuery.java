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

    /** The session id as stored (see {@link Activity#sessionId()}). */
    public Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
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
        return new ActivityQuery(this, ipAddress);
    }

    private ActivityQuery(ActivityQuery q, String ipAddress) {
        this.userId = q.userId;
        this.actions = q.actions;
        this.severities = q.severities;
        this.from = q.from;
        this.to = q.to;
        this.sessionId = q.sessionId;
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

        public Builder from(@Nullable Instant from) {
            this.from = from;
            checkRange();
            return this;
        }

        public Builder to(@Nullable Instant to) {
            this.to = to;
            checkRange();
            return this;
        }

        public Builder sessionId(@Nullable String sessionId) {
            this.sessionId = sessionId;
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

        public Builder requestId(@Nullable String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** @throws IllegalArgumentException when longer than 200 characters */
        public Builder text(@Nullable String text) {
            if (text != null && text.length() > MAX_TEXT_LENGTH) {
                throw new IllegalArgumentException("text must be at most " + MAX_TEXT_LENGTH
                        + " characters, but was " + text.length());
            }
            this.text = text == null || text.isBlank() ? null : text;
            return this;
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
            return new ActivityQuery(this);
        }

        private void checkRange() {
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("from must be before to, but was from=" + from + ", to=" + to);
            }
        }
    }
}
