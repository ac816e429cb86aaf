package io.activitytrail.spring.internal;

import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code activity} health of Actuator on Boot 4: UP, DEGRADED (spooling or replaying, nothing
 * lost) or DOWN, with the queue, the spool, the last error and a database ping.
 */
public final class ActivityHealthIndicator implements HealthIndicator {
    static final Status DEGRADED = new Status("DEGRADED");
    private final ActivityTrail trail;

    public ActivityHealthIndicator(ActivityTrail trail) {
        this.trail = trail;
    }

    @Override
    public Health health() {
        PipelineHealth h = trail.health();
        Health.Builder builder = switch (h.status()) {
            case UP -> Health.up();
            case DEGRADED -> Health.status(DEGRADED);
            case DOWN -> Health.down();
        };
        builder.withDetail("queueDepth", h.queueDepth())
                .withDetail("queueCapacity", h.queueCapacity())
                .withDetail("spoolBytes", h.spoolBytes())
                .withDetail("dropped", h.dropped())
                .withDetail("rejected", h.rejected());
        if (h.lastError() != null) {
            builder.withDetail("lastError", h.lastError());
        }
        if (h.lastSuccessfulWrite() != null) {
            builder.withDetail("lastSuccessfulWrite", h.lastSuccessfulWrite().toString());
        }
        try {
            builder.withDetail("databaseMillis", trail.pingStore(Duration.ofSeconds(2)).toMillis());
        } catch (ActivityStoreException e) {
            builder.down().withDetail("database", e.getMessage());
        }
        return builder.build();
    }
}
