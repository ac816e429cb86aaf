package io.activitytrail.servlet;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.InMemoryActivityStore;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** An in-memory store that also keeps every activity written, in order, for assertions across users. */
final class RecordingStore implements ActivityStore {
    private final InMemoryActivityStore delegate = new InMemoryActivityStore();
    private final ConcurrentLinkedQueue<Activity> written = new ConcurrentLinkedQueue<>();

    @Override
    public WriteResult write(List<Activity> batch) {
        WriteResult result = delegate.write(batch);
        written.addAll(batch);
        return result;
    }

    List<Activity> all() {
        return new ArrayList<>(written);
    }

    List<Activity> withRequestId(String requestId) {
        return written.stream().filter(a -> requestId.equals(a.requestId())).toList();
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
        return delegate.export(userId, sink);
    }

    @Override
    public long eraseUser(String userId) {
        return delegate.eraseUser(userId);
    }

    @Override
    public RetentionResult applyRetention(Instant cutoff) {
        return delegate.applyRetention(cutoff);
    }
}
