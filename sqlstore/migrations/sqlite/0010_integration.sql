-- +goose Up
-- The durable job queue: work is enqueued in the transaction of the change
-- that causes it, claimed by one worker at a time (SQLite has one writer;
-- PostgreSQL claims FOR UPDATE SKIP LOCKED) under a lease, retried with
-- backoff, and kept as a dead letter once its attempts are spent. attempts
-- doubles as the fencing token: a worker whose lease was taken over can no
-- longer finish the job.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    dedup        TEXT,
    unit_id      INTEGER REFERENCES units(id),
    status       TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TIMESTAMP NOT NULL,
    lease_until  TIMESTAMP,
    worker       TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP
);
CREATE INDEX jobs_due ON jobs(run_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_status ON jobs(status, id);
CREATE UNIQUE INDEX jobs_dedup ON jobs(kind, dedup) WHERE dedup IS NOT NULL;

-- The queue's self-test ("shishi jobs probe"): each probe job records its
-- run here in the transaction that marks it done, so a count shows whether
-- every job ran exactly once.
CREATE TABLE job_probes (
    job_id INTEGER NOT NULL,
    worker TEXT NOT NULL,
    at     TIMESTAMP NOT NULL
);
CREATE INDEX job_probes_job ON job_probes(job_id);

-- Outgoing webhooks: a unit's subscription to event types, its secret
-- sealed with the keyring (HMAC needs it in clear at delivery time).
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX webhooks_unit ON webhooks(unit_id);

-- The outbox and delivery log: one row per event and subscription, written
-- with the change; a queue job carries it to the receiver.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks(id),
    event        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_try_at  TIMESTAMP,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);

-- Which notices a user also gets by e-mail, and in which language.
ALTER TABLE users ADD COLUMN mail_kinds TEXT NOT NULL DEFAULT 'reminder,task,complaint';
ALTER TABLE users ADD COLUMN mail_lang TEXT NOT NULL DEFAULT 'zh';

-- +goose Down
ALTER TABLE users DROP COLUMN mail_lang;
ALTER TABLE users DROP COLUMN mail_kinds;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE job_probes;
DROP TABLE jobs;
