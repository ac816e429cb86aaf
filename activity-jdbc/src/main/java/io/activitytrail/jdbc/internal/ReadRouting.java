package io.activitytrail.jdbc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
 * {@link #STALE_AFTER} counts as down. Lag is the larger of two measures: the replica's own,
 * {@code now() - pg_last_xact_replay_timestamp()} (zero when it has replayed all it received, since
 * an idle primary sends nothing), and the age of the oldest WAL position sampled on the primary at
 * a check that the replica has not replayed yet, which also sees a replica that stopped receiving
 * (its own measure then says zero). A read server that is not in recovery is used only when it is
 * the primary itself (same port and start time): a promoted standby, say, would miss the
 * writes that go elsewhere.
 *
 * <p>Read-your-writes compares WAL positions: after each batch (and erasure) this store reads the
 * primary's WAL insert position and keeps it per user for a while; the user's reads stay on the
 * primary until the replica has replayed past it.
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
                   END::bigint,
                   concat(current_setting('port'), '@', pg_postmaster_start_time())""";
    /** The insert position, not the write position: with asynchronous commit the latter can be behind a commit. */
    private static final String PRIMARY_POSITION = "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint";
    private static final String PRIMARY_SAMPLE = """
            SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint,
                   concat(current_setting('port'), '@', pg_postmaster_start_time())""";
    /** Query canceled (a statement timeout): the read was slow, not the replica gone; it is not run again. */
    private static final String QUERY_CANCELED = "57014";
    private static final int MAX_SAMPLES = 10_000;

    /** A WAL position of the primary and when it was read. */
    private record Sample(long nanos, long position) {}

    /** What the replica says of itself; {@code identity} is port@start time, which tells servers apart. */
    private record ReplicaRow(boolean inRecovery, long replayed, long lagMillis, String identity) {}

    /** The primary's WAL insert position and identity. */
    private record PrimaryRow(long position, String identity) {}

    /** What the last check found; {@code replayed} is {@link Long#MAX_VALUE} on a server not in recovery. */
    record ReplicaState(long checkedAtNanos, boolean up, long replayed, long lagMillis, @Nullable String error) {}

    private final Jdbi primary;
    private final @Nullable Jdbi replica;
    private final Duration maxLag;
    private final @Nullable Cache<String, Long> lastWritePosition;
    private final @Nullable ScheduledExecutorService checker;
    /** Positions sampled on the primary that the replica had not replayed at the last check, oldest first; checker thread only. */
    private final ArrayDeque<Sample> unreplayed = new ArrayDeque<>();
    private volatile ReplicaState state;

    /**
     * @param primary reads on the primary, with the read timeout
     * @param replica reads on the replica, with the read timeout; null when there is none
     * @param maxLag the most lag at which the replica still serves reads
     */
    public ReadRouting(Jdbi primary, @Nullable Jdbi replica, Duration maxLag) {
        this.primary = primary;
        this.replica = replica;
        this.maxLag = maxLag;
        this.state = new ReplicaState(System.nanoTime(), false, 0, 0, "not checked yet");
        // A write's position matters only until the replica replays it or lags past maxLag (then
        // every read is on the primary anyway): keep it a little longer than that.
        this.lastWritePosition = replica == null ? null : Caffeine.newBuilder()
                .expireAfterWrite(maxLag.plus(STALE_AFTER).plus(CHECK_INTERVAL))
                .maximumSize(100_000)
                .build();
        this.checker = replica != null ? Executors.newSingleThreadScheduledExecutor(r -> {
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
     * replica (other than by a statement timeout) is run again on the primary, and the replica
     * counts as down until the next check; so a read must have no effect outside its result (an
     * export reads a page, and only then passes it to the sink).
     */
    public <T> T read(String userId, Function<Jdbi, T> read) {
        Jdbi chosen = jdbiFor(userId);
        if (chosen == primary) {
            return read.apply(primary);
        }
        try {
            return read.apply(chosen);
        } catch (JdbiException e) {
            if (QUERY_CANCELED.equals(SqlErrors.sqlState(e))) {
                throw e; // as slow on the primary, most likely; and the replica is up
            }
            markDown(e);
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
        long now = System.nanoTime();
        @Nullable Sample sample = null;
        @Nullable String primaryIdentity = null;
        try {
            PrimaryRow row = primary.withHandle(h -> h.createQuery(PRIMARY_SAMPLE)
                    .map((rs, ctx) -> new PrimaryRow(rs.getLong(1), rs.getString(2))).one());
            sample = new Sample(now, row.position());
            primaryIdentity = row.identity();
        } catch (JdbiException e) {
            // The primary is down: writes fail anyway; the replica's own measure still counts.
        }
        ReplicaRow replicaRow;
        try {
            replicaRow = replica.withHandle(h -> h.createQuery(REPLICA_STATE).map((rs, ctx) ->
                    new ReplicaRow(rs.getBoolean(1), rs.getLong(2), rs.getLong(3), rs.getString(4))).one());
        } catch (JdbiException | IllegalStateException e) {
            markDown(e);
            return;
        }
        if (!replicaRow.inRecovery()) {
            // Usable only if it is the primary itself: any other writable server misses our writes.
            unreplayed.clear();
            state = replicaRow.identity().equals(primaryIdentity) ? new ReplicaState(now, true, Long.MAX_VALUE, 0, null)
                    : new ReplicaState(now, false, 0, 0, "the read server is not in recovery and is not the primary written to");
            return;
        }
        if (sample != null) {
            unreplayed.addLast(sample);
            if (unreplayed.size() > MAX_SAMPLES) {
                unreplayed.removeFirst();
            }
        }
        while (!unreplayed.isEmpty() && unreplayed.peekFirst().position() <= replicaRow.replayed()) {
            unreplayed.removeFirst();
        }
        long sampledLag = unreplayed.isEmpty() ? 0 : TimeUnit.NANOSECONDS.toMillis(now - unreplayed.peekFirst().nanos());
        state = new ReplicaState(now, true, replicaRow.replayed(), Math.max(replicaRow.lagMillis(), sampledLag), null);
    }

    private void markDown(Exception e) {
        ReplicaState previous = state;
        if (previous.up()) {
            LOG.warn("The read replica is unavailable; reads run on the primary ({})", SqlErrors.reason(e));
        }
        state = new ReplicaState(System.nanoTime(), false, 0, 0, SqlErrors.reason(e));
    }

    private boolean usable(ReplicaState s) {
        return s.up() && !isStale(s) && s.lagMillis() <= maxLag.toMillis();
    }

    private boolean isStale(ReplicaState s) {
        return ageMillis(s) > STALE_AFTER.toMillis();
    }

    private long ageMillis(ReplicaState s) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.checkedAtNanos());
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
