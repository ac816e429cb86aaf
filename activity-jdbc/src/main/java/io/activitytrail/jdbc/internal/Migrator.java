package io.activitytrail.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned scripts of {@code db/activitytrail/} in order, all pending ones in one
 * transaction, under a transaction-level advisory lock: of many instances starting at once, the
 * first migrates and the others wait, then find nothing left to do.
 */
public final class Migrator {
    /** Every script, in order. Flyway finds the same files by their V&lt;n&gt;__ names. */
    static final List<String> SCRIPTS = List.of(
            "V1__create_activity_table.sql",
            "V2__create_maintenance_runs.sql",
            "V3__create_erasures.sql");
    static final String LOCATION = "/db/activitytrail/";

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final TableNames names;

    public Migrator(TableNames names) {
        this.names = names;
    }

    /** @return the versions applied by this call (empty when the schema was up to date) */
    public List<Integer> migrate(Jdbi jdbi) {
        return jdbi.inTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", Locks.MIGRATE, names.lockKey());
            h.execute("CREATE SCHEMA IF NOT EXISTS " + names.quotedSchema());
            h.execute("SET LOCAL search_path TO " + names.quotedSchema());
            String history = names.qualified(names.historyTable());
            h.execute("CREATE TABLE IF NOT EXISTS " + history + " ("
                    + "version integer PRIMARY KEY, description text NOT NULL, script text NOT NULL, "
                    + "checksum bigint NOT NULL, installed_by text NOT NULL DEFAULT current_user, "
                    + "installed_at timestamptz NOT NULL DEFAULT now(), execution_ms integer NOT NULL)");
            Map<Integer, Long> applied = new HashMap<>();
            h.createQuery("SELECT version, checksum FROM " + history)
                    .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
                    .forEach(e -> applied.put(e.getKey(), e.getValue()));
            List<Integer> ran = new java.util.ArrayList<>();
            for (String script : SCRIPTS) {
                int version = version(script);
                String template = Statements.resource(LOCATION + script);
                long checksum = checksum(template);
                Long known = applied.get(version);
                if (known != null) {
                    if (known != checksum) {
                        LOG.warn("Migration {} of {} was applied with checksum {}, the jar has {}",
                                script, names.qualifiedTable(), known, checksum);
                    }
                    continue;
                }
                long start = System.nanoTime();
                run(h, template.replace("${table}", names.table()));
                int ms = (int) ((System.nanoTime() - start) / 1_000_000);
                h.execute("INSERT INTO " + history + " (version, description, script, checksum, execution_ms) "
                        + "VALUES (?, ?, ?, ?, ?)", version, description(script), script, checksum, ms);
                ran.add(version);
                LOG.info("Applied migration {} to {} in {} ms", script, names.qualifiedTable(), ms);
            }
            return ran;
        });
    }

    private static void run(Handle h, String sql) {
        try (Statement s = h.getConnection().createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    static String description(String script) {
        return script.substring(script.indexOf("__") + 2, script.length() - ".sql".length()).replace('_', ' ');
    }

    static long checksum(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
