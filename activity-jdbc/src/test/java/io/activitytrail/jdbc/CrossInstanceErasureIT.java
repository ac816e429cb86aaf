package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.WriteResult;
import io.activitytrail.testsupport.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two stores on one table, as two app instances on one database: an erasure through one holds for
 * the other's inserts (the erasures table), and the other hears of it (LISTEN/NOTIFY).
 */
class CrossInstanceErasureIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    private static final Instant T = Instant.parse("2025-07-01T10:00:00Z");

    @Test
    void shouldNotStoreRowsOfAnErasedUserCreatedBeforeTheErasureWhicheverInstanceWritesThem() throws Exception {
        try (JdbcActivityStore a = Fixtures.store(postgres).listenForErasures(false).build();
                JdbcActivityStore b = Fixtures.store(postgres).listenForErasures(false).build()) {
            a.write(List.of(activity("user-e1", "login", T), activity("user-e1", "http_request", T.plusSeconds(1)),
                    activity("user-k1", "login", T)));

            long erased = a.eraseUser("user-e1");
            // Instance B still held these (spool, retry): created before the erasure.
            List<Activity> late = List.of(activity("user-e1", "invoice_paid", T.plusSeconds(2)),
                    activity("user-e1", "logout", Instant.now().minusSeconds(1)), activity("user-k1", "logout", T.plusSeconds(3)));
            WriteResult replayed = b.write(late);
            Activity afterErasure = activity("user-e1", "login", Instant.now().plusSeconds(5));
            WriteResult fresh = b.write(List.of(afterErasure));

            assertThat(erased).isEqualTo(2);
            assertThat(replayed.inserted()).as("only the other user's row is inserted").isEqualTo(1);
            assertThat(replayed.rejected()).as("skipped rows are not rejected").isEmpty();
            assertThat(fresh.inserted()).isEqualTo(1);
            assertThat(Fixtures.strings(postgres, "SELECT id::text FROM " + a.qualifiedTable() + " WHERE user_id = 'user-e1'"))
                    .containsExactly(afterErasure.id().toString());
            assertThat(Fixtures.count(postgres, "SELECT count(*) FROM " + a.qualifiedTable() + " WHERE user_id = 'user-k1'"))
                    .isEqualTo(2);
        }
    }

    /**
     * An insert that checked the erasures table before the erasure committed must not commit its
     * rows after the erasure's DELETE took its snapshot: the erasure waits for inserts in flight.
     */
    @Test
    void shouldDeleteRowsOfAnInsertThatWasInFlightWhenTheErasureStarted() throws Exception {
        try (JdbcActivityStore store = Fixtures.store(postgres).listenForErasures(false).build();
                java.sql.Connection inFlight = postgres.newConnection()) {
            store.write(List.of(activity("user-e6", "login", T)));
            inFlight.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = inFlight.prepareStatement(
                    "SELECT pg_advisory_xact_lock_shared(" + 0x4154_0004 + ", hashtext(?))")) {
                lock.setString(1, store.qualifiedTable());
                lock.execute();
            }
            try (java.sql.Statement insert = inFlight.createStatement()) {
                insert.execute("INSERT INTO " + store.qualifiedTable() + " (id, user_id, action, created_at) "
                        + "VALUES (gen_random_uuid(), 'user-e6', 'in_flight', '" + T.plusSeconds(1) + "')");
            }
            java.util.concurrent.CompletableFuture<Long> erasure =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> store.eraseUser("user-e6"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(postgres,
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);
            boolean doneBeforeCommit = erasure.isDone();

            inFlight.commit();

            assertThat(doneBeforeCommit).as("the erasure waited for the insert in flight").isFalse();
            assertThat(erasure.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(Fixtures.count(postgres, "SELECT count(*) FROM " + store.qualifiedTable() + " WHERE user_id = 'user-e6'"))
                    .isZero();
        }
    }

    @Test
    void shouldRecordTheLatestErasureOncePerUserAndExpireItWithRetention() throws Exception {
        try (JdbcActivityStore store = Fixtures.store(postgres).listenForErasures(false).build()) {
            store.eraseUser("user-e2");
            store.eraseUser("user-e2");
            store.eraseUser("user-e3");
            String erasures = postgres.schema() + ".user_activity_logs_erasures";
            long recorded = Fixtures.count(postgres, "SELECT count(*) FROM " + erasures + " WHERE user_id IN ('user-e2', 'user-e3')");
            Fixtures.execute(postgres, "UPDATE " + erasures + " SET erased_at = now() - interval '800 days' WHERE user_id = 'user-e3'");

            store.applyRetention(Instant.now().minus(Duration.ofDays(730)));

            assertThat(recorded).isEqualTo(2);
            assertThat(Fixtures.strings(postgres, "SELECT user_id FROM " + erasures + " WHERE user_id IN ('user-e2', 'user-e3')"))
                    .as("the erasure older than the retention cutoff is gone, the recent one stays")
                    .containsExactly("user-e2");
        }
    }

    @Test
    void shouldTellTheOtherInstancesOfAnErasureAndDropTheirCachedStats() {
        Map<String, Instant> heardByB = new ConcurrentHashMap<>();
        try (JdbcActivityStore a = Fixtures.store(postgres).listenForErasures(false).build();
                JdbcActivityStore b = Fixtures.store(postgres).statsCacheTtl(Duration.ofMinutes(5)).build()) {
            b.onErasure(heardByB::put);
            await().atMost(Duration.ofSeconds(10)).until(b::listeningForErasures);
            a.write(List.of(activity("user-e4", "login", T), activity("user-e4", "login", T.plusSeconds(1))));
            long cachedOnB = b.stats("user-e4", T.minusSeconds(60), T.plusSeconds(60)).total();

            Instant before = Instant.now().minusSeconds(60);
            a.eraseUser("user-e4");

            await().atMost(Duration.ofSeconds(10)).until(() -> heardByB.containsKey("user-e4"));
            assertThat(cachedOnB).isEqualTo(2);
            assertThat(heardByB.get("user-e4")).isAfter(before);
            assertThat(b.stats("user-e4", T.minusSeconds(60), T.plusSeconds(60)).total())
                    .as("B's cached stats were dropped, not served for the TTL").isZero();
        }
    }

    @Test
    void shouldListenAgainAfterTheListenConnectionIsKilled() throws Exception {
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JdbcActivityStore a = Fixtures.store(postgres).listenForErasures(false).build();
                JdbcActivityStore b = Fixtures.store(postgres).build()) {
            b.onErasure((user, at) -> heard.add(user));
            await().atMost(Duration.ofSeconds(10)).until(b::listeningForErasures);
            Fixtures.execute(postgres, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE query LIKE 'LISTEN %user_activity_logs_erasures%' AND pid <> pg_backend_pid()");
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.listeningForErasures());
            await().atMost(Duration.ofSeconds(15)).until(b::listeningForErasures);

            a.eraseUser("user-e5");

            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("user-e5"));
        }
    }

    /**
     * Regression: the channel is per table name, so an erasure in one schema (tenant) told the
     * stores of the same table in every other schema to drop that user's spooled and rejected rows.
     */
    @Test
    void shouldHearOnlyErasuresOfItsOwnSchemasTable() throws Exception {
        String otherSchema = postgres.schema() + "_tenant_b";
        Fixtures.execute(postgres, "CREATE SCHEMA IF NOT EXISTS " + otherSchema);
        List<String> heardByTenantB = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JdbcActivityStore tenantA = Fixtures.store(postgres).listenForErasures(false).build();
                JdbcActivityStore tenantB = Fixtures.store(postgres).schema(otherSchema).build()) {
            tenantB.onErasure((user, at) -> heardByTenantB.add(user));
            await().atMost(Duration.ofSeconds(10)).until(tenantB::listeningForErasures);

            tenantA.eraseUser("user-42");
            tenantB.eraseUser("user-99");

            // Delivered in commit order: once B hears its own erasure, A's would have come first.
            await().atMost(Duration.ofSeconds(10)).until(() -> heardByTenantB.contains("user-99"));
            assertThat(heardByTenantB).containsOnly("user-99");
        } finally {
            Fixtures.execute(postgres, "DROP SCHEMA " + otherSchema + " CASCADE");
        }
    }

    /**
     * Regression: under a pool whose default isolation is REPEATABLE READ, an insert that waited for
     * an erasure took its snapshot before the erasure committed and stored the erased user's row.
     */
    @Test
    void shouldSkipAnErasedUsersRowsUnderAPoolWhoseDefaultIsolationIsRepeatableRead() throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(PostgresExtension.serverUrl());
        config.setSchema(postgres.schema());
        config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        config.setMaximumPoolSize(2);
        try (com.zaxxer.hikari.HikariDataSource repeatableRead = new com.zaxxer.hikari.HikariDataSource(config);
                JdbcActivityStore store = JdbcActivityStore.builder(repeatableRead).migrate(true).scheduledMaintenance(false)
                        .scheduledRetention(false).listenForErasures(false).build();
                java.sql.Connection eraser = postgres.newConnection()) {
            store.write(List.of(activity("user-e7", "login", T)));
            eraser.setAutoCommit(false);
            try (java.sql.Statement e = eraser.createStatement()) {
                e.execute("SELECT pg_advisory_xact_lock(" + 0x4154_0004 + ", hashtext('" + store.qualifiedTable().replace("'", "''") + "'))");
                e.execute("INSERT INTO " + postgres.schema() + ".user_activity_logs_erasures VALUES ('user-e7', clock_timestamp())");
                e.execute("DELETE FROM " + store.qualifiedTable() + " WHERE user_id = 'user-e7'");
            }
            java.util.concurrent.CompletableFuture<WriteResult> late = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> store.write(List.of(activity("user-e7", "from_a_spool", T.plusSeconds(5)))));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(postgres,
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);

            eraser.commit();

            assertThat(late.get(10, java.util.concurrent.TimeUnit.SECONDS).inserted()).isZero();
            assertThat(Fixtures.count(postgres, "SELECT count(*) FROM " + store.qualifiedTable() + " WHERE user_id = 'user-e7'"))
                    .isZero();
        }
    }

    /**
     * Regression: moving rows out of the default partition into a new one did not wait for an
     * erasure in progress, whose DELETE, planned before the new partition existed, missed them.
     */
    @Test
    void shouldNotMoveRowsOutOfTheDefaultPartitionWhileAnErasureRuns() throws Exception {
        try (JdbcActivityStore store = Fixtures.store(postgres).listenForErasures(false).build();
                java.sql.Connection eraser = postgres.newConnection()) {
            Instant longAgo = Instant.parse("2019-03-10T10:00:00Z"); // no partition: the row lands in the default one
            Fixtures.execute(postgres, "INSERT INTO " + store.qualifiedTable() + " (id, user_id, action, created_at) "
                    + "VALUES (gen_random_uuid(), 'user-e8', 'in_default', '" + longAgo + "')");
            eraser.setAutoCommit(false);
            try (java.sql.Statement e = eraser.createStatement()) {
                e.execute("SELECT pg_advisory_xact_lock(" + 0x4154_0004 + ", hashtext('" + store.qualifiedTable().replace("'", "''") + "'))");
            }
            // A write for that month makes its partition and moves the default partition's rows into it.
            java.util.concurrent.CompletableFuture<WriteResult> move = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> store.write(List.of(activity("user-k8", "login", longAgo.plusSeconds(60)))));
            await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.count(postgres,
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);
            long partitionsMadeDuringTheErasure = Fixtures.count(postgres, "SELECT count(*) FROM pg_class WHERE relname = 'user_activity_logs_p2019_03' "
                    + "AND relnamespace = '" + postgres.schema() + "'::regnamespace");
            try (java.sql.Statement e = eraser.createStatement()) {
                e.execute("INSERT INTO " + postgres.schema() + ".user_activity_logs_erasures VALUES ('user-e8', clock_timestamp())");
                e.execute("DELETE FROM " + store.qualifiedTable() + " WHERE user_id = 'user-e8'");
            }
            eraser.commit();

            assertThat(move.get(30, java.util.concurrent.TimeUnit.SECONDS).inserted()).isEqualTo(1);
            assertThat(partitionsMadeDuringTheErasure).as("the move waited for the erasure").isZero();
            assertThat(Fixtures.count(postgres, "SELECT count(*) FROM " + store.qualifiedTable() + " WHERE user_id = 'user-e8'"))
                    .isZero();
        }
    }
}
