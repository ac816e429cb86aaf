package io.activitytrail.jdbc.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.MetricsListener;
import io.activitytrail.RejectedActivity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.testsupport.PostgresExtension;
import io.activitytrail.testsupport.TcpProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link JdbcActivityStore} whose pool reaches PostgreSQL through a {@link TcpProxy} that the
 * test can cut, freeze and restore; short pool timeouts so that an outage is noticed in a second.
 */
final class PipelineFixture implements AutoCloseable {
    final PostgresExtension postgres;
    final TcpProxy proxy;
    final HikariDataSource pool;
    final JdbcActivityStore store;

    PipelineFixture(PostgresExtension postgres, String applicationName) {
        this.postgres = postgres;
        this.proxy = TcpProxy.forJdbcUrl(PostgresExtension.serverUrl());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(proxy.rewrite(PostgresExtension.serverUrl()));
        config.setSchema(postgres.schema());
        config.setPoolName(applicationName);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(500);
        config.setValidationTimeout(250);
        config.addDataSourceProperty("ApplicationName", applicationName);
        config.addDataSourceProperty("connectTimeout", "2");
        this.pool = new HikariDataSource(config);
        this.store = JdbcActivityStore.builder(pool).migrate(true).scheduledMaintenance(false).build();
    }

    /** Rows and distinct ids in the activity table, read directly (not through the proxy). */
    long[] counts() throws SQLException {
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM " + store.qualifiedTable())) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    long rows() throws SQLException {
        return counts()[0];
    }

    Set<UUID> ids() throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM " + store.qualifiedTable())) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    void truncate() throws SQLException {
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + store.qualifiedTable());
        }
    }

    @Override
    public void close() {
        store.close();
        pool.close();
        proxy.close();
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    /** Counts pipeline events, for the assertions and the report. */
    static final class Counts implements MetricsListener {
        final LongAdder enqueued = new LongAdder();
        final LongAdder written = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder spooled = new LongAdder();
        final LongAdder replayed = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final CopyOnWriteArrayList<RejectedActivity> rejected = new CopyOnWriteArrayList<>();

        @Override
        public void onEnqueued() {
            enqueued.increment();
        }

        @Override
        public void onWritten(int rows, Duration latency) {
            written.add(rows);
        }

        @Override
        public void onRetry(int attempt, Throwable cause) {
            retries.increment();
        }

        @Override
        public void onSpooled(int rows) {
            spooled.add(rows);
        }

        @Override
        public void onReplayed(int rows) {
            replayed.add(rows);
        }

        @Override
        public void onDropped(Activity activity, String reason) {
            dropped.increment();
        }

        @Override
        public void onRejected(RejectedActivity r) {
            rejected.add(r);
        }

        @Override
        public String toString() {
            return "enqueued=" + enqueued.sum() + " written=" + written.sum() + " retries=" + retries.sum()
                    + " spooled=" + spooled.sum() + " replayed=" + replayed.sum() + " dropped=" + dropped.sum()
                    + " rejected=" + rejected.size();
        }
    }
}
