package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.InMemoryActivityStore;
import io.activitytrail.Severity;
import io.activitytrail.testsupport.PostgresExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every filter of {@link ActivityQuery}, compared with {@link InMemoryActivityStore} (the reference
 * semantics) on the same 2,000 activities spread over four monthly partitions.
 */
class JdbcActivityStoreQueryIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static final String USER = "user-q";
    static final Instant START = Instant.parse("2025-01-20T00:00:00Z");
    static final String[] ACTIONS = {"login", "login_failed", "http_request", "invoice_paid"};
    static final String[] IPS = {"10.0.0.1", "10.0.0.2", "2001:db8::1", "192.168.1.20"};
    static final String[] TEXTS = {"Paid invoice 17", "Viewed 100% of the page", "changed user_name", "GET /api/orders"};

    static JdbcActivityStore store;
    static final InMemoryActivityStore reference = new InMemoryActivityStore();
    static final List<Activity> all = new ArrayList<>();

    @BeforeAll
    static void start() {
        store = Fixtures.store(postgres).build();
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            // About 70 days from 20 January: four monthly partitions. Some share a timestamp, so
            // ties are broken by id.
            Instant at = START.plusSeconds((i / 2) * 6_000L + (i % 2 == 0 ? 0 : random.nextInt(2)));
            all.add(Activity.builder(i % 10 == 9 ? "user-other" : USER, ACTIONS[random.nextInt(ACTIONS.length)])
                    .severity(Severity.values()[random.nextInt(4)])
                    .ipAddress(IPS[random.nextInt(IPS.length)])
                    .sessionId("session-" + random.nextInt(5))
                    .requestId("request-" + i)
                    .description(TEXTS[random.nextInt(TEXTS.length)])
                    .userAgent("agent-" + random.nextInt(3))
                    .createdAt(at)
                    .build());
        }
        for (int i = 0; i < all.size(); i += 500) {
            store.write(all.subList(i, Math.min(all.size(), i + 500)));
        }
        reference.write(all);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldSpreadTheFixtureOverSeveralPartitions() throws Exception {
        assertThat(Fixtures.strings(postgres, "SELECT DISTINCT tableoid::regclass::text FROM user_activity_logs WHERE user_id = 'user-q'"))
                .contains("user_activity_logs_p2025_01", "user_activity_logs_p2025_02", "user_activity_logs_p2025_03");
    }

    @Test
    void shouldReturnTheNewestFirstLikeTheReference() {
        assertSameAsReference(q -> q.limit(100));
    }

    @Test
    void shouldFilterByActions() {
        assertSameAsReference(q -> q.actions("login", "login_failed").limit(50));
    }

    @Test
    void shouldFilterBySeverities() {
        assertSameAsReference(q -> q.severities(Severity.ERROR, Severity.CRITICAL).limit(50));
    }

    @Test
    void shouldFilterByTimeRangeWithFromInclusiveAndToExclusive() {
        Instant from = all.get(400).createdAt();
        Instant to = all.get(800).createdAt();
        assertSameAsReference(q -> q.from(from).to(to).limit(100));
        List<Activity> page = allPages(ActivityQuery.forUser(USER).from(from).to(to).limit(100));
        assertThat(page).allSatisfy(a -> assertThat(a.createdAt()).isAfterOrEqualTo(from).isBefore(to));
    }

    @Test
    void shouldFilterBySessionId() {
        assertSameAsReference(q -> q.sessionId("session-3").limit(30));
    }

    @Test
    void shouldFilterByIpAddressComparingAddressesNotSpellings() {
        assertSameAsReference(q -> q.ipAddress("2001:db8::1").limit(30));
        List<Activity> longSpelling = allPages(ActivityQuery.forUser(USER).ipAddress("2001:0db8:0000:0000:0000:0000:0000:0001").limit(100));
        assertThat(longSpelling).isNotEmpty().allSatisfy(a -> assertThat(a.ipAddress()).isEqualTo("2001:db8::1"));
    }

    @Test
    void shouldFilterByRequestId() {
        assertSameAsReference(q -> q.requestId("request-1234"));
        assertThat(store.query(ActivityQuery.forUser(USER).requestId("request-1234").build()).activities())
                .extracting(Activity::requestId).containsExactly("request-1234");
    }

    @Test
    void shouldFilterByTextIgnoringCaseAndTakingWildcardsLiterally() {
        assertSameAsReference(q -> q.text("INVOICE").limit(40));
        assertSameAsReference(q -> q.text("100%").limit(40));
        assertSameAsReference(q -> q.text("user_name").limit(40));
        assertThat(store.query(ActivityQuery.forUser(USER).text("d_u").build()).activities()).isEmpty();
        assertThat(store.query(ActivityQuery.forUser(USER).text("%").build()).activities())
                .allSatisfy(a -> assertThat(a.description()).contains("%"));
    }

    @Test
    void shouldCombineFilters() {
        assertSameAsReference(q -> q.actions("http_request").severities(Severity.INFO, Severity.WARNING)
                .sessionId("session-1").text("get").from(START.plusSeconds(86_400 * 10)).limit(10));
    }

    @Test
    void shouldPageByCursorAcrossPartitionBoundariesWithoutGapsOrRepeats() {
        List<Activity> expected = all.stream().filter(a -> a.userId().equals(USER))
                .sorted((a, b) -> {
                    int c = b.createdAt().compareTo(a.createdAt());
                    return c != 0 ? c : uuidOrder(b, a);
                })
                .toList();

        List<Activity> paged = allPages(ActivityQuery.forUser(USER).limit(7));

        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldGiveNumberedPagesWithTotals() {
        long total = all.stream().filter(a -> a.userId().equals(USER) && a.action().equals("login")).count();

        ActivityPage page3 = store.query(ActivityQuery.forUser(USER).actions("login").limit(20).page(3).build());
        ActivityPage reference3 = reference.query(ActivityQuery.forUser(USER).actions("login").limit(20).page(3).build());
        ActivityPage beyond = store.query(ActivityQuery.forUser(USER).actions("login").limit(20).page(1000).build());

        assertThat(page3.pagination()).hasValueSatisfying(p -> {
            assertThat(p.page()).isEqualTo(3);
            assertThat(p.limit()).isEqualTo(20);
            assertThat(p.total()).isEqualTo(total);
            assertThat(p.totalPages()).isEqualTo((total + 19) / 20);
        });
        assertThat(page3.activities()).containsExactlyElementsOf(reference3.activities());
        assertThat(beyond.activities()).isEmpty();
        assertThat(beyond.pagination()).hasValueSatisfying(p -> assertThat(p.total()).isEqualTo(total));
    }

    @Test
    void shouldReturnAnEmptyPageForAnUnknownUser() {
        ActivityPage page = store.query(ActivityQuery.forUser("nobody").build());
        assertThat(page.activities()).isEmpty();
        assertThat(page.nextCursor()).isEmpty();
    }

    private static int uuidOrder(Activity a, Activity b) {
        int c = Long.compareUnsigned(a.id().getMostSignificantBits(), b.id().getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.id().getLeastSignificantBits(), b.id().getLeastSignificantBits());
    }

    private static void assertSameAsReference(UnaryOperator<ActivityQuery.Builder> query) {
        List<Activity> expected = allPagesOf(reference, query.apply(ActivityQuery.forUser(USER)));
        List<Activity> actual = allPages(query.apply(ActivityQuery.forUser(USER)));
        assertThat(expected).isNotEmpty();
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    private static List<Activity> allPages(ActivityQuery.Builder query) {
        return allPagesOf(store, query);
    }

    private static List<Activity> allPagesOf(io.activitytrail.ActivityStore s, ActivityQuery.Builder query) {
        List<Activity> rows = new ArrayList<>();
        ActivityPage page = s.query(query.build());
        rows.addAll(page.activities());
        while (page.nextCursor().isPresent()) {
            page = s.query(query.after(page.nextCursor().get()).build());
            rows.addAll(page.activities());
        }
        return rows;
    }
}
