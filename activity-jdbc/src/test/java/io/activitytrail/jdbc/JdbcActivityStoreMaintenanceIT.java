package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static io.activitytrail.jdbc.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.RetentionResult;
import io.activitytrail.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention, erasure and partition maintenance. Each test works in a time range of its own. */
class JdbcActivityStoreMaintenanceIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static JdbcActivityStore store;

    @BeforeAll
    static void start() {
        store = Fixtures.store(postgres).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldDropWholePartitionsAndDeleteTheOlderRowsOfTheBoundaryMonth() throws Exception {
        // 150,000 rows, one a minute from 1 January 2023 (to mid-April), over 50 users.
        Fixtures.partitionsFor(store, YearMonth.of(2023, 1), YearMonth.of(2023, 4));
        Fixtures.generate(postgres, 150_000, 50, Instant.parse("2023-01-01T00:00:00Z"), 60);
        Instant cutoff = Instant.parse("2023-03-10T00:00:00Z");
        long older = count(postgres, "SELECT count(*) FROM user_activity_logs WHERE created_at < '2023-03-10T00:00:00Z'");

        RetentionResult result = store.applyRetention(cutoff);

        long january = 31 * 1_440;
        long february = 28 * 1_440;
        long marchBeforeCutoff = 9 * 1_440; // more than one batch of 10,000
        assertThat(result.cutoff()).isEqualTo(cutoff);
        // Other tests of this class may have left older partitions, which go too.
        assertThat(result.droppedPartitions()).contains("user_activity_logs_p2023_01", "user_activity_logs_p2023_02")
                .doesNotContain("user_activity_logs_p2023_03", "user_activity_logs_p2023_04");
        assertThat(older).isGreaterThanOrEqualTo(january + february + marchBeforeCutoff);
        assertThat(result.deletedRows()).isEqualTo(older);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE created_at < '2023-03-10T00:00:00Z'")).isZero();
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id LIKE 'gen-%'"))
                .isEqualTo(150_000 - january - february - marchBeforeCutoff);
        assertThat(count(postgres, "SELECT count(*) FROM pg_class WHERE relname IN ('user_activity_logs_p2023_01', 'user_activity_logs_p2023_02')")).isZero();
        assertThat(Fixtures.strings(postgres, "SELECT kind || ' ' || deleted_rows || ' ' || array_to_string(dropped_partitions, ',') "
                + "|| ' ' || retention_cutoff FROM user_activity_logs_maintenance_runs WHERE retention_cutoff = '2023-03-10T00:00:00Z'"))
                .singleElement().asString().startsWith("retention " + result.deletedRows() + " ")
                .contains("user_activity_logs_p2023_01,user_activity_logs_p2023_02 2023-03-10 00:00:00+00");

        RetentionResult again = store.applyRetention(cutoff);
        assertThat(again.droppedPartitions()).isEmpty();
        assertThat(again.deletedRows()).isZero();
        Fixtures.execute(postgres, "DELETE FROM user_activity_logs WHERE user_id LIKE 'gen-%'");
    }

    @Test
    void shouldEraseEveryActivityOfOneUserAcrossPartitions() throws Exception {
        List<Activity> batch = new ArrayList<>();
        Instant t = Instant.parse("2025-10-30T00:00:00Z");
        for (int i = 0; i < 90; i++) {
            batch.add(activity("erase-me", "http_request", t.plus(Duration.ofHours(12L * i))));
            batch.add(activity("keep-me", "http_request", t.plus(Duration.ofHours(12L * i))));
        }
        store.write(batch);
        assertThat(count(postgres, "SELECT count(DISTINCT tableoid) FROM user_activity_logs WHERE user_id = 'erase-me'")).isEqualTo(3);

        long erased = store.eraseUser("erase-me");

        assertThat(erased).isEqualTo(90);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'erase-me'")).isZero();
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'keep-me'")).isEqualTo(90);
        assertThat(store.query(ActivityQuery.forUser("erase-me").build()).activities()).isEmpty();
        assertThat(store.eraseUser("erase-me")).isZero();
    }

    @Test
    void shouldCreatePartitionsAheadAndRecordTheRun() throws Exception {
        try (JdbcActivityStore in2030 = Fixtures.store(postgres).partitionsAhead(3)
                .clock(Clock.fixed(Instant.parse("2030-05-10T00:00:00Z"), ZoneOffset.UTC)).build()) {
            Fixtures.execute(postgres, "DROP TABLE user_activity_logs_p2030_07");

            MaintenanceReport report = in2030.runMaintenance();

            assertThat(report.ran()).isTrue();
            assertThat(report.createdPartitions()).containsExactly("user_activity_logs_p2030_07");
            assertThat(report.retention()).isEmpty();
            assertThat(Fixtures.strings(postgres, "SELECT relname FROM pg_class WHERE relname LIKE 'user_activity_logs_p2030%' AND relkind = 'r' ORDER BY 1"))
                    .containsExactly("user_activity_logs_p2030_05", "user_activity_logs_p2030_06",
                            "user_activity_logs_p2030_07", "user_activity_logs_p2030_08");
            assertThat(Fixtures.strings(postgres, "SELECT array_to_string(created_partitions, ',') FROM user_activity_logs_maintenance_runs "
                    + "WHERE kind = 'maintenance' AND started_at = '2030-05-10T00:00:00Z'"))
                    .containsExactly("user_activity_logs_p2030_07");
        }
    }

    @Test
    void shouldApplyRetentionInMaintenanceWhenConfigured() throws Exception {
        try (JdbcActivityStore in2001 = Fixtures.store(postgres).scheduledRetention(true).retention(Duration.ofDays(1))
                .partitionsAhead(0).clock(Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC)).build()) {
            in2001.write(List.of(activity("old-user", "login", Instant.parse("2000-12-30T00:00:00Z")),
                    activity("old-user", "login", Instant.parse("2000-12-31T12:00:00Z"))));

            MaintenanceReport report = in2001.runMaintenance();

            assertThat(report.retention()).hasValueSatisfying(r -> {
                assertThat(r.cutoff()).isEqualTo(Instant.parse("2000-12-31T00:00:00Z"));
                assertThat(r.deletedRows()).isEqualTo(1);
            });
            assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'old-user'")).isEqualTo(1);
        }
    }

    @Test
    void shouldSkipMaintenanceWhileAnotherInstanceRunsIt() throws Exception {
        try (Connection other = postgres.newConnection(); Statement s = other.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + 0x4154_0003 + ", hashtext('" + store.qualifiedTable().replace("'", "''") + "'))");

            MaintenanceReport skipped = store.runMaintenance();

            s.execute("SELECT pg_advisory_unlock_all()");
            assertThat(skipped.ran()).isFalse();
            assertThat(skipped.createdPartitions()).isEmpty();
        }
        assertThat(store.runMaintenance().ran()).isTrue();
    }

    @Test
    void shouldRunMaintenanceOnANamedDaemonThreadWhenScheduled() throws Exception {
        long before = count(postgres, "SELECT count(*) FROM user_activity_logs_maintenance_runs WHERE started_at = '2031-01-01T00:00:00Z'");
        JdbcActivityStore scheduled = JdbcActivityStore.builder(postgres.dataSource()).migrate(true)
                .scheduledRetention(false).maintenanceInterval(Duration.ofSeconds(1))
                .clock(Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), ZoneOffset.UTC)).build();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> count(postgres,
                    "SELECT count(*) FROM user_activity_logs_maintenance_runs WHERE started_at = '2031-01-01T00:00:00Z'") >= before + 2);
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.getName().equals("activity-maintenance"))
                    .hasSize(1).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        } finally {
            scheduled.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("activity-maintenance") && t.isAlive()));
    }
}
