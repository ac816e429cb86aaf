package io.activitytrail.jdbc.internal;

import org.jdbi.v3.core.Handle;

/**
 * First keys of the store's advisory locks (the second is {@code hashtext} of the qualified table),
 * so that stores of different tables never wait for each other.
 */
public final class Locks {
    /** 'AT' followed by a purpose number. */
    public static final int MIGRATE = 0x4154_0001;
    public static final int PARTITIONS = 0x4154_0002;
    public static final int MAINTENANCE = 0x4154_0003;
    /**
     * Taken shared by every batch insert and exclusive by an erasure, each in its own transaction,
     * so that an insert which checked the erasures table before an erasure committed cannot commit
     * its rows after the erasure's DELETE took its snapshot.
     */
    public static final int ERASURE = 0x4154_0004;

    private Locks() {}

    /**
     * Takes the {@link #ERASURE} lock shared in {@code h}'s transaction: it waits only for an
     * erasure that is committing, never for another insert.
     *
     * @param timeoutSeconds the statement's timeout, 0 for none (the transaction's lock_timeout)
     */
    static void shareErasureLock(Handle h, Statements sql, int timeoutSeconds) {
        h.createQuery(sql.get("insert_lock"))
                .setQueryTimeout(timeoutSeconds)
                .bind("key1", ERASURE)
                .bind("key2", sql.names().lockKey())
                .mapTo(Integer.class).one();
    }
}
