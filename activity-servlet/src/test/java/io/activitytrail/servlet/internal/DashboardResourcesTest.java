package io.activitytrail.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DashboardResourcesTest {
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";

    private final DashboardResources resources = new DashboardResources(Optional.empty());

    /** What the servlet wrote: status, headers (names lower case), body. */
    private static final class Answer {
        int status = 200;
        final Map<String, String> headers = new TreeMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private Answer get(String pathInfo) throws IOException {
        return send("GET", pathInfo, null, Map.of());
    }

    private Answer send(String method, @Nullable String pathInfo, @Nullable String query, Map<String, String> headers)
            throws IOException {
        Answer answer = new Answer();
        Map<String, String> requestHeaders = new HashMap<>();
        headers.forEach((k, v) -> requestHeaders.put(k.toLowerCase(), v));
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> pathInfo;
                    case "getQueryString" -> query;
                    case "getContextPath" -> "/app";
                    case "getServletPath" -> "/api/profile/activity";
                    case "getHeader" -> requestHeaders.get(((String) args[0]).toLowerCase());
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                answer.body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {}
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setHeader" -> answer.headers.put(((String) args[0]).toLowerCase(), (String) args[1]);
                        case "setStatus" -> answer.status = (int) args[0];
                        case "setContentType" -> answer.headers.put("content-type", (String) args[0]);
                        case "setContentLength" -> answer.headers.put("content-length", String.valueOf(args[0]));
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
        resources.handle(request, response);
        return answer;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DashboardResources.class.getResourceAsStream(DashboardResources.RESOURCE_DIRECTORY + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldServeThePageWithTheStrictPolicyAndHeaders() throws IOException {
        Answer a = get("/dashboard");

        assertThat(a.status).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
        assertThat(a.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(a.header("X-Frame-Options")).isEqualTo("SAMEORIGIN");
        assertThat(a.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(a.header("ETag")).matches("\"[0-9a-f]{24}\"");
        assertThat(a.text()).isEqualTo(resource("index.html")).contains("<script type=\"module\" src=\"dashboard/app.js\">");
        assertThat(a.header("Content-Length")).isEqualTo(String.valueOf(a.body.size()));
    }

    @ParameterizedTest
    @CsvSource({
        "app.css, text/css;charset=UTF-8",
        "app.js, text/javascript;charset=UTF-8",
        "api.js, text/javascript;charset=UTF-8",
        "view.js, text/javascript;charset=UTF-8",
        "chart.js, text/javascript;charset=UTF-8",
        "icon.svg, image/svg+xml"})
    void shouldServeEachFileOfTheAllowlistWithItsContentType(String name, String contentType) throws IOException {
        Answer a = get("/dashboard/" + name);

        assertThat(a.status).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo(contentType);
        assertThat(a.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(a.text()).isEqualTo(resource(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/dashboard/../x", "/dashboard/..", "/dashboard/%2e%2e/x", "/dashboard/%2e%2e%2fapp.js", "/dashboard/..%2fapp.js",
        "/dashboard/./app.js", "/dashboard//app.js", "/dashboard/app.js/", "/dashboard/APP.JS", "/dashboard/app.js%00",
        "/dashboard/app.js\u0000", "/dashboard/index.html", "/dashboard/../../module-info.class",
        "/dashboard/../internal/DashboardResources.class", "/dashboard/..\\app.js", "/dashboard/dashboard/app.js",
        "/dashboard/missing.js", "/dashboard/app.js?x", "/dashboard/%61pp.js"})
    void shouldAnswer404ForEveryNameOutsideTheAllowlist(String pathInfo) throws IOException {
        Answer a = get(pathInfo);

        assertThat(a.status).isEqualTo(404);
        assertThat(a.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
        assertThat(a.text()).isEqualTo("{\"success\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no such dashboard file\"}}");
        assertThat(a.header("Cache-Control")).isEqualTo("no-store");
        assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
    void shouldRefuseEveryMethodButGetAndHead(String method) throws IOException {
        Answer a = send(method, "/dashboard", null, Map.of());

        assertThat(a.status).isEqualTo(405);
        assertThat(a.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(a.text()).contains("\"code\":\"method_not_allowed\"");
        assertThat(send(method, "/dashboard/app.js", null, Map.of()).status).isEqualTo(405);
    }

    @Test
    void shouldAnswerHeadWithoutABody() throws IOException {
        Answer a = send("HEAD", "/dashboard/app.js", null, Map.of());

        assertThat(a.status).isEqualTo(200);
        assertThat(a.header("Content-Length")).isEqualTo(String.valueOf(resource("app.js").getBytes(StandardCharsets.UTF_8).length));
        assertThat(a.body.size()).isZero();
    }

    @Test
    void shouldAnswer304ToAMatchingETag() throws IOException {
        String etag = get("/dashboard/app.css").header("ETag");

        Answer a = send("GET", "/dashboard/app.css", null, Map.of("If-None-Match", etag));
        assertThat(a.status).isEqualTo(304);
        assertThat(a.body.size()).isZero();
        assertThat(send("GET", "/dashboard/app.css", null, Map.of("If-None-Match", "\"other\"")).status).isEqualTo(200);
        assertThat(get("/dashboard/app.js").header("ETag")).isNotEqualTo(etag);
    }

    @Test
    void shouldRedirectTheTrailingSlashToThePageKeepingTheQuery() throws IOException {
        Answer a = send("GET", "/dashboard/", "user=bob&severity=error", Map.of());

        assertThat(a.status).isEqualTo(301);
        assertThat(a.header("Location")).isEqualTo("/app/api/profile/activity/dashboard?user=bob&severity=error");
    }

    @Test
    void shouldAddTheReportUriWhenConfigured() throws IOException {
        DashboardResources reporting = new DashboardResources(Optional.of("/csp-reports"));

        assertThat(reporting.contentSecurityPolicy()).isEqualTo(CSP + "; report-uri /csp-reports");
        assertThat(resources.contentSecurityPolicy()).doesNotContain("report-uri");
    }

    @Test
    void shouldKnowItsPathsOnly() {
        assertThat(DashboardResources.isDashboardPath("/dashboard")).isTrue();
        assertThat(DashboardResources.isDashboardPath("/dashboard/app.js")).isTrue();
        assertThat(DashboardResources.isDashboardPath("/dashboards")).isFalse();
        assertThat(DashboardResources.isDashboardPath("/users/dashboard")).isFalse();
        assertThat(DashboardResources.isDashboardPath("/")).isFalse();
        assertThat(DashboardResources.isDashboardPath(null)).isFalse();
    }

    @Test
    void shouldWeighAtMost80KiB() {
        assertThat(resources.totalBytes()).isPositive().isLessThanOrEqualTo(80 * 1024);
    }

    @Test
    void shouldHaveNoInlineScriptNorStyleInThePage() throws IOException {
        String html = resource("index.html");

        assertThat(Pattern.compile("<script(?![^>]*\\ssrc=)", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("inline script").isFalse();
        assertThat(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=|javascript:", Pattern.CASE_INSENSITIVE).matcher(html).find())
                .as("inline style or handler").isFalse();
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.js", "api.js", "view.js", "chart.js"})
    void shouldUseNoHtmlSinkNorEvalInTheScripts(String name) throws IOException {
        String js = resource(name).replace("'http://www.w3.org/2000/svg'", "SVG_NAMESPACE");

        assertThat(js).doesNotContain("innerHTML").doesNotContain("outerHTML =").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function")
                .doesNotContain(".style.").doesNotContain("'style'").doesNotContain("http://").doesNotContain("https://");
    }
}
