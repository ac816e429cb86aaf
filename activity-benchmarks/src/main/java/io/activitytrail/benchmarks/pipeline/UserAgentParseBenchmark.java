package io.activitytrail.benchmarks.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.UapDeviceResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one user agent on the writer: {@code parse} is {@link UapDeviceResolver#resolve} on
 * the 10,000 distinct user agents of {@link RealisticUserAgents} in turn (what a cache miss costs),
 * {@code cacheHit} the Caffeine lookup of the same user agents in a cache that holds them all (what
 * a hit costs), {@code baselineNextUserAgent} the loop alone.
 *
 * <pre>
 * java -jar activity-benchmarks/target/benchmarks.jar UserAgentParseBenchmark -f 1 -wi 3 -w 3s -i 5 -r 3s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class UserAgentParseBenchmark {
    private String[] userAgents;
    private UapDeviceResolver resolver;
    private Cache<String, Map<String, ?>> cache;
    private int next;

    @Setup
    public void setUp() {
        List<String> distinct = RealisticUserAgents.distinct(10_000);
        userAgents = distinct.toArray(String[]::new);
        resolver = new UapDeviceResolver();
        cache = Caffeine.newBuilder().maximumSize(userAgents.length).build();
        for (String ua : userAgents) {
            cache.put(ua, resolver.resolve(ua));
        }
    }

    private String nextUserAgent() {
        String ua = userAgents[next];
        next = next + 1 == userAgents.length ? 0 : next + 1;
        return ua;
    }

    @Benchmark
    public String baselineNextUserAgent() {
        return nextUserAgent();
    }

    @Benchmark
    public Map<String, ?> parse() {
        return resolver.resolve(nextUserAgent());
    }

    @Benchmark
    public Map<String, ?> cacheHit() {
        return cache.getIfPresent(nextUserAgent());
    }
}
