package io.activitytrail.servlet;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** A store that fails every write and ping while {@link #down} is set, so the trail spools to disk. */
final class SwitchableStore implements ActivityStore {
    private final ActivityStore delegate;
    volatile boolean down;
    /** When not negative, an export passes this many made-up rows to its sink and then fails. */
    volatile int failExportAfter = -1;

    SwitchableStore(ActivityStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public WriteResult write(List<Activity> batch) {
        if (down) {
            throw new ActivityStoreException("store switched off by the test");
        }
        return delegate.write(batch);
    }

    @Override
    public ActivityPage query(ActivityQuery query) {
        return delegate.query(query);
    }

    @Override
    public ActivityStats stats(String userId, Instant from, Instant to) {
        return delegate.stats(userId, from, to);
    }

    @Override
    public long export(String userId, Consumer<? super Activity> sink) {
        int rows = failExportAfter;
        if (rows >= 0) {
            for (int i = 0; i < rows; i++) {
                sink.accept(Activity.builder(userId, "exported").description("row " + i + " of an export that will fail").build());
            }
            throw new ActivityStoreException("export failed after " + rows + " rows, as the test asked");
        }
        return delegate.export(userId, sink);
    }

    @Override
    public long eraseUser(String userId) {
        return delegate.eraseUser(userId);
    }

    @Override
    public void ping(Duration timeout) {
        if (down) {
            throw new ActivityStoreException("store switched off by the test");
        }
        delegate.ping(timeout);
    }

    @Override
    public RetentionResult applyRetention(Instant cutoff) {
        return delegate.applyRetention(cutoff);
    }
}
