package io.activitytrail.servlet.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a repeated problem at most once per interval per key, with the count of what was left out
 * since, so that a resolver that throws on every request does not flood the host's log. The same
 * idea as the core's, which is internal to the core.
 */
public final class RateLimitedLog {
    private static final long ONE_MINUTE_NANOS = 60_000_000_000L;
    private static final int MAX_KEYS = 256;

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log) {
        this(log, ONE_MINUTE_NANOS, System::nanoTime);
    }

    RateLimitedLog(Logger log, long intervalNanos, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    /** Logs {@code message} and {@code cause} unless a message of this key was logged within the interval. */
    public void warn(String key, String message, Throwable cause) {
        // Keys are exception class names: bounded in practice; the cap guards against surprises.
        String k = entries.size() >= MAX_KEYS && !entries.containsKey(key) ? "other" : key;
        Entry entry = entries.computeIfAbsent(k, x -> new Entry());
        long now = nanoTime.getAsLong();
        long last = entry.lastLogged.get();
        if ((last != Long.MIN_VALUE && now - last < intervalNanos) || !entry.lastLogged.compareAndSet(last, now)) {
            entry.suppressed.incrementAndGet();
            return;
        }
        long suppressed = entry.suppressed.getAndSet(0);
        log.warn(suppressed > 0 ? message + " (" + suppressed + " more like it in the last minute)" : message, cause);
    }

    private static final class Entry {
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }
}
