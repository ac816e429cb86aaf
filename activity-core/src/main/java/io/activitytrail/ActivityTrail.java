package io.activitytrail;

import static java.util.Objects.requireNonNull;

import io.activitytrail.internal.DefaultActivityTrail;
import io.activitytrail.internal.DefaultDeviceResolver;
import io.activitytrail.internal.TrailConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
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
 * {@link Activity} and hand it to the write pipeline (a bounded queue drained by one writer
 * thread, {@code activity-writer}, which enriches, batches, retries and, when the store stays
 * down, spools to disk; see {@code docs/pipeline.md}). They throw {@link InvalidActivityException}
 * for values that break a rule (a programming error in the caller), and nothing else: a failing
 * store never reaches the caller. They block only under {@link OverflowPolicy#BLOCK} with a full
 * queue, or when the activity is written synchronously ({@link #logNow}, {@link Builder#synchronous},
 * {@link Builder#synchronousSeverity}).
 */
public interface ActivityTrail extends AutoCloseable {

    static Builder builder() {
        return new Builder();
    }

    /**
     * Accepts an activity for writing; it is stored within about {@code flushInterval}. Never
     * blocks (except under {@link OverflowPolicy#BLOCK} with a full queue) and never throws: when
     * the queue is full the {@link Builder#overflowPolicy overflow policy} decides, and every
     * activity not kept is counted.
     */
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
     * (a password change, say): it is enriched and written on the caller's thread, in one attempt.
     * If the store fails, it falls back to the pipeline (and so to retries and the spool); if the
     * store refuses it for good, it is set aside like any rejected row. Never throws for pipeline
     * reasons.
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

    /**
     * Returns when everything logged before the call is stored, set aside as rejected or counted as
     * dropped; while the store takes writes, that includes what waited in the disk spool (from an
     * outage, or an earlier run), which is replayed first. Only while the store fails is "spooled to
     * disk" the outcome: then this takes as long as the retries of the batch in hand (see
     * {@link Builder#retryMaxAttempts}). A store taken as down is probed at once. Returns at once
     * after {@link #close()}, and when called on the writer thread itself (from a listener, say).
     */
    void flush();

    /**
     * A snapshot of the write pipeline: UP, DEGRADED (retrying or spooling, nothing lost) or DOWN
     * (losing activities, or closed), with queue depth, spool size, drops, the last error and the
     * time of the last successful write. Cheap; safe to call from a health endpoint.
     */
    PipelineHealth health();

    /**
     * Asks the store whether it answers ({@link ActivityStore#ping}), waiting at most
     * {@code timeout}. At most one ping runs at a time: a call while one is under way waits for
     * that one, so a store that hangs holds one thread, not one per caller.
     *
     * @return how long the store took to answer
     * @throws ActivityStoreException when the store failed, or did not answer within {@code timeout}
     * @throws IllegalArgumentException when {@code timeout} is not between 1 ms and 1 minute
     */
    Duration pingStore(Duration timeout);

    /**
     * One page of a user's timeline, newest first. An IP address in the query is masked as the
     * {@link Builder#privacy privacy policy} stores addresses, so the raw address finds its rows;
     * under {@link PrivacyPolicy.IpMasking#FULL} no row has an address and the page is empty.
     */
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
    default long export(String userId, ExportFormat format, OutputStream out) throws IOException {
        return export(userId, format, out, Set.copyOf(Activity.FIELD_NAMES));
    }

    /**
     * {@link #export(String, ExportFormat, OutputStream)} with only some fields: for a reader who
     * may not see all of them (CSV columns and NDJSON keys in the usual order).
     *
     * @param fields names from {@link Activity#FIELD_NAMES}
     * @throws IllegalArgumentException naming a field that is not one of them
     */
    long export(String userId, ExportFormat format, OutputStream out, Set<String> fields) throws IOException;

    /**
     * Deletes everything of a user (GDPR Art. 17): the stored activities, those set aside as
     * rejected, and (skipped at replay, also after a restart) those waiting in the disk spool.
     * Flushes the pipeline first, so activities logged before the call are deleted too.
     *
     * <p>The delete runs on the store at once: while the database is down it fails. Activities of
     * the user that wait in the spool stay unreplayed all the same, but the stored ones remain
     * until the call is made again, which the caller must do (it is idempotent).
     *
     * @return how many stored activities were deleted
     * @throws ActivityStoreException when the store cannot be reached: call again later
     * @throws ActivityTrailException when the set-aside activities cannot be rewritten (an I/O
     *     error in the spool directory): call again
     */
    long eraseUser(String userId);

    /** Deletes activities older than the retention period (default 2 years). */
    RetentionResult applyRetention();

    /**
     * Flushes within the shutdown timeout (replaying the disk spool too, while the store takes
     * writes), spools the rest, stops the writer thread and releases the spool. Returns within
     * {@code shutdownTimeout} plus about a second even when the store hangs. Idempotent. Activities logged after it are dropped and counted. Does not close the
     * store, which belongs to the caller.
     */
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
        private OverflowPolicy overflowPolicy = OverflowPolicy.SPOOL;
        private Duration blockTimeout = Duration.ofMillis(100);
        private Duration retryInitialDelay = Duration.ofMillis(100);
        private Duration retryMaxDelay = Duration.ofSeconds(5);
        private int retryMaxAttempts = 5;
        private long spoolMaxBytes = 1L << 30;
        private @Nullable Severity synchronousSeverity;
        private boolean shutdownHook;
        private byte @Nullable [] sessionIdHashKey;
        private @Nullable ThreadFactory threadFactory;
        private Duration downAfter = Duration.ofMinutes(5);
        private PrivacyPolicy privacy = PrivacyPolicy.defaults();
        private @Nullable DeviceResolver deviceResolver;
        private int deviceCacheSize = 10_000;

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

        /**
         * Write every activity before {@code log} returns, as {@link ActivityTrail#logNow} does;
         * default false (asynchronous).
         */
        public Builder synchronous(boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }

        /** The clock for timestamps and windows; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Told of every pipeline event (enqueued, written, retried, spooled, replayed, dropped,
         * rejected, queue depth); default none. See {@link MicrometerMetricsListener}. Its
         * exceptions are caught and logged.
         */
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
         * Turns user agents (and client hints) into {@code device_info}, on the writer thread.
         * Default: {@link UapDeviceResolver} when uap-java is on the class path, else
         * {@link DeviceResolver#NONE} (an INFO line at {@code build()} says so).
         */
        public Builder deviceResolver(DeviceResolver deviceResolver) {
            this.deviceResolver = requireNonNull(deviceResolver, "deviceResolver");
            return this;
        }

        /**
         * How many user agents' device info the writer keeps, so that each distinct user agent is
         * resolved once (least recently and least often used go first); default 10,000, 0 to
         * 1,000,000. uap-java takes about a millisecond per user agent, a hit some 70 ns: size it
         * for the distinct user agents of a day (10,000 take about 7 MiB; see docs/benchmarks.md,
         * "Enrichment"). 0 resolves every activity's user agent, for a resolver that caches itself.
         */
        public Builder deviceCacheSize(int deviceCacheSize) {
            this.deviceCacheSize = checkRange("deviceCacheSize", deviceCacheSize, 0, 1_000_000);
            return this;
        }

        /**
         * What personal data is kept: IP masking, secret redaction, location precision; applied
         * before anything is stored, spooled or set aside. Default {@link PrivacyPolicy#defaults()}:
         * IPs masked to /24 (IPv4) and /48 (IPv6), secrets redacted, location as resolved.
         */
        public Builder privacy(PrivacyPolicy privacy) {
            this.privacy = requireNonNull(privacy, "privacy");
            return this;
        }

        /** What {@code log} does when the queue is full; default {@link OverflowPolicy#SPOOL}. */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = requireNonNull(overflowPolicy, "overflowPolicy");
            return this;
        }

        /**
         * How long {@code log} waits for room in a full queue under {@link OverflowPolicy#BLOCK}
         * before it drops and counts; default 100 ms, 0 to 1 min.
         */
        public Builder blockTimeout(Duration blockTimeout) {
            this.blockTimeout = checkRange("blockTimeout", blockTimeout, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * The wait before the first retry of a failed batch; later waits double up to
         * {@link #retryMaxDelay}, each with random jitter (between half and all of it). Default
         * 100 ms, 1 ms to 1 min.
         */
        public Builder retryInitialDelay(Duration retryInitialDelay) {
            this.retryInitialDelay = checkRange("retryInitialDelay", retryInitialDelay,
                    Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * The longest wait between retries, and between probes of a store that is down; default
         * 5 s, 1 ms to 10 min, at least {@link #retryInitialDelay} (checked by {@link #build()}).
         */
        public Builder retryMaxDelay(Duration retryMaxDelay) {
            this.retryMaxDelay = checkRange("retryMaxDelay", retryMaxDelay, Duration.ofMillis(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Write attempts per batch, the first included, before the batch is spooled to disk and the
         * store is taken as down; default 5, 1 to 100.
         */
        public Builder retryMaxAttempts(int retryMaxAttempts) {
            this.retryMaxAttempts = checkRange("retryMaxAttempts", retryMaxAttempts, 1, 100);
            return this;
        }

        /**
         * Most bytes the disk spool may hold; past it, activities that would be spooled are dropped
         * and counted. Default 1 GiB, 64 KiB to 1 TiB.
         */
        public Builder spoolMaxBytes(long spoolMaxBytes) {
            if (spoolMaxBytes < 64 * 1024L || spoolMaxBytes > (1L << 40)) {
                throw new IllegalArgumentException("spoolMaxBytes must be between " + (64 * 1024L) + " and "
                        + (1L << 40) + ", but was " + spoolMaxBytes);
            }
            this.spoolMaxBytes = spoolMaxBytes;
            return this;
        }

        /**
         * Activities of this severity or higher are written as by {@link ActivityTrail#logNow}
         * even when logged with {@code log}; e.g. {@link Severity#CRITICAL}. Default: none.
         */
        public Builder synchronousSeverity(Severity synchronousSeverity) {
            this.synchronousSeverity = requireNonNull(synchronousSeverity, "synchronousSeverity");
            return this;
        }

        /**
         * Registers a JVM shutdown hook that closes the trail; default false, since frameworks
         * (servlet containers, Spring) close it themselves.
         */
        public Builder shutdownHook(boolean shutdownHook) {
            this.shutdownHook = shutdownHook;
            return this;
        }

        /**
         * The key of the HMAC-SHA256 that replaces raw session ids (a live session id is a
         * credential); at least 16 bytes, copied. Set it (from a secret store) to correlate session
         * ids across restarts and instances. Default: a random key per process, so hashed session
         * ids of different runs cannot be matched.
         */
        public Builder sessionIdHashKey(byte[] sessionIdHashKey) {
            requireNonNull(sessionIdHashKey, "sessionIdHashKey");
            if (sessionIdHashKey.length < 16) {
                throw new IllegalArgumentException("sessionIdHashKey must be at least 16 bytes, but was "
                        + sessionIdHashKey.length + " bytes");
            }
            this.sessionIdHashKey = sessionIdHashKey.clone();
            return this;
        }

        /**
         * How long activities may wait (in the queue or the spool) with no successful write before
         * {@link ActivityTrail#health()} reports {@link PipelineHealth.Status#DOWN}: a store that
         * stays down, or one spooled chunk it keeps refusing, is then visible as an outage, not as
         * "degraded". Default 5 minutes, 1 second to 1 day.
         */
        public Builder downAfter(Duration downAfter) {
            this.downAfter = checkRange("downAfter", downAfter, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Makes the writer thread; default: a daemon thread named {@code activity-writer}. For
         * tests and hosts that manage their threads.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Builds the trail and starts its writer thread (and, for the default device resolver,
         * the one-off background load of uap's rules). The spool directory is created and
         * locked here; if that fails the trail runs without a spool (what it would spool is
         * dropped and counted, and {@link ActivityTrail#health()} says why).
         *
         * @throws IllegalStateException when no store was set, or when {@code retryMaxDelay} is
         *     less than {@code retryInitialDelay}
         */
        public ActivityTrail build() {
            if (store == null) {
                throw new IllegalStateException("store must be set");
            }
            if (retryMaxDelay.compareTo(retryInitialDelay) < 0) {
                throw new IllegalStateException("retryMaxDelay must not be less than retryInitialDelay ("
                        + retryInitialDelay + "), but was " + retryMaxDelay);
            }
            return new DefaultActivityTrail(new TrailConfig(store, batchSize, flushInterval, queueCapacity,
                    spoolDirectory, retention, shutdownTimeout, synchronous, clock, metricsListener,
                    locationResolver, overflowPolicy, blockTimeout, retryInitialDelay, retryMaxDelay,
                    retryMaxAttempts, spoolMaxBytes, synchronousSeverity, shutdownHook, sessionIdHashKey,
                    threadFactory, downAfter, privacy,
                    deviceResolver != null ? deviceResolver : DefaultDeviceResolver.forClassPath(), deviceCacheSize));
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
