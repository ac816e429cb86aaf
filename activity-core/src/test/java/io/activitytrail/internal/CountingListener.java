package io.activitytrail.internal;

import io.activitytrail.Activity;
import io.activitytrail.MetricsListener;
import io.activitytrail.RejectedActivity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts every pipeline event, for assertions. */
class CountingListener implements MetricsListener {
    final LongAdder enqueued = new LongAdder();
    final LongAdder written = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder spooled = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder enrichmentFailures = new LongAdder();
    final AtomicLong maxBatch = new AtomicLong();
    final Map<String, LongAdder> droppedByReason = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<RejectedActivity> rejected = new CopyOnWriteArrayList<>();

    @Override
    public void onEnqueued() {
        enqueued.increment();
    }

    @Override
    public void onWritten(int rows, Duration latency) {
        written.add(rows);
        batches.increment();
        maxBatch.accumulateAndGet(rows, Math::max);
    }

    @Override
    public void onRetry(int attempt, Throwable cause) {
        retries.increment();
    }

    @Override
    public void onSpooled(int rows) {
        spooled.add(rows);
    }

    @Override
    public void onReplayed(int rows) {
        replayed.add(rows);
    }

    @Override
    public void onDropped(Activity activity, String reason) {
        dropped.increment();
        droppedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    @Override
    public void onRejected(RejectedActivity r) {
        rejected.add(r);
    }

    @Override
    public void onSpoolRecordsSkipped(int records, String reason) {
        skipped.add(records);
    }

    @Override
    public void onEnrichmentFailed(Throwable cause) {
        enrichmentFailures.increment();
    }

    long dropped(String reason) {
        LongAdder n = droppedByReason.get(reason);
        return n == null ? 0 : n.sum();
    }
}
