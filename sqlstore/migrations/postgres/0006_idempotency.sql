-- +goose Up
-- Creating API requests remembered by their Idempotency-Key, per user, so a
-- retried POST answers as the first one did and creates nothing more.
CREATE TABLE idempotency_keys (
    user_id    BIGINT NOT NULL,
    key        TEXT NOT NULL,
    method     TEXT NOT NULL,
    path       TEXT NOT NULL,
    body_hash  TEXT NOT NULL,
    status     INTEGER NOT NULL DEFAULT 0,
    response   BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- +goose Down
DROP TABLE idempotency_keys;
