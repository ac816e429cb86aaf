-- ActivityTrail schema, version 1: the activity table, partitioned by month on created_at.
-- ${table} is the table name (default user_activity_logs); the schema is the current one
-- (the store sets search_path; Flyway users set defaultSchema / schemas).

CREATE TYPE ${table}_severity AS ENUM ('info', 'warning', 'error', 'critical');

CREATE TABLE ${table} (
    id              uuid              NOT NULL,
    user_id         varchar(128)      NOT NULL,
    action          varchar(100)      NOT NULL,
    description     text,
    severity        ${table}_severity NOT NULL DEFAULT 'info',
    ip_address      inet,
    user_agent      text,
    session_id      varchar(128),
    request_id      varchar(128),
    device_info     jsonb             NOT NULL DEFAULT '{}',
    location_info   jsonb             NOT NULL DEFAULT '{}',
    metadata        jsonb             NOT NULL DEFAULT '{}',
    created_at      timestamptz       NOT NULL,
    -- 64-bit hash of the user agent: lets "distinct devices" be answered from the primary key
    -- alone, without carrying up to 512 characters of user agent in the index.
    user_agent_hash bigint GENERATED ALWAYS AS (hashtextextended(user_agent, 0)) STORED,
    -- The timeline index. The INCLUDE columns make the stats queries index-only scans: a user's
    -- rows sit on as many heap pages as there are rows, so reading the heap per row is what
    -- makes stats slow on a big table.
    CONSTRAINT ${table}_pkey PRIMARY KEY (user_id, created_at, id)
        INCLUDE (action, severity, ip_address, user_agent_hash)
) PARTITION BY RANGE (created_at);

-- Timeline filtered by action(s), and the user's last login.
CREATE INDEX ${table}_user_action_idx ON ${table} (user_id, action, created_at);
-- Recent errors across all users (operators, alerting); small because it is partial.
CREATE INDEX ${table}_severity_idx ON ${table} (severity, created_at)
    WHERE severity IN ('error', 'critical');
-- Investigations: everything of one session, address or request.
CREATE INDEX ${table}_session_idx ON ${table} (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX ${table}_ip_idx ON ${table} (ip_address) WHERE ip_address IS NOT NULL;
CREATE INDEX ${table}_request_idx ON ${table} (request_id) WHERE request_id IS NOT NULL;

-- Safety net only: a row whose month has no partition lands here instead of failing.
-- Maintenance moves such rows into their monthly partition.
CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT;
