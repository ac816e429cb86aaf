package io.activitytrail.internal;

import io.activitytrail.testing.CountingListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.InvalidActivityException;
import io.activitytrail.MetricsListener;
import io.activitytrail.OverflowPolicy;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultActivityTrailTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path spoolDir;

    private final FlakyStore store = new FlakyStore();
    private final CountingListener listener = new CountingListener();
    private final List<ActivityTrail> trails = new ArrayList<>();

    @AfterEach
    void closeTrails() {
        store.release();
        trails.forEach(ActivityTrail::close);
    }

    private ActivityTrail.Builder builder() {
        return ActivityTrail.builder()
                .store(store)
                .spoolDirectory(spoolDir)
                .metricsListener(listener)
                .flushInterval(Duration.ofMillis(20))
                .retryInitialDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .retryMaxAttempts(3);
    }

    private ActivityTrail start(ActivityTrail.Builder builder) {
        ActivityTrail trail = builder.build();
        trails.add(trail);
        return trail;
    }

    private static Activity activity(int n) {
        return Activity.builder("user-" + (n % 7), "test_action").description("n=" + n).build();
    }

    private static List<Activity> activities(int count) {
        List<Activity> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(activity(i));
        }
        return list;
    }

    @Test
    void shouldStoreEverythingLoggedBeforeFlush() {
        ActivityTrail trail = start(builder().flushInterval(Duration.ofMinutes(1)));
        List<Activity> logged = activities(1_234);
        logged.forEach(trail::log);

        trail.flush();

        assertThat(store.storedIds).containsAll(logged.stream().map(Activity::id).toList());
        assertThat(listener.enqueued.sum()).isEqualTo(1_234);
        assertThat(listener.written.sum()).isEqualTo(1_234);
    }

    @Test
    void shouldWriteAFullBatchWithoutWaitingForTheFlushInterval() {
        ActivityTrail trail = start(builder().batchSize(10).flushInterval(Duration.ofMinutes(1)));

        activities(10).forEach(trail::log);

        await().atMost(WAIT).until(() -> store.size() == 10);
        assertThat(listener.maxBatch.get()).isEqualTo(10);
    }

    @Test
    void shouldWriteAPartialBatchOnceTheFlushIntervalPassed() {
        ActivityTrail trail = start(builder().batchSize(500).flushInterval(Duration.ofMillis(30)));

        activities(3).forEach(trail::log);

        await().atMost(WAIT).until(() -> store.size() == 3);
    }

    @Test
    void shouldNeverWriteMoreThanBatchSizeAtOnce() {
        ActivityTrail trail = start(builder().batchSize(50));
        activities(1_000).forEach(trail::log);

        trail.flush();

        assertThat(store.size()).isEqualTo(1_000);
        assertThat(listener.maxBatch.get()).isLessThanOrEqualTo(50);
    }

    @Test
    void shouldWriteOnANamedDaemonWriterThread() {
        ActivityTrail trail = start(builder());
        trail.log(activity(1));
        trail.flush();

        assertThat(store.writerThreads).containsExactly("activity-writer");
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("activity-writer")).findFirst().orElseThrow();
        assertThat(writer.isDaemon()).isTrue();
    }

    @Test
    void shouldUseTheGivenThreadFactory() {
        AtomicInteger made = new AtomicInteger();
        ActivityTrail trail = start(builder().threadFactory(r -> {
            made.incrementAndGet();
            Thread t = new Thread(r, "custom-writer");
            t.setDaemon(true);
            return t;
        }));
        trail.log(activity(1));
        trail.flush();

        assertThat(made.get()).isEqualTo(1);
        assertThat(store.writerThreads).containsExactly("custom-writer");
    }

    @Test
    void shouldNeverThrowFromLogWhenTheStoreFails() {
        store.down = true;
        ActivityTrail trail = start(builder());

        for (Activity a : activities(100)) {
            trail.log(a);
        }
        trail.flush();

        assertThat(listener.spooled.sum()).isEqualTo(100);
    }

    @Test
    void shouldStillThrowForInvalidValues() {
        ActivityTrail trail = start(builder());

        assertThatThrownBy(() -> trail.log("user-1", "Not An Action", null)).isInstanceOf(InvalidActivityException.class);
    }

    @Test
    void shouldRetryAFailedBatchAndStoreItOnce() {
        store.failNext.set(2);
        ActivityTrail trail = start(builder());
        activities(20).forEach(trail::log);

        trail.flush();

        assertThat(store.size()).isEqualTo(20);
        assertThat(listener.retries.sum()).isEqualTo(2);
        assertThat(listener.spooled.sum()).isZero();
    }

    @Test
    void shouldNotDuplicateWhenACommittedBatchIsReportedAsFailed() {
        store.failAfterWriteNext.set(1);
        ActivityTrail trail = start(builder());
        activities(20).forEach(trail::log);

        trail.flush();

        assertThat(store.size()).isEqualTo(20);
        assertThat(store.rowsOffered.get()).isEqualTo(40);
    }

    @Test
    void shouldSpoolWhenRetriesAreSpentAndReplayOnceTheStoreIsBack() {
        store.down = true;
        ActivityTrail trail = start(builder());
        List<Activity> logged = activities(300);
        logged.forEach(trail::log);
        trail.flush();

        assertThat(store.size()).isZero();
        assertThat(listener.spooled.sum()).isEqualTo(300);
        PipelineHealth degraded = trail.health();
        assertThat(degraded.status()).isEqualTo(PipelineHealth.Status.DEGRADED);
        assertThat(degraded.spoolBytes()).isPositive();
        assertThat(degraded.spoolWritable()).isTrue();
        assertThat(degraded.queueCapacity()).isEqualTo(100_000);
        assertThat(degraded.lastError()).contains("store is down");

        store.down = false;

        await().atMost(WAIT).until(() -> store.size() == 300);
        await().atMost(WAIT).until(() -> trail.health().status() == PipelineHealth.Status.UP);
        assertThat(trail.health().spoolBytes()).isZero();
        assertThat(trail.health().lastSuccessfulWrite()).isNotNull();
        assertThat(listener.replayed.sum()).isEqualTo(300);
        assertThat(store.storedIds).containsAll(logged.stream().map(Activity::id).toList());
    }

    @Test
    void shouldNotStrandSpooledActivitiesWhenFlushIsCalledAfterTheStoreIsBack() throws IOException {
        store.down = true;
        ActivityTrail trail = start(builder().retryMaxDelay(Duration.ofMinutes(1)));
        List<Activity> duringOutage = activities(300);
        duringOutage.forEach(trail::log);
        trail.flush();
        assertThat(listener.spooled.sum()).isEqualTo(300);
        store.down = false; // back, but the trail has not probed it yet (next probe up to a minute away)
        List<Activity> after = activities(10);
        after.forEach(trail::log);

        trail.flush();

        assertThat(store.size()).isEqualTo(310);
        assertThat(trail.health().spoolBytes()).isZero();
        assertThat(trail.export("user-3", io.activitytrail.ExportFormat.NDJSON, java.io.OutputStream.nullOutputStream()))
                .isEqualTo(duringOutage.stream().filter(a -> a.userId().equals("user-3")).count()
                        + after.stream().filter(a -> a.userId().equals("user-3")).count());
    }

    @Test
    void shouldReplayTheSpoolAtCloseWhenTheStoreIsBack() throws IOException {
        store.down = true;
        ActivityTrail trail = builder().retryMaxDelay(Duration.ofMinutes(1)).build();
        activities(1_200).forEach(trail::log);
        trail.flush();
        assertThat(listener.spooled.sum()).isEqualTo(1_200);
        store.down = false;

        trail.close();

        assertThat(store.size()).isEqualTo(1_200);
        try (Stream<Path> files = Files.list(spoolDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".seg") || n.equals("replay.pos"));
        }
    }

    @Test
    void shouldNotLetASpooledChunkTheStoreAlwaysRefusesBlockLaterWrites() throws IOException {
        store.failBatchesWithUser = "broken-user";
        ActivityTrail trail = start(builder().batchSize(10));
        Activity broken = Activity.builder("broken-user", "test_action").description("refused").build();
        trail.log(broken);
        activities(9).forEach(trail::log);
        trail.flush(); // the batch fails every attempt: spooled, and the store is taken as down
        assertThat(listener.spooled.sum()).isEqualTo(10);

        List<Activity> good = activities(100);
        good.forEach(trail::log);

        await().atMost(WAIT).until(() -> store.storedIds.containsAll(good.stream().map(Activity::id).toList())
                && trail.health().spoolBytes() == 0);
        assertThat(store.size()).isEqualTo(109);
        assertThat(store.contains(broken.id())).isFalse();
        assertThat(trail.health().rejected()).isEqualTo(1);
        assertThat(rejectedLines()).singleElement().asString()
                .contains(broken.id().toString()).contains("cannot store activities of broken-user");
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.UP);
    }

    @Test
    void shouldReportDownWhenNothingIsWrittenForTooLongWhileActivitiesWait() {
        store.down = true;
        ActivityTrail trail = start(builder().downAfter(Duration.ofSeconds(1)));
        activities(20).forEach(trail::log);
        trail.flush();
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DEGRADED);

        await().atMost(WAIT).until(() -> trail.health().status() == PipelineHealth.Status.DOWN);
        assertThat(trail.health().lastError()).contains("nothing written for more than PT1S").contains("store is down");

        store.down = false;
        await().atMost(WAIT).until(() -> trail.health().status() == PipelineHealth.Status.UP);
    }

    @Test
    void shouldReportDownWhileTheSpoolCannotBeWritten() throws IOException {
        store.down = true;
        ActivityTrail trail = start(builder());
        // The spool directory goes away under the trail (a lost mount, a full or broken disk).
        Path moved = spoolDir.resolveSibling(spoolDir.getFileName() + "-moved");
        Files.move(spoolDir, moved);
        Files.writeString(spoolDir, "not a directory");
        try {
            activities(20).forEach(trail::log);
            trail.flush();

            PipelineHealth health = trail.health();
            assertThat(health.status()).isEqualTo(PipelineHealth.Status.DOWN);
            assertThat(health.lastError()).contains("cannot append to the spool");
            assertThat(health.dropped()).isEqualTo(20);
            assertThat(health.spoolWritable()).isFalse();
        } finally {
            Files.delete(spoolDir);
            Files.move(moved, spoolDir);
        }
    }

    @Test
    void shouldNotReplayTheSpooledActivitiesOfAUserErasedDuringAnOutage() {
        store.down = true; // writes fail; erasure still works, as when the outage is the writer's alone
        ActivityTrail trail = start(builder());
        List<Activity> logged = activities(70);
        logged.forEach(trail::log);
        trail.flush();
        assertThat(listener.spooled.sum()).isEqualTo(70);

        trail.eraseUser("user-3");
        Activity afterErasure = Activity.builder("user-3", "test_action").description("after").build();
        trail.log(afterErasure);
        store.down = false;

        await().atMost(WAIT).until(() -> trail.health().spoolBytes() == 0 && store.contains(afterErasure.id()));
        trail.flush();
        List<UUID> othersIds = logged.stream().filter(a -> !a.userId().equals("user-3")).map(Activity::id).toList();
        assertThat(store.storedIds).containsAll(othersIds);
        assertThat(store.storedIds).hasSize(othersIds.size() + 1);
        assertThat(trail.query(ActivityQuery.forUser("user-3").build()).activities())
                .extracting(Activity::id).containsExactly(afterErasure.id());
    }

    @Test
    void shouldNotReplayTheSpooledActivitiesOfAUserThatTheStoreSaysWasErasedElsewhere() {
        store.down = true;
        ActivityTrail trail = start(builder());
        List<Activity> logged = activities(70);
        logged.forEach(trail::log);
        trail.flush();
        assertThat(listener.spooled.sum()).isEqualTo(70);
        assertThat(store.erasureCallback).as("the trail registered for erasures at build").isNotNull();

        // Another instance erased user-3; this in-memory store would store the rows all the same.
        store.erasureCallback.accept("user-3", java.time.Instant.now());
        Activity afterErasure = Activity.builder("user-3", "test_action").description("after")
                .createdAt(java.time.Instant.now().plusSeconds(1)).build();
        trail.log(afterErasure);
        store.down = false;

        await().atMost(WAIT).until(() -> trail.health().spoolBytes() == 0 && store.contains(afterErasure.id()));
        trail.flush();
        List<UUID> othersIds = logged.stream().filter(a -> !a.userId().equals("user-3")).map(Activity::id).toList();
        assertThat(store.storedIds).containsAll(othersIds);
        assertThat(store.storedIds).hasSize(othersIds.size() + 1);
    }

    /** Regression: a closed trail still honoured erasures the store announced, rewriting a spool directory that a new trail may use. */
    @Test
    void shouldIgnoreAnErasureAnnouncedAfterTheTrailClosed() {
        store.down = true;
        ActivityTrail first = start(builder());
        activities(20).forEach(first::log);
        first.flush(); // spooled: an erasure mark would have to outlive the replay, in erasures.tsv
        java.util.function.BiConsumer<String, java.time.Instant> firstCallback = store.erasureCallback;
        first.close();

        firstCallback.accept("user-3", java.time.Instant.now());

        assertThat(spoolDir.resolve(ErasureMarks.FILE_NAME)).doesNotExist();
    }

    @Test
    void shouldNotReplayTheSpooledActivitiesOfAnErasedUserAfterARestart() {
        store.down = true;
        ActivityTrail first = start(builder());
        List<Activity> logged = activities(70);
        logged.forEach(first::log);
        first.flush();
        first.eraseUser("user-3");
        first.close();
        assertThat(spoolDir.resolve(ErasureMarks.FILE_NAME)).exists();

        store.down = false;
        ActivityTrail second = start(builder());

        await().atMost(WAIT).until(() -> second.health().spoolBytes() == 0
                && !Files.exists(spoolDir.resolve(ErasureMarks.FILE_NAME)));
        List<UUID> othersIds = logged.stream().filter(a -> !a.userId().equals("user-3")).map(Activity::id).toList();
        assertThat(store.storedIds).containsExactlyInAnyOrderElementsOf(othersIds);
    }

    @Test
    void shouldEraseTheSetAsideActivitiesOfTheErasedUserOnly() throws IOException {
        ActivityTrail trail = start(builder());
        trail.log(Activity.builder("user-1", "test_action").metadata(Map.of(FlakyStore.POISON, true)).build());
        trail.log(Activity.builder("user-2", "test_action").metadata(Map.of(FlakyStore.POISON, true)).build());
        trail.flush();
        assertThat(rejectedLines()).hasSize(2);

        trail.eraseUser("user-1");

        assertThat(rejectedLines()).singleElement().asString().contains("\"user_id\":\"user-2\"");
    }

    private List<String> rejectedLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.newDirectoryStream(spoolDir, "rejected-*.ndjson")) {
            for (Path file : files) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }

    @Test
    void shouldSpoolStraightAwayWhileTheStoreIsKnownToBeDown() {
        store.down = true;
        ActivityTrail trail = start(builder().batchSize(10));
        activities(10).forEach(trail::log);
        trail.flush();
        assertThat(listener.retries.sum()).isEqualTo(2); // 3 attempts, then the store is taken as down

        activities(50).forEach(trail::log);
        trail.flush();

        // No more batch retries: only probes (replays of the oldest spooled chunk) touch the store.
        assertThat(listener.retries.sum()).isEqualTo(2);
        assertThat(listener.spooled.sum()).isEqualTo(60);
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DEGRADED);
    }

    @Test
    void shouldSkipAndCountACorruptSpoolRecordAndReplayTheRest() throws IOException {
        store.down = true;
        ActivityTrail first = builder().build();
        List<Activity> logged = activities(5);
        logged.forEach(first::log);
        first.close();
        Path segment;
        try (Stream<Path> files = Files.list(spoolDir)) {
            segment = files.filter(p -> p.getFileName().toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[DiskSpool.SEGMENT_HEADER + DiskSpool.RECORD_HEADER + 30] ^= 0x7f;
        Files.write(segment, bytes);

        store.down = false;
        ActivityTrail next = start(builder());

        await().atMost(WAIT).until(() -> next.health().spoolBytes() == 0);
        assertThat(store.size()).isEqualTo(4);
        assertThat(listener.skipped.sum()).isEqualTo(1);
        assertThat(store.storedIds).containsAll(logged.subList(1, 5).stream().map(Activity::id).toList());
    }

    @Test
    void shouldDropAndCountWhatDoesNotFitInAFullSpool() {
        store.down = true;
        ActivityTrail trail = start(builder().spoolMaxBytes(64 * 1024));

        activities(1_000).forEach(trail::log);
        trail.flush();

        long dropped = listener.dropped(MetricsListener.DROPPED_SPOOL_FULL);
        assertThat(dropped).isPositive();
        assertThat(listener.spooled.sum() + dropped).isEqualTo(1_000);
        assertThat(trail.health().spoolBytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DOWN);
    }

    @Test
    void shouldReplayTheSpoolAtTheNextStart() {
        store.down = true;
        ActivityTrail first = builder().build();
        List<Activity> logged = activities(50);
        logged.forEach(first::log);
        first.close();

        FlakyStore second = new FlakyStore();
        ActivityTrail next = start(builder().store(second));

        await().atMost(WAIT).until(() -> second.size() == 50);
        assertThat(second.storedIds).containsExactlyInAnyOrderElementsOf(logged.stream().map(Activity::id).toList());
        await().atMost(WAIT).until(() -> next.health().spoolBytes() == 0);
    }

    @Test
    void shouldReplayIdempotently(@TempDir Path copy) throws IOException {
        store.down = true;
        ActivityTrail first = builder().build();
        activities(40).forEach(first::log);
        first.close();
        copySpool(spoolDir, copy);

        store.down = false;
        ActivityTrail second = builder().build();
        await().atMost(WAIT).until(() -> store.size() == 40 && second.health().spoolBytes() == 0);
        second.close();
        copySpool(copy, spoolDir);
        ActivityTrail third = start(builder());
        await().atMost(WAIT).until(() -> third.health().spoolBytes() == 0);

        assertThat(store.size()).isEqualTo(40);
        assertThat(store.rowsOffered.get()).isEqualTo(80);
    }

    private static void copySpool(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void shouldSetPoisonRowsAsideAndStoreTheRest() throws IOException {
        ActivityTrail trail = start(builder());
        List<Activity> logged = activities(10);
        Activity poison = Activity.builder("user-1", "test_action").metadata(Map.of(FlakyStore.POISON, "x\u0000y")).build();
        logged.subList(0, 5).forEach(trail::log);
        trail.log(poison);
        logged.subList(5, 10).forEach(trail::log);

        trail.flush();

        assertThat(store.size()).isEqualTo(10);
        assertThat(store.contains(poison.id())).isFalse();
        assertThat(listener.rejected).singleElement().satisfies(r -> {
            assertThat(r.activity().id()).isEqualTo(poison.id());
            assertThat(r.reason()).contains("0x00");
        });
        assertThat(trail.health().rejected()).isEqualTo(1);
        assertThat(listener.retries.sum()).isZero();
        try (Stream<Path> files = Files.list(spoolDir)) {
            Path rejectedFile = files.filter(p -> p.getFileName().toString().startsWith("rejected-")).findFirst().orElseThrow();
            String content = Files.readString(rejectedFile, StandardCharsets.UTF_8);
            assertThat(content).contains(poison.id().toString()).contains("\"reason\":\"invalid byte sequence: 0x00\"");
            assertThat(content.lines()).hasSize(1);
        }
    }

    @Test
    void shouldDropAndCountWhenTheQueueIsFullUnderDropPolicy() {
        store.hang();
        ActivityTrail trail = start(builder().queueCapacity(10).batchSize(5).overflowPolicy(OverflowPolicy.DROP));
        trail.log(activity(0));
        await().atMost(WAIT).until(() -> store.writeCalls.get() == 1); // the writer hangs with one in hand
        for (int i = 1; i <= 30; i++) {
            trail.log(activity(i));
        }

        assertThat(listener.dropped(MetricsListener.DROPPED_QUEUE_FULL)).isEqualTo(20);
        assertThat(trail.health().dropped()).isEqualTo(20);
        store.release();
        trail.flush();
        assertThat(store.size() + listener.dropped.sum()).isEqualTo(31);
    }

    @Test
    void shouldSpoolOverflowUnderSpoolPolicyAndLoseNothing() {
        store.hang();
        ActivityTrail trail = start(builder().queueCapacity(10).batchSize(5));
        List<Activity> logged = activities(31);
        trail.log(logged.get(0));
        await().atMost(WAIT).until(() -> store.writeCalls.get() == 1);
        logged.subList(1, 31).forEach(trail::log);

        assertThat(listener.spooled.sum()).isEqualTo(20);
        assertThat(listener.dropped.sum()).isZero();
        store.release();

        await().atMost(WAIT).until(() -> store.size() == 31);
        assertThat(store.storedIds).containsAll(logged.stream().map(Activity::id).toList());
    }

    @Test
    void shouldWaitUpToTheBlockTimeoutUnderBlockPolicy() {
        store.hang();
        ActivityTrail trail = start(builder().queueCapacity(1).batchSize(1).overflowPolicy(OverflowPolicy.BLOCK)
                .blockTimeout(Duration.ofMillis(100)));
        trail.log(activity(0));
        await().atMost(WAIT).until(() -> store.writeCalls.get() == 1);
        trail.log(activity(1)); // fills the queue

        long start = System.nanoTime();
        trail.log(activity(2));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(waitedMillis).isGreaterThanOrEqualTo(90);
        assertThat(listener.dropped(MetricsListener.DROPPED_BLOCK_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void shouldStoreEverythingQueuedBeforeCloseReturns() {
        ActivityTrail trail = builder().flushInterval(Duration.ofMinutes(1)).build();
        activities(10_000).forEach(trail::log);

        trail.close();

        assertThat(store.size()).isEqualTo(10_000);
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DOWN);
    }

    @Test
    void shouldReturnFromCloseWithinTheDeadlineWhenTheStoreHangsAndSpoolTheRest() {
        ActivityTrail trail = builder().shutdownTimeout(Duration.ofMillis(300)).build();
        store.hang();
        List<Activity> logged = activities(1_000);
        logged.forEach(trail::log);
        await().atMost(WAIT).until(() -> store.writeCalls.get() >= 1);

        long start = System.nanoTime();
        trail.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMillis).isLessThan(1_300);
        assertThat(listener.spooled.sum()).isEqualTo(1_000);
        FlakyStore next = new FlakyStore();
        start(builder().store(next));
        await().atMost(WAIT).until(() -> next.size() == 1_000);
    }

    @Test
    void shouldDropAndCountWhatIsLoggedAfterClose() {
        ActivityTrail trail = builder().build();
        trail.close();

        trail.log(activity(1));
        trail.logNow(activity(2));
        trail.flush();

        assertThat(listener.dropped(MetricsListener.DROPPED_CLOSED)).isEqualTo(2);
        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DOWN);
    }

    @Test
    void shouldStopTheWriterAtCloseAndBeClosableTwice() throws InterruptedException {
        Thread[] writer = new Thread[1];
        ActivityTrail trail = builder().threadFactory(r -> writer[0] = new Thread(r, "closing-writer")).build();

        trail.close();
        trail.close();

        writer[0].join(WAIT.toMillis());
        assertThat(writer[0].isAlive()).isFalse();
    }

    @Test
    void shouldWriteBeforeReturningInSynchronousMode() {
        ActivityTrail trail = start(builder().synchronous(true).flushInterval(Duration.ofMinutes(1)));
        Activity a = activity(1);

        trail.log(a);

        assertThat(store.contains(a.id())).isTrue();
        assertThat(store.writerThreads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void shouldWriteActivitiesAtOrAboveTheSynchronousSeverityBeforeReturning() {
        ActivityTrail trail = start(builder().synchronousSeverity(Severity.CRITICAL).flushInterval(Duration.ofMinutes(1)));
        Activity critical = Activity.builder("user-1", "breach").severity(Severity.CRITICAL).build();
        Activity info = activity(2);

        trail.log(critical);
        trail.log(info);

        assertThat(store.contains(critical.id())).isTrue();
        assertThat(store.contains(info.id())).isFalse();
        trail.flush();
        assertThat(store.contains(info.id())).isTrue();
    }

    @Test
    void shouldFallBackToThePipelineWhenLogNowFails() {
        store.failNext.set(1);
        ActivityTrail trail = start(builder());
        Activity a = activity(1);

        trail.logNow(a);
        trail.flush();

        assertThat(store.contains(a.id())).isTrue();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void shouldKeepWritingWhenTheListenerThrows() {
        MetricsListener throwing = new MetricsListener() {
            @Override
            public void onEnqueued() {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onWritten(int rows, Duration latency) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onQueueDepth(int depth) {
                throw new IllegalStateException("boom");
            }
        };
        ActivityTrail trail = start(builder().metricsListener(throwing));

        activities(100).forEach(trail::log);
        trail.flush();
        activities(100).forEach(trail::log);
        trail.flush();

        assertThat(store.size()).isEqualTo(200);
    }

    @Test
    void shouldReturnFromFlushCalledOnTheWriterThread() {
        AtomicInteger flushed = new AtomicInteger();
        ActivityTrail[] self = new ActivityTrail[1];
        ActivityTrail trail = start(builder().metricsListener(new MetricsListener() {
            @Override
            public void onWritten(int rows, Duration latency) {
                self[0].flush();
                flushed.incrementAndGet();
            }
        }));
        self[0] = trail;

        trail.log(activity(1));
        trail.flush();

        assertThat(flushed.get()).isEqualTo(1);
    }

    @Test
    void shouldStoreWithoutLocationAndCountWhenTheResolverThrows() {
        ActivityTrail trail = start(builder().locationResolver(ip -> {
            throw new IllegalStateException("geo database missing");
        }));
        Activity a = Activity.builder("user-1", "login").ipAddress("203.0.113.9").build();

        trail.log(a);
        trail.flush();

        assertThat(store.contains(a.id())).isTrue();
        assertThat(listener.enrichmentFailures.sum()).isEqualTo(1);
    }

    @Test
    void shouldEnrichOnTheWriterSide() {
        ActivityTrail trail = start(builder().locationResolver(ip -> Map.of("country", "NL"))
                .sessionIdHashKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        Activity a = Activity.builder("user-1", "login")
                .request(new RequestInfo("203.0.113.9",
                        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                                + "Version/17.0 Mobile/15E148 Safari/604.1", "RAW-SESSION-1", "req-1"))
                .build();

        trail.log(a);
        trail.flush();

        Activity stored = store.delegate.query(io.activitytrail.ActivityQuery.forUser("user-1").build()).activities().get(0);
        assertThat(stored.id()).isEqualTo(a.id());
        assertThat(stored.deviceInfo()).containsEntry("browser", "Mobile Safari").containsEntry("os", "iOS")
                .containsEntry("device_type", "mobile");
        assertThat(stored.ipAddress()).isEqualTo("203.0.113.0");
        assertThat(stored.locationInfo()).containsEntry("country", "NL");
        assertThat(stored.sessionId()).isNotEqualTo("RAW-SESSION-1").matches("[0-9a-f]{64}");
        assertThat(stored.requestId()).isEqualTo("req-1");
    }

    @Test
    void shouldHashSessionIdsTheSameWayWithTheSameKey() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        ActivityTrail trail = start(builder().sessionIdHashKey(key));
        Activity one = Activity.builder("user-1", "login").sessionId("S1").build();
        Activity two = Activity.builder("user-1", "logout").sessionId("S1").build();

        trail.log(one);
        trail.logNow(two);
        trail.flush();

        List<Activity> stored = store.delegate.query(io.activitytrail.ActivityQuery.forUser("user-1").build()).activities();
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).sessionId()).isEqualTo(stored.get(1).sessionId()).isNotEqualTo("S1");
    }

    @Test
    void shouldFindActivitiesByTheRawSessionIdThroughTheTrail() {
        ActivityTrail trail = start(builder());
        trail.log(Activity.builder("user-1", "login").sessionId("S1").build());
        trail.log(Activity.builder("user-1", "login").sessionId("S2").build());
        trail.flush();

        List<Activity> found = trail.query(ActivityQuery.forUser("user-1").rawSessionId("S1").build()).activities();

        assertThat(found).hasSize(1);
        assertThat(found.get(0).sessionId()).isNotEqualTo("S1").hasSize(64);
        assertThat(trail.query(ActivityQuery.forUser("user-1").sessionId(found.get(0).sessionId()).build()).activities())
                .hasSize(1);
        assertThatThrownBy(() -> store.delegate.query(ActivityQuery.forUser("user-1").rawSessionId("S1").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ActivityTrail.query");
    }

    /** Regression: MetricsListener.onDropped was given the raw session id, a live credential. */
    @Test
    void shouldTellTheListenerOfADropWithTheSessionIdHashed() {
        List<Activity> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ActivityTrail trail = start(builder().metricsListener(new MetricsListener() {
            @Override
            public void onDropped(Activity activity, String reason) {
                seen.add(activity);
            }
        }));
        trail.close();

        trail.log(Activity.builder("user-1", "login").sessionId("RAW-SESSION").build());

        assertThat(seen).singleElement().satisfies(a -> assertThat(a.sessionId()).isNotNull().isNotEqualTo("RAW-SESSION"));
    }

    @Test
    void shouldDeleteRejectedFilesOfDaysBeforeTheRetentionPeriod() throws IOException {
        ActivityTrail trail = start(builder().retention(Duration.ofDays(30)));
        Files.writeString(spoolDir.resolve("rejected-2000-01-01.ndjson"), "{}\n");
        trail.log(Activity.builder("user-1", "test_action").metadata(Map.of(FlakyStore.POISON, true)).build());
        trail.flush();

        trail.applyRetention();

        assertThat(spoolDir.resolve("rejected-2000-01-01.ndjson")).doesNotExist();
        assertThat(rejectedLines()).hasSize(1);
    }

    /** Regression: rejected files had no size bound. */
    @Test
    void shouldStopSettingAsideOnceTheRejectedFilesHoldATenthOfTheSpool() throws IOException {
        ActivityTrail trail = start(builder().spoolMaxBytes(640 * 1024)); // rejected files: 64 KiB at most
        for (int i = 0; i < 40; i++) {
            trail.log(Activity.builder("user-1", "test_action")
                    .metadata(Map.of(FlakyStore.POISON, true, "padding", "p".repeat(4_000))).build());
        }
        trail.flush();

        long bytes = 0;
        try (var files = Files.newDirectoryStream(spoolDir, "rejected-*.ndjson")) {
            for (Path file : files) {
                bytes += Files.size(file);
            }
        }
        assertThat(trail.health().rejected()).isEqualTo(40);
        assertThat(bytes).isLessThanOrEqualTo(64 * 1024);
        assertThat(rejectedLines()).hasSizeBetween(1, 39);
    }

    /** Regression: an I/O error while erasing the set-aside rows was swallowed, and the erasure reported as done. */
    @Test
    void shouldFailTheErasureWhenTheSetAsideActivitiesCannotBeErased() throws IOException {
        ActivityTrail trail = start(builder());
        trail.log(Activity.builder("user-1", "test_action").metadata(Map.of(FlakyStore.POISON, true)).build());
        trail.flush();
        Path rejected;
        try (Stream<Path> files = Files.list(spoolDir)) {
            rejected = files.filter(p -> p.getFileName().toString().startsWith("rejected-")).findFirst().orElseThrow();
        }
        // A directory where the rewrite's temporary file must go: the rewrite fails.
        Files.createDirectory(rejected.resolveSibling(rejected.getFileName() + ".tmp"));

        assertThatThrownBy(() -> trail.eraseUser("user-1")).isInstanceOf(io.activitytrail.ActivityTrailException.class)
                .hasMessageContaining("call eraseUser again");
    }

    @Test
    void shouldNeverWriteARawSessionIdToTheSpool() throws IOException {
        store.down = true;
        ActivityTrail trail = builder().queueCapacity(1).shutdownTimeout(Duration.ofMillis(100)).build();
        store.hang();
        trail.log(Activity.builder("user-1", "login").sessionId("RAW-SESSION-SECRET").build());
        for (int i = 0; i < 20; i++) {
            trail.log(Activity.builder("user-1", "login").sessionId("RAW-SESSION-SECRET").build());
        }
        trail.close();

        try (Stream<Path> files = Files.list(spoolDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("RAW-SESSION-SECRET");
            }
        }
    }

    @Test
    void shouldReportDownWhenTheStoreFailsAndTheSpoolIsUnusable() {
        ActivityTrail owner = start(builder());
        store.down = true;
        ActivityTrail second = start(builder().retryMaxAttempts(1));

        second.log(activity(1));
        second.flush();

        PipelineHealth health = second.health();
        assertThat(health.status()).isEqualTo(PipelineHealth.Status.DOWN);
        assertThat(health.dropped()).isEqualTo(1);
        assertThat(listener.dropped(MetricsListener.DROPPED_SPOOL_FULL)).isEqualTo(1);
        assertThat(owner.health().status()).isEqualTo(PipelineHealth.Status.UP);
    }

    @Test
    void shouldReportUpWithNoErrorsAtStart() {
        ActivityTrail trail = start(builder());

        PipelineHealth health = trail.health();

        assertThat(health.status()).isEqualTo(PipelineHealth.Status.UP);
        assertThat(health.lastError()).isNull();
        assertThat(health.queueDepth()).isZero();
    }
}
