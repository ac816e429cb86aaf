package io.activitytrail.benchmarks.load;

import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import io.activitytrail.benchmarks.jdbc.BenchmarkDatabase;
import io.activitytrail.benchmarks.pipeline.DiscardingStore;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.ActivityFilter;
import io.activitytrail.servlet.FilterSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A load run of what the filter costs a host: two Jetty 12 servers in this JVM serve the same
 * trivial endpoint, one with {@link ActivityFilter} in front and one without; {@code wrk} loads
 * them in turn, alternating which goes first each round so that machine noise hits both, and the
 * run reports medians over the rounds of throughput and p50/p99/p99.9 latency, and their ratios.
 * Every request is signed in (header {@code X-User}, one of 1,000 users) with a browser user agent
 * (one of 10), so the filter logs each one and the writer parses user agents. The time of each
 * {@code log} call on the request thread is recorded too (the tail of {@code log} under load).
 *
 * <pre>
 * ./mvnw -B -ntp -pl activity-benchmarks -am package -DskipTests
 * java -cp activity-benchmarks/target/benchmarks.jar io.activitytrail.benchmarks.load.FilterLoadRun [discarding|postgres ...]
 * </pre>
 * <p>{@code FilterLoadRun urls <with-filter-url> <without-filter-url>} loads two servers started
 * elsewhere instead (the Spring Boot demo: {@code activity-benchmarks/spring-load-run.sh}); the
 * system property {@code cookie.<url>} gives the cookie of a signed-in session on that server.
 *
 * System properties: {@code rounds} (5), {@code seconds} (10 per run), {@code warmup} (5 s per server), {@code connections} (32),
 * {@code threads} (wrk threads, 1). Needs {@code wrk} on the PATH (Debian: {@code apt-get install wrk}).
 */
public final class FilterLoadRun {
    private static final int ROUNDS = Integer.getInteger("rounds", 5);
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final int CONNECTIONS = Integer.getInteger("connections", 32);
    private static final int THREADS = Integer.getInteger("threads", 1);
    /** Seconds of load on each server before the rounds (a Spring application's JIT needs longer than 5). */
    private static final int WARMUP = Integer.getInteger("warmup", 5);

    private static final String SCRIPT = """
            local agents = {
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
              "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
              "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
              "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
              "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36",
              "curl/8.5.0"}
            local n = 0
            -- A signed-in session for applications that authenticate by cookie (the Spring Boot demo).
            local cookie = os.getenv("WRK_COOKIE")
            request = function()
              n = n + 1
              local headers = {}
              headers["X-User"] = "user-" .. (n % 1000)
              headers["User-Agent"] = agents[(n % 10) + 1]
              if cookie then
                headers["Cookie"] = cookie
              end
              return wrk.format("GET", wrk.path .. "?page=" .. (n % 50), headers)
            end
            done = function(summary, latency, requests)
              local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                  + summary.errors.status + summary.errors.timeout
              io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
                  latency:percentile(50), latency:percentile(99), latency:percentile(99.9), errors))
            end
            """;

    private FilterLoadRun() {}

    /** One wrk run: requests per second and latency percentiles in microseconds. */
    record Result(double rps, long p50, long p99, long p999, long errors) {}

    public static void main(String[] args) throws Exception {
        Path script = Files.createTempFile("filter-load", ".lua");
        Files.writeString(script, SCRIPT);
        System.out.printf("FilterLoadRun: %d rounds of %d s per server, wrk -t%d -c%d, Java %s, %d cores%n", ROUNDS, SECONDS,
                THREADS, CONNECTIONS, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        if (args.length == 3 && args[0].equals("urls")) {
            // Two servers started elsewhere (activity-benchmarks/spring-load-run.sh): the same app with the filter on and off.
            compare("urls", args[1], args[2], script, null);
            return;
        }
        List<String> stores = args.length == 0 ? List.of("discarding", "postgres") : Arrays.asList(args);
        for (String store : stores) {
            run(store, script);
        }
    }

    private static void run(String storeName, Path script) throws Exception {
        BenchmarkDatabase database = storeName.equals("postgres") ? new BenchmarkDatabase("load") : null;
        ActivityStore store = database == null ? new DiscardingStore()
                : JdbcActivityStore.builder(database.dataSource).migrate(true).scheduledRetention(false).build();
        Path spool = Files.createTempDirectory("filter-load-spool");
        ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spool).build();
        TimedTrail timed = new TimedTrail(trail);
        FilterSettings settings = FilterSettings.builder()
                .userResolver(request -> Optional.ofNullable(request.getHeader("X-User"))).build();
        Server withFilter = server(new ActivityFilter(timed, settings));
        Server without = server(null);
        try {
            compare(storeName, "http://127.0.0.1:" + port(withFilter) + "/hello", "http://127.0.0.1:" + port(without) + "/hello",
                    script, timed);
            trail.flush();
            PipelineHealth health = trail.health();
            System.out.printf("%s: pipeline after the run: %s, dropped %d, spooled bytes %d%n", storeName,
                    health.status(), health.dropped(), health.spoolBytes());
        } finally {
            withFilter.stop();
            without.stop();
            trail.close();
            store.close();
            if (database != null) {
                database.close();
            }
        }
    }

    /**
     * Loads {@code on} (with the filter) and {@code off} (without) in turn, alternating which goes
     * first, and prints the medians over the rounds; {@code timed}, when given, times each log call.
     */
    private static void compare(String label, String on, String off, Path script, @Nullable TimedTrail timed)
            throws IOException, InterruptedException {
        wrk(on, script, WARMUP);
        wrk(off, script, WARMUP);
        List<Result> filtered = new ArrayList<>();
        List<Result> bare = new ArrayList<>();
        List<long[]> logTimes = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean filteredFirst = round % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == filteredFirst) {
                    if (timed != null) {
                        timed.reset();
                    }
                    filtered.add(wrk(on, script, SECONDS));
                    if (timed != null) {
                        logTimes.add(timed.percentiles());
                    }
                } else {
                    bare.add(wrk(off, script, SECONDS));
                }
            }
            System.out.printf("  %s round %d: with filter %s | without %s%s%n", label, round + 1, filtered.get(round), bare.get(round),
                    timed == null ? "" : String.format(" | log() p50/p99/p99.9 %d/%d/%d ns over %d calls", logTimes.get(round)[0],
                            logTimes.get(round)[1], logTimes.get(round)[2], logTimes.get(round)[3]));
        }
        double rpsOn = median(filtered.stream().mapToDouble(Result::rps).toArray());
        double rpsOff = median(bare.stream().mapToDouble(Result::rps).toArray());
        System.out.printf(Locale.ROOT, "%s: throughput with filter %.0f/s, without %.0f/s, ratio %.3f%n", label, rpsOn, rpsOff, rpsOn / rpsOff);
        System.out.printf(Locale.ROOT, "%s: latency µs with filter p50 %.0f p99 %.0f p99.9 %.0f; without p50 %.0f p99 %.0f p99.9 %.0f%n", label,
                median(filtered.stream().mapToDouble(Result::p50).toArray()), median(filtered.stream().mapToDouble(Result::p99).toArray()),
                median(filtered.stream().mapToDouble(Result::p999).toArray()), median(bare.stream().mapToDouble(Result::p50).toArray()),
                median(bare.stream().mapToDouble(Result::p99).toArray()), median(bare.stream().mapToDouble(Result::p999).toArray()));
        if (timed != null) {
            System.out.printf(Locale.ROOT, "%s: log() ns medians over rounds p50 %.0f p99 %.0f p99.9 %.0f%n", label,
                    median(logTimes.stream().mapToDouble(t -> t[0]).toArray()), median(logTimes.stream().mapToDouble(t -> t[1]).toArray()),
                    median(logTimes.stream().mapToDouble(t -> t[2]).toArray()));
        }
        System.out.printf("%s: errors in wrk runs %d%n", label,
                filtered.stream().mapToLong(Result::errors).sum() + bare.stream().mapToLong(Result::errors).sum());
    }

    private static Server server(ActivityFilter filter) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        if (filter != null) {
            context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new HelloServlet()), "/hello");
        server.setHandler(context);
        server.start();
        return server;
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static Result wrk(String url, Path script, int seconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t" + THREADS, "-c" + CONNECTIONS, "-d" + seconds + "s", "-s",
                script.toString(), url).redirectErrorStream(true);
        // The session cookie of the server at this URL, when it authenticates by cookie.
        String cookie = System.getProperty("cookie." + url);
        if (cookie != null) {
            builder.environment().put("WRK_COOKIE", cookie);
        }
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                String[] f = line.trim().split(" ");
                long requests = Long.parseLong(f[1]);
                long micros = Long.parseLong(f[2]);
                return new Result(requests / (micros / 1e6), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                        Long.parseLong(f[6]));
            }
        }
        throw new IllegalStateException("no RESULT line from wrk: " + out);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The trivial endpoint. */
    private static final class HelloServlet extends HttpServlet {
        private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }
    }
}
