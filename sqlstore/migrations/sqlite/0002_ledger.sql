-- +goose Up
-- The campaign ledger (清单台账). Dates are 'YYYY-MM-DD' text and months
-- 'YYYY-MM' text in both dialects: they sort and compare as written.
-- Quantities are integers scaled by 10^4 (shishi.Decimal): never floats.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    as_of       TEXT NOT NULL DEFAULT '',
    amber_below INTEGER NOT NULL,
    red_below   INTEGER NOT NULL,
    report_due  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_unit ON campaigns(unit_id);

CREATE TABLE tiers (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    tier_id      INTEGER NOT NULL REFERENCES tiers(id),
    parent_id    INTEGER REFERENCES items(id),
    code         TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    leader_name  TEXT NOT NULL DEFAULT '',
    lead_unit_id INTEGER NOT NULL REFERENCES units(id),
    deadline     TEXT NOT NULL,
    public       BOOLEAN NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    report_from  TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX items_campaign ON items(campaign_id, tier_id);
CREATE INDEX items_lead_unit ON items(lead_unit_id);
CREATE INDEX items_parent ON items(parent_id);
CREATE UNIQUE INDEX items_code ON items(campaign_id, code) WHERE code <> '';

-- Cooperating units (配合单位).
CREATE TABLE item_units (
    item_id INTEGER NOT NULL REFERENCES items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_units_unit ON item_units(unit_id);

CREATE TABLE targets (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items(id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    baseline INTEGER NOT NULL DEFAULT 0,
    target   INTEGER NOT NULL DEFAULT 0,
    down     BOOLEAN NOT NULL DEFAULT 0,
    weight   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX targets_item ON targets(item_id, position);

-- The planned trajectory: the cumulative value planned by each month.
CREATE TABLE target_plan (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    period    TEXT NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (target_id, period)
);

CREATE TABLE milestones (
    id        INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id),
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    due       TEXT NOT NULL,
    done_on   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX milestones_target ON milestones(target_id, position);

-- Reports are append-only: a correction is a new version; only the
-- office's review (status, comment) is written after filing.
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    item_id        INTEGER NOT NULL REFERENCES items(id),
    period         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    narrative      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_by    TEXT NOT NULL DEFAULT '',
    reviewed_at    TIMESTAMP,
    submitted_by   TEXT NOT NULL,
    submitted_at   TIMESTAMP NOT NULL,
    late           BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (item_id, period, version)
);
CREATE INDEX reports_status ON reports(status, item_id);

CREATE TABLE report_values (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    target_id INTEGER NOT NULL REFERENCES targets(id),
    value     INTEGER NOT NULL,
    PRIMARY KEY (report_id, target_id)
);

-- What happened to an item: lifecycle moves with their notes.
CREATE TABLE item_events (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_events_item ON item_events(item_id, id);

-- +goose Down
DROP TABLE item_events;
DROP TABLE report_values;
DROP TABLE reports;
DROP TABLE milestones;
DROP TABLE target_plan;
DROP TABLE targets;
DROP TABLE item_units;
DROP TABLE items;
DROP TABLE tiers;
DROP TABLE campaigns;
