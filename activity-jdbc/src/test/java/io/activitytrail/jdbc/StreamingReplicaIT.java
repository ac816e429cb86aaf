package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads on a real streaming replica (a hot standby on loopback, see {@link StreamingReplica}): they
 * run there while it is up and close behind, on the primary while it lags or is down (and health
 * says so), and a user reads their own writes at once, replica behind or not.
 *
 * <p>Which server answered is seen from rows written on the primary outside the store while the
 * standby's replay is paused: the primary has them, the standby does not yet.
 */
class StreamingReplicaIT {
    private static final Instant T = Instant.parse("2025-07-01T10:00:00Z");

    private StreamingReplica cluster;
    private HikariDataSource primaryPool;
    private HikariDataSource replicaPool;

    @BeforeEach
    void cluster() throws Exception {
        cluster = StreamingReplica.start();
        primaryPool = StreamingReplica.pool(cluster.primaryUrl(), "primary");
        replicaPool = StreamingReplica.pool(cluster.standbyUrl(), "replica");
    }

    @AfterEach
    void close() throws Exception {
        replicaPool.close();
        primaryPool.close();
        cluster.close();
    }

    private JdbcActivityStore.Builder store(Duration maxReplicaLag) {
        return JdbcActivityStore.builder(primaryPool).readDataSource(replicaPool).maxReplicaLag(maxReplicaLag)
                .migrate(true).scheduledMaintenance(false).scheduledRetention(false).statsCacheTtl(Duration.ZERO);
    }

    /** A row that only the primary has while replay is paused: written outside the store, so no read-your-writes. */
    private void insertOnPrimaryBehindTheStoresBack(JdbcActivityStore store, String user, String action) throws Exception {
        StreamingReplica.execute(cluster.primaryUrl(), "INSERT INTO " + store.qualifiedTable()
                + " (id, user_id, action, created_at) VALUES (gen_random_uuid(), '" + user + "', '" + action + "', '" + T + "')");
    }

    private static List<String> actions(JdbcActivityStore store, String user) {
        return store.query(ActivityQuery.forUser(user).limit(100).build()).activities().stream().map(Activity::action).toList();
    }

    private void awaitReplayed(JdbcActivityStore store, String user, long rows) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> StreamingReplica.queryLong(cluster.standbyUrl(),
                "SELECT count(*) FROM " + store.qualifiedTable() + " WHERE user_id = '" + user + "'") == rows);
    }

    @Test
    void shouldReadFromTheReplicaWhileItIsUpAndWithinTheLagSetting() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).build()) {
            store.write(List.of(activity("user-r1", "login", T)));
            awaitReplayed(store, "user-r1", 1);
            cluster.pauseReplay();

            insertOnPrimaryBehindTheStoresBack(store, "user-r1", "primary_only");

            // Until the next check (once a second) sees that the replica replayed the store's write, reads stay on the primary.
            await("read on the paused replica").atMost(Duration.ofSeconds(10))
                    .until(() -> actions(store, "user-r1"), a -> a.equals(List.of("login")));
            assertThat(store.stats("user-r1", T.minusSeconds(60), T.plusSeconds(60)).total()).isEqualTo(1);
            assertThat(store.export("user-r1", a -> {})).isEqualTo(1);
            assertThat(store.problem()).isEmpty();
        }
    }

    @Test
    void shouldFallBackToThePrimaryWhileTheReplicaLagsMoreThanTheSettingAndSaySo() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofSeconds(1)).build()) {
            store.write(List.of(activity("user-r2", "login", T)));
            awaitReplayed(store, "user-r2", 1);
            cluster.pauseReplay();
            insertOnPrimaryBehindTheStoresBack(store, "user-r2", "primary_only");

            await().atMost(Duration.ofSeconds(30)).until(() -> store.problem().orElse("").contains("lags"));
            assertThat(actions(store, "user-r2")).as("read on the primary").containsExactlyInAnyOrder("login", "primary_only");
            assertThat(store.problem()).hasValueSatisfying(p -> assertThat(p).contains("reads run on the primary"));

            cluster.resumeReplay();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.problem().isEmpty());
            assertThat(actions(store, "user-r2")).containsExactlyInAnyOrder("login", "primary_only");
        }
    }

    @Test
    void shouldFallBackToThePrimaryWhenTheReplicaIsDownAndSaySo() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).build()) {
            store.write(List.of(activity("user-r3", "login", T)));
            awaitReplayed(store, "user-r3", 1);

            cluster.stopStandby();

            assertThat(actions(store, "user-r3")).as("the failed replica read is run again on the primary").containsExactly("login");
            assertThat(store.stats("user-r3", T.minusSeconds(60), T.plusSeconds(60)).total()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> store.problem().orElse("").contains("unavailable"));
            assertThat(store.export("user-r3", a -> {})).as("exports run on the primary once the check saw it down").isEqualTo(1);
        }
    }

    @Test
    void shouldLetAUserReadWhatTheyJustLoggedWhileTheReplicaIsBehind() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).build();
                ActivityTrail trail = ActivityTrail.builder().store(store)
                        .spoolDirectory(Files.createTempDirectory("activity-replica-spool")).shutdownHook(false).build()) {
            trail.logNow(activity("user-r4", "login", T));
            trail.logNow(activity("user-r5", "login", T));
            awaitReplayed(store, "user-r4", 1);
            awaitReplayed(store, "user-r5", 1);
            cluster.pauseReplay();
            insertOnPrimaryBehindTheStoresBack(store, "user-r5", "primary_only");
            await("another user reads on the paused replica").atMost(Duration.ofSeconds(10)).until(
                    () -> trail.query(ActivityQuery.forUser("user-r5").build()).activities().stream().map(Activity::action).toList(),
                    a -> a.equals(List.of("login")));

            trail.logNow(activity("user-r4", "password_changed", T.plusSeconds(1)));
            trail.log(activity("user-r4", "profile_viewed", T.plusSeconds(2)));
            trail.flush();

            assertThat(trail.query(ActivityQuery.forUser("user-r4").build()).activities()).extracting(Activity::action)
                    .as("the writer's own user reads on the primary at once").containsExactly("profile_viewed", "password_changed", "login");
            assertThat(trail.query(ActivityQuery.forUser("user-r5").build()).activities()).extracting(Activity::action)
                    .as("another user still reads on the replica").containsExactly("login");
            assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.UP);

            cluster.resumeReplay();
            awaitReplayed(store, "user-r4", 3);
            assertThat(trail.query(ActivityQuery.forUser("user-r4").build()).activities()).hasSize(3);
        }
    }

    @Test
    void shouldReplicateTheStoresRowsAndPromoteTheStandby() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).build()) {
            store.write(List.of(activity("user-r6", "login", T)));
            awaitReplayed(store, "user-r6", 1);
            assertThat(StreamingReplica.queryString(cluster.primaryUrl(), "SELECT state FROM pg_stat_replication")).isEqualTo("streaming");

            cluster.promoteStandby();

            StreamingReplica.execute(cluster.standbyUrl(), "INSERT INTO " + store.qualifiedTable()
                    + " (id, user_id, action, created_at) VALUES (gen_random_uuid(), 'user-r6', 'after_promotion', '" + T + "')");
            assertThat(StreamingReplica.queryLong(cluster.standbyUrl(),
                    "SELECT count(*) FROM " + store.qualifiedTable() + " WHERE user_id = 'user-r6'")).isEqualTo(2);
        }
    }

    /** Regression: right after an erasure, reads (and the stats then cached) came from a replica that had not replayed it. */
    @Test
    void shouldNotShowAnErasedUserFromAReplicaThatHasNotReplayedTheErasure() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).statsCacheTtl(Duration.ofMinutes(5)).build()) {
            store.write(List.of(activity("user-r7", "login", T), activity("user-r8", "login", T)));
            awaitReplayed(store, "user-r7", 1);
            awaitReplayed(store, "user-r8", 1);
            cluster.pauseReplay();
            insertOnPrimaryBehindTheStoresBack(store, "user-r8", "primary_only");
            await("reads on the paused replica").atMost(Duration.ofSeconds(10))
                    .until(() -> actions(store, "user-r8"), a -> a.equals(List.of("login")));

            assertThat(store.eraseUser("user-r7")).isEqualTo(1);

            assertThat(actions(store, "user-r7")).isEmpty();
            assertThat(store.stats("user-r7", T.minusSeconds(60), T.plusSeconds(60)).total()).isZero();
            assertThat(store.export("user-r7", a -> {})).isZero();
        }
    }

    /** Regression: a replica that stopped receiving WAL said it had replayed all it received, and so reported no lag. */
    @Test
    void shouldSeeTheLagOfAReplicaThatStoppedReceiving() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofSeconds(1)).build()) {
            store.write(List.of(activity("user-r9", "login", T)));
            awaitReplayed(store, "user-r9", 1);
            StreamingReplica.execute(cluster.standbyUrl(), "ALTER SYSTEM SET primary_conninfo = 'host=localhost port=1'");
            StreamingReplica.execute(cluster.standbyUrl(), "SELECT pg_reload_conf()");
            await().atMost(Duration.ofSeconds(30)).until(() -> StreamingReplica.queryLong(cluster.standbyUrl(),
                    "SELECT count(*) FROM pg_stat_wal_receiver") == 0);

            insertOnPrimaryBehindTheStoresBack(store, "user-r9", "primary_only");

            await().atMost(Duration.ofSeconds(30)).until(() -> store.problem().orElse("").contains("lags"));
            assertThat(actions(store, "user-r9")).containsExactlyInAnyOrder("login", "primary_only");
        }
    }

    /** Regression: a promoted standby counted as fully replayed while the store still wrote to the old primary. */
    @Test
    void shouldNotReadFromAPromotedStandbyThatIsNotThePrimaryWrittenTo() throws Exception {
        try (JdbcActivityStore store = store(Duration.ofHours(1)).build()) {
            store.write(List.of(activity("user-r10", "login", T)));
            awaitReplayed(store, "user-r10", 1);

            cluster.promoteStandby();
            store.write(List.of(activity("user-r10", "after_promotion", T.plusSeconds(1))));
            insertOnPrimaryBehindTheStoresBack(store, "user-r10", "primary_only");

            await().atMost(Duration.ofSeconds(30)).until(() -> store.problem().orElse("").contains("not in recovery"));
            assertThat(actions(store, "user-r10")).containsExactlyInAnyOrder("login", "after_promotion", "primary_only");
        }
    }
}
