/** Implementation detail of activity-core; not API, may change in any release. */
@NullMarked
package io.activitytrail.internal;

import org.jspecify.annotations.NullMarked;
