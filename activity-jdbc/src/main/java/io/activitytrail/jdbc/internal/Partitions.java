package io.activitytrail.jdbc.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monthly partitions: made ahead by maintenance and on demand for the months a write needs, so
 * that a late or back-dated activity never fails. Creation is serialised by an advisory lock and
 * bounded by a lock timeout: when it cannot get its locks in time (a long export holds the parent),
 * the rows go to the default partition and maintenance moves them later.
 */
public final class Partitions {
    private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);
    static final String LOCK_TIMEOUT = "2s";
    /** After a write could not make a month's partition, its rows go to the default partition for this long. */
    static final long RETRY_AFTER_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    /** One partition as the catalog describes it; bounds are null for the default partition. */
    public record Partition(String name, boolean isDefault, @Nullable Instant lower, @Nullable Instant upper) {}

    /** Months a write may make a partition for on demand, around the current one; others use the default partition. */
    static final int ON_DEMAND_YEARS_BACK = 25;
    static final int ON_DEMAND_YEARS_AHEAD = 5;

    private final Jdbi jdbi;
    private final Statements sql;
    private final java.time.Clock clock;
    /** Why the last partition could not be made (no privilege, say), until one is made again; for health. */
    private volatile @Nullable String problem;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();
    private final Map<YearMonth, Long> failedAt = new ConcurrentHashMap<>();

    /** @param jdbi on the data source that owns the table (partitions are made and attached by its owner) */
    public Partitions(Jdbi jdbi, Statements sql, java.time.Clock clock) {
        this.jdbi = jdbi;
        this.sql = sql;
        this.clock = clock;
    }

    /** The standing failure to make partitions, if any (cleared once one is made). */
    public @Nullable String problem() {
        return problem;
    }

    public static YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atOffset(ZoneOffset.UTC));
    }

    static OffsetDateTime start(YearMonth month) {
        return month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    public List<Partition> list(Handle h) {
        return h.createQuery(sql.get("list_partitions"))
                .bind("parent", sql.names().qualifiedTable())
                .map((rs, ctx) -> new Partition(rs.getString("name"), rs.getBoolean("is_default"),
                        instant(rs.getObject("lower_bound", OffsetDateTime.class)),
                        instant(rs.getObject("upper_bound", OffsetDateTime.class))))
                .list();
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /** Reloads the months that have a partition. */
    public void refresh(Handle h) {
        Set<YearMonth> months = new TreeSet<>();
        for (Partition p : list(h)) {
            if (!p.isDefault() && p.lower() != null && p.upper() != null
                    && monthOf(p.lower()).plusMonths(1).equals(monthOf(p.upper()))
                    && start(monthOf(p.lower())).toInstant().equals(p.lower())) {
                months.add(monthOf(p.lower()));
            }
        }
        known.retainAll(months);
        known.addAll(months);
    }

    public void forget(YearMonth month) {
        known.remove(month);
    }

    /**
     * Makes sure each month of {@code createdAts} has its partition. Never fails the write for a
     * partition it could not make (the default partition takes the rows), but does throw when the
     * database is unreachable.
     */
    public void ensureFor(Collection<Instant> createdAts) {
        Set<YearMonth> missing = new TreeSet<>();
        long now = System.nanoTime();
        YearMonth current = monthOf(clock.instant());
        for (Instant at : createdAts) {
            YearMonth m = monthOf(at);
            if (m.isBefore(current.minusYears(ON_DEMAND_YEARS_BACK)) || m.isAfter(current.plusYears(ON_DEMAND_YEARS_AHEAD))) {
                // Far-off timestamps (typos, bad clocks) go to the default partition: they must not
                // fill the catalog with a partition each.
                continue;
            }
            Long failed = failedAt.get(m);
            if (!known.contains(m) && (failed == null || now - failed > RETRY_AFTER_NANOS)) {
                missing.add(m);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            jdbi.useHandle(h -> {
                refresh(h);
                for (YearMonth m : missing) {
                    if (!known.contains(m)) {
                        create(h, m);
                    }
                }
            });
        } catch (JdbiException e) {
            if (SqlErrors.isRowError(e) || isPermanentDdlError(e)) {
                // Not again for every batch: a held lock would make each one wait the lock timeout.
                missing.forEach(m -> failedAt.put(m, now));
                problem = "cannot create partitions " + missing + " of " + sql.names().qualifiedTable() + " ("
                        + SqlErrors.reason(e) + "); rows go to the default partition"
                        + ("42501".equals(SqlErrors.sqlState(e)) ? ". The role does not own the table: give the store "
                                + "an ownerDataSource, or run maintenance as the owner" : "");
                LOG.warn("Cannot create partitions {} of {} ({}); rows go to the default partition",
                        missing, sql.names().qualifiedTable(), SqlErrors.reason(e));
                return;
            }
            throw SqlErrors.translate("create partitions " + missing, e);
        }
    }

    private static boolean isPermanentDdlError(Throwable e) {
        String state = SqlErrors.sqlState(e);
        // 42501 no privilege, 55P03 lock timeout, 42P17 overlapping or invalid bounds.
        return state != null && (state.equals("42501") || state.equals("55P03") || state.startsWith("42"));
    }

    /** Months from the current one to {@code ahead} months later; returns the partitions made. */
    public List<String> createAhead(Handle h, Instant now, int ahead) {
        refresh(h);
        List<String> created = new ArrayList<>();
        YearMonth first = monthOf(now);
        for (int i = 0; i <= ahead; i++) {
            YearMonth m = first.plusMonths(i);
            if (!known.contains(m)) {
                CreateResult r = create(h, m);
                if (r.created()) {
                    created.add(r.name());
                }
            }
        }
        return created;
    }

    /** Moves every row of the default partition into its monthly partition; returns rows moved. */
    public MoveResult moveOutOfDefault(Handle h) {
        List<YearMonth> months = h.createQuery(sql.get("default_months"))
                .map((rs, ctx) -> YearMonth.from(rs.getObject(1, java.time.LocalDateTime.class)))
                .list();
        long moved = 0;
        List<String> created = new ArrayList<>();
        for (YearMonth m : months) {
            CreateResult r = create(h, m);
            moved += r.moved();
            if (r.created()) {
                created.add(r.name());
            }
        }
        return new MoveResult(created, moved);
    }

    public record MoveResult(List<String> created, long moved) {}

    record CreateResult(String name, boolean created, long moved) {}

    /**
     * Makes the partition of {@code month} in its own transaction. When the default partition holds
     * rows of that month, they are moved into the new partition in the same transaction.
     */
    CreateResult create(Handle outer, YearMonth month) {
        String name = sql.names().partitionName(month);
        Map<String, String> values = Map.of(
                "partition", sql.names().qualified(name),
                "from", start(month).toString(),
                "to", start(month.plusMonths(1)).toString());
        OffsetDateTime from = start(month);
        OffsetDateTime to = start(month.plusMonths(1));
        CreateResult result = outer.inTransaction(h -> {
            h.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            h.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", Locks.PARTITIONS, sql.names().lockKey());
            boolean exists = h.createQuery("SELECT to_regclass(?) IS NOT NULL")
                    .bind(0, sql.names().qualified(name)).mapTo(Boolean.class).one();
            if (exists) {
                return new CreateResult(name, false, 0);
            }
            boolean inDefault = h.createQuery(sql.get("default_has_rows_in"))
                    .bind("from", from).bind("to", to).mapTo(Boolean.class).one();
            if (!inDefault) {
                h.execute(sql.get("create_partition_table", values));
                h.execute(sql.get("attach_partition", values));
                return new CreateResult(name, true, 0);
            }
            // Shared erasure lock before the default partition's: an erasure planned while the rows
            // are away from every partition would miss them (its DELETE does not see the new one).
            Locks.shareErasureLock(h, sql, 0);
            h.execute(sql.get("lock_default"));
            h.createUpdate(sql.get("stash_default_rows")).bind("from", from).bind("to", to).execute();
            int moved = h.createUpdate(sql.get("delete_default_rows")).bind("from", from).bind("to", to).execute();
            h.execute(sql.get("create_partition_table", values));
            h.execute(sql.get("attach_partition", values));
            h.execute(sql.get("restore_stashed_rows"));
            return new CreateResult(name, true, moved);
        });
        known.add(month);
        failedAt.remove(month);
        problem = null;
        if (result.created()) {
            if (result.moved() > 0) {
                LOG.info("Created partition {} and moved {} rows into it from the default partition", name, result.moved());
            } else {
                LOG.info("Created partition {}", name);
            }
        }
        return result;
    }
}
