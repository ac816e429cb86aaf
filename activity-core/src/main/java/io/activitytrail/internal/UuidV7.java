package io.activitytrail.internal;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, 12 bits of sub-millisecond fraction (method 3),
 * 62 random bits. Uses {@link ThreadLocalRandom} rather than {@code SecureRandom}: ids must be
 * unique and cheap on the request thread, not unguessable (they are never used as secrets).
 */
public final class UuidV7 {
    private UuidV7() {}

    public static UUID at(Instant instant) {
        long millis = instant.toEpochMilli();
        long subMillisNanos = Math.floorMod(instant.getNano(), 1_000_000);
        long fraction = (subMillisNanos * 4096) / 1_000_000; // 12 bits
        long msb = (millis << 16) | 0x7000L | fraction;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The millisecond timestamp held in a UUIDv7. */
    public static long millis(UUID uuid) {
        return uuid.getMostSignificantBits() >>> 16;
    }
}
