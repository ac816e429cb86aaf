package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.Activity;
import io.activitytrail.testsupport.PostgresExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcActivityStoreExportIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static final int ROWS = 100_000;
    static JdbcActivityStore store;

    @BeforeAll
    static void start() throws Exception {
        // 100,000 rows of one user, one every 30 seconds from 1 March 2025: March to April.
        store = Fixtures.store(postgres).partitionsAhead(1)
                .clock(Clock.fixed(Instant.parse("2025-03-01T00:00:00Z"), ZoneOffset.UTC)).build();
        Fixtures.generate(postgres, ROWS, 1, Instant.parse("2025-03-01T00:00:00Z"), 30);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldExportAHundredThousandRowsOldestFirstInConstantMemory() {
        AtomicLong seen = new AtomicLong();
        AtomicReference<Activity> previous = new AtomicReference<>();
        AtomicLong outOfOrder = new AtomicLong();

        long count = store.export("gen-0", a -> {
            Activity before = previous.getAndSet(a);
            if (before != null && !before.createdAt().isBefore(a.createdAt())) {
                outOfOrder.incrementAndGet();
            }
            seen.incrementAndGet();
        });

        assertThat(count).isEqualTo(ROWS);
        assertThat(seen).hasValue(ROWS);
        assertThat(outOfOrder).hasValue(0);
        assertThat(previous.get().createdAt()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z").plusSeconds(30L * (ROWS - 1)));
    }

    /**
     * Regression: the export streamed from one cursor, so a client that read slowly held a pooled
     * connection and an open transaction (with its lock on the parent table, which partition DDL
     * and the writes behind it wait for) for as long as it liked. Pages are now short queries.
     */
    @Test
    void shouldHoldNoTransactionWhileTheSinkWorks() throws Exception {
        long[] openWhileSinkRuns = {-1, -1};
        AtomicLong seen = new AtomicLong();
        store.export("gen-0", a -> {
            long n = seen.incrementAndGet();
            if (n == 1 || n == ROWS / 2) {
                try {
                    openWhileSinkRuns[n == 1 ? 0 : 1] = Fixtures.count(postgres, openTransactionsOfThisSchema());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        assertThat(seen).hasValue(ROWS);
        assertThat(openWhileSinkRuns).containsExactly(0, 0);
    }

    @Test
    void shouldStopWhenTheSinkThrowsAndLeaveNoTransactionOpen() throws Exception {
        AtomicLong seen = new AtomicLong();
        assertThatThrownBy(() -> store.export("gen-0", a -> {
            if (seen.incrementAndGet() == 2_500) {
                throw new IllegalStateException("client went away");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("client went away");

        assertThat(seen).hasValue(2_500);
        assertThat(Fixtures.count(postgres, openTransactionsOfThisSchema())).isZero();
    }

    /** Sessions with an open transaction whose last statement read this class's table. */
    private static String openTransactionsOfThisSchema() {
        return "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
                + "AND query LIKE '%" + postgres.schema() + "%'";
    }
}
