package io.activitytrail.jdbc;

import static io.activitytrail.jdbc.Fixtures.activity;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.activitytrail.ActivityQuery;
import io.activitytrail.testsupport.PostgresExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads go to the read data source: here a pool of read-only connections (as a streaming replica
 * gives), counted, on the same database, so a write through it would fail.
 */
class ReadDataSourceIT {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();

    @Test
    void shouldReadFromTheReadDataSourceAndWriteToThePrimary() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PostgresExtension.serverUrl());
        config.setSchema(postgres.schema());
        config.setConnectionInitSql("SET default_transaction_read_only = on");
        config.setMaximumPoolSize(2);
        AtomicInteger primaryConnections = new AtomicInteger();
        AtomicInteger replicaConnections = new AtomicInteger();
        try (HikariDataSource readOnly = new HikariDataSource(config);
                JdbcActivityStore store = JdbcActivityStore.builder(counting(postgres.dataSource(), primaryConnections))
                        .readDataSource(counting(readOnly, replicaConnections))
                        .migrate(true).scheduledMaintenance(false).scheduledRetention(false)
                        .listenForErasures(false).build()) {
            Instant t = Instant.parse("2025-07-01T10:00:00Z");
            int primaryAtStart = primaryConnections.get();

            store.write(List.of(activity("user-r", "login", t), activity("user-r", "http_request", t.plusSeconds(1))));
            int primaryAfterWrite = primaryConnections.get();
            List<Object> exported = new ArrayList<>();
            long pageSize = store.query(ActivityQuery.forUser("user-r").build()).activities().size();
            long total = store.stats("user-r", t.minusSeconds(60), t.plusSeconds(60)).total();
            long count = store.export("user-r", exported::add);
            long erased = store.eraseUser("user-r");

            assertThat(replicaConnections.get()).as("connections of the read data source").isEqualTo(3);
            assertThat(primaryAfterWrite).isGreaterThan(primaryAtStart);
            // The erasure, then the WAL position after it (read-your-writes), on the primary; the reads none.
            assertThat(primaryConnections.get()).as("primary connections of the reads and the erasure").isEqualTo(primaryAfterWrite + 2);
            assertThat(pageSize).isEqualTo(2);
            assertThat(total).isEqualTo(2);
            assertThat(count).isEqualTo(2);
            assertThat(erased).isEqualTo(2);
        }
    }

    /** Counts the connections the test's own thread takes (not the replica check's, on a thread of its own). */
    private static DataSource counting(DataSource target, AtomicInteger connections) {
        Thread testThread = Thread.currentThread();
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && Thread.currentThread() == testThread) {
                        connections.incrementAndGet();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
