package io.activitytrail.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The demo as a newcomer meets it: sign in as alice, see her seeded history only; the admin looks her up. */
@SpringBootTest(classes = SpringBootDemo.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringBootDemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Value("${activity.spool-dir}")
    String trailSpoolDirectory;

    @org.springframework.beans.factory.annotation.Autowired
    io.activitytrail.ActivityTrail trail;

    @BeforeAll
    static void database() throws Exception {
        SpringBootDemo.startEmbeddedDatabaseUnlessConfigured(true);
    }

    private HttpClient signedIn(String user) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        Matcher csrf = CSRF.matcher(http.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(csrf.find()).isTrue();
        String form = "username=" + user + "&password=" + user + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith(SpringBootDemo.DASHBOARD));
        return http;
    }

    private JsonNode get(HttpClient http, String path, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(status);
        return r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") ? JSON.readTree(r.body()) : null;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Regression: the demo's fixed spool directory replayed an earlier run's rows into a fresh database, and the seeding skipped alice. */
    @Test
    void shouldGiveTheThrowawayDatabaseASpoolOfItsOwnSoThatAnEarlierRunIsNotReplayed() {
        Path fixedSpool = Path.of(System.getProperty("java.io.tmpdir"), "activitytrail-demo-spool");
        assertThat(Path.of(trailSpoolDirectory)).isDirectory().isNotEqualTo(fixedSpool)
                .satisfies(p -> assertThat(p.getFileName().toString()).startsWith("activitytrail-demo-spool"));
    }

    @Test
    void shouldShowAliceHerOwnSeededHistoryAndLetTheAdminLookHerUp() throws Exception {
        HttpClient alice = signedIn("alice");
        assertThat(get(alice, SpringBootDemo.DASHBOARD, 200)).isNull();
        JsonNode stats = get(alice, "/api/profile/activity/stats?days=30", 200).path("data");
        assertThat(stats.path("user_id").asText()).isEqualTo("alice");
        assertThat(stats.path("by_action").path("login").asInt()).isGreaterThanOrEqualTo(29);
        get(alice, "/api/profile/activity/users/bob", 403);

        Matcher token = CSRF.matcher(alice.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(token.find()).isTrue();
        HttpResponse<String> paid = alice.send(HttpRequest.newBuilder(uri("/orders/42/pay")).header("X-CSRF-TOKEN", token.group(1))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(paid.body()).contains("R-42");
        trail.flush();
        JsonNode payments = get(alice, "/api/profile/activity?action=order_paid&limit=1", 200).path("data").path("activities");
        assertThat(payments.get(0).path("description").asText()).isEqualTo("Paid order 42");

        JsonNode asAdmin = get(signedIn("admin"), "/api/profile/activity/users/alice?limit=5", 200).path("data");
        assertThat(asAdmin.path("activities").findValuesAsText("user_id")).hasSize(5).containsOnly("alice");
    }
}
