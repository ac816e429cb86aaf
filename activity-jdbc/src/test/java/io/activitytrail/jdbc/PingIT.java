package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The store ping behind the API's health check: a round trip that reads and writes nothing. */
class PingIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @TempDir
    Path spoolDir;

    @Test
    void shouldAnswerThePingThroughTheTrail() {
        try (JdbcActivityStore store = Fixtures.store(postgres).build();
                ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).build()) {
            assertThat(trail.pingStore(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(Duration.ZERO);
        }
    }

    @Test
    void shouldFailThePingWhenTheDatabaseCannotBeReached() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(postgres.dataSource());
        config.setConnectionTimeout(1_000);
        HikariDataSource pool = new HikariDataSource(config);
        try (JdbcActivityStore store = JdbcActivityStore.builder(pool).schema(postgres.schema()).migrate(true)
                .scheduledMaintenance(false).scheduledRetention(false).build()) {
            store.ping(Duration.ofSeconds(1));
            pool.close();

            assertThatThrownBy(() -> store.ping(Duration.ofSeconds(1)))
                    .isInstanceOf(ActivityStoreException.class).hasMessageContaining("ping the database");
        }
    }
}
