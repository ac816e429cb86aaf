package io.activitytrail.benchmarks.servlet;

import io.activitytrail.ActivityTrail;
import io.activitytrail.benchmarks.pipeline.DiscardingStore;
import io.activitytrail.PipelineHealth;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.servlet.FilterSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link ActivityFilter} adds to a request, in process: a filter chain ending in a no-op
 * servlet, invoked with a prebuilt request (a signed-in GET with a query, a browser user agent,
 * client hints, {@code X-Forwarded-For} through a trusted proxy and {@code X-Request-Id}) and
 * response, with and without the filter in front. No container and no socket, so the difference
 * is the filter's own cost on the request thread: exclusion check, header reading, client-IP walk,
 * request id, MDC, building the activity and handing it to the trail (whose writer drains into a
 * store that discards).
 *
 * <ul>
 *   <li>{@code baselineChain}: the chain without the filter;</li>
 *   <li>{@code filteredLogged}: the chain with the filter, the request logged;</li>
 *   <li>{@code filteredExcluded}: the chain with the filter, for {@code /static/app.css}, excluded
 *       by default (the cheap path every static asset takes).</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -jar activity-benchmarks/target/benchmarks.jar FilterOverheadBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 * The trail's health (drops: the writer falling behind) is printed at the end.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class FilterOverheadBenchmark {
    private static final Map<String, String> HEADERS = Map.of(
            "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "X-Forwarded-For", "203.0.113.9, 10.0.0.3",
            "X-Request-Id", "3f2a9c1e-6b1d-4c59-9d0a-2d6f4b5e7a11",
            "Sec-CH-UA", "\"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\"",
            "Sec-CH-UA-Mobile", "?0",
            "Sec-CH-UA-Platform", "\"Windows\"");

    /** Unmeasured CPU work between two calls (about 3 ns a token): 300 is about 1 µs of "request work". */
    @Param({"300"})
    public int pauseTokens;

    private final DiscardingStore store = new DiscardingStore();
    private Path spoolDir;
    private ActivityTrail trail;
    private ActivityFilter filter;
    private FilterChain servlet;
    private BenchRequest logged;
    private BenchRequest excluded;
    private BenchResponse response;

    /** Pauses before each call; Level.Invocation work is not part of the sampled time. */
    @State(Scope.Thread)
    public static class Pause {
        @Setup(Level.Invocation)
        public void pause(FilterOverheadBenchmark b) {
            b.logged.reset();
            b.excluded.reset();
            if (b.pauseTokens > 0) {
                Blackhole.consumeCPU(b.pauseTokens);
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        spoolDir = Files.createTempDirectory("bench-spool");
        trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).build();
        filter = new ActivityFilter(trail, FilterSettings.builder().trustedProxies("10.0.0.0/8").build());
        servlet = (request, response) -> ((BenchResponse) response).setStatus(200);
        logged = new BenchRequest("/orders/17", HEADERS);
        excluded = new BenchRequest("/static/app.css", HEADERS);
        response = new BenchResponse();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        trail.flush();
        PipelineHealth health = trail.health();
        trail.close();
        System.out.println();
        System.out.println("filter: failures=" + filter.failures() + " written=" + store.written() + " dropped="
                + health.dropped() + " spoolBytes=" + health.spoolBytes() + " status=" + health.status());
        try (var files = Files.walk(spoolDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public BenchResponse baselineChain(Pause pause) throws IOException, ServletException {
        servlet.doFilter(logged, response);
        return response;
    }

    @Benchmark
    public BenchResponse filteredLogged(Pause pause) throws IOException, ServletException {
        filter.doFilter(logged, response, servlet);
        return response;
    }

    @Benchmark
    public BenchResponse filteredExcluded(Pause pause) throws IOException, ServletException {
        filter.doFilter(excluded, response, servlet);
        return response;
    }

    /** Takes every batch and keeps nothing: isolates the filter and the hand-off from any database. */
}
