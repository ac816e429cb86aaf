package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.testsupport.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stats cached by one instance after another instance writes: stale for at most the cache's TTL
 * (the documented bound, docs/jdbc-store.md "Many instances"), fresh after it. Windows are given
 * explicitly, so the bound is checked on the window's end rather than by waiting.
 */
class CrossInstanceStatsIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Instant FROM = Instant.parse("2025-07-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2025-07-20T12:00:00Z");

    @Test
    void shouldServeStatsOfAnotherInstancesWriteNoLaterThanTheTtlAfterTheCachedWindow() {
        try (JdbcActivityStore a = Fixtures.store(postgres).statsCacheTtl(TTL).listenForErasures(false).build();
                JdbcActivityStore b = Fixtures.store(postgres).statsCacheTtl(TTL).listenForErasures(false).build()) {
            a.write(List.of(activity("user-s1", "login", NOW.minusSeconds(3600))));
            assertThat(a.stats("user-s1", FROM, NOW).total()).isEqualTo(1);

            b.write(List.of(activity("user-s1", "login", NOW.minusSeconds(60))));

            assertThat(b.stats("user-s1", FROM, NOW).total()).as("the writing instance").isEqualTo(2);
            assertThat(a.stats("user-s1", FROM.plus(TTL), NOW.plus(TTL)).total())
                    .as("A may answer from its cache up to the TTL after the cached window").isEqualTo(1);
            Instant pastTheBound = NOW.plus(TTL).plusMillis(1);
            assertThat(a.stats("user-s1", pastTheBound.minus(Duration.between(FROM, NOW)), pastTheBound).total())
                    .as("past the TTL, A reads the database").isEqualTo(2);
        }
    }
}
