package io.activitytrail.internal;

import io.activitytrail.Activity;
import io.activitytrail.ActivityStore;
import io.activitytrail.MetricsListener;
import io.activitytrail.RejectedActivity;
import io.activitytrail.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer side of the pipeline, run by one thread ({@code activity-writer}).
 *
 * <p>Hand-off: callers only {@code offer} to the bounded queue; they never wake the writer (an
 * unpark per offer costs the caller microseconds). The writer instead parks on a timer: at most
 * {@link #TICK_NANOS} (or {@code flushInterval} if shorter) while the queue is short of a batch,
 * and not at all while a full batch waits. Only slow paths wake it early: {@code flush()},
 * {@code close()}, and callers that find the queue full.
 *
 * <p>Items stay in the queue until their batch is due, so that {@code close()} can always take
 * over what is left, even while the writer hangs in a store call.
 */
final class WritePipeline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WritePipeline.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG);
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A generous guess of what spooling one activity costs, for the shutdown deadline. */
    private static final long SPOOL_NANOS_PER_ACTIVITY = 40_000;

    private final ActivityStore store;
    private final ArrayBlockingQueue<Activity> queue;
    private final DiskSpool spool;
    private final RejectedLog rejectedLog;
    private final Enricher enricher;
    private final MetricsListener listener;
    private final Clock clock;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final long tickNanos;
    private final long retryInitialNanos;
    private final long retryMaxNanos;
    private final int retryMaxAttempts;
    private final ConcurrentLinkedQueue<FlushRequest> flushRequests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    final LongAdder dropped = new LongAdder();
    final LongAdder rejected = new LongAdder();
    /** Erased users whose spooled activities must not be replayed. */
    private final ErasureMarks erasures;

    // Writer thread only.
    private final List<FlushRequest> pendingFlushes = new ArrayList<>();
    private long taken;
    private long firstSeenNanos = -1;
    private long nextProbeNanos;
    private long probeDelayNanos;
    private long replayBlockedUntilNanos = System.nanoTime();
    /** The spooled chunk that failed last (segment, start), how often in a row, and since when. */
    private long failingChunkSegment = -1;
    private long failingChunkStart = -1;
    private int failingChunkFailures;
    private long failingChunkSinceNanos;
    /** When a write to the store last succeeded, by any path. */
    private volatile long lastWriteNanos = System.nanoTime();

    // Read by other threads.
    private volatile long done;
    private volatile boolean storeDown;
    private volatile boolean retrying;
    private volatile @Nullable String lastError;
    private volatile @Nullable Instant lastSuccessfulWrite;
    private volatile boolean shuttingDown;
    private volatile long shutdownDeadlineNanos;
    private volatile boolean abandoned;
    private volatile @Nullable Thread thread;
    /** The batch the writer is working on (not yet stored or spooled), for a takeover by close(). */
    private volatile @Nullable InFlight inFlight;
    /** Makes "take from the queue and publish as in flight" atomic with respect to a takeover. */
    private final Object handOver = new Object();

    private record InFlight(List<Activity> activities, boolean enriched) {}

    WritePipeline(TrailConfig config, ArrayBlockingQueue<Activity> queue, DiskSpool spool, RejectedLog rejectedLog,
            Enricher enricher, MetricsListener listener) {
        this.store = config.store();
        this.queue = queue;
        this.spool = spool;
        this.rejectedLog = rejectedLog;
        this.enricher = enricher;
        this.listener = listener;
        this.clock = config.clock();
        this.batchSize = config.batchSize();
        this.flushIntervalNanos = config.flushInterval().toNanos();
        this.tickNanos = Math.min(TICK_NANOS, flushIntervalNanos);
        this.retryInitialNanos = config.retryInitialDelay().toNanos();
        this.retryMaxNanos = config.retryMaxDelay().toNanos();
        this.retryMaxAttempts = config.retryMaxAttempts();
        this.probeDelayNanos = retryInitialNanos;
        this.erasures = new ErasureMarks(spool.usable() ? spool.directory().resolve(ErasureMarks.FILE_NAME) : null,
                spool.mark());
    }

    void start(Thread writerThread) {
        this.thread = writerThread;
        writerThread.start();
    }

    @Nullable Thread thread() {
        return thread;
    }

    /** Wakes the writer early; for slow paths only (flush, close, a full queue). */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        try {
            while (!abandoned) {
                try {
                    if (!step()) {
                        break;
                    }
                } catch (RuntimeException | Error e) {
                    // Nothing may stop the writer; what was in hand is still in the queue or spooled.
                    recordError(e);
                    RATE_LIMITED.warn("writer", "Unexpected failure in the activity writer; it goes on", e);
                    LockSupport.parkNanos(tickNanos);
                }
            }
        } finally {
            finished.countDown();
            pendingFlushes.forEach(FlushRequest::complete);
            FlushRequest r;
            while ((r = flushRequests.poll()) != null) {
                r.complete();
            }
        }
    }

    /** One round of the writer loop; false when shut down and nothing is left. */
    private boolean step() {
        acceptFlushRequests();
        long now = System.nanoTime();
        boolean worked = false;
        boolean shutdown = shuttingDown;

        // New batches first: while the store is taken as down, a due batch is a probe as good as a
        // replay, and one spooled chunk the store keeps refusing must not keep everything else out.
        int depth = queue.size();
        if (depth == 0) {
            firstSeenNanos = -1;
        } else if (firstSeenNanos < 0) {
            firstSeenNanos = now;
        }
        boolean due = depth >= batchSize
                || (depth > 0 && (shutdown || !pendingFlushes.isEmpty() || now - firstSeenNanos >= flushIntervalNanos));
        if (due) {
            List<Activity> batch = new ArrayList<>(Math.min(depth, batchSize));
            synchronized (handOver) {
                if (abandoned) {
                    return false;
                }
                queue.drainTo(batch, batchSize);
                inFlight = new InFlight(batch, false);
            }
            taken += batch.size();
            firstSeenNanos = queue.isEmpty() ? -1 : now;
            if (!batch.isEmpty()) {
                listener.onQueueDepth(depth);
                processBatch(batch);
                worked = true;
            } else {
                inFlight = null;
            }
        }

        // Replay the spool a chunk at a time, taking turns with new batches so that a long replay
        // does not fill the queue; while the store is down, a replay attempt is a probe. At
        // shutdown, replay goes on once the queue is empty, while there is time.
        now = System.nanoTime();
        if (spool.hasPending() && (!storeDown || now - nextProbeNanos >= 0) && now - replayBlockedUntilNanos >= 0
                && (!shutdown || (queue.isEmpty() && timeLeftToReplay(now)))) {
            boolean replayed = false;
            try {
                replayed = replayChunk();
            } finally {
                if (!replayed) {
                    // The spool cannot be read just now (I/O error, a file not ours): try again later,
                    // not in a tight loop, and let waiting flushes see it.
                    replayBlockedUntilNanos = now + retryMaxNanos;
                }
            }
            worked |= replayed;
        }

        completeFlushes();
        if (shutdown && queue.isEmpty() && !replayWanted(System.nanoTime())) {
            return false;
        }
        if (!worked) {
            listener.onQueueDepth(depth);
            now = System.nanoTime();
            long park = tickNanos;
            if (firstSeenNanos >= 0) {
                park = Math.min(park, Math.max(0, firstSeenNanos + flushIntervalNanos - now));
            }
            if (storeDown && spool.hasPending()) {
                park = Math.min(park, Math.max(0, nextProbeNanos - now));
            }
            if (park > 0 && flushRequests.isEmpty() && !shuttingDown) {
                LockSupport.parkNanos(this, park);
            }
        }
        return true;
    }

    /** Whether, at shutdown, the spool still has something to replay that the store could take now. */
    private boolean replayWanted(long now) {
        return spool.hasPending() && !storeDown && now - replayBlockedUntilNanos >= 0 && timeLeftToReplay(now);
    }

    /** Whether a chunk write fits before the shutdown deadline, keeping time for close() to take over. */
    private boolean timeLeftToReplay(long now) {
        return shutdownDeadlineNanos - now > (long) batchSize * SPOOL_NANOS_PER_ACTIVITY;
    }

    private void processBatch(List<Activity> raw) {
        try {
            List<Activity> batch = new ArrayList<>(raw.size());
            for (Activity activity : raw) {
                batch.add(enricher.enrich(activity));
            }
            inFlight = new InFlight(batch, true);
            // After a takeover by close(), the batch is in the spool already.
            if (!writeWithRetries(batch) && !abandoned) {
                spoolOrDrop(batch, true, true);
            }
        } catch (RuntimeException | Error e) {
            // A bug or a broken JVM state; the batch is out of the queue, so keep it on disk.
            recordError(e);
            RATE_LIMITED.warn("batch", "Unexpected failure while writing a batch; it goes to the spool", e);
            InFlight hand = inFlight;
            if (hand != null && !abandoned) {
                spoolOrDrop(hand.enriched() ? hand.activities() : protect(hand.activities()), hand.enriched(), true);
            }
        } finally {
            inFlight = null;
            done += raw.size();
        }
    }

    /** True when stored (or abandoned); false when it should be spooled. */
    private boolean writeWithRetries(List<Activity> batch) {
        int attempts = retryMaxAttempts;
        if (storeDown && spool.usable() && spool.hasPending()) {
            if (System.nanoTime() - nextProbeNanos < 0) {
                return false; // the store is known to be down: straight to the spool, in order behind the rest
            }
            attempts = 1; // a probe: one attempt, then back to the spool
        }
        try {
            for (int attempt = 1; ; attempt++) {
                if (abandoned) {
                    return true;
                }
                long start = System.nanoTime();
                try {
                    WriteResult result = store.write(batch);
                    succeeded(result, batch.size(), start, Kind.BATCH);
                    lastFreshBatch = List.copyOf(batch);
                    return true;
                } catch (RuntimeException | Error e) {
                    // Any failure of write is taken as passing (ActivityStore contract): retry, then spool.
                    recordError(e);
                    if (attempt >= attempts || abandoned) {
                        break;
                    }
                    long delay = backoff(attempt);
                    if (shuttingDown && System.nanoTime() + delay - shutdownDeadlineNanos > 0) {
                        break; // no time left to wait: spool it
                    }
                    retrying = true;
                    listener.onRetry(attempt, e);
                    sleep(delay);
                }
            }
        } finally {
            retrying = false;
        }
        markDown();
        return false;
    }

    /** False when nothing could be read. */
    private boolean replayChunk() {
        DiskSpool.Chunk chunk = spool.read(batchSize);
        if (chunk == null) {
            return false;
        }
        List<Activity> activities = new ArrayList<>(chunk.records().size());
        int erased = 0;
        for (SpoolCodec.Decoded record : chunk.records()) {
            if (erasures.covers(record.activity())) {
                erased++;
            } else {
                activities.add(record.described() ? record.activity() : enricher.describe(record.activity()));
            }
        }
        if (erased > 0) {
            LOG.info("Skipped {} spooled activities of erased users", erased);
        }
        if (!activities.isEmpty()) {
            long start = System.nanoTime();
            try {
                if (isPoison(chunk)) {
                    if (!isolate(activities)) {
                        chunkFailed(chunk);
                        markDown();
                        return true;
                    }
                } else {
                    WriteResult result = store.write(activities);
                    succeeded(result, activities.size(), start, Kind.REPLAY);
                }
            } catch (RuntimeException | Error e) {
                recordError(e);
                chunkFailed(chunk);
                markDown();
                return true;
            }
        }
        failingChunkSegment = -1;
        spool.commit(chunk);
        if (chunk.skipped() > 0) {
            String reason = chunk.skipReason() == null ? "unreadable" : chunk.skipReason();
            LOG.warn("Skipped {} damaged records ({} bytes) of spool segment {}: {}", chunk.skipped(),
                    chunk.skippedBytes(), spool.segmentPath(chunk.segment()), reason);
            listener.onSpoolRecordsSkipped(chunk.skipped(), reason);
        }
        erasures.expire(spool);
        if (!spool.hasPending()) {
            LOG.info("Spool replayed; the pipeline writes straight to the store again");
        }
        return true;
    }

    private void chunkFailed(DiskSpool.Chunk chunk) {
        if (chunk.segment() != failingChunkSegment || chunk.startPosition() != failingChunkStart) {
            failingChunkSegment = chunk.segment();
            failingChunkStart = chunk.startPosition();
            failingChunkFailures = 0;
            failingChunkSinceNanos = System.nanoTime();
        }
        failingChunkFailures++;
    }

    /** Whether this chunk has failed {@code retryMaxAttempts} times in a row: then isolate what is to blame. */
    private boolean isPoison(DiskSpool.Chunk chunk) {
        return chunk.segment() == failingChunkSegment && chunk.startPosition() == failingChunkStart
                && failingChunkFailures >= retryMaxAttempts;
    }

    /** A part of the chunk under isolation that the store took; written again to check it is still up. */
    private @Nullable List<Activity> lastStoredPart;
    /** The last fresh batch the store took: the proof that it is up when no part of an isolated chunk got through. */
    private @Nullable List<Activity> lastFreshBatch;

    /** The last fresh batch without what an erasure has covered since (a rewrite must not bring it back); null when empty. */
    private @Nullable List<Activity> freshBatchProof() {
        List<Activity> batch = lastFreshBatch;
        if (batch == null) {
            return null;
        }
        List<Activity> kept = batch.stream().filter(a -> !erasures.covers(a)).toList();
        return kept.isEmpty() ? null : kept;
    }

    /**
     * Whether the store is up right now, before an activity is blamed: the last part it took is
     * written again (idempotent). Without one, it is taken as up.
     */
    private boolean stillUp() {
        List<Activity> part = lastStoredPart;
        if (part == null) {
            return true;
        }
        try {
            store.write(part);
            return true;
        } catch (RuntimeException | Error e) {
            recordError(e);
            return false;
        }
    }

    /** Ends an isolation that finds nothing the store takes: it is down after all, and no activity is to blame. */
    private static final class StoreSeemsDown extends Exception {
        StoreSeemsDown() {
            super(null, null, false, false);
        }
    }

    /**
     * Writes a chunk the store keeps failing on: once more whole, then by halves, down to the single
     * activities to blame,
     * which are set aside as rejected with the failure as reason. An activity is blamed only once
     * the store has shown it is up: a part of this chunk got through, or (for a chunk that cannot be
     * split, or whose halves both fail) a fresh batch did since the chunk began to fail. Otherwise the
     * isolation stops after two attempts and the store is taken as down, nothing set aside.
     *
     * @return false when the store seems down (the chunk stays in the spool)
     */
    private boolean isolate(List<Activity> activities) {
        long now = System.nanoTime();
        boolean[] storeUp = {lastWriteNanos - failingChunkSinceNanos > 0 && now - lastWriteNanos < 2 * retryMaxNanos};
        List<RejectedActivity> blamed = new ArrayList<>();
        int stored;
        try {
            // Once more whole: a failure that has passed by now blames nobody.
            WriteResult whole = store.write(activities);
            succeeded(whole, activities.size(), now, Kind.REPLAY);
            return true;
        } catch (RuntimeException | Error e) {
            recordError(e);
        }
        // Until a part of this chunk gets through, the proof that the store is up is the fresh batch it
        // took last, written again before anyone is blamed: the store may have gone down since.
        lastStoredPart = storeUp[0] ? freshBatchProof() : null;
        try {
            stored = isolate(activities, blamed, storeUp);
        } catch (StoreSeemsDown e) {
            return false;
        } finally {
            lastStoredPart = null;
        }
        LOG.warn("The store failed {} times on one spooled chunk of {} activities; {} of them were stored and {} "
                + "that fail on their own are set aside in {}", failingChunkFailures, activities.size(), stored,
                blamed.size(), spool.directory());
        succeeded(new WriteResult(stored, blamed), activities.size(), now, Kind.REPLAY);
        return true;
    }

    /** {@code part} failed as a whole; @return how many of it were written */
    private int isolate(List<Activity> part, List<RejectedActivity> blamed, boolean[] storeUp) throws StoreSeemsDown {
        if (abandoned || shuttingDown) {
            throw new StoreSeemsDown(); // close() has taken over or is about to: the chunk stays in the spool
        }
        if (part.size() == 1) {
            if (!storeUp[0] || !stillUp()) {
                throw new StoreSeemsDown();
            }
            blamed.add(new RejectedActivity(part.get(0), "the store fails on this activity alone: " + lastError));
            return 0;
        }
        int half = part.size() / 2;
        List<List<Activity>> failed = new ArrayList<>(2);
        int stored = 0;
        // Both halves before going deeper: one that gets through shows the store is up.
        for (List<Activity> halfPart : List.of(part.subList(0, half), part.subList(half, part.size()))) {
            try {
                WriteResult result = store.write(halfPart);
                blamed.addAll(result.rejected());
                stored += halfPart.size() - result.rejected().size();
                storeUp[0] = true;
                lastStoredPart = halfPart;
            } catch (RuntimeException | Error e) {
                recordError(e);
                failed.add(halfPart);
            }
        }
        if (failed.size() == 2 && !storeUp[0]) {
            throw new StoreSeemsDown();
        }
        for (List<Activity> failedPart : failed) {
            stored += isolate(failedPart, blamed, storeUp);
        }
        return stored;
    }

    /**
     * Keeps what the spool holds of {@code userId}, created up to {@code erasedAt}, from being
     * replayed, now and after a restart. Called before the erasure flushes the pipeline.
     */
    void erasureStarted(String userId, Instant erasedAt) {
        erasures.started(userId, erasedAt);
    }

    /** After the erasure's delete (done or failed): its mark holds until the spool is replayed past this point. */
    void erasureFinished(String userId) {
        erasures.finished(userId, spool.mark());
        erasures.expire(spool);
    }

    enum Kind { BATCH, REPLAY, NOW }

    /** Bookkeeping after a write that the store accepted; also used by logNow (on the caller's thread). */
    void succeeded(WriteResult result, int rows, long startNanos, Kind kind) {
        long now = System.nanoTime();
        Duration latency = Duration.ofNanos(now - startNanos);
        lastWriteNanos = now;
        lastSuccessfulWrite = clock.instant();
        if (kind != Kind.NOW) {
            markUp();
        }
        List<RejectedActivity> refused = result.rejected();
        if (!refused.isEmpty()) {
            rejectedLog.append(refused);
            for (RejectedActivity r : refused) {
                rejected.increment();
                LOG.warn("Store refused {} for good: {}; set aside in {}", r.activity(), r.reason(), spool.directory());
                listener.onRejected(r);
            }
        }
        int stored = rows - refused.size();
        if (kind == Kind.REPLAY) {
            listener.onReplayed(stored);
        } else {
            listener.onWritten(stored, latency);
        }
    }

    /** Spools activities whose session ids are protected already, or drops and counts them. */
    boolean spoolOrDrop(List<Activity> activities, boolean described, boolean force) {
        if (spool.append(activities, described, force)) {
            listener.onSpooled(activities.size());
            return true;
        }
        for (Activity activity : activities) {
            drop(activity, MetricsListener.DROPPED_SPOOL_FULL);
        }
        RATE_LIMITED.warn("spool-full", "Dropped activities: " + (spool.usable() ? "the spool in " + spool.directory()
                + " is full (" + spool.bytes() + " bytes)" : spool.unavailableReason()));
        return false;
    }

    /** Counts a dropped activity whose session id is protected already. */
    void drop(Activity activity, String reason) {
        dropped.increment();
        listener.onDropped(activity, reason);
    }

    /** Counts a dropped activity as logged: the listener sees its session id hashed, never raw. */
    void dropRaw(Activity activity, String reason) {
        dropped.increment();
        listener.onDropped(activity.sessionId() == null ? activity : enricher.hashedSessionId(activity), reason);
    }

    void recordError(Throwable e) {
        String message = e.getMessage();
        lastError = e.getClass().getName() + (message == null ? "" : ": " + message);
    }

    private void markDown() {
        long now = System.nanoTime();
        if (!storeDown) {
            storeDown = true;
            probeDelayNanos = retryInitialNanos;
            LOG.warn("The activity store is failing ({}); batches go to the spool in {} until it takes writes again",
                    lastError, spool.directory());
        }
        nextProbeNanos = now + jitter(probeDelayNanos);
        probeDelayNanos = Math.min(retryMaxNanos, probeDelayNanos * 2);
    }

    private void markUp() {
        if (storeDown) {
            storeDown = false;
            LOG.info("The activity store takes writes again");
        }
        probeDelayNanos = retryInitialNanos;
    }

    private long backoff(int attempt) {
        long delay = retryInitialNanos;
        for (int i = 1; i < attempt && delay < retryMaxNanos; i++) {
            delay *= 2;
        }
        return jitter(Math.min(delay, retryMaxNanos));
    }

    /** Between half and all of {@code nanos} ("equal jitter"), so that many instances do not retry in step. */
    private static long jitter(long nanos) {
        long half = nanos / 2;
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    private void sleep(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !abandoned) {
            LockSupport.parkNanos(this, left);
        }
    }

    // ---- flush ----

    private static final class FlushRequest {
        final CountDownLatch latch = new CountDownLatch(1);
        long target = -1;
        /** Where the spool ended once the queue was processed up to the target; see completeFlushes. */
        boolean queueDone;
        DiskSpool.@Nullable Mark spoolEnd;

        void complete() {
            latch.countDown();
        }
    }

    private void acceptFlushRequests() {
        FlushRequest r;
        while ((r = flushRequests.poll()) != null) {
            // Whatever was logged before flush() was called is taken already or among the first
            // queue.size() items now: FIFO.
            r.target = taken + queue.size();
            pendingFlushes.add(r);
            // A store taken as down may be back: probe now rather than report "spooled" on old news.
            nextProbeNanos = System.nanoTime();
        }
    }

    /**
     * A flush is done once the queue is processed up to its target and then, while the store takes
     * writes, once the spool is replayed past where it ended at that moment (what the batches before
     * the target spooled included). While the store fails, or the spool cannot be read, "spooled" is
     * as far as it gets.
     */
    private void completeFlushes() {
        if (pendingFlushes.isEmpty()) {
            return;
        }
        long d = done;
        boolean spoolStuck = storeDown || !spool.usable() || System.nanoTime() - replayBlockedUntilNanos < 0;
        pendingFlushes.removeIf(r -> {
            if (d < r.target) {
                return false;
            }
            if (!r.queueDone) {
                r.queueDone = true;
                r.spoolEnd = spool.mark();
            }
            if (spoolStuck || spool.replayedThrough(r.spoolEnd)) {
                r.complete();
                return true;
            }
            return false;
        });
    }

    /** Blocks until everything queued before the call is processed, or the writer is gone. */
    void flush() {
        Thread t = thread;
        if (t == null || t == Thread.currentThread() || finished.getCount() == 0 || abandoned) {
            return;
        }
        FlushRequest request = new FlushRequest();
        flushRequests.add(request);
        LockSupport.unpark(t);
        try {
            while (!request.latch.await(100, TimeUnit.MILLISECONDS)) {
                if (finished.getCount() == 0 || abandoned) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- shutdown ----

    /**
     * Asks the writer to write (or spool) what is queued and stop, and waits for it until the
     * deadline; then takes over: what the writer has in hand and what is still queued go to the
     * spool from this thread. The writer thread is left to end on its own (a daemon).
     *
     * @return how many activities were spooled by the takeover
     */
    int shutdown(long deadlineNanos) {
        shutdownDeadlineNanos = deadlineNanos;
        shuttingDown = true;
        flushRequests.add(new FlushRequest()); // probes a store taken as down, so that close() can replay
        wake();
        try {
            // Keep time to spool what is left if the writer does not finish: encoding and appending
            // costs some microseconds an activity, so a full queue must be taken over a bit early.
            long start = System.nanoTime();
            long reserve = Math.min((deadlineNanos - start) / 2, (queue.size() + batchSize) * SPOOL_NANOS_PER_ACTIVITY);
            long left = deadlineNanos - reserve - start;
            if (left > 0) {
                finished.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int spooled = 0;
        if (finished.getCount() > 0) {
            InFlight hand;
            synchronized (handOver) {
                abandoned = true;
                hand = inFlight;
            }
            if (hand != null) {
                List<Activity> activities = hand.enriched() ? hand.activities() : protect(hand.activities());
                if (spoolOrDrop(activities, hand.enriched(), true)) {
                    spooled += activities.size();
                }
            }
            LOG.warn("The activity writer did not finish within the shutdown timeout (last error: {}); "
                    + "what is left goes to the spool", lastError);
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
        spooled += spoolLeftovers();
        return spooled;
    }

    /** Spools what is still queued (logged during or after shutdown, or left by an abandoned writer). */
    int spoolLeftovers() {
        int spooled = 0;
        List<Activity> rest = new ArrayList<>();
        while (queue.drainTo(rest, batchSize) > 0) {
            List<Activity> protectedRest = protect(rest);
            if (spoolOrDrop(protectedRest, false, false)) {
                spooled += rest.size();
            }
            rest.clear();
        }
        return spooled;
    }

    private List<Activity> protect(List<Activity> activities) {
        List<Activity> out = new ArrayList<>(activities.size());
        for (Activity a : activities) {
            out.add(enricher.protect(a));
        }
        return out;
    }

    boolean finished() {
        return finished.getCount() == 0;
    }

    // ---- health ----

    boolean storeDown() {
        return storeDown;
    }

    boolean retrying() {
        return retrying;
    }

    @Nullable String lastError() {
        return lastError;
    }

    @Nullable Instant lastSuccessfulWrite() {
        return lastSuccessfulWrite;
    }

    /** {@link System#nanoTime()} of the last successful write, or of the start when none happened. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }
}
