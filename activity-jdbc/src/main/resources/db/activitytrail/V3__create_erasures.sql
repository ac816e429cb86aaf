-- ActivityTrail schema, version 3: erasures recorded in the database, one row per erased user with
-- the time of the latest erasure. The batch insert skips rows of a user created up to that time, so
-- that no instance, spool, retry or replay can bring erased rows back. Written in the transaction
-- of the DELETE; entries older than the retention cutoff are removed by retention (the rows they
-- guard against are older than the cutoff too, and retention removes them anyway).

CREATE TABLE ${table}_erasures (
    user_id    varchar(128) NOT NULL PRIMARY KEY,
    erased_at  timestamptz  NOT NULL
);

CREATE INDEX ${table}_erasures_erased_at_idx ON ${table}_erasures (erased_at);
