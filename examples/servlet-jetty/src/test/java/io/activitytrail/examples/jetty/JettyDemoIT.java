package io.activitytrail.examples.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Jetty demo as a newcomer meets it: real Jetty, real HTTP Basic sign-in, embedded PostgreSQL. */
class JettyDemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static JettyDemo demo;

    @BeforeAll
    static void start() throws Exception {
        demo = JettyDemo.start(0, null);
    }

    @AfterAll
    static void stop() throws Exception {
        demo.close();
    }

    private static HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheOpenEndpointToAnyone() throws Exception {
        HttpResponse<String> r = get("/hello", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello\n");
    }

    @Test
    void shouldAskForASignInBeforeTheApi() throws Exception {
        assertThat(get(JettyDemo.API_BASE, null).statusCode()).isEqualTo(401);
        assertThat(get("/", null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldShowAliceHerSeededHistoryOnly() throws Exception {
        HttpResponse<String> r = get(JettyDemo.API_BASE + "?limit=100", "alice");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).get("data");
        assertThat(data.get("user_id").asText()).isEqualTo("alice");
        assertThat(data.get("activities").size()).isGreaterThan(28);
        assertThat(data.get("activities").findValuesAsText("action")).contains("login", "password_changed");
        JsonNode stats = JSON.readTree(get(JettyDemo.API_BASE + "/stats?days=30", "alice").body()).get("data");
        assertThat(stats.get("by_action").get("login").asInt()).isEqualTo(28);
    }

    @Test
    void shouldRefuseBobAliceButLetTheAdminLookHerUp() throws Exception {
        assertThat(get(JettyDemo.API_BASE + "/users/alice", "bob").statusCode()).isEqualTo(403);

        HttpResponse<String> r = get(JettyDemo.API_BASE + "/users/alice", "admin");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("data").get("activities").findValuesAsText("user_id")).containsOnly("alice");
    }

    @Test
    void shouldLogTheSignedInUsersRequestsThroughTheFilter() throws Exception {
        HttpResponse<String> home = get("/", "bob");
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/dashboard"));
        demo.trail().flush();

        JsonNode requests = JSON.readTree(get(JettyDemo.API_BASE + "?action=http_request", "bob").body()).get("data").get("activities");
        assertThat(requests.findValuesAsText("description")).anySatisfy(d -> assertThat(d).contains("GET /"));
    }
}
