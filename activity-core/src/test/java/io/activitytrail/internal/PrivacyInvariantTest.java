package io.activitytrail.internal;

import io.activitytrail.testing.CountingListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityTrail;
import io.activitytrail.LocationResolver;
import io.activitytrail.PrivacyPolicy;
import io.activitytrail.RequestInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy invariant on every path an activity can take to the store or to a file: normal
 * batch write, caller-side overflow spool, shutdown takeover, rejected-row file, logNow. No raw IP
 * and no canary secret may reach the store or any byte of any file in the spool directory.
 */
class PrivacyInvariantTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RAW_IPV4 = "198.51.100.77";
    private static final String RAW_IPV6 = "2001:db8:abcd:12::77";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    private static final String PASSWORD = "hunter2-canary";
    private static final String CARD = "4111 1111 1111 1111";
    private static final String RAW_SESSION = "RAW-SESSION-CANARY";
    /** Every canary, and the parts of the raw addresses that masking removes. */
    private static final List<String> CANARIES = List.of(RAW_IPV4, "2001:db8:abcd:12", JWT,
            "eyJzdWIiOiJ1c2VyLTQyIn0", PASSWORD, CARD, CARD.replace(" ", ""), RAW_SESSION);

    @TempDir
    Path spoolDir;

    private final FlakyStore store = new FlakyStore();
    private final CountingListener listener = new CountingListener();
    private final List<ActivityTrail> trails = new ArrayList<>();
    /** The addresses the location resolver was asked about: it must see the raw ones. */
    private final List<String> locatedIps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LocationResolver locations = ip -> {
        locatedIps.add(ip);
        return ip.equals(RAW_IPV4) || ip.equals(RAW_IPV6) ? Map.of("country_code", "NL") : Map.of();
    };

    @AfterEach
    void closeTrails() {
        store.release();
        trails.forEach(ActivityTrail::close);
    }

    private ActivityTrail.Builder builder() {
        return ActivityTrail.builder()
                .store(store)
                .spoolDirectory(spoolDir)
                .metricsListener(listener)
                .locationResolver(locations)
                .deviceResolver(ua -> Map.of("browser", "Firefox", "os", "Linux", "device_type", "desktop"))
                .flushInterval(Duration.ofMillis(20))
                .retryInitialDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .retryMaxAttempts(2);
    }

    private ActivityTrail start(ActivityTrail.Builder builder) {
        ActivityTrail trail = builder.build();
        trails.add(trail);
        return trail;
    }

    private static Activity canary(int n, Map<String, Object> extra) {
        Map<String, Object> metadata = new java.util.LinkedHashMap<>(extra);
        metadata.put("password", PASSWORD);
        metadata.put("auth", Map.of("header", "Bearer " + JWT, "list", List.of(JWT)));
        metadata.put("n", n);
        return Activity.builder("user-1", "login")
                .description("Paid with card " + CARD + " and token " + JWT)
                .request(new RequestInfo(n % 2 == 0 ? RAW_IPV4 : RAW_IPV6, "Mozilla/5.0 (X11; Linux x86_64)", RAW_SESSION, "req-" + n))
                .metadata(metadata)
                .build();
    }

    private static Activity canary(int n) {
        return canary(n, Map.of());
    }

    @Test
    void shouldStoreNoRawIpNorSecretFromANormalWrite() throws IOException {
        ActivityTrail trail = start(builder());
        for (int i = 0; i < 10; i++) {
            trail.log(canary(i));
        }
        trail.flush();

        assertThat(store.size()).isEqualTo(10);
        assertCleanStore(10);
        assertCleanSpoolFiles();
    }

    @Test
    void shouldSpoolNoRawIpNorSecretOnTheCallersOverflowPath() throws IOException {
        store.hang();
        ActivityTrail trail = start(builder().queueCapacity(1).batchSize(1));
        trail.log(canary(0));
        await().atMost(WAIT).until(() -> store.writeCalls.get() == 1); // the writer hangs with one in hand
        for (int i = 1; i <= 20; i++) {
            trail.log(canary(i));
        }
        assertThat(listener.spooled.sum()).isPositive();
        assertCleanSpoolFiles();

        store.release();
        await().atMost(WAIT).until(() -> store.size() == 21);
        assertCleanStore(21);
        assertThat(locatedIps).contains(RAW_IPV4, RAW_IPV6).allMatch(ip -> ip.equals(RAW_IPV4) || ip.equals(RAW_IPV6));
    }

    @Test
    void shouldSpoolNoRawIpNorSecretWhenCloseTakesOverFromAHungWriter() throws IOException {
        ActivityTrail trail = builder().shutdownTimeout(Duration.ofMillis(200)).flushInterval(Duration.ofMinutes(1))
                .batchSize(5).build();
        store.hang();
        for (int i = 0; i < 50; i++) {
            trail.log(canary(i));
        }
        await().atMost(WAIT).until(() -> store.writeCalls.get() == 1); // the writer hangs with a batch in hand
        trail.close();

        assertThat(listener.spooled.sum()).isEqualTo(50);
        assertCleanSpoolFiles();

        FlakyStore next = new FlakyStore();
        ActivityTrail replay = start(builder().store(next));
        await().atMost(WAIT).until(() -> next.size() == 50 && replay.health().spoolBytes() == 0);
        assertClean(next.delegate.query(ActivityQuery.forUser("user-1").limit(100).build()).activities(), 50);
    }

    @Test
    void shouldSetAsideNoRawIpNorSecretInTheRejectedRowFile() throws IOException {
        ActivityTrail trail = start(builder());
        trail.log(canary(0, Map.of(FlakyStore.POISON, true)));
        trail.log(canary(1, Map.of(FlakyStore.POISON, true)));
        trail.flush();

        assertThat(listener.rejected).hasSize(2);
        try (Stream<Path> files = Files.list(spoolDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("rejected-"));
        }
        assertCleanSpoolFiles();
    }

    @Test
    void shouldStoreNoRawIpNorSecretFromLogNow() throws IOException {
        ActivityTrail trail = start(builder());

        trail.logNow(canary(0));
        trail.logNow(canary(1));

        assertThat(store.size()).isEqualTo(2);
        assertCleanStore(2);
        assertCleanSpoolFiles();
    }

    @Test
    void shouldFindMaskedRowsByTheRawIp() {
        ActivityTrail trail = start(builder());
        trail.log(canary(0));
        trail.log(canary(1));
        trail.flush();

        ActivityPage byV4 = trail.query(ActivityQuery.forUser("user-1").ipAddress(RAW_IPV4).build());
        ActivityPage byMapped = trail.query(ActivityQuery.forUser("user-1").ipAddress("::ffff:" + RAW_IPV4).build());
        ActivityPage byV6 = trail.query(ActivityQuery.forUser("user-1").ipAddress(RAW_IPV6).build());

        assertThat(byV4.activities()).singleElement().satisfies(a -> assertThat(a.ipAddress()).isEqualTo("198.51.100.0"));
        assertThat(byMapped.activities()).hasSize(1);
        assertThat(byV6.activities()).singleElement().satisfies(a -> assertThat(a.ipAddress()).isEqualTo("2001:db8:abcd::"));
    }

    @Test
    void shouldFindNothingByIpWhenNoIpIsStored() {
        ActivityTrail trail = start(builder().privacy(PrivacyPolicy.builder().ipMasking(PrivacyPolicy.IpMasking.FULL).build()));
        trail.log(canary(0));
        trail.flush();

        assertThat(trail.query(ActivityQuery.forUser("user-1").build()).activities()).singleElement()
                .satisfies(a -> assertThat(a.ipAddress()).isNull());
        assertThat(trail.query(ActivityQuery.forUser("user-1").ipAddress(RAW_IPV4).build()).activities()).isEmpty();
        assertThat(trail.query(ActivityQuery.forUser("user-1").ipAddress(RAW_IPV4).page(1).build()).pagination())
                .hasValueSatisfying(p -> assertThat(p.total()).isZero());
    }

    private void assertCleanStore(int expected) {
        assertClean(store.delegate.query(ActivityQuery.forUser("user-1").limit(100).build()).activities(), expected);
    }

    private static void assertClean(List<Activity> stored, int expected) {
        assertThat(stored).hasSize(expected);
        for (Activity a : stored) {
            String all = String.join("|", String.valueOf(a.ipAddress()), String.valueOf(a.description()),
                    String.valueOf(a.sessionId()), String.valueOf(a.userAgent()), a.metadata().toString(),
                    a.deviceInfo().toString(), a.locationInfo().toString());
            for (String canary : CANARIES) {
                assertThat(all).as("stored activity").doesNotContain(canary);
            }
            assertThat(a.ipAddress()).isIn("198.51.100.0", "2001:db8:abcd::");
            assertThat(a.metadata()).containsEntry("password", "[REDACTED]");
            assertThat(a.description()).isEqualTo("Paid with card [REDACTED] and token [REDACTED]");
            // located from the raw address on whichever thread protected it, then masked
            assertThat(a.locationInfo()).containsEntry("country_code", "NL");
            assertThat(a.deviceInfo()).containsEntry("browser", "Firefox");
        }
    }

    /** Every byte of every file in the spool directory, whatever its kind. */
    private void assertCleanSpoolFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(spoolDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String canary : CANARIES) {
                assertThat(bytes).as(file.getFileName() + " holds " + canary).doesNotContain(canary);
            }
        }
    }
}
