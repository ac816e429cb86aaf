package io.activitytrail.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/**
 * Jetty 12.1 for the dashboard in a browser: the API servlets at their patterns, a stand-in for
 * the host's sign-in ({@code GET /test-login?user=alice&roles=admin} sets cookies that a filter
 * turns into the principal and roles), a CSP report endpoint at {@code /csp-report/*} that counts
 * what browsers post there (per path: {@code /csp-report} for the dashboard,
 * {@code /csp-report/canary} for the canary), and {@code /csp-canary}, a page that breaks the
 * dashboard's own policy on purpose.
 */
final class DashboardTestServer implements AutoCloseable {
    private final Server server = new Server();
    private final int port;
    private final Map<String, AtomicInteger> reports = new ConcurrentHashMap<>();
    final List<String> reportBodies = new CopyOnWriteArrayList<>();
    volatile String canaryPolicy = "default-src 'none'";

    DashboardTestServer(Map<String, ActivityApiServlet> servlets) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new CookieAuthFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        servlets.forEach((pattern, servlet) -> context.addServlet(new ServletHolder(servlet), pattern));
        context.addServlet(new ServletHolder(new LoginServlet()), "/test-login");
        context.addServlet(new ServletHolder(new ReportServlet()), "/csp-report/*");
        context.addServlet(new ServletHolder(new CanaryServlet()), "/csp-canary");
        // Browsers ask for it on every page of the origin (the test-login page too); not the dashboard's.
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                response.setStatus(204);
            }
        }), "/favicon.ico");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Reports posted to {@code /csp-report} plus {@code path}: "" for the dashboard's, "/canary". */
    int reports(String path) {
        AtomicInteger n = reports.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class ReportServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getPathInfo() == null ? "" : request.getPathInfo();
            reportBodies.add(new String(request.getInputStream().readNBytes(16_384), StandardCharsets.UTF_8));
            reports.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            response.setStatus(204);
        }
    }

    /** Inline script and an inline style attribute: both must be refused, and reported, by the policy. */
    private final class CanaryServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setHeader("Content-Security-Policy", canaryPolicy);
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write("<!doctype html><title>canary</title><p style=\"color:red\">canary</p>"
                    + "<script>window.__inlineRan = 1;</script>");
        }
    }

    private static final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String user = request.getParameter("user");
            String roles = request.getParameter("roles");
            response.addCookie(cookie("test-user", user));
            response.addCookie(cookie("test-roles", roles == null ? null : roles.replace(',', '.')));
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(user == null ? "signed out" : "signed in as " + user);
        }

        private static Cookie cookie(String name, @Nullable String value) {
            Cookie c = new Cookie(name, value == null ? "" : value);
            c.setPath("/");
            c.setHttpOnly(true);
            if (value == null || value.isEmpty()) {
                c.setMaxAge(0);
            }
            return c;
        }
    }

    /** The browser tests' stand-in for the host's security: the user and roles from the test cookies. */
    private static final class CookieAuthFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            String user = cookie(http, "test-user");
            if (user == null || user.isEmpty()) {
                chain.doFilter(request, response);
                return;
            }
            String rolesCookie = cookie(http, "test-roles");
            Set<String> roles = rolesCookie == null ? Set.of()
                    : Arrays.stream(rolesCookie.split("\\.")).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
            Principal principal = () -> user;
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return user;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return roles.contains(role);
                }
            }, response);
        }

        private static @Nullable String cookie(HttpServletRequest request, String name) {
            Cookie[] cookies = request.getCookies();
            if (cookies == null) {
                return null;
            }
            for (Cookie c : cookies) {
                if (c.getName().equals(name)) {
                    return c.getValue();
                }
            }
            return null;
        }
    }
}
