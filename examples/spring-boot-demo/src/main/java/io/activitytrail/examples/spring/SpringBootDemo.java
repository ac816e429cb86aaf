package io.activitytrail.examples.spring;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.RequestInfo;
import io.activitytrail.Severity;
import io.activitytrail.spring.TrackActivity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * ActivityTrail in a Spring Boot 4 application: the starter is the only ActivityTrail dependency.
 * Spring Security form login (alice/alice, bob/bob, admin/admin), every request logged by the
 * filter, sign-ins from Security's events, business events logged by the code, and the dashboard
 * as the page after sign-in. Without {@code spring.datasource.url} an embedded PostgreSQL starts.
 *
 * <p>Run from the repository root: {@code ./mvnw -B -ntp -pl examples/spring-boot-demo -am
 * -DskipTests -Prun-demo package}, then open http://localhost:8080/.
 */
@SpringBootApplication
public class SpringBootDemo {
    static final String DASHBOARD = "/api/profile/activity/dashboard";

    public static void main(String[] args) throws IOException {
        EmbeddedPostgres database = startEmbeddedDatabaseUnlessConfigured(false);
        SpringApplication application = new SpringApplication(SpringBootDemo.class);
        // One hook that closes the application before its database, so that the trail's last
        // batch is written rather than spooled (two separate hooks would race).
        application.setRegisterShutdownHook(false);
        ConfigurableApplicationContext context = application.run(args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            closeQuietly(database);
        }, "demo-shutdown"));
    }

    /**
     * An embedded PostgreSQL for the demo when the environment names no database, or null. A
     * throwaway database gets a throwaway spool too: rows spooled for one run's database must
     * never be replayed into the next run's (they made the seeding skip alice, whose replayed row
     * said she already had a history).
     *
     * @param closeAtExit whether the database closes itself in a shutdown hook of its own; false
     *     when the caller closes it after the application
     */
    static EmbeddedPostgres startEmbeddedDatabaseUnlessConfigured(boolean closeAtExit) throws IOException {
        if (System.getProperty("spring.datasource.url") != null || System.getenv("SPRING_DATASOURCE_URL") != null) {
            return null;
        }
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(closeAtExit).start();
        System.setProperty("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
        System.setProperty("spring.datasource.username", "postgres");
        System.setProperty("activity.spool-dir", Files.createTempDirectory("activitytrail-demo-spool").toString());
        return postgres;
    }

    static void closeQuietly(EmbeddedPostgres database) {
        if (database == null) {
            return;
        }
        try {
            database.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL: " + e);
        }
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .formLogin(form -> form.defaultSuccessUrl(DASHBOARD, false))
                .logout(Customizer.withDefaults())
                // The activity API defends its own state-changing routes (JSON only, same origin);
                // Spring's token would need the dashboard to know it.
                .csrf(csrf -> csrf.ignoringRequestMatchers("/api/profile/activity/**"));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice").roles("user").build(),
                User.withUsername("bob").password("{noop}bob").roles("user").build(),
                User.withUsername("admin").password("{noop}admin").roles("user", "admin").build());
    }

    /** A few weeks of history for alice and bob on the first start, so that the dashboard has something to show. */
    @EventListener(ApplicationReadyEvent.class)
    public void seed(ApplicationReadyEvent event) {
        ActivityTrail trail = event.getApplicationContext().getBean(ActivityTrail.class);
        if (!trail.query(ActivityQuery.forUser("alice").limit(1).build()).activities().isEmpty()) {
            return;
        }
        Random random = new Random(7);
        Instant now = Instant.now();
        RequestInfo laptop = new RequestInfo("198.51.100.23",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "seed-session-a", null);
        RequestInfo phone = new RequestInfo("2001:db8:77::9",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
                "seed-session-b", null);
        for (String user : List.of("alice", "bob")) {
            for (int day = 34; day >= 1; day--) {
                Instant at = now.minus(Duration.ofDays(day)).plus(Duration.ofMinutes(random.nextInt(600)));
                RequestInfo device = random.nextInt(3) == 0 ? phone : laptop;
                if (random.nextInt(7) == 0) {
                    trail.log(Activity.builder(user, "login_failed").severity(Severity.WARNING).description("Failed sign-in attempt")
                            .request(device).createdAt(at.minusSeconds(60)).build());
                }
                trail.log(Activity.builder(user, "login").description("Signed in").request(device).createdAt(at).build());
                for (int i = random.nextInt(3); i > 0; i--) {
                    int order = 100 + random.nextInt(900);
                    trail.log(Activity.builder(user, "order_paid").description("Paid order " + order)
                            .metadata(Map.of("order", order)).request(device).createdAt(at.plusSeconds(60L * (i + 1))).build());
                }
            }
        }
        trail.flush();
    }

    /** Business code: {@code @TrackActivity} logs each payment in the signed-in user's history. */
    @Service
    public static class Payments {
        @TrackActivity(action = "order_paid", description = "Paid order #{#orderId}", metadata = {"order=#orderId", "receipt=#result"})
        public String pay(int orderId) {
            return "R-" + orderId;
        }
    }

    /** Business endpoints: what the filter logs on its own, and a payment logged by {@code @TrackActivity}. */
    @RestController
    static class Orders {
        private final Payments payments;

        Orders(Payments payments) {
            this.payments = payments;
        }

        @GetMapping("/orders/{id}")
        Map<String, Object> order(@PathVariable("id") int id) {
            return Map.of("id", id, "status", "open");
        }

        @PostMapping("/orders/{id}/pay")
        Map<String, Object> pay(@PathVariable("id") int id) {
            return Map.of("id", id, "status", "paid", "receipt", payments.pay(id));
        }

        @GetMapping("/")
        org.springframework.web.servlet.view.RedirectView home() {
            return new org.springframework.web.servlet.view.RedirectView(DASHBOARD);
        }
    }
}
