package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivityTrailBuilderTest {
    @TempDir
    Path spoolDir;

    @Test
    void shouldNameTheBadValue() {
        ActivityTrail.Builder b = ActivityTrail.builder();

        assertThatThrownBy(() -> b.batchSize(0)).hasMessage("batchSize must be between 1 and 10000, but was 0");
        assertThatThrownBy(() -> b.queueCapacity(0)).hasMessage("queueCapacity must be between 1 and 10000000, but was 0");
        assertThatThrownBy(() -> b.flushInterval(Duration.ZERO)).hasMessage("flushInterval must be between PT0.001S and PT1M, but was PT0S");
        assertThatThrownBy(() -> b.retryMaxAttempts(0)).hasMessage("retryMaxAttempts must be between 1 and 100, but was 0");
        assertThatThrownBy(() -> b.retryInitialDelay(Duration.ofMinutes(2)))
                .hasMessage("retryInitialDelay must be between PT0.001S and PT1M, but was PT2M");
        assertThatThrownBy(() -> b.retryMaxDelay(Duration.ofMillis(-1)))
                .hasMessage("retryMaxDelay must be between PT0.001S and PT10M, but was PT-0.001S");
        assertThatThrownBy(() -> b.blockTimeout(Duration.ofMinutes(5))).hasMessage("blockTimeout must be between PT0S and PT1M, but was PT5M");
        assertThatThrownBy(() -> b.spoolMaxBytes(1000)).hasMessage("spoolMaxBytes must be between 65536 and 1099511627776, but was 1000");
        assertThatThrownBy(() -> b.sessionIdHashKey(new byte[8])).hasMessage("sessionIdHashKey must be at least 16 bytes, but was 8 bytes");
        assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofHours(1))).hasMessage("shutdownTimeout must be between PT0S and PT10M, but was PT1H");
        assertThatThrownBy(() -> b.batchSize(10_001)).hasMessage("batchSize must be between 1 and 10000, but was 10001");
        assertThatThrownBy(() -> b.queueCapacity(10_000_001))
                .hasMessage("queueCapacity must be between 1 and 10000000, but was 10000001");
        assertThatThrownBy(() -> b.retention(Duration.ofHours(23))).hasMessage("retention must be between PT24H and PT8760000H, but was PT23H");
        assertThatThrownBy(() -> b.deviceCacheSize(-1)).hasMessage("deviceCacheSize must be between 0 and 1000000, but was -1");
        assertThatThrownBy(() -> b.deviceCacheSize(1_000_001))
                .hasMessage("deviceCacheSize must be between 0 and 1000000, but was 1000001");
    }

    @Test
    void shouldRejectNulls() {
        ActivityTrail.Builder b = ActivityTrail.builder();

        assertThatThrownBy(() -> b.store(null)).isInstanceOf(NullPointerException.class).hasMessage("store");
        assertThatThrownBy(() -> b.overflowPolicy(null)).isInstanceOf(NullPointerException.class).hasMessage("overflowPolicy");
        assertThatThrownBy(() -> b.synchronousSeverity(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threadFactory(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.blockTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("blockTimeout");
        assertThatThrownBy(() -> b.privacy(null)).isInstanceOf(NullPointerException.class).hasMessage("privacy");
        assertThatThrownBy(() -> b.deviceResolver(null)).isInstanceOf(NullPointerException.class).hasMessage("deviceResolver");
    }

    @Test
    void shouldResolveDevicesWithUapAndMaskIpsByDefault() {
        InMemoryActivityStore store = new InMemoryActivityStore();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).build()) {
            trail.log(Activity.builder("user-1", "login").request(new RequestInfo("203.0.113.77",
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:125.0) Gecko/20100101 Firefox/125.0", null, null))
                    .build());
            trail.flush();

            Activity stored = store.query(ActivityQuery.forUser("user-1").build()).activities().get(0);
            assertThat(stored.deviceInfo()).containsEntry("browser", "Firefox").containsEntry("os", "macOS")
                    .containsEntry("os_version", "10.15").containsEntry("device_type", "desktop");
            assertThat(stored.ipAddress()).isEqualTo("203.0.113.0");
        }
    }

    @Test
    void shouldRequireAStore() {
        assertThatThrownBy(() -> ActivityTrail.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("store must be set");
    }

    @Test
    void shouldRequireMaxDelayNotBelowInitialDelay() {
        ActivityTrail.Builder b = ActivityTrail.builder().store(new InMemoryActivityStore()).spoolDirectory(spoolDir)
                .retryInitialDelay(Duration.ofSeconds(2)).retryMaxDelay(Duration.ofSeconds(1));

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("retryMaxDelay must not be less than retryInitialDelay (PT2S), but was PT1S");
    }

    @Test
    void shouldHashSessionIdsWithACopyOfTheKeyTakenWhenItWasSet() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] original = key.clone();
        InMemoryActivityStore store = new InMemoryActivityStore();
        ActivityTrail.Builder builder = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).sessionIdHashKey(key);
        key[0] = 'X'; // changing the caller's array afterwards must not change the key

        try (ActivityTrail trail = builder.build()) {
            trail.log(Activity.builder("user-1", "login").sessionId("S1").build());
            trail.flush();
        }

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(original, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("S1".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.query(ActivityQuery.forUser("user-1").build()).activities())
                .singleElement().extracting(Activity::sessionId).isEqualTo(expected);
    }

    @Test
    void shouldBuildAWorkingTrailWithDefaults() {
        InMemoryActivityStore store = new InMemoryActivityStore();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).build()) {
            trail.log("user-1", "login", "Signed in");
            trail.flush();

            assertThat(store.size()).isEqualTo(1);
            assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.UP);
        }
    }

    @Test
    void shouldCloseATrailThatHasAShutdownHook() {
        ActivityTrail trail = ActivityTrail.builder().store(new InMemoryActivityStore()).spoolDirectory(spoolDir)
                .shutdownHook(true).build();

        trail.close();

        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DOWN);
    }
}
