-- +goose Up
-- Supervision (督查督导, module C): groups with their members and covered
-- units, visits, findings and the rectification of each, with history
-- and files. A member reads the covered units' subtrees through
-- sup_group_members ⋈ sup_group_units (see sqlstore/reach.go).
CREATE TABLE sup_groups (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    theme         TEXT NOT NULL DEFAULT '',
    campaign_id   INTEGER REFERENCES campaigns(id),
    owner_unit_id INTEGER NOT NULL REFERENCES units(id),
    leader_id     INTEGER NOT NULL REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX sup_groups_kind ON sup_groups(kind, id);

CREATE TABLE sup_group_members (
    group_id INTEGER NOT NULL REFERENCES sup_groups(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX sup_group_members_user ON sup_group_members(user_id);

CREATE TABLE sup_group_units (
    group_id INTEGER NOT NULL REFERENCES sup_groups(id),
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (group_id, unit_id)
);
CREATE INDEX sup_group_units_unit ON sup_group_units(unit_id);

CREATE TABLE sup_visits (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES sup_groups(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    status       TEXT NOT NULL,
    planned_on   TEXT NOT NULL,
    visited_on   TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '',
    record       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX sup_visits_group ON sup_visits(group_id, id);
CREATE INDEX sup_visits_unit ON sup_visits(unit_id);

CREATE TABLE findings (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES sup_groups(id),
    visit_id     INTEGER REFERENCES sup_visits(id),
    item_id      INTEGER REFERENCES items(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    severity     TEXT NOT NULL,
    description  TEXT NOT NULL,
    status       TEXT NOT NULL,
    raised_on    TEXT NOT NULL,
    days         INTEGER NOT NULL,
    deadline     TEXT NOT NULL,
    plan         TEXT NOT NULL DEFAULT '',
    escalated_to INTEGER REFERENCES units(id),
    escalated_at TIMESTAMP,
    signed_off_at TIMESTAMP,
    created_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX findings_group ON findings(group_id, id);
CREATE INDEX findings_unit ON findings(unit_id, status);
CREATE INDEX findings_open ON findings(status, deadline);

CREATE TABLE finding_events (
    id          INTEGER PRIMARY KEY,
    finding_id  INTEGER NOT NULL REFERENCES findings(id),
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX finding_events_finding ON finding_events(finding_id, id);

-- Files of visit records and of rectification updates; the bytes live in
-- the blob store under their SHA-256.
CREATE TABLE sup_files (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER REFERENCES sup_visits(id),
    finding_id  INTEGER REFERENCES findings(id),
    event_id    INTEGER REFERENCES finding_events(id),
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX sup_files_visit ON sup_files(visit_id);
CREATE INDEX sup_files_finding ON sup_files(finding_id);

-- A notice about a finding (整改通知, 催办, 督办) links to it.
ALTER TABLE notices ADD COLUMN finding_id INTEGER REFERENCES findings(id);

-- +goose Down
ALTER TABLE notices DROP COLUMN finding_id;
DROP TABLE sup_files;
DROP TABLE finding_events;
DROP TABLE findings;
DROP TABLE sup_visits;
DROP TABLE sup_group_units;
DROP TABLE sup_group_members;
DROP TABLE sup_groups;
