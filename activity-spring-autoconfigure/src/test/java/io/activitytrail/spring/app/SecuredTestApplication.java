package io.activitytrail.spring.app;

import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.security.config.Customizer;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import io.activitytrail.spring.TrackActivity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A host application as a Spring Boot user writes one: form login (and basic for API clients under /client/), two users and an admin, a few business endpoints. */
@SpringBootApplication
public class SecuredTestApplication {
    /** Set by the test before the context starts: the test's PostgreSQL (kept open when the context closes). */
    public static DataSource database;

    @Bean
    DataSource dataSource() {
        return new DelegatingDataSource(database);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/public", "/error").permitAll().anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    /** API clients under {@code /client/}: basic credentials on every request, no session, 401 without them. */
    @Bean
    @Order(1)
    SecurityFilterChain clients(HttpSecurity http) throws Exception {
        http.securityMatcher("/client/**")
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-pw").roles("user").build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("user").build(),
                User.withUsername("carol").password("{noop}carol-pw").roles("user").build(),
                User.withUsername("dave").password("{noop}dave-pw").roles("user").build(),
                User.withUsername("admin").password("{noop}admin-pw").roles("user", "admin").build());
    }

    /** Business code with {@link TrackActivity}: a success with expressions over arguments and result, and a failure. */
    @Service
    public static class Invoices {
        @TrackActivity(action = "invoice_paid", description = "Paid invoice #{#invoiceId}",
                metadata = {"invoice=#invoiceId", "amount=#amountCents", "receipt=#result", "broken=#nosuch.field"})
        public String pay(long invoiceId, int amountCents) {
            return "R-" + invoiceId;
        }

        @TrackActivity(action = "invoice_noted", description = "Note on invoice #{#invoiceId}: #{#note}", metadata = "note=#note")
        public void note(long invoiceId, String note) {}

        @TrackActivity(action = "invoice_refunded", description = "Refunded invoice #{#invoiceId}")
        public void refund(long invoiceId) {
            throw new IllegalStateException("refunds are closed");
        }
    }

    @RestController
    static class Orders {
        private final Invoices invoices;

        Orders(Invoices invoices) {
            this.invoices = invoices;
        }

        @GetMapping({"/orders/{id}", "/client/orders/{id}"})
        String order(@PathVariable("id") String id) {
            return "order " + id;
        }

        @PostMapping("/orders/{id}")
        String update(@PathVariable("id") String id) {
            return "updated " + id;
        }

        @GetMapping("/invoices/{id}/pay")
        String pay(@PathVariable("id") long id) {
            return invoices.pay(id, 1250);
        }

        /** A note of {@code length} characters, for the limits of an activity's description and metadata. */
        @GetMapping("/invoices/{id}/note")
        String note(@PathVariable("id") long id, @RequestParam("length") int length) {
            invoices.note(id, "n".repeat(length));
            return "noted";
        }

        @GetMapping("/invoices/{id}/refund")
        String refund(@PathVariable("id") long id) {
            try {
                invoices.refund(id);
                return "refunded";
            } catch (IllegalStateException e) {
                return "refused";
            }
        }

        @GetMapping("/public")
        String open() {
            return "open";
        }
    }
}
