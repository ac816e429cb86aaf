/**
 * The public API of ActivityTrail.
 *
 * <ul>
 *   <li>Logging: {@link io.activitytrail.ActivityTrail} (and its {@code Builder}),
 *       {@link io.activitytrail.Activity}, {@link io.activitytrail.RequestInfo},
 *       {@link io.activitytrail.Severity}, {@link io.activitytrail.OverflowPolicy},
 *       {@link io.activitytrail.PrivacyPolicy} (IP masking, secret redaction, location precision).</li>
 *   <li>Reading: {@link io.activitytrail.ActivityQuery}, {@link io.activitytrail.ActivityPage},
 *       {@link io.activitytrail.ActivityCursor}, {@link io.activitytrail.ActivityStats},
 *       {@link io.activitytrail.ExportFormat}, {@link io.activitytrail.RetentionResult}.</li>
 *   <li>Operating: {@link io.activitytrail.PipelineHealth},
 *       {@link io.activitytrail.MicrometerMetricsListener} (needs Micrometer).</li>
 *   <li>SPIs: {@link io.activitytrail.ActivityStore} (with {@link io.activitytrail.WriteResult},
 *       {@link io.activitytrail.RejectedActivity}), {@link io.activitytrail.UserResolver},
 *       {@link io.activitytrail.LocationResolver} (with {@link io.activitytrail.GeoIpLocationResolver},
 *       needs geoip2), {@link io.activitytrail.DeviceResolver} (with
 *       {@link io.activitytrail.UapDeviceResolver}, needs uap-java), {@link io.activitytrail.MetricsListener};
 *       {@link io.activitytrail.InMemoryActivityStore} for tests and demos.</li>
 *   <li>Errors: {@link io.activitytrail.ActivityTrailException} and its subclasses
 *       {@link io.activitytrail.InvalidActivityException} (a value breaks a rule) and
 *       {@link io.activitytrail.ActivityStoreException} (the store failed, may pass).</li>
 * </ul>
 *
 * <p>Everything in {@code io.activitytrail.internal} is implementation detail.
 */
@NullMarked
package io.activitytrail;

import org.jspecify.annotations.NullMarked;
