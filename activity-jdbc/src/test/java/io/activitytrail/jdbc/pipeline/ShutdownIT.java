package io.activitytrail.jdbc.pipeline;

import io.activitytrail.testing.CountingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** close() with a full queue: everything stored when the database is up; within the deadline, rest spooled, when it hangs. */
class ShutdownIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolDir;

    private CountingListener counts;

    @BeforeEach
    void counts() {
        counts = new CountingListener();
    }

    private ActivityTrail.Builder trail(PipelineFixture db) {
        return ActivityTrail.builder().store(db.store).spoolDirectory(spoolDir).metricsListener(counts)
                .flushInterval(Duration.ofMinutes(1)).retryInitialDelay(Duration.ofMillis(50))
                .retryMaxDelay(Duration.ofMillis(200));
    }

    private static List<UUID> log(ActivityTrail trail, int count) {
        List<UUID> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Activity a = Activity.builder("user-" + (i % 10), "shutdown_test").description("#" + i).build();
            trail.log(a);
            ids.add(a.id());
        }
        return ids;
    }

    @Test
    void shouldStoreEverythingQueuedBeforeCloseReturns() throws Exception {
        try (PipelineFixture db = new PipelineFixture(postgres, "pipeline-shutdown-it")) {
            db.truncate();
            // No full batch and a flush interval of a minute: everything is still queued at close().
            ActivityTrail trail = trail(db).batchSize(10_000).build();
            List<UUID> ids = log(trail, 9_999);
            assertThat(trail.health().queueDepth()).isEqualTo(9_999);

            trail.close();

            assertThat(db.ids()).isEqualTo(new HashSet<>(ids));
            assertThat(db.rows()).isEqualTo(9_999);
            assertThat(counts.spooled.sum()).isZero();
        }
    }

    @Test
    void shouldReturnWithinTheDeadlineWhenTheDatabaseHangsAndReplayAtTheNextStart() throws Exception {
        try (PipelineFixture db = new PipelineFixture(postgres, "pipeline-hang-it")) {
            db.truncate();
            ActivityTrail trail = trail(db).batchSize(500).shutdownTimeout(Duration.ofSeconds(2)).build();
            db.proxy.freeze();
            List<UUID> ids = log(trail, 10_000);

            long start = System.nanoTime();
            trail.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            System.out.printf("ShutdownIT: close() with PostgreSQL hanging took %d ms; %s%n", took.toMillis(), counts);
            assertThat(took).isLessThan(Duration.ofSeconds(3));
            assertThat(counts.spooled.sum()).isEqualTo(10_000);
            assertThat(db.rows()).isZero();

            db.proxy.cut(); // the old writer's connection goes away, as when the process ends
            db.proxy.restore();
            ActivityTrail next = trail(db).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> db.rows() == 10_000 && next.health().spoolBytes() == 0);
            next.close();

            assertThat(db.ids()).isEqualTo(new HashSet<>(ids));
            assertThat(db.counts()[1]).isEqualTo(10_000);
        }
    }
}
