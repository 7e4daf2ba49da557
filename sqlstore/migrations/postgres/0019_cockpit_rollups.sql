-- +goose Up
-- The cockpit's roll-ups (shishi.Rollup): one row a campaign and unit with
-- units below it (unit_id 0: the whole campaign), counted every few
-- minutes by the ledger.rollups job from the items' stored figures, so a
-- province's or the ministry's cockpit reads one row, not its subtree's
-- items. body is the roll-up as JSON; items repeats its count for queries.
CREATE TABLE cockpit_rollups (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_id     BIGINT NOT NULL,
    as_of       TIMESTAMPTZ NOT NULL,
    items       BIGINT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

-- +goose Down
DROP TABLE cockpit_rollups;
