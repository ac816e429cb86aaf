/** Implementation of the servlet integration; not API, may change in any release. */
@NullMarked
package io.activitytrail.servlet.internal;

import org.jspecify.annotations.NullMarked;
