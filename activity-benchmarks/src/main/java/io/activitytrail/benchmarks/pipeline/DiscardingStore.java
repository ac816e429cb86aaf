package io.activitytrail.benchmarks.pipeline;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** A store that takes every batch and keeps nothing: isolates the pipeline from the database. */
public final class DiscardingStore implements ActivityStore {
    final LongAdder written = new LongAdder();

    /** Activities taken so far. */
    public long written() {
        return written.sum();
    }

    @Override
    public WriteResult write(List<Activity> batch) {
        written.add(batch.size());
        return WriteResult.inserted(batch.size());
    }

    @Override
    public ActivityPage query(ActivityQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ActivityStats stats(String userId, Instant from, Instant to) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long export(String userId, Consumer<? super Activity> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long eraseUser(String userId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RetentionResult applyRetention(Instant cutoff) {
        throw new UnsupportedOperationException();
    }
}
