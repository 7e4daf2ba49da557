-- +goose Up
-- Who uploaded which file of online services: an application may name a
-- file only its acting user uploaded (or one already in an earlier
-- version of the same application), so knowing another person's file
-- hash no longer lets one hand it in and download it.
CREATE TABLE service_uploads (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, sha256)
);

-- A public account's verification code is bound to the account, expires,
-- and allows a few wrong tries before a new code must be sent.
ALTER TABLE public_accounts ADD COLUMN verify_expires TIMESTAMP;
ALTER TABLE public_accounts ADD COLUMN verify_failures INTEGER NOT NULL DEFAULT 0;

-- Answers kept under an Idempotency-Key are now sealed with the personal-
-- data keys; those kept before were plain text (an issuance's answer holds
-- the holder's access key), so they are dropped rather than left readable.
DELETE FROM idempotency_keys;

-- +goose Down
ALTER TABLE public_accounts DROP COLUMN verify_failures;
ALTER TABLE public_accounts DROP COLUMN verify_expires;
DROP TABLE service_uploads;
