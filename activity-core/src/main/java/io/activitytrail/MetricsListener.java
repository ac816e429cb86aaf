package io.activitytrail;

import java.time.Duration;

/**
 * Told what the write pipeline does, for metrics ({@link MicrometerMetricsListener} binds it to
 * Micrometer). Every method defaults to doing nothing.
 *
 * <p>Called on the thread where the event happens: {@link #onEnqueued} and {@link #onDropped} on
 * the thread that logs (so they must be cheap and must not block), {@link #onSpooled} there too
 * when the queue overflows into the spool, the others on the writer thread ({@code activity-writer})
 * or, for {@link ActivityTrail#logNow}, on the caller's thread. Implementations must be
 * thread-safe. An exception thrown here is caught, logged (at most once a minute) and otherwise
 * ignored: it never stops the writer nor reaches the caller.
 */
public interface MetricsListener {

    /** A listener that ignores everything. */
    MetricsListener NONE = new MetricsListener() {};

    /** Reason given to {@link #onDropped} when the queue was full under {@link OverflowPolicy#DROP}. */
    String DROPPED_QUEUE_FULL = "queue_full";
    /** Reason given to {@link #onDropped} when {@link OverflowPolicy#BLOCK} waited in vain. */
    String DROPPED_BLOCK_TIMEOUT = "block_timeout";
    /** Reason given to {@link #onDropped} when an activity had to be spooled but the spool was full or unusable. */
    String DROPPED_SPOOL_FULL = "spool_full";
    /** Reason given to {@link #onDropped} when an activity was logged after {@link ActivityTrail#close()}. */
    String DROPPED_CLOSED = "closed";

    /** An activity was accepted into the queue. */
    default void onEnqueued() {}

    /**
     * A batch from the queue (or a {@link ActivityTrail#logNow} write) was stored. {@code rows}
     * counts the activities in it, rows the store already had included and rejected rows not,
     * {@code latency} the write. Replayed rows are reported by {@link #onReplayed} instead.
     */
    default void onWritten(int rows, Duration latency) {}

    /** A batch write failed and will be retried; {@code attempt} (the failed one) starts at 1. */
    default void onRetry(int attempt, Throwable cause) {}

    /** Activities went to the disk spool. */
    default void onSpooled(int rows) {}

    /** Activities were replayed from the disk spool into the store. */
    default void onReplayed(int rows) {}

    /**
     * An activity was dropped; {@code reason} is one of the {@code DROPPED_*} constants of this
     * interface, so it is safe to use as a metric tag.
     */
    default void onDropped(Activity activity, String reason) {}

    /** The store refused an activity for good; it is set aside, never retried. */
    default void onRejected(RejectedActivity rejected) {}

    /** The queue holds {@code depth} activities (sampled by the writer). */
    default void onQueueDepth(int depth) {}

    /**
     * A record of the disk spool could not be read back (a torn write at a crash, a corrupt
     * file) and was skipped; {@code records} counts what was skipped, as far as known.
     */
    default void onSpoolRecordsSkipped(int records, String reason) {}

    /**
     * Enriching an activity on the writer side failed (the {@link LocationResolver} threw, say);
     * the activity is stored without what that step would have added.
     */
    default void onEnrichmentFailed(Throwable cause) {}
}
