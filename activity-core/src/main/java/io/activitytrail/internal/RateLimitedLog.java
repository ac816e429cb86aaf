package io.activitytrail.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs a repeated problem at most once per interval per key, with the count of what was left out
 * since, so that a store that is down for an hour, or a listener that throws on every call, does
 * not flood the host's log.
 */
final class RateLimitedLog {
    private static final long DEFAULT_INTERVAL_NANOS = 60_000_000_000L;

    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    RateLimitedLog(Logger log) {
        this(log, DEFAULT_INTERVAL_NANOS);
    }

    RateLimitedLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    void warn(String key, String message) {
        warn(key, message, null);
    }

    void warn(String key, String message, @Nullable Throwable cause) {
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        long now = System.nanoTime();
        long last = entry.lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            entry.suppressed.incrementAndGet();
            return;
        }
        if (!entry.lastLogged.compareAndSet(last, now)) {
            entry.suppressed.incrementAndGet();
            return;
        }
        long suppressed = entry.suppressed.getAndSet(0);
        String text = suppressed > 0 ? message + " (" + suppressed + " more like it in the last interval)" : message;
        if (cause != null) {
            log.warn(text, cause);
        } else {
            log.warn(text);
        }
    }

    private static final class Entry {
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }
}
