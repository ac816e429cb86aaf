package io.activitytrail.jdbc.pipeline;

import io.activitytrail.testing.CountingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL unreachable for seconds while activities keep coming at a steady rate: every accepted
 * activity ends up in the table exactly once.
 */
class StoreOutageIT {
    private static final int RATE_PER_SECOND = 2_000;
    private static final Duration RUN = Duration.ofSeconds(9);
    private static final Duration OUTAGE_FROM = Duration.ofSeconds(2);
    private static final Duration OUTAGE_TO = Duration.ofSeconds(6);

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolDir;

    @Test
    void shouldStoreEveryAcceptedActivityExactlyOnceAcrossAnOutage() throws Exception {
        CountingListener counts = new CountingListener();
        try (PipelineFixture db = new PipelineFixture(postgres, "pipeline-outage-it")) {
            ActivityTrail trail = ActivityTrail.builder().store(db.store).spoolDirectory(spoolDir)
                    .metricsListener(counts).batchSize(200).flushInterval(Duration.ofMillis(50))
                    .retryInitialDelay(Duration.ofMillis(50)).retryMaxDelay(Duration.ofMillis(500)).retryMaxAttempts(3)
                    .build();
            List<UUID> accepted = new ArrayList<>();
            PipelineHealth.Status duringOutage = null;
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / RATE_PER_SECOND;
            boolean cut = false;
            boolean restored = false;
            for (long i = 0; ; i++) {
                long due = start + i * intervalNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                long elapsed = now - start;
                if (elapsed >= RUN.toNanos()) {
                    break;
                }
                if (!cut && elapsed >= OUTAGE_FROM.toNanos()) {
                    db.proxy.cut();
                    cut = true;
                }
                if (!restored && elapsed >= OUTAGE_TO.toNanos()) {
                    duringOutage = trail.health().status();
                    db.proxy.restore();
                    restored = true;
                }
                Activity a = Activity.builder("user-" + (i % 50), "outage_test").description("#" + i).build();
                trail.log(a);
                accepted.add(a.id());
            }
            trail.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> db.rows() >= accepted.size()
                    && trail.health().spoolBytes() == 0);
            trail.close();

            long[] rowsAndIds = db.counts();
            Set<UUID> stored = db.ids();
            System.out.printf("StoreOutageIT: accepted=%d rows=%d distinctIds=%d %s healthDuringOutage=%s%n",
                    accepted.size(), rowsAndIds[0], rowsAndIds[1], counts, duringOutage);
            assertThat(rowsAndIds[0]).isEqualTo(accepted.size());
            assertThat(rowsAndIds[1]).isEqualTo(accepted.size());
            assertThat(stored).isEqualTo(new HashSet<>(accepted));
            assertThat(counts.dropped.sum()).isZero();
            assertThat(counts.spooled.sum()).as("the outage was long enough to spool").isPositive();
            assertThat(counts.replayed.sum()).isEqualTo(counts.spooled.sum());
            assertThat(duringOutage).isEqualTo(PipelineHealth.Status.DEGRADED);
        }
    }
}
