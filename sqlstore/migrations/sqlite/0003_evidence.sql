-- +goose Up
-- Evidence files (佐证材料) of report versions; the bytes live in the blob
-- store under their SHA-256, here only the record.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX evidence_report ON evidence(report_id);

-- +goose Down
DROP TABLE evidence;
