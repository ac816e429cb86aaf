package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PrivacyPolicy.LocationPrecision;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.AccessPolicy.Role;
import io.activitytrail.testsupport.PostgresExtension;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON API on a real container with a real HTTP client; authentication is simulated by
 * {@link TestAuthFilter}, storage is PostgreSQL ({@link JdbcActivityStore}) behind a real trail.
 * Run on Jetty and Tomcat by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ActivityApiBehaviour {
    private static final String BASE = "/api/profile/activity";
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    private JdbcActivityStore store;
    private ActivityTrail trail;
    private SwitchableStore switchable;
    private ActivityTrail downTrail;
    private SwitchableStore failingExports;
    private ActivityTrail failingExportTrail;
    private ApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        store = JdbcActivityStore.builder(postgres.dataSource()).migrate(true)
                .scheduledMaintenance(false).scheduledRetention(false).build();
        trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool")).build();
        switchable = new SwitchableStore(store);
        switchable.down = true;
        downTrail = ActivityTrail.builder().store(switchable).spoolDirectory(temp.resolve("down-spool")).build();
        failingExports = new SwitchableStore(store);
        failingExportTrail = ActivityTrail.builder().store(failingExports).spoolDirectory(temp.resolve("export-spool")).build();
        ApiSettings limited = ApiSettings.builder().basePath("/limited").readLimit(3).logLimit(2)
                .rateLimitWindow(Duration.ofHours(1)).build();
        AccessPolicy throwing = new AccessPolicy() {
            @Override
            public Role role(HttpServletRequest request, String callerId) {
                throw new IllegalStateException("policy down");
            }

            @Override
            public boolean canRead(HttpServletRequest request, String callerId, String targetUserId) {
                throw new IllegalStateException("policy down");
            }

            @Override
            public boolean canErase(HttpServletRequest request, String callerId, String targetUserId) {
                throw new IllegalStateException("policy down");
            }
        };
        Map<String, ActivityApiServlet> servlets = new LinkedHashMap<>();
        servlets.put(BASE + "/*", new ActivityApiServlet(trail, AccessPolicy.roles(),
                ApiSettings.builder().maxBodyBytes(2048).build()));
        servlets.put("/limited/*", new ActivityApiServlet(trail, AccessPolicy.roles(), limited));
        servlets.put("/throwing/*", new ActivityApiServlet(trail, throwing));
        servlets.put("/anon/*", new ActivityApiServlet(trail, AccessPolicy.roles(), ApiSettings.builder().basePath("/anon")
                .anonymousLimit(2).rateLimitWindow(Duration.ofHours(1)).build()));
        servlets.put("/behind-proxy/*", new ActivityApiServlet(trail, AccessPolicy.roles(), ApiSettings.builder()
                .basePath("/behind-proxy").anonymousLimit(1).rateLimitWindow(Duration.ofHours(1))
                .clientAddress(FilterSettings.builder().trustedProxies(List.of("127.0.0.1")).build()).build()));
        servlets.put("/custom-limiter/*", new ActivityApiServlet(trail, AccessPolicy.roles(), ApiSettings.builder()
                .basePath("/custom-limiter").rateLimiter((group, key) -> {
                    if (key.equals("user:broken")) {
                        throw new IllegalStateException("shared limiter unreachable");
                    }
                    boolean allowed = !key.equals("user:blocked");
                    return new RateLimiter.Decision(allowed, 7, allowed ? 6 : 0, 30, allowed ? 0 : 12);
                }).build()));
        servlets.put("/failing-export/*", new ActivityApiServlet(failingExportTrail, AccessPolicy.roles(),
                ApiSettings.builder().basePath("/failing-export").build()));
        servlets.put("/open/*", new ActivityApiServlet(trail, AccessPolicy.roles(), ApiSettings.builder().basePath("/open")
                .healthOpen(true).build()));
        servlets.put("/down/*", new ActivityApiServlet(downTrail, AccessPolicy.roles(), ApiSettings.builder().basePath("/down")
                .healthOpen(true).build()));
        servlets.put("/fields/*", new ActivityApiServlet(trail, AccessPolicy.roles(), ApiSettings.builder().basePath("/fields")
                .fields(Role.USER, List.of("id", "action", "metadata")).userLocationPrecision(LocationPrecision.CITY).build()));
        server = newServer(servlets);
        port = server.port();
    }

    abstract ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception;

    @AfterAll
    void stop() throws Exception {
        server.close();
        trail.close();
        downTrail.close();
        failingExportTrail.close();
        store.close();
    }

    @BeforeEach
    void seed() throws Exception {
        // Emptied behind the store's back: an erasure would keep the seeded rows, created before it, out.
        trail.flush();
        try (java.sql.Connection c = postgres.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + store.qualifiedTable() + ", " + store.qualifiedTable().replaceFirst("\"$", "_erasures\""));
        }
        List<Activity> rows = new ArrayList<>();
        rows.add(row("alice", "login", Severity.INFO, "Signed in", 0));
        rows.add(row("alice", "invoice_paid", Severity.INFO, "Paid invoice 17", 1));
        rows.add(row("alice", "login_failed", Severity.WARNING, "Failed sign-in attempt", 2));
        rows.add(row("alice", "invoice_paid", Severity.INFO, "Paid invoice 18", 3));
        rows.add(row("alice", "export_failed", Severity.ERROR, "Export broke", 4));
        rows.add(row("bob", "login", Severity.INFO, "Bob signed in", 0));
        rows.add(row("bob", "secret_thing", Severity.INFO, "Bob's secret", 1));
        rows.add(Activity.builder("carol", "login").description("Carol signed in").createdAt(T0)
                .locationInfo(Map.of("country_code", "DE", "country", "Germany", "region", "Berlin", "city", "Berlin",
                        "latitude", 52.52, "longitude", 13.4))
                .metadata(Map.of("method", "password")).build());
        store.write(rows);
    }

    private static Activity row(String user, String action, Severity severity, String description, int hours) {
        return Activity.builder(user, action).severity(severity).description(description)
                .ipAddress("203.0.113.0").sessionId("session-hash-" + user).requestId("req-" + user + "-" + hours)
                .userAgent("Mozilla/5.0").createdAt(T0.plus(Duration.ofHours(hours))).build();
    }

    // --- HTTP helpers

    private record Reply(int status, HttpResponse<String> response, JsonNode json) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        JsonNode data() {
            return json.get("data");
        }

        String errorMessage() {
            return json.path("error").path("message").asText();
        }
    }

    private HttpRequest.Builder request(String path, String user, String roles) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (user != null) {
            b.header("X-Test-User", user);
        }
        if (roles != null) {
            b.header("X-Test-Roles", roles);
        }
        return b;
    }

    private Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            json = JSON.readTree(response.body());
        }
        return new Reply(response.statusCode(), response, json);
    }

    private Reply get(String path, String user, String roles, String... headers) throws Exception {
        HttpRequest.Builder b = request(path, user, roles).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private Reply get(String path, String user) throws Exception {
        return get(path, user, null);
    }

    private Reply postLog(String path, String user, String body, String... headers) throws Exception {
        HttpRequest.Builder b = request(path, user, null).POST(HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    private Reply delete(String path, String user, String roles, String... headers) throws Exception {
        HttpRequest.Builder b = request(path, user, roles).DELETE();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    private List<Activity> history(String user) {
        trail.flush();
        return trail.query(ActivityQuery.forUser(user).limit(100).build()).activities();
    }

    private static List<String> actions(JsonNode activities) {
        List<String> out = new ArrayList<>();
        activities.forEach(a -> out.add(a.get("action").asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertError(Reply r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json()).as("JSON error body").isNotNull();
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
        assertThat(r.response().body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    // --- own timeline

    @Nested
    class Timeline {
        @Test
        void shouldReturnOnlyTheCallersActivitiesNewestFirstInTheEnvelope() throws Exception {
            Reply r = get(BASE, "alice");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("success").asBoolean()).isTrue();
            assertThat(actions(r.data().get("activities")))
                    .containsExactly("export_failed", "invoice_paid", "login_failed", "invoice_paid", "login");
            assertThat(r.data().get("user_id").asText()).isEqualTo("alice");
            assertThat(r.response().body()).doesNotContain("Bob");
            assertThat(r.data().get("pagination").get("has_more").asBoolean()).isFalse();
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }

        @Test
        void shouldShowAUserOnlyTheUserFieldsOfTheirOwnActivity() throws Exception {
            JsonNode first = get(BASE + "/", "alice").data().get("activities").get(0);

            assertThat(fieldNames(first)).containsExactlyInAnyOrder("id", "action", "description", "severity", "created_at",
                    "device_info", "location_info");
            assertThat(first.get("created_at").asText()).isEqualTo("2026-11-01T14:00:00Z");
            assertThat(first.get("severity").asText()).isEqualTo("error");
        }

        @Test
        void shouldShowAUserTheirLocationWithoutCityOrCoordinates() throws Exception {
            JsonNode location = get(BASE, "carol").data().get("activities").get(0).get("location_info");

            assertThat(fieldNames(location)).containsExactlyInAnyOrder("country_code", "country", "region");
            JsonNode asAdmin = get(BASE + "/users/carol", "root", "admin").data().get("activities").get(0).get("location_info");
            assertThat(asAdmin.get("city").asText()).isEqualTo("Berlin");
            assertThat(asAdmin.get("latitude").asDouble()).isEqualTo(52.52);
        }

        @Test
        void shouldShowTheFieldsConfiguredForTheRole() throws Exception {
            JsonNode first = get("/fields/", "carol").data().get("activities").get(0);

            assertThat(fieldNames(first)).containsExactlyInAnyOrder("id", "action", "metadata");
            assertThat(first.get("metadata").get("method").asText()).isEqualTo("password");
        }

        @Test
        void shouldFilterByRepeatedActionSeverityDatesAndText() throws Exception {
            assertThat(actions(get(BASE + "?action=login&action=login_failed", "alice").data().get("activities")))
                    .containsExactly("login_failed", "login");
            assertThat(actions(get(BASE + "?severity=warning&severity=error", "alice").data().get("activities")))
                    .containsExactly("export_failed", "login_failed");
            assertThat(actions(get(BASE + "?from=2026-11-01T11:00:00Z&to=2026-11-01T13:00:00Z", "alice")
                    .data().get("activities"))).containsExactly("login_failed", "invoice_paid");
            assertThat(get(BASE + "?q=invoice+18", "alice").data().get("activities").findValuesAsText("description"))
                    .containsExactly("Paid invoice 18");
        }

        @Test
        void shouldPageByCursorWithoutGapsOrRepeats() throws Exception {
            Reply first = get(BASE + "?limit=2", "alice");
            String cursor = first.data().get("pagination").get("next_cursor").asText();
            Reply second = get(BASE + "?limit=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), "alice");
            String cursor2 = second.data().get("pagination").get("next_cursor").asText();
            Reply third = get(BASE + "?limit=2&cursor=" + URLEncoder.encode(cursor2, StandardCharsets.UTF_8), "alice");

            List<String> all = new ArrayList<>();
            for (Reply r : List.of(first, second, third)) {
                all.addAll(r.data().get("activities").findValuesAsText("id"));
            }
            assertThat(all).hasSize(5).doesNotHaveDuplicates();
            assertThat(third.data().get("pagination").get("has_more").asBoolean()).isFalse();
        }

        @Test
        void shouldPageByNumberWithTotals() throws Exception {
            Reply r = get(BASE + "?page=2&limit=2", "alice");

            JsonNode p = r.data().get("pagination");
            assertThat(p.get("page").asInt()).isEqualTo(2);
            assertThat(p.get("total").asLong()).isEqualTo(5);
            assertThat(p.get("total_pages").asLong()).isEqualTo(3);
            assertThat(actions(r.data().get("activities"))).containsExactly("login_failed", "invoice_paid");
        }

        @Test
        void shouldNotLeakAnotherUsersRowsThroughTheirCursor() throws Exception {
            String bobsCursor = get(BASE + "?limit=1", "bob").data().get("pagination").get("next_cursor").asText();

            Reply r = get(BASE + "?cursor=" + URLEncoder.encode(bobsCursor, StandardCharsets.UTF_8), "alice");

            Set<String> alicesIds = Set.copyOf(history("alice").stream().map(a -> a.id().toString()).toList());
            assertThat(r.data().get("activities").findValuesAsText("id")).isSubsetOf(alicesIds);
            assertThat(r.response().body()).doesNotContain("Bob");
        }

        @Test
        void shouldRefuseBadParametersWith400NamingThem() throws Exception {
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("?limit=0", "limit");
            cases.put("?limit=101", "limit");
            cases.put("?limit=abc", "limit");
            cases.put("?limit=99999999999999999999", "limit");
            cases.put("?from=yesterday", "from");
            cases.put("?to=2026-13-45T00:00:00Z", "to");
            cases.put("?severity=loud", "severity");
            cases.put("?action=DROP%20TABLE", "action");
            cases.put("?cursor=not-a-cursor", "cursor");
            cases.put("?page=0", "page");
            cases.put("?page=1&cursor=abc", "cursor");
            cases.put("?limit=1&limit=2", "limit");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Reply r = get(BASE + c.getKey(), "alice");
                assertError(r, 400, "bad_request");
                assertThat(r.errorMessage()).as(c.getKey()).contains(c.getValue());
            }
        }
    }

    // --- stats, export, health

    @Test
    void shouldReturnTheCallersStats() throws Exception {
        store.write(List.of(Activity.builder("alice", "login_failed").severity(Severity.WARNING).build(),
                Activity.builder("alice", "login").build()));

        Reply r = get(BASE + "/stats?days=7", "alice");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().get("days").asInt()).isEqualTo(7);
        assertThat(r.data().get("total").asLong()).isEqualTo(2);
        assertThat(r.data().get("failed_logins").asLong()).isEqualTo(1);
        assertThat(r.data().get("by_severity").get("warning").asLong()).isEqualTo(1);
        assertThat(r.data().get("per_day").size()).isBetween(7, 8);
        assertThat(r.data().get("last_login_at").isNull()).isFalse();
        assertError(get(BASE + "/stats?days=0", "alice"), 400, "bad_request");
        assertThat(get(BASE + "/stats?days=x", "alice").errorMessage()).contains("days");
    }

    @Test
    void shouldExportTheCallersWholeHistoryAsNdjsonAndCsvAttachments() throws Exception {
        Reply ndjson = get(BASE + "/export?format=ndjson", "alice");
        assertThat(ndjson.status()).isEqualTo(200);
        assertThat(ndjson.header("Content-Type")).startsWith("application/x-ndjson");
        assertThat(ndjson.header("Content-Disposition")).startsWith("attachment;").contains("filename=");
        List<String> lines = ndjson.response().body().lines().toList();
        assertThat(lines).hasSize(5);
        for (String line : lines) {
            assertThat(JSON.readTree(line).toString()).contains("alice").doesNotContain("bob");
        }

        Reply csv = get(BASE + "/export?format=csv", "alice");
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.response().body().lines().count()).isEqualTo(6);
        assertThat(csv.response().body()).doesNotContain("Bob");

        Reply bad = get(BASE + "/export?format=xml", "alice");
        assertError(bad, 400, "bad_request");
        assertThat(bad.errorMessage()).contains("format");
    }

    /** Regression: an export that failed after part of it was sent ended as a complete-looking 200. */
    @Test
    void shouldAbortAnExportThatFailsAfterPartOfItWasSent() throws Exception {
        failingExports.failExportAfter = 5_000; // far more than the container buffers: the response is committed
        try {
            assertThatThrownBy(() -> http.send(request("/failing-export/export?format=csv", "alice", null).GET().build(),
                    HttpResponse.BodyHandlers.ofString()))
                    .as("the client sees a broken body, not a short file").isInstanceOf(java.io.IOException.class);

            failingExports.failExportAfter = 0;
            Reply early = get("/failing-export/export?format=csv", "alice");
            assertError(early, 503, "unavailable");
            assertThat(early.header("Content-Disposition")).as("no file name on the error").isNull();
        } finally {
            failingExports.failExportAfter = -1;
        }
    }

    @Test
    void shouldReportHealthToAdminsOnly() throws Exception {
        Reply admin = get(BASE + "/health", "root", "admin");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.data().get("status").asText()).isEqualTo("up");
        JsonNode checks = admin.data().get("checks");
        assertThat(fieldNames(checks)).containsExactly("database", "queue", "spool", "recent_activity");
        checks.forEach(check -> assertThat(check.get("status").asText()).isEqualTo("up"));
        assertThat(checks.get("database").get("latency_ms").asLong()).isNotNegative();
        assertThat(checks.get("queue").get("capacity").asInt()).isEqualTo(100_000);
        assertThat(checks.get("spool").get("writable").asBoolean()).isTrue();

        assertError(get(BASE + "/health", "alice"), 403, "forbidden");
        assertError(get(BASE + "/health", null), 401, "unauthorized");
    }

    @Test
    void shouldAnswer503WithTheFailingCheckWhenTheDatabaseDoesNotAnswer() throws Exception {
        Reply anonymous = get("/down/health", null);
        assertThat(anonymous.status()).isEqualTo(503);
        assertThat(anonymous.data().get("status").asText()).isEqualTo("down");
        JsonNode database = anonymous.data().get("checks").get("database");
        assertThat(database.get("status").asText()).isEqualTo("down");
        assertThat(database.has("error")).as("no failure detail for anonymous callers").isFalse();
        assertThat(anonymous.data().get("checks").get("queue").get("status").asText()).isEqualTo("up");

        JsonNode asAdmin = get("/down/health", "root", "admin").data().get("checks").get("database");
        assertThat(asAdmin.get("error").asText()).contains("switched off");
    }

    @Test
    void shouldOpenHealthToAnonymousCallersWhenConfigured() throws Exception {
        Reply r = get("/open/health", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.data().get("checks").get("database").get("status").asText()).isEqualTo("up");
        assertError(get("/open/", null), 401, "unauthorized");
    }

    @Test
    void shouldTellTheCallerWhoTheyAreAndWhichViewTheyGet() throws Exception {
        Reply user = get(BASE + "/me", "alice");
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.data().get("user_id").asText()).isEqualTo("alice");
        assertThat(user.data().get("role").asText()).isEqualTo("user");
        assertThat(get(BASE + "/me", "sam", "support,view_user_activities").data().get("role").asText()).isEqualTo("support");
        assertThat(get(BASE + "/me", "root", "admin").data().get("role").asText()).isEqualTo("admin");
        assertError(get(BASE + "/me", null), 401, "unauthorized");
    }

    // --- generic errors

    @Test
    void shouldAnswerAnonymousCallersWith401OnEveryRoute() throws Exception {
        for (String path : List.of("", "/", "/stats", "/export", "/users/bob", "/users/bob/stats", "/users/bob/export")) {
            assertError(get(BASE + path, null), 401, "unauthorized");
        }
        assertError(postLog(BASE + "/log", null, "{\"action\":\"client.x\"}"), 401, "unauthorized");
        assertError(delete(BASE + "/users/bob", null, null, "Content-Type", "application/json"), 401, "unauthorized");
        assertThat(history("bob")).hasSize(2);
    }

    @Test
    void shouldAnswerUnknownRoutesWith404AndWrongMethodsWith405AndAllow() throws Exception {
        assertError(get(BASE + "/nope", "alice"), 404, "not_found");
        assertError(get(BASE + "/users/bob/secrets", "root", "admin"), 404, "not_found");
        assertError(get(BASE + "/users/", "root", "admin"), 404, "not_found");

        Reply post = postLog(BASE + "/stats", "alice", "{}");
        assertError(post, 405, "method_not_allowed");
        assertThat(post.header("Allow")).isEqualTo("GET");
        Reply getLog = get(BASE + "/log", "alice");
        assertError(getLog, 405, "method_not_allowed");
        assertThat(getLog.header("Allow")).isEqualTo("POST");
        Reply put = send(request(BASE + "/users/bob", "root", "admin")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertError(put, 405, "method_not_allowed");
        assertThat(put.header("Allow")).isEqualTo("GET, DELETE");
    }

    // --- access control

    @Nested
    class Access {
        @Test
        void shouldRefuseAUserEveryRouteOfAnotherUser() throws Exception {
            for (String path : List.of("/users/bob", "/users/bob/stats", "/users/bob/export?format=csv")) {
                Reply r = get(BASE + path, "alice");
                assertError(r, 403, "forbidden");
                assertThat(r.response().body()).doesNotContain("Bob");
            }
            assertError(delete(BASE + "/users/bob", "alice", null, "Content-Type", "application/json"), 403, "forbidden");
            assertThat(history("bob")).hasSize(2);
            assertThat(history("alice")).extracting(Activity::action).doesNotContain("admin.activity_viewed");
        }

        @Test
        void shouldLetAUserReadTheirOwnDataThroughTheUsersRouteWithoutAudit() throws Exception {
            Reply r = get(BASE + "/users/alice", "alice");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("activities")).hasSize(5);
            assertThat(history("alice")).extracting(Activity::action).doesNotContain("admin.activity_viewed");
        }

        @Test
        void shouldRefuseSupportWithoutThePermission() throws Exception {
            assertError(get(BASE + "/users/bob", "sam", "support"), 403, "forbidden");
            assertError(get(BASE + "/users/bob/stats", "sam", "support"), 403, "forbidden");
        }

        @Test
        void shouldLetSupportWithThePermissionReadTheRequestIdSessionHashAndMaskedIp() throws Exception {
            Reply r = get(BASE + "/users/bob", "sam", "support,view_user_activities");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("user_id").asText()).isEqualTo("bob");
            JsonNode first = r.data().get("activities").get(0);
            assertThat(fieldNames(first)).containsExactlyInAnyOrder("id", "action", "description", "severity", "created_at",
                    "device_info", "location_info", "request_id", "session_id", "ip_address");
            assertThat(first.get("request_id").asText()).startsWith("req-bob");
            assertThat(first.get("session_id").asText()).isEqualTo("session-hash-bob");
            assertThat(first.get("ip_address").asText()).isEqualTo("203.0.113.0");
        }

        @Test
        void shouldExportAnotherUsersDataWithOnlyTheReadersFieldsButTheirOwnInFull() throws Exception {
            String asSupport = get(BASE + "/users/bob/export?format=csv", "sam", "support,view_user_activities").response().body();
            assertThat(asSupport.lines().findFirst()).hasValue(
                    "id,action,description,severity,ip_address,session_id,request_id,device_info,location_info,created_at");
            assertThat(asSupport).contains("Bob's secret").doesNotContain("Mozilla");

            String own = get(BASE + "/export?format=csv", "bob").response().body();
            assertThat(own.lines().findFirst()).hasValue(String.join(",", ApiSettings.ALL_FIELDS));
            assertThat(own).contains("Mozilla/5.0");
        }

        @Test
        void shouldLetSupportWithThePermissionNotErase() throws Exception {
            Reply r = delete(BASE + "/users/bob", "sam", "support,view_user_activities", "Content-Type", "application/json");

            assertError(r, 403, "forbidden");
            assertThat(history("bob")).hasSize(2);
        }

        @Test
        void shouldLetAdminReadEveryFieldAndLogTheReadInTheAdminsHistory() throws Exception {
            Reply r = get(BASE + "/users/bob", "root", "admin");
            assertThat(r.status()).isEqualTo(200);
            JsonNode first = r.data().get("activities").get(0);
            assertThat(fieldNames(first)).containsExactlyInAnyOrderElementsOf(ApiSettings.ALL_FIELDS);
            assertThat(first.get("ip_address").asText()).isEqualTo("203.0.113.0");
            assertThat(first.get("session_id").asText()).isEqualTo("session-hash-bob");
            assertThat(first.get("user_agent").asText()).isEqualTo("Mozilla/5.0");
            get(BASE + "/users/bob/stats", "root", "admin");
            assertThat(get(BASE + "/users/bob/export", "root", "admin").response().body().lines()).hasSize(2);

            List<Activity> audit = history("root");
            assertThat(audit).extracting(Activity::action).containsOnly("admin.activity_viewed").hasSize(3);
            assertThat(audit).extracting(a -> a.metadata().get("target_user_id")).containsOnly("bob");
            assertThat(audit).extracting(a -> a.metadata().get("view")).containsExactlyInAnyOrder("timeline", "stats", "export");
            assertThat(history("bob")).extracting(Activity::action).doesNotContain("admin.activity_viewed");
        }

        @Test
        void shouldLetAdminEraseAndLogTheErasure() throws Exception {
            Reply r = delete(BASE + "/users/bob", "root", "admin", "Content-Type", "application/json");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("erased").asLong()).isEqualTo(2);
            assertThat(history("bob")).isEmpty();
            List<Activity> audit = history("root");
            assertThat(audit).extracting(Activity::action).containsExactly("admin.activity_erased");
            assertThat(audit.get(0).metadata()).containsEntry("target_user_id", "bob");
        }

        /** Regression: a link or image on another site made a signed-in admin's browser read a user's activity (and log the read). */
        @Test
        void shouldRefuseCrossSiteReads() throws Exception {
            assertError(get(BASE + "/users/bob", "root", "admin", "Sec-Fetch-Site", "cross-site"), 403, "forbidden");
            assertError(get(BASE + "/export", "alice", null, "Sec-Fetch-Site", "cross-site"), 403, "forbidden");
            assertThat(get(BASE + "/users/bob", "root", "admin", "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
            assertThat(history("root")).extracting(Activity::action).containsExactly("admin.activity_viewed");
        }

        /** Regression: an admin could read another user's activity, then erase their own history and with it the record of the read. */
        @Test
        void shouldRefuseAnAdminsErasureOfTheirOwnHistoryWhichHoldsTheRecordOfTheirReads() throws Exception {
            get(BASE + "/users/bob", "root", "admin");

            assertError(delete(BASE + "/users/root", "root", "admin", "Content-Type", "application/json"), 403, "forbidden");

            assertThat(history("root")).extracting(Activity::action).containsExactly("admin.activity_viewed");
        }

        @Test
        void shouldRefuseAnErasureWithoutJsonContentTypeOrFromAnotherSite() throws Exception {
            assertError(delete(BASE + "/users/bob", "root", "admin"), 415, "unsupported_media_type");
            assertError(delete(BASE + "/users/bob", "root", "admin", "Content-Type", "application/json",
                    "Sec-Fetch-Site", "cross-site"), 403, "forbidden");
            assertError(delete(BASE + "/users/bob", "root", "admin", "Content-Type", "application/json",
                    "Origin", "https://evil.example"), 403, "forbidden");
            assertThat(history("bob")).hasSize(2);
        }

        @Test
        void shouldFailClosedWhenThePolicyThrows() throws Exception {
            assertError(get("/throwing/users/bob", "root", "admin"), 403, "forbidden");
            assertError(delete("/throwing/users/bob", "root", "admin", "Content-Type", "application/json"), 403, "forbidden");
            JsonNode own = get("/throwing/", "alice").data().get("activities").get(0);
            assertThat(own.has("session_id")).isFalse();
            assertThat(history("bob")).hasSize(2);
        }

        @Test
        void shouldRefuseAMalformedUserIdWith400() throws Exception {
            Reply r = get(BASE + "/users/" + "x".repeat(200), "root", "admin");
            assertError(r, 400, "bad_request");
            assertThat(r.errorMessage()).contains("userId");
        }
    }

    // --- POST /log

    @Nested
    class Log {
        @Test
        void shouldLogAClientEventOfTheCallerWithRequestFieldsFromTheServer() throws Exception {
            Reply r = postLog(BASE + "/log", "alice",
                    "{\"action\":\"client.tab_opened\",\"description\":\"Opened settings\",\"severity\":\"warning\",\"metadata\":{\"tab\":\"settings\"}}",
                    "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin", "User-Agent", "TestAgent/1");

            assertThat(r.status()).isEqualTo(201);
            Activity logged = history("alice").stream().filter(a -> a.action().equals("client.tab_opened")).findFirst().orElseThrow();
            assertThat(logged.id().toString()).isEqualTo(r.data().get("id").asText());
            assertThat(logged.userId()).isEqualTo("alice");
            assertThat(logged.severity()).isEqualTo(Severity.WARNING);
            assertThat(logged.description()).isEqualTo("Opened settings");
            assertThat(logged.metadata()).containsEntry("tab", "settings");
            assertThat(logged.ipAddress()).as("the peer's address, masked as stored").isEqualTo("127.0.0.0");
            assertThat(logged.userAgent()).isEqualTo("TestAgent/1");
        }

        @Test
        void shouldRefuseActionsOutsideTheAllowlistAndSeverityAboveWarning() throws Exception {
            Reply login = postLog(BASE + "/log", "alice", "{\"action\":\"login\"}");
            assertError(login, 400, "bad_request");
            assertThat(login.errorMessage()).contains("action");
            Reply error = postLog(BASE + "/log", "alice", "{\"action\":\"client.x\",\"severity\":\"error\"}");
            assertError(error, 400, "bad_request");
            assertThat(error.errorMessage()).contains("severity");
            assertThat(history("alice")).hasSize(5);
        }

        @Test
        void shouldRefuseFieldsTheCallerMayNotChoose() throws Exception {
            for (String field : List.of("user_id", "userId", "created_at", "ip_address", "session_id", "request_id")) {
                Reply r = postLog(BASE + "/log", "alice", "{\"action\":\"client.x\",\"" + field + "\":\"bob\"}");
                assertError(r, 400, "bad_request");
                assertThat(r.errorMessage()).contains(field);
            }
            assertThat(history("alice")).hasSize(5);
            assertThat(history("bob")).hasSize(2);
        }

        @Test
        void shouldRefuseCrossSiteRequestsAndStoreNothing() throws Exception {
            assertError(postLog(BASE + "/log", "alice", "action=client.x",
                    "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example"), 403, "forbidden");
            assertError(postLog(BASE + "/log", "alice", "{\"action\":\"client.x\"}",
                    "Sec-Fetch-Site", "cross-site"), 403, "forbidden");
            assertError(postLog(BASE + "/log", "alice", "{\"action\":\"client.x\"}",
                    "Origin", "http://127.0.0.1:1"), 403, "forbidden");
            assertError(postLog(BASE + "/log", "alice", "{\"action\":\"client.x\"}",
                    "Origin", "null"), 403, "forbidden");
            assertThat(history("alice")).hasSize(5);
        }

        @Test
        void shouldRefuseNonJsonContentTypesWith415() throws Exception {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                assertError(postLog(BASE + "/log", "alice", "{\"action\":\"client.x\"}", "Content-Type", type),
                        415, "unsupported_media_type");
            }
            assertThat(postLog(BASE + "/log", "alice", "{\"action\":\"client.x\"}",
                    "Content-Type", "application/json; charset=utf-8").status()).isEqualTo(201);
        }

        @Test
        void shouldRefuseBodiesOverTheLimitWith413AlsoWhenChunked() throws Exception {
            String big = "{\"action\":\"client.x\",\"description\":\"" + "a".repeat(4000) + "\"}";
            assertError(postLog(BASE + "/log", "alice", big), 413, "payload_too_large");
            HttpRequest chunked = request(BASE + "/log", "alice", null).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                    .build();
            assertError(send(chunked), 413, "payload_too_large");
            assertThat(history("alice")).hasSize(5);
        }

        @Test
        void shouldRefuseMalformedBodiesWith400() throws Exception {
            List<String> bodies = List.of("", "not json", "[1,2]", "\"client.x\"", "{\"action\":5}", "{}",
                    "{\"action\":\"client.x\",\"metadata\":[1]}", "{\"action\":\"client.x\",\"description\":{}}",
                    "{\"action\":\"client.x\",\"metadata\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
                    "{\"action\":\"client.x\",\"severity\":\"loud\"}", "{\"action\":\"Client X\"}");
            for (String body : bodies) {
                assertError(postLog(BASE + "/log", "alice", body), 400, "bad_request");
            }
            HttpRequest invalidUtf8 = request(BASE + "/log", "alice", null).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                    .build();
            assertError(send(invalidUtf8), 400, "bad_request");
            assertThat(history("alice")).hasSize(5);
        }
    }

    // --- rate limits

    @Test
    void shouldLimitEachCallerSeparatelyWith429AndRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            Reply r = get("/limited/", "limited-1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("RateLimit-Limit")).isEqualTo("3");
            assertThat(r.header("RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
        }
        Reply limited = send(request("/limited/", "limited-1", null).header("X-Forwarded-For", "198.51.100.9").GET().build());
        assertError(limited, 429, "rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(limited.header("RateLimit-Remaining")).isEqualTo("0");

        assertThat(get("/limited/", "limited-2").status()).isEqualTo(200);
        assertThat(postLog("/limited/log", "limited-1", "{\"action\":\"client.a\"}").status())
                .as("log calls have their own bucket").isEqualTo(201);
        assertThat(postLog("/limited/log", "limited-1", "{\"action\":\"client.b\"}").status()).isEqualTo(201);
        Reply thirdLog = postLog("/limited/log", "limited-1", "{\"action\":\"client.c\"}");
        assertError(thirdLog, 429, "rate_limited");
        assertThat(thirdLog.header("Retry-After")).isNotNull();
        assertThat(history("limited-1")).extracting(Activity::action).containsExactlyInAnyOrder("client.a", "client.b");
    }

    @Test
    void shouldLimitAnonymousCallersByTheirAddressWhateverForwardedHeaderTheySend() throws Exception {
        assertError(get("/anon/", null), 401, "unauthorized");
        assertError(send(request("/anon/stats", null, null).header("X-Forwarded-For", "198.51.100.1").GET().build()),
                401, "unauthorized");

        Reply limited = send(request("/anon/", null, null).header("X-Forwarded-For", "198.51.100.2")
                .header("Forwarded", "for=198.51.100.3").GET().build());
        assertError(limited, 429, "rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(limited.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(get("/anon/", "alice").status()).as("a signed-in caller has a bucket of their own").isEqualTo(200);
    }

    @Test
    void shouldKeyAnonymousLimitsByTheAddressATrustedProxyForwards() throws Exception {
        assertError(send(request("/behind-proxy/", null, null).header("X-Forwarded-For", "198.51.100.7").GET().build()),
                401, "unauthorized");
        assertError(send(request("/behind-proxy/", null, null).header("X-Forwarded-For", "198.51.100.7").GET().build()),
                429, "rate_limited");
        assertError(send(request("/behind-proxy/", null, null).header("X-Forwarded-For", "198.51.100.8").GET().build()),
                401, "unauthorized");
    }

    @Test
    void shouldUseAPluggedInRateLimiterAndRefuseWhenItFails() throws Exception {
        Reply allowed = get("/custom-limiter/", "alice");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("RateLimit-Limit")).isEqualTo("7");
        assertThat(allowed.header("RateLimit-Remaining")).isEqualTo("6");

        Reply blocked = get("/custom-limiter/", "blocked");
        assertError(blocked, 429, "rate_limited");
        assertThat(blocked.header("Retry-After")).isEqualTo("12");

        Reply broken = get("/custom-limiter/", "broken");
        assertError(broken, 503, "unavailable");
        assertThat(broken.response().body()).doesNotContain("shared limiter unreachable");
    }
}
