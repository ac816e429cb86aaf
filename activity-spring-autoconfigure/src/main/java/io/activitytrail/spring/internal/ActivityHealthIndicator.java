package io.activitytrail.spring.internal;

import io.activitytrail.ActivityTrail;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code activity} health of Actuator on Boot 4: UP, DEGRADED (spooling or replaying, nothing
 * lost) or DOWN, with the queue, the spool, the last error and a database ping.
 */
public final class ActivityHealthIndicator implements HealthIndicator {
    private final ActivityTrail trail;

    public ActivityHealthIndicator(ActivityTrail trail) {
        this.trail = trail;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        String status = ActivityHealthCheck.check(trail, details);
        return Health.status(new Status(status)).withDetails(details).build();
    }
}
