package io.activitytrail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.ActivityCursor;
import io.activitytrail.ActivityQuery;
import io.activitytrail.Severity;
import io.activitytrail.jdbc.internal.ActivityReader;
import io.activitytrail.jdbc.internal.ReadRouting;
import io.activitytrail.jdbc.internal.Statements;
import io.activitytrail.jdbc.internal.TableNames;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plans of the store's own statements on a table of 100,000 rows (100 users of 1,000 rows,
 * three monthly partitions), both as custom plans and as the generic plans a prepared statement
 * ends up with. A timeline query must never scan a partition sequentially; stats must be
 * answered from the index alone.
 */
class QueryPlanIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    static final String USER = "gen-42";
    static JdbcActivityStore store;
    static Statements statements;
    static ActivityReader reader;

    @BeforeAll
    static void start() throws Exception {
        // The clock puts "now" in January 2025, so build() makes the partitions of January to March.
        store = Fixtures.store(postgres).partitionsAhead(2)
                .clock(Clock.fixed(Instant.parse("2025-01-15T00:00:00Z"), ZoneOffset.UTC)).build();
        Fixtures.generate(postgres, 100_000, 100, Instant.parse("2025-01-01T00:00:00Z"), 60);
        Fixtures.execute(postgres, "VACUUM ANALYZE user_activity_logs");
        statements = new Statements(new TableNames(postgres.schema(), Fixtures.TABLE));
        reader = new ActivityReader(new ReadRouting(Jdbi.create(postgres.dataSource()), null, Duration.ZERO), statements);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void shouldHoldAHundredThousandRowsInThreePartitions() throws Exception {
        assertThat(Fixtures.count(postgres, "SELECT count(*) FROM user_activity_logs")).isEqualTo(100_000);
        assertThat(Fixtures.count(postgres, "SELECT count(DISTINCT tableoid) FROM user_activity_logs")).isEqualTo(3);
    }

    @Test
    void shouldReadTheFirstTimelinePageFromThePrimaryKey() throws Exception {
        for (String plan : plans(reader.keyset(ActivityQuery.forUser(USER).limit(20).build()))) {
            assertThat(plan).contains("Index Scan Backward using user_activity_logs_p2025_03_pkey")
                    .contains("Index Scan Backward using user_activity_logs_p2025_01_pkey").doesNotContain("Seq Scan");
        }
    }

    @Test
    void shouldReadALaterPageFromThePrimaryKeyWithTheCursorAsIndexCondition() throws Exception {
        ActivityCursor cursor = new ActivityCursor(Instant.parse("2025-02-10T00:00:00Z"), UUID.randomUUID());
        for (String plan : plans(reader.keyset(ActivityQuery.forUser(USER).after(cursor).build()))) {
            assertThat(plan).contains("_pkey").contains("Index Cond").containsPattern("created_at, id\\) < ROW")
                    .doesNotContain("Seq Scan");
        }
    }

    @Test
    void shouldNeverScanAPartitionSequentiallyForAnyFilter() throws Exception {
        List<ActivityQuery> queries = List.of(
                ActivityQuery.forUser(USER).actions("login", "login_failed").build(),
                ActivityQuery.forUser(USER).severities(Severity.ERROR, Severity.CRITICAL).build(),
                ActivityQuery.forUser(USER).from(Instant.parse("2025-02-01T00:00:00Z")).to(Instant.parse("2025-02-15T00:00:00Z")).build(),
                ActivityQuery.forUser(USER).sessionId("session-42").build(),
                ActivityQuery.forUser(USER).ipAddress("10.0.42.1").build(),
                ActivityQuery.forUser(USER).requestId("request-4242").build(),
                ActivityQuery.forUser(USER).text("row 4").build(),
                ActivityQuery.forUser(USER).actions("login").severities(Severity.INFO).text("row").limit(100).build(),
                ActivityQuery.forUser(USER).actions("login").page(3).build());
        for (ActivityQuery query : queries) {
            List<ActivityReader.Sql> statementsOfQuery = query.page().isPresent()
                    ? List.of(reader.numbered(query), reader.count(query))
                    : List.of(reader.keyset(query));
            for (ActivityReader.Sql sql : statementsOfQuery) {
                for (String plan : plans(sql)) {
                    // Empty partitions (the default one, those made ahead) may be "scanned": they have no pages.
                    assertThat(plan).as("plan of %s", sql.text()).doesNotContain("Seq Scan on user_activity_logs_p2025")
                            .containsPattern("Index|Bitmap");
                }
            }
        }
    }

    @Test
    void shouldReadOneActionInTimelineOrderFromTheActionIndexWithoutSortingAllItsRows() throws Exception {
        for (String plan : plans(reader.keyset(ActivityQuery.forUser(USER).actions("login").limit(20).build()))) {
            assertThat(plan).contains("Index Scan Backward using user_activity_logs_p2025_03_user_id_action_created_at_idx")
                    .contains("Merge Append").doesNotContainPattern("(?<!Incremental )Sort  \\(");
        }
    }

    /**
     * Regression: after five executions pgjdbc switched a free-text page to a server-side prepared
     * statement, whose generic plan cannot use a trigram index (the pattern is unknown) and read the
     * user's whole history by the primary key: 0.2 s instead of 7 ms for a user of a million rows.
     */
    @Test
    void shouldPlanAFreeTextPageWithItsPatternEveryTime() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PostgresExtension.serverUrl());
        config.setSchema(postgres.schema());
        config.setMaximumPoolSize(1);
        try (HikariDataSource oneConnection = new HikariDataSource(config);
                JdbcActivityStore textStore = JdbcActivityStore.builder(oneConnection).scheduledMaintenance(false)
                        .listenForErasures(false).partitionsAhead(0).build()) {
            for (int i = 0; i < 10; i++) {
                textStore.query(ActivityQuery.forUser(USER).text("row 4").build());
                textStore.query(ActivityQuery.forUser(USER).actions("login", "login_failed").build());
            }
            Jdbi jdbi = Jdbi.create(oneConnection);
            long textPrepared = jdbi.withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%ILIKE%'").mapTo(Long.class).one());
            long actionsPrepared = jdbi.withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%action = ANY%'").mapTo(Long.class).one());
            assertThat(textPrepared).isZero();
            // The control: without text, the same page is server-prepared as usual.
            assertThat(actionsPrepared).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswerStatsFromTheIndexAlone() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user_id", USER);
        params.put("from", OffsetDateTime.parse("2025-01-15T00:00:00Z"));
        params.put("to", OffsetDateTime.parse("2025-02-15T00:00:00Z"));
        for (String name : List.of("stats_counts", "stats_distinct")) {
            ActivityReader.Sql sql = new ActivityReader.Sql(statements.get(name), params);
            for (String plan : plans(sql)) {
                assertThat(plan).as(name).contains("Index Only Scan using user_activity_logs_p2025_0")
                        .doesNotContain("Seq Scan").doesNotContain("Bitmap Heap Scan").doesNotContainPattern("(?<!Only )Index Scan");
            }
            assertThat(analyze(sql)).as(name).contains("Heap Fetches: 0").doesNotContainPattern("Heap Fetches: [1-9]");
        }
        ActivityReader.Sql lastLogin = new ActivityReader.Sql(statements.get("stats_last_login"), Map.of("user_id", USER));
        for (String plan : plans(lastLogin)) {
            assertThat(plan).contains("Index Only Scan Backward using user_activity_logs_p2025_03_user_id_action_created_at_idx")
                    .doesNotContain("Seq Scan");
        }
    }

    /** The custom plan (values known) and the generic plan (what a prepared statement may use). */
    private static List<String> plans(ActivityReader.Sql sql) throws SQLException {
        List<String> plans = new ArrayList<>();
        for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
            plans.add(explain(sql, mode, "EXPLAIN"));
        }
        return plans;
    }

    private static String analyze(ActivityReader.Sql sql) throws SQLException {
        return explain(sql, "force_custom_plan", "EXPLAIN (ANALYZE, TIMING OFF)");
    }

    private static String explain(ActivityReader.Sql sql, String mode, String explain) throws SQLException {
        // Named parameters become $1..$n, as the driver sends them.
        List<Object> values = new ArrayList<>();
        Map<String, Integer> positions = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?<!:):([a-z_]+)\\b").matcher(sql.text());
        StringBuilder prepared = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Integer position = positions.get(name);
            if (position == null) {
                position = positions.size() + 1;
                positions.put(name, position);
                values.add(sql.params().get(name));
            }
            m.appendReplacement(prepared, "\\$" + position);
        }
        m.appendTail(prepared);
        StringBuilder args = new StringBuilder();
        for (Object v : values) {
            args.append(args.length() == 0 ? "" : ", ").append(literal(v));
        }
        StringBuilder plan = new StringBuilder();
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = " + mode);
            s.execute("PREPARE q AS " + prepared);
            try (ResultSet rs = s.executeQuery(explain + " EXECUTE q" + (values.isEmpty() ? "" : "(" + args + ")"))) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }

    private static String literal(Object v) {
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof String[] array) {
            StringBuilder s = new StringBuilder("{");
            for (String e : array) {
                s.append(s.length() == 1 ? "" : ",").append('"').append(e).append('"');
            }
            return quote(s.append('}').toString());
        }
        if (v instanceof OffsetDateTime t) {
            return quote(t.withOffsetSameInstant(ZoneOffset.UTC).toString());
        }
        return quote(String.valueOf(v));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
