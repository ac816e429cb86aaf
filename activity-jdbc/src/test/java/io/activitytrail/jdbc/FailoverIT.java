package io.activitytrail.jdbc;

import static io.activitytrail.testsupport.SteadyLoad.sleepUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testing.CountingListener;
import io.activitytrail.testsupport.SteadyLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with no switcher of ours: the trail writes through pgjdbc's multi-host URL
 * ({@code targetServerType=primary}) and HikariCP; the primary is killed as by
 * {@code pg_ctl stop -m immediate} while activities are logged at 1,000/s, the standby is
 * promoted, and the pipeline retries and spools through the gap and then writes to the new
 * primary. Every accepted activity must be stored exactly once there.
 *
 * <p>Replication is synchronous here: with asynchronous replication a crash loses what the primary
 * acknowledged but had not yet sent, which no client can replay (docs/scaling.md, Failover).
 */
class FailoverIT {
    private static final int RATE = 1_000;
    private static final Duration CRASH_AT = Duration.ofSeconds(3);
    private static final Duration PROMOTE_AFTER_CRASH = Duration.ofSeconds(1);
    private static final Duration LOG_AFTER_PROMOTION = Duration.ofSeconds(5);

    @TempDir
    Path spool;

    @Test
    void shouldStoreEveryAcceptedActivityExactlyOnceOnTheNewPrimaryAfterAFailover() throws Exception {
        try (StreamingReplica cluster = StreamingReplica.start(true);
                HikariDataSource pool = StreamingReplica.pool(cluster.multiHostPrimaryUrl(), "failover");
                JdbcActivityStore store = JdbcActivityStore.builder(pool).migrate(true).scheduledMaintenance(false)
                        .scheduledRetention(false).writeTimeout(Duration.ofSeconds(5)).build()) {
            CountingListener counts = new CountingListener();
            try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spool).metricsListener(counts)
                    .flushInterval(Duration.ofMillis(50)).retryInitialDelay(Duration.ofMillis(100))
                    .retryMaxDelay(Duration.ofSeconds(1)).retryMaxAttempts(3).shutdownHook(false).build()) {
                long started = System.nanoTime();
                SteadyLoad load = SteadyLoad.start(trail, RATE,
                        i -> Activity.builder("user-" + (i % 50), "failover_test").description("#" + i).build(), "failover-producer");

                sleepUntil(started, CRASH_AT);
                cluster.crashPrimary();
                long crashedAt = System.nanoTime();
                sleepUntil(crashedAt, PROMOTE_AFTER_CRASH);
                cluster.promoteStandby();
                long promotedAt = System.nanoTime();
                Instant promotedInstant = Instant.now();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    Instant last = trail.health().lastSuccessfulWrite();
                    return last != null && last.isAfter(promotedInstant);
                });
                long resumedAt = System.nanoTime();
                sleepUntil(promotedAt, LOG_AFTER_PROMOTION);
                load.close();
                trail.flush();
                Set<UUID> accepted = load.accepted();

                long[] rows = counts(cluster.standbyUrl(), store.qualifiedTable());
                System.out.printf("FailoverIT: accepted=%d rows=%d distinct=%d on the new primary; promotion %d ms after the crash,"
                                + " writes resumed %d ms after the promotion (%d ms after the crash); %s%n",
                        accepted.size(), rows[0], rows[1], (promotedAt - crashedAt) / 1_000_000,
                        (resumedAt - promotedAt) / 1_000_000, (resumedAt - crashedAt) / 1_000_000, counts);
                assertThat(counts.dropped.sum()).isZero();
                assertThat(counts.rejected).isEmpty();
                assertThat(rows[0]).as("rows on the new primary").isEqualTo(accepted.size());
                assertThat(rows[1]).as("distinct ids on the new primary").isEqualTo(accepted.size());
                assertThat(accepted.size()).as("logged before, during and after the failover").isGreaterThan(RATE * 8);
            }
            try (Stream<Path> files = Files.list(spool)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".seg"));
            }
        }
    }

    private static long[] counts(String url, String table) throws Exception {
        return new long[] {
            StreamingReplica.queryLong(url, "SELECT count(*) FROM " + table),
            StreamingReplica.queryLong(url, "SELECT count(DISTINCT id) FROM " + table),
        };
    }
}
