package io.activitytrail;

/**
 * What {@link ActivityTrail#log(Activity)} does when the in-memory queue is full, that is when
 * activities arrive faster than the store takes them for longer than the queue can absorb.
 * Whatever the policy, {@code log} never throws for it, and every activity that is not kept is
 * counted ({@link MetricsListener#onDropped}) and visible in {@link ActivityTrail#health()}.
 */
public enum OverflowPolicy {
    /**
     * Writes the activity to the disk spool on the caller's thread (an append to a local file, no
     * database work); it is replayed into the store later. Drops and counts only when the spool is
     * full or cannot be written. The default: it loses nothing while the disk has room.
     */
    SPOOL,
    /**
     * Waits up to {@link ActivityTrail.Builder#blockTimeout} for room in the queue, then drops and
     * counts. Slows callers down to the speed of the store.
     */
    BLOCK,
    /** Drops the activity at once and counts it. Never slows a caller down. */
    DROP
}
