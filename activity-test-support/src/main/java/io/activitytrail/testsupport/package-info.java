/**
 * Test support for ActivityTrail and for hosts that write their own store: a JUnit 5 extension
 * that gives tests a real PostgreSQL ({@link io.activitytrail.testsupport.PostgresExtension}) and
 * the contract every {@link io.activitytrail.ActivityStore} must pass
 * ({@link io.activitytrail.testsupport.ActivityStoreContractTest}).
 */
@NullMarked
package io.activitytrail.testsupport;

import org.jspecify.annotations.NullMarked;
