package io.activitytrail.jdbc.internal;

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
}
