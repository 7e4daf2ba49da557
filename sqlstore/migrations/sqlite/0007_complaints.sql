-- +goose Up
-- The complaint column (举报 / 诉求). The reporter's identity lives only in
-- reporter_sealed, AES-GCM sealed with a key from the keyring (never in
-- clear); the tracking secret only as a SHA-256 hash.
CREATE TABLE complaint_categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    accept_days INTEGER NOT NULL,
    days        INTEGER NOT NULL,
    reply_days  INTEGER NOT NULL,
    warn_days   INTEGER NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO complaint_categories (code, name, name_en, accept_days, days, reply_days, warn_days, position) VALUES
    ('teacher-pay', '教师工资待遇', 'Teacher pay and benefits', 5, 30, 5, 5, 1),
    ('off-campus-training', '校外培训', 'Off-campus tutoring', 3, 15, 5, 3, 2),
    ('fees', '乱收费', 'Improper fees', 3, 15, 5, 3, 3),
    ('admissions', '招生考试', 'Admissions and examinations', 3, 10, 3, 2, 4),
    ('five-rules', '五项管理', 'The "five rules" (homework, sleep, phones, reading, fitness)', 3, 15, 5, 3, 5),
    ('other', '其他', 'Other', 5, 20, 5, 3, 9);

CREATE TABLE complaint_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    on_time_floor      REAL NOT NULL,
    reply_floor        REAL NOT NULL,
    satisfaction_floor REAL NOT NULL
);
INSERT INTO complaint_settings (id, on_time_floor, reply_floor, satisfaction_floor) VALUES (1, 90, 95, 85);

CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    secret_hash      TEXT NOT NULL,
    category         TEXT NOT NULL REFERENCES complaint_categories(code),
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    desk_unit_id     INTEGER NOT NULL REFERENCES units(id),
    assigned_unit_id INTEGER REFERENCES units(id),
    body             TEXT NOT NULL,
    place            TEXT NOT NULL DEFAULT '',
    anonymous        BOOLEAN NOT NULL,
    reporter_sealed  TEXT NOT NULL DEFAULT '',
    reveal_to_unit   BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL,
    source           TEXT NOT NULL,
    received_at      TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    deadline         TEXT NOT NULL DEFAULT '',
    warn_from        TEXT NOT NULL DEFAULT '',
    dispatched_at    TIMESTAMP,
    conclusion       TEXT NOT NULL DEFAULT '',
    verification     TEXT NOT NULL DEFAULT '',
    rectification    TEXT NOT NULL DEFAULT '',
    concluded_at     TIMESTAMP,
    on_time          BOOLEAN,
    reply            TEXT NOT NULL DEFAULT '',
    replied_at       TIMESTAMP,
    rating           INTEGER NOT NULL DEFAULT 0,
    rating_note      TEXT NOT NULL DEFAULT '',
    closed_at        TIMESTAMP,
    reopen_count     INTEGER NOT NULL DEFAULT 0,
    merged_into      INTEGER REFERENCES complaints(id),
    escalated_at     TIMESTAMP,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_status ON complaints(status, deadline);
CREATE INDEX complaints_unit ON complaints(unit_id, id);
CREATE INDEX complaints_assigned ON complaints(assigned_unit_id, status);
CREATE INDEX complaints_received ON complaints(received_at);

CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    public       BOOLEAN NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units(id)
);
CREATE INDEX complaint_events_case ON complaint_events(complaint_id, id);

CREATE TABLE complaint_files (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    hash         TEXT NOT NULL,
    name         TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    public       BOOLEAN NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX complaint_files_case ON complaint_files(complaint_id);

CREATE TABLE complaint_extensions (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    days         INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    old_deadline TEXT NOT NULL,
    new_deadline TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_extensions_case ON complaint_extensions(complaint_id, id);

-- Notices can point at a case.
ALTER TABLE notices ADD COLUMN complaint_id INTEGER REFERENCES complaints(id);

-- +goose Down
ALTER TABLE notices DROP COLUMN complaint_id;
DROP TABLE complaint_extensions;
DROP TABLE complaint_files;
DROP TABLE complaint_events;
DROP TABLE complaints;
DROP TABLE complaint_settings;
DROP TABLE complaint_categories;
