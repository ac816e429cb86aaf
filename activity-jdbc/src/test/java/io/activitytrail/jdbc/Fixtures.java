package io.activitytrail.jdbc;

import io.activitytrail.Activity;
import io.activitytrail.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the store's integration tests. */
final class Fixtures {
    static final String TABLE = "user_activity_logs";

    private Fixtures() {}

    /** A store on the test's schema, migrated, without the maintenance thread. */
    static JdbcActivityStore.Builder store(PostgresExtension postgres) {
        return JdbcActivityStore.builder(postgres.dataSource())
                .migrate(true)
                .scheduledMaintenance(false)
                .scheduledRetention(false);
    }

    static Activity activity(String user, String action, Instant at) {
        return Activity.builder(user, action).createdAt(at).build();
    }

    static long count(PostgresExtension postgres, String sql) throws SQLException {
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(PostgresExtension postgres, String... sql) throws SQLException {
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    static List<String> strings(PostgresExtension postgres, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** The query plan, one line per row of EXPLAIN's text output. */
    static String explain(PostgresExtension postgres, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** Writes one activity in each month of [from, to] through the store, which makes their partitions. */
    static void partitionsFor(JdbcActivityStore store, YearMonth from, YearMonth to) {
        List<Activity> seeds = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
            seeds.add(activity("partition-seed", "seed", m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
        store.write(seeds);
        store.eraseUser("partition-seed");
    }

    /**
     * Generates rows server-side (never through the Java write path): {@code n} rows over
     * {@code users} users, one per {@code stepSeconds} from {@code start}, cycling actions,
     * severities, addresses, user agents, sessions.
     */
    static void generate(PostgresExtension postgres, int n, int users, Instant start, int stepSeconds) throws SQLException {
        // A synchronous commit, so that VACUUM right after can mark the pages all-visible (it cannot
        // while the inserting commit is not yet flushed; the embedded server commits asynchronously).
        execute(postgres, "SET synchronous_commit = on", "INSERT INTO " + TABLE + " (id, user_id, action, description, severity, ip_address, "
                + "user_agent, session_id, request_id, metadata, created_at) "
                + "SELECT gen_random_uuid(), 'gen-' || (g % " + users + "), "
                + "(ARRAY['login','login_failed','http_request','invoice_paid','password_changed'])[1 + g % 5], "
                + "'generated row ' || g, "
                + "(ARRAY['info','info','info','warning','error','critical'])[1 + g % 6]::" + TABLE + "_severity, "
                + "('10.' || (g % 7) || '.' || (g % 250) || '.1')::inet, 'agent/' || (g % 11), "
                + "'session-' || (g % 997), 'request-' || g, jsonb_build_object('n', g), "
                + "timestamptz '" + start + "' + g * interval '" + stepSeconds + " seconds' "
                + "FROM generate_series(0, " + (n - 1) + ") g");
    }
}
