package io.activitytrail.internal;

import io.activitytrail.testing.CountingListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.OverflowPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random interleavings of log, store failure and recovery, flush and close: whatever happens,
 * every accepted activity is stored, spooled or counted as dropped, exactly once.
 */
class WritePipelinePropertyTest {

    sealed interface Op permits Log, StoreDown, StoreUp, Flush, FailOnce, Restart {}

    record Log(int count) implements Op {}

    record StoreDown() implements Op {}

    record StoreUp() implements Op {}

    record Flush() implements Op {}

    record FailOnce() implements Op {}

    /** close() and start again on the same spool directory, as a redeploy does. */
    record Restart() implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, 60).map(Log::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new StoreDown())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new StoreUp())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Flush())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new FailOnce())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())));
        return op.list().ofMinSize(1).ofMaxSize(25);
    }

    @Provide
    Arbitrary<OverflowPolicy> policies() {
        return Arbitraries.of(OverflowPolicy.SPOOL, OverflowPolicy.DROP);
    }

    @Property(tries = 150)
    void shouldAccountForEveryAcceptedActivity(@ForAll("operations") List<Op> ops,
            @ForAll("policies") OverflowPolicy policy, @ForAll @IntRange(min = 5, max = 200) int queueCapacity,
            @ForAll boolean storeDownAtClose) throws IOException {
        Path dir = Files.createTempDirectory("spool-property");
        FlakyStore store = new FlakyStore();
        Set<UUID> droppedIds = ConcurrentHashMap.newKeySet();
        // Set aside: a spooled chunk that failed retryMaxAttempts times in a row, and once more alone.
        Set<UUID> setAsideIds = ConcurrentHashMap.newKeySet();
        CountingListener listener = new CountingListener() {
            @Override
            public void onDropped(Activity activity, String reason) {
                super.onDropped(activity, reason);
                droppedIds.add(activity.id());
            }

            @Override
            public void onRejected(io.activitytrail.RejectedActivity rejected) {
                super.onRejected(rejected);
                setAsideIds.add(rejected.activity().id());
            }
        };
        Set<UUID> accepted = new HashSet<>();
        try {
            ActivityTrail.Builder builder = ActivityTrail.builder().store(store).spoolDirectory(dir).metricsListener(listener)
                    .queueCapacity(queueCapacity).batchSize(17).overflowPolicy(policy)
                    .flushInterval(Duration.ofMillis(2)).retryInitialDelay(Duration.ofMillis(1))
                    .retryMaxDelay(Duration.ofMillis(2)).retryMaxAttempts(2);
            ActivityTrail trail = builder.build();
            int n = 0;
            for (Op op : ops) {
                if (op instanceof Log log) {
                    for (int i = 0; i < log.count(); i++) {
                        Activity a = Activity.builder("user-" + (n % 5), "prop").description("#" + n++).build();
                        trail.log(a);
                        accepted.add(a.id());
                    }
                } else if (op instanceof StoreDown) {
                    store.down = true;
                } else if (op instanceof StoreUp) {
                    store.down = false;
                } else if (op instanceof Flush) {
                    trail.flush();
                } else if (op instanceof FailOnce) {
                    store.failNext.incrementAndGet();
                } else if (op instanceof Restart) {
                    trail.close();
                    trail = builder.build();
                }
            }
            if (storeDownAtClose) {
                store.down = true;
            }
            trail.close();

            Set<UUID> stored = new HashSet<>(store.storedIds);
            Set<UUID> spooled = new HashSet<>();
            try (DiskSpool spool = DiskSpool.open(dir, 1L << 30)) {
                DiskSpool.Chunk chunk;
                while ((chunk = spool.read(1_000)) != null) {
                    for (SpoolCodec.Decoded r : chunk.records()) {
                        assertThat(spooled.add(r.activity().id())).as("spooled once").isTrue();
                    }
                    spool.commit(chunk);
                }
            }

            assertThat(Collections.disjoint(stored, spooled)).as("stored and spooled").isTrue();
            assertThat(Collections.disjoint(droppedIds, stored)).as("dropped and stored").isTrue();
            assertThat(Collections.disjoint(droppedIds, spooled)).as("dropped and spooled").isTrue();
            assertThat(Collections.disjoint(setAsideIds, stored)).as("set aside and stored").isTrue();
            assertThat(stored.size() + spooled.size() + listener.dropped.sum() + setAsideIds.size()).isEqualTo(accepted.size());
            Set<UUID> all = new HashSet<>(stored);
            all.addAll(spooled);
            all.addAll(droppedIds);
            all.addAll(setAsideIds);
            assertThat(all).isEqualTo(accepted);
            assertThat(store.size()).isEqualTo(stored.size());
            if (policy == OverflowPolicy.SPOOL) {
                assertThat(listener.dropped.sum()).isZero();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
