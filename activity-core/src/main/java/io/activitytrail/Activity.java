package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.activitytrail.internal.JsonValues;
import io.activitytrail.internal.Text;
import io.activitytrail.internal.UuidV7;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing a user did or that happened to a user's account. Immutable and thread-safe.
 *
 * <p>Made with {@link #builder(String, String)}, which validates every value at {@code build()}:
 * <ul>
 *   <li>{@code userId}: not blank, at most {@value #MAX_USER_ID_LENGTH} characters;</li>
 *   <li>{@code action}: matches {@code [a-z0-9_.:-]{1,100}};</li>
 *   <li>{@code description}: at most {@value #MAX_DESCRIPTION_LENGTH} characters; control
 *       characters (CR, LF, NUL, ESC, U+2028, bidi overrides, ...) are replaced by a space and
 *       lone surrogates by U+FFFD, so a description can never forge a log line;</li>
 *   <li>{@code ipAddress}: an IPv4 or IPv6 literal (never resolved);</li>
 *   <li>{@code sessionId}, {@code requestId}: at most {@value #MAX_ID_LENGTH} characters;</li>
 *   <li>{@code userAgent}: cut to {@value #MAX_USER_AGENT_LENGTH} characters (it is the client's
 *       to choose, so it is never a reason to reject an activity);</li>
 *   <li>{@code metadata}, {@code deviceInfo}, {@code locationInfo}: JSON-like values (strings,
 *       numbers, booleans, lists, maps; anything else becomes its {@code toString()}), at most
 *       {@value #MAX_JSON_BYTES} bytes each once serialised as JSON;</li>
 *   <li>{@code createdAt}: from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z.</li>
 * </ul>
 * A value that breaks a rule makes {@code build()} throw {@link InvalidActivityException} naming
 * the field and the problem.
 *
 * <p>The {@link #id()} is a UUIDv7 made when the activity is built: it sorts by time and makes
 * every retried write idempotent. {@link #createdAt()} has microsecond precision, as PostgreSQL
 * stores it.
 */
public final class Activity {
    /** The names of an activity's fields in JSON, exports and the table, in the order they are written. */
    public static final List<String> FIELD_NAMES = List.of("id", "user_id", "action", "description", "severity",
            "ip_address", "user_agent", "session_id", "request_id", "device_info", "location_info", "metadata", "created_at");

    public static final int MAX_USER_ID_LENGTH = 128;
    public static final int MAX_ACTION_LENGTH = 100;
    public static final int MAX_DESCRIPTION_LENGTH = 1_000;
    public static final int MAX_USER_AGENT_LENGTH = 512;
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_JSON_BYTES = 16 * 1024;
    /** The earliest {@link #createdAt()}: a UUIDv7 cannot hold an earlier time. */
    public static final Instant MIN_CREATED_AT = Instant.EPOCH;
    /** The latest {@link #createdAt()}; later ones are typos, and overflow ids and cursors. */
    public static final Instant MAX_CREATED_AT = Instant.parse("9999-12-31T23:59:59.999999Z");


    private final UUID id;
    private final String userId;
    private final String action;
    private final @Nullable String description;
    private final Severity severity;
    private final @Nullable String ipAddress;
    private final @Nullable String userAgent;
    private final @Nullable String sessionId;
    private final @Nullable String requestId;
    private final Map<String, Object> deviceInfo;
    private final Map<String, Object> locationInfo;
    private final Map<String, Object> metadata;
    private final Instant createdAt;

    private Activity(Builder b, Instant createdAt) {
        this.userId = b.userId;
        this.action = b.action;
        this.description = b.description;
        this.severity = b.severity;
        this.ipAddress = b.ipAddress;
        this.userAgent = b.userAgent;
        this.sessionId = b.sessionId;
        this.requestId = b.requestId;
        this.deviceInfo = b.deviceInfo;
        this.locationInfo = b.locationInfo;
        this.metadata = b.metadata;
        this.createdAt = createdAt;
        this.id = b.id != null ? b.id : UuidV7.at(createdAt);
    }

    /**
     * Starts an activity of {@code userId} doing {@code action}; values are checked at
     * {@link Builder#build()}.
     */
    public static Builder builder(String userId, String action) {
        return new Builder(userId, action);
    }

    /**
     * Starts an activity read back from a store, for {@link ActivityStore} implementations: the
     * values are kept as stored, and {@link Builder#build()} applies none of the write-time rules
     * (lengths, sizes, number lengths, control characters), which held when the activity was
     * logged. A rule made stricter later, or a number the database prints longer than it was
     * written ({@code 1e300} comes back from PostgreSQL as 301 digits), must never make a stored
     * activity unreadable. Set {@link Builder#id} and {@link Builder#createdAt}; read the maps
     * with {@link JsonMaps#fromJson}.
     */
    public static Builder storedBuilder(String userId, String action) {
        Builder b = new Builder(requireNonNull(userId, "userId"), requireNonNull(action, "action"));
        b.stored = true;
        return b;
    }

    /** A builder holding every value of this activity, its id included; for enrichment and masking. */
    public Builder toBuilder() {
        Builder b = new Builder(userId, action);
        b.id = id;
        b.description = description;
        b.severity = severity;
        b.ipAddress = ipAddress;
        b.userAgent = userAgent;
        b.sessionId = sessionId;
        b.requestId = requestId;
        b.deviceInfo = deviceInfo;
        b.locationInfo = locationInfo;
        b.metadata = metadata;
        b.createdAt = createdAt;
        return b;
    }

    public UUID id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String action() {
        return action;
    }

    public @Nullable String description() {
        return description;
    }

    public Severity severity() {
        return severity;
    }

    public @Nullable String ipAddress() {
        return ipAddress;
    }

    public @Nullable String userAgent() {
        return userAgent;
    }

    /** The session id as it will be stored: by default a keyed hash of the raw id, never the raw id. */
    public @Nullable String sessionId() {
        return sessionId;
    }

    public @Nullable String requestId() {
        return requestId;
    }

    /** Parsed from the user agent on the writer side; empty until then. Unmodifiable. */
    public Map<String, Object> deviceInfo() {
        return deviceInfo;
    }

    /** From the {@link LocationResolver} on the writer side; empty until then. Unmodifiable. */
    public Map<String, Object> locationInfo() {
        return locationInfo;
    }

    /** The host's own data about the activity. Unmodifiable. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Activity other)) {
            return false;
        }
        return id.equals(other.id)
                && userId.equals(other.userId)
                && action.equals(other.action)
                && Objects.equals(description, other.description)
                && severity == other.severity
                && Objects.equals(ipAddress, other.ipAddress)
                && Objects.equals(userAgent, other.userAgent)
                && Objects.equals(sessionId, other.sessionId)
                && Objects.equals(requestId, other.requestId)
                && deviceInfo.equals(other.deviceInfo)
                && locationInfo.equals(other.locationInfo)
                && metadata.equals(other.metadata)
                && createdAt.equals(other.createdAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        // No IP, session or metadata here: toString ends up in logs.
        return "Activity[id=" + id + ", userId=" + userId + ", action=" + action
                + ", severity=" + severity.value() + ", createdAt=" + createdAt + "]";
    }

    /** Builds an {@link Activity}. Not thread-safe; every setter returns this builder. */
    public static final class Builder {
        private String userId;
        private String action;
        private @Nullable UUID id;
        private @Nullable String description;
        private Severity severity = Severity.INFO;
        private @Nullable String ipAddress;
        private @Nullable String userAgent;
        private @Nullable String sessionId;
        private @Nullable String requestId;
        private Map<String, Object> deviceInfo = Map.of();
        private Map<String, Object> locationInfo = Map.of();
        private Map<String, Object> metadata = Map.of();
        private @Nullable Instant createdAt;
        /** Made by {@link #storedBuilder}: no write-time rule applies. */
        private boolean stored;

        private Builder(String userId, String action) {
            this.userId = userId;
            this.action = action;
        }

        /** Replaces the user id (e.g. when a resolver decides it later). */
        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        /** Sets the id; only for replays and imports that must keep an existing id. */
        public Builder id(UUID id) {
            this.id = requireNonNull(id, "id");
            return this;
        }

        public Builder description(@Nullable String description) {
            this.description = description;
            return this;
        }

        /** Default {@link Severity#INFO}. */
        public Builder severity(Severity severity) {
            this.severity = requireNonNull(severity, "severity");
            return this;
        }

        /** Copies IP address, user agent, session id and request id from {@code request}. */
        public Builder request(RequestInfo request) {
            requireNonNull(request, "request");
            this.ipAddress = request.ipAddress();
            this.userAgent = request.userAgent();
            this.sessionId = request.sessionId();
            this.requestId = request.requestId();
            return this;
        }

        public Builder ipAddress(@Nullable String ipAddress) {
            this.ipAddress = ipAddress;
            return this;
        }

        public Builder userAgent(@Nullable String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder sessionId(@Nullable String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder requestId(@Nullable String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder deviceInfo(Map<String, ?> deviceInfo) {
            this.deviceInfo = stored ? JsonValues.copyStored(deviceInfo) : JsonValues.copy("deviceInfo", deviceInfo, MAX_JSON_BYTES);
            return this;
        }

        public Builder locationInfo(Map<String, ?> locationInfo) {
            this.locationInfo = stored ? JsonValues.copyStored(locationInfo) : JsonValues.copy("locationInfo", locationInfo, MAX_JSON_BYTES);
            return this;
        }

        /**
         * Sets the host's data about the activity; copied deeply at once.
         *
         * @throws InvalidActivityException when it is larger than 16 KiB as JSON or nested deeper
         *     than 16 levels
         */
        public Builder metadata(Map<String, ?> metadata) {
            this.metadata = stored ? JsonValues.copyStored(metadata) : JsonValues.copy("metadata", metadata, MAX_JSON_BYTES);
            return this;
        }

        /** Back-dates the activity (imports, replays); default: the time {@code build()} runs. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = requireNonNull(createdAt, "createdAt");
            return this;
        }

        /**
         * Validates every value and builds the activity.
         *
         * @throws InvalidActivityException naming the first field whose value breaks a rule
         */
        public Activity build() {
            if (stored) {
                requireNonNull(userId, "userId");
                requireNonNull(action, "action");
                return new Activity(this, requireNonNull(createdAt, "createdAt of a stored activity"));
            }
            validateUserId(userId);
            validateAction(action);
            description = Text.neutralise(description);
            if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
                throw new InvalidActivityException("description", "must be at most "
                        + MAX_DESCRIPTION_LENGTH + " characters, but was " + description.length());
            }
            ipAddress = validateIpAddress(ipAddress);
            userAgent = Text.truncate(Text.neutralise(userAgent), MAX_USER_AGENT_LENGTH);
            sessionId = validateId("sessionId", sessionId);
            requestId = validateId("requestId", requestId);
            Instant at = (createdAt != null ? createdAt : Instant.now()).truncatedTo(ChronoUnit.MICROS);
            if (at.isBefore(MIN_CREATED_AT) || at.isAfter(MAX_CREATED_AT)) {
                throw new InvalidActivityException("createdAt", "must be between " + MIN_CREATED_AT + " and "
                        + MAX_CREATED_AT + ", but was " + at);
            }
            return new Activity(this, at);
        }
    }

    /**
     * Checks a user id as {@link Builder#build()} does.
     *
     * @throws InvalidActivityException when it is null, blank or longer than 128 characters
     */
    public static String validateUserId(@Nullable String userId) {
        if (userId == null || userId.isBlank()) {
            throw new InvalidActivityException("userId", "must not be blank");
        }
        if (userId.length() > MAX_USER_ID_LENGTH) {
            throw new InvalidActivityException("userId", "must be at most " + MAX_USER_ID_LENGTH
                    + " characters, but was " + userId.length());
        }
        if (Text.hasControlCharacter(userId)) {
            throw new InvalidActivityException("userId", "must not contain control characters");
        }
        return userId;
    }

    /**
     * Checks an action name as {@link Builder#build()} does.
     *
     * @throws InvalidActivityException when it does not match {@code [a-z0-9_.:-]{1,100}}
     */
    public static String validateAction(@Nullable String action) {
        if (action == null || !isAction(action)) {
            throw new InvalidActivityException("action", "must match [a-z0-9_.:-]{1,100}, but was "
                    + Text.quoteForMessage(action));
        }
        return action;
    }

    /**
     * {@code [a-z0-9_.:-]{1,100}}, checked without a regular expression: every activity is
     * validated twice (when logged, and when the writer rebuilds it), and the matcher was 5% of
     * the writer's time.
     */
    private static boolean isAction(String action) {
        int length = action.length();
        if (length == 0 || length > MAX_ACTION_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = action.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static @Nullable String validateIpAddress(@Nullable String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        if (!Text.isIpLiteral(ip)) {
            throw new InvalidActivityException("ipAddress", "must be an IPv4 or IPv6 address, but was "
                    + Text.quoteForMessage(ip));
        }
        return ip;
    }

    private static @Nullable String validateId(String field, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidActivityException(field, "must be at most " + MAX_ID_LENGTH
                    + " characters, but was " + value.length());
        }
        if (Text.hasControlCharacter(value)) {
            throw new InvalidActivityException(field, "must not contain control characters");
        }
        return value;
    }
}
