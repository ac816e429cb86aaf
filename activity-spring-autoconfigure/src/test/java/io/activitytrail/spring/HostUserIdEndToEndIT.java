package io.activitytrail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.activitytrail.ActivityTrail;
import io.activitytrail.spring.app.SecuredTestApplication;
import io.activitytrail.testsupport.PostgresExtension;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A host whose user ids are not its user names (an {@link AuthenticationUserId} bean): requests,
 * authentication events, {@code @TrackActivity} and the API's caller all use the id, and the
 * access policy still knows the admin.
 */
@SpringBootTest(classes = {SecuredTestApplication.class, HostUserIdEndToEndIT.HostUserIds.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostUserIdEndToEndIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    /** The host's user ids: its principal's id, here made from the name. */
    @Configuration(proxyBeanMethods = false)
    static class HostUserIds {
        @Bean
        AuthenticationUserId hostUserId() {
            return authentication -> Optional.of("id-" + ((UserDetails) authentication.getPrincipal()).getUsername());
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ActivityTrail trail;

    @BeforeAll
    static void database() throws Exception {
        SecuredTestApplication.database = postgres.dataSource();
        System.setProperty("activity.spool-dir", Files.createTempDirectory("spring-host-ids-spool").toString());
    }

    private final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            Matcher m = CSRF.matcher(get("/login").body());
            assertThat(m.find()).isTrue();
            String body = (form.isEmpty() ? "" : form + "&") + "_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private java.util.List<String> actionsOf(String userId) {
        return trail.query(io.activitytrail.ActivityQuery.forUser(userId).limit(100).build()).activities().stream()
                .map(io.activitytrail.Activity::action).toList();
    }

    /** Regression: the role check compared the caller's id with the authentication's name, so a host's ids demoted admins to users. */
    @Test
    void shouldKeepTheAdminRoleWhenTheUserIdIsNotTheUserName() throws Exception {
        Browser admin = new Browser();
        assertThat(admin.post("/login", "username=admin&password=admin-pw").statusCode()).isEqualTo(302);
        HttpResponse<String> me = admin.get("/api/profile/activity/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("data").path("role").asText()).isEqualTo("admin");
        assertThat(admin.get("/api/profile/activity/users/id-alice").statusCode()).isEqualTo(200);
    }

    /** Regression: sign-in, failed sign-in, sign-out and @TrackActivity used the user name, requests and the API the host's id. */
    @Test
    void shouldFileSignInsSignOutsAndTrackedCallsUnderTheHostsUserId() throws Exception {
        Browser bob = new Browser();
        bob.post("/login", "username=bob&password=wrong");
        assertThat(bob.post("/login", "username=bob&password=bob-pw").statusCode()).isEqualTo(302);
        assertThat(bob.get("/invoices/21/pay").body()).isEqualTo("R-21");
        assertThat(bob.post("/logout", "").statusCode()).isEqualTo(302);
        trail.flush();

        assertThat(actionsOf("id-bob")).contains("login_failed", "login", "http_request", "invoice_paid", "logout");
        assertThat(actionsOf("bob")).isEmpty();
    }
}
