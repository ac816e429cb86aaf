package io.activitytrail.jdbc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.activitytrail.ActivityStats;
import io.activitytrail.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Stats from three index-only queries, cached per user.
 *
 * <p>The cache holds, per user, the latest stats of each window length. A request for a window
 * of the same length ending no more than the TTL after the cached one is answered from the cache:
 * {@code trail.stats(user, 30 days)} asks for a window ending "now", a little later each time.
 * A write for the user drops the user's entry; so does erasure, and retention drops all.
 */
public final class StatsReader {
    private static final long MAXIMUM_USERS = 10_000;

    private final ReadRouting routing;
    private final Statements sql;
    private final Duration ttl;
    private final @Nullable Cache<String, ConcurrentMap<Duration, ActivityStats>> cache;

    public StatsReader(ReadRouting routing, Statements sql, Duration ttl) {
        this.routing = routing;
        this.sql = sql;
        this.ttl = ttl;
        this.cache = ttl.isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(MAXIMUM_USERS)
                .build();
    }

    public ActivityStats stats(String userId, Instant from, Instant to) {
        if (cache == null) {
            return compute(userId, from, to);
        }
        Duration window = Duration.between(from, to);
        ConcurrentMap<Duration, ActivityStats> perUser = cache.get(userId, u -> new ConcurrentHashMap<>());
        ActivityStats cached = perUser.get(window);
        if (cached != null && !to.isBefore(cached.to()) && Duration.between(cached.to(), to).compareTo(ttl) <= 0) {
            return cached;
        }
        ActivityStats fresh = compute(userId, from, to);
        // If a write invalidated the user meanwhile, perUser is no longer in the cache and this
        // put is harmless; it never makes a stale entry visible.
        perUser.put(window, fresh);
        return fresh;
    }

    public void invalidate(Collection<String> userIds) {
        if (cache != null) {
            cache.invalidateAll(userIds);
        }
    }

    public void invalidateAll() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    ActivityStats compute(String userId, Instant from, Instant to) {
        OffsetDateTime f = from.atOffset(ZoneOffset.UTC);
        OffsetDateTime t = to.atOffset(ZoneOffset.UTC);
        return routing.read(userId, jdbi -> jdbi.withHandle(h -> {
            Map<String, Long> byAction = new HashMap<>();
            Map<Severity, Long> bySeverity = new HashMap<>();
            TreeMap<LocalDate, Long> perDay = new TreeMap<>();
            long[] totals = new long[2]; // total, failed logins
            h.createQuery(sql.get("stats_counts"))
                    .bind("user_id", userId).bind("from", f).bind("to", t)
                    .map((rs, ctx) -> {
                        String action = rs.getString("action");
                        long n = rs.getLong("n");
                        byAction.merge(action, n, Long::sum);
                        bySeverity.merge(Severity.fromValue(rs.getString("severity")), n, Long::sum);
                        perDay.merge(rs.getObject("day", LocalDate.class), n, Long::sum);
                        totals[0] += n;
                        if (action.equals("login_failed")) {
                            totals[1] += n;
                        }
                        return n;
                    })
                    .list();
            long[] distinct = h.createQuery(sql.get("stats_distinct"))
                    .bind("user_id", userId).bind("from", f).bind("to", t)
                    .map((rs, ctx) -> new long[] {rs.getLong("ips"), rs.getLong("devices")})
                    .one();
            OffsetDateTime lastLogin = h.createQuery(sql.get("stats_last_login"))
                    .bind("user_id", userId)
                    .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class))
                    .one();
            return new ActivityStats(userId, from, to, totals[0], byAction, bySeverity, perDay,
                    lastLogin == null ? null : lastLogin.toInstant(), totals[1], distinct[0], distinct[1]);
        }));
    }
}
