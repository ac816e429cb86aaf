/** Implementation of the Spring integration; not a public API. */
package io.activitytrail.spring.internal;
