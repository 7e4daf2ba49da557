-- +goose Up
-- National scale (a million items in one campaign, half a million units).
--
-- The roll-ups (Summarise) of a viewer without a campaign-wide role test
-- each item's reach, whose columns (public, lead unit) items_figures did
-- not hold: every grouped row cost a read of the item's row. This index
-- holds them, in the grouping order, so a roll-up reads the index alone.
CREATE INDEX items_rollup ON items(campaign_id, tier_id, lead_unit_id, leader_name, public, status, rag, overdue, missing_count, completion);
DROP INDEX items_figures;
-- A status filter (the list's most used one) pages in id order and counts
-- from the index, with the reach columns as items_campaign_rag does.
CREATE INDEX items_campaign_status ON items(campaign_id, status, id, lead_unit_id, public);

-- +goose Down
DROP INDEX items_campaign_status;
CREATE INDEX items_figures ON items(campaign_id, tier_id, lead_unit_id, leader_name, status, rag, overdue, missing_count, completion);
DROP INDEX items_rollup;
