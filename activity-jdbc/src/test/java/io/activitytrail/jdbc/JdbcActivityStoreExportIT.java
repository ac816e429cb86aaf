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

    @Test
    void shouldDeliverTheFirstRowsBeforeTheLastAreRead() throws Exception {
        // Read through a cursor, the export's transaction stays open with its portal suspended
        // while the sink works on the first fetch of 1,000 rows; without one, the driver would
        // have read all 100,000 rows and the statement would be over.
        long[] openExports = {-1};
        store.export("gen-0", a -> {
            if (openExports[0] < 0) {
                try {
                    openExports[0] = Fixtures.count(postgres, openExports());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        assertThat(openExports[0]).isEqualTo(1);
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
        assertThat(Fixtures.count(postgres, openExports())).isZero();
    }

    /** Export statements of this class's schema whose transaction is open. */
    private static String openExports() {
        return "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
                + "AND query LIKE '%" + postgres.schema() + "%ORDER BY created_at, id%'";
    }
}
