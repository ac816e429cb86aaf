package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.activitytrail.internal.DefaultActivityTrail;
import io.activitytrail.internal.TrailConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: log activities, read them back, export, erase and expire them.
 *
 * <pre>{@code
 * ActivityTrail trail = ActivityTrail.builder().store(store).build();
 * trail.log("user-42", "invoice_paid", "Paid invoice 17");
 * ActivityPage page = trail.query(ActivityQuery.forUser("user-42").limit(20).build());
 * trail.close();
 * }</pre>
 *
 * <p>Thread-safe. The {@code log} methods never block on the database: they validate, build an
 * {@link Activity} and hand it to the write pipeline. They throw {@link InvalidActivityException}
 * for values that break a rule (a programming error in the caller), and nothing else: a failing
 * store never reaches the caller.
 */
public interface ActivityTrail extends AutoCloseable {

    static Builder builder() {
        return new Builder();
    }

    /** Accepts an activity for writing; it is stored within about {@code flushInterval}. */
    void log(Activity activity);

    /**
     * Shorthand for an {@link Severity#INFO} activity.
     *
     * @throws InvalidActivityException when a value breaks a rule of {@link Activity}
     */
    default void log(String userId, String action, @Nullable String description) {
        log(Activity.builder(userId, action).description(description).build());
    }

    /**
     * Stores an activity before returning, for events that must be durable before the response
     * (a password change, say). Falls back to the pipeline (and so to the spool) if the store fails.
     */
    void logNow(Activity activity);

    /** Logs {@code login} (INFO) or {@code login_failed} (WARNING). */
    default void logLogin(String userId, RequestInfo request, boolean success) {
        log(Activity.builder(userId, success ? "login" : "login_failed")
                .severity(success ? Severity.INFO : Severity.WARNING)
                .description(success ? "Signed in" : "Failed sign-in attempt")
                .request(request)
                .build());
    }

    /** Logs {@code logout}. */
    default void logLogout(String userId, RequestInfo request) {
        log(Activity.builder(userId, "logout").description("Signed out").request(request).build());
    }

    /** Logs {@code password_changed}. */
    default void logPasswordChanged(String userId, RequestInfo request) {
        log(Activity.builder(userId, "password_changed").description("Password changed").request(request).build());
    }

    /** Logs {@code email_changed}. */
    default void logEmailChanged(String userId, RequestInfo request) {
        log(Activity.builder(userId, "email_changed").description("Email address changed").request(request).build());
    }

    /** Logs {@code mfa_enabled}. */
    default void logMfaEnabled(String userId, RequestInfo request) {
        log(Activity.builder(userId, "mfa_enabled").description("Two-factor authentication enabled")
                .request(request).build());
    }

    /** Logs {@code mfa_disabled} (WARNING: the account got weaker). */
    default void logMfaDisabled(String userId, RequestInfo request) {
        log(Activity.builder(userId, "mfa_disabled").description("Two-factor authentication disabled")
                .severity(Severity.WARNING).request(request).build());
    }

    /** Logs {@code profile_updated}. */
    default void logProfileUpdated(String userId, RequestInfo request) {
        log(Activity.builder(userId, "profile_updated").description("Profile updated").request(request).build());
    }

    /** Logs {@code account_locked} (WARNING), with the reason as description. */
    default void logAccountLocked(String userId, RequestInfo request, @Nullable String reason) {
        log(Activity.builder(userId, "account_locked").description(reason == null ? "Account locked" : reason)
                .severity(Severity.WARNING).request(request).build());
    }

    /** Returns when everything logged before the call is stored (or spooled). */
    void flush();

    /** One page of a user's timeline, newest first. */
    ActivityPage query(ActivityQuery query);

    /**
     * A summary of the user's activity over the last {@code window}.
     *
     * @throws IllegalArgumentException when the window is not between 1 minute and 3660 days
     */
    ActivityStats stats(String userId, Duration window);

    /**
     * Writes a user's whole history to {@code out}, oldest first, streamed. Flushes the pipeline
     * first so that what was logged before is included. Does not close {@code out}.
     *
     * @return how many activities were written
     */
    long export(String userId, ExportFormat format, OutputStream out) throws IOException;

    /**
     * Deletes everything of a user (GDPR Art. 17). Flushes the pipeline first, so activities logged
     * before the call are deleted too.
     *
     * @return how many activities were deleted
     */
    long eraseUser(String userId);

    /** Deletes activities older than the retention period (default 2 years). */
    RetentionResult applyRetention();

    /** Flushes within the shutdown timeout, spools the rest, stops the writer. Idempotent. */
    @Override
    void close();

    /**
     * Configures an {@link ActivityTrail}. Each setter checks its value at once and names it in the
     * exception. Not thread-safe.
     */
    final class Builder {
        private @Nullable ActivityStore store;
        private int batchSize = 500;
        private Duration flushInterval = Duration.ofMillis(200);
        private int queueCapacity = 100_000;
        private Path spoolDirectory = Path.of("activity-spool");
        private Duration retention = Duration.ofDays(730);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean synchronous;
        private Clock clock = Clock.systemUTC();
        private MetricsListener metricsListener = MetricsListener.NONE;
        private LocationResolver locationResolver = LocationResolver.NONE;

        private Builder() {}

        /** Where activities are written. Required. */
        public Builder store(ActivityStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /** Most activities per write; default 500, 1 to 10,000. */
        public Builder batchSize(int batchSize) {
            this.batchSize = checkRange("batchSize", batchSize, 1, 10_000);
            return this;
        }

        /** Longest time an activity waits for its batch to fill; default 200 ms, 1 ms to 1 min. */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = checkRange("flushInterval", flushInterval, Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /** Activities held in memory waiting for the writer; default 100,000, 1 to 10,000,000. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = checkRange("queueCapacity", queueCapacity, 1, 10_000_000);
            return this;
        }

        /** Folder of the disk spool (dead-letter store); default {@code ./activity-spool}. */
        public Builder spoolDirectory(Path spoolDirectory) {
            this.spoolDirectory = requireNonNull(spoolDirectory, "spoolDirectory");
            return this;
        }

        /** How long activities are kept by {@link ActivityTrail#applyRetention()}; default 730 days, at least 1 day. */
        public Builder retention(Duration retention) {
            this.retention = checkRange("retention", retention, Duration.ofDays(1), Duration.ofDays(365_000));
            return this;
        }

        /** How long {@link ActivityTrail#close()} may flush before spooling the rest; default 10 s. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = checkRange("shutdownTimeout", shutdownTimeout, Duration.ZERO, Duration.ofMinutes(10));
            return this;
        }

        /** Write every activity before {@code log} returns; default false (asynchronous). */
        public Builder synchronous(boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }

        /** The clock for timestamps and windows; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Builder metricsListener(MetricsListener metricsListener) {
            this.metricsListener = requireNonNull(metricsListener, "metricsListener");
            return this;
        }

        /** Resolves the location of IP addresses on the writer thread; default none. */
        public Builder locationResolver(LocationResolver locationResolver) {
            this.locationResolver = requireNonNull(locationResolver, "locationResolver");
            return this;
        }

        /**
         * Builds the trail and starts its writer thread.
         *
         * @throws IllegalStateException when no store was set
         */
        public ActivityTrail build() {
            if (store == null) {
                throw new IllegalStateException("store must be set");
            }
            return new DefaultActivityTrail(new TrailConfig(store, batchSize, flushInterval, queueCapacity,
                    spoolDirectory, retention, shutdownTimeout, synchronous, clock, metricsListener,
                    locationResolver));
        }

        private static int checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
            }
            return value;
        }

        private static Duration checkRange(String name, Duration value, Duration min, Duration max) {
            requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
            }
            return value;
        }
    }
}
