package io.activitytrail.servlet.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.servlet.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The default {@link RateLimiter}: token buckets per key and route group, in a bounded Caffeine
 * cache. Local to one instance: a cluster-wide limit needs a shared store.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final Map<Group, Integer> limits;
    private final Duration window;
    private final Cache<String, Bucket> buckets;

    public LocalRateLimiter(Map<Group, Integer> limits, Duration window, long maxKeys) {
        this.limits = new EnumMap<>(limits);
        this.window = window;
        // A bucket unused for a window is full again, so forgetting it then loses nothing.
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(window).build();
    }

    @Override
    public Decision tryConsume(Group group, String key) {
        int limit = limits.get(group);
        Bucket bucket = buckets.get(group.name() + '\u0000' + key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, window).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long perToken = Math.max(1, window.toNanos() / limit);
        long missing = limit - probe.getRemainingTokens();
        long reset = seconds(missing * perToken);
        if (probe.isConsumed()) {
            return new Decision(true, limit, probe.getRemainingTokens(), reset, 0);
        }
        return new Decision(false, limit, 0, reset, Math.max(1, seconds(probe.getNanosToWaitForRefill())));
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
