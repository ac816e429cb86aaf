package io.activitytrail.testsupport;

import io.activitytrail.ActivityStore;
import io.activitytrail.InMemoryActivityStore;

/** {@link InMemoryActivityStore} passes the store contract, with one store shared by all tests as in the PostgreSQL suite. */
class InMemoryActivityStoreContractTest extends ActivityStoreContractTest {
    private static final InMemoryActivityStore STORE = new InMemoryActivityStore();

    @Override
    protected ActivityStore store() {
        return STORE;
    }
}
