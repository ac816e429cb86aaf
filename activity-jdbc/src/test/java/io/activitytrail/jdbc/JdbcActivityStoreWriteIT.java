package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static io.activitytrail.jdbc.Fixtures.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.RejectedActivity;
import io.activitytrail.Severity;
import io.activitytrail.WriteResult;
import io.activitytrail.testsupport.PostgresExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcActivityStoreWriteIT {
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
    void shouldStoreEveryColumnAndReadItBack() {
        Activity written = Activity.builder("user-columns", "invoice_paid")
                .description("Paid invoice 17 — ünïcødé 🎉")
                .severity(Severity.WARNING)
                .ipAddress("2001:db8::7")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64)")
                .sessionId("hashed-session")
                .requestId("req-1")
                .deviceInfo(Map.of("browser", "Firefox", "mobile", false))
                .locationInfo(Map.of("country", "DE"))
                .metadata(Map.of("invoice", 17, "amount", 12.5, "tags", List.of("a", "b"), "nested", Map.of("k", "v")))
                .createdAt(Instant.parse("2025-05-06T07:08:09.123456Z"))
                .build();

        WriteResult result = store.write(List.of(written));

        assertThat(result).isEqualTo(WriteResult.inserted(1));
        List<Activity> read = store.query(ActivityQuery.forUser("user-columns").build()).activities();
        assertThat(read).containsExactly(written);
    }

    @Test
    void shouldNotDuplicateWhenTheSameBatchIsWrittenAgain() throws Exception {
        List<Activity> batch = new ArrayList<>();
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        for (int i = 0; i < 300; i++) {
            batch.add(activity("user-retry", "http_request", t.plusSeconds(i)));
        }

        WriteResult first = store.write(batch);
        WriteResult second = store.write(batch);
        WriteResult overlapping = store.write(List.of(batch.get(5), activity("user-retry", "login", t.plusSeconds(1000))));

        assertThat(first.inserted()).isEqualTo(300);
        assertThat(second.inserted()).isZero();
        assertThat(overlapping.inserted()).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'user-retry'")).isEqualTo(301);
    }

    @Test
    void shouldCountADuplicateWithinOneBatchOnce() throws Exception {
        Activity a = activity("user-twice", "login", Instant.parse("2025-03-02T10:00:00Z"));

        WriteResult result = store.write(List.of(a, a));

        assertThat(result.inserted()).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'user-twice'")).isEqualTo(1);
    }

    @Test
    void shouldCreateThePartitionOfABackDatedActivity() throws Exception {
        Activity old = activity("user-old", "import", Instant.parse("2011-02-03T04:05:06Z"));
        Activity future = activity("user-old", "import", Instant.parse("2031-12-31T23:59:59Z"));

        WriteResult result = store.write(List.of(old, future));

        assertThat(result.inserted()).isEqualTo(2);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_p2011_02")).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_p2031_12")).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_default")).isZero();
    }

    @Test
    void shouldStoreTheOtherRowsAndRejectARowPostgresRefuses() throws Exception {
        List<Activity> batch = new ArrayList<>();
        Instant t = Instant.parse("2025-04-01T00:00:00Z");
        for (int i = 0; i < 50; i++) {
            batch.add(activity("user-poison", "http_request", t.plusSeconds(i)));
        }
        // jsonb cannot hold a NUL in a string: "unsupported Unicode escape sequence" (22P05).
        Activity poison = Activity.builder("user-poison", "import")
                .metadata(Map.of("note", "a\u0000secret"))
                .createdAt(t.plusSeconds(25).plusMillis(1))
                .build();
        batch.add(17, poison);

        WriteResult result = store.write(batch);

        assertThat(result.inserted()).isEqualTo(50);
        assertThat(result.rejected()).extracting(RejectedActivity::activity).containsExactly(poison);
        assertThat(result.rejected().get(0).reason()).contains("22P05").doesNotContain("secret");
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'user-poison'")).isEqualTo(50);
    }

    @Test
    void shouldNotLoseTheOtherRowsWhenMetadataHoldsANulOrALoneSurrogate() throws Exception {
        // jsonb refuses \u0000, and a lone surrogate is not valid UTF-16. Whether core's builder
        // already replaced them or the store refuses the row, the batch must not fail.
        Instant t = Instant.parse("2025-04-03T00:00:00Z");
        List<Activity> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(activity("user-nul", "http_request", t.plusSeconds(i)));
        }
        batch.add(5, Activity.builder("user-nul", "import").metadata(Map.of("note", "a\u0000b")).createdAt(t.plusMillis(5_500)).build());
        batch.add(9, Activity.builder("user-nul", "import").metadata(Map.of("note\uD800", "x\uDC00y")).createdAt(t.plusMillis(9_500)).build());

        WriteResult result = store.write(batch);

        assertThat(result.inserted() + result.rejected().size()).isEqualTo(22);
        assertThat(result.inserted()).isGreaterThanOrEqualTo(20);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'user-nul' AND action = 'http_request'")).isEqualTo(20);
    }

    @Test
    void shouldRejectEveryRowThatBreaksAConstraintAndStoreTheRest() throws Exception {
        Fixtures.execute(postgres, "ALTER TABLE user_activity_logs ADD CONSTRAINT no_poison CHECK (description IS DISTINCT FROM 'poison')");
        try {
            List<Activity> batch = new ArrayList<>();
            List<Activity> poisons = new ArrayList<>();
            Instant t = Instant.parse("2025-04-02T00:00:00Z");
            for (int i = 0; i < 500; i++) {
                boolean bad = i == 0 || i == 250 || i == 251 || i == 499;
                Activity a = Activity.builder("user-constraint", "http_request")
                        .description(bad ? "poison" : "fine " + i).createdAt(t.plusSeconds(i)).build();
                batch.add(a);
                if (bad) {
                    poisons.add(a);
                }
            }

            WriteResult result = store.write(batch);

            assertThat(result.inserted()).isEqualTo(496);
            assertThat(result.rejected()).extracting(RejectedActivity::activity).containsExactlyInAnyOrderElementsOf(poisons);
            assertThat(result.rejected()).allSatisfy(r -> assertThat(r.reason()).contains("no_poison").contains("23514"));
            assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs WHERE user_id = 'user-constraint'")).isEqualTo(496);
        } finally {
            Fixtures.execute(postgres, "ALTER TABLE user_activity_logs DROP CONSTRAINT no_poison");
        }
    }

    @Test
    void shouldThrowActivityStoreExceptionWhenTheDatabaseIsUnreachable() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        JdbcActivityStore unreachable = JdbcActivityStore.builder(nowhere).schema("public").scheduledMaintenance(false).build();

        assertThatThrownBy(() -> unreachable.write(List.of(activity("user-x", "login", Instant.now()))))
                .isInstanceOf(ActivityStoreException.class)
                .hasMessageContaining("08001");
        assertThatThrownBy(() -> unreachable.query(ActivityQuery.forUser("user-x").build()))
                .isInstanceOf(ActivityStoreException.class);
        unreachable.close();
    }

    @Test
    @Timeout(60) // a guard: without the write timeout this test would hang, not fail
    void shouldGiveUpAWriteThatHangsOnALockAfterTheWriteTimeout() throws Exception {
        JdbcActivityStore impatient = Fixtures.store(postgres).writeTimeout(Duration.ofSeconds(1)).build();
        Activity blocked = activity("user-timeout", "login", Instant.now());
        try (Connection locker = postgres.newConnection(); Statement s = locker.createStatement()) {
            locker.setAutoCommit(false);
            s.execute("LOCK TABLE user_activity_logs IN ACCESS EXCLUSIVE MODE");

            assertThatThrownBy(() -> impatient.write(List.of(blocked)))
                    .isInstanceOf(ActivityStoreException.class)
                    .hasMessageContaining("57014"); // query_canceled: a failure the pipeline retries
            locker.rollback();
        }

        assertThat(impatient.write(List.of(blocked)).inserted()).isEqualTo(1);
        impatient.close();
    }

    @Test
    void shouldSendRowsToTheDefaultPartitionAndMoveThemOutInMaintenance() throws Exception {
        // What happens when the store could not make a partition (no privilege, lock timeout):
        // the row lands in the default partition; maintenance moves it to its month.
        Fixtures.execute(postgres, "INSERT INTO user_activity_logs (id, user_id, action, created_at) "
                + "VALUES (gen_random_uuid(), 'user-default', 'login', '2009-06-15T12:00:00Z'), "
                + "(gen_random_uuid(), 'user-default', 'login', '2009-07-15T12:00:00Z')");
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_default")).isEqualTo(2);

        MaintenanceReport report = store.runMaintenance();

        assertThat(report.ran()).isTrue();
        assertThat(report.movedRows()).isEqualTo(2);
        assertThat(report.createdPartitions()).contains("user_activity_logs_p2009_06", "user_activity_logs_p2009_07");
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_default")).isZero();
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_p2009_06")).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_p2009_07")).isEqualTo(1);
        assertThat(store.query(ActivityQuery.forUser("user-default").build()).activities()).hasSize(2);
    }

    @Test
    void shouldStoreABackDatedActivityInTheDefaultPartitionWhenItsPartitionCannotBeMadeInTime() throws Exception {
        // A long read holds the table: making a partition needs a lock that is not granted in
        // time. The write must not fail for that.
        Activity late = activity("user-late", "import", Instant.parse("2008-08-08T08:00:00Z"));
        try (java.sql.Connection reader = postgres.newConnection(); java.sql.Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("LOCK TABLE user_activity_logs IN ACCESS SHARE MODE");

            WriteResult result = store.write(List.of(late));

            assertThat(result.inserted()).isEqualTo(1);
            reader.rollback();
        }
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_default WHERE user_id = 'user-late'")).isEqualTo(1);
        assertThat(store.query(ActivityQuery.forUser("user-late").build()).activities()).containsExactly(late);

        MaintenanceReport report = store.runMaintenance();

        assertThat(report.createdPartitions()).contains("user_activity_logs_p2008_08");
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_p2008_08 WHERE user_id = 'user-late'")).isEqualTo(1);
        assertThat(count(postgres, "SELECT count(*) FROM user_activity_logs_default")).isZero();
    }

    @Test
    void shouldInvalidateCachedStatsOfTheUsersItWrites() {
        Instant now = Instant.now();
        store.write(List.of(activity("user-cache", "login", now.minusSeconds(60))));
        long before = store.stats("user-cache", now.minus(Duration.ofDays(1)), now).total();

        store.write(List.of(activity("user-cache", "login", now.minusSeconds(30))));

        assertThat(before).isEqualTo(1);
        assertThat(store.stats("user-cache", now.minus(Duration.ofDays(1)), now).total()).isEqualTo(2);
    }
}
