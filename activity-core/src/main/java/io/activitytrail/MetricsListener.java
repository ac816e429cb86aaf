package io.activitytrail;

import java.time.Duration;

/**
 * Told what the write pipeline does, for metrics. Every method defaults to doing nothing.
 *
 * <p>Called on the thread where the event happens: {@link #onEnqueued} and {@link #onDropped} on
 * the thread that logs (so they must be cheap and must not block), the others on the writer thread.
 * An exception thrown here is caught and ignored by the pipeline.
 */
public interface MetricsListener {

    /** A listener that ignores everything. */
    MetricsListener NONE = new MetricsListener() {};

    /** An activity was accepted into the queue. */
    default void onEnqueued() {}

    /** A batch was stored. {@code rows} counts the activities in it, {@code latency} the write. */
    default void onWritten(int rows, Duration latency) {}

    /** A batch write failed and will be retried; {@code attempt} starts at 1. */
    default void onRetry(int attempt, Throwable cause) {}

    /** Activities went to the disk spool. */
    default void onSpooled(int rows) {}

    /** Activities were replayed from the disk spool into the store. */
    default void onReplayed(int rows) {}

    /** An activity was dropped (queue full under the DROP policy, spool full, ...). */
    default void onDropped(Activity activity, String reason) {}

    /** The store refused an activity for good; it is set aside, never retried. */
    default void onRejected(RejectedActivity rejected) {}

    /** The queue holds {@code depth} activities (sampled by the writer). */
    default void onQueueDepth(int depth) {}
}
