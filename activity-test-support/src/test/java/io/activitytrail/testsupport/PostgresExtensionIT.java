package io.activitytrail.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(2);

    @Test
    void shouldConnectToARealPostgresServer() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(140000);
        }
    }

    @Test
    void shouldGiveEachTestClassItsOwnSchema() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE probe (id int)");
            try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(postgres.schema()).startsWith("t_postgresextensionit_");
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'probe'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(postgres.schema());
            }
        }
    }

    @Test
    void shouldOpenUnpooledConnectionsInTheSameSchema() throws SQLException {
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(postgres.schema());
        }
    }
}
