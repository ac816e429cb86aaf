package io.activitytrail.jdbc;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real primary and a real streaming standby on loopback, made from the embedded PostgreSQL of the
 * tests: the primary is initialised on a data directory of our own, stopped, copied (a base backup
 * by file copy of a cleanly stopped server), and the copy starts as a hot standby streaming from
 * the primary. Each test that needs one makes its own and closes it; both data directories are
 * deleted.
 *
 * <p>{@code primary_conninfo} is appended to the copy's {@code postgresql.auto.conf} rather than
 * given through {@code setServerConfig}: the embedded launcher splits values that contain spaces.
 */
final class StreamingReplica implements AutoCloseable {
    private final Path directory;
    private final int primaryPort;
    private final int standbyPort;
    private @Nullable EmbeddedPostgres primary;
    private @Nullable EmbeddedPostgres standby;

    private final boolean synchronous;

    private StreamingReplica(Path directory, int primaryPort, int standbyPort, boolean synchronous) {
        this.synchronous = synchronous;
        this.directory = directory;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
    }

    /** Asynchronous streaming replication, PostgreSQL's default. */
    static StreamingReplica start() throws IOException {
        return start(false);
    }

    /**
     * @param synchronous whether the primary waits for the standby to have each commit before it
     *     acknowledges it ({@code synchronous_standby_names}); without it, a crash of the primary
     *     loses what it acknowledged but had not yet sent
     */
    static StreamingReplica start(boolean synchronous) throws IOException {
        Path directory = Files.createTempDirectory("activity-replication");
        StreamingReplica cluster = new StreamingReplica(directory, freePort(), freePort(), synchronous);
        try {
            cluster.startBoth();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startBoth() throws IOException {
        Path primaryData = directory.resolve("primary");
        Path standbyData = directory.resolve("standby");
        server(primaryData, primaryPort, false).close();
        copy(primaryData, standbyData, Set.of("postmaster.pid", "epg-lock"));
        Files.writeString(standbyData.resolve("standby.signal"), "");
        Files.writeString(standbyData.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = 'host=localhost port=" + primaryPort + " user=postgres application_name=standby'\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        // Only the primary names its synchronous standby: once promoted, the standby has none to wait for.
        primary = server(primaryData, primaryPort, synchronous);
        standby = server(standbyData, standbyPort, false);
        await().atMost(Duration.ofSeconds(60)).until(() -> "streaming".equals(
                queryString(primaryUrl(), "SELECT state FROM pg_stat_replication WHERE application_name = 'standby'")));
    }

    private static EmbeddedPostgres server(Path data, int port, boolean waitForStandby) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (waitForStandby) {
            builder.setServerConfig("synchronous_standby_names", "standby");
        }
        return builder
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_wal_senders", "5")
                .setServerConfig("hot_standby", "on")
                .setServerConfig("wal_keep_size", "256MB")
                .setServerConfig("max_connections", "100")
                // The standby refuses to start with fewer than the primary's.
                .setServerConfig("max_worker_processes", "8")
                .setServerConfig("fsync", "off")
                // The launcher's default is off, which acknowledges commits before the standby has them.
                .setServerConfig("synchronous_commit", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setRegisterShutdownHook(false)
                .start();
    }

    String primaryUrl() {
        return url(primaryPort);
    }

    String standbyUrl() {
        return url(standbyPort);
    }

    /** pgjdbc's multi-host URL that finds whichever of the two is the primary. */
    String multiHostPrimaryUrl() {
        return "jdbc:postgresql://localhost:" + primaryPort + ",localhost:" + standbyPort
                + "/postgres?user=postgres&targetServerType=primary&connectTimeout=2&socketTimeout=10&loginTimeout=5"
                + "&hostRecheckSeconds=1";
    }

    private static String url(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres&connectTimeout=2&socketTimeout=10";
    }

    /** A small pool on {@code jdbcUrl}, with the short timeouts that make failover quick. */
    static HikariDataSource pool(String jdbcUrl, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName(name);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** Stops replay on the standby: it goes on receiving WAL, and falls behind. */
    void pauseReplay() throws SQLException {
        execute(standbyUrl(), "SELECT pg_wal_replay_pause()");
    }

    void resumeReplay() throws SQLException {
        execute(standbyUrl(), "SELECT pg_wal_replay_resume()");
    }

    /** Stops the standby (fast shutdown). */
    void stopStandby() throws IOException {
        if (standby != null) {
            standby.close();
            standby = null;
        }
    }

    /**
     * Kills the primary as {@code pg_ctl stop -m immediate} does: SIGQUIT to the postmaster, which
     * makes every backend quit at once, without a checkpoint.
     */
    void crashPrimary() throws Exception {
        if (primary == null) {
            return;
        }
        // The launcher starts the server through pg_ctl; the postmaster's pid is in its pid file.
        long pid = Long.parseLong(Files.readAllLines(directory.resolve("primary").resolve("postmaster.pid")).get(0).trim());
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -QUIT " + pid + " failed");
        }
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        // The launcher's own stop would fail on a dead server; its data directory goes with ours.
        primary = null;
    }

    /** Promotes the standby to primary and waits until it accepts writes. */
    void promoteStandby() throws SQLException {
        execute(standbyUrl(), "SELECT pg_promote(true, 30)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "f".equals(queryString(standbyUrl(), "SELECT pg_is_in_recovery()")));
    }

    static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static @Nullable String queryString(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static long queryLong(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stopStandby();
        } finally {
            try {
                if (primary != null) {
                    primary.close();
                    primary = null;
                }
            } finally {
                delete(directory);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copy(Path from, Path to, Set<String> skipped) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                if (skipped.contains(source.getFileName().toString())) {
                    continue;
                }
                // With its attributes, directories too: PostgreSQL refuses a data directory open to others.
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
