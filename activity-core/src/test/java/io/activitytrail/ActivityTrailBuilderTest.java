package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
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
    }

    @Test
    void shouldRejectNulls() {
        ActivityTrail.Builder b = ActivityTrail.builder();

        assertThatThrownBy(() -> b.overflowPolicy(null)).isInstanceOf(NullPointerException.class).hasMessage("overflowPolicy");
        assertThatThrownBy(() -> b.synchronousSeverity(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threadFactory(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.blockTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("blockTimeout");
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
    void shouldCopyTheSessionIdHashKey() {
        byte[] key = new byte[32];
        ActivityTrail.Builder b = ActivityTrail.builder().sessionIdHashKey(key);
        key[0] = 1;
        // No getter: the copy is checked by behaviour in DefaultActivityTrailTest; here only that it is accepted.
        assertThat(b).isNotNull();
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
    void shouldRegisterAndRemoveTheShutdownHook() {
        ActivityTrail trail = ActivityTrail.builder().store(new InMemoryActivityStore()).spoolDirectory(spoolDir)
                .shutdownHook(true).build();

        trail.close();

        assertThat(trail.health().status()).isEqualTo(PipelineHealth.Status.DOWN);
    }
}
