package io.activitytrail.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.jdbc.JdbcActivityStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link QueryLoadRun}'s export phase, started with {@code -Xmx64m}: exports one
 * user's whole history as NDJSON through {@link ActivityTrail#export} into a stream that counts
 * lines and discards them, printing the rate once a second, so a reader sees whether the rate
 * holds and whether the export completes in a small heap. Then, as the baseline, reads the same
 * rows by plain JDBC (the export statement's columns, same fetch size, no mapping or JSON).
 *
 * <p>Arguments: JDBC URL, schema, user id.
 */
public final class ExportInSmallHeap {
    private ExportInSmallHeap() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        String user = args[2];
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setSchema(schema);
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config);
                JdbcActivityStore store = JdbcActivityStore.builder(dataSource).scheduledMaintenance(false)
                        .listenForErasures(false).readTimeout(java.time.Duration.ofMinutes(10)).build();
                ActivityTrail trail = ActivityTrail.builder().store(store)
                        .spoolDirectory(Files.createTempDirectory("activity-export-bench-spool")).build()) {
            System.out.printf(Locale.ROOT, "EXPORT max heap %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
            LineCounter lines = new LineCounter();
            Thread reporter = reporter("NDJSON export", lines.lines);
            long t0 = System.nanoTime();
            long exported = trail.export(user, ExportFormat.NDJSON, lines);
            double seconds = (System.nanoTime() - t0) / 1e9;
            reporter.interrupt();
            System.out.printf(Locale.ROOT, "EXPORT RESULT trail.export NDJSON: %,d rows, %,d bytes in %.1f s: %,.0f rows/s, "
                    + "peak heap used %d MiB%n", exported, lines.bytes, seconds, exported / seconds, peakHeapMiB());

            AtomicLong read = new AtomicLong();
            reporter = reporter("JDBC baseline", read);
            long t1 = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("SELECT id, user_id, action, description, severity::text, "
                        + "host(ip_address), user_agent, session_id, request_id, device_info::text, location_info::text, "
                        + "metadata::text, created_at FROM user_activity_logs WHERE user_id = ? ORDER BY created_at, id")) {
                    ps.setFetchSize(1_000);
                    ps.setString(1, user);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            for (int i = 1; i <= 13; i++) {
                                rs.getString(i);
                            }
                            read.incrementAndGet();
                        }
                    }
                }
                c.commit();
            }
            double baselineSeconds = (System.nanoTime() - t1) / 1e9;
            reporter.interrupt();
            System.out.printf(Locale.ROOT, "EXPORT RESULT JDBC baseline: %,d rows in %.1f s: %,.0f rows/s%n",
                    read.get(), baselineSeconds, read.get() / baselineSeconds);
        }
    }

    /** Prints the rows of the last second, once a second: a steady export prints steady figures. */
    private static Thread reporter(String label, AtomicLong rows) {
        Thread t = new Thread(() -> {
            long last = 0;
            int second = 0;
            try {
                while (true) {
                    Thread.sleep(1_000);
                    long now = rows.get();
                    second++;
                    System.out.printf(Locale.ROOT, "EXPORT %s second %3d: %,9d rows/s, %,10d rows, heap used %d MiB%n",
                            label, second, now - last, now, usedHeapMiB());
                    last = now;
                }
            } catch (InterruptedException done) {
                // the export finished
            }
        }, "export-rate");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long usedHeapMiB() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    /** Discards what is written, counting bytes and lines (one NDJSON line per activity). */
    static final class LineCounter extends OutputStream {
        final AtomicLong lines = new AtomicLong();
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
            if (b == '\n') {
                lines.incrementAndGet();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            long n = 0;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    n++;
                }
            }
            lines.addAndGet(n);
        }
    }
}
