-- +goose Up
-- Each item as the API's item list writes it (its list card): the item's
-- JSON with its targets, plans and milestones, written by the store in the
-- transaction that derives the item's figures (refresh), which every
-- write that changes what a list shows goes through. A page of the list
-- then reads 50 cards instead of the item rows with their ~700 plan
-- points (BENCHMARKS.md, "National scale"). An item without a card is
-- listed the long way and gets one at its next derivation.
CREATE TABLE item_cards (
    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    card    TEXT NOT NULL
);

-- Every item is derived again, and gets its card, by the refresh that
-- Migrate runs after the migrations.
UPDATE items SET figures_until = '';

-- +goose Down
DROP TABLE item_cards;
