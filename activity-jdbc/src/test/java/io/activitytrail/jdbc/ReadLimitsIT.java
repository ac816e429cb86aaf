package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Regressions: reads had no timeout (they could run for ever) and numbered pages counted every match. */
class ReadLimitsIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static JdbcActivityStore store;

    @BeforeAll
    static void start() throws Exception {
        store = Fixtures.store(postgres).readTimeout(Duration.ofSeconds(1)).build();
        Fixtures.generate(postgres, 10_050, 1, Instant.parse("2026-06-01T00:00:00Z"), 10);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldCapTheTotalOfNumberedPagesAtTenThousand() {
        ActivityPage page = store.query(ActivityQuery.forUser("gen-0").page(2).limit(20).build());

        assertThat(page.pagination()).hasValueSatisfying(p -> {
            assertThat(p.total()).isEqualTo(10_000);
            assertThat(p.totalCapped()).isTrue();
        });
        assertThat(page.activities()).hasSize(20);
        assertThat(store.query(ActivityQuery.forUser("nobody").page(1).build()).pagination())
                .hasValueSatisfying(p -> assertThat(p.totalCapped()).isFalse());
    }

    @Test
    void shouldCancelAReadThatRunsPastTheReadTimeout() throws Exception {
        try (Connection blocker = postgres.newConnection(); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("LOCK TABLE " + store.qualifiedTable() + " IN ACCESS EXCLUSIVE MODE");
            try {
                assertThatThrownBy(() -> store.query(ActivityQuery.forUser("gen-0").build()))
                        .isInstanceOf(ActivityStoreException.class).hasMessageContaining("57014");
                assertThatThrownBy(() -> store.stats("gen-0", Instant.EPOCH, Instant.now()))
                        .isInstanceOf(ActivityStoreException.class).hasMessageContaining("57014");
                assertThatThrownBy(() -> store.export("gen-0", a -> { }))
                        .isInstanceOf(ActivityStoreException.class).hasMessageContaining("57014");
            } finally {
                blocker.rollback();
            }
        }
        assertThat(store.query(ActivityQuery.forUser("gen-0").limit(1).build()).activities()).hasSize(1);
    }
}
