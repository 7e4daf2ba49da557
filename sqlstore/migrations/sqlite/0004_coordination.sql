-- +goose Up
-- Coordination on items (强化沟通协调): comments, tasks handed to
-- cooperating units, and the in-app notices they raise.
CREATE TABLE item_comments (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    mentions   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX item_comments_item ON item_comments(item_id, id);

CREATE TABLE item_tasks (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    title      TEXT NOT NULL,
    due        TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    done_by    TEXT NOT NULL DEFAULT '',
    done_at    TIMESTAMP,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_tasks_item ON item_tasks(item_id, id);
CREATE INDEX item_tasks_unit ON item_tasks(unit_id, status);

CREATE TABLE notices (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind    TEXT NOT NULL,
    item_id INTEGER,
    text    TEXT NOT NULL,
    at      TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    -- a reminder is sent once per subject: the key says which
    dedup   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notices_user ON notices(user_id, id);
CREATE UNIQUE INDEX notices_dedup ON notices(user_id, dedup) WHERE dedup <> '';

-- +goose Down
DROP TABLE notices;
DROP TABLE item_tasks;
DROP TABLE item_comments;
