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
    target_id INTEGER NOT NULL REFERENCES targets(id),
    period    TEXT NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (target_id, period)
);
WITH RECURSIVE s(id, rest, point) AS (
    SELECT id, plan || ',', '' FROM targets WHERE plan <> ''
    UNION ALL
    SELECT id, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1) FROM s WHERE rest <> ''
)
INSERT INTO target_plan (target_id, period, value)
SELECT id, substr(point, 1, instr(point, ':') - 1), CAST(substr(point, instr(point, ':') + 1) AS INTEGER) FROM s WHERE point <> '';
ALTER TABLE targets DROP COLUMN plan;
