-- Statements of JdbcActivityStore. Each starts at a "-- name:" line. ${table} is the quoted,
-- schema-qualified activity table, ${schema} the quoted schema, ${severity} the qualified severity
-- type, ${default} the default partition, ${runs} the maintenance runs table, ${erasures} the
-- erasures table; ${partition},
-- ${from} and ${to} are given per call. Every name is validated before it is put here.

-- name: insert_batch
-- One round trip for the whole batch: one array per column, unnested into rows. The statement
-- text is the same for every batch size, so the server plans it once per connection.
INSERT INTO ${table} (id, user_id, action, description, severity, ip_address, user_agent,
                      session_id, request_id, device_info, location_info, metadata, created_at)
-- Rows of a user erased after they were created are skipped (not inserted, not an error): so no
-- instance's spool, retry or replay brings back what an erasure removed. The anti-join is one
-- primary-key probe of the (small) erasures table per distinct user of the batch.
SELECT r.* FROM unnest(
    :ids::uuid[], :user_ids::varchar[], :actions::varchar[], :descriptions::text[],
    :severities::text[]::${severity}[], :ips::inet[], :user_agents::text[],
    :session_ids::varchar[], :request_ids::varchar[], :device_infos::jsonb[],
    :location_infos::jsonb[], :metadatas::jsonb[], :created_ats::timestamptz[])
    AS r (id, user_id, action, description, severity, ip_address, user_agent, session_id,
          request_id, device_info, location_info, metadata, created_at)
WHERE NOT EXISTS (SELECT 1 FROM ${erasures} e WHERE e.user_id = r.user_id AND r.created_at <= e.erased_at)
ON CONFLICT DO NOTHING

-- name: insert_lock
-- Shared: inserts never wait for each other, only for an erasure that is committing (see erase_lock).
SELECT 1 FROM pg_advisory_xact_lock_shared(:key1, hashtext(:key2))

-- name: erase_lock
-- Exclusive: waits for the inserts in flight to commit (so the DELETE sees their rows), and makes
-- inserts that start meanwhile wait until the erasure is recorded (so they see it and skip).
SELECT 1 FROM pg_advisory_xact_lock(:key1, hashtext(:key2))

-- name: record_erasure
-- The database's clock, read after the lock: one clock for every instance. An erasure never moves
-- an earlier, later erasure back.
INSERT INTO ${erasures} AS e (user_id, erased_at) VALUES (:user_id, clock_timestamp())
ON CONFLICT (user_id) DO UPDATE SET erased_at = greatest(e.erased_at, excluded.erased_at)
RETURNING erased_at

-- name: notify_erasure
-- Delivered at commit, to every session that LISTENs on the channel (this one included).
SELECT 1 FROM pg_notify(:channel, :payload)

-- name: expire_erasures
DELETE FROM ${erasures} WHERE erased_at < :cutoff

-- name: select_columns
SELECT id, user_id, action, description, severity::text AS severity, host(ip_address) AS ip,
       user_agent, session_id, request_id, device_info::text AS device_info,
       location_info::text AS location_info, metadata::text AS metadata, created_at
FROM ${table}

-- name: export_page
-- Oldest first through the primary key, one page after the last row of the previous one
-- ('-infinity' and the nil uuid before the first). Each page is a short query of its own, so a
-- slow reader of the export holds no connection and no transaction (whose lock on the parent
-- table would make partition DDL, and the writes queued behind it, wait).
SELECT id, user_id, action, description, severity::text AS severity, host(ip_address) AS ip,
       user_agent, session_id, request_id, device_info::text AS device_info,
       location_info::text AS location_info, metadata::text AS metadata, created_at
FROM ${table}
WHERE user_id = :user_id AND (created_at, id) > (:after_created_at::timestamptz, :after_id::uuid)
  -- Implied by the row comparison, but only this lets the planner skip the earlier partitions.
  AND created_at >= :after_created_at::timestamptz
ORDER BY created_at, id
LIMIT :limit

-- name: stats_counts
-- Answered from the primary key alone (INCLUDE action, severity): an index-only scan.
SELECT action, severity::text AS severity,
       (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
FROM ${table}
WHERE user_id = :user_id AND created_at >= :from AND created_at < :to
GROUP BY 1, 2, 3

-- name: stats_distinct
-- Also index-only: ip_address and user_agent_hash are INCLUDE columns of the primary key.
SELECT count(DISTINCT ip_address) AS ips, count(DISTINCT user_agent_hash) AS devices
FROM ${table}
WHERE user_id = :user_id AND created_at >= :from AND created_at < :to

-- name: stats_last_login
-- The (user_id, action, created_at) index, read backwards: one entry per partition.
SELECT max(created_at) FROM ${table} WHERE user_id = :user_id AND action = 'login'

-- name: erase_user
DELETE FROM ${table} WHERE user_id = :user_id

-- name: list_partitions
SELECT c.relname AS name,
       pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lower_bound,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = to_regclass(:parent)
ORDER BY lower_bound NULLS FIRST

-- name: create_partition_table
-- Made on its own, then attached: CREATE TABLE ... PARTITION OF would take an ACCESS EXCLUSIVE
-- lock on the parent, and so wait behind (and then block) every long export.
CREATE TABLE IF NOT EXISTS ${partition} (LIKE ${table} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)

-- name: attach_partition
-- SHARE UPDATE EXCLUSIVE on the parent: reads and writes go on meanwhile.
ALTER TABLE ${table} ATTACH PARTITION ${partition} FOR VALUES FROM ('${from}') TO ('${to}')

-- name: default_months
-- Months that have rows in the default partition (the safety net).
SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') AS month FROM ${default}

-- name: default_has_rows_in
SELECT EXISTS (SELECT 1 FROM ${default} WHERE created_at >= :from AND created_at < :to)

-- name: lock_default
LOCK TABLE ${default} IN SHARE ROW EXCLUSIVE MODE

-- name: stash_default_rows
CREATE TEMPORARY TABLE activitytrail_moving ON COMMIT DROP AS
SELECT id, user_id, action, description, severity, ip_address, user_agent, session_id,
       request_id, device_info, location_info, metadata, created_at
FROM ${default} WHERE created_at >= :from AND created_at < :to

-- name: delete_default_rows
DELETE FROM ${default} WHERE created_at >= :from AND created_at < :to

-- name: restore_stashed_rows
-- Under the shared erasure lock, like every insert, and with the same check of the erasures.
INSERT INTO ${table} (id, user_id, action, description, severity, ip_address, user_agent,
                      session_id, request_id, device_info, location_info, metadata, created_at)
SELECT m.* FROM activitytrail_moving m
WHERE NOT EXISTS (SELECT 1 FROM ${erasures} e WHERE e.user_id = m.user_id AND m.created_at <= e.erased_at)

-- name: estimated_rows
-- The planner's estimate (exact after ANALYZE, which autovacuum runs); -1 when never analyzed.
SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:partition)

-- name: count_rows
SELECT count(*) FROM ${partition}

-- name: drop_partition
DROP TABLE ${partition}

-- name: delete_older_batch
-- At most :batch rows per statement (and so per transaction: the handle is in autocommit). A TID
-- range scan from where the last batch ended, so each batch reads only its own pages: scanning
-- from the start every time re-read the dead rows of all earlier batches (quadratic).
WITH doomed AS (
    SELECT ctid FROM ${partition} WHERE ctid >= :from_ctid::tid AND created_at < :cutoff LIMIT :batch
)
DELETE FROM ${partition} WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed))
RETURNING (ctid::text::point)[0]::bigint AS block

-- name: record_run
INSERT INTO ${runs} (kind, started_at, finished_at, instance, created_partitions,
                     dropped_partitions, moved_rows, deleted_rows, retention_cutoff, error)
VALUES (:kind, :started_at, :finished_at, :instance, :created, :dropped, :moved, :deleted,
        :cutoff, :error)
