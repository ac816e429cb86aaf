package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.Activity;
import io.activitytrail.ActivityQuery;
import io.activitytrail.testsupport.PostgresExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: stored rows were rebuilt through the validating builder, so a row that had been valid
 * when written (or was written by another tool) could make the user's timeline and export fail for
 * good: numbers that jsonb prints in full (60 times 1.0E300 came back as 18,471 bytes, over the 16
 * KiB rule), a 1,001-digit integer past Jackson's default number length.
 */
class StoredRowsReadableIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static JdbcActivityStore store;

    @BeforeAll
    static void start() {
        store = Fixtures.store(postgres).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldReadBackRowsThatNoLongerPassTheWriteTimeRules() throws Exception {
        StringBuilder hugeNumbers = new StringBuilder("{");
        for (int i = 0; i < 60; i++) {
            hugeNumbers.append(i == 0 ? "" : ",").append("\"n").append(i).append("\": 1.0E300");
        }
        hugeNumbers.append('}');
        String longInteger = "{\"n\": " + "9".repeat(1_001) + "}";
        String longDescription = "x".repeat(5_000) + "\u200B";
        List<UUID> ids = new ArrayList<>();
        try (Connection c = postgres.newConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO " + store.qualifiedTable()
                        + " (id, user_id, action, description, metadata, created_at) VALUES (?, 'old-user', ?, ?, ?::jsonb, ?)")) {
            String[][] rows = {
                {"imported", null, hugeNumbers.toString()},
                {"imported", null, longInteger},
                {"Legacy Action", longDescription, "{}"},
            };
            for (int i = 0; i < rows.length; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                insert.setObject(1, id);
                insert.setString(2, rows[i][0]);
                insert.setString(3, rows[i][1]);
                insert.setString(4, rows[i][2]);
                insert.setObject(5, OffsetDateTime.of(2026, 1, 1, 0, 0, i, 0, ZoneOffset.UTC));
                insert.addBatch();
            }
            insert.executeBatch();
        }

        List<Activity> page = store.query(ActivityQuery.forUser("old-user").build()).activities();
        List<Activity> exported = new ArrayList<>();
        store.export("old-user", exported::add);

        assertThat(page).extracting(Activity::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(exported).extracting(Activity::id).containsExactlyInAnyOrderElementsOf(ids);
        Activity numbers = exported.stream().filter(a -> a.id().equals(ids.get(0))).findFirst().orElseThrow();
        assertThat(new BigDecimal(numbers.metadata().get("n7").toString())).isEqualByComparingTo("1E300");
        Activity integer = exported.stream().filter(a -> a.id().equals(ids.get(1))).findFirst().orElseThrow();
        assertThat(integer.metadata()).containsEntry("n", new BigInteger("9".repeat(1_001)));
        Activity legacy = exported.stream().filter(a -> a.id().equals(ids.get(2))).findFirst().orElseThrow();
        assertThat(legacy.action()).isEqualTo("Legacy Action");
        assertThat(legacy.description()).isEqualTo(longDescription);
    }

    @Test
    void shouldReadNumbersBackAsTheSpoolDoes() {
        Activity a = Activity.builder("numbers-user", "imported")
                .metadata(Map.of("half", 1.5, "big", new BigDecimal("1E+400"), "long", 1L << 40, "int", 7))
                .build();
        store.write(List.of(a));

        Activity back = store.query(ActivityQuery.forUser("numbers-user").build()).activities().get(0);

        assertThat(back.metadata()).containsEntry("half", 1.5).containsEntry("long", 1L << 40).containsEntry("int", 7);
        assertThat(new BigDecimal(back.metadata().get("big").toString())).isEqualByComparingTo("1E+400");
    }
}
