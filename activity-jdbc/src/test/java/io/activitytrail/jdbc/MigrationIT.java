package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static org.assertj.core.api.Assertions.assertThat;

import io.activitytrail.ActivityQuery;
import io.activitytrail.testsupport.PostgresExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(30);

    static final List<String> extraSchemas = new ArrayList<>();

    @AfterAll
    static void dropSchemas() throws Exception {
        for (String schema : extraSchemas) {
            Fixtures.execute(postgres, "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }

    private static String newSchema(String suffix) {
        String schema = postgres.schema() + "_" + suffix;
        extraSchemas.add(schema);
        return schema;
    }

    @Test
    void shouldMigrateOnceWhenTenInstancesStartAtOnce() throws Exception {
        String schema = newSchema("ten");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JdbcActivityStore>> stores = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                stores.add(pool.submit(() -> {
                    go.await();
                    return JdbcActivityStore.builder(postgres.dataSource()).schema(schema).migrate(true)
                            .scheduledMaintenance(false).build();
                }));
            }
            go.countDown();
            List<JdbcActivityStore> built = new ArrayList<>();
            for (Future<JdbcActivityStore> f : stores) {
                built.add(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(Fixtures.strings(postgres, "SELECT version || ' ' || script FROM \"" + schema + "\".user_activity_logs_schema_history ORDER BY version"))
                    .containsExactly("1 V1__create_activity_table.sql", "2 V2__create_maintenance_runs.sql",
                            "3 V3__create_erasures.sql");
            for (int i = 0; i < built.size(); i++) {
                assertThat(built.get(i).write(List.of(activity("user-" + i, "login", Instant.now()))).inserted()).isEqualTo(1);
            }
            assertThat(built.get(0).query(ActivityQuery.forUser("user-9").build()).activities()).hasSize(1);
            built.forEach(JdbcActivityStore::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldApplyNothingWhenTheSchemaIsCurrent() throws Exception {
        String schema = newSchema("again");
        JdbcActivityStore.builder(postgres.dataSource()).schema(schema).migrate(true).scheduledMaintenance(false).build().close();
        String installed = Fixtures.strings(postgres, "SELECT string_agg(version || '@' || installed_at, ',') FROM \"" + schema + "\".user_activity_logs_schema_history").get(0);

        JdbcActivityStore.builder(postgres.dataSource()).schema(schema).migrate(true).scheduledMaintenance(false).build().close();

        assertThat(Fixtures.strings(postgres, "SELECT string_agg(version || '@' || installed_at, ',') FROM \"" + schema + "\".user_activity_logs_schema_history"))
                .containsExactly(installed);
        assertThat(Fixtures.count(postgres, "SELECT count(*) FROM \"" + schema + "\".user_activity_logs_schema_history WHERE checksum > 0")).isEqualTo(3);
    }

    @Test
    void shouldNameEverythingAfterTheConfiguredSchemaAndTable() throws Exception {
        String schema = newSchema("custom");
        try (JdbcActivityStore store = JdbcActivityStore.builder(postgres.dataSource()).schema(schema).table("audit_trail")
                .migrate(true).scheduledMaintenance(false).build()) {
            store.write(List.of(activity("user-1", "login", Instant.parse("2024-02-03T00:00:00Z"))));

            assertThat(store.qualifiedTable()).isEqualTo("\"" + schema + "\".\"audit_trail\"");
            assertThat(store.query(ActivityQuery.forUser("user-1").build()).activities()).hasSize(1);
            assertThat(Fixtures.strings(postgres, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = '" + schema + "' AND c.relkind IN ('r', 'p') ORDER BY 1"))
                    .contains("audit_trail", "audit_trail_default", "audit_trail_p2024_02", "audit_trail_schema_history",
                            "audit_trail_maintenance_runs", "audit_trail_erasures")
                    .noneMatch(name -> name.startsWith("user_activity_logs"));
        }
    }

    @Test
    void shouldWorkOnTheBundledScriptsRunAsFlywayRunsThem() throws Exception {
        // What Flyway does with locations=classpath:db/activitytrail and placeholders.table:
        // each V<n>__ script in order, ${table} replaced, in the target schema.
        String schema = newSchema("flyway");
        try (Connection c = postgres.newConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + schema + "\"");
            s.execute("SET search_path TO \"" + schema + "\"");
            for (String script : List.of("V1__create_activity_table.sql", "V2__create_maintenance_runs.sql", "V3__create_erasures.sql")) {
                try (InputStream in = getClass().getResourceAsStream("/db/activitytrail/" + script)) {
                    s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${table}", "activity_log"));
                }
            }
        }

        try (JdbcActivityStore store = JdbcActivityStore.builder(postgres.dataSource()).schema(schema).table("activity_log")
                .scheduledMaintenance(false).scheduledRetention(false).build()) {
            assertThat(store.write(List.of(activity("user-f", "login", Instant.parse("2024-05-06T00:00:00Z")))).inserted()).isEqualTo(1);
            assertThat(store.query(ActivityQuery.forUser("user-f").build()).activities()).hasSize(1);
            assertThat(store.runMaintenance().ran()).isTrue();
        }
        assertThat(Fixtures.count(postgres, "SELECT count(*) FROM \"" + schema + "\".activity_log_p2024_05")).isEqualTo(1);
    }

    /** Regression: names of 46 to 48 characters passed validation, then V2 failed (42P07) once PostgreSQL cut them at 63. */
    @Test
    void shouldMigrateATableWithTheLongestNameAllowed() {
        String table = "t".repeat(34);
        try (JdbcActivityStore longName = Fixtures.store(postgres).table(table).migrate(true).build()) {
            longName.write(java.util.List.of(io.activitytrail.Activity.builder("u", "long_name").build()));
            org.assertj.core.api.Assertions.assertThat(longName.query(io.activitytrail.ActivityQuery.forUser("u").build())
                    .activities()).hasSize(1);
        }
    }
}
