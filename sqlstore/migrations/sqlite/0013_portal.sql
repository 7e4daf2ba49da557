-- +goose Up
-- The public portal: briefings (简报) with the figures they were generated
-- from, the public's ratings of completed items (满意度) and their
-- proposals of new ones (群众点单), and each campaign's satisfaction floor.

CREATE TABLE briefings (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    period       TEXT NOT NULL,
    title        TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    closing      TEXT NOT NULL DEFAULT '',
    figures      TEXT NOT NULL,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    UNIQUE (campaign_id, period)
);
CREATE INDEX briefings_published ON briefings(status, published_at);

-- client is a keyed hash of the rater's address: enough to hold one
-- rating per person and item within the window, nothing to find them by.
CREATE TABLE item_ratings (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    score      INTEGER NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    client     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX item_ratings_item ON item_ratings(item_id, client, created_at);
CREATE INDEX item_ratings_client ON item_ratings(client, created_at);

CREATE TABLE rating_floors (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),
    floor       INTEGER NOT NULL,
    min_count   INTEGER NOT NULL
);

CREATE TABLE nominations (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id     INTEGER REFERENCES units(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    merged_into INTEGER REFERENCES nominations(id),
    item_id     INTEGER REFERENCES items(id),
    supporters  INTEGER NOT NULL DEFAULT 1,
    client      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX nominations_campaign ON nominations(campaign_id, status);
CREATE INDEX nominations_client ON nominations(client, created_at);

-- +goose Down
DROP TABLE nominations;
DROP TABLE rating_floors;
DROP TABLE item_ratings;
DROP TABLE briefings;
