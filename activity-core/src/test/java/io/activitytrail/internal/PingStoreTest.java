package io.activitytrail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PingStoreTest {
    @TempDir
    Path spoolDir;

    private final FlakyStore store = new FlakyStore();
    private ActivityTrail trail;

    @BeforeEach
    void start() {
        trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir).build();
    }

    @AfterEach
    void stop() {
        store.release();
        trail.close();
    }

    @Test
    void shouldAnswerWhenTheStoreAnswers() {
        Duration took = trail.pingStore(Duration.ofSeconds(5));

        assertThat(took).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofSeconds(5));
        assertThat(store.pingCalls).hasValue(1);
    }

    @Test
    void shouldThrowTheStoresFailure() {
        store.down = true;

        assertThatThrownBy(() -> trail.pingStore(Duration.ofSeconds(5)))
                .isInstanceOf(ActivityStoreException.class).hasMessage("store is down");
    }

    @Test
    void shouldGiveUpAfterTheTimeoutWhenTheStoreHangs() {
        store.hangPings();

        assertThatThrownBy(() -> trail.pingStore(Duration.ofMillis(50)))
                .isInstanceOf(ActivityStoreException.class).hasMessageContaining("did not answer within PT0.05S");
    }

    @Test
    void shouldNotStartASecondPingWhileOneHangs() {
        store.hangPings();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> trail.pingStore(Duration.ofMillis(20))).isInstanceOf(ActivityStoreException.class);
        }
        assertThat(store.pingCalls).hasValue(1);

        store.release();

        // Once the hung ping ends, the next call starts a ping of its own.
        await().untilAsserted(() -> {
            trail.pingStore(Duration.ofSeconds(5));
            assertThat(store.pingCalls.get()).isGreaterThan(1);
        });
    }

    @Test
    void shouldRefuseATimeoutOutOfRange() {
        assertThatThrownBy(() -> trail.pingStore(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> trail.pingStore(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT2M");
    }
}
