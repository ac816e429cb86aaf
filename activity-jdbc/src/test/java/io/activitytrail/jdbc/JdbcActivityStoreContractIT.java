package io.activitytrail.jdbc;

import io.activitytrail.ActivityStore;
import io.activitytrail.testsupport.ActivityStoreContractTest;
import io.activitytrail.testsupport.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract, on PostgreSQL, with one store (one schema) shared by every test. */
class JdbcActivityStoreContractIT extends ActivityStoreContractTest {
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(20);

    private static JdbcActivityStore store;

    @BeforeAll
    static void start() {
        store = Fixtures.store(postgres).build();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Override
    protected ActivityStore store() {
        return store;
    }
}
