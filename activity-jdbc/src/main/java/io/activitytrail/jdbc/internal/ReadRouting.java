package io.activitytrail.jdbc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where a read of one user runs: the replica when it is up, lags at most {@code maxLag},
 * and has replayed this store's latest write of that user (read-your-writes); the primary
 * otherwise. Without a replica every read runs on the primary and nothing is checked.
 *
 * <p>The replica's state is checked once a second on a thread of its own
 * ({@code activity-replica-check}), so that a read never waits for the check (a replica that does
 * not answer would hold it for the pool's connection timeout); a state older than
 * {@link #STALE_AFTER} counts as down. Lag is {@code now() - pg_last_xact_replay_timestamp()},
 * and zero when the replica has replayed all it received (an idle primary sends nothing, so the
 * last replayed transaction can be old on a replica that is up to date). Read-your-writes compares
 * WAL positions: after each batch this store reads the primary's current WAL position and keeps it
 * per user of the batch for a while; a user's reads stay on the primary until the replica has
 * replayed past it.
 */
public final class ReadRouting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadRouting.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration STALE_AFTER = Duration.ofSeconds(3);
    static final Duration FIRST_CHECK_WAIT = Duration.ofSeconds(2);
    /** The position a write is given when the primary's position could not be read: never replayed. */
    static final long UNKNOWN_POSITION = Long.MAX_VALUE;

    private static final String REPLICA_STATE = """
            SELECT pg_is_in_recovery(),
                   (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint,
                   CASE WHEN NOT pg_is_in_recovery() THEN 0
                        WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                        ELSE COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0)
                   END::bigint""";
    private static final String PRIMARY_POSITION = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint";

    /** What the last check found; {@code replayed} is {@link Long#MAX_VALUE} on a server not in recovery. */
    record ReplicaState(long checkedAtNanos, boolean up, long replayed, long lagMillis, @Nullable String error) {}

    private final Jdbi primary;
    private final @Nullable Jdbi replica;
    private final Duration maxLag;
    private final LongSupplier nanoTime;
    private final @Nullable Cache<String, Long> lastWritePosition;
    private final @Nullable ScheduledExecutorService checker;
    private volatile ReplicaState state;

    /**
     * @param primary reads on the primary, with the read timeout
     * @param replica reads on the replica, with the read timeout; null when there is none
     * @param maxLag the most lag at which the replica still serves reads
     */
    public ReadRouting(Jdbi primary, @Nullable Jdbi replica, Duration maxLag) {
        this(primary, replica, maxLag, System::nanoTime, replica != null);
    }

    ReadRouting(Jdbi primary, @Nullable Jdbi replica, Duration maxLag, LongSupplier nanoTime, boolean scheduledChecks) {
        this.primary = primary;
        this.replica = replica;
        this.maxLag = maxLag;
        this.nanoTime = nanoTime;
        this.state = new ReplicaState(nanoTime.getAsLong(), false, 0, 0, "not checked yet");
        // A write's position matters only until the replica replays it or lags past maxLag (then
        // every read is on the primary anyway): keep it a little longer than that.
        this.lastWritePosition = replica == null ? null : Caffeine.newBuilder()
                .expireAfterWrite(maxLag.plus(STALE_AFTER).plus(CHECK_INTERVAL))
                .maximumSize(100_000)
                .build();
        this.checker = replica != null && scheduledChecks ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "activity-replica-check");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Starts the checks (when there is a replica). Waits up to {@link #FIRST_CHECK_WAIT} for the
     * first, so that reads right after start go to a replica that is up; one that does not answer
     * does not hold the start longer.
     */
    public void start() {
        if (checker == null) {
            return;
        }
        Future<?> first = checker.submit(this::check);
        checker.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            first.get(FIRST_CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("The read replica did not answer within {}; reads run on the primary until it does", FIRST_CHECK_WAIT);
        }
    }

    /**
     * Runs {@code read} for {@code userId} where {@link #jdbiFor} says. A read that fails on the
     * replica is run again on the primary when {@code retryOnPrimary} (not for a streamed export,
     * whose sink may already hold rows), and the replica counts as down until the next check.
     */
    public <T> T read(String userId, boolean retryOnPrimary, Function<Jdbi, T> read) {
        Jdbi chosen = jdbiFor(userId);
        if (chosen == primary) {
            return read.apply(primary);
        }
        try {
            return read.apply(chosen);
        } catch (JdbiException e) {
            markDown(e);
            if (!retryOnPrimary) {
                throw e;
            }
            LOG.debug("A read on the replica failed; running it on the primary", e);
            return read.apply(primary);
        }
    }

    /** The replica, or the primary when the replica is down, lags or has not replayed the user's last write. */
    Jdbi jdbiFor(String userId) {
        if (replica == null) {
            return primary;
        }
        ReplicaState s = state;
        if (!usable(s)) {
            return primary;
        }
        Long written = lastWritePosition.getIfPresent(userId);
        return written != null && s.replayed() < written ? primary : replica;
    }

    /** Records that this store has just committed rows of {@code userIds}; reads the primary's WAL position. */
    public void written(Collection<String> userIds) {
        if (lastWritePosition == null || userIds.isEmpty()) {
            return;
        }
        long position;
        try {
            position = primary.withHandle(h -> h.createQuery(PRIMARY_POSITION).mapTo(Long.class).one());
        } catch (JdbiException e) {
            position = UNKNOWN_POSITION;
        }
        for (String user : userIds) {
            lastWritePosition.asMap().merge(user, position, Math::max);
        }
    }

    /** Why reads run on the primary when a replica is configured; null when they run on it, or there is none. */
    public @Nullable String problem() {
        if (replica == null) {
            return null;
        }
        ReplicaState s = state;
        if (usable(s)) {
            return null;
        }
        if (!s.up() || isStale(s)) {
            String why = s.error() != null ? s.error() : "its last check is " + ageMillis(s) / 1000 + " s old";
            return "reads run on the primary: the replica is unavailable (" + why + ")";
        }
        return String.format(Locale.ROOT, "reads run on the primary: the replica lags %.1f s (more than maxReplicaLag %s)",
                s.lagMillis() / 1000.0, maxLag);
    }

    /** One check of the replica: up or not, what it has replayed, its lag. */
    void check() {
        try {
            ReplicaState fresh = replica.withHandle(h -> h.createQuery(REPLICA_STATE).map((rs, ctx) -> {
                boolean inRecovery = rs.getBoolean(1);
                long replayed = inRecovery ? rs.getLong(2) : Long.MAX_VALUE;
                return new ReplicaState(nanoTime.getAsLong(), true, replayed, rs.getLong(3), null);
            }).one());
            state = fresh;
        } catch (JdbiException | IllegalStateException e) {
            markDown(e);
        }
    }

    private void markDown(Exception e) {
        ReplicaState previous = state;
        if (previous.up()) {
            LOG.warn("The read replica is unavailable; reads run on the primary ({})", SqlErrors.reason(e));
        }
        state = new ReplicaState(nanoTime.getAsLong(), false, 0, 0, SqlErrors.reason(e));
    }

    private boolean usable(ReplicaState s) {
        return s.up() && !isStale(s) && s.lagMillis() <= maxLag.toMillis();
    }

    private boolean isStale(ReplicaState s) {
        return ageMillis(s) > STALE_AFTER.toMillis();
    }

    private long ageMillis(ReplicaState s) {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - s.checkedAtNanos());
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
