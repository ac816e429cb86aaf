package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.Severity;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The filter's behaviour in a real container, over real HTTP; run on Jetty and on Tomcat by the
 * subclasses, since async completion, error dispatch and forwarding differ between containers.
 * Users sign in through {@code X-Principal} ({@link ProbeFilter}), which the default user resolver
 * reads through {@code getUserPrincipal()}.
 */
abstract class ActivityFilterBehaviour {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    RecordingStore store;
    ActivityTrail trail;
    TestServer server;
    ProbeFilter probe;
    TestServlet servlet;
    @Nullable ActivityFilter filter;
    int port;
    /** A path every test's settings log, for {@link #barrier()}. */
    String barrierPath = "/barrier";
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    abstract TestServer newServer();

    @BeforeEach
    void createTrail() {
        store = new RecordingStore();
        // Addresses unmasked: this suite checks which address the filter finds; FilterPrivacyIT checks
        // that the default policy masks it.
        trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool"))
                .privacy(io.activitytrail.PrivacyPolicy.builder().ipMasking(io.activitytrail.PrivacyPolicy.IpMasking.NONE).build())
                .flushInterval(Duration.ofMillis(10)).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        trail.close();
    }

    void start(FilterSettings settings) throws Exception {
        filter = new ActivityFilter(trail, settings);
        deploy(filter, Map.of(), null);
    }

    void deploy(@Nullable ActivityFilter instance, Map<String, String> initParams, @Nullable ServletContextListener listener)
            throws Exception {
        probe = new ProbeFilter();
        servlet = new TestServlet();
        server = newServer();
        port = server.start(new TestServer.Deployment(probe, instance, initParams, listener, servlet));
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(WAIT).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed-in GET with a known request id; returns that id. */
    String signedIn(String path, String... headers) throws Exception {
        String id = "t-" + UUID.randomUUID();
        List<String> all = new ArrayList<>(List.of("X-Principal", "alice", "X-Request-Id", id));
        all.addAll(List.of(headers));
        get(path, all.toArray(String[]::new));
        return id;
    }

    /**
     * Every activity of the request: waits for the first (async requests are logged when the
     * container completes them, possibly after the client has its response), then for a later
     * barrier request, so that a second activity of the same request would have arrived too.
     */
    List<Activity> loggedOnce(String requestId) throws Exception {
        await().atMost(WAIT).until(() -> {
            trail.flush();
            return !store.withRequestId(requestId).isEmpty();
        });
        barrier();
        List<Activity> logged = store.withRequestId(requestId);
        assertThat(logged).as("activities of request %s", requestId).hasSize(1);
        return logged;
    }

    /** Waits for a fresh signed-in request to be logged: everything sent before it was handled by then. */
    void barrier() throws Exception {
        String id = "barrier-" + UUID.randomUUID();
        get(barrierPath, "X-Principal", "barrier", "X-Request-Id", id);
        await().atMost(WAIT).until(() -> {
            trail.flush();
            return !store.withRequestId(id).isEmpty();
        });
    }

    List<Activity> notLogged(String requestId) throws Exception {
        barrier();
        return store.withRequestId(requestId);
    }

    static FilterSettings defaults() {
        return FilterSettings.defaults();
    }

    @Test
    void shouldLogARequestWithMethodPathStatusDurationUserAndRequestInfo() throws Exception {
        start(defaults());

        String id = signedIn("/ok?page=2", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0");

        Activity a = loggedOnce(id).get(0);
        assertThat(a.userId()).isEqualTo("alice");
        assertThat(a.action()).isEqualTo("http_request");
        assertThat(a.description()).isEqualTo("GET /ok -> 200");
        assertThat(a.severity()).isEqualTo(Severity.INFO);
        assertThat(a.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(a.userAgent()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0");
        assertThat(a.requestId()).isEqualTo(id);
        assertThat(a.sessionId()).isNull();
        assertThat(a.metadata()).containsEntry("method", "GET").containsEntry("path", "/ok?page=2")
                .containsEntry("status", 200).containsKey("duration_ms").doesNotContainKeys("route", "exception");
        assertThat(((Number) a.metadata().get("duration_ms")).longValue()).isGreaterThanOrEqualTo(0);
        assertThat(filter.failures()).isZero();
    }

    @Test
    void shouldDescribeTheRouteTemplateWhenTheFrameworkSetsIt() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/orders/17")).get(0);

        assertThat(a.description()).isEqualTo("GET /orders/{id} -> 200");
        assertThat(a.metadata()).containsEntry("route", "/orders/{id}").containsEntry("path", "/orders/17");
    }

    @Test
    void shouldReplaceValuesOfSecretQueryParameters() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/ok?token=abc123&page=2&password=hunter2&api_key=k1")).get(0);

        assertThat(a.metadata()).containsEntry("path", "/ok?token=***&page=2&password=***&api_key=***");
        assertThat(a.toString() + a.metadata() + a.description()).doesNotContain("abc123", "hunter2", "k1&");
    }

    /** Regression: a session id given as a path parameter ({@code ;jsessionid=}) was stored in clear in the description and the path. */
    @Test
    void shouldNotStoreASessionIdGivenAsAPathParameter() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/ok;jsessionid=SECRETSESSION123?x=1")).get(0);

        assertThat(a.description()).isEqualTo("GET /ok -> 200");
        assertThat(a.metadata()).containsEntry("path", "/ok?x=1");
        assertThat(a.toString() + a.metadata()).doesNotContain("SECRETSESSION123");
    }

    @ParameterizedTest
    @CsvSource({"200, INFO", "404, INFO", "401, WARNING", "403, WARNING", "429, WARNING", "500, ERROR", "503, ERROR"})
    void shouldChooseSeverityByStatus(int status, Severity severity) throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/status/" + status)).get(0);

        assertThat(a.severity()).isEqualTo(severity);
        assertThat(a.metadata()).containsEntry("status", status);
    }

    @Test
    void shouldTakeActionAndSeverityFromHostFunctions() throws Exception {
        start(FilterSettings.builder().action(r -> r.getRequestURI().startsWith("/orders") ? "order_viewed" : "http_request")
                .severity((r, status, e) -> Severity.CRITICAL).build());

        Activity a = loggedOnce(signedIn("/orders/3")).get(0);

        assertThat(a.action()).isEqualTo("order_viewed");
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void shouldLogAnExceptionOnceWithStatus500AndLetItReachTheContainer() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/boom", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("error page"); // the container saw the exception: rethrown
        Activity a = loggedOnce(id).get(0);
        assertThat(a.metadata()).containsEntry("status", 500)
                .containsEntry("exception", IllegalStateException.class.getName());
        assertThat(a.severity()).isEqualTo(Severity.ERROR);
        assertThat(a.description()).isEqualTo("GET /boom -> 500");
    }

    @Test
    void shouldLogAForwardedRequestOnceUnderItsOriginalPath() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/forward")).get(0);

        assertThat(a.metadata()).containsEntry("path", "/forward").containsEntry("status", 200);
    }

    @Test
    void shouldLogARequestWithAnIncludeOnce() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/include")).get(0);

        assertThat(a.metadata()).containsEntry("path", "/include").containsEntry("status", 200)
                .doesNotContainKey("exception");
    }

    @Test
    void shouldLogAnErrorDispatchedRequestOnceWithItsStatus() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/missing", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("error page");
        Activity a = loggedOnce(id).get(0);
        assertThat(a.metadata()).containsEntry("status", 404).containsEntry("path", "/missing");
    }

    @Test
    void shouldLogAnAsyncRequestOnceWhenItCompletes() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/async/complete", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(202);
        Activity a = loggedOnce(id).get(0);
        assertThat(a.metadata()).containsEntry("status", 202).doesNotContainKey("async_timeout");
    }

    @Test
    void shouldLogAnAsyncDispatchedRequestOnce() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/async/dispatch")).get(0);

        assertThat(a.metadata()).containsEntry("status", 200).containsEntry("path", "/async/dispatch");
    }

    @Test
    void shouldLogAnAsyncRequestThatTimesOutOnce() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/async/timeout", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(500);
        Activity a = loggedOnce(id).get(0);
        assertThat(a.metadata()).containsEntry("status", 500).containsEntry("async_timeout", true);
        assertThat(a.severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void shouldLogAnAsyncRequestThatFailsOnceWithTheException() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/async/error", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(500);
        Activity a = loggedOnce(id).get(0);
        assertThat(a.metadata()).containsEntry("status", 500)
                .containsEntry("exception", IllegalStateException.class.getName());
    }

    @Test
    void shouldNotLogStaticAssetsHealthChecksOrTheActivityApiReads() throws Exception {
        start(defaults());

        List<String> skipped = new ArrayList<>();
        for (String path : List.of("/static/app.css", "/js/app.js", "/img/logo.PNG", "/favicon.ico", "/fonts/a.woff2",
                "/webjars/jquery/jquery.min.js", "/webjars/x", "/health", "/actuator", "/actuator/metrics/jvm",
                "/api/profile/activity", "/api/profile/activity/stats")) {
            skipped.add(signedIn(path));
        }
        String id = "t-" + UUID.randomUUID();
        send("POST", "/api/profile/activity/log", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(loggedOnce(id).get(0).metadata()).containsEntry("method", "POST");
        for (String s : skipped) {
            assertThat(store.withRequestId(s)).as(s).isEmpty();
        }
        assertThat(servlet.handled.get()).isEqualTo(skipped.size() + 2); // all reached the application
    }

    @Test
    void shouldApplyIncludePatternsAndMethodFilters() throws Exception {
        start(FilterSettings.builder().includePatterns("/orders/**").excludeMethods("OPTIONS")
                .activityApiPath("/my/api").build());
        barrierPath = "/orders/barrier";

        String outside = signedIn("/ok");
        String options = "t-" + UUID.randomUUID();
        send("OPTIONS", "/orders/1", "X-Principal", "alice", "X-Request-Id", options);
        String inside = signedIn("/orders/1");

        loggedOnce(inside);
        assertThat(store.withRequestId(outside)).isEmpty();
        assertThat(store.withRequestId(options)).isEmpty();
    }

    @Test
    void shouldSkipAnonymousRequestsByDefault() throws Exception {
        start(defaults());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/ok", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue(id);
        assertThat(notLogged(id)).isEmpty();
    }

    @Test
    void shouldLogAnonymousRequestsUnderTheConfiguredId() throws Exception {
        start(FilterSettings.builder().anonymousUserId("anonymous").build());

        String id = "t-" + UUID.randomUUID();
        get("/ok", "X-Request-Id", id);

        assertThat(loggedOnce(id).get(0).userId()).isEqualTo("anonymous");
    }

    @Test
    void shouldEchoASafeRequestIdAndPutItInTheMdcAndAttributeWhileTheRequestRuns() throws Exception {
        start(defaults());

        HttpResponse<String> response = get("/mdc", "X-Principal", "alice", "X-Request-Id", "abc-123.x:y_z");

        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("abc-123.x:y_z");
        assertThat(response.body()).isEqualTo("abc-123.x:y_z|abc-123.x:y_z");
        assertThat(loggedOnce("abc-123.x:y_z")).hasSize(1);
        assertThat(probe.mdcAfter).isNotEmpty().allSatisfy(after -> assertThat(after).isEmpty());
    }

    @Test
    void shouldReplaceAnUnsafeRequestIdWithANewOne() throws Exception {
        start(defaults());

        HttpResponse<String> unsafe = get("/mdc", "X-Principal", "alice", "X-Request-Id", "id with spaces<script>");
        HttpResponse<String> tooLong = get("/mdc", "X-Principal", "alice", "X-Request-Id", "a".repeat(129));
        HttpResponse<String> none = get("/mdc", "X-Principal", "alice");

        for (HttpResponse<String> response : List.of(unsafe, tooLong, none)) {
            String echoed = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(UUID.fromString(echoed).toString()).isEqualTo(echoed);
            assertThat(response.body()).isEqualTo(echoed + "|" + echoed);
            assertThat(loggedOnce(echoed).get(0).requestId()).isEqualTo(echoed);
        }
    }

    @Test
    void shouldNeverCreateASessionButHashOneTheApplicationCreated() throws Exception {
        start(defaults());

        String noSession = "t-" + UUID.randomUUID();
        HttpResponse<String> plain = get("/ok", "X-Principal", "alice", "X-Request-Id", noSession);
        String withSession = "t-" + UUID.randomUUID();
        HttpResponse<String> created = get("/session/create", "X-Principal", "alice", "X-Request-Id", withSession);

        assertThat(plain.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(loggedOnce(noSession).get(0).sessionId()).isNull();
        String rawSessionId = created.body();
        assertThat(created.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).contains(rawSessionId));
        String stored = loggedOnce(withSession).get(0).sessionId();
        assertThat(stored).isNotNull().isNotEqualTo(rawSessionId).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldIgnoreForwardedForFromAnUntrustedPeer() throws Exception {
        start(FilterSettings.builder().trustedProxies("10.0.0.0/8").useForwardedHeader(true).build());

        Activity a = loggedOnce(signedIn("/ok", "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=198.51.100.4")).get(0);

        assertThat(a.ipAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldWalkForwardedForFromTheRightThroughTrustedProxies() throws Exception {
        start(FilterSettings.builder().trustedProxies("127.0.0.1", "10.0.0.0/8").build());

        String chain = signedIn("/ok", "X-Forwarded-For", "198.51.100.66, 203.0.113.7, 10.1.2.3");
        String twoLines = signedIn("/ok", "X-Forwarded-For", "198.51.100.66", "X-Forwarded-For", "203.0.113.8, 10.1.2.3");
        String garbage = signedIn("/ok", "X-Forwarded-For", "203.0.113.7, not-an-ip");
        String withPort = signedIn("/ok", "X-Forwarded-For", "[2001:DB8::1]:443, 10.0.0.1");
        String allTrusted = signedIn("/ok", "X-Forwarded-For", "10.0.0.2, 10.0.0.1");

        assertThat(loggedOnce(chain).get(0).ipAddress()).isEqualTo("203.0.113.7");
        assertThat(loggedOnce(twoLines).get(0).ipAddress()).isEqualTo("203.0.113.8");
        assertThat(loggedOnce(garbage).get(0).ipAddress()).isEqualTo("127.0.0.1");
        assertThat(loggedOnce(withPort).get(0).ipAddress()).isEqualTo("2001:db8::1");
        assertThat(loggedOnce(allTrusted).get(0).ipAddress()).isEqualTo("10.0.0.2");
    }

    @Test
    void shouldReadTheForwardedHeaderWhenConfigured() throws Exception {
        start(FilterSettings.builder().trustedProxies("127.0.0.1", "10.0.0.0/8").useForwardedHeader(true).build());

        String ipv6 = signedIn("/ok", "Forwarded", "for=198.51.100.1, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.5");
        String hidden = signedIn("/ok", "Forwarded", "for=198.51.100.1, for=unknown, for=10.0.0.5");
        String obfuscated = signedIn("/ok", "Forwarded", "for=_hidden;by=10.0.0.9");
        String malformed = signedIn("/ok", "Forwarded", "for=\"[2001:db8::1\"");

        assertThat(loggedOnce(ipv6).get(0).ipAddress()).isEqualTo("2001:db8:cafe::17");
        assertThat(loggedOnce(hidden).get(0).ipAddress()).isEqualTo("10.0.0.5");
        assertThat(loggedOnce(obfuscated).get(0).ipAddress()).isEqualTo("127.0.0.1");
        assertThat(loggedOnce(malformed).get(0).ipAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldPassClientHintsOnAsDeviceInfo() throws Exception {
        start(defaults());

        String ua = "\"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\"";
        String all = signedIn("/ok", "Sec-CH-UA", ua, "Sec-CH-UA-Mobile", "?0", "Sec-CH-UA-Platform", "\"macOS\"");
        String some = signedIn("/ok", "Sec-CH-UA-Mobile", "?1", "Sec-CH-UA-Platform", "x".repeat(300));
        String none = signedIn("/ok");

        // The hints win over the client's User-Agent (Java's HttpClient): the writer resolves them and
        // stores the device, never the raw hints.
        assertThat(loggedOnce(all).get(0).deviceInfo()).containsEntry("browser", "Chrome")
                .containsEntry("browser_version", "130").containsEntry("os", "macOS").containsEntry("device_type", "desktop")
                .doesNotContainKey("client_hints");
        assertThat(loggedOnce(some).get(0).deviceInfo()).containsEntry("device_type", "mobile").doesNotContainKey("client_hints");
        assertThat(loggedOnce(none).get(0).deviceInfo()).doesNotContainKey("client_hints").doesNotContainEntry("device_type", "mobile");
    }

    @Test
    void shouldResolveEachRequestsOwnClientHintsWhenTheyRepeat() throws Exception {
        start(defaults());
        String ua = "\"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\"";

        // The filter keeps the device info of hints it has seen; each request must still get its own.
        String mac = signedIn("/ok", "Sec-CH-UA", ua, "Sec-CH-UA-Mobile", "?0", "Sec-CH-UA-Platform", "\"macOS\"");
        String windows = signedIn("/ok", "Sec-CH-UA", ua, "Sec-CH-UA-Mobile", "?0", "Sec-CH-UA-Platform", "\"Windows\"");
        String macAgain = signedIn("/ok", "Sec-CH-UA", ua, "Sec-CH-UA-Mobile", "?0", "Sec-CH-UA-Platform", "\"macOS\"");
        String mobile = signedIn("/ok", "Sec-CH-UA", ua, "Sec-CH-UA-Mobile", "?1", "Sec-CH-UA-Platform", "\"macOS\"");

        assertThat(loggedOnce(mac).get(0).deviceInfo()).containsEntry("os", "macOS").containsEntry("device_type", "desktop");
        assertThat(loggedOnce(windows).get(0).deviceInfo()).containsEntry("os", "Windows");
        assertThat(loggedOnce(macAgain).get(0).deviceInfo()).containsEntry("os", "macOS").containsEntry("device_type", "desktop");
        assertThat(loggedOnce(mobile).get(0).deviceInfo()).containsEntry("device_type", "mobile");
    }

    @Test
    void shouldTakeTheCountryFromACdnHeaderOnlyFromATrustedProxy() throws Exception {
        start(FilterSettings.builder().trustedProxies("127.0.0.1").countryHeaders("CF-IPCountry", "X-Country").build());

        String cloudflare = signedIn("/ok", "CF-IPCountry", "de");
        String custom = signedIn("/ok", "X-Country", "FR");
        String unknown = signedIn("/ok", "CF-IPCountry", "XX");
        String tor = signedIn("/ok", "CF-IPCountry", "T1");

        assertThat(loggedOnce(cloudflare).get(0).locationInfo()).isEqualTo(Map.of("country_code", "DE", "source", "cdn_header"));
        assertThat(loggedOnce(custom).get(0).locationInfo()).isEqualTo(Map.of("country_code", "FR", "source", "cdn_header"));
        assertThat(loggedOnce(unknown).get(0).locationInfo()).isEmpty();
        assertThat(loggedOnce(tor).get(0).locationInfo()).isEmpty();
    }

    @Test
    void shouldIgnoreCdnHeadersFromAnUntrustedPeer() throws Exception {
        start(defaults());

        Activity a = loggedOnce(signedIn("/ok", "CF-IPCountry", "DE", "CloudFront-Viewer-Country", "FR")).get(0);

        assertThat(a.locationInfo()).isEmpty();
    }

    @Test
    void shouldLetTheRequestSucceedAndCountWhenTheUserResolverThrows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(FilterSettings.builder().userResolver(r -> {
            calls.incrementAndGet();
            throw new IllegalStateException("resolver broke");
        }).build());

        HttpResponse<String> response = get("/ok", "X-Principal", "alice");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        await().atMost(WAIT).until(() -> filter.failures() == 2); // at the start and at the end
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void shouldLetTheRequestSucceedAndCountWhenTheActivityIsInvalid() throws Exception {
        start(FilterSettings.builder().action(r -> r.getRequestURI().equals(barrierPath) ? "http_request" : "Not A Valid Action")
                .build());

        String id = "t-" + UUID.randomUUID();
        HttpResponse<String> response = get("/ok", "X-Principal", "alice", "X-Request-Id", id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        await().atMost(WAIT).until(() -> filter.failures() == 1);
        assertThat(notLogged(id)).isEmpty();
    }

    @Test
    void shouldWorkRegisteredByClassNameWithTheTrailFromTheServletContext() throws Exception {
        ServletContextListener listener = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                event.getServletContext().setAttribute(ActivityFilter.TRAIL_ATTRIBUTE, trail);
            }
        };
        deploy(null, Map.of("anonymousUserId", "guest", "addExcludePatterns", "/skip/**", "trustedProxies", "127.0.0.1"),
                listener);

        String anonymous = "t-" + UUID.randomUUID();
        get("/ok", "X-Request-Id", anonymous, "X-Forwarded-For", "203.0.113.5");
        String skipped = "t-" + UUID.randomUUID();
        get("/skip/this", "X-Request-Id", skipped);
        String css = "t-" + UUID.randomUUID();
        get("/app.css", "X-Request-Id", css);

        Activity a = loggedOnce(anonymous).get(0);
        assertThat(a.userId()).isEqualTo("guest");
        assertThat(a.ipAddress()).isEqualTo("203.0.113.5");
        assertThat(store.withRequestId(skipped)).isEmpty();
        assertThat(store.withRequestId(css)).isEmpty();
        assertThat(server.containerMadeFilter()).isNotNull().extracting(ActivityFilter::failures).isEqualTo(0L);
    }

    @Test
    void shouldFailAtStartWhenRegisteredByClassNameWithoutATrail() {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()));
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    logged.add(String.valueOf(t.getMessage()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            assertThatThrownBy(() -> deploy(null, Map.of(), null)).satisfies(e -> {
                List<String> messages = new ArrayList<>(logged);
                for (Throwable t = e; t != null; t = t.getCause()) {
                    messages.add(String.valueOf(t.getMessage()));
                    for (Throwable s : t.getSuppressed()) {
                        messages.add(String.valueOf(s.getMessage()));
                    }
                }
                assertThat(String.join("\n", messages))
                        .contains("needs an ActivityTrail in the servlet context attribute \"io.activitytrail.ActivityTrail\"");
            });
        } finally {
            root.removeHandler(capture);
        }
    }

    static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }
}
