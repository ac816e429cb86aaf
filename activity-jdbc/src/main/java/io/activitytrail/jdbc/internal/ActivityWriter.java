package io.activitytrail.jdbc.internal;

import io.activitytrail.Activity;
import io.activitytrail.RejectedActivity;
import io.activitytrail.WriteResult;
import io.activitytrail.JsonMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * Writes a batch as one {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING}.
 * Rows of a user erased after they were created (by any instance: the erasures table) are skipped
 * by the statement itself and counted as not inserted. Before it, in the same transaction, the
 * insert takes the erasure lock shared, so it never races an erasure that is committing.
 *
 * <p>A row the database refuses (a NUL character in a JSON string, a value out of range) fails
 * the whole statement; the batch is then split in halves and each half tried again, down to the
 * single row to blame, so the good rows are stored and the bad ones returned with the reason. A
 * batch with one bad row of 500 costs about 2 log2(500) = 18 extra statements.
 */
public final class ActivityWriter {
    private final Jdbi jdbi;
    private final Statements sql;
    private final Partitions partitions;
    /** Seconds one insert may take before the server cancels it; 0 for no limit. */
    private final int timeoutSeconds;

    public ActivityWriter(Jdbi jdbi, Statements sql, Partitions partitions, int timeoutSeconds) {
        this.jdbi = jdbi;
        this.sql = sql;
        this.partitions = partitions;
        this.timeoutSeconds = timeoutSeconds;
    }

    public WriteResult write(List<Activity> batch) {
        List<RejectedActivity> rejected = new ArrayList<>();
        List<Row> rows = new ArrayList<>(batch.size());
        for (Activity a : batch) {
            String problem = JsonText.problem(a);
            if (problem != null) {
                rejected.add(new RejectedActivity(a, problem));
            } else {
                rows.add(new Row(a));
            }
        }
        if (rows.isEmpty()) {
            return new WriteResult(0, rejected);
        }
        partitions.ensureFor(rows.stream().map(r -> r.activity.createdAt()).toList());
        int inserted = insertIsolating(rows, rejected);
        return new WriteResult(inserted, rejected);
    }

    private int insertIsolating(List<Row> rows, List<RejectedActivity> rejected) {
        try {
            return insert(rows);
        } catch (JdbiException e) {
            if (!SqlErrors.isRowError(e)) {
                throw SqlErrors.translate("write a batch of " + rows.size() + " activities", e);
            }
            if (rows.size() == 1) {
                rejected.add(new RejectedActivity(rows.get(0).activity, "PostgreSQL refused the row: " + SqlErrors.reason(e)));
                return 0;
            }
            int half = rows.size() / 2;
            return insertIsolating(rows.subList(0, half), rejected)
                    + insertIsolating(rows.subList(half, rows.size()), rejected);
        }
    }

    private int insert(List<Row> rows) {
        int n = rows.size();
        List<String> ids = new ArrayList<>(n);
        List<String> userIds = new ArrayList<>(n);
        List<String> actions = new ArrayList<>(n);
        List<@Nullable String> descriptions = new ArrayList<>(n);
        List<String> severities = new ArrayList<>(n);
        List<@Nullable String> ips = new ArrayList<>(n);
        List<@Nullable String> userAgents = new ArrayList<>(n);
        List<@Nullable String> sessionIds = new ArrayList<>(n);
        List<@Nullable String> requestIds = new ArrayList<>(n);
        List<String> deviceInfos = new ArrayList<>(n);
        List<String> locationInfos = new ArrayList<>(n);
        List<String> metadatas = new ArrayList<>(n);
        List<String> createdAts = new ArrayList<>(n);
        for (Row row : rows) {
            Activity a = row.activity;
            ids.add(a.id().toString());
            userIds.add(a.userId());
            actions.add(a.action());
            descriptions.add(a.description());
            severities.add(a.severity().value());
            ips.add(a.ipAddress());
            userAgents.add(a.userAgent());
            sessionIds.add(a.sessionId());
            requestIds.add(a.requestId());
            deviceInfos.add(row.deviceInfo);
            locationInfos.add(row.locationInfo);
            metadatas.add(row.metadata);
            createdAts.add(a.createdAt().toString());
        }
        // Two statements in one transaction: the shared erasure lock, then the insert (see Locks.ERASURE).
        // READ COMMITTED whatever the pool's default: the insert's snapshot must be taken after the
        // lock is granted, so that it sees an erasure that committed while it waited.
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            // Under the write timeout too: an erasure of a huge history holds the lock for its
            // DELETE, and the batch then fails and is retried rather than holding the writer.
            Locks.shareErasureLock(h, sql, timeoutSeconds);
            return h.createUpdate(sql.get("insert_batch"))
                .setQueryTimeout(timeoutSeconds)
                .bindArray("ids", String.class, ids)
                .bindArray("user_ids", String.class, userIds)
                .bindArray("actions", String.class, actions)
                .bindArray("descriptions", String.class, descriptions)
                .bindArray("severities", String.class, severities)
                .bindArray("ips", String.class, ips)
                .bindArray("user_agents", String.class, userAgents)
                .bindArray("session_ids", String.class, sessionIds)
                .bindArray("request_ids", String.class, requestIds)
                .bindArray("device_infos", String.class, deviceInfos)
                .bindArray("location_infos", String.class, locationInfos)
                .bindArray("metadatas", String.class, metadatas)
                .bindArray("created_ats", String.class, createdAts)
                .execute();
        });
    }

    /** An activity with its JSON serialised once, however often bisection retries it. */
    private static final class Row {
        final Activity activity;
        final String deviceInfo;
        final String locationInfo;
        final String metadata;

        Row(Activity activity) {
            this.activity = activity;
            this.deviceInfo = json(activity.deviceInfo());
            this.locationInfo = json(activity.locationInfo());
            this.metadata = json(activity.metadata());
        }

        private static String json(Map<String, Object> map) {
            return map.isEmpty() ? "{}" : JsonMaps.toJson(map);
        }
    }
}
