package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.Activity;
import io.activitytrail.ActivityStats;
import io.activitytrail.InMemoryActivityStore;
import io.activitytrail.Severity;
import io.activitytrail.testsupport.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcActivityStoreStatsIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static final Instant FROM = Instant.parse("2025-06-01T00:00:00Z");
    static final Instant TO = Instant.parse("2025-06-04T00:00:00Z");

    static JdbcActivityStore store;
    static final InMemoryActivityStore reference = new InMemoryActivityStore();

    @BeforeAll
    static void start() {
        store = Fixtures.store(postgres).build();
        List<Activity> fixture = List.of(
                row("alice", "login", Severity.INFO, "2025-05-31T23:59:59Z", "10.0.0.1", "agent A"),
                row("alice", "login", Severity.INFO, "2025-06-01T00:00:00Z", "10.0.0.1", "agent A"),
                row("alice", "login_failed", Severity.WARNING, "2025-06-01T08:00:00Z", "10.0.0.2", "agent B"),
                row("alice", "login_failed", Severity.WARNING, "2025-06-01T08:01:00Z", "10.0.0.2", "agent B"),
                row("alice", "http_request", Severity.INFO, "2025-06-02T12:00:00Z", "10.0.0.1", "agent A"),
                row("alice", "invoice_paid", Severity.ERROR, "2025-06-02T13:00:00Z", null, null),
                row("alice", "http_request", Severity.CRITICAL, "2025-06-03T23:59:59.999999Z", "2001:db8::1", "agent C"),
                row("alice", "login", Severity.INFO, "2025-06-04T00:00:00Z", "10.0.0.9", "agent D"),
                row("bob", "login", Severity.INFO, "2025-06-02T00:00:00Z", "10.0.0.3", "agent E"));
        store.write(fixture);
        reference.write(fixture);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    static Activity row(String user, String action, Severity severity, String at, @Nullable String ip, @Nullable String agent) {
        return Activity.builder(user, action).severity(severity).createdAt(Instant.parse(at)).ipAddress(ip).userAgent(agent).build();
    }

    @Test
    void shouldComputeStatsOfTheHandComputedFixture() {
        ActivityStats stats = store.stats("alice", FROM, TO);

        assertThat(stats.userId()).isEqualTo("alice");
        assertThat(stats.from()).isEqualTo(FROM);
        assertThat(stats.to()).isEqualTo(TO);
        assertThat(stats.total()).isEqualTo(6);
        assertThat(stats.byAction()).isEqualTo(Map.of("login", 1L, "login_failed", 2L, "http_request", 2L, "invoice_paid", 1L));
        assertThat(stats.bySeverity()).isEqualTo(Map.of(Severity.INFO, 2L, Severity.WARNING, 2L, Severity.ERROR, 1L, Severity.CRITICAL, 1L));
        assertThat(stats.perDay()).containsExactly(
                Map.entry(LocalDate.parse("2025-06-01"), 3L),
                Map.entry(LocalDate.parse("2025-06-02"), 2L),
                Map.entry(LocalDate.parse("2025-06-03"), 1L));
        assertThat(stats.lastLoginAt()).isEqualTo(Instant.parse("2025-06-04T00:00:00Z"));
        assertThat(stats.failedLogins()).isEqualTo(2);
        assertThat(stats.distinctIps()).isEqualTo(3);
        assertThat(stats.distinctDevices()).isEqualTo(3);
    }

    @Test
    void shouldAgreeWithTheReferenceStore() {
        Instant from = Instant.parse("2025-05-30T06:00:00Z");
        Instant to = Instant.parse("2025-06-10T00:00:00Z");
        assertThat(store.stats("alice", from, to)).isEqualTo(reference.stats("alice", from, to));
        assertThat(store.stats("bob", FROM, TO)).isEqualTo(reference.stats("bob", FROM, TO));
    }

    @Test
    void shouldGiveZerosForAUserWithoutActivity() {
        ActivityStats stats = store.stats("nobody", FROM, TO);

        assertThat(stats.total()).isZero();
        assertThat(stats.byAction()).isEmpty();
        assertThat(stats.bySeverity()).containsEntry(Severity.INFO, 0L);
        assertThat(stats.perDay()).hasSize(3).allSatisfy((day, n) -> assertThat(n).isZero());
        assertThat(stats.lastLogin()).isEmpty();
    }

    @Test
    void shouldAnswerFromTheCacheUntilTheStoreWritesForTheUser() throws Exception {
        Instant now = Instant.now();
        store.write(List.of(Fixtures.activity("carol", "login", now.minusSeconds(10))));
        assertThat(store.stats("carol", now.minus(Duration.ofDays(7)), now).total()).isEqualTo(1);

        // A row the store did not write (another instance, say): not seen while the cache holds.
        Fixtures.execute(postgres, "INSERT INTO user_activity_logs (id, user_id, action, created_at) "
                + "VALUES (gen_random_uuid(), 'carol', 'login', now() - interval '5 seconds')");
        Instant later = now.plusSeconds(2);
        ActivityStats cached = store.stats("carol", later.minus(Duration.ofDays(7)), later);
        try (JdbcActivityStore uncached = Fixtures.store(postgres).statsCacheTtl(Duration.ZERO).build()) {
            assertThat(uncached.stats("carol", later.minus(Duration.ofDays(7)), later).total()).isEqualTo(2);
        }
        store.write(List.of(Fixtures.activity("carol", "logout", now.minusSeconds(1))));
        ActivityStats afterWrite = store.stats("carol", later.minus(Duration.ofDays(7)), later);

        assertThat(cached.total()).isEqualTo(1);
        assertThat(afterWrite.total()).isEqualTo(3);
    }

    @Test
    void shouldDropCachedStatsWhenAUserIsErased() {
        Instant now = Instant.now();
        store.write(List.of(Fixtures.activity("dave", "login", now.minusSeconds(10))));
        assertThat(store.stats("dave", now.minus(Duration.ofDays(1)), now).total()).isEqualTo(1);

        store.eraseUser("dave");

        assertThat(store.stats("dave", now.minus(Duration.ofDays(1)), now).total()).isZero();
    }

    @Test
    void shouldRefuseAnEmptyWindow() {
        assertThatThrownBy(() -> store.stats("alice", TO, FROM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from must be before to");
    }
}
