package io.activitytrail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.ActivityTrail;
import io.activitytrail.jdbc.JdbcActivityStore;
import io.activitytrail.servlet.internal.IpAddresses;
import io.activitytrail.testsupport.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches PostgreSQL and the disk spool from requests through the filter (Jetty, a
 * {@link JdbcActivityStore}, the trail's default privacy settings): no client address unmasked,
 * no secret from a header or the query string.
 *
 * <p>The masking test needs the core's privacy policy (IPv4 kept to /24, IPv6 to /48 by default);
 * until that is in the core, it fails, by design.
 */
class FilterPrivacyIT {
    private static final int ADDRESSES = 10_000;

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @TempDir
    Path temp;

    JdbcActivityStore jdbc;
    SwitchableStore store;
    ActivityTrail trail;
    JettyTestServer server;
    int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        jdbc = JdbcActivityStore.builder(postgres.dataSource()).migrate(true).scheduledMaintenance(false)
                .scheduledRetention(false).build();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE user_activity_logs"); // the schema is the class's; each test starts empty
        }
        store = new SwitchableStore(jdbc);
        trail = ActivityTrail.builder().store(store).spoolDirectory(temp.resolve("spool")).flushInterval(Duration.ofMillis(20))
                .retryMaxAttempts(1).retryInitialDelay(Duration.ofMillis(10)).retryMaxDelay(Duration.ofMillis(100)).build();
        ActivityFilter filter = new ActivityFilter(trail, FilterSettings.builder().trustedProxies("127.0.0.1").build());
        server = new JettyTestServer();
        port = server.start(new TestServer.Deployment(new ProbeFilter(), filter, Map.of(), null, new TestServlet()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        trail.close();
        jdbc.close();
    }

    @Test
    void shouldStoreNoClientAddressUnmasked() throws Exception {
        Random random = new Random(7239L);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < ADDRESSES; i++) {
            byte[] address = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(address);
            if (address.length == 16) {
                address[0] = (byte) (0x20 | (address[0] & 0x1f)); // global unicast, never IPv4-mapped
            } else if ((address[0] & 0xff) == 127) {
                address[0] = 1; // the trusted proxy itself would be skipped
            }
            sent.add(IpAddresses.format(address));
        }
        List<String[]> requests = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            String ip = sent.get(i);
            requests.add(new String[] {"X-Forwarded-For", ip.contains(":") ? "[" + ip + "]:4711" : ip, "X-Request-Id", "privacy-" + i});
        }
        sendAll(requests);
        trail.flush();

        int rows = 0;
        int ipv4 = 0;
        int ipv6 = 0;
        int unmasked = 0;
        Map<String, Set<String>> timesByRequest = new HashMap<>();
        int writtenTwice = 0;
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT host(ip_address), request_id, created_at::text FROM user_activity_logs "
                        + "WHERE user_id = 'privacy'")) {
            while (r.next()) {
                rows++;
                if (!timesByRequest.computeIfAbsent(r.getString(2), k -> new HashSet<>()).add(r.getString(3))) {
                    writtenTwice++; // the same activity twice: the same request id and the same time
                }
                byte[] stored = IpAddresses.parse(r.getString(1));
                if (stored == null) {
                    continue;
                }
                boolean v4 = stored.length == 4;
                ipv4 += v4 ? 1 : 0;
                ipv6 += v4 ? 0 : 1;
                // Masked: IPv4 to /24 (last octet 0), IPv6 to /48 (last 80 bits 0).
                for (int i = v4 ? 3 : 6; i < stored.length; i++) {
                    if (stored[i] != 0) {
                        unmasked++;
                        break;
                    }
                }
            }
        }
        // The JDK client sends a GET again when the pooled connection it went out on fails under it,
        // and the server may have taken the first: such a request is logged twice, at two times,
        // rightly. A row written twice, or a request missing, is what this guards against.
        System.out.printf("privacy: %d addresses sent through X-Forwarded-For, %d rows (%d IPv4, %d IPv6) for %d requests, "
                + "%d stored unmasked, %d written twice%n", ADDRESSES, rows, ipv4, ipv6, timesByRequest.size(), unmasked, writtenTwice);
        assertThat(timesByRequest).as("requests logged").hasSize(ADDRESSES);
        assertThat(writtenTwice).as("rows written twice").isZero();
        assertThat(ipv4 + ipv6).as("rows with an address").isEqualTo(rows);
        assertThat(unmasked).as("addresses stored unmasked").isZero();
    }

    @Test
    void shouldStoreOrSpoolNoSecretFromHeadersOrTheQuery() throws Exception {
        List<String> canaries = List.of("CANARY-AUTH-7f3a", "CANARY-COOKIE-91bd", "CANARY-TOKEN-4c2e", "CANARY-PASSWORD-d81f");
        List<String[]> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(new String[] {"Authorization", "Bearer " + canaries.get(0), "Cookie", "sid=" + canaries.get(1),
                "X-Request-Id", "canary-" + i});
        }
        // First with the database down, so that the activities are spooled; then replayed into it.
        store.down = true;
        sendAll(requests, "?token=" + canaries.get(2) + "&password=" + canaries.get(3) + "&page=1");
        trail.flush();
        String spooled = readAll(temp.resolve("spool"));
        long spoolFiles;
        try (var files = Files.walk(temp.resolve("spool"))) {
            spoolFiles = files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        }
        store.down = false;
        await().atMost(Duration.ofSeconds(60)).until(() -> countRows() == 200);

        String stored;
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT t::text FROM user_activity_logs t")) {
            StringBuilder all = new StringBuilder();
            while (r.next()) {
                all.append(r.getString(1)).append('\n');
            }
            stored = all.toString();
        }
        long foundInRows = canaries.stream().filter(stored::contains).count();
        long foundInSpool = canaries.stream().filter(spooled::contains).count();
        System.out.printf("canaries: %d requests with Authorization, Cookie, ?token= and ?password= canaries; "
                        + "%d spool segments (%d bytes) then %d rows; canaries found in rows %d, in spool files %d%n",
                requests.size(), spoolFiles, spooled.length(), countRows(), foundInRows, foundInSpool);
        assertThat(spoolFiles).as("the spool was used").isPositive();
        assertThat(spooled).contains("canary-0").contains("token=***").contains("password=***");
        assertThat(stored).contains("token=***&password=***&page=1");
        assertThat(foundInRows).as("canaries in rows").isZero();
        assertThat(foundInSpool).as("canaries in spool files").isZero();
    }

    private long countRows() throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM user_activity_logs")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static String readAll(Path dir) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return out.toString();
    }

    private void sendAll(List<String[]> headerSets) throws Exception {
        sendAll(headerSets, "");
    }

    /** Sends from 4 threads; every response must be 200. */
    private void sendAll(List<String[]> headerSets, String query) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String[] headers : headerSets) {
                statuses.add(pool.submit(() -> {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ok" + query))
                            .header("X-Principal", "privacy").timeout(Duration.ofSeconds(30));
                    for (int i = 0; i < headers.length; i += 2) {
                        b.header(headers[i], headers[i + 1]);
                    }
                    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
    }
}
