package io.activitytrail.jdbc.pipeline;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
}
