-- +goose Up
-- The ledger's derived figures, kept on the item and its targets so that
-- lists, filters and roll-ups read them instead of every report. They are
-- a cache of shishi.Evaluate / MissingPeriods / RollUp, never typed in:
-- the store re-derives them in the transaction that files, corrects or
-- reviews a report, moves an item through its lifecycle or changes a
-- target, and a scheduled job re-derives those that a day change makes
-- stale (figures_until). Completions are hundredths of a percent.
ALTER TABLE items ADD COLUMN completion BIGINT;
ALTER TABLE items ADD COLUMN rag TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE items ADD COLUMN missing TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN missing_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN last_period TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN forecast TEXT NOT NULL DEFAULT '';
-- The as-of day the figures were derived for ('' = never: the next
-- refresh derives them), and the first day they may change by time alone.
ALTER TABLE items ADD COLUMN figures_on TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN figures_until TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN actual BIGINT;
ALTER TABLE targets ADD COLUMN completion BIGINT NOT NULL DEFAULT 0;

-- Pages of a campaign in id order without sorting it whole; with the
-- columns of an actor's reach, so that counting a page's total reads this
-- index alone.
CREATE INDEX items_campaign_id ON items(campaign_id, id, lead_unit_id, public);
-- A tier's top-level items are counted on every campaign read.
CREATE INDEX items_tier_parent ON items(tier_id, parent_id);
-- The RAG filter (in id order, with the reach columns as above) and the
-- refresh job's search for stale figures.
CREATE INDEX items_campaign_rag ON items(campaign_id, rag, id, lead_unit_id, public);
CREATE INDEX items_campaign_until ON items(campaign_id, figures_until);
-- The roll-ups (Summarise) group a campaign by tier, lead unit and leader
-- and count its figures: all from this index, in its order.
CREATE INDEX items_figures ON items(campaign_id, tier_id, lead_unit_id, leader_name, status, rag, overdue, missing_count, completion);

-- +goose Down
DROP INDEX items_figures;
DROP INDEX items_campaign_until;
DROP INDEX items_campaign_rag;
DROP INDEX items_tier_parent;
DROP INDEX items_campaign_id;
ALTER TABLE targets DROP COLUMN completion;
ALTER TABLE targets DROP COLUMN actual;
ALTER TABLE items DROP COLUMN figures_until;
ALTER TABLE items DROP COLUMN figures_on;
ALTER TABLE items DROP COLUMN forecast;
ALTER TABLE items DROP COLUMN last_period;
ALTER TABLE items DROP COLUMN missing_count;
ALTER TABLE items DROP COLUMN missing;
ALTER TABLE items DROP COLUMN overdue;
ALTER TABLE items DROP COLUMN rag;
ALTER TABLE items DROP COLUMN completion;
