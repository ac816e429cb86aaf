package io.activitytrail.testing;

import io.activitytrail.Activity;
import io.activitytrail.MetricsListener;
import io.activitytrail.RejectedActivity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts every pipeline event, for assertions; shared with other modules' tests through the test jar. */
public class CountingListener implements MetricsListener {
    public final LongAdder enqueued = new LongAdder();
    public final LongAdder written = new LongAdder();
    public final LongAdder batches = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder spooled = new LongAdder();
    public final LongAdder replayed = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder skipped = new LongAdder();
    public final LongAdder enrichmentFailures = new LongAdder();
    public final AtomicLong maxBatch = new AtomicLong();
    public final Map<String, LongAdder> droppedByReason = new ConcurrentHashMap<>();
    public final CopyOnWriteArrayList<RejectedActivity> rejected = new CopyOnWriteArrayList<>();

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

    public long dropped(String reason) {
        LongAdder n = droppedByReason.get(reason);
        return n == null ? 0 : n.sum();
    }

    @Override
    public String toString() {
        return "enqueued=" + enqueued.sum() + " written=" + written.sum() + " retries=" + retries.sum()
                + " spooled=" + spooled.sum() + " replayed=" + replayed.sum() + " dropped=" + dropped.sum()
                + " rejected=" + rejected.size();
    }
}
