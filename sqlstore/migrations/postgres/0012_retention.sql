-- +goose Up
-- Retention: a closed complaint's reporter identity is deleted after the
-- configured period; the case keeps the date it was purged.
ALTER TABLE complaints ADD COLUMN reporter_purged_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE complaints DROP COLUMN reporter_purged_at;
