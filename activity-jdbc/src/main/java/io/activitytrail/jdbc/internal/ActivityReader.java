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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGStatement;

/** Timeline pages and exports. Every query is of one user, so each one starts on the primary key. */
public final class ActivityReader {
    static final int EXPORT_PAGE_SIZE = 1_000;

    private final ReadRouting routing;
    private final Statements sql;

    /** @param routing where each user's reads run, with the store's read timeout as default query timeout */
    public ActivityReader(ReadRouting routing, Statements sql) {
        this.routing = routing;
        this.sql = sql;
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
            return routing.read(q.userId(), jdbi -> jdbi.withHandle(h -> {
                long counted = bindAll(plannedPerCall(h.createQuery(count.text()), q), count.params()).mapTo(Long.class).one();
                boolean capped = counted > COUNT_CAP;
                long total = Math.min(counted, COUNT_CAP);
                List<Activity> activities = !capped && (long) (page - 1) * q.limit() >= total ? List.of()
                        : bindAll(plannedPerCall(h.createQuery(rows.text()), q), rows.params()).map(MAPPER).list();
                return ActivityPage.ofNumbered(activities, page, q.limit(), total, capped);
            }));
        }
        Sql keyset = keyset(q);
        List<Activity> rows = routing.read(q.userId(), jdbi -> jdbi.withHandle(
                h -> bindAll(plannedPerCall(h.createQuery(keyset.text()), q), keyset.params()).map(MAPPER).list()));
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
     * Passes the user's rows to {@code sink} oldest first, a page of {@link #EXPORT_PAGE_SIZE} at a
     * time: memory stays constant however many rows the user has, and no connection is held while
     * the sink works (it writes to a client that may be slow). A page that fails on the replica is
     * read again on the primary; it has not reached the sink. Rows stored meanwhile with a time
     * before the page already read (a replayed spool) are not in the export.
     */
    public long export(String userId, Consumer<? super Activity> sink) {
        long count = 0;
        String afterCreatedAt = "-infinity";
        String afterId = "00000000-0000-0000-0000-000000000000";
        while (true) {
            String createdAt = afterCreatedAt;
            String id = afterId;
            List<Activity> page = routing.read(userId, jdbi -> jdbi.withHandle(h -> h.createQuery(sql.get("export_page"))
                    .bind("user_id", userId).bind("after_created_at", createdAt).bind("after_id", id)
                    .bind("limit", EXPORT_PAGE_SIZE).map(MAPPER).list()));
            for (Activity activity : page) {
                sink.accept(activity);
                count++;
            }
            if (page.size() < EXPORT_PAGE_SIZE) {
                return count;
            }
            Activity last = page.get(page.size() - 1);
            afterCreatedAt = last.createdAt().toString();
            afterId = last.id().toString();
        }
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
