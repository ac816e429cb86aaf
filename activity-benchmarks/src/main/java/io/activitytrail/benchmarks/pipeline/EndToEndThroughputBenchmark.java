package io.activitytrail.benchmarks.pipeline;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RequestInfo;
import io.activitytrail.benchmarks.jdbc.BenchmarkDatabase;
import io.activitytrail.jdbc.JdbcActivityStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained end-to-end throughput into embedded PostgreSQL 17: activities per second from
 * {@code log(...)} to committed rows, through the whole pipeline (queue, writer-side enrichment of
 * user agent and session id, batches of 500, {@code JdbcActivityStore}). Each invocation logs
 * {@value #PER_INVOCATION} activities as fast as it can and then calls {@code flush()}, so the
 * figure is bounded by the store, not by the caller.
 *
 * <ul>
 *   <li>{@code baselineStoreWrite}: the same activities, already enriched, written straight to the
 *       store in batches of 500 from the benchmark thread: the database's share;</li>
 *   <li>{@code pipeline}: {@code trail.log(...)} then {@code trail.flush()}.</li>
 * </ul>
 *
 * <p>Run (starts embedded PostgreSQL, or uses {@code ACTIVITY_TEST_JDBC_URL}):
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -jar activity-benchmarks/target/benchmarks.jar EndToEndThroughputBenchmark -f 1 -wi 2 -w 10s -i 4 -r 15s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class EndToEndThroughputBenchmark {
    static final int PER_INVOCATION = 20_000;
    private static final RequestInfo REQUEST = new RequestInfo("203.0.113.7",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "JSESSIONID-0123456789", "req-1");

    private BenchmarkDatabase database;
    private JdbcActivityStore store;
    private ActivityTrail trail;
    private Path spoolDir;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws SQLException, IOException {
        database = new BenchmarkDatabase("pipeline");
        store = JdbcActivityStore.builder(database.dataSource).migrate(true).scheduledMaintenance(false).build();
        spoolDir = Files.createTempDirectory("bench-e2e-spool");
        trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).queueCapacity(100_000).build();
    }

    @Setup(Level.Iteration)
    public void emptyTable() throws SQLException {
        try (Connection c = database.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + store.qualifiedTable());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        PipelineHealth health = trail.health();
        trail.close();
        long rows;
        try (Connection c = database.dataSource.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM " + store.qualifiedTable())) {
            rs.next();
            rows = rs.getLong(1);
        }
        System.out.println();
        System.out.println("pipeline health at the end: " + health + "; rows in the last iteration's table: " + rows);
        store.close();
        database.close();
        try (var files = Files.walk(spoolDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Activity next() {
        long n = sequence++;
        return Activity.builder("user-" + (n % 1_000), "http_request")
                .description("GET /invoices/" + n)
                .request(REQUEST)
                .metadata(Map.of("status", 200, "route", "/invoices/{id}"))
                .build();
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public void pipeline() {
        for (int i = 0; i < PER_INVOCATION; i++) {
            trail.log(next());
        }
        trail.flush();
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public void baselineStoreWrite() {
        List<Activity> batch = new ArrayList<>(500);
        for (int i = 0; i < PER_INVOCATION; i++) {
            batch.add(next().toBuilder().sessionId("5f1c0d0a9b7e4f2a8c3d6e1f0a9b8c7d5f1c0d0a9b7e4f2a8c3d6e1f0a9b8c7d")
                    .deviceInfo(Map.of("browser", "Chrome", "browser_version", "120", "os", "Windows", "device_type", "desktop"))
                    .build());
            if (batch.size() == 500) {
                store.write(batch);
                batch = new ArrayList<>(500);
            }
        }
        if (!batch.isEmpty()) {
            store.write(batch);
        }
    }
}
