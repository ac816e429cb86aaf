package io.activitytrail.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/** The HikariCP pool the store makes when given a JDBC URL. Only this class needs HikariCP. */
public final class OwnedPool {
    private OwnedPool() {}

    public static DataSource create(String jdbcUrl, String user, String password, int maximumPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maximumPoolSize);
        config.setPoolName("activity-trail");
        // Fail fast at build() is not wanted: the trail spools while the database is down.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    public static void close(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource hikari) {
            hikari.close();
        }
    }
}
