/**
 * Test support for stores and hosts: {@code PostgresExtension} (a real PostgreSQL per test class),
 * {@code ActivityStoreContractTest} (the contract every store passes) and {@code TcpProxy}.
 */
module io.activitytrail.testsupport {
    exports io.activitytrail.testsupport;

    requires transitive io.activitytrail;
    requires transitive java.sql;
    requires transitive org.junit.jupiter.api;
    requires static org.jspecify;
    requires org.assertj.core;
    requires com.fasterxml.jackson.databind;
    requires com.zaxxer.hikari;
    requires embedded.postgres;
}
