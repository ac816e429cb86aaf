package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.PrivacyPolicy.LocationPrecision;
import io.activitytrail.servlet.AccessPolicy.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {
    @Test
    void shouldHaveTheDocumentedDefaults() {
        ApiSettings s = ApiSettings.defaults();

        assertThat(s.basePath()).isEqualTo("/api/profile/activity");
        assertThat(s.urlPattern()).isEqualTo("/api/profile/activity/*");
        assertThat(s.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(s.readLimit()).isEqualTo(120);
        assertThat(s.exportLimit()).isEqualTo(10);
        assertThat(s.logLimit()).isEqualTo(60);
        assertThat(s.rateLimitWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.healthOpen()).isFalse();
        assertThat(s.logActionAllowed().test("client.clicked")).isTrue();
        assertThat(s.logActionAllowed().test("login")).isFalse();
        assertThat(s.anonymousLimit()).isEqualTo(30);
        assertThat(s.rateLimiter()).isEmpty();
        assertThat(s.clientAddress().trustedProxies()).isEmpty();
        assertThat(s.fields(Role.USER)).containsExactlyInAnyOrder("id", "action", "description", "severity", "created_at",
                "device_info", "location_info");
        assertThat(s.fields(Role.SUPPORT)).containsAll(s.fields(Role.USER)).contains("request_id", "session_id", "ip_address")
                .hasSize(10);
        assertThat(s.fields(Role.ADMIN)).containsExactlyInAnyOrderElementsOf(ApiSettings.ALL_FIELDS);
        assertThat(s.userLocationPrecision()).isEqualTo(LocationPrecision.REGION);
        assertThat(s.healthTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldNameTheBadValue() {
        assertThatThrownBy(() -> ApiSettings.builder().basePath("/api/")).hasMessageContaining("basePath").hasMessageContaining("/api/");
        assertThatThrownBy(() -> ApiSettings.builder().basePath("api")).hasMessageContaining("\"api\"");
        assertThatThrownBy(() -> ApiSettings.builder().basePath("/api/*")).hasMessageContaining("basePath");
        assertThatThrownBy(() -> ApiSettings.builder().maxBodyBytes(10)).hasMessage("maxBodyBytes must be between 1024 and 1048576, but was 10");
        assertThatThrownBy(() -> ApiSettings.builder().readLimit(0)).hasMessage("readLimit must be between 1 and 1000000, but was 0");
        assertThatThrownBy(() -> ApiSettings.builder().exportLimit(-1)).hasMessageContaining("exportLimit");
        assertThatThrownBy(() -> ApiSettings.builder().logLimit(0)).hasMessageContaining("logLimit");
        assertThatThrownBy(() -> ApiSettings.builder().rateLimitWindow(Duration.ZERO)).hasMessageContaining("rateLimitWindow").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> ApiSettings.builder().anonymousLimit(0)).hasMessageContaining("anonymousLimit");
        assertThatThrownBy(() -> ApiSettings.builder().healthTimeout(Duration.ofMillis(5))).hasMessageContaining("healthTimeout")
                .hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> ApiSettings.builder().fields(Role.USER, List.of("id", "password")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"password\"").hasMessageContaining("USER");
    }

    @Test
    void shouldRefuseBlankRoleNames() {
        assertThatThrownBy(() -> AccessPolicy.roles(" ", "support", "p")).hasMessageContaining("adminRole");
    }

    @Test
    void shouldServeTheDashboardByDefaultWithoutCspReports() {
        assertThat(ApiSettings.defaults().dashboardEnabled()).isTrue();
        assertThat(ApiSettings.defaults().dashboardCspReportUri()).isEmpty();
        assertThat(ApiSettings.builder().dashboardEnabled(false).build().dashboardEnabled()).isFalse();
        assertThat(ApiSettings.builder().dashboardCspReportUri("/csp").build().dashboardCspReportUri()).contains("/csp");
        assertThat(ApiSettings.builder().dashboardCspReportUri("https://reports.example/csp?app=1").build().dashboardCspReportUri())
                .contains("https://reports.example/csp?app=1");
        for (String bad : new String[] {"", "csp", "//evil.example/x", "http://reports.example/", "/csp; script-src *", "/a b", "/a'b", "/a,b"}) {
            assertThatThrownBy(() -> ApiSettings.builder().dashboardCspReportUri(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dashboardCspReportUri");
        }
    }
}
