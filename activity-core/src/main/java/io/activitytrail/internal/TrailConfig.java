package io.activitytrail.internal;

import io.activitytrail.ActivityStore;
import io.activitytrail.DeviceResolver;
import io.activitytrail.LocationResolver;
import io.activitytrail.MetricsListener;
import io.activitytrail.OverflowPolicy;
import io.activitytrail.PrivacyPolicy;
import io.activitytrail.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The checked settings of {@link io.activitytrail.ActivityTrail.Builder}.
 *
 * @param synchronousSeverity null: no severity is written synchronously by itself
 * @param sessionIdHashKey null: a random key per process
 * @param threadFactory null: a daemon thread named {@code activity-writer}
 */
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
        LocationResolver locationResolver,
        OverflowPolicy overflowPolicy,
        Duration blockTimeout,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        int retryMaxAttempts,
        long spoolMaxBytes,
        @Nullable Severity synchronousSeverity,
        boolean shutdownHook,
        byte @Nullable [] sessionIdHashKey,
        @Nullable ThreadFactory threadFactory,
        Duration downAfter,
        PrivacyPolicy privacy,
        DeviceResolver deviceResolver,
        int deviceCacheSize) {}
