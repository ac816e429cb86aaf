package io.activitytrail.examples.jetty;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.AccessPolicy;
import io.activitytrail.servlet.ActivityApiServlet;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.servlet.ApiSettings;
import io.activitytrail.servlet.FilterSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * ActivityTrail in a plain Jetty 12 application, no Spring: the container's own security (HTTP
 * Basic with three demo users) signs users in, {@link ActivityFilter} logs every request,
 * {@link ActivityApiServlet} serves the JSON API (and the dashboard) at {@code /api/profile/activity}.
 *
 * <p>Run it from the repository root: {@code ./mvnw -B -ntp -pl examples/servlet-jetty -am
 * -DskipTests -Prun-demo package}, then open http://localhost:8080/ and sign in as
 * {@code alice}/{@code alice}, {@code bob}/{@code bob} or {@code admin}/{@code admin}. Set
 * {@code ACTIVITY_DEMO_JDBC_URL} to use your own PostgreSQL, {@code ACTIVITY_DEMO_PORT} for
 * another port.
 */
public final class JettyDemo implements AutoCloseable {
    static final String API_BASE = ApiSettings.DEFAULT_BASE_PATH;

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final JdbcActivityStore store;
    private final ActivityTrail trail;
    private final Server server;
    private final int port;

    private JettyDemo(int port, String jdbcUrl) throws Exception {
        EmbeddedPostgres started = null;
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            // Closed by close(), after the trail; a hook of its own would race with the demo's.
            started = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
            jdbcUrl = started.getJdbcUrl("postgres", "postgres");
        }
        embedded = started;
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setJdbcUrl(jdbcUrl);
        poolConfig.setPoolName("activity-jetty-demo");
        dataSource = new HikariDataSource(poolConfig);
        store = JdbcActivityStore.builder(dataSource).migrate(true).build();
        trail = ActivityTrail.builder().store(store)
                .spoolDirectory(Files.createTempDirectory("activity-jetty-demo-spool"))
                .build();
        seed(trail);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SECURITY);
        context.setContextPath("/");
        context.setSecurityHandler(security());
        FilterSettings filterSettings = FilterSettings.builder().activityApiPath(API_BASE).build();
        context.addFilter(new FilterHolder(new ActivityFilter(trail, filterSettings)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        ApiSettings apiSettings = ApiSettings.builder().clientAddress(filterSettings).build();
        context.addServlet(new ServletHolder(new ActivityApiServlet(trail, AccessPolicy.roles(), apiSettings)),
                apiSettings.urlPattern());
        context.addServlet(new ServletHolder(new HomeServlet()), "/");
        context.addServlet(new ServletHolder(new HelloServlet()), "/hello");
        server.setHandler(context);
        server.start();
        this.port = connector.getLocalPort();
    }

    /** Starts the demo: embedded PostgreSQL unless {@code jdbcUrl} is given, Jetty on {@code port} (0: any free port). */
    public static JettyDemo start(int port, String jdbcUrl) throws Exception {
        return new JettyDemo(port, jdbcUrl);
    }

    public int port() {
        return port;
    }

    /** The demo's trail, for tests that wait for what the filter logged. */
    ActivityTrail trail() {
        return trail;
    }

    public static void main(String[] args) throws Exception {
        String port = System.getenv().getOrDefault("ACTIVITY_DEMO_PORT", "8080");
        JettyDemo demo = start(Integer.parseInt(port), System.getenv("ACTIVITY_DEMO_JDBC_URL"));
        Runtime.getRuntime().addShutdownHook(new Thread(demo::closeQuietly, "jetty-demo-shutdown"));
        System.out.println();
        System.out.println("ActivityTrail Jetty demo on http://localhost:" + demo.port() + "/");
        System.out.println("  sign in as alice/alice, bob/bob or admin/admin (HTTP Basic)");
        System.out.println("  dashboard: http://localhost:" + demo.port() + API_BASE + "/dashboard");
        System.out.println("  JSON API:  http://localhost:" + demo.port() + API_BASE);
        System.out.println("  Ctrl+C stops it.");
        demo.server.join();
    }

    private static ConstraintSecurityHandler security() {
        UserStore users = new UserStore();
        users.addUser("alice", Credential.getCredential("alice"), new String[] {"user"});
        users.addUser("bob", Credential.getCredential("bob"), new String[] {"user"});
        users.addUser("admin", Credential.getCredential("admin"), new String[] {"user", "admin"});
        HashLoginService loginService = new HashLoginService("ActivityTrail demo");
        loginService.setUserStore(users);

        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(Constraint.from("user"));
        ConstraintMapping hello = new ConstraintMapping();
        hello.setPathSpec("/hello");
        hello.setConstraint(Constraint.ALLOWED);
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setLoginService(loginService);
        security.setAuthenticator(new BasicAuthenticator());
        security.setConstraintMappings(List.of(everything, hello));
        return security;
    }

    /** A few weeks of history for alice and bob, so that the dashboard has something to show. */
    static void seed(ActivityTrail trail) {
        Random random = new Random(42);
        Instant now = Instant.now();
        RequestInfo laptop = new RequestInfo("203.0.113.7",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
                "demo-session-1", null);
        RequestInfo phone = new RequestInfo("2001:db8::42",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "demo-session-2", null);
        List<Activity> history = new ArrayList<>();
        for (String user : List.of("alice", "bob")) {
            for (int day = 27; day >= 0; day--) {
                Instant morning = now.minus(Duration.ofDays(day)).minus(Duration.ofHours(8));
                RequestInfo device = random.nextInt(4) == 0 ? phone : laptop;
                if (random.nextInt(6) == 0) {
                    history.add(Activity.builder(user, "login_failed").severity(Severity.WARNING)
                            .description("Failed sign-in attempt").request(device).createdAt(morning.minusSeconds(90)).build());
                }
                history.add(Activity.builder(user, "login").description("Signed in").request(device).createdAt(morning).build());
                for (int i = random.nextInt(4); i > 0; i--) {
                    int invoice = 1_000 + random.nextInt(9_000);
                    history.add(Activity.builder(user, "invoice_paid").description("Paid invoice " + invoice)
                            .metadata(Map.of("invoice", invoice)).request(device)
                            .createdAt(morning.plus(Duration.ofMinutes(5L + random.nextInt(300)))).build());
                }
            }
        }
        history.add(Activity.builder("alice", "password_changed").description("Password changed")
                .request(laptop).createdAt(now.minus(Duration.ofDays(3))).build());
        history.forEach(trail::log);
        trail.flush();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        trail.close();
        store.close();
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("jetty demo: " + e);
        }
    }

    /** The home page: who you are and where to go. */
    private static final class HomeServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!request.getRequestURI().equals("/")) {
                response.sendError(404);
                return;
            }
            response.sendRedirect(API_BASE + "/dashboard");
        }
    }

    /** A trivial endpoint, open to anyone: what load runs measure the filter's cost on. */
    private static final class HelloServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
