package io.activitytrail.benchmarks.jdbc;

import io.activitytrail.Activity;
import io.activitytrail.jdbc.JdbcActivityStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Load benchmark: does the batch write rate hold when the table already holds 10 million rows in
 * older monthly partitions? It measures {@link JdbcActivityStore#write} of batches of 500 (current
 * month) on the empty table, and COPY of the same rows as the baseline; then loads 10 million rows
 * into the twelve previous months server-side ({@code INSERT ... SELECT generate_series}, with every
 * index in place, several minutes), and measures both again in the same run.
 *
 * <p>With {@code flat} as third argument it measures the contrast instead: COPY of the same rows into
 * an unpartitioned table with the same columns and indexes, empty and then holding the same
 * number of rows.
 *
 * <p>Not JMH (loading the table once takes minutes); each phase runs for a fixed time after a
 * warm-up. Run (embedded PostgreSQL 17, or the server in {@code ACTIVITY_TEST_JDBC_URL}):
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -cp activity-benchmarks/target/benchmarks.jar io.activitytrail.benchmarks.jdbc.PartitionedWriteRateBenchmark [rows] [seconds] [flat]
 * </pre>
 * Defaults: 10,000,000 rows, 30 seconds per measurement, partitioned.
 */
public final class PartitionedWriteRateBenchmark {
    static final int BATCH = 500;

    private PartitionedWriteRateBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        if (args.length > 2 && args[2].equals("flat")) {
            flat(rows, seconds);
            return;
        }
        try (BenchmarkDatabase db = new BenchmarkDatabase("rate");
                JdbcActivityStore store = JdbcActivityStore.builder(db.dataSource).migrate(true)
                        .scheduledMaintenance(false).partitionsAhead(1).build()) {
            System.out.println("server: " + one(db, "SELECT version()"));
            measure("empty table, warm-up", db, store, Math.max(5, seconds / 3));
            double[] empty = measure("empty table", db, store, seconds);
            db.execute("TRUNCATE " + BenchmarkDatabase.TABLE);

            load(db, store, rows);
            double[] full = measure("table with " + rows + " older rows, warm-up", db, store, Math.max(5, seconds / 3));
            full = measure("table with " + rows + " older rows", db, store, seconds);

            System.out.printf(Locale.ROOT, "%nRESULT store.write: %.0f rows/s empty, %.0f rows/s with %,d older rows (%.0f%%)%n",
                    empty[0], full[0], rows, 100 * full[0] / empty[0]);
            System.out.printf(Locale.ROOT, "RESULT COPY:        %.0f rows/s empty, %.0f rows/s with %,d older rows (%.0f%%)%n",
                    empty[1], full[1], rows, 100 * full[1] / empty[1]);
        }
    }

    /** The contrast: COPY into one unpartitioned table with the same indexes, empty and then full. */
    static void flat(long rows, int seconds) throws Exception {
        String flat = "activity_flat";
        try (BenchmarkDatabase db = new BenchmarkDatabase("flat");
                JdbcActivityStore store = JdbcActivityStore.builder(db.dataSource).migrate(true)
                        .scheduledMaintenance(false).partitionsAhead(0).build()) {
            System.out.println("server: " + one(db, "SELECT version()"));
            db.execute("CREATE TABLE " + flat + " (LIKE " + BenchmarkDatabase.TABLE + " INCLUDING ALL)");
            System.out.println("indexes of " + flat + ": " + one(db, "SELECT count(*) FROM pg_indexes WHERE tablename = '" + flat + "'"));
            measureCopy("unpartitioned, empty, warm-up", db, flat, Math.max(5, seconds / 3));
            double empty = measureCopy("unpartitioned, empty", db, flat, seconds);
            db.execute("TRUNCATE " + flat);
            insertGenerated(db, flat, rows, YearMonth.now(ZoneOffset.UTC).minusMonths(12).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                    Duration.ofDays(365).toMillis());
            db.execute("VACUUM ANALYZE " + flat);
            System.out.println("table size with indexes: " + one(db, "SELECT pg_size_pretty(pg_total_relation_size('" + flat + "'))"));
            measureCopy("unpartitioned, " + rows + " rows, warm-up", db, flat, Math.max(5, seconds / 3));
            double full = measureCopy("unpartitioned, " + rows + " rows", db, flat, seconds);
            System.out.printf(Locale.ROOT, "%nRESULT COPY into one unpartitioned table: %.0f rows/s empty, %.0f rows/s with %,d rows (%.0f%%)%n",
                    empty, full, rows, 100 * full / empty);
        }
    }

    static double measureCopy(String label, BenchmarkDatabase db, String table, int seconds) throws Exception {
        long nanos = 0;
        long copied = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            List<Activity> b = BenchmarkDatabase.batch(BATCH, Instant.now());
            long t0 = System.nanoTime();
            copied += db.copy(table, b);
            nanos += System.nanoTime() - t0;
        }
        double rate = copied / (nanos / 1e9);
        System.out.printf(Locale.ROOT, "%-45s COPY %8.0f rows/s (%d rows)%n", label, rate, copied);
        return rate;
    }

    /** Alternates store.write and COPY batches for {@code seconds}; returns rows/s of each. */
    static double[] measure(String label, BenchmarkDatabase db, JdbcActivityStore store, int seconds) throws Exception {
        long writeNanos = 0;
        long copyNanos = 0;
        long written = 0;
        long copied = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            List<Activity> a = BenchmarkDatabase.batch(BATCH, Instant.now());
            long t0 = System.nanoTime();
            written += store.write(a).inserted();
            writeNanos += System.nanoTime() - t0;
            List<Activity> b = BenchmarkDatabase.batch(BATCH, Instant.now());
            long t1 = System.nanoTime();
            copied += db.copy(b);
            copyNanos += System.nanoTime() - t1;
        }
        double writeRate = written / (writeNanos / 1e9);
        double copyRate = copied / (copyNanos / 1e9);
        System.out.printf(Locale.ROOT, "%-45s store.write %8.0f rows/s (%d rows)   COPY %8.0f rows/s (%d rows)%n",
                label, writeRate, written, copyRate, copied);
        return new double[] {writeRate, copyRate};
    }

    /** Rows spread evenly over the twelve months before the current one, made by the server. */
    static void load(BenchmarkDatabase db, JdbcActivityStore store, long rows) throws SQLException {
        YearMonth current = YearMonth.now(ZoneOffset.UTC);
        List<Activity> seeds = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            seeds.add(Activity.builder("seed", "seed").createdAt(current.minusMonths(i).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)).build());
        }
        store.write(seeds);
        store.eraseUser("seed");
        Instant start = current.minusMonths(12).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        long span = Duration.between(start, current.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)).toMillis();
        insertGenerated(db, BenchmarkDatabase.TABLE, rows, start, span);
        db.execute("VACUUM ANALYZE " + BenchmarkDatabase.TABLE);
        System.out.println("table size with indexes: " + one(db, "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) "
                + "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '" + BenchmarkDatabase.TABLE + "'::regclass"));
    }

    /** {@code rows} rows spread evenly over {@code spanMillis} from {@code start}, made by the server in chunks. */
    static void insertGenerated(BenchmarkDatabase db, String table, long rows, Instant start, long spanMillis) throws SQLException {
        double step = (double) spanMillis / rows;
        long chunk = 1_000_000;
        long t0 = System.nanoTime();
        for (long from = 0; from < rows; from += chunk) {
            long to = Math.min(rows, from + chunk) - 1;
            db.execute("INSERT INTO " + table + " (" + BenchmarkDatabase.COLUMNS + ") "
                    + "SELECT gen_random_uuid(), 'user-' || (g % 10000), "
                    + "(ARRAY['http_request','http_request','login','invoice_paid'])[1 + g % 4], "
                    + "'GET /api/orders/' || g || ' -> 200', "
                    + "CASE WHEN g % 50 = 0 THEN 'error' ELSE 'info' END::user_activity_logs_severity, "
                    + "('10.' || (g % 256) || '.' || (g / 256 % 256) || '.' || (g / 65536 % 256))::inet, "
                    + "'Mozilla/5.0 agent ' || (g % 40), md5(g::text), md5((g * 7)::text), "
                    + "'{\"browser\": \"Chrome\", \"os\": \"Linux\", \"mobile\": false}', "
                    + "'{\"country\": \"DE\", \"city\": \"Berlin\"}', "
                    + "jsonb_build_object('route', '/api/orders/{id}', 'status', 200, 'duration_ms', g % 300), "
                    + "timestamptz '" + start + "' + (g * " + step + ") * interval '1 millisecond' "
                    + "FROM generate_series(" + from + ", " + to + ") g");
            System.out.printf(Locale.ROOT, "loaded %,d rows (%.0f s)%n", to + 1, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static String one(BenchmarkDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
