/**
 * The PostgreSQL store: {@code io.activitytrail.jdbc.JdbcActivityStore}. The implementation in
 * {@code io.activitytrail.jdbc.internal} is not exported. HikariCP is optional (only
 * {@code JdbcActivityStore.builder(jdbcUrl, user, password)} needs it).
 */
module io.activitytrail.jdbc {
    exports io.activitytrail.jdbc;

    requires transitive io.activitytrail;
    requires transitive java.sql;
    requires static org.jspecify;
    requires org.slf4j;
    requires com.github.benmanes.caffeine;
    requires org.jdbi.v3.core;
    requires org.jdbi.v3.postgres;
    requires org.postgresql.jdbc;
    requires static com.zaxxer.hikari;
}
