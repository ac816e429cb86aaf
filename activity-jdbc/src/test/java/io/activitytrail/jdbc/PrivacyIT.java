package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.DeviceResolver;
import io.activitytrail.RequestInfo;
import io.activitytrail.testsupport.PostgresExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The default privacy policy through the real PostgreSQL store: masked inet, found by the raw address. */
class PrivacyIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @TempDir
    Path spoolDir;

    @Test
    void shouldStoreTheMaskedInetAndFindItByTheRawAddress() throws SQLException {
        try (JdbcActivityStore store = Fixtures.store(postgres).build();
                ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir)
                        .deviceResolver(DeviceResolver.NONE).build()) {
            trail.log(Activity.builder("privacy-user", "login")
                    .request(new RequestInfo("203.0.113.77", null, "RAW-SESSION", null))
                    .metadata(Map.of("password", "hunter2")).build());
            trail.log(Activity.builder("privacy-user", "login")
                    .request(new RequestInfo("::ffff:203.0.113.78", null, null, null)).build());
            trail.log(Activity.builder("privacy-user", "login")
                    .request(new RequestInfo("2001:db8:1:2::5", null, null, null)).build());
            trail.flush();

            assertThat(column(store, "host(ip_address)")).containsExactlyInAnyOrder("203.0.113.0", "203.0.113.0", "2001:db8:1::");
            assertThat(column(store, "metadata->>'password'")).contains("[REDACTED]").doesNotContain("hunter2");
            assertThat(column(store, "session_id")).doesNotContain("RAW-SESSION");

            assertThat(trail.query(ActivityQuery.forUser("privacy-user").ipAddress("203.0.113.77").build()).activities())
                    .hasSize(2).allSatisfy(a -> assertThat(a.ipAddress()).isEqualTo("203.0.113.0"));
            assertThat(trail.query(ActivityQuery.forUser("privacy-user").ipAddress("2001:db8:1:2::99").build()).activities())
                    .singleElement().satisfies(a -> assertThat(a.ipAddress()).isEqualTo("2001:db8:1::"));
        }
    }

    private static List<String> column(JdbcActivityStore store, String expression) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + expression + " FROM " + store.qualifiedTable()
                        + " WHERE user_id = 'privacy-user'")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
