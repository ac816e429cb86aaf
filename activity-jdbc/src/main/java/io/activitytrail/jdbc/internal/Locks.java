package io.activitytrail.jdbc.internal;

/**
 * First keys of the store's advisory locks (the second is {@code hashtext} of the qualified table),
 * so that stores of different tables never wait for each other.
 */
final class Locks {
    /** 'AT' followed by a purpose number. */
    static final int MIGRATE = 0x4154_0001;
    static final int PARTITIONS = 0x4154_0002;
    static final int MAINTENANCE = 0x4154_0003;

    private Locks() {}
}
