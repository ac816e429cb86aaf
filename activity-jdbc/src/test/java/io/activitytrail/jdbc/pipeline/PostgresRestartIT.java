package io.activitytrail.jdbc.pipeline;

import static io.activitytrail.testsupport.SteadyLoad.sleepUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testing.CountingListener;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.testsupport.SteadyLoad;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression for activities stranded in the spool: two producers log while PostgreSQL is stopped
 * and started again on the same data directory; {@code flush()} and {@code close()} a little after
 * it is back must leave every accepted activity in the table and nothing in the spool, round after
 * round. (Before the fix, 15,600 and 19,700 of 20,000 were found in the table, the rest in the
 * spool.) Always on a PostgreSQL of its own, since it stops the server.
 */
class PostgresRestartIT {
    private static final int ROUNDS = 4;
    private static final int PRODUCERS = 2;
    private static final int RATE_PER_PRODUCER = 1_000;
    private static final Duration RUN = Duration.ofSeconds(4);
    private static final Duration STOP_AT = Duration.ofMillis(1_000);
    private static final Duration START_AT = Duration.ofMillis(2_500);

    @TempDir
    Path dataDirectory;

    @TempDir
    Path spoolDir;

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "off")
                .start();
    }

    @Test
    void shouldStoreEveryAcceptedActivityAfterCloseAcrossRestartsOfPostgres() throws Exception {
        EmbeddedPostgres postgres = start(0);
        int port = postgres.getPort();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(500);
        config.setValidationTimeout(250);
        config.addDataSourceProperty("connectTimeout", "2");
        Set<UUID> accepted = ConcurrentHashMap.newKeySet();
        try (HikariDataSource pool = new HikariDataSource(config);
                JdbcActivityStore store = JdbcActivityStore.builder(pool).migrate(true).scheduledMaintenance(false).build()) {
            for (int round = 1; round <= ROUNDS; round++) {
                CountingListener counts = new CountingListener();
                ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).metricsListener(counts)
                        .batchSize(200).flushInterval(Duration.ofMillis(50)).retryInitialDelay(Duration.ofMillis(50))
                        .retryMaxDelay(Duration.ofSeconds(2)).retryMaxAttempts(3).build();
                long started = System.nanoTime();
                List<SteadyLoad> producers = Stream.iterate(0, i -> i + 1).limit(PRODUCERS)
                        .map(p -> SteadyLoad.start(trail, RATE_PER_PRODUCER,
                                i -> Activity.builder("user-" + (i % 40), "restart_test").description("#" + i).build(),
                                accepted, "producer-" + p))
                        .toList();
                sleepUntil(started, STOP_AT);
                postgres.close();
                sleepUntil(started, START_AT);
                postgres = start(port);
                sleepUntil(started, RUN);
                for (SteadyLoad producer : producers) {
                    producer.close();
                }

                trail.flush();
                trail.close();

                long[] rows = counts(url, store.qualifiedTable());
                System.out.printf("PostgresRestartIT round %d: accepted=%d rows=%d distinct=%d %s%n",
                        round, accepted.size(), rows[0], rows[1], counts);
                assertThat(counts.spooled.sum()).as("the outage made the trail spool").isPositive();
                assertThat(rows[0]).isEqualTo(accepted.size());
                assertThat(rows[1]).isEqualTo(accepted.size());
                assertThat(counts.dropped.sum()).isZero();
                try (Stream<Path> files = Files.list(spoolDir)) {
                    assertThat(files.map(f -> f.getFileName().toString()))
                            .noneMatch(name -> name.endsWith(".seg") || name.equals("replay.pos"));
                }
            }
        } finally {
            postgres.close();
        }
    }

    private static long[] counts(String url, String table) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM " + table)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
