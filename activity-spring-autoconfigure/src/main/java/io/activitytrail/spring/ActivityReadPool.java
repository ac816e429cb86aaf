package io.activitytrail.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Optional;
import javax.sql.DataSource;

/** The pool for reads from a replica ({@code activity.read-datasource.*}), when one is set; closed with the context. */
public final class ActivityReadPool implements AutoCloseable {
    private final HikariDataSource pool;

    private ActivityReadPool(HikariDataSource pool) {
        this.pool = pool;
    }

    static ActivityReadPool of(ActivityTrailProperties.Pool settings) {
        if (!settings.isSet()) {
            return new ActivityReadPool(null);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.getUrl());
        config.setUsername(settings.getUsername());
        config.setPassword(settings.getPassword());
        config.setMaximumPoolSize(settings.getMaximumPoolSize());
        config.setReadOnly(true);
        config.setPoolName("activity-read");
        return new ActivityReadPool(new HikariDataSource(config));
    }

    /** The replica's pool, or empty when reads go to the store's own data source. */
    public Optional<DataSource> dataSource() {
        return Optional.ofNullable(pool);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
