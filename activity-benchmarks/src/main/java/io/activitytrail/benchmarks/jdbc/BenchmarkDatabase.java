package io.activitytrail.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.Activity;
import io.activitytrail.Severity;
import io.activitytrail.JsonMaps;
import io.activitytrail.testsupport.PostgresExtension;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;

/**
 * The database of the jdbc benchmarks: the embedded PostgreSQL 17 of the tests (or the server of
 * {@code ACTIVITY_TEST_JDBC_URL}), a schema of the benchmark's own (dropped by {@link #close()}),
 * and realistic activities. Also used by the pipeline benchmarks.
 */
public final class BenchmarkDatabase implements AutoCloseable {
    static final String TABLE = "user_activity_logs";
    static final String COLUMNS = "id, user_id, action, description, severity, ip_address, user_agent, "
            + "session_id, request_id, device_info, location_info, metadata, created_at";
    private static final String[] ACTIONS = {"http_request", "http_request", "http_request", "login", "invoice_paid", "page_view"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"};

    final String url;
    final String schema;
    public final HikariDataSource dataSource;

    public BenchmarkDatabase(String name) throws SQLException {
        this.url = PostgresExtension.serverUrl();
        this.schema = "bench_" + name + "_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setSchema(schema);
        config.setMaximumPoolSize(4);
        config.setPoolName("bench-" + name);
        dataSource = new HikariDataSource(config);
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** A batch as an application writes it: many users, request data, small JSON values. */
    static List<Activity> batch(int size, Instant around) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Activity> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String agent = AGENTS[random.nextInt(AGENTS.length)];
            batch.add(Activity.builder("user-" + random.nextInt(10_000), ACTIONS[random.nextInt(ACTIONS.length)])
                    .description("GET /api/orders/" + random.nextInt(1_000_000) + " -> 200 in " + random.nextInt(300) + " ms")
                    .severity(random.nextInt(50) == 0 ? Severity.ERROR : Severity.INFO)
                    .ipAddress("10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256))
                    .userAgent(agent)
                    .sessionId(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()))
                    .requestId(Long.toHexString(random.nextLong()))
                    .deviceInfo(Map.of("browser", agent.contains("Firefox") ? "Firefox" : "Chrome", "os", "Linux", "mobile", false))
                    .locationInfo(Map.of("country", "DE", "city", "Berlin"))
                    .metadata(Map.of("route", "/api/orders/{id}", "status", 200, "duration_ms", random.nextInt(300)))
                    .createdAt(around.minusMillis(random.nextInt(60_000)))
                    .build());
        }
        return batch;
    }

    /** The same rows by COPY (CSV) into the same table: the fastest way in, and the baseline. */
    long copy(List<Activity> batch) throws SQLException, IOException {
        return copy(TABLE, batch);
    }

    long copy(String table, List<Activity> batch) throws SQLException, IOException {
        StringBuilder csv = new StringBuilder(batch.size() * 700);
        for (Activity a : batch) {
            cell(csv, a.id().toString()).append(',');
            cell(csv, a.userId()).append(',');
            cell(csv, a.action()).append(',');
            cell(csv, a.description()).append(',');
            cell(csv, a.severity().value()).append(',');
            cell(csv, a.ipAddress()).append(',');
            cell(csv, a.userAgent()).append(',');
            cell(csv, a.sessionId()).append(',');
            cell(csv, a.requestId()).append(',');
            cell(csv, JsonMaps.toJson(a.deviceInfo())).append(',');
            cell(csv, JsonMaps.toJson(a.locationInfo())).append(',');
            cell(csv, JsonMaps.toJson(a.metadata())).append(',');
            cell(csv, a.createdAt().toString()).append('\n');
        }
        try (Connection c = dataSource.getConnection()) {
            return c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
        }
    }

    private static StringBuilder cell(StringBuilder csv, String value) {
        if (value == null) {
            return csv;
        }
        return csv.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    @Override
    public void close() throws SQLException {
        dataSource.close();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
