-- +goose Up
-- Indexes for the ledger at scale (100,000 items a campaign).
-- Pages of a campaign in id order, and counts, without sorting it whole.
CREATE INDEX items_campaign_id ON items(campaign_id, id);
-- A tier's top-level items are counted on every campaign read.
CREATE INDEX items_tier_parent ON items(tier_id, parent_id);
-- +goose Down
DROP INDEX items_tier_parent;
DROP INDEX items_campaign_id;
