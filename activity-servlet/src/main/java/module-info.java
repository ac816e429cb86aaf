/**
 * The servlet integration of ActivityTrail: {@code io.activitytrail.servlet.ActivityFilter} (automatic
 * request logging) with its {@code FilterSettings}, and {@code ActivityApiServlet} (the JSON API) with
 * its {@code ApiSettings} and {@code AccessPolicy}. The implementation in
 * {@code io.activitytrail.servlet.internal} is not exported. uap-java comes along so that device info
 * is filled without extra setup.
 */
module io.activitytrail.servlet {
    exports io.activitytrail.servlet;

    requires transitive io.activitytrail;
    requires transitive jakarta.servlet;
    requires static org.jspecify;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires io.github.bucket4j.core;
}
