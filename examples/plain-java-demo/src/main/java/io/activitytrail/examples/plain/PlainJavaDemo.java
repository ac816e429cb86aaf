package io.activitytrail.examples.plain;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityTrail;
import io.activitytrail.ExportFormat;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * ActivityTrail in a plain Java program: starts an embedded PostgreSQL, logs what a few users do,
 * then reads it back the ways an application would (timeline pages, stats, export, erasure).
 *
 * <p>Run it from the repository root: {@code ./mvnw -B -ntp -pl examples/plain-java-demo -am
 * -DskipTests -Prun-demo package}. Pass a JDBC URL as the first argument (or set
 * {@code ACTIVITY_DEMO_JDBC_URL}) to use your own PostgreSQL instead of the embedded one.
 */
public final class PlainJavaDemo {

    private PlainJavaDemo() {}

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : System.getenv("ACTIVITY_DEMO_JDBC_URL");
        EmbeddedPostgres embedded = null;
        if (url == null || url.isBlank()) {
            System.out.println("Starting embedded PostgreSQL ...");
            embedded = EmbeddedPostgres.builder().start();
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setJdbcUrl(url);
        poolConfig.setPoolName("activity-demo");
        Path spool = Files.createTempDirectory("activity-demo-spool");

        // Closed in reverse order: the trail flushes into the store, the store stops its maintenance
        // thread, then the pool closes.
        try (HikariDataSource dataSource = new HikariDataSource(poolConfig);
                JdbcActivityStore store = JdbcActivityStore.builder(dataSource).migrate(true).build();
                ActivityTrail trail = ActivityTrail.builder()
                        .store(store)
                        .batchSize(500)
                        .flushInterval(Duration.ofMillis(200))
                        .spoolDirectory(spool)
                        .build()) {
            run(trail);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void run(ActivityTrail trail) throws Exception {
        RequestInfo laptop = new RequestInfo("203.0.113.7",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
                "session-alice-1", "req-1");
        RequestInfo phone = new RequestInfo("2001:db8::42",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "session-alice-2", "req-2");

        // What business code does: one call per event; log() returns at once.
        trail.logLogin("alice", laptop, false);
        trail.logLogin("alice", laptop, true);
        for (int invoice = 1; invoice <= 25; invoice++) {
            trail.log(Activity.builder("alice", "invoice_paid")
                    .description("Paid invoice " + invoice)
                    .metadata(Map.of("invoice", invoice, "amount_cents", 1_000 + invoice))
                    .request(laptop)
                    .build());
        }
        trail.logLogin("alice", phone, true);
        trail.logPasswordChanged("alice", phone);
        trail.log(Activity.builder("alice", "export_failed").severity(Severity.ERROR)
                .description("Export to the accounting system failed").build());
        trail.logLogin("bob", RequestInfo.empty(), true);
        trail.log("bob", "invoice_paid", "Paid invoice 99");
        trail.flush();

        System.out.println("\nAlice's timeline, newest first, 10 per page:");
        ActivityQuery.Builder query = ActivityQuery.forUser("alice").limit(10);
        ActivityPage page = trail.query(query.build());
        int pageNumber = 1;
        while (true) {
            System.out.printf("  page %d:%n", pageNumber);
            for (Activity a : page.activities()) {
                System.out.printf("    %s  %-16s %-8s %s%n", a.createdAt(), a.action(), a.severity().value(), a.description());
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            page = trail.query(ActivityQuery.forUser("alice").limit(10).after(page.nextCursor().get()).build());
            pageNumber++;
        }

        ActivityPage logins = trail.query(ActivityQuery.forUser("alice").actions("login", "login_failed").build());
        System.out.printf("%nAlice's sign-ins: %d%n", logins.activities().size());

        ActivityStats stats = trail.stats("alice", Duration.ofDays(30));
        System.out.printf("%nAlice's last 30 days: %d activities, %d failed logins, %d IPs, %d devices, last login %s%n",
                stats.total(), stats.failedLogins(), stats.distinctIps(), stats.distinctDevices(),
                stats.lastLogin().map(Object::toString).orElse("never"));
        System.out.println("  by action:   " + stats.byAction());
        System.out.println("  by severity: " + stats.bySeverity());

        ByteArrayOutputStream export = new ByteArrayOutputStream();
        long exported = trail.export("bob", ExportFormat.NDJSON, export);
        System.out.printf("%nBob's data export (%d activities, NDJSON):%n%s", exported,
                export.toString(StandardCharsets.UTF_8));

        System.out.printf("%nErased Bob: %d activities%n", trail.eraseUser("bob"));
    }
}
