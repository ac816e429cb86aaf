package io.activitytrail.jdbc.internal;

import io.activitytrail.Activity;
import io.activitytrail.JsonMaps;
import io.activitytrail.ActivityPage;
import io.activitytrail.ActivityQuery;
import io.activitytrail.Severity;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGStatement;

/** Timeline pages and exports. Every query is of one user, so each one starts on the primary key. */
public final class ActivityReader {
    static final int EXPORT_FETCH_SIZE = 1_000;

    private final Jdbi jdbi;
    private final Statements sql;
    private final long statementTimeoutMillis;

    /** @param jdbi reads with its default query timeout set to the store's read timeout */
    public ActivityReader(Jdbi jdbi, Statements sql, long statementTimeoutMillis) {
        this.jdbi = jdbi;
        this.sql = sql;
        this.statementTimeoutMillis = statementTimeoutMillis;
    }

    /** A statement with named parameters, as the store runs it; public so tests can EXPLAIN it. */
    public record Sql(String text, Map<String, Object> params) {}

    /** The keyset page: {@code limit + 1} rows, the extra one telling whether a next page exists. */
    public Sql keyset(ActivityQuery q) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(q, params);
        params.put("limit", q.limit() + 1);
        return new Sql(sql.get("select_columns") + where + " ORDER BY created_at DESC, id DESC LIMIT :limit", params);
    }

    /** The numbered page (query with {@code page(n)}). */
    public Sql numbered(ActivityQuery q) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(q, params);
        params.put("limit", q.limit());
        params.put("offset", (long) (q.page().orElse(1) - 1) * q.limit());
        return new Sql(sql.get("select_columns") + where
                + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset", params);
    }

    /** Numbered pages count at most this many matches; past it the total is reported as capped ("10,000+"). */
    public static final int COUNT_CAP = 10_000;

    /** The total of a numbered page, counted up to one past {@link #COUNT_CAP}. */
    public Sql count(ActivityQuery q) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(q, params);
        params.put("count_cap", COUNT_CAP + 1);
        return new Sql("SELECT count(*) FROM (SELECT 1 FROM " + sql.names().qualifiedTable() + where
                + " LIMIT :count_cap) matching", params);
    }

    public ActivityPage query(ActivityQuery q) {
        if (q.page().isPresent()) {
            int page = q.page().getAsInt();
            Sql count = count(q);
            Sql rows = numbered(q);
            return jdbi.withHandle(h -> {
                long counted = bindAll(plannedPerCall(h.createQuery(count.text()), q), count.params()).mapTo(Long.class).one();
                boolean capped = counted > COUNT_CAP;
                long total = Math.min(counted, COUNT_CAP);
                List<Activity> activities = !capped && (long) (page - 1) * q.limit() >= total ? List.of()
                        : bindAll(plannedPerCall(h.createQuery(rows.text()), q), rows.params()).map(MAPPER).list();
                return ActivityPage.ofNumbered(activities, page, q.limit(), total, capped);
            });
        }
        Sql keyset = keyset(q);
        List<Activity> rows = jdbi.withHandle(h -> bindAll(plannedPerCall(h.createQuery(keyset.text()), q), keyset.params())
                .map(MAPPER).list());
        return ActivityPage.ofKeyset(rows, q.limit());
    }

    /**
     * A free-text query is planned with its pattern each time (no server-side prepared statement):
     * whether a trigram index beats the primary key depends on the pattern, and after five
     * executions pgjdbc's prepared statement gets PostgreSQL's generic plan, which cannot know it
     * and scans the user's whole history by the primary key (0.2 s instead of 7 ms for a user of a
     * million rows; see docs/benchmarks.md, "Queries at 10 million rows").
     */
    private static Query plannedPerCall(Query query, ActivityQuery q) {
        if (q.text().isEmpty()) {
            return query;
        }
        return query.addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
                if (statement.isWrapperFor(PGStatement.class)) {
                    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
                }
            }
        });
    }

    private String where(ActivityQuery q, Map<String, Object> params) {
        StringBuilder w = new StringBuilder(" WHERE user_id = :user_id");
        params.put("user_id", q.userId());
        if (q.actions().size() == 1) {
            // Equality, not "= ANY" of one: then the (user_id, action, created_at) index returns rows in
            // timeline order, merged across partitions, and the page stops after limit + 1 rows
            // instead of reading and sorting every row of the action.
            w.append(" AND action = :action");
            params.put("action", q.actions().iterator().next());
        } else if (!q.actions().isEmpty()) {
            w.append(" AND action = ANY(:actions)");
            params.put("actions", q.actions().toArray(String[]::new));
        }
        if (!q.severities().isEmpty()) {
            w.append(" AND severity = ANY(:severities::text[]::").append(sql.names().qualified(sql.names().severityType())).append("[])");
            params.put("severities", q.severities().stream().map(Severity::value).toArray(String[]::new));
        }
        q.from().ifPresent(from -> {
            w.append(" AND created_at >= :from");
            params.put("from", utc(from));
        });
        q.to().ifPresent(to -> {
            w.append(" AND created_at < :to");
            params.put("to", utc(to));
        });
        q.sessionId().ifPresent(s -> {
            w.append(" AND session_id = :session_id");
            params.put("session_id", s);
        });
        q.ipAddress().ifPresent(ip -> {
            w.append(" AND ip_address = :ip::inet");
            params.put("ip", ip);
        });
        q.requestId().ifPresent(r -> {
            w.append(" AND request_id = :request_id");
            params.put("request_id", r);
        });
        q.text().ifPresent(t -> {
            w.append(" AND description ILIKE :text ESCAPE '!'");
            params.put("text", "%" + t.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        });
        q.after().ifPresent(c -> {
            // The plain bound on created_at lets the planner prune later partitions.
            w.append(" AND created_at <= :cursor_at AND (created_at, id) < (:cursor_at, :cursor_id)");
            params.put("cursor_at", utc(c.createdAt()));
            params.put("cursor_id", c.id());
        });
        return w.toString();
    }

    private static Query bindAll(Query query, Map<String, Object> params) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (e.getValue() instanceof String[] array) {
                query.bindArray(e.getKey(), String.class, (Object[]) array);
            } else {
                query.bind(e.getKey(), e.getValue());
            }
        }
        return query;
    }

    /**
     * Streams the user's rows oldest first from a server-side cursor: autocommit off and a fetch
     * size, so memory stays constant however many rows the user has.
     */
    public long export(String userId, Consumer<? super Activity> sink) {
        return jdbi.inTransaction(h -> {
            h.execute("SET TRANSACTION READ ONLY");
            // Each fetch of the cursor is a statement of its own: the read timeout bounds each one.
            h.execute("SET LOCAL statement_timeout = " + statementTimeoutMillis);
            ResultIterable<Activity> rows = h.createQuery(sql.get("export"))
                    .bind("user_id", userId)
                    .setFetchSize(EXPORT_FETCH_SIZE)
                    .map(MAPPER);
            long count = 0;
            try (var iterator = rows.iterator()) {
                Iterator<Activity> it = iterator;
                while (it.hasNext()) {
                    sink.accept(it.next());
                    count++;
                }
            }
            return count;
        });
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static final RowMapper<Activity> MAPPER = ActivityReader::map;

    static Activity map(ResultSet rs, StatementContext ctx) throws SQLException {
        // As stored: write-time rules held when it was logged, and must never make a row unreadable.
        return Activity.storedBuilder(rs.getString("user_id"), rs.getString("action"))
                .id(rs.getObject("id", UUID.class))
                .description(rs.getString("description"))
                .severity(Severity.fromValue(rs.getString("severity")))
                .ipAddress(rs.getString("ip"))
                .userAgent(rs.getString("user_agent"))
                .sessionId(rs.getString("session_id"))
                .requestId(rs.getString("request_id"))
                .deviceInfo(json(rs.getString("device_info")))
                .locationInfo(json(rs.getString("location_info")))
                .metadata(json(rs.getString("metadata")))
                .createdAt(rs.getObject("created_at", OffsetDateTime.class).toInstant())
                .build();
    }

    private static Map<String, Object> json(@Nullable String text) throws SQLException {
        if (text == null || text.equals("{}")) {
            return Map.of();
        }
        try {
            return JsonMaps.fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new SQLException("a jsonb column holds what is not a JSON object", e);
        }
    }
}
