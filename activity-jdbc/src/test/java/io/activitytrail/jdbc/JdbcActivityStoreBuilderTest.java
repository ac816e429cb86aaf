package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcActivityStoreBuilderTest {
    private final JdbcActivityStore.Builder builder = JdbcActivityStore.builder(new PGSimpleDataSource());

    @Test
    void shouldNameTheBadValueOfPartitionsAhead() {
        assertThatThrownBy(() -> builder.partitionsAhead(99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitionsAhead must be between 0 and 24, but was 99");
    }

    @Test
    void shouldRefuseATableNameThatIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> builder.table("logs\"; DROP TABLE users; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table must match")
                .hasMessageContaining("but was \"logs\"; DROP TABLE users; --\"");
        assertThatThrownBy(() -> builder.table("Activity")).hasMessageContaining("but was \"Activity\"");
        assertThatThrownBy(() -> builder.table("a".repeat(35))).hasMessageContaining("at most 34 characters");
    }

    @Test
    void shouldQuoteNamesReadFromTheCatalogSafely() {
        assertThat(new io.activitytrail.jdbc.internal.TableNames("s", "t").qualified("odd\"name"))
                .isEqualTo("\"s\".\"odd\"\"name\"");
    }

    @Test
    void shouldNameTheBadValueOfTheTimeouts() {
        assertThatThrownBy(() -> builder.readTimeout(Duration.ZERO))
                .hasMessage("readTimeout must be between PT1S and PT1H, but was PT0S");
        assertThatThrownBy(() -> builder.maintenanceTimeout(Duration.ofHours(2)))
                .hasMessage("maintenanceTimeout must be between PT1S and PT1H, but was PT2H");
    }

    @Test
    void shouldRefuseASchemaNameThatIsNotAnIdentifier() {
        assertThatThrownBy(() -> builder.schema("my schema"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was \"my schema\"");
    }

    @Test
    void shouldNameTheBadDurations() {
        assertThatThrownBy(() -> builder.statsCacheTtl(Duration.ofSeconds(-1)))
                .hasMessage("statsCacheTtl must be between PT0S and P1D, but was PT-1S");
        assertThatThrownBy(() -> builder.maintenanceInterval(Duration.ofMillis(10)))
                .hasMessage("maintenanceInterval must be between PT1S and P7D, but was PT0.01S");
        assertThatThrownBy(() -> builder.retention(Duration.ofHours(1)))
                .hasMessage("retention must be at least P1D, but was PT1H");
        assertThatThrownBy(() -> builder.writeTimeout(Duration.ofMillis(500)))
                .hasMessage("writeTimeout must be 0 or between PT1S and PT1H, but was PT0.5S");
    }

    @Test
    void shouldRefuseAJdbcUrlOfAnotherDatabase() {
        assertThatThrownBy(() -> JdbcActivityStore.builder("jdbc:mysql://localhost/db?password=secret", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageNotContaining("secret");
    }
}
