package io.activitytrail.jdbc;

import static java.util.Objects.requireNonNull;

import io.activitytrail.Activity;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.ActivityStats;
import io.activitytrail.ActivityStore;
import io.activitytrail.ActivityStoreException;
import io.activitytrail.RetentionResult;
import io.activitytrail.WriteResult;
import io.activitytrail.jdbc.internal.ActivityReader;
import io.activitytrail.jdbc.internal.ActivityWriter;
import io.activitytrail.jdbc.internal.ErasureListener;
import io.activitytrail.jdbc.internal.Locks;
import io.activitytrail.jdbc.internal.Maintenance;
import io.activitytrail.jdbc.internal.Migrator;
import io.activitytrail.jdbc.internal.OwnedPool;
import io.activitytrail.jdbc.internal.ReadRouting;
import io.activitytrail.jdbc.internal.Partitions;
import io.activitytrail.jdbc.internal.SqlErrors;
import io.activitytrail.jdbc.internal.Statements;
import io.activitytrail.jdbc.internal.StatsReader;
import io.activitytrail.jdbc.internal.TableNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link ActivityStore}: a table range-partitioned by month, written in batches of
 * one statement each, read by keyset pages on the primary key, with stats from index-only scans,
 * streamed export, erasure, retention by dropping partitions, and optional read-replica routing.
 *
 * <pre>{@code
 * ActivityStore store = JdbcActivityStore.builder(dataSource)
 *     .table("user_activity_logs")      // default
 *     .readDataSource(replica)          // optional
 *     .migrate(true)                    // apply the bundled migrations at build()
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. The store keeps no connection of its own between calls; it borrows from the
 * given {@link DataSource}. Unless {@link Builder#scheduledMaintenance(boolean) turned off}, a
 * daemon thread named {@code activity-maintenance} runs {@link #runMaintenance()} every
 * {@link Builder#maintenanceInterval(Duration) interval}; of many instances, one at a time does the
 * work (PostgreSQL advisory lock). {@link #close()} stops that thread and closes a pool the store
 * made itself, never a {@code DataSource} it was given.
 *
 * <p>Errors: a failure that may pass (connection refused or lost, server shutting down, deadlock,
 * serialization failure, lock timeout) throws {@link ActivityStoreException}; a row that PostgreSQL
 * refuses for good is returned in {@link WriteResult#rejected()} while the rest of its batch is stored.
 */
public final class JdbcActivityStore implements ActivityStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcActivityStore.class);

    private final TableNames names;
    private final ActivityWriter writer;
    private final ActivityReader reader;
    private final StatsReader stats;
    private final Maintenance maintenance;
    private final Jdbi jdbi;
    private final Statements sql;
    private final @Nullable DataSource ownedPool;
    private final @Nullable ScheduledExecutorService scheduler;
    private final int maintenanceTimeoutSeconds;
    private final Jdbi ownerJdbi;
    private final Partitions partitions;
    private final @Nullable ErasureListener erasureListener;
    private final ReadRouting readRouting;
    private final List<BiConsumer<String, Instant>> erasureCallbacks = new CopyOnWriteArrayList<>();

    private JdbcActivityStore(Builder b, String schema) {
        this.names = new TableNames(schema, b.table);
        this.sql = new Statements(names);
        this.jdbi = jdbi(b.dataSource);
        // Jdbis of their own even on the primary: their statements get the read timeout by
        // default, which migrations and maintenance on the primary Jdbi must not.
        this.readRouting = new ReadRouting(readJdbi(b.dataSource, b.readTimeout),
                b.readDataSource == null ? null : readJdbi(b.readDataSource, b.readTimeout), b.maxReplicaLag);
        this.maintenanceTimeoutSeconds = seconds(b.maintenanceTimeout);
        // Partitions, maintenance and migrations need the table's owner; rows need only the app's role.
        this.ownerJdbi = b.ownerDataSource == null ? jdbi : jdbi(b.ownerDataSource);
        Partitions partitions = new Partitions(ownerJdbi, sql, b.clock);
        this.partitions = partitions;
        this.writer = new ActivityWriter(jdbi, sql, partitions, (int) b.writeTimeout.toSeconds());
        this.reader = new ActivityReader(readRouting, sql);
        this.stats = new StatsReader(readRouting, sql, b.statsCacheTtl);
        this.maintenance = new Maintenance(ownerJdbi, sql, partitions, stats, b.clock, b.partitionsAhead,
                b.scheduledRetention ? b.retention : null, maintenanceTimeoutSeconds);
        this.ownedPool = b.ownedPool;
        this.erasureListener = b.listenForErasures
                ? new ErasureListener(b.dataSource, names.erasureChannel(), names.qualifiedTable(), this::erasureAnnounced) : null;
        this.scheduler = b.scheduledMaintenance ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "activity-maintenance");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    private static int seconds(Duration timeout) {
        return (int) Math.max(timeout.isZero() ? 0 : 1, timeout.toSeconds());
    }

    private static Jdbi readJdbi(DataSource dataSource, Duration readTimeout) {
        Jdbi jdbi = jdbi(dataSource);
        jdbi.getConfig(SqlStatements.class).setQueryTimeout(seconds(readTimeout));
        return jdbi;
    }

    private static Jdbi jdbi(DataSource dataSource) {
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        // SQL is rendered by the store; Jdbi must not read <...> in it as template attributes.
        jdbi.getConfig(SqlStatements.class).setTemplateEngine(TemplateEngine.NOP);
        return jdbi;
    }

    /** Starts a store on {@code dataSource}, which it borrows and never closes. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * Starts a store with a HikariCP pool of its own (closed by {@link #close()}). Needs
     * {@code com.zaxxer:HikariCP} on the class path; the store's dependency on it is optional.
     *
     * @throws IllegalStateException when HikariCP is not on the class path
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        requireNonNull(jdbcUrl, "jdbcUrl");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, but was \""
                    + jdbcUrl.replaceAll("password=[^&]*", "password=***") + "\"");
        }
        DataSource pool;
        try {
            pool = OwnedPool.create(jdbcUrl, user, password, 10);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("JdbcActivityStore.builder(jdbcUrl, ...) needs com.zaxxer:HikariCP "
                    + "on the class path; add it, or pass a DataSource", e);
        }
        return new Builder(pool, pool);
    }

    /** The schema-qualified, quoted name of the activity table. */
    public String qualifiedTable() {
        return names.qualifiedTable();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Makes the monthly partitions the batch needs, then inserts it in one statement; a row
     * PostgreSQL refuses is found by splitting the batch and returned in {@link WriteResult#rejected()}.
     * Invalidates the cached stats of every user of the batch.
     *
     * @throws ActivityStoreException when the database cannot be reached or the statement fails
     *     for a reason other than a bad row
     */
    @Override
    public WriteResult write(List<Activity> batch) {
        requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return WriteResult.inserted(0);
        }
        Set<String> users = new LinkedHashSet<>();
        for (Activity a : batch) {
            users.add(requireNonNull(a, "batch element").userId());
        }
        try {
            WriteResult result = writer.write(batch);
            readRouting.written(users);
            return result;
        } catch (JdbiException e) {
            throw SqlErrors.translate("write a batch of " + batch.size() + " activities", e);
        } finally {
            stats.invalidate(users);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads from the read data source when one was given.
     *
     * @throws ActivityStoreException when the database cannot be reached
     */
    @Override
    public ActivityPage query(ActivityQuery query) {
        requireNonNull(query, "query");
        if (query.rawSessionId().isPresent()) {
            throw new IllegalArgumentException("rawSessionId is hashed by ActivityTrail.query; query through the trail");
        }
        try {
            return reader.query(query);
        } catch (JdbiException e) {
            throw SqlErrors.translate("query activities", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cached per user for the {@link Builder#statsCacheTtl(Duration) TTL}: a window of the same
     * length ending at most the TTL later is answered from the cache. A write through this store
     * for the user drops the user's cached stats (writes by other instances show after the TTL).
     *
     * @throws IllegalArgumentException when {@code from} is not before {@code to}
     * @throws ActivityStoreException when the database cannot be reached
     */
    @Override
    public ActivityStats stats(String userId, Instant from, Instant to) {
        Activity.validateUserId(userId);
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to, but was from=" + from + ", to=" + to);
        }
        try {
            return stats.stats(userId, from, to);
        } catch (JdbiException e) {
            throw SqlErrors.translate("compute stats", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads pages of 1,000 rows by the primary key, each a short query of its own: no connection
     * or transaction is held while the sink works, however slow the client it writes to.
     *
     * @throws ActivityStoreException when the database cannot be reached
     */
    @Override
    public long export(String userId, Consumer<? super Activity> sink) {
        Activity.validateUserId(userId);
        requireNonNull(sink, "sink");
        try {
            return reader.export(userId, sink);
        } catch (JdbiException e) {
            throw SqlErrors.translate("export activities", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>In one transaction: takes the erasure lock (waiting for batch inserts in flight to commit;
     * inserts that start meanwhile wait for this erasure), records the erasure with the database's
     * time in {@code <table>_erasures}, runs one {@code DELETE} by the primary key across every
     * partition, and {@code NOTIFY}s the other instances on the channel {@code <table>_erasures}.
     * From then on no batch insert, from any instance, stores an activity of the user created up to
     * that time: a spool replayed after an outage cannot bring the rows back. Activities logged
     * after the erasure are stored as usual. Inserts of every user wait while the {@code DELETE}
     * runs (by the primary key, so quick for any usual history; a huge one can make batches hit
     * the write timeout and be retried).
     *
     * @throws ActivityStoreException when the database cannot be reached
     */
    @Override
    public long eraseUser(String userId) {
        Activity.validateUserId(userId);
        try {
            // READ COMMITTED whatever the pool's default: the DELETE's snapshot must be taken after
            // the lock is granted, so that it sees the rows of inserts that committed meanwhile.
            long erased = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
                h.createQuery(sql.get("erase_lock")).setQueryTimeout(maintenanceTimeoutSeconds)
                        .bind("key1", Locks.ERASURE).bind("key2", names.lockKey())
                        .mapTo(Integer.class).one();
                OffsetDateTime erasedAt = h.createQuery(sql.get("record_erasure"))
                        .bind("user_id", userId)
                        .mapTo(OffsetDateTime.class).one();
                int deleted = h.createUpdate(sql.get("erase_user")).setQueryTimeout(maintenanceTimeoutSeconds)
                        .bind("user_id", userId).execute();
                h.createQuery(sql.get("notify_erasure"))
                        .bind("channel", names.erasureChannel())
                        .bind("payload", ErasureListener.payload(names.qualifiedTable(), userId, erasedAt.toInstant()))
                        .mapTo(Integer.class).one();
                return (long) deleted;
            });
            // The user's reads stay on the primary until the replica has replayed the DELETE.
            readRouting.written(List.of(userId));
            return erased;
        } catch (JdbiException e) {
            throw SqlErrors.translate("erase a user's activities", e);
        } finally {
            stats.invalidate(List.of(userId));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Drops the partitions wholly older than {@code cutoff}, then deletes the older rows of the
     * boundary month (and of the default partition) in transactions of at most 10,000 rows. Waits
     * for the maintenance lock, so it never runs at the same time as another instance's maintenance.
     * Recorded in {@code <table>_maintenance_runs} and logged.
     *
     * @throws ActivityStoreException when the database cannot be reached
     */
    @Override
    public RetentionResult applyRetention(Instant cutoff) {
        requireNonNull(cutoff, "cutoff");
        try {
            return maintenance.applyRetention(cutoff);
        } catch (JdbiException e) {
            throw SqlErrors.translate("apply retention", e);
        }
    }

    /**
     * Runs maintenance now: creates the partitions of this month and the next
     * {@link Builder#partitionsAhead(int) partitionsAhead}, moves rows out of the default
     * partition, and applies retention when {@link Builder#scheduledRetention(boolean)} is on.
     * Does nothing (and says so in the report) when another instance is running maintenance.
     * This is what the {@code activity-maintenance} thread calls.
     *
     * @throws ActivityStoreException when the database cannot be reached or a step failed; the
     *     failure is also recorded in {@code <table>_maintenance_runs}
     */
    public MaintenanceReport runMaintenance() {
        try {
            return maintenance.run();
        } catch (JdbiException e) {
            throw SqlErrors.translate("run maintenance", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Present while partitions cannot be made (the role does not own the table, say: rows then
     * pile up in the default partition) or the last maintenance run failed.
     */
    @Override
    public Optional<String> problem() {
        String partitionProblem = partitions.problem();
        if (partitionProblem != null) {
            return Optional.of(partitionProblem);
        }
        String maintenanceProblem = maintenance.lastError();
        return Optional.ofNullable(maintenanceProblem != null ? maintenanceProblem : readRouting.problem());
    }

    /** {@inheritDoc} On the primary ({@code dataSource}): {@code SELECT 1}, with {@code timeout} (rounded up to whole seconds) as the query timeout. */
    @Override
    public void ping(Duration timeout) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        try {
            jdbi.withHandle(h -> h.createQuery("SELECT 1").setQueryTimeout(seconds).mapTo(Integer.class).one());
        } catch (JdbiException e) {
            throw SqlErrors.translate("ping the database", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@link Builder#listenForErasures(boolean)} on (the default), {@code callback} is
     * called on the {@code activity-erasure-listener} thread for every erasure of the table
     * announced by any store on the database, this one included. Callbacks are guarded: one that
     * throws is logged and the others still run.
     */
    @Override
    public void onErasure(BiConsumer<String, Instant> callback) {
        erasureCallbacks.add(requireNonNull(callback, "callback"));
    }

    /** Whether the erasure listener's connection is up; false when listening is off. */
    boolean listeningForErasures() {
        return erasureListener != null && erasureListener.listening();
    }

    private void erasureAnnounced(String userId, Instant erasedAt) {
        // Announced after the erasure committed: until the replica has replayed it, the user's reads
        // (and so the stats computed next, and cached) run on the primary.
        readRouting.written(List.of(userId));
        stats.invalidate(List.of(userId));
        for (BiConsumer<String, Instant> callback : erasureCallbacks) {
            try {
                callback.accept(userId, erasedAt);
            } catch (RuntimeException e) {
                LOG.warn("An erasure callback failed", e);
            }
        }
    }

    /** Stops the maintenance and listener threads and closes the pool the store made itself, if any. */
    @Override
    public void close() {
        readRouting.close();
        if (erasureListener != null) {
            erasureListener.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownedPool != null) {
            OwnedPool.close(ownedPool);
        }
    }

    private void start(Builder b) {
        if (b.migrate) {
            try {
                new Migrator(names).migrate(ownerJdbi);
            } catch (JdbiException e) {
                throw SqlErrors.translate("migrate " + names.qualifiedTable(), e);
            }
        }
        try {
            maintenance.createAhead();
        } catch (JdbiException e) {
            LOG.warn("Cannot create the partitions ahead of {} at start ({}); maintenance will retry",
                    names.qualifiedTable(), SqlErrors.reason(e));
        }
        readRouting.start();
        if (erasureListener != null) {
            erasureListener.start();
        }
        if (scheduler != null) {
            long interval = b.maintenanceInterval.toMillis();
            long firstDelay = Math.min(interval, Duration.ofMinutes(1).toMillis());
            scheduler.scheduleWithFixedDelay(this::scheduledMaintenance, firstDelay, interval, TimeUnit.MILLISECONDS);
        }
    }

    private void scheduledMaintenance() {
        try {
            maintenance.run();
        } catch (RuntimeException e) {
            // Never let the schedule die: the next run tries again.
            LOG.warn("Scheduled maintenance of {} failed: {}", names.qualifiedTable(), SqlErrors.reason(e));
        }
    }

    /**
     * Configures a {@link JdbcActivityStore}. Every setter checks its value at once and names a bad
     * one in the exception. Not thread-safe.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final @Nullable DataSource ownedPool;
        private @Nullable DataSource readDataSource;
        private Duration maxReplicaLag = Duration.ofSeconds(5);
        private @Nullable DataSource ownerDataSource;
        private String table = "user_activity_logs";
        private @Nullable String schema;
        private boolean migrate;
        private int partitionsAhead = 3;
        private Duration statsCacheTtl = Duration.ofMinutes(5);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration maintenanceTimeout = Duration.ofMinutes(10);
        private boolean scheduledMaintenance = true;
        private Duration maintenanceInterval = Duration.ofHours(1);
        private Duration retention = Duration.ofDays(730);
        private boolean scheduledRetention = true;
        private boolean listenForErasures = true;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource, @Nullable DataSource ownedPool) {
            this.dataSource = dataSource;
            this.ownedPool = ownedPool;
        }

        /**
         * The activity table; default {@code user_activity_logs}. Other objects are named after it
         * ({@code <table>_default}, {@code <table>_p2025_01}, {@code <table>_schema_history}, ...).
         *
         * @throws IllegalArgumentException unless a lower-case identifier {@code [a-z_][a-z0-9_]{0,33}} (34 characters at most, so that every derived name fits in 63)
         */
        public Builder table(String table) {
            this.table = TableNames.checkTable(requireNonNull(table, "table"));
            return this;
        }

        /**
         * The schema of the table; default the connection's current schema (first of its
         * {@code search_path}). Made by the migration when it does not exist.
         *
         * @throws IllegalArgumentException unless an identifier {@code [A-Za-z_][A-Za-z0-9_]{0,62}}
         */
        public Builder schema(String schema) {
            this.schema = TableNames.checkSchema(requireNonNull(schema, "schema"));
            return this;
        }

        /**
         * Where queries, stats and exports read: a streaming replica; default the primary. Its state
         * is checked once a second (thread {@code activity-replica-check}); reads run on the primary
         * while it is down or lags more than {@link #maxReplicaLag(Duration)}, and {@link #problem()}
         * says so. A user's reads also run on the primary until the replica has replayed this
         * store's latest write of that user (read-your-writes: compared by WAL position, one extra
         * round trip per batch written), and a read that fails on the replica is run again on the
         * primary (an export page by page, before the page reaches the sink), unless it timed out.
         * See docs/jdbc-store.md, "Read replicas".
         */
        public Builder readDataSource(DataSource readDataSource) {
            this.readDataSource = requireNonNull(readDataSource, "readDataSource");
            return this;
        }

        /**
         * The most replication lag at which the read replica still serves reads; default 5
         * seconds. Lag is {@code now() - pg_last_xact_replay_timestamp()} on the replica, zero
         * when it has replayed all it received.
         */
        public Builder maxReplicaLag(Duration maxReplicaLag) {
            requireNonNull(maxReplicaLag, "maxReplicaLag");
            if (maxReplicaLag.isNegative()) {
                throw new IllegalArgumentException("maxReplicaLag must not be negative, but was " + maxReplicaLag);
            }
            this.maxReplicaLag = maxReplicaLag;
            return this;
        }

        /**
         * A data source whose role owns the table, for what only the owner may do: migrations,
         * making and attaching partitions, dropping them at retention. Default: the main data
         * source. Set it when the application's role is not the owner (the usual setup when Flyway
         * migrates as the owner): without it, partitions cannot be made, rows go to the default
         * partition, and {@link #problem()} says so. The application's role needs SELECT, INSERT and
         * DELETE on the table and its partitions.
         */
        public Builder ownerDataSource(DataSource ownerDataSource) {
            this.ownerDataSource = requireNonNull(ownerDataSource, "ownerDataSource");
            return this;
        }

        /**
         * Whether {@link #build()} applies the bundled migrations (under an advisory lock); default
         * false, for hosts that run them with Flyway or by hand.
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * How many months after the current one have their partition made in advance; default 3.
         *
         * @throws IllegalArgumentException unless 0 to 24
         */
        public Builder partitionsAhead(int partitionsAhead) {
            if (partitionsAhead < 0 || partitionsAhead > 24) {
                throw new IllegalArgumentException("partitionsAhead must be between 0 and 24, but was " + partitionsAhead);
            }
            this.partitionsAhead = partitionsAhead;
            return this;
        }

        /**
         * How long stats stay cached per user; default 5 minutes, {@link Duration#ZERO} turns the
         * cache off.
         *
         * @throws IllegalArgumentException when negative or longer than a day
         */
        public Builder statsCacheTtl(Duration statsCacheTtl) {
            requireNonNull(statsCacheTtl, "statsCacheTtl");
            if (statsCacheTtl.isNegative() || statsCacheTtl.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("statsCacheTtl must be between PT0S and P1D, but was " + statsCacheTtl);
            }
            this.statsCacheTtl = statsCacheTtl;
            return this;
        }

        /**
         * How long one batch insert may run before PostgreSQL cancels it; default 30 s,
         * {@link Duration#ZERO} for no limit. A database that hangs (a lock held for ever, a stuck
         * server) then fails the write with {@link ActivityStoreException}, which the trail retries
         * and spools, instead of holding the writer thread. Whole seconds (JDBC query timeout); it
         * needs the server to answer the cancel request, so also give the pool a
         * {@code socketTimeout} against dead networks.
         *
         * @throws IllegalArgumentException unless 0 or 1 second to 1 hour
         */
        public Builder writeTimeout(Duration writeTimeout) {
            requireNonNull(writeTimeout, "writeTimeout");
            if (!writeTimeout.isZero() && (writeTimeout.compareTo(Duration.ofSeconds(1)) < 0
                    || writeTimeout.compareTo(Duration.ofHours(1)) > 0)) {
                throw new IllegalArgumentException("writeTimeout must be 0 or between PT1S and PT1H, but was " + writeTimeout);
            }
            this.writeTimeout = writeTimeout;
            return this;
        }

        /**
         * How long one read statement may run before PostgreSQL cancels it: a timeline page, its
         * count, stats, and each fetch of an export; default 30 s. The call then fails with
         * {@link ActivityStoreException} instead of holding a connection (and a request) for ever.
         *
         * @throws IllegalArgumentException unless 1 second to 1 hour
         */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = checkTimeout("readTimeout", readTimeout);
            return this;
        }

        /**
         * How long one statement of an erasure or of retention (a batch of deletes, a partition
         * drop) may run; default 10 minutes.
         *
         * @throws IllegalArgumentException unless 1 second to 1 hour
         */
        public Builder maintenanceTimeout(Duration maintenanceTimeout) {
            this.maintenanceTimeout = checkTimeout("maintenanceTimeout", maintenanceTimeout);
            return this;
        }

        private static Duration checkTimeout(String name, Duration timeout) {
            requireNonNull(timeout, name);
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(name + " must be between PT1S and PT1H, but was " + timeout);
            }
            return timeout;
        }

        /** Whether the {@code activity-maintenance} daemon thread runs {@link #runMaintenance()}; default true. */
        public Builder scheduledMaintenance(boolean scheduledMaintenance) {
            this.scheduledMaintenance = scheduledMaintenance;
            return this;
        }

        /**
         * Time between two scheduled maintenance runs; default 1 hour. The first run is one minute
         * after {@link #build()} (or sooner, when the interval is shorter).
         *
         * @throws IllegalArgumentException unless between 1 second and 7 days
         */
        public Builder maintenanceInterval(Duration maintenanceInterval) {
            requireNonNull(maintenanceInterval, "maintenanceInterval");
            if (maintenanceInterval.compareTo(Duration.ofSeconds(1)) < 0 || maintenanceInterval.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("maintenanceInterval must be between PT1S and P7D, but was " + maintenanceInterval);
            }
            this.maintenanceInterval = maintenanceInterval;
            return this;
        }

        /**
         * How long activities are kept by maintenance; default 730 days (2 years).
         *
         * @throws IllegalArgumentException unless at least 1 day
         */
        public Builder retention(Duration retention) {
            requireNonNull(retention, "retention");
            if (retention.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least P1D, but was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /** Whether maintenance applies {@link #retention(Duration)}; default true. */
        public Builder scheduledRetention(boolean scheduledRetention) {
            this.scheduledRetention = scheduledRetention;
            return this;
        }

        /**
         * Whether the store LISTENs for erasures made by other instances on the same database
         * (channel {@code <table>_erasures}), to drop the user's cached stats and, through
         * {@link ActivityStore#onErasure}, what the trail still spools of the user; default true.
         * Holds one connection of the data source for as long as the store is open (size the pool
         * for it) on the daemon thread {@code activity-erasure-listener}, which reconnects with
         * backoff when it breaks. Off, erasures by other instances are honoured all the same (the
         * insert skips rows of erased users); only the caches and spools learn of them later.
         */
        public Builder listenForErasures(boolean listenForErasures) {
            this.listenForErasures = listenForErasures;
            return this;
        }

        /** The clock of maintenance (current month, retention cutoff); default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the store: finds the schema when none was set, migrates when asked, makes the
         * partitions ahead (a failure there is logged, not thrown) and starts the maintenance thread.
         *
         * @throws ActivityStoreException when the database cannot be reached to find the schema or
         *     to migrate
         */
        public JdbcActivityStore build() {
            String resolved = schema;
            if (resolved == null) {
                try {
                    resolved = Jdbi.create(dataSource).withHandle(h ->
                            h.createQuery("SELECT current_schema()").mapTo(String.class).findOne().orElse(null));
                } catch (JdbiException e) {
                    closeOwned();
                    throw SqlErrors.translate("find the current schema (set .schema(...) to skip this)", e);
                }
                if (resolved == null) {
                    closeOwned();
                    throw new ActivityStoreException("the connection has no current schema (empty search_path); set .schema(...)");
                }
                TableNames.checkSchema(resolved);
            }
            JdbcActivityStore store = new JdbcActivityStore(this, resolved);
            try {
                store.start(this);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }

        private void closeOwned() {
            if (ownedPool != null) {
                OwnedPool.close(ownedPool);
            }
        }
    }
}
