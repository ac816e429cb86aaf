package io.activitytrail.jdbc.pipeline;

import io.activitytrail.testing.CountingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The writer's connection is killed (pg_terminate_backend) mid-batch, many times: nothing lost, nothing twice. */
class ConnectionKilledIT {
    private static final String APPLICATION = "pipeline-kill-it";
    private static final int KILLS = 30;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolDir;

    @Test
    void shouldLoseNothingAndDuplicateNothingWhenTheWritersBackendIsKilled() throws Exception {
        CountingListener counts = new CountingListener();
        try (PipelineFixture db = new PipelineFixture(postgres, APPLICATION)) {
            ActivityTrail trail = ActivityTrail.builder().store(db.store).spoolDirectory(spoolDir)
                    .metricsListener(counts).batchSize(250).flushInterval(Duration.ofMillis(10))
                    .retryInitialDelay(Duration.ofMillis(5)).retryMaxDelay(Duration.ofMillis(100)).retryMaxAttempts(10)
                    .build();
            List<UUID> accepted = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> {
                long i = 0;
                while (!stop.get()) {
                    for (int k = 0; k < 25; k++, i++) {
                        Activity a = Activity.builder("user-" + (i % 20), "kill_test").description("#" + i).build();
                        trail.log(a);
                        accepted.add(a.id());
                    }
                    LockSupport.parkNanos(1_000_000); // about 20,000 a second
                }
            }, "producer");
            producer.start();

            int kills = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (Connection admin = postgres.newConnection(); Statement s = admin.createStatement()) {
                while (kills < KILLS && System.nanoTime() < deadline) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                            + "FROM pg_stat_activity WHERE application_name = '" + APPLICATION + "' AND state = 'active'")) {
                        rs.next();
                        int killed = rs.getInt(1);
                        kills += killed;
                        // After a kill, give the retry a chance before the next one; otherwise poll often
                        // to catch the writer mid-statement.
                        LockSupport.parkNanos(killed > 0 ? 100_000_000 : 1_000_000);
                    }
                }
            }
            stop.set(true);
            producer.join();
            trail.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> trail.health().spoolBytes() == 0);
            trail.close();

            long[] rowsAndIds = db.counts();
            Set<UUID> stored = db.ids();
            System.out.printf("ConnectionKilledIT: kills=%d accepted=%d rows=%d distinctIds=%d %s%n",
                    kills, accepted.size(), rowsAndIds[0], rowsAndIds[1], counts);
            assertThat(kills).isGreaterThanOrEqualTo(KILLS);
            assertThat(counts.retries.sum()).isPositive();
            assertThat(counts.replayed.sum()).isEqualTo(counts.spooled.sum());
            assertThat(counts.dropped.sum()).isZero();
            assertThat(counts.rejected).isEmpty();
            assertThat(rowsAndIds[0]).isEqualTo(accepted.size());
            assertThat(rowsAndIds[1]).isEqualTo(accepted.size());
            assertThat(stored).isEqualTo(new HashSet<>(accepted));
        }
    }
}
