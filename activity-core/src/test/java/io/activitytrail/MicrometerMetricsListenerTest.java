package io.activitytrail;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicrometerMetricsListenerTest {
    @TempDir
    Path spoolDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldRecordThePipelineInTheRegistry() {
        InMemoryActivityStore store = new InMemoryActivityStore();
        try (ActivityTrail trail = ActivityTrail.builder().store(store).spoolDirectory(spoolDir)
                .metricsListener(new MicrometerMetricsListener(registry, Tags.of("trail", "audit"))).build()) {
            for (int i = 0; i < 25; i++) {
                trail.log("user-1", "login", null);
            }
            trail.flush();
        }

        assertThat(registry.get("activitytrail.activities.enqueued").tag("trail", "audit").counter().count()).isEqualTo(25);
        assertThat(registry.get("activitytrail.activities.written").counter().count()).isEqualTo(25);
        assertThat(registry.get("activitytrail.batch.size").summary().totalAmount()).isEqualTo(25);
        assertThat(registry.get("activitytrail.batch.latency").timer().count()).isPositive();
        assertThat(registry.get("activitytrail.queue.depth").gauge().value()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void shouldCountDropsByReason() {
        MicrometerMetricsListener listener = new MicrometerMetricsListener(registry);
        Activity a = Activity.builder("user-1", "login").build();

        listener.onDropped(a, MetricsListener.DROPPED_QUEUE_FULL);
        listener.onDropped(a, MetricsListener.DROPPED_QUEUE_FULL);
        listener.onDropped(a, MetricsListener.DROPPED_SPOOL_FULL);

        assertThat(registry.get("activitytrail.activities.dropped").tag("reason", "queue_full").counter().count()).isEqualTo(2);
        assertThat(registry.get("activitytrail.activities.dropped").tag("reason", "spool_full").counter().count()).isEqualTo(1);
        assertThat(registry.get("activitytrail.activities.dropped").tag("reason", "closed").counter().count()).isZero();
    }

    @Test
    void shouldRecordRetriesSpoolReplayAndRejects() {
        MicrometerMetricsListener listener = new MicrometerMetricsListener(registry);
        Activity a = Activity.builder("user-1", "login").build();

        listener.onRetry(1, new ActivityStoreException("down"));
        listener.onSpooled(10);
        listener.onReplayed(7);
        listener.onRejected(new RejectedActivity(a, "bad"));
        listener.onSpoolRecordsSkipped(2, "torn");
        listener.onEnrichmentFailed(new IllegalStateException());
        listener.onQueueDepth(42);
        listener.onWritten(3, Duration.ofMillis(5));

        assertThat(registry.get("activitytrail.batch.retries").counter().count()).isEqualTo(1);
        assertThat(registry.get("activitytrail.activities.spooled").counter().count()).isEqualTo(10);
        assertThat(registry.get("activitytrail.activities.replayed").counter().count()).isEqualTo(7);
        assertThat(registry.get("activitytrail.activities.rejected").counter().count()).isEqualTo(1);
        assertThat(registry.get("activitytrail.spool.skipped").counter().count()).isEqualTo(2);
        assertThat(registry.get("activitytrail.enrichment.failures").counter().count()).isEqualTo(1);
        assertThat(registry.get("activitytrail.queue.depth").gauge().value()).isEqualTo(42);
        assertThat(registry.get("activitytrail.batch.latency").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5);
    }
}
