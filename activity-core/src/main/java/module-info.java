/**
 * ActivityTrail's core: the public API ({@code ActivityTrail}, {@code Activity}, queries, stats),
 * the write pipeline and the SPIs, all in {@code io.activitytrail}. The implementation in
 * {@code io.activitytrail.internal} is not exported. Micrometer, uap-java and GeoIP2 are optional:
 * each is needed only by the class that binds to it.
 */
module io.activitytrail {
    exports io.activitytrail;

    requires static transitive org.jspecify;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires static micrometer.core;
    requires static uap.java;
    requires static com.maxmind.geoip2;
    requires static com.maxmind.db;
}
