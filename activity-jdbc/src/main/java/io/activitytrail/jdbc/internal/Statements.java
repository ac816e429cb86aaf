package io.activitytrail.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The store's SQL, read once from {@code db/activitytrail-sql/statements.sql} and rendered with the
 * configured (validated, quoted) names.
 */
public final class Statements {
    static final String RESOURCE = "/db/activitytrail-sql/statements.sql";
    private static final Map<String, String> TEMPLATES = load();

    private final Map<String, String> rendered = new HashMap<>();
    private final TableNames names;

    public Statements(TableNames names) {
        this.names = names;
        for (Map.Entry<String, String> e : TEMPLATES.entrySet()) {
            rendered.put(e.getKey(), render(e.getValue(), Map.of()));
        }
    }

    public TableNames names() {
        return names;
    }

    /** A statement that needs no further values. */
    public String get(String name) {
        String sql = rendered.get(name);
        if (sql == null) {
            throw new IllegalArgumentException("no statement named " + name);
        }
        return sql;
    }

    /** A statement with extra placeholders (partition name, bounds), values already validated by the caller. */
    public String get(String name, Map<String, String> values) {
        String template = TEMPLATES.get(name);
        if (template == null) {
            throw new IllegalArgumentException("no statement named " + name);
        }
        return render(template, values);
    }

    private String render(String template, Map<String, String> values) {
        String sql = template
                .replace("${table}", names.qualifiedTable())
                .replace("${schema}", names.quotedSchema())
                .replace("${severity}", names.qualified(names.severityType()))
                .replace("${runs}", names.qualified(names.runsTable()))
                .replace("${erasures}", names.qualified(names.erasuresTable()))
                .replace("${default}", names.qualified(names.defaultPartition()));
        for (Map.Entry<String, String> e : values.entrySet()) {
            sql = sql.replace("${" + e.getKey() + "}", e.getValue());
        }
        return sql;
    }

    private static Map<String, String> load() {
        String text = resource(RESOURCE);
        Map<String, String> statements = new HashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("-- name: ")) {
                if (name != null) {
                    statements.put(name, body.toString().strip());
                }
                name = line.substring("-- name: ".length()).strip();
                body.setLength(0);
            } else if (name != null && !line.stripLeading().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            statements.put(name, body.toString().strip());
        }
        return Map.copyOf(statements);
    }

    static String resource(String path) {
        try (InputStream in = Statements.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
