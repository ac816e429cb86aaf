package io.activitytrail;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A complete {@link ActivityStore} in memory, for tests and demos: it passes the same contract
 * suite as the PostgreSQL store. Thread-safe (one read-write lock); everything is lost when the
 * JVM stops.
 */
public final class InMemoryActivityStore implements ActivityStore {
    /**
     * Ids in PostgreSQL's uuid order: unsigned, byte by byte. Not {@link UUID#compareTo}, which
     * compares signed longs and so puts ids starting with 8-f before those starting with 0-7.
     */
    static final Comparator<UUID> UUID_ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    /** Timeline order: newest first, ties broken by id, as the PostgreSQL store sorts. */
    static final Comparator<Activity> NEWEST_FIRST =
            Comparator.comparing(Activity::createdAt).thenComparing(Activity::id, UUID_ORDER).reversed();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, NavigableSet<Activity>> byUser = new HashMap<>();
    private final Set<UUID> ids = new HashSet<>();
    /** When each erased user was last erased: their activities created up to then are not stored again. */
    private final Map<String, Instant> erasedAt = new HashMap<>();

    @Override
    public WriteResult write(List<Activity> batch) {
        requireNonNull(batch, "batch");
        lock.writeLock().lock();
        try {
            int inserted = 0;
            for (Activity activity : batch) {
                Instant erased = erasedAt.get(activity.userId());
                if (erased != null && !activity.createdAt().isAfter(erased)) {
                    continue;
                }
                if (ids.add(activity.id())) {
                    byUser.computeIfAbsent(activity.userId(), u -> new TreeSet<>(NEWEST_FIRST)).add(activity);
                    inserted++;
                }
            }
            return WriteResult.inserted(inserted);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public ActivityPage query(ActivityQuery query) {
        if (query.rawSessionId().isPresent()) {
            throw new IllegalArgumentException("rawSessionId is hashed by ActivityTrail.query; query through the trail");
        }
        Predicate<Activity> filter = matching(query);
        lock.readLock().lock();
        try {
            NavigableSet<Activity> timeline = byUser.getOrDefault(query.userId(), new TreeSet<>(NEWEST_FIRST));
            if (query.page().isPresent()) {
                List<Activity> all = timeline.stream().filter(filter).toList();
                int offset = (query.page().getAsInt() - 1) * query.limit();
                List<Activity> page = all.subList(Math.min(offset, all.size()), Math.min(offset + query.limit(), all.size()));
                return ActivityPage.ofNumbered(page, query.page().getAsInt(), query.limit(), all.size());
            }
            List<Activity> rows = new ArrayList<>(query.limit() + 1);
            for (Activity activity : timeline) {
                if (rows.size() > query.limit()) {
                    break;
                }
                if (filter.test(activity)) {
                    rows.add(activity);
                }
            }
            return ActivityPage.ofKeyset(rows, query.limit());
        } finally {
            lock.readLock().unlock();
        }
    }

    private static Predicate<Activity> matching(ActivityQuery q) {
        Predicate<Activity> p = a -> true;
        if (!q.actions().isEmpty()) {
            p = p.and(a -> q.actions().contains(a.action()));
        }
        if (!q.severities().isEmpty()) {
            p = p.and(a -> q.severities().contains(a.severity()));
        }
        Instant from = q.from().orElse(null);
        if (from != null) {
            p = p.and(a -> !a.createdAt().isBefore(from));
        }
        Instant to = q.to().orElse(null);
        if (to != null) {
            p = p.and(a -> a.createdAt().isBefore(to));
        }
        String session = q.sessionId().orElse(null);
        if (session != null) {
            p = p.and(a -> session.equals(a.sessionId()));
        }
        String ip = q.ipAddress().orElse(null);
        if (ip != null) {
            p = p.and(a -> a.ipAddress() != null && sameIp(ip, a.ipAddress()));
        }
        String requestId = q.requestId().orElse(null);
        if (requestId != null) {
            p = p.and(a -> requestId.equals(a.requestId()));
        }
        String text = q.text().orElse(null);
        if (text != null) {
            String needle = text.toLowerCase(Locale.ROOT);
            p = p.and(a -> a.description() != null && a.description().toLowerCase(Locale.ROOT).contains(needle));
        }
        ActivityCursor after = q.after().orElse(null);
        if (after != null) {
            p = p.and(a -> a.createdAt().isBefore(after.createdAt())
                    || (a.createdAt().equals(after.createdAt()) && UUID_ORDER.compare(a.id(), after.id()) < 0));
        }
        return p;
    }

    private static boolean sameIp(String a, String b) {
        return ipKey(a).equals(ipKey(b));
    }

    /** IPv6 has many spellings of one address; compare the parsed address as PostgreSQL's inet does. */
    private static Object ipKey(String ip) {
        try {
            // Only validated literals reach here, so this never resolves a name.
            return java.net.InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            return ip.toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public ActivityStats stats(String userId, Instant from, Instant to) {
        lock.readLock().lock();
        try {
            NavigableSet<Activity> timeline = byUser.getOrDefault(userId, new TreeSet<>(NEWEST_FIRST));
            long total = 0;
            long failedLogins = 0;
            Map<String, Long> byAction = new HashMap<>();
            Map<Severity, Long> bySeverity = new HashMap<>();
            TreeMap<LocalDate, Long> perDay = new TreeMap<>();
            Set<Object> ips = new HashSet<>();
            Set<String> devices = new HashSet<>();
            @Nullable Instant lastLogin = null;
            for (Activity a : timeline) {
                if (lastLogin == null && a.action().equals("login")) {
                    lastLogin = a.createdAt();
                }
                if (a.createdAt().isBefore(from) || !a.createdAt().isBefore(to)) {
                    continue;
                }
                total++;
                byAction.merge(a.action(), 1L, Long::sum);
                bySeverity.merge(a.severity(), 1L, Long::sum);
                perDay.merge(LocalDate.ofInstant(a.createdAt(), ZoneOffset.UTC), 1L, Long::sum);
                if (a.action().equals("login_failed")) {
                    failedLogins++;
                }
                if (a.ipAddress() != null) {
                    ips.add(ipKey(a.ipAddress()));
                }
                if (a.userAgent() != null) {
                    devices.add(a.userAgent());
                }
            }
            return new ActivityStats(userId, from, to, total, byAction, bySeverity, perDay, lastLogin,
                    failedLogins, ips.size(), devices.size());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long export(String userId, Consumer<? super Activity> sink) {
        List<Activity> snapshot;
        lock.readLock().lock();
        try {
            snapshot = new ArrayList<>(byUser.getOrDefault(userId, new TreeSet<>(NEWEST_FIRST)).descendingSet());
        } finally {
            lock.readLock().unlock();
        }
        snapshot.forEach(sink);
        return snapshot.size();
    }

    @Override
    public long eraseUser(String userId) {
        lock.writeLock().lock();
        try {
            erasedAt.put(userId, Instant.now());
            NavigableSet<Activity> removed = byUser.remove(userId);
            if (removed == null) {
                return 0;
            }
            removed.forEach(a -> ids.remove(a.id()));
            return removed.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public RetentionResult applyRetention(Instant cutoff) {
        lock.writeLock().lock();
        try {
            long deleted = 0;
            for (NavigableSet<Activity> timeline : byUser.values()) {
                var old = timeline.stream().filter(a -> a.createdAt().isBefore(cutoff)).toList();
                old.forEach(a -> {
                    timeline.remove(a);
                    ids.remove(a.id());
                });
                deleted += old.size();
            }
            byUser.values().removeIf(Set::isEmpty);
            return new RetentionResult(cutoff, List.of(), deleted);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** How many activities are held, for tests. */
    public int size() {
        lock.readLock().lock();
        try {
            return ids.size();
        } finally {
            lock.readLock().unlock();
        }
    }
}
