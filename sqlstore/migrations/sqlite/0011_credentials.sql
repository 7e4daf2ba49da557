-- +goose Up
-- Certificates (module E). Private signing keys live only sealed under the
-- master keys; identity numbers only as a keyed hash (for a holder to prove
-- the credential is theirs) and, inside subject, masked. The status lists
-- are derived from credentials.status; status_lists keeps each list's
-- signed credential and the version it was signed at.
CREATE TABLE issuers (
    id                INTEGER PRIMARY KEY,
    unit_id           INTEGER NOT NULL UNIQUE REFERENCES units(id),
    did               TEXT NOT NULL DEFAULT '',
    base_url          TEXT NOT NULL,
    credit_code       TEXT NOT NULL,
    sm2               BOOLEAN NOT NULL DEFAULT FALSE,
    next_status_index INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE issuer_keys (
    issuer_id      INTEGER NOT NULL REFERENCES issuers(id),
    key_id         TEXT NOT NULL,
    alg            TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    private_sealed TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    retired_at     TIMESTAMP,
    PRIMARY KEY (issuer_id, key_id)
);

CREATE TABLE credential_types (
    id          INTEGER PRIMARY KEY,
    issuer_id   INTEGER NOT NULL REFERENCES issuers(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    number_code TEXT NOT NULL,
    valid_days  INTEGER NOT NULL DEFAULT 0,
    fields      TEXT NOT NULL,
    next_serial INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE credentials (
    id           INTEGER PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    type_id      INTEGER NOT NULL REFERENCES credential_types(id),
    issuer_id    INTEGER NOT NULL REFERENCES issuers(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    serial       INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    holder_name  TEXT NOT NULL,
    id_hash      TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL,
    vc           TEXT NOT NULL,
    status       TEXT NOT NULL,
    status_index INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    replaced_by  INTEGER REFERENCES credentials(id),
    key_hash     TEXT NOT NULL,
    valid_from   TIMESTAMP NOT NULL,
    valid_until  TIMESTAMP,
    issued_at    TIMESTAMP NOT NULL,
    row_version  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX credentials_type ON credentials(type_id, id);
CREATE INDEX credentials_unit ON credentials(unit_id, id);
CREATE INDEX credentials_status ON credentials(issuer_id, status, status_index);
CREATE INDEX credentials_holder ON credentials(id_hash);

CREATE TABLE status_lists (
    issuer_id      INTEGER NOT NULL REFERENCES issuers(id),
    purpose        TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    signed         TEXT NOT NULL DEFAULT '',
    signed_version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issuer_id, purpose, seq)
);

CREATE TABLE holder_codes (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER NOT NULL REFERENCES credentials(id),
    code_hash     TEXT NOT NULL UNIQUE,
    hint          TEXT NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX holder_codes_credential ON holder_codes(credential_id);

-- +goose Down
DROP TABLE holder_codes;
DROP TABLE status_lists;
DROP TABLE credentials;
DROP TABLE credential_types;
DROP TABLE issuer_keys;
DROP TABLE issuers;
