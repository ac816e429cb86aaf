package io.activitytrail.jdbc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testing.CountingListener;
import io.activitytrail.testsupport.PostgresExtension;
import io.activitytrail.testsupport.SteadyLoad;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three app instances (three trails on three stores, each with its own pool, proxy and spool) over
 * one database, logging at a steady rate, with an outage in the middle: all three lose the
 * database, A and B get it back first, A erases a user while C still spools that user's rows, then
 * C gets it back and replays. C never hears the erasure (its LISTEN connection is cut too): only the
 * erasures table stops the replay. Every accepted activity is stored exactly once, except the
 * erased user's activities created before the erasure, of which none is stored.
 */
class ThreeInstancesIT {
    private static final int RATE_PER_SECOND = 1_500;
    private static final Duration RUN = Duration.ofMillis(4_500);
    private static final Duration CUT_ALL = Duration.ofMillis(1_000);
    private static final Duration RESTORE_A_B = Duration.ofMillis(2_000);
    private static final Duration ERASE_ON_A = Duration.ofMillis(2_500);
    private static final Duration RESTORE_C = Duration.ofMillis(3_500);
    private static final String VICTIM = "user-7";

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @TempDir
    Path spoolA;
    @TempDir
    Path spoolB;
    @TempDir
    Path spoolC;

    @Test
    void shouldStoreEveryActivityOnceAndNoneOfAUserErasedOnAWhileCSpooledIt() throws Exception {
        List<CountingListener> counts = List.of(new CountingListener(), new CountingListener(), new CountingListener());
        List<Path> spools = List.of(spoolA, spoolB, spoolC);
        List<PipelineFixture> dbs = new ArrayList<>();
        List<ActivityTrail> trails = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                PipelineFixture db = new PipelineFixture(postgres, "three-instances-" + "abc".charAt(i));
                dbs.add(db);
                trails.add(ActivityTrail.builder().store(db.store).spoolDirectory(spools.get(i))
                        .metricsListener(counts.get(i)).batchSize(200).flushInterval(Duration.ofMillis(50))
                        .retryInitialDelay(Duration.ofMillis(50)).retryMaxDelay(Duration.ofMillis(500)).retryMaxAttempts(3)
                        .build());
            }
            List<Activity> accepted = new ArrayList<>();
            int victimSpooledByC = 0;
            long erasedOnA = -1;
            boolean cut = false;
            boolean restoredAB = false;
            boolean restoredC = false;
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / RATE_PER_SECOND;
            for (long i = 0; ; i++) {
                SteadyLoad.sleepUntil(start, Duration.ofNanos(i * intervalNanos));
                long elapsed = System.nanoTime() - start;
                if (elapsed >= RUN.toNanos()) {
                    break;
                }
                if (!cut && elapsed >= CUT_ALL.toNanos()) {
                    dbs.forEach(db -> db.proxy.cut());
                    cut = true;
                }
                if (!restoredAB && elapsed >= RESTORE_A_B.toNanos()) {
                    dbs.get(0).proxy.restore();
                    dbs.get(1).proxy.restore();
                    restoredAB = true;
                }
                if (erasedOnA < 0 && elapsed >= ERASE_ON_A.toNanos()) {
                    erasedOnA = trails.get(0).eraseUser(VICTIM);
                }
                if (!restoredC && elapsed >= RESTORE_C.toNanos()) {
                    dbs.get(2).proxy.restore();
                    restoredC = true;
                }
                int instance = (int) (i % 3);
                Activity a = Activity.builder("user-" + (i / 3 % 20), "three_instances").description("#" + i).build();
                trails.get(instance).log(a);
                accepted.add(a);
                if (instance == 2 && a.userId().equals(VICTIM) && cut && erasedOnA < 0) {
                    victimSpooledByC++;
                }
            }
            for (ActivityTrail trail : trails) {
                trail.flush();
                trail.close();
            }

            Instant erasedAt = erasedAt(dbs.get(0));
            Set<UUID> expected = new HashSet<>();
            int victimBeforeErasure = 0;
            for (Activity a : accepted) {
                if (a.userId().equals(VICTIM) && !a.createdAt().isAfter(erasedAt)) {
                    victimBeforeErasure++;
                } else {
                    expected.add(a.id());
                }
            }
            long[] rows = dbs.get(0).counts();
            long victimOldRows = count(dbs.get(0), "SELECT count(*) FROM " + dbs.get(0).store.qualifiedTable()
                    + " WHERE user_id = '" + VICTIM + "' AND created_at <= (SELECT erased_at FROM "
                    + dbs.get(0).store.qualifiedTable().replace("\"user_activity_logs\"", "\"user_activity_logs_erasures\"")
                    + " WHERE user_id = '" + VICTIM + "')");
            System.out.printf("ThreeInstancesIT: accepted=%d expected=%d rows=%d distinct=%d victimBeforeErasure=%d "
                    + "victimLoggedOnCDuringItsOutage=%d victimOldRowsStored=%d erasedOnA=%d spooled A/B/C=%d/%d/%d "
                    + "replayed A/B/C=%d/%d/%d%n", accepted.size(), expected.size(), rows[0], rows[1], victimBeforeErasure,
                    victimSpooledByC, victimOldRows, erasedOnA, counts.get(0).spooled.sum(), counts.get(1).spooled.sum(),
                    counts.get(2).spooled.sum(), counts.get(0).replayed.sum(), counts.get(1).replayed.sum(),
                    counts.get(2).replayed.sum());

            assertThat(victimSpooledByC).as("C held rows of the user when A erased it").isPositive();
            assertThat(counts.get(2).spooled.sum()).as("C spooled during its outage").isPositive();
            assertThat(victimOldRows).as("rows of the erased user older than the erasure").isZero();
            assertThat(rows[1]).as("no duplicates").isEqualTo(rows[0]);
            assertThat(dbs.get(0).ids()).as("every other accepted activity, nothing else").isEqualTo(expected);
            for (CountingListener c : counts) {
                assertThat(c.dropped.sum()).isZero();
            }
        } finally {
            for (ActivityTrail trail : trails) {
                trail.close();
            }
            dbs.forEach(PipelineFixture::close);
        }
    }

    private static Instant erasedAt(PipelineFixture db) throws Exception {
        String erasures = db.store.qualifiedTable().replace("\"user_activity_logs\"", "\"user_activity_logs_erasures\"");
        try (Connection c = db.postgres.newConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT erased_at FROM " + erasures + " WHERE user_id = '" + VICTIM + "'")) {
            assertThat(rs.next()).as("the erasure is recorded").isTrue();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    private static long count(PipelineFixture db, String sql) throws Exception {
        try (Connection c = db.postgres.newConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
