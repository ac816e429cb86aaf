package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.*;
import io.activitytrail.testing.CountingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions found by review of the poison-chunk isolation and the stall check of health(). */
class IsolationAndHealthTest {
    @TempDir Path spoolDir;

    static class FlipStore implements ActivityStore {
        final InMemoryActivityStore delegate = new InMemoryActivityStore();
        final Set<UUID> stored = Collections.synchronizedSet(new HashSet<>());
        volatile boolean down;
        volatile boolean flipArmed;
        volatile long sleepMillis;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger callsAfterFlip = new AtomicInteger();
        volatile boolean flipped;
        public WriteResult write(List<Activity> batch) {
            calls.incrementAndGet();
            if (flipped) callsAfterFlip.incrementAndGet();
            if (sleepMillis > 0) { try { Thread.sleep(sleepMillis); } catch (InterruptedException e) { throw new ActivityStoreException("i"); } }
            if (down) throw new ActivityStoreException("store is down");
            if (batch.stream().anyMatch(a -> a.userId().equals("broken"))) throw new IllegalArgumentException("broken row");
            WriteResult r = delegate.write(batch);
            batch.forEach(a -> stored.add(a.id()));
            if (flipArmed && batch.stream().anyMatch(a -> "spooled".equals(a.action()))) {
                flipArmed = false; flipped = true; down = true; // the store goes down right after this commit
            }
            return r;
        }
        public ActivityPage query(ActivityQuery q) { return delegate.query(q); }
        public ActivityStats stats(String u, Instant f, Instant t) { return delegate.stats(u, f, t); }
        public long export(String u, Consumer<? super Activity> s) { return delegate.export(u, s); }
        public long eraseUser(String u) { return delegate.eraseUser(u); }
        public RetentionResult applyRetention(Instant c) { return delegate.applyRetention(c); }
    }

    @Test
    void shouldNotBlameGoodActivitiesWhenTheStoreGoesDownDuringAnIsolation() throws Exception {
        FlipStore store = new FlipStore();
        CountingListener listener = new CountingListener();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).metricsListener(listener)
                .batchSize(10).flushInterval(Duration.ofMillis(5)).retryInitialDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(200)).retryMaxAttempts(3).build()) {
            List<Activity> spooled = new ArrayList<>();
            spooled.add(Activity.builder("broken", "spooled").build());
            for (int i = 0; i < 9; i++) spooled.add(Activity.builder("good-" + i, "spooled").build());
            store.flipArmed = true;
            spooled.forEach(trail::log);
            trail.flush();
            assertThat(listener.spooled.sum()).isEqualTo(10);
            long until = System.currentTimeMillis() + 15_000;
            while (trail.health().rejected() == 0 && System.currentTimeMillis() < until) {
                trail.log(Activity.builder("fresh", "fresh").build());
                Thread.sleep(20);
            }
            System.out.println("IsolationAndHealthTest: flipped=" + store.flipped + " rejected=" + trail.health().rejected()
                    + " store calls after flip=" + store.callsAfterFlip.get());
            store.down = false;
            trail.flush();
            Thread.sleep(500);
            trail.flush();
            long goodStored = spooled.stream().filter(a -> !a.userId().equals("broken")).filter(a -> store.stored.contains(a.id())).count();
            System.out.println("IsolationAndHealthTest: good spooled stored=" + goodStored + "/9, rejected=" + trail.health().rejected()
                    + " spoolBytes=" + trail.health().spoolBytes());
            assertThat(goodStored).as("good activities blamed while the store was down").isEqualTo(9);
        }
    }

    @Test
    void shouldNotReportDownWhenOneActivityIsLoggedAfterAQuietSpell() throws Exception {
        FlipStore store = new FlipStore();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir)
                .flushInterval(Duration.ofSeconds(3)).downAfter(Duration.ofSeconds(1)).build()) {
            Thread.sleep(1300);
            assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.UP);
            trail.log(Activity.builder("u", "a").build());
            PipelineHealth h = trail.health();
            System.out.println("IsolationAndHealthTest: health right after one log after idle: " + h.status() + " " + h.lastError());
            assertThat(h.status()).isNotEqualTo(PipelineHealth.Status.DOWN);
        }
    }
}
