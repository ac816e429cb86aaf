package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivityQueryTest {
    private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2025-02-01T00:00:00Z");

    @Test
    void shouldDefaultToTheFirstKeysetPageOfEverything() {
        ActivityQuery query = ActivityQuery.forUser("user-42").build();

        assertThat(query.userId()).isEqualTo("user-42");
        assertThat(query.actions()).isEmpty();
        assertThat(query.severities()).isEmpty();
        assertThat(query.from()).isEmpty();
        assertThat(query.to()).isEmpty();
        assertThat(query.sessionId()).isEmpty();
        assertThat(query.ipAddress()).isEmpty();
        assertThat(query.requestId()).isEmpty();
        assertThat(query.text()).isEmpty();
        assertThat(query.limit()).isEqualTo(20);
        assertThat(query.after()).isEmpty();
        assertThat(query.page()).isEmpty();
    }

    @Test
    void shouldKeepEveryFilter() {
        ActivityCursor cursor = new ActivityCursor(T1, UUID.randomUUID());

        ActivityQuery query = ActivityQuery.forUser("u").actions("login", "logout").actions(List.of("login_failed"))
                .severities(Severity.ERROR, Severity.CRITICAL).from(T1).to(T2).sessionId("s").ipAddress("::1")
                .requestId("r").text("Paid").limit(50).after(cursor.encode()).build();

        assertThat(query.actions()).containsExactlyInAnyOrder("login", "logout", "login_failed");
        assertThat(query.severities()).containsExactlyInAnyOrder(Severity.ERROR, Severity.CRITICAL);
        assertThat(query.from()).contains(T1);
        assertThat(query.to()).contains(T2);
        assertThat(query.sessionId()).contains("s");
        assertThat(query.ipAddress()).contains("::1");
        assertThat(query.requestId()).contains("r");
        assertThat(query.text()).contains("Paid");
        assertThat(query.limit()).isEqualTo(50);
        assertThat(query.after()).contains(cursor);
    }

    @Test
    void shouldAcceptALimitFrom1To100() {
        assertThat(ActivityQuery.forUser("u").limit(1).build().limit()).isEqualTo(1);
        assertThat(ActivityQuery.forUser("u").limit(100).build().limit()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void shouldRejectALimitOutOfBounds(int limit) {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").limit(limit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be between 1 and 100, but was " + limit);
    }

    @Test
    void shouldRejectFromNotBeforeTo() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").from(T2).to(T1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from must be before to, but was from=2025-02-01T00:00:00Z, to=2025-01-01T00:00:00Z");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").to(T1).from(T2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from must be before to, but was from=2025-02-01T00:00:00Z, to=2025-01-01T00:00:00Z");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").from(T1).to(T1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from must be before to, but was from=2025-01-01T00:00:00Z, to=2025-01-01T00:00:00Z");
        assertThat(ActivityQuery.forUser("u").from(T1).to(T1.plusNanos(1_000)).build().to()).contains(T1.plusNanos(1_000));
    }

    @Test
    void shouldAllowClearingABound() {
        ActivityQuery query = ActivityQuery.forUser("u").from(T2).to(null).build();

        assertThat(query.from()).contains(T2);
        assertThat(query.to()).isEmpty();
    }

    @Test
    void shouldRejectACursorTogetherWithAPageNumber() {
        String cursor = new ActivityCursor(T1, UUID.randomUUID()).encode();

        assertThatThrownBy(() -> ActivityQuery.forUser("u").after(cursor).page(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("use either a cursor or a page number, not both");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").page(1).after(ActivityCursor.decode(cursor)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAPageNumberOutOfBounds() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").page(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("page must be between 1 and 1000000, but was 0");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").page(1_000_001))
                .hasMessage("page must be between 1 and 1000000, but was 1000001");
        assertThat(ActivityQuery.forUser("u").page(1_000_000).build().page()).hasValue(1_000_000);
    }

    @Test
    void shouldRejectACursorNotMadeByActivityTrail() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").after("garbage!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor is not valid");
    }

    @Test
    void shouldTreatAnEmptyCursorAsTheFirstPage() {
        assertThat(ActivityQuery.forUser("u").after("").build().after()).isEmpty();
        assertThat(ActivityQuery.forUser("u").after((String) null).build().after()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Login", "log in", "", "login!", "caf\u00e9",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void shouldRejectBadActionNames(String action) {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").actions("login", action))
                .isInstanceOf(InvalidActivityException.class)
                .hasMessageStartingWith("action must match [a-z0-9_.:-]{1,100}, but was ");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").actions(List.of(action)))
                .isInstanceOf(InvalidActivityException.class);
    }

    @Test
    void shouldRejectABadUserId() {
        assertThatThrownBy(() -> ActivityQuery.forUser(" ")).isInstanceOf(InvalidActivityException.class)
                .hasMessage("userId must not be blank");
        assertThatThrownBy(() -> ActivityQuery.forUser("u".repeat(129))).isInstanceOf(InvalidActivityException.class)
                .hasMessage("userId must be at most 128 characters, but was 129");
    }

    @Test
    void shouldRejectAnIpAddressThatIsNotALiteral() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").ipAddress("example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipAddress must be an IPv4 or IPv6 address, but was \"example.com\"");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").ipAddress("256.0.0.1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ActivityQuery.forUser("u").ipAddress("2001:DB8::1").build().ipAddress()).contains("2001:DB8::1");
    }

    @Test
    void shouldBoundTheSearchText() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").text("x".repeat(201))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text must be at most 200 characters, but was 201");
        assertThat(ActivityQuery.forUser("u").text("x".repeat(200)).build().text()).hasValue("x".repeat(200));
    }

    @Test
    void shouldTreatBlankTextAsNoFilter() {
        assertThat(ActivityQuery.forUser("u").text("   ").build().text()).isEmpty();
        assertThat(ActivityQuery.forUser("u").text("").build().text()).isEmpty();
        assertThat(ActivityQuery.forUser("u").text(null).build().text()).isEmpty();
        assertThat(ActivityQuery.forUser("u").text(" 100% ").build().text()).hasValue(" 100% ");
    }

    @Test
    void shouldNotChangeABuiltQueryWhenItsBuilderIsReused() {
        ActivityQuery.Builder builder = ActivityQuery.forUser("u").actions("login").severities(Severity.INFO);
        ActivityQuery first = builder.build();

        builder.actions("logout").severities(Severity.ERROR).limit(5);

        assertThat(first.actions()).containsExactly("login");
        assertThat(first.severities()).containsExactly(Severity.INFO);
        assertThat(first.limit()).isEqualTo(20);
        assertThatThrownBy(() -> first.actions().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.severities().add(Severity.ERROR)).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Regression: a NUL reached PostgreSQL and came back as a retryable ActivityStoreException (22021). */
    @Test
    void shouldRefuseControlCharactersInQueryStringsNamingTheParameter() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").text("a\u0000b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("text must not contain control characters");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").sessionId("a\u0000b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sessionId must not contain control characters");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").requestId("a\u0000b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("requestId must not contain control characters");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").rawSessionId("x".repeat(129))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rawSessionId must be at most 128 characters, but was 129");
    }

    /** Regression: a lone surrogate reached the server as '?' and matched descriptions holding '?'. */
    @Test
    void shouldRefuseALoneSurrogateInTheText() {
        assertThatThrownBy(() -> ActivityQuery.forUser("u").text("why\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("text must not contain control characters or lone surrogates");
    }

    @Test
    void shouldIgnoreABlankText() {
        assertThat(ActivityQuery.forUser("u").text("   ").build().text()).isEmpty();
    }

    /** Regression: year 300000 reached PostgreSQL and came back as ActivityStoreException (22008). */
    @Test
    void shouldRefuseTimesOutsideTheRangeOfActivities() {
        Instant far = Instant.parse("+300000-01-01T00:00:00Z");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").to(far)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("to must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, but was");
        assertThatThrownBy(() -> ActivityQuery.forUser("u").from(Instant.parse("1900-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("from must be between");
    }
}
