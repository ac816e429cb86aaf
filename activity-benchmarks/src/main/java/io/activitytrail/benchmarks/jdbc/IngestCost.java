package io.activitytrail.benchmarks.jdbc;

import io.activitytrail.Activity;
import io.activitytrail.jdbc.JdbcActivityStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What a free-text index costs on ingest: {@link JdbcActivityStore#write} of batches of 500 into
 * three tables made by the store's migrations, one without a text index (the baseline), one with a
 * trigram GIN index on {@code description} ({@code trgm}), one with a GIN index on
 * {@code (user_id, description gin_trgm_ops)} ({@code user_trgm}, needs btree_gin), batch by batch
 * in turn so that machine noise hits all three. Part of {@link QueryLoadRun}.
 */
final class IngestCost {
    private static final String[] KINDS = {"none", "trgm", "user_trgm"};

    private IngestCost() {}

    static String textIndexSql(String kind, String table) {
        return switch (kind) {
            case "trgm" -> "CREATE INDEX " + table + "_text_idx ON " + table + " USING gin (description public.gin_trgm_ops)";
            case "user_trgm" -> "CREATE INDEX " + table + "_user_text_idx ON " + table
                    + " USING gin (user_id, description public.gin_trgm_ops)";
            default -> throw new IllegalArgumentException("textIndex must be none, trgm or user_trgm, but was " + kind);
        };
    }

    static void extensions(BenchmarkDatabase db) throws SQLException {
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
                "CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public");
    }

    static void measure(BenchmarkDatabase db, int seconds) throws SQLException {
        System.out.printf(Locale.ROOT, "%n=== ingest cost of a free-text index (store.write, batches of 500) ===%n");
        extensions(db);
        JdbcActivityStore[] stores = new JdbcActivityStore[KINDS.length];
        try {
            for (int k = 0; k < KINDS.length; k++) {
                String table = "ingest_" + KINDS[k];
                stores[k] = JdbcActivityStore.builder(db.dataSource).table(table).migrate(true)
                        .scheduledMaintenance(false).listenForErasures(false).partitionsAhead(1).build();
                if (!KINDS[k].equals("none")) {
                    db.execute(textIndexSql(KINDS[k], table));
                }
            }
            run(stores, Math.max(5, seconds / 3), "warm-up");
            for (int r = 1; r <= 3; r++) {
                run(stores, seconds, "run " + r);
            }
        } finally {
            for (JdbcActivityStore s : stores) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static void run(JdbcActivityStore[] stores, int seconds, String label) {
        long[] nanos = new long[stores.length];
        long[] rows = new long[stores.length];
        long end = System.nanoTime() + Duration.ofSeconds(seconds * (long) stores.length).toNanos();
        while (System.nanoTime() < end) {
            for (int k = 0; k < stores.length; k++) {
                List<Activity> batch = BenchmarkDatabase.batch(500, Instant.now());
                long t0 = System.nanoTime();
                rows[k] += stores[k].write(batch).inserted();
                nanos[k] += System.nanoTime() - t0;
            }
        }
        StringBuilder line = new StringBuilder("INGEST " + label + ":");
        double base = rows[0] / (nanos[0] / 1e9);
        for (int k = 0; k < stores.length; k++) {
            double rate = rows[k] / (nanos[k] / 1e9);
            line.append(String.format(Locale.ROOT, "  %s %,.0f rows/s (%.2f)", KINDS[k], rate, rate / base));
        }
        System.out.println(line);
    }
}
