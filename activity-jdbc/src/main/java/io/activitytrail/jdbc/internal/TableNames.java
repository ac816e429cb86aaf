package io.activitytrail.jdbc.internal;

import java.time.YearMonth;
import java.util.regex.Pattern;

/**
 * The validated names of the store's tables. Names are checked against a strict identifier pattern
 * and then always quoted, so no configuration value ever reaches SQL unchecked.
 */
public record TableNames(String schema, String table) {
    /**
     * Lower case so that the unquoted names in the migrations are the same names; at most 34
     * characters, so that the longest derived name ({@code <table>_maintenance_runs_started_idx},
     * 29 more) stays within PostgreSQL's 63: a longer one is cut there, and two cut names collide.
     */
    public static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,33}");
    public static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public TableNames {
        checkTable(table);
        checkSchema(schema);
    }

    public static String checkTable(String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must match " + TABLE.pattern()
                    + " (a lower-case SQL identifier of at most 34 characters, so that the names derived from it fit PostgreSQL's 63), but was \"" + table + "\"");
        }
        return table;
    }

    public static String checkSchema(String schema) {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must match " + SCHEMA.pattern()
                    + " (an SQL identifier), but was \"" + schema + "\"");
        }
        return schema;
    }

    /** Quotes an identifier, doubling any {@code "} in it (names read back from the catalog are not ours to trust). */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public String quotedSchema() {
        return quote(schema);
    }

    /** The activity table, schema-qualified and quoted. */
    public String qualifiedTable() {
        return qualified(table);
    }

    /** Schema-qualified and quoted name of another relation of this store. */
    public String qualified(String relation) {
        return quote(schema) + "." + quote(relation);
    }

    /** The unquoted "schema.table" text, used as the key of advisory locks and for to_regclass. */
    public String lockKey() {
        return qualifiedTable();
    }

    public String defaultPartition() {
        return table + "_default";
    }

    public String historyTable() {
        return table + "_schema_history";
    }

    public String runsTable() {
        return table + "_maintenance_runs";
    }

    /** Erasures recorded in the database: {@code <table>_erasures}. */
    public String erasuresTable() {
        return table + "_erasures";
    }

    /**
     * The LISTEN/NOTIFY channel on which erasures of this table are announced:
     * {@code <table>_erasures}, like the table. Channels are per database, so stores of tables of
     * the same name in two schemas share it: the payload names the schema-qualified table, and each
     * listener takes only its own table's erasures (see {@link ErasureListener}).
     */
    public String erasureChannel() {
        return erasuresTable();
    }

    public String severityType() {
        return table + "_severity";
    }

    /** The partition of one month: {@code <table>_p2024_01}. */
    public String partitionName(YearMonth month) {
        return String.format("%s_p%04d_%02d", table, month.getYear(), month.getMonthValue());
    }
}
