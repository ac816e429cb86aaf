/** Implementation detail of activity-jdbc; not API, may change in any release. */
@NullMarked
package io.activitytrail.jdbc.internal;

import org.jspecify.annotations.NullMarked;
