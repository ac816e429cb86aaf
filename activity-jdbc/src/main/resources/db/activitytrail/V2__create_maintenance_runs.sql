-- ActivityTrail schema, version 2: one row per maintenance or retention run, so that operators
-- can see that partitions are made ahead and that retention removes what it should.

CREATE TABLE ${table}_maintenance_runs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                varchar(20)  NOT NULL,
    started_at          timestamptz  NOT NULL,
    finished_at         timestamptz  NOT NULL,
    instance            varchar(200) NOT NULL,
    created_partitions  text[]       NOT NULL DEFAULT '{}',
    dropped_partitions  text[]       NOT NULL DEFAULT '{}',
    moved_rows          bigint       NOT NULL DEFAULT 0,
    deleted_rows        bigint       NOT NULL DEFAULT 0,
    retention_cutoff    timestamptz,
    error               text
);

CREATE INDEX ${table}_maintenance_runs_started_idx ON ${table}_maintenance_runs (started_at);
