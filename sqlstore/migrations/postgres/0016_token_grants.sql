-- +goose Up
-- An API token may carry a subset of its user's grants: a role at a unit,
-- the unit inside the user's reach for that role. A token with scope
-- 'grants' acts only where one of these rows and one of its user's current
-- grants both reach (sqlstore/reach.go), so it never reaches wider than
-- its user, even after the user loses a role.
CREATE TABLE api_token_grants (
    token_id BIGINT NOT NULL REFERENCES api_tokens(id),
    role     TEXT NOT NULL,
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (token_id, role, unit_id)
);

-- +goose Down
DROP TABLE api_token_grants;
