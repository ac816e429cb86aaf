/**
 * The PostgreSQL {@link io.activitytrail.ActivityStore}: {@link io.activitytrail.jdbc.JdbcActivityStore}
 * with its builder, and {@link io.activitytrail.jdbc.MaintenanceReport}. See {@code docs/jdbc-store.md}.
 */
@NullMarked
package io.activitytrail.jdbc;

import org.jspecify.annotations.NullMarked;
