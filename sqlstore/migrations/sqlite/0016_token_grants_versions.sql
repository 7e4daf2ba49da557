-- +goose Up
-- An API token may carry a subset of its user's grants: a role at a unit,
-- the unit inside the user's reach for that role. A token with scope
-- 'grants' acts only where one of these rows and one of its user's current
-- grants both reach (sqlstore/reach.go), so it never reaches wider than
-- its user, even after the user loses a role.
CREATE TABLE api_token_grants (
    token_id INTEGER NOT NULL REFERENCES api_tokens(id),
    role     TEXT NOT NULL,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (token_id, role, unit_id)
);

-- Versions for the updates that had none, so their API takes If-Match
-- like every other update: a category, the league-table floors, a user's
-- mail preferences (apart from the account's version, which an
-- administrator's edits bump).
ALTER TABLE complaint_categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaint_settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN mail_version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE users DROP COLUMN mail_version;
ALTER TABLE complaint_settings DROP COLUMN version;
ALTER TABLE complaint_categories DROP COLUMN version;
DROP TABLE api_token_grants;
