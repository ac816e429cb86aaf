package io.activitytrail.internal;

import io.activitytrail.ActivityStore;
import io.activitytrail.LocationResolver;
import io.activitytrail.MetricsListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The checked settings of {@link io.activitytrail.ActivityTrail.Builder}. */
public record TrailConfig(
        ActivityStore store,
        int batchSize,
        Duration flushInterval,
        int queueCapacity,
        Path spoolDirectory,
        Duration retention,
        Duration shutdownTimeout,
        boolean synchronous,
        Clock clock,
        MetricsListener metricsListener,
        LocationResolver locationResolver) {}
