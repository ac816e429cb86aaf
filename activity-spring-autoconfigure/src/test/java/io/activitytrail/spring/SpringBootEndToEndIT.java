package io.activitytrail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The starter's promise in a real Boot application on a random port, with Spring Security form
 * login and PostgreSQL: requests logged with their route template, sign-in, failed sign-in and
 * sign-out from Security's events, the API and the dashboard per user and for the admin, health.
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.health.show-details=always", "management.endpoints.web.exposure.include=health",
                "activity.filter.log-anonymous=true", "activity.filter.trusted-proxies=127.0.0.1"})
class SpringBootEndToEndIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    ActivityTrail trail;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeAll
    static void database() throws Exception {
        SecuredTestApplication.database = postgres.dataSource();
        System.setProperty("activity.spool-dir", Files.createTempDirectory("spring-e2e-spool").toString());
    }

    /** A browser: its own cookies, no redirects followed. */
    private final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> postForm(String path, String... fields) throws Exception {
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < fields.length; i += 2) {
                pairs.add(URLEncoder.encode(fields[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
            }
            pairs.add("_csrf=" + URLEncoder.encode(csrf(), StandardCharsets.UTF_8));
            return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs))).build(), HttpResponse.BodyHandlers.ofString());
        }

        String csrf() throws Exception {
            Matcher m = CSRF.matcher(get("/login").body());
            assertThat(m.find()).as("the login page's CSRF token").isTrue();
            return m.group(1);
        }

        HttpResponse<String> signIn(String user, String password) throws Exception {
            return postForm("/login", "username", user, "password", password);
        }

        JsonNode json(String path) throws Exception {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            return JSON.readTree(r.body());
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static List<String> actions(JsonNode timeline) {
        List<String> out = new ArrayList<>();
        timeline.path("data").path("activities").forEach(a -> out.add(a.path("action").asText()));
        return out;
    }

    @Test
    void shouldLogRequestsAndSignInsAndShowEachUserTheirOwnOnly() throws Exception {
        Browser alice = new Browser();
        assertThat(alice.signIn("alice", "wrong").headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error"));
        assertThat(alice.signIn("alice", "alice-pw").statusCode()).isEqualTo(302);
        assertThat(alice.get("/orders/17").body()).isEqualTo("order 17");
        Browser stranger = new Browser();
        stranger.signIn("nobody-such", "x");
        trail.flush();

        JsonNode timeline = alice.json("/api/profile/activity?limit=100");
        assertThat(actions(timeline)).contains("login", "login_failed", "http_request");
        assertThat(timeline.path("data").path("user_id").asText()).isEqualTo("alice");
        JsonNode asAdmin = adminBrowser().json("/api/profile/activity/users/alice?action=http_request");
        assertThat(asAdmin.path("data").path("activities").findValues("metadata"))
                .anySatisfy(m -> assertThat(m.path("route").asText()).isEqualTo("/orders/{id}"));
        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("nobody-such").build()).activities())
                .as("a failed sign-in under a made-up name fills no history of that name").isEmpty();
        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("unknown").actions("login_failed").build()).activities()).isNotEmpty();

        Browser bob = new Browser();
        bob.signIn("bob", "bob-pw");
        assertThat(bob.get("/api/profile/activity/users/alice").statusCode()).isEqualTo(403);
        assertThat(actions(bob.json("/api/profile/activity"))).doesNotContain("login_failed");

        assertThat(alice.postForm("/logout").statusCode()).isEqualTo(302);
        trail.flush();
        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("alice").actions("logout").build()).activities()).hasSize(1);
    }

    @Test
    void shouldServeTheDashboardBehindTheSignIn() throws Exception {
        assertThat(new Browser().get("/api/profile/activity/dashboard").statusCode()).isEqualTo(302);
        Browser alice = new Browser();
        alice.signIn("alice", "alice-pw");
        HttpResponse<String> page = alice.get("/api/profile/activity/dashboard");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
        assertThat(alice.json("/api/profile/activity/me").path("data").path("role").asText()).isEqualTo("user");
        assertThat(adminBrowser().json("/api/profile/activity/me").path("data").path("role").asText()).isEqualTo("admin");
    }

    @Test
    void shouldReportTheActivityHealthInActuator() throws Exception {
        JsonNode health = adminBrowser().json("/actuator/health");
        assertThat(health.path("components").path("activity").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("activity").path("details").has("databaseMillis")).isTrue();
    }

    @Test
    void shouldMeterThePipelineInTheApplicationsRegistry() throws Exception {
        double before = meters.get("activitytrail.activities.written").counter().count();
        Browser alice = new Browser();
        alice.signIn("alice", "alice-pw");
        alice.get("/orders/3");
        trail.flush();

        assertThat(meters.get("activitytrail.activities.written").counter().count()).isGreaterThan(before);
        assertThat(meters.get("activitytrail.queue.depth").gauge().value()).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("activitytrail.batch.latency").timer().count()).isPositive();
    }

    @Test
    void shouldLogTrackActivityMethodsWithTheirExpressionsAndFailures() throws Exception {
        Browser bob = new Browser();
        bob.signIn("bob", "bob-pw");
        assertThat(bob.get("/invoices/17/pay").body()).isEqualTo("R-17");
        assertThat(bob.get("/invoices/18/refund").body()).isEqualTo("refused");
        trail.flush();

        io.activitytrail.Activity paid = trail.query(io.activitytrail.ActivityQuery.forUser("bob").actions("invoice_paid").build())
                .activities().get(0);
        assertThat(paid.description()).isEqualTo("Paid invoice 17");
        assertThat(paid.metadata()).containsEntry("receipt", "R-17").doesNotContainKey("broken");
        assertThat(((Number) paid.metadata().get("invoice")).longValue()).isEqualTo(17);
        assertThat(((Number) paid.metadata().get("amount")).intValue()).isEqualTo(1250);
        io.activitytrail.Activity refused = trail.query(io.activitytrail.ActivityQuery.forUser("bob").actions("invoice_refunded").build())
                .activities().get(0);
        assertThat(refused.severity()).isEqualTo(io.activitytrail.Severity.ERROR);
        assertThat(refused.description()).isEqualTo("Refunded invoice 18");
        assertThat(refused.metadata()).containsEntry("exception", "java.lang.IllegalStateException");
    }

    /**
     * Regression: the filter ran after Spring Security's chain, so a request the chain answered
     * itself (403 for a missing CSRF token, 401 from the entry point) was never logged and got no
     * request id, although the default severity function is written for them.
     */
    @Test
    void shouldLogRequestsThatSpringSecurityRefusesUnderTheRightUser() throws Exception {
        Browser alice = new Browser();
        alice.signIn("alice", "alice-pw");
        HttpResponse<String> noCsrfToken = alice.http.send(HttpRequest.newBuilder(uri("/orders/4242"))
                .header("X-Request-Id", "refused-csrf-4242").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrfToken.statusCode()).isEqualTo(403);
        assertThat(noCsrfToken.headers().firstValue("X-Request-Id")).hasValue("refused-csrf-4242");

        HttpResponse<String> noCredentials = new Browser().http.send(HttpRequest.newBuilder(uri("/client/orders/5"))
                .header("X-Request-Id", "refused-anonymous-5").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCredentials.statusCode()).isEqualTo(401);
        assertThat(noCredentials.headers().firstValue("X-Request-Id")).hasValue("refused-anonymous-5");

        HttpResponse<String> basic = new Browser().http.send(HttpRequest.newBuilder(uri("/client/orders/6"))
                .header("X-Request-Id", "basic-6").header("Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString("bob:bob-pw".getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basic.body()).isEqualTo("order 6");
        trail.flush();

        io.activitytrail.Activity refused = onlyRequest("alice", "refused-csrf-4242");
        assertThat(refused.severity()).isEqualTo(io.activitytrail.Severity.WARNING);
        assertThat(refused.metadata()).containsEntry("method", "POST").containsEntry("path", "/orders/4242");
        assertThat(refused.description()).isEqualTo("POST /orders/4242 -> 403");
        assertThat(((Number) refused.metadata().get("status")).intValue()).isEqualTo(403);
        io.activitytrail.Activity anonymous = onlyRequest("anonymous", "refused-anonymous-5");
        assertThat(((Number) anonymous.metadata().get("status")).intValue()).isEqualTo(401);
        assertThat(anonymous.severity()).isEqualTo(io.activitytrail.Severity.WARNING);
        io.activitytrail.Activity signedInByBasic = onlyRequest("bob", "basic-6");
        assertThat(signedInByBasic.metadata()).containsEntry("route", "/client/orders/{id}");
        assertThat(((Number) signedInByBasic.metadata().get("status")).intValue()).isEqualTo(200);
    }

    /** Regression (with the one above): sign-in and sign-out requests are logged under the user they sign in and out. */
    @Test
    void shouldLogTheSignInAndSignOutRequestsUnderTheirUser() throws Exception {
        Browser carol = new Browser();
        String token = carol.csrf();
        HttpResponse<String> signIn = carol.http.send(HttpRequest.newBuilder(uri("/login")).header("X-Request-Id", "sign-in-bob")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=bob-pw&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(carol.get("/orders/8").body()).isEqualTo("order 8");
        String logoutToken = carol.csrf();
        HttpResponse<String> signOut = carol.http.send(HttpRequest.newBuilder(uri("/logout")).header("X-Request-Id", "sign-out-bob")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signOut.statusCode()).isEqualTo(302);
        trail.flush();

        assertThat(onlyRequest("bob", "sign-in-bob").metadata()).containsEntry("path", "/login");
        assertThat(onlyRequest("bob", "sign-out-bob").metadata()).containsEntry("path", "/logout");
    }

    /**
     * Regression: the store accepts CAROL for carol (InMemoryUserDetailsManager, like many JDBC
     * stores, ignores case), but a failed sign-in was filed under the name as typed, outside
     * carol's history.
     */
    @Test
    void shouldFileAFailedSignInTypedWithOtherCapitalsUnderTheRealUser() throws Exception {
        Browser carol = new Browser();
        assertThat(carol.signIn("CAROL", "wrong").headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error"));
        assertThat(carol.signIn("CaRoL", "carol-pw").statusCode()).isEqualTo(302);
        trail.flush();

        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("carol").actions("login", "login_failed").build()).activities())
                .extracting(io.activitytrail.Activity::action).containsExactlyInAnyOrder("login", "login_failed");
        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("CAROL").build()).activities()).isEmpty();
        assertThat(trail.query(io.activitytrail.ActivityQuery.forUser("CaRoL").build()).activities()).isEmpty();
    }

    /**
     * Regression: sign-in events took the socket peer's address (a load balancer's, behind one)
     * and no request id, where the filter takes the client's from a trusted proxy's headers.
     */
    @Test
    void shouldGiveSignInEventsTheClientAddressAndTheRequestIdOfTheirRequest() throws Exception {
        Browser dave = new Browser();
        String token = dave.csrf();
        for (String[] attempt : new String[][] {{"wrong", "failed-sign-in-dave"}, {"dave-pw", "sign-in-dave"}}) {
            HttpResponse<String> signIn = dave.http.send(HttpRequest.newBuilder(uri("/login"))
                    .header("X-Request-Id", attempt[1]).header("X-Forwarded-For", "203.0.113.77")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=dave&password=" + attempt[0]
                            + "&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(302);
        }
        trail.flush();

        io.activitytrail.Activity failed = trail.query(io.activitytrail.ActivityQuery.forUser("dave").actions("login_failed").build())
                .activities().get(0);
        assertThat(failed.requestId()).isEqualTo("failed-sign-in-dave");
        assertThat(failed.ipAddress()).as("the client behind the trusted proxy, masked to /24").isEqualTo("203.0.113.0");
        io.activitytrail.Activity login = trail.query(io.activitytrail.ActivityQuery.forUser("dave").actions("login").build())
                .activities().get(0);
        assertThat(login.requestId()).isEqualTo("sign-in-dave");
        assertThat(login.ipAddress()).isEqualTo("203.0.113.0");
    }

    /**
     * The one {@code http_request} of {@code userId} with {@code requestId}, waited for: the filter
     * logs a request when the chain returns, which may be after the client has read the response.
     */
    private io.activitytrail.Activity onlyRequest(String userId, String requestId) {
        List<io.activitytrail.Activity> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            trail.flush();
            found.clear();
            found.addAll(trail.query(io.activitytrail.ActivityQuery.forUser(userId)
                    .actions("http_request").requestId(requestId).build()).activities());
            assertThat(found).as("http_request of %s with request id %s", userId, requestId).hasSize(1);
        });
        return found.get(0);
    }

    /** Regression: a description over 1,000 characters or metadata over 16 KiB made the call go unlogged (a warning only). */
    @Test
    void shouldLogATrackedCallWhoseDescriptionOrMetadataIsTooLong() throws Exception {
        Browser bob = new Browser();
        bob.signIn("bob", "bob-pw");
        assertThat(bob.get("/invoices/31/note?length=2000").body()).isEqualTo("noted");
        assertThat(bob.get("/invoices/32/note?length=20000").body()).isEqualTo("noted");
        trail.flush();

        List<io.activitytrail.Activity> notes = trail.query(io.activitytrail.ActivityQuery.forUser("bob")
                .actions("invoice_noted").build()).activities();
        assertThat(notes).hasSize(2);
        io.activitytrail.Activity longDescription = notes.stream()
                .filter(a -> a.description().startsWith("Note on invoice 31")).findFirst().orElseThrow();
        assertThat(longDescription.description()).hasSize(io.activitytrail.Activity.MAX_DESCRIPTION_LENGTH).endsWith("\u2026");
        assertThat(longDescription.metadata().get("note")).asString().hasSize(2000);
        io.activitytrail.Activity largeMetadata = notes.stream()
                .filter(a -> a.description().startsWith("Note on invoice 32")).findFirst().orElseThrow();
        assertThat(largeMetadata.metadata()).doesNotContainKey("note").containsKey("metadata_omitted");
        assertThat(largeMetadata.metadata().get("keys")).asList().containsExactly("note");
    }

    private Browser adminBrowser() throws Exception {
        Browser admin = new Browser();
        assertThat(admin.signIn("admin", "admin-pw").statusCode()).isEqualTo(302);
        return admin;
    }
}
