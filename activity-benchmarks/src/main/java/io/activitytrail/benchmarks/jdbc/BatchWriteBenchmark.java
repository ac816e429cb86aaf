package io.activitytrail.benchmarks.jdbc;

import io.activitytrail.Activity;
import io.activitytrail.JsonMaps;
import io.activitytrail.jdbc.JdbcActivityStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rows per second of batches of 500 written by {@link JdbcActivityStore#write} (one
 * {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING}), against the baseline of
 * COPY of the same kind of rows into the same table, and against a multi-row {@code INSERT ...
 * VALUES} (the other one-round-trip shape the store could have used). Every iteration starts on
 * an empty table (TRUNCATE), so no method pays for the rows of another.
 *
 * <p>Run (embedded PostgreSQL 17, or the server in {@code ACTIVITY_TEST_JDBC_URL}):
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -jar activity-benchmarks/target/benchmarks.jar 'jdbc.BatchWriteBenchmark'
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(1)
public class BatchWriteBenchmark {
    static final int BATCH = 500;

    private BenchmarkDatabase db;
    private JdbcActivityStore store;
    private List<Activity> batch;
    private String valuesSql;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        db = new BenchmarkDatabase("write");
        store = JdbcActivityStore.builder(db.dataSource).migrate(true).scheduledMaintenance(false).build();
        StringBuilder sql = new StringBuilder("INSERT INTO " + BenchmarkDatabase.TABLE + " (" + BenchmarkDatabase.COLUMNS + ") VALUES ");
        for (int i = 0; i < BATCH; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?::uuid, ?, ?, ?, ?::user_activity_logs_severity, ?::inet, ?, ?, ?, "
                    + "?::jsonb, ?::jsonb, ?::jsonb, ?::timestamptz)");
        }
        valuesSql = sql.append(" ON CONFLICT DO NOTHING").toString();
    }

    @Setup(Level.Iteration)
    public void emptyTable() throws SQLException {
        db.execute("TRUNCATE " + BenchmarkDatabase.TABLE);
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
        batch = BenchmarkDatabase.batch(BATCH, Instant.now());
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        store.close();
        db.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int storeWrite() {
        return store.write(batch).inserted();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long copyBaseline() throws SQLException, IOException {
        return db.copy(batch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int multiRowValues() throws SQLException {
        try (Connection c = db.dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(valuesSql)) {
            int p = 1;
            for (Activity a : batch) {
                ps.setString(p++, a.id().toString());
                ps.setString(p++, a.userId());
                ps.setString(p++, a.action());
                ps.setString(p++, a.description());
                ps.setString(p++, a.severity().value());
                ps.setString(p++, a.ipAddress());
                ps.setString(p++, a.userAgent());
                ps.setString(p++, a.sessionId());
                ps.setString(p++, a.requestId());
                ps.setString(p++, JsonMaps.toJson(a.deviceInfo()));
                ps.setString(p++, JsonMaps.toJson(a.locationInfo()));
                ps.setString(p++, JsonMaps.toJson(a.metadata()));
                ps.setString(p++, a.createdAt().toString());
            }
            return ps.executeUpdate();
        }
    }
}
