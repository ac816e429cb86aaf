/**
 * Automatic request logging for Jakarta Servlet 6 containers: {@code io.activitytrail.servlet.ActivityFilter}
 * and its {@code FilterSettings}. The implementation in {@code io.activitytrail.servlet.internal}
 * is not exported. uap-java comes along so that device info is filled without extra setup.
 */
module io.activitytrail.servlet {
    exports io.activitytrail.servlet;

    requires transitive io.activitytrail;
    requires transitive jakarta.servlet;
    requires static org.jspecify;
    requires org.slf4j;
}
