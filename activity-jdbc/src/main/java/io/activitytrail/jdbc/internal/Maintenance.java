package io.activitytrail.jdbc.internal;

import io.activitytrail.ActivityStoreException;
import io.activitytrail.RetentionResult;
import io.activitytrail.jdbc.MaintenanceReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition upkeep and retention. Both hold a session-level advisory lock for their whole run on
 * the connection that does the work, so only one instance of a cluster runs them at a time; each
 * run is recorded in {@code <table>_maintenance_runs}.
 */
public final class Maintenance {
    /** Rows per DELETE (and so per transaction) when trimming the boundary month. */
    public static final int DELETE_BATCH = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final Jdbi jdbi;
    private final Statements sql;
    private final Partitions partitions;
    private final StatsReader stats;
    private final Clock clock;
    private final int partitionsAhead;
    private final @Nullable Duration retention;
    private final String instance;

    private final int statementTimeoutSeconds;
    /** The error of the last maintenance run, or null when it went well; for health. */
    private volatile @Nullable String lastError;

    public Maintenance(Jdbi jdbi, Statements sql, Partitions partitions, StatsReader stats, Clock clock,
            int partitionsAhead, @Nullable Duration retention, int statementTimeoutSeconds) {
        this.statementTimeoutSeconds = statementTimeoutSeconds;
        this.jdbi = jdbi;
        this.sql = sql;
        this.partitions = partitions;
        this.stats = stats;
        this.clock = clock;
        this.partitionsAhead = partitionsAhead;
        this.retention = retention;
        this.instance = instanceName();
    }

    public @Nullable String lastError() {
        return lastError;
    }

    /** Creates partitions ahead without the maintenance lock (partition creation has its own). */
    public List<String> createAhead() {
        return jdbi.withHandle(h -> partitions.createAhead(h, clock.instant(), partitionsAhead));
    }

    public MaintenanceReport run() {
        Instant started = clock.instant();
        return jdbi.withHandle(h -> {
            boolean locked = h.createQuery("SELECT pg_try_advisory_lock(?, hashtext(?))")
                    .bind(0, Locks.MAINTENANCE).bind(1, sql.names().lockKey()).mapTo(Boolean.class).one();
            if (!locked) {
                LOG.debug("Maintenance of {} skipped: another instance is running it", sql.names().qualifiedTable());
                return new MaintenanceReport(started, clock.instant(), false, List.of(), 0, null);
            }
            List<String> created = new ArrayList<>();
            long moved = 0;
            RetentionResult retained = null;
            String error = null;
            try {
                created.addAll(partitions.createAhead(h, clock.instant(), partitionsAhead));
                Partitions.MoveResult move = partitions.moveOutOfDefault(h);
                created.addAll(move.created());
                moved = move.moved();
                if (retention != null) {
                    retained = retain(h, clock.instant().minus(retention));
                }
            } catch (JdbiException | IllegalStateException e) {
                error = SqlErrors.reason(e);
                LOG.warn("Maintenance of {} failed: {}", sql.names().qualifiedTable(), error);
            } finally {
                unlock(h);
            }
            Instant finished = clock.instant();
            record(h, "maintenance", started, finished, created,
                    retained == null ? List.of() : retained.droppedPartitions(), moved,
                    retained == null ? 0 : retained.deletedRows(), retained == null ? null : retained.cutoff(), error);
            LOG.info("Maintenance of {}: created partitions {}, moved {} rows out of the default partition{}",
                    sql.names().qualifiedTable(), created, moved, retained == null ? ""
                            : ", retention dropped " + retained.droppedPartitions() + " and removed "
                                    + retained.deletedRows() + " rows older than " + retained.cutoff());
            lastError = error == null ? null : "maintenance of " + sql.names().qualifiedTable() + " failed: " + error;
            if (error != null) {
                throw new ActivityStoreException("maintenance failed: " + error);
            }
            return new MaintenanceReport(started, finished, true, created, moved, retained);
        });
    }

    /** Waits for the maintenance lock, then removes everything created before {@code cutoff}. */
    public RetentionResult applyRetention(Instant cutoff) {
        Instant started = clock.instant();
        return jdbi.withHandle(h -> {
            h.execute("SELECT pg_advisory_lock(?, hashtext(?))", Locks.MAINTENANCE, sql.names().lockKey());
            RetentionResult result;
            try {
                result = retain(h, cutoff);
            } finally {
                unlock(h);
            }
            record(h, "retention", started, clock.instant(), List.of(), result.droppedPartitions(), 0,
                    result.deletedRows(), cutoff, null);
            LOG.info("Retention of {} dropped partitions {} and removed {} rows created before {}",
                    sql.names().qualifiedTable(), result.droppedPartitions(), result.deletedRows(), cutoff);
            return result;
        });
    }

    private RetentionResult retain(Handle h, Instant cutoff) {
        List<String> dropped = new ArrayList<>();
        long deleted = 0;
        for (Partitions.Partition p : partitions.list(h)) {
            String qualified = sql.names().qualified(p.name());
            if (!p.isDefault() && p.upper() != null && !p.upper().isAfter(cutoff)) {
                long rows = rowsOf(h, qualified);
                h.useTransaction(t -> {
                    t.execute("SET LOCAL lock_timeout = '" + Partitions.LOCK_TIMEOUT + "'");
                    t.execute(sql.get("drop_partition", Map.of("partition", qualified)));
                });
                if (p.lower() != null) {
                    partitions.forget(Partitions.monthOf(p.lower()));
                }
                dropped.add(p.name());
                deleted += rows;
            } else if (p.isDefault() || (p.lower() != null && p.lower().isBefore(cutoff))) {
                deleted += deleteOlder(h, qualified, cutoff);
            }
        }
        // Erasures older than the cutoff guard only rows that are older still, which this run has
        // just removed and the next run removes again should a late replay bring one back.
        h.createUpdate(sql.get("expire_erasures")).setQueryTimeout(statementTimeoutSeconds)
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC)).execute();
        stats.invalidateAll();
        return new RetentionResult(cutoff, dropped, deleted);
    }

    private long deleteOlder(Handle h, String partition, Instant cutoff) {
        String delete = sql.get("delete_older_batch", Map.of("partition", partition));
        long total = 0;
        long fromBlock = 0;
        List<Long> blocks;
        // A synchronised sequential scan may start mid-table, and the walk would skip what lies before.
        h.execute("SET synchronize_seqscans = off");
        do {
            blocks = h.createQuery(delete)
                    .setQueryTimeout(statementTimeoutSeconds)
                    .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                    .bind("from_ctid", "(" + fromBlock + ",0)")
                    .bind("batch", DELETE_BATCH)
                    .mapTo(Long.class)
                    .list();
            total += blocks.size();
            for (long block : blocks) {
                fromBlock = Math.max(fromBlock, block);
            }
            // Until a batch finds nothing: a short batch may only mean that an erasure took some rows meanwhile.
        } while (!blocks.isEmpty());
        h.execute("RESET synchronize_seqscans");
        return total;
    }

    /** Rows of a partition about to be dropped: the planner's estimate, counted only when it has none. */
    private long rowsOf(Handle h, String qualified) {
        long estimate = h.createQuery(sql.get("estimated_rows")).bind("partition", qualified).mapTo(Long.class)
                .findOne().orElse(-1L);
        return estimate >= 0 ? estimate
                : h.createQuery(sql.get("count_rows", Map.of("partition", qualified))).mapTo(Long.class).one();
    }

    private void unlock(Handle h) {
        h.createQuery("SELECT pg_advisory_unlock(?, hashtext(?))")
                .bind(0, Locks.MAINTENANCE).bind(1, sql.names().lockKey()).mapTo(Boolean.class).one();
    }

    private void record(Handle h, String kind, Instant started, Instant finished, List<String> created,
            List<String> dropped, long moved, long deleted, @Nullable Instant cutoff, @Nullable String error) {
        try {
            h.createUpdate(sql.get("record_run"))
                    .bind("kind", kind)
                    .bind("started_at", started.atOffset(ZoneOffset.UTC))
                    .bind("finished_at", finished.atOffset(ZoneOffset.UTC))
                    .bind("instance", instance)
                    .bindArray("created", String.class, created)
                    .bindArray("dropped", String.class, dropped)
                    .bind("moved", moved)
                    .bind("deleted", deleted)
                    .bind("cutoff", cutoff == null ? null : cutoff.atOffset(ZoneOffset.UTC))
                    .bind("error", error)
                    .execute();
        } catch (JdbiException e) {
            // The table comes with migration V2; a host that skipped it still gets its maintenance.
            LOG.warn("Cannot record the {} run of {}: {}", kind, sql.names().qualifiedTable(), SqlErrors.reason(e));
        }
    }

    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | SecurityException e) {
                host = "unknown";
            }
        }
        String name = ProcessHandle.current().pid() + "@" + host;
        return name.length() > 200 ? name.substring(0, 200) : name;
    }
}
