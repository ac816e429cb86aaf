package io.activitytrail.internal;

import static java.util.Objects.requireNonNull;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.MetricsListener;
import io.activitytrail.OverflowPolicy;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ActivityTrail} that {@link ActivityTrail.Builder#build()} makes: the caller's side of
 * the write pipeline (validate, offer to a bounded queue, overflow policy, synchronous writes,
 * flush, close) in front of {@link WritePipeline}, the writer side.
 */
public final class DefaultActivityTrail implements ActivityTrail {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultActivityTrail.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG);
    private static final Duration MIN_STATS_WINDOW = Duration.ofMinutes(1);
    private static final Duration MAX_STATS_WINDOW = Duration.ofDays(3660);
    static final String WRITER_THREAD_NAME = "activity-writer";

    private final TrailConfig config;
    private final ActivityStore store;
    private final ArrayBlockingQueue<Activity> queue;
    private final MetricsListener listener;
    private final DiskSpool spool;
    private final Enricher enricher;
    private final WritePipeline pipeline;
    private final RejectedLog rejectedLog;
    private final OverflowPolicy overflowPolicy;
    private final long blockTimeoutNanos;
    /** Severities with this ordinal or higher are written synchronously; MAX_VALUE: none. */
    private final int synchronousOrdinal;
    private final @Nullable Thread shutdownHook;
    private volatile boolean closed;
    /** The ping under way, shared by every caller until it ends; its result is the store's answer time in nanoseconds. */
    private final AtomicReference<@Nullable CompletableFuture<Long>> pingInFlight = new AtomicReference<>();

    public DefaultActivityTrail(TrailConfig config) {
        this.config = config;
        this.store = config.store();
        this.listener = GuardedMetricsListener.guard(config.metricsListener());
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.overflowPolicy = config.overflowPolicy();
        this.blockTimeoutNanos = config.blockTimeout().toNanos();
        this.synchronousOrdinal = config.synchronous() ? 0
                : config.synchronousSeverity() != null ? config.synchronousSeverity().ordinal() : Integer.MAX_VALUE;
        this.enricher = new Enricher(new SessionIdHasher(config.sessionIdHashKey()), config.privacy(),
                config.deviceResolver(), config.deviceCacheSize(), config.locationResolver(), listener);
        this.spool = DiskSpool.open(config.spoolDirectory(), config.spoolMaxBytes());
        this.rejectedLog = new RejectedLog(config.spoolDirectory(), config.clock(), Math.max(64 * 1024L, config.spoolMaxBytes() / 10));
        this.pipeline = new WritePipeline(config, queue, spool, rejectedLog, enricher, listener);
        ThreadFactory factory = config.threadFactory() != null ? config.threadFactory() : DefaultActivityTrail::writerThread;
        pipeline.start(factory.newThread(pipeline));
        store.onErasure(this::erasedElsewhere);
        if (config.shutdownHook()) {
            shutdownHook = new Thread(this::close, "activity-trail-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    private static Thread writerThread(Runnable writer) {
        Thread thread = new Thread(writer, WRITER_THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void log(Activity activity) {
        requireNonNull(activity, "activity");
        if (activity.severity().ordinal() >= synchronousOrdinal) {
            logNow(activity);
            return;
        }
        if (closed) {
            afterClose(activity);
            return;
        }
        enqueue(activity);
    }

    /** The fast path: one offer, no wake-up of the writer (it polls on a timer). */
    private void enqueue(Activity activity) {
        if (queue.offer(activity)) {
            listener.onEnqueued();
            if (closed) {
                recheckAfterClose(activity);
            }
        } else {
            overflow(activity);
        }
    }

    @Override
    public void log(String userId, String action, @Nullable String description) {
        log(Activity.builder(userId, action).description(description).createdAt(config.clock().instant()).build());
    }

    /** A close() that ran between the check and the offer may have missed this activity. */
    private void recheckAfterClose(Activity activity) {
        if (queue.remove(activity)) {
            afterClose(activity);
        }
    }

    private void afterClose(Activity activity) {
        RATE_LIMITED.warn("closed", "An activity was logged after the ActivityTrail was closed; dropped and counted");
        pipeline.dropRaw(activity, MetricsListener.DROPPED_CLOSED);
    }

    private void overflow(Activity activity) {
        pipeline.wake();
        switch (overflowPolicy) {
            case DROP -> pipeline.dropRaw(activity, MetricsListener.DROPPED_QUEUE_FULL);
            case BLOCK -> {
                boolean queued = false;
                try {
                    queued = queue.offer(activity, blockTimeoutNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (queued) {
                    listener.onEnqueued();
                    if (closed) {
                        recheckAfterClose(activity);
                    }
                } else {
                    pipeline.dropRaw(activity, MetricsListener.DROPPED_BLOCK_TIMEOUT);
                }
            }
            case SPOOL -> {
                // The raw session id must never reach the disk; the rest of enrichment waits for the replay.
                pipeline.spoolOrDrop(List.of(enricher.protect(activity)), false, false);
            }
        }
    }

    @Override
    public void logNow(Activity activity) {
        requireNonNull(activity, "activity");
        if (closed) {
            afterClose(activity);
            return;
        }
        if (!pipeline.storeDown()) {
            Activity enriched = enricher.enrich(activity);
            long start = System.nanoTime();
            try {
                WriteResult result = store.write(List.of(enriched));
                pipeline.succeeded(result, 1, start, WritePipeline.Kind.NOW);
                return;
            } catch (RuntimeException | Error e) {
                pipeline.recordError(e);
                RATE_LIMITED.warn("logNow", "A synchronous activity write failed; the activity goes through the "
                        + "pipeline (retries, spool) instead", e);
            }
        }
        // The store is failing: the pipeline retries and spools it. It gets the raw activity and enriches it again.
        enqueue(activity);
    }

    @Override
    public void flush() {
        if (!closed) {
            pipeline.flush();
        }
    }

    @Override
    public Duration pingStore(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("timeout must be between PT0.001S and PT1M, but was " + timeout);
        }
        CompletableFuture<Long> ping = pingInFlight.get();
        if (ping == null) {
            CompletableFuture<Long> started = new CompletableFuture<>();
            if (pingInFlight.compareAndSet(null, started)) {
                Thread thread = new Thread(() -> runPing(started, timeout), "activity-trail-ping");
                thread.setDaemon(true);
                thread.start();
                ping = started;
            } else {
                ping = pingInFlight.get();
            }
        }
        try {
            return Duration.ofNanos(ping == null ? 0 : ping.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw new ActivityStoreException("the store did not answer within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof ActivityStoreException ase ? ase : new ActivityStoreException("the store ping failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActivityStoreException("interrupted while waiting for the store to answer", e);
        }
    }

    private void runPing(CompletableFuture<Long> result, Duration timeout) {
        long start = System.nanoTime();
        try {
            store.ping(timeout);
            result.complete(System.nanoTime() - start);
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        } finally {
            pingInFlight.compareAndSet(result, null);
        }
    }

    @Override
    public PipelineHealth health() {
        PipelineHealth.Status status;
        String lastError = pipeline.lastError();
        String spoolError = spool.appendError();
        boolean waiting = !queue.isEmpty() || spool.hasPending();
        // Only with a sign of failure: one activity logged after a quiet spell waits, but is no outage.
        boolean failing = pipeline.storeDown() || pipeline.retrying() || spool.hasPending();
        boolean stalled = waiting && failing
                && System.nanoTime() - pipeline.lastWriteNanos() > config.downAfter().toNanos();
        if (closed || pipeline.finished()) {
            status = PipelineHealth.Status.DOWN;
        } else if (spoolError != null) {
            status = PipelineHealth.Status.DOWN; // what must be spooled is being dropped
            lastError = spoolError;
        } else if (stalled) {
            status = PipelineHealth.Status.DOWN;
            lastError = "nothing written for more than " + config.downAfter() + " while activities wait"
                    + (lastError == null ? "" : "; last error: " + lastError);
        } else if (pipeline.storeDown()) {
            status = spool.hasRoomFor(64 * 1024) ? PipelineHealth.Status.DEGRADED : PipelineHealth.Status.DOWN;
        } else if (pipeline.retrying() || spool.hasPending()) {
            status = PipelineHealth.Status.DEGRADED;
        } else {
            status = PipelineHealth.Status.UP;
        }
        String storeProblem = storeProblem();
        if (status == PipelineHealth.Status.UP && storeProblem != null) {
            status = PipelineHealth.Status.DEGRADED;
        }
        if (lastError == null && !spool.usable()) {
            lastError = spool.unavailableReason();
        }
        boolean spoolWritable = spool.usable() && spoolError == null && spool.hasRoomFor(64 * 1024);
        return new PipelineHealth(status, queue.size(), config.queueCapacity(), spool.bytes(), spool.segmentCount(), spoolWritable,
                pipeline.dropped.sum(), pipeline.rejected.sum(), lastError, pipeline.lastSuccessfulWrite(), storeProblem);
    }

    /** The store's own word on its health; a store whose check throws is taken at its word that something is wrong. */
    private @Nullable String storeProblem() {
        try {
            return store.problem().orElse(null);
        } catch (RuntimeException e) {
            return "ActivityStore.problem() failed: " + e;
        }
    }

    @Override
    public ActivityPage query(ActivityQuery query) {
        requireNonNull(query, "query");
        String ip = query.ipAddress().orElse(null);
        if (ip != null) {
            // Stored addresses are masked: ask for the masked form, so that the raw address finds its rows.
            String masked = config.privacy().maskIp(ip);
            if (masked == null) {
                // No address is stored at all (IpMasking.FULL): none can match.
                return query.page().isPresent()
                        ? ActivityPage.ofNumbered(List.of(), query.page().getAsInt(), query.limit(), 0)
                        : ActivityPage.ofKeyset(List.of(), query.limit());
            }
            query = query.withIpAddress(masked);
        }
        String rawSessionId = query.rawSessionId().orElse(null);
        if (rawSessionId != null) {
            query = query.withSessionId(enricher.hashSessionId(rawSessionId));
        }
        return config.store().query(query);
    }

    @Override
    public ActivityStats stats(String userId, Duration window) {
        Activity.validateUserId(userId);
        requireNonNull(window, "window");
        if (window.compareTo(MIN_STATS_WINDOW) < 0 || window.compareTo(MAX_STATS_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be between " + MIN_STATS_WINDOW + " and "
                    + MAX_STATS_WINDOW + ", but was " + window);
        }
        Instant to = config.clock().instant();
        return config.store().stats(userId, to.minus(window), to);
    }

    @Override
    public long export(String userId, ExportFormat format, OutputStream out, Set<String> fields) throws IOException {
        Activity.validateUserId(userId);
        requireNonNull(format, "format");
        requireNonNull(out, "out");
        for (String field : requireNonNull(fields, "fields")) {
            if (!Activity.FIELD_NAMES.contains(field)) {
                throw new IllegalArgumentException("fields must be among " + Activity.FIELD_NAMES + ", but included \"" + field + "\"");
            }
        }
        flush();
        ExportWriter writer = new ExportWriter(format, out, fields);
        long count;
        try {
            count = config.store().export(userId, writer);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.finish();
        return count;
    }

    @Override
    public long eraseUser(String userId) {
        Activity.validateUserId(userId);
        // Marked before the flush: a replay of the spool that runs meanwhile must not write back
        // what the delete below removes.
        pipeline.erasureStarted(userId, config.clock().instant());
        long erased;
        try {
            flush();
            erased = config.store().eraseUser(userId);
        } finally {
            // Also when the delete failed: what the spool holds of the user stays unreplayed.
            pipeline.erasureFinished(userId);
        }
        long setAside;
        try {
            setAside = rejectedLog.erase(userId);
        } catch (UncheckedIOException e) {
            throw new io.activitytrail.ActivityTrailException("erased " + erased + " stored activities of the user, but not "
                    + "the activities set aside in " + config.spoolDirectory() + " (" + e.getCause()
                    + "); call eraseUser again", e);
        }
        if (setAside > 0) {
            LOG.info("Erased {} set-aside (rejected) activities of one user", setAside);
        }
        LOG.info("Erased {} activities of one user", erased);
        return erased;
    }

    /**
     * Another instance erased the user: keep what this instance's spool holds of the user, created
     * up to the erasure, from being replayed (the store would skip those rows anyway; this saves the
     * round trips) and drop them from the rejected-row files. On the store's thread.
     */
    private void erasedElsewhere(String userId, Instant erasedAt) {
        if (closed) {
            // The store outlives the trail and cannot forget the callback: a closed trail must not
            // touch the spool directory, which a new trail in this JVM may use by now.
            return;
        }
        try {
            Activity.validateUserId(userId);
            pipeline.erasureStarted(userId, erasedAt);
            pipeline.erasureFinished(userId);
            rejectedLog.erase(userId);
        } catch (RuntimeException e) {
            LOG.warn("Cannot honour an erasure announced by the store: {}", e.toString());
        }
    }

    @Override
    public RetentionResult applyRetention() {
        Instant cutoff = config.clock().instant().minus(config.retention());
        RetentionResult result = config.store().applyRetention(cutoff);
        int expiredFiles = rejectedLog.expire(cutoff);
        if (expiredFiles > 0) {
            LOG.info("Retention deleted {} rejected-activity files of days before {}", expiredFiles, cutoff);
        }
        LOG.info("Retention removed {} activities created before {} ({} partitions dropped)",
                result.deletedRows(), result.cutoff(), result.droppedPartitions().size());
        return result;
    }

    /**
     * Flushes within the shutdown timeout, spools what is left and stops the writer; see
     * {@link ActivityTrail#close()}. Does not close the store: it belongs to the caller.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        int spooled = pipeline.shutdown(deadline);
        spool.close();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // The JVM is shutting down already.
            }
        }
        PipelineHealth health = health();
        if (spooled > 0 || health.spoolBytes() > 0) {
            LOG.info("ActivityTrail closed; {} bytes of activities wait in the spool {} for the next start",
                    health.spoolBytes(), config.spoolDirectory());
        } else {
            LOG.debug("ActivityTrail closed");
        }
    }
}
