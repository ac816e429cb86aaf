package io.activitytrail;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the write pipeline, for health checks and dashboards; see
 * {@link ActivityTrail#health()}.
 *
 * @param status UP, DEGRADED or DOWN; see {@link Status}
 * @param queueDepth activities waiting in memory for the writer
 * @param queueCapacity how many activities the queue holds ({@link ActivityTrail.Builder#queueCapacity})
 * @param spoolBytes bytes held in the disk spool (activities waiting for replay)
 * @param spoolSegments files in the disk spool
 * @param spoolWritable whether the spool can take activities now: its directory is usable, the
 *     last append did not fail and there is room for more
 * @param dropped activities dropped since start (queue or spool full, closed trail); never silent
 * @param rejected activities the store refused for good since start (set aside, see the spool
 *     directory's {@code rejected-*.ndjson})
 * @param lastError the message of the last write failure, or null when none happened since start
 * @param lastSuccessfulWrite when a write to the store last succeeded, or null when none did yet
 * @param storeProblem a standing problem the store reports ({@link ActivityStore#problem()}), such
 *     as partitions it cannot make; it makes an otherwise healthy pipeline DEGRADED
 */
public record PipelineHealth(
        Status status,
        int queueDepth,
        int queueCapacity,
        long spoolBytes,
        int spoolSegments,
        boolean spoolWritable,
        long dropped,
        long rejected,
        @Nullable String lastError,
        @Nullable Instant lastSuccessfulWrite,
        @Nullable String storeProblem) {

    /** The state of the write pipeline. */
    public enum Status {
        /** The store takes writes, the spool is empty and the store reports no problem. */
        UP,
        /**
         * Nothing is being lost, but not everything is in the store yet: the store is failing and
         * batches are retried or spooled to disk, or spooled activities wait to be replayed; or the
         * store reports a standing problem ({@link ActivityStore#problem()}).
         */
        DEGRADED,
        /**
         * Activities are being lost or cannot be written at all: the store is failing and the spool
         * is full or unusable; the spool cannot be written (an I/O error such as a full disk);
         * activities have waited longer than {@link ActivityTrail.Builder#downAfter downAfter}
         * with no successful write; or the trail is closed.
         */
        DOWN
    }
}
