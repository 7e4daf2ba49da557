-- +goose Up
-- A target's plan (the cumulative value planned by each month) kept on the
-- target's row as text, "2026-01:1200000,2026-02:2400000" in month order,
-- rather than as a row a month in target_plan. Every reader wanted the
-- whole plan of a target (lists, derivation, export): they folded the
-- rows with string_agg. A ledger of 100,000 items wrote 1,400,000 plan
-- rows, each checked against its target's key: on PostgreSQL those checks
-- alone were a third of the import (BENCHMARKS.md, "National scale").
-- Periods are validated as increasing months before they are stored.
ALTER TABLE targets ADD COLUMN plan TEXT NOT NULL DEFAULT '';
UPDATE targets SET plan = COALESCE((SELECT string_agg(tp.period || ':' || tp.value, ',' ORDER BY tp.period)
    FROM target_plan tp WHERE tp.target_id = targets.id), '');
DROP TABLE target_plan;

-- +goose Down
CREATE TABLE target_plan (
    target_id BIGINT NOT NULL REFERENCES targets(id),
    period    TEXT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (target_id, period)
);
INSERT INTO target_plan (target_id, period, value)
SELECT t.id, split_part(p, ':', 1), split_part(p, ':', 2)::bigint FROM targets t, unnest(string_to_array(t.plan, ',')) p WHERE t.plan <> '';
ALTER TABLE targets DROP COLUMN plan;
