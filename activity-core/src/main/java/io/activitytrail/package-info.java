/**
 * The public API of ActivityTrail: {@link io.activitytrail.ActivityTrail} to log and read activity,
 * {@link io.activitytrail.Activity} and its builder, the query and result types, and the SPIs
 * ({@link io.activitytrail.ActivityStore}, {@link io.activitytrail.UserResolver},
 * {@link io.activitytrail.LocationResolver}, {@link io.activitytrail.MetricsListener}).
 */
@NullMarked
package io.activitytrail;

import org.jspecify.annotations.NullMarked;
