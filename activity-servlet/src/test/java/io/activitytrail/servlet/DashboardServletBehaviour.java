package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.ActivityTrail;
import io.activitytrail.InMemoryActivityStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's files through a real container and a real HTTP client: what the container makes
 * of odd paths never reaches a file outside the allowlist, the JSON API beside it is unchanged, and
 * {@code dashboardEnabled(false)} removes the page. Run on Jetty and Tomcat by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardServletBehaviour {
    private static final String BASE = "/api/profile/activity";

    private ActivityTrail trail;
    private ApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        trail = ActivityTrail.builder().store(new InMemoryActivityStore()).spoolDirectory(temp.resolve("spool")).build();
        Map<String, ActivityApiServlet> servlets = new LinkedHashMap<>();
        servlets.put(BASE + "/*", new ActivityApiServlet(trail, AccessPolicy.roles()));
        servlets.put("/off/*", new ActivityApiServlet(trail, AccessPolicy.roles(),
                ApiSettings.builder().basePath("/off").dashboardEnabled(false).build()));
        server = newServer(servlets);
    }

    abstract ApiServer newServer(Map<String, ActivityApiServlet> servlets) throws Exception;

    @AfterAll
    void stop() throws Exception {
        server.close();
        trail.close();
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeThePageAndItsFilesWithThePolicy() throws Exception {
        HttpResponse<String> page = get(BASE + "/dashboard", "alice");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").map(String::toLowerCase)).hasValue("text/html;charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'self'; script-src 'self'; style-src 'self';").contains("frame-ancestors 'self'");
        assertThat(page.body()).contains("<title>Activity</title>");

        HttpResponse<String> js = get(BASE + "/dashboard/app.js", "alice");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(js.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(js.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    @Test
    void shouldLeaveTheJsonApiBesideIt() throws Exception {
        HttpResponse<String> me = get(BASE + "/me", "alice");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"user_id\":\"alice\"");
        assertThat(me.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(get(BASE + "/dashboards", "alice").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404AtTheDashboardWhenItIsSwitchedOff() throws Exception {
        HttpResponse<String> page = get("/off/dashboard", "alice");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("\"code\":\"not_found\"").doesNotContain("<html");
        assertThat(page.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(get("/off/dashboard/app.js", "alice").statusCode()).isEqualTo(404);
        assertThat(get("/off/me", "alice").statusCode()).as("the API still answers").isEqualTo(200);
    }

    @Test
    void shouldRefuseStateChangingMethodsOnThePage() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + BASE + "/dashboard"))
                    .header("X-Test-User", "alice").header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/dashboard/../dashboard/../../x", "/dashboard/%2e%2e/app.js", "/dashboard/%2e%2e%2fapp.js", "/dashboard/..%2f..%2fWEB-INF/web.xml",
        "/dashboard/%2E%2E/%2E%2E/io/activitytrail/servlet/ApiSettings.class", "/dashboard/app.js%00.html", "/dashboard/%5c..%5capp.js",
        "/dashboard/..;/app.js", "/dashboard/;/../../x"})
    void shouldServeNoFileOutsideTheAllowlistForOddPaths(String path) throws Exception {
        byte[] request = ("GET " + BASE + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test-User: alice\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int status = RawHttp.send(server.port(), request);
        // The container refuses (400) or normalises the path; either way no file but those listed.
        assertThat(status).as(path).isIn(400, 404);
    }
}
