package io.activitytrail.spring.internal;

import io.activitytrail.ActivityStoreException;
import io.activitytrail.ActivityTrail;
import io.activitytrail.PipelineHealth;
import java.time.Duration;
import java.util.Map;

/** What the {@code activity} health indicator reports, on any Boot line (no Spring type here, so both lines can load it). */
final class ActivityHealthCheck {
    private ActivityHealthCheck() {}

    /**
     * The health of {@code trail} on any Boot line: the status code (UP, DEGRADED, DOWN) and the
     * details put into {@code details}.
     */
    static String check(ActivityTrail trail, Map<String, Object> details) {
        PipelineHealth h = trail.health();
        String status = h.status().name();
        details.put("queueDepth", h.queueDepth());
        details.put("queueCapacity", h.queueCapacity());
        details.put("spoolBytes", h.spoolBytes());
        details.put("dropped", h.dropped());
        details.put("rejected", h.rejected());
        if (h.lastError() != null) {
            details.put("lastError", h.lastError());
        }
        if (h.lastSuccessfulWrite() != null) {
            details.put("lastSuccessfulWrite", h.lastSuccessfulWrite().toString());
        }
        try {
            details.put("databaseMillis", trail.pingStore(Duration.ofSeconds(2)).toMillis());
        } catch (ActivityStoreException e) {
            details.put("database", e.getMessage());
            status = "DOWN";
        }
        return status;
    }
}
