-- +goose Up
-- Periodic jobs: one row per job, claimed with a lease so that one process
-- runs it at a time and its last run survives restarts.
CREATE TABLE job_runs (
    name        TEXT PRIMARY KEY,
    last_run_at TIMESTAMP,
    lease_until TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE job_runs;
