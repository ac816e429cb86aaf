package io.activitytrail.internal;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.InMemoryActivityStore;
import io.activitytrail.RejectedActivity;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** An in-memory store that can be made to fail, hang or refuse rows, for pipeline tests. */
final class FlakyStore implements ActivityStore {
    /** Activities with this metadata key are refused for good, like a PostgreSQL poison row. */
    static final String POISON = "poison";

    final InMemoryActivityStore delegate = new InMemoryActivityStore();
    volatile boolean down;
    final AtomicInteger failNext = new AtomicInteger();
    /** Store the batch, then throw: the commit went through but the answer was lost. */
    final AtomicInteger failAfterWriteNext = new AtomicInteger();
    private volatile CountDownLatch hang = new CountDownLatch(0);
    final AtomicInteger writeCalls = new AtomicInteger();
    /** Batches holding an activity of this user fail whole, as a host store that throws for one bad row. */
    volatile String failBatchesWithUser;
    final AtomicInteger rowsOffered = new AtomicInteger();
    final Set<String> writerThreads = ConcurrentHashMap.newKeySet();

    /** What the trail registered through {@link #onErasure}, to play another instance's erasure. */
    volatile java.util.function.BiConsumer<String, Instant> erasureCallback;

    @Override
    public void onErasure(java.util.function.BiConsumer<String, Instant> callback) {
        this.erasureCallback = callback;
    }

    /** Pings wait on this latch; {@link #release()} lets them go. */
    private volatile CountDownLatch pingHang = new CountDownLatch(0);
    final AtomicInteger pingCalls = new AtomicInteger();

    void hangPings() {
        pingHang = new CountDownLatch(1);
    }

    @Override
    public void ping(java.time.Duration timeout) {
        pingCalls.incrementAndGet();
        try {
            pingHang.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActivityStoreException("interrupted");
        }
        if (down) {
            throw new ActivityStoreException("store is down");
        }
    }

    void hang() {
        hang = new CountDownLatch(1);
    }

    void release() {
        hang.countDown();
        pingHang.countDown();
    }

    @Override
    public WriteResult write(List<Activity> batch) {
        writeCalls.incrementAndGet();
        writerThreads.add(Thread.currentThread().getName());
        try {
            hang.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActivityStoreException("interrupted");
        }
        if (down) {
            throw new ActivityStoreException("store is down");
        }
        String failing = failBatchesWithUser;
        if (failing != null && batch.stream().anyMatch(a -> a.userId().equals(failing))) {
            throw new IllegalArgumentException("cannot store activities of " + failing);
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ActivityStoreException("connection reset");
        }
        rowsOffered.addAndGet(batch.size());
        List<Activity> good = new ArrayList<>(batch.size());
        List<RejectedActivity> rejected = new ArrayList<>();
        for (Activity a : batch) {
            if (a.metadata().containsKey(POISON)) {
                rejected.add(new RejectedActivity(a, "invalid byte sequence: 0x00"));
            } else {
                good.add(a);
            }
        }
        int inserted = delegate.write(good).inserted();
        good.forEach(a -> storedIds.add(a.id()));
        if (failAfterWriteNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ActivityStoreException("connection lost after commit");
        }
        return new WriteResult(inserted, rejected);
    }

    int size() {
        return delegate.size();
    }

    boolean contains(UUID id) {
        return storedIds.contains(id);
    }

    /** Ids of every activity stored. */
    final Set<UUID> storedIds = ConcurrentHashMap.newKeySet();

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
