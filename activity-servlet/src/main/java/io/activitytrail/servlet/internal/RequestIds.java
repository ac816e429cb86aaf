package io.activitytrail.servlet.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Request ids: the client's when it is safe to store and to echo, else a new random one. */
public final class RequestIds {
    public static final int MAX_LENGTH = 128;

    private RequestIds() {}

    /** Whether {@code id} is 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
    public static boolean isSafe(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code candidate} when safe, else a new random UUID (version 4). */
    public static String orNew(@Nullable String candidate) {
        if (isSafe(candidate)) {
            return candidate;
        }
        // A request id is a correlation handle, not a secret: ThreadLocalRandom does not contend
        // the way SecureRandom (behind UUID.randomUUID) does.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
