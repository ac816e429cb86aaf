/**
 * Automatic request logging for Jakarta Servlet 6 applications (Jetty 12, Tomcat 10.1/11,
 * Undertow): {@link io.activitytrail.servlet.ActivityFilter}, configured by
 * {@link io.activitytrail.servlet.FilterSettings}, with
 * {@link io.activitytrail.servlet.SeverityFunction} to choose severities.
 *
 * <p>Everything in {@code io.activitytrail.servlet.internal} is implementation detail.
 */
@NullMarked
package io.activitytrail.servlet;

import org.jspecify.annotations.NullMarked;
