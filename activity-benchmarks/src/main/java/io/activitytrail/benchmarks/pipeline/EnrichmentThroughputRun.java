package io.activitytrail.benchmarks.pipeline;

import io.activitytrail.Activity;
import io.activitytrail.ActivityTrail;
import io.activitytrail.DeviceResolver;
import io.activitytrail.PipelineHealth;
import io.activitytrail.RequestInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writer throughput with and without user-agent parsing, in alternating rounds: the same
 * measurement as {@link EnrichmentThroughputBenchmark}, made robust to a shared machine. For each
 * number of distinct user agents and each popularity (Zipf, uniform), two trails into a
 * {@link DiscardingStore} run in one JVM: the default ({@code UapDeviceResolver} behind the trail's
 * cache) and the same with {@link DeviceResolver#NONE}. Each round logs the same sequence of
 * activities into each trail in turn (which goes first alternates) and times log-to-{@code flush()}:
 * activities drained by the writer per second. Other load on the machine hits both alike; the run
 * reports the median of the rounds for each and the median of the per-round ratios.
 *
 * <p>Before the rounds, every distinct user agent is logged once into each trail: the time that
 * takes on the parsing trail is the cold cost (each user agent's first parse), printed apart.
 *
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -Xms1g -Xmx1g -cp activity-benchmarks/target/benchmarks.jar \
 *     [-Ddistinct=10,1000,10000] io.activitytrail.benchmarks.pipeline.EnrichmentThroughputRun [rounds=7] [activitiesPerRound=200000]
 * </pre>
 */
public final class EnrichmentThroughputRun {
    /** {@code -Ddistinct=10000} for one count only. */
    private static final int[] DISTINCT = Arrays.stream(System.getProperty("distinct", "10,1000,10000").split(","))
            .mapToInt(Integer::parseInt).toArray();
    private static final String[] POPULARITY = {"zipf", "uniform"};
    private static final int WARM_UP_ROUNDS = 2;

    private EnrichmentThroughputRun() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        System.out.printf("%d rounds of %,d activities per trail, after %d warm-up rounds; Java %s, %d cores%n%n",
                rounds, perRound, WARM_UP_ROUNDS, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println("| distinct UAs | popularity | first sight of each UA, /s | uap /s (median) | none /s (median) "
                + "| ratio (median of rounds) | ratio min-max |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int distinct : DISTINCT) {
            for (String popularity : POPULARITY) {
                run(distinct, popularity, rounds, perRound);
            }
        }
    }

    private static void run(int distinct, String popularity, int rounds, int perRound) throws IOException {
        List<String> userAgents = RealisticUserAgents.distinct(distinct);
        RequestInfo[] requests = new RequestInfo[distinct];
        for (int i = 0; i < distinct; i++) {
            requests[i] = new RequestInfo("203.0.113." + (i % 250), userAgents.get(i), "JSESSIONID-" + i, null);
        }
        int[] draws = popularity.equals("zipf") ? RealisticUserAgents.zipfDraws(distinct, 1.0, perRound, 1)
                : RealisticUserAgents.uniformDraws(distinct, perRound, 1);
        Path spool = Files.createTempDirectory("bench-enrich-run");
        DiscardingStore uapStore = new DiscardingStore();
        DiscardingStore noneStore = new DiscardingStore();
        try (ActivityTrail uap = ActivityTrail.builder().store(uapStore).spoolDirectory(spool.resolve("uap"))
                        .queueCapacity(perRound + distinct).build();
                ActivityTrail none = ActivityTrail.builder().store(noneStore).spoolDirectory(spool.resolve("none"))
                        .queueCapacity(perRound + distinct).deviceResolver(DeviceResolver.NONE).build()) {
            long cold = firstSight(uap, requests);
            firstSight(none, requests);
            double[] uapRates = new double[rounds];
            double[] noneRates = new double[rounds];
            double[] ratios = new double[rounds];
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                boolean uapFirst = (round & 1) == 0;
                double first = rate(uapFirst ? uap : none, requests, draws);
                double second = rate(uapFirst ? none : uap, requests, draws);
                if (round >= 0) {
                    uapRates[round] = uapFirst ? first : second;
                    noneRates[round] = uapFirst ? second : first;
                    ratios[round] = uapRates[round] / noneRates[round];
                }
            }
            check(uap.health(), uapStore, distinct + (long) perRound * (rounds + WARM_UP_ROUNDS));
            check(none.health(), noneStore, distinct + (long) perRound * (rounds + WARM_UP_ROUNDS));
            double[] sortedRatios = ratios.clone();
            Arrays.sort(sortedRatios);
            System.out.printf("| %,d | %s | %,d | %,.0f | %,.0f | **%.2f** | %.2f-%.2f |%n", distinct, popularity,
                    distinct * 1_000_000_000L / Math.max(1, cold), median(uapRates), median(noneRates),
                    median(ratios), sortedRatios[0], sortedRatios[rounds - 1]);
        } finally {
            try (var files = Files.walk(spool)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Nanoseconds to log each distinct user agent once and have the writer drain them. */
    private static long firstSight(ActivityTrail trail, RequestInfo[] requests) {
        long start = System.nanoTime();
        for (RequestInfo request : requests) {
            trail.log(Activity.builder("user-0", "http_request").request(request).build());
        }
        trail.flush();
        return System.nanoTime() - start;
    }

    /** Activities per second from the first {@code log} to the return of {@code flush()}. */
    private static double rate(ActivityTrail trail, RequestInfo[] requests, int[] draws) {
        long start = System.nanoTime();
        for (int n = 0; n < draws.length; n++) {
            trail.log(Activity.builder("user-" + (n % 1_000), "http_request")
                    .description("GET /invoices/" + n)
                    .request(requests[draws[n]])
                    .metadata(Map.of("status", 200, "route", "/invoices/{id}"))
                    .build());
        }
        trail.flush();
        return draws.length * 1e9 / (System.nanoTime() - start);
    }

    private static void check(PipelineHealth health, DiscardingStore store, long expected) {
        if (health.dropped() != 0 || health.spoolBytes() != 0 || store.written() != expected) {
            throw new IllegalStateException("the figure would be wrong: " + health + ", stored " + store.written()
                    + " of " + expected);
        }
    }

    private static double median(double[] values) {
        List<Double> sorted = new ArrayList<>();
        for (double v : values) {
            sorted.add(v);
        }
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
