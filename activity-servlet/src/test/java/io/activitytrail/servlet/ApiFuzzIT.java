package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.testsupport.PostgresExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 hostile query strings and bodies (up to 1 MB) against the API on Jetty (seeded, so a failure repeats):
 * never a 5xx, every error the JSON envelope, never a stack trace or class name, and nothing
 * forged in another user's history. Requests are signed in as alice (sometimes as root, sometimes
 * with the admin role) by {@link TestAuthFilter}, so valid ones get 200 or 201. No request is
 * retried: an error answer to a request with a body must not reset the connection (it once did,
 * when the servlet closed it with the body unread).
 */
class ApiFuzzIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    private static final String[] PARAMS = {"action", "severity", "from", "to", "q", "limit", "cursor", "page", "days", "format", "x"};
    private static final String[] VALUES = {"", " ", "-1", "0", "1", "20", "101", "99999999999999999999", "1e9", "NaN", "abc",
        "2026-02-30T00:00:00Z", "2026-01-01", "yesterday", "2026-01-01T00:00:00+25:00", "+999999999-12-31T23:59:59Z",
        "info", "INFO", "critical", "loud", "login", "client.x", "DROP TABLE x;--", "' OR 1=1 --", "<script>", "%00", "\u0000",
        "\u202e", "\ud800", "é", "🙂", "a".repeat(300), "ndjson", "csv", "xml", "eyJ0IjoxfQ", "AAAA", "../../etc/passwd"};
    private static final String[] PATHS = {"", "/", "/stats", "/export", "/users/bob", "/users/bob/stats", "/users/bob/export"};
    private static final String[] TYPES = {"application/json", "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "*/*"};

    @Test
    void shouldAnswerHostileInputWith4xxJsonErrorsAndNever5xx(@TempDir Path temp) throws Exception {
        JdbcActivityStore store = JdbcActivityStore.builder(postgres.dataSource()).migrate(true)
                .scheduledMaintenance(false).scheduledRetention(false).build();
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(8);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool")).build();
                ApiServer server = new ApiJettyServer(Map.of("/api/*", new ActivityApiServlet(trail, AccessPolicy.roles(),
                        ApiSettings.builder().basePath("/api").readLimit(1_000_000).exportLimit(1_000_000).logLimit(1_000_000).build())))) {
            String base = "http://127.0.0.1:" + server.port() + "/api";
            for (int i = 0; i < 1_000; i++) {
                HttpRequest.Builder b;
                if (i % 2 == 0) {
                    StringBuilder query = new StringBuilder();
                    for (int p = random.nextInt(4); p >= 0; p--) {
                        query.append(query.length() == 0 ? '?' : '&').append(PARAMS[random.nextInt(PARAMS.length)]).append('=')
                                .append(URLEncoder.encode(VALUES[random.nextInt(VALUES.length)], StandardCharsets.UTF_8));
                    }
                    b = HttpRequest.newBuilder(URI.create(base + PATHS[random.nextInt(PATHS.length)] + query)).GET();
                } else {
                    byte[] body = body(random);
                    b = HttpRequest.newBuilder(URI.create(base + "/log"))
                            .header("Content-Type", TYPES[random.nextInt(3) == 0 ? random.nextInt(TYPES.length) : 0])
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                }
                HttpResponse<String> r = http.send(b.header("X-Test-User", random.nextInt(10) == 0 ? "root" : "alice")
                        .header("X-Test-Roles", random.nextInt(10) == 0 ? "admin" : "none").build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(r.statusCode(), 1, Integer::sum);
                assertThat(r.statusCode()).as("request %d", i).isLessThan(500);
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain(".java");
                if (r.statusCode() >= 400) {
                    JsonNode error = json.readTree(r.body());
                    assertThat(error.get("success").asBoolean()).isFalse();
                    assertThat(error.path("error").path("code").asText()).isNotEmpty();
                }
            }
            trail.flush();
            assertThat(trail.query(ActivityQuery.forUser("bob").build()).activities()).isEmpty();
        } finally {
            store.close();
        }
        System.out.println("ApiFuzzIT: 1000 requests, statuses " + statuses);
        assertThat(statuses.keySet()).allMatch(s -> s < 500);
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> ("{\"action\":\"client." + random.nextInt(100) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 1 -> ("{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000)).getBytes(StandardCharsets.UTF_8);
            case 2 -> new byte[] {'{', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
            case 3 -> random.nextBoolean()
                    ? ("{\"action\":\"client.x\",\"description\":\"" + "x".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8)
                    : ("{\"action\":\"client.x\",\"description\":\"" + "x".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"action\":\"client.x\",\"severity\":\"" + VALUES[random.nextInt(VALUES.length)] + "\"}").getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"action\":\"" + VALUES[random.nextInt(VALUES.length)].replace("\"", "") + "\",\"user_id\":\"bob\"}").getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"action\":\"client.x\",\"metadata\":{\"n\":" + "9".repeat(2_000) + "}}").getBytes(StandardCharsets.UTF_8);
            case 7 -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                yield bytes;
            }
            default -> List.of("null", "[]", "{}", "\"x\"", "{\"action\":null}", "{\"action\":\"client.x\",\"metadata\":\"x\"}")
                    .get(random.nextInt(6)).getBytes(StandardCharsets.UTF_8);
        };
    }
}
