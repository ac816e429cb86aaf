package io.activitytrail.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Serves the dashboard: the page at {@code {base}/dashboard} and its files at
 * {@code {base}/dashboard/{name}}, read once from the jar. Only the names in {@link #FILES} are
 * served; any other path, including every traversal attempt, is a 404, and no path from the request
 * ever reaches the class loader.
 */
public final class DashboardResources {
    /** The path info of the page, relative to the servlet. */
    public static final String PAGE = "/dashboard";

    static final String RESOURCE_DIRECTORY = "/io/activitytrail/servlet/dashboard/";

    /** The page's files: name in the URL (the page itself is "") to content type. */
    static final Map<String, String> FILES = files();

    /** Without report-uri; each directive as tight as the page allows. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; "
            + "form-action 'self'; require-trusted-types-for 'script'; trusted-types 'none'";

    private record File(byte[] body, String contentType, String etag) {}

    private final Map<String, File> files = new LinkedHashMap<>();
    private final String contentSecurityPolicy;

    /** @param cspReportUri added to the policy as {@code report-uri}, when present */
    public DashboardResources(Optional<String> cspReportUri) {
        for (Map.Entry<String, String> e : FILES.entrySet()) {
            String resource = e.getKey().isEmpty() ? "index.html" : e.getKey();
            byte[] body = read(resource);
            files.put(e.getKey(), new File(body, e.getValue(), etag(body)));
        }
        contentSecurityPolicy = CONTENT_SECURITY_POLICY + cspReportUri.map(uri -> "; report-uri " + uri).orElse("");
    }

    /** Whether the servlet's path info is the dashboard's: {@code /dashboard} or below it. */
    public static boolean isDashboardPath(@Nullable String pathInfo) {
        return pathInfo != null && (pathInfo.equals(PAGE) || pathInfo.startsWith(PAGE + "/"));
    }

    /** The policy sent with every dashboard response. */
    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /** Total size of the page and its files, in bytes. */
    public long totalBytes() {
        return files.values().stream().mapToLong(f -> f.body.length).sum();
    }

    /** Answers a request whose path info {@link #isDashboardPath is the dashboard's}. */
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Referrer-Policy", "same-origin");
        String method = request.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            sendError(response, 405, "method_not_allowed", "the dashboard answers GET only");
            return;
        }
        String path = request.getPathInfo();
        String name;
        if (PAGE.equals(path)) {
            name = "";
        } else if ((PAGE + "/").equals(path)) {
            // The page's relative links resolve against {base}/dashboard, not {base}/dashboard/.
            String query = request.getQueryString();
            response.setHeader("Cache-Control", "no-store");
            response.setStatus(301);
            response.setHeader("Location", request.getContextPath() + request.getServletPath() + PAGE
                    + (query == null ? "" : "?" + query));
            return;
        } else {
            name = path == null ? "-" : path.substring(PAGE.length() + 1);
            if (name.isEmpty()) {
                name = "-";
            }
        }
        File file = files.get(name);
        if (file == null) {
            sendError(response, 404, "not_found", "no such dashboard file");
            return;
        }
        // Names are fixed, so a file may change with the jar: revalidate each time, cheaply by ETag.
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", file.etag);
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals(file.etag) || ifNoneMatch.equals("W/" + file.etag))) {
            response.setStatus(304);
            return;
        }
        response.setStatus(200);
        response.setContentType(file.contentType);
        response.setContentLength(file.body.length);
        if (!head) {
            response.getOutputStream().write(file.body);
        }
    }

    private static void sendError(HttpServletResponse response, int status, String code, String message) throws IOException {
        byte[] body = ("{\"success\":false,\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static Map<String, String> files() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("", "text/html;charset=UTF-8");
        m.put("app.css", "text/css;charset=UTF-8");
        m.put("app.js", "text/javascript;charset=UTF-8");
        m.put("api.js", "text/javascript;charset=UTF-8");
        m.put("view.js", "text/javascript;charset=UTF-8");
        m.put("chart.js", "text/javascript;charset=UTF-8");
        m.put("icon.svg", "image/svg+xml");
        return Map.copyOf(m);
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardResources.class.getResourceAsStream(RESOURCE_DIRECTORY + resource)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + RESOURCE_DIRECTORY + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + resource, e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
