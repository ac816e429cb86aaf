package io.activitytrail.benchmarks.pipeline;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.MetricsListener;
import io.activitytrail.PipelineHealth;
import io.activitytrail.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * What {@code ActivityTrail.log(...)} costs the calling (request) thread, with a store that
 * discards, so that only the pipeline's hand-off is measured; median and p99 from SampleTime.
 *
 * <ul>
 *   <li>{@code baselineQueueOffer}: a bare {@code ArrayBlockingQueue.offer} of a prebuilt object,
 *       drained by a thread that polls and parks on a timer (the hand-off the pipeline uses);</li>
 *   <li>{@code baselineBuildActivity}: building an {@link Activity} (validation, UUIDv7, clock)
 *       without logging it;</li>
 *   <li>{@code logPrebuilt}: {@code trail.log(activity)} of a prebuilt activity: the pipeline's
 *       own cost;</li>
 *   <li>{@code logShorthand}: {@code trail.log(userId, action, description)}: building plus
 *       logging, what a caller typically pays.</li>
 * </ul>
 *
 * <p>Run from 1 and from 2 threads:
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -jar activity-benchmarks/target/benchmarks.jar LogCallerCostBenchmark -t 1 -f 1 -wi 3 -w 2s -i 5 -r 2s
 * java -jar activity-benchmarks/target/benchmarks.jar LogCallerCostBenchmark -t 2 -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 * The trail's health (drops, which would mean the writer could not keep up) is printed at the end.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class LogCallerCostBenchmark {
    private DiscardingStore store;
    private ActivityTrail trail;
    private Path spoolDir;
    private Activity prebuilt;
    private ArrayBlockingQueue<Object> queue;
    private Thread drainer;
    private volatile boolean running;
    private final java.util.concurrent.atomic.LongAdder spooled = new java.util.concurrent.atomic.LongAdder();

    /**
     * CPU work (Blackhole tokens, about 3 ns each) between two calls, outside the measured time:
     * 0 logs back to back (saturation: the writer may fall behind, and overflow then shows in the
     * printed counts); 300 is about 1 µs of "request work" per log, a rate the writer sustains.
     */
    @Param({"0", "300"})
    public int pauseTokens;

    /** Pauses before each call; Level.Invocation work is not part of the sampled time. */
    @State(Scope.Thread)
    public static class Pause {
        @Setup(Level.Invocation)
        public void pause(LogCallerCostBenchmark b) {
            if (b.pauseTokens > 0) {
                Blackhole.consumeCPU(b.pauseTokens);
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        store = new DiscardingStore();
        spoolDir = Files.createTempDirectory("bench-spool");
        trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).metricsListener(new MetricsListener() {
            @Override
            public void onSpooled(int rows) {
                spooled.add(rows);
            }
        }).build();
        prebuilt = Activity.builder("user-42", "invoice_paid").description("Paid invoice 17")
                .severity(Severity.INFO).metadata(Map.of("invoice", 17)).build();

        queue = new ArrayBlockingQueue<>(100_000);
        running = true;
        drainer = new Thread(() -> {
            List<Object> sink = new ArrayList<>(500);
            while (running) {
                while (queue.drainTo(sink, 500) > 0) {
                    sink.clear();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }, "baseline-drainer");
        drainer.setDaemon(true);
        drainer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        drainer.join();
        trail.flush();
        PipelineHealth health = trail.health();
        trail.close();
        System.out.println();
        System.out.println("pipeline: written=" + store.written.sum() + " overflowSpooled=" + spooled.sum()
                + " dropped=" + health.dropped()
                + " spoolBytes=" + health.spoolBytes() + " status=" + health.status());
        try (var files = Files.walk(spoolDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public boolean baselineQueueOffer(Pause pause) {
        return queue.offer(prebuilt);
    }

    @Benchmark
    public Activity baselineBuildActivity(Pause pause) {
        return Activity.builder("user-42", "invoice_paid").description("Paid invoice 17").build();
    }

    @Benchmark
    public void logPrebuilt(Pause pause) {
        trail.log(prebuilt);
    }

    @Benchmark
    public void logShorthand(Pause pause) {
        trail.log("user-42", "invoice_paid", "Paid invoice 17");
    }
}
