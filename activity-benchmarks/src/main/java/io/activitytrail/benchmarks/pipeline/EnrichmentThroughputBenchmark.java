package io.activitytrail.benchmarks.pipeline;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.DeviceResolver;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RequestInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writer throughput with user-agent parsing: activities per second enriched by the writer thread
 * and handed to a store that discards ({@link DiscardingStore}), with a given number of distinct
 * user agents ({@link RealisticUserAgents}), against the same activities with parsing off
 * ({@code parser=none}: {@link DeviceResolver#NONE}) in the same run.
 *
 * <p>The writer is what parses, so the figure is what it drains: each invocation logs
 * {@value #PER_INVOCATION} activities (well under the queue's 100,000, so the caller never waits)
 * and then calls {@code flush()}, which returns when the writer has handed all of them to the
 * store. The user agents follow a fixed sequence of draws: Zipf (exponent 1, the skew of real
 * traffic) or uniform (the worst case of a cache). Every user agent is logged once before the
 * warm-up, so the figure is the steady state of a warm cache; the first parse of each user agent
 * (the cost of a miss) is measured by {@link UserAgentParseBenchmark}.
 *
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -jar activity-benchmarks/target/benchmarks.jar EnrichmentThroughputBenchmark -f 1 -wi 3 -w 5s -i 5 -r 5s
 * </pre>
 * At the end of each trial it prints the trail's health (anything dropped or spooled would make the
 * figure wrong) and the store's count.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class EnrichmentThroughputBenchmark {
    static final int PER_INVOCATION = 20_000;
    private static final int DRAWS = 1 << 20;

    @Param({"10", "1000", "10000"})
    public int distinctUserAgents;

    /** {@code zipf}: exponent 1, as real traffic; {@code uniform}: every user agent as likely. */
    @Param({"zipf", "uniform"})
    public String popularity;

    /** {@code uap}: the default, {@code UapDeviceResolver} behind the trail's cache; {@code none}: no parsing. */
    @Param({"uap", "none"})
    public String parser;

    /** The trail's {@code deviceCacheSize} (default 10,000; the default was 1,000 before issue 12). */
    @Param({"10000"})
    public int deviceCacheSize;

    private final DiscardingStore store = new DiscardingStore();
    private Path spoolDir;
    private ActivityTrail trail;
    private RequestInfo[] requests;
    private int[] draws;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<String> userAgents = RealisticUserAgents.distinct(distinctUserAgents);
        requests = new RequestInfo[userAgents.size()];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = new RequestInfo("203.0.113." + (i % 250), userAgents.get(i), "JSESSIONID-" + i, null);
        }
        draws = switch (popularity) {
            case "zipf" -> RealisticUserAgents.zipfDraws(distinctUserAgents, 1.0, DRAWS, 1);
            case "uniform" -> RealisticUserAgents.uniformDraws(distinctUserAgents, DRAWS, 1);
            default -> throw new IllegalArgumentException("popularity must be zipf or uniform, but was " + popularity);
        };
        spoolDir = Files.createTempDirectory("bench-enrich-spool");
        ActivityTrail.Builder builder = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).queueCapacity(100_000)
                .deviceCacheSize(deviceCacheSize);
        switch (parser) {
            case "uap" -> { } // the default
            case "none" -> builder.deviceResolver(DeviceResolver.NONE);
            default -> throw new IllegalArgumentException("parser must be uap or none, but was " + parser);
        }
        trail = builder.build();
        // Steady state: every user agent seen once (and parsed, if it fits the cache) before the
        // warm-up; the first parse of each is what UserAgentParseBenchmark measures.
        for (RequestInfo request : requests) {
            trail.log(Activity.builder("user-0", "http_request").request(request).build());
        }
        trail.flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        PipelineHealth health = trail.health();
        trail.close();
        System.out.println();
        System.out.println("health at the end: " + health + "; activities stored: " + store.written());
        try (var files = Files.walk(spoolDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Activity next() {
        long n = sequence++;
        RequestInfo request = requests[draws[(int) (n & (DRAWS - 1))]];
        return Activity.builder("user-" + (n % 1_000), "http_request")
                .description("GET /invoices/" + n)
                .request(request)
                .metadata(Map.of("status", 200, "route", "/invoices/{id}"))
                .build();
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public void writer() {
        for (int i = 0; i < PER_INVOCATION; i++) {
            trail.log(next());
        }
        trail.flush();
    }
}
