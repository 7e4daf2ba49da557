package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/shishi-edu/shishi"
)

// The list cards (migration 0021, shishi.ItemCard): each item's JSON as the
// API's item list writes it. A page of 50 items with ~700 plan points cost
// ~1.5 ms of CPU to read and marshal (attach, loadItems, encoding/json);
// a page of cards is one read of 50 short texts. The card is written by
// storeCards in refresh, next to the figures, and refresh runs in every
// transaction that changes what a list shows of an item: its creation, a
// report filed or reviewed, a lifecycle move, a target changed, a child
// added below it, and the hourly re-derivation as days pass. What a card
// holds from other rows (a unit's name) is dropped with the card when that
// row changes (dropCards). An item without a card (imported, or its card
// dropped) is listed the long way, as FindItems lists it, until the next
// derivation writes one.

// listCard is the item as FindItems returns it, as JSON: targets carry no
// History.
func listCard(it *shishi.Item) ([]byte, error) {
	c := *it
	if it.Targets != nil {
		c.Targets = make([]shishi.Target, len(it.Targets))
		for i, t := range it.Targets {
			t.History = []shishi.PlanPoint{}
			c.Targets[i] = t
		}
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	return b, nil
}

// storeCards writes the derived rows' cards.
func (d *DB) storeCards(ctx context.Context, tx *sql.Tx, rows []itemRow) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO item_cards (item_id, card) VALUES ($1, $2)
		ON CONFLICT (item_id) DO UPDATE SET card = excluded.card`)
	if err != nil {
		return shishi.Internal(err)
	}
	defer st.Close()
	for _, r := range rows {
		card, err := listCard(r.Item)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, r.ID, string(card)); err != nil {
			return shishi.Internal(err)
		}
	}
	return nil
}

// dropCards drops the cards of the items a condition on items i selects
// (with its arguments q) and marks them for the next derivation, which
// writes them again and is made due.
func (d *DB) dropCards(ctx context.Context, tx *sql.Tx, cond string, q args) error {
	// The items first: their row locks order this against a refresh of
	// the same items (see refresh).
	if _, err := tx.ExecContext(ctx, `UPDATE items SET figures_until = '' WHERE id IN (SELECT i.id FROM items i WHERE `+cond+`)`, q...); err != nil {
		return shishi.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_cards WHERE item_id IN (SELECT i.id FROM items i WHERE `+cond+`)`, q...); err != nil {
		return shishi.Internal(err)
	}
	return d.figuresDue(ctx, tx)
}

// figuresDue makes the figures job (shishi.FiguresJob) due at its next
// tick, a minute at most: items were left to derive, and until then they
// are listed the long way.
func (d *DB) figuresDue(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET last_run_at = NULL WHERE name = $1`, shishi.FiguresJob); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// FindItemCards implements shishi.ItemService: FindItems's page, read from
// the cards; the items without one are read the long way.
func (d *DB) FindItemCards(ctx context.Context, f shishi.ItemFilter) ([]shishi.ItemCard, int, error) {
	sc, total, err := d.itemPage(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var q args
	where := sc.pageWhere(d.postgres, &q)
	rows, err := d.read().QueryContext(ctx, `SELECT i.id, c.card FROM items i LEFT JOIN item_cards c ON c.item_id = i.id WHERE `+where+
		" ORDER BY i.id LIMIT "+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	var out []shishi.ItemCard
	var missing []int64
	for rows.Next() {
		var c shishi.ItemCard
		if err := rows.Scan(&c.ID, &c.JSON); err != nil { // NULL: nil
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		if c.JSON == nil {
			missing = append(missing, c.ID)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if len(missing) > 0 {
		if out, err = d.cardsLongWay(ctx, out, missing); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// cardsLongWay fills the cards of the page's items that have none, from
// their rows as FindItems reads them (the page's condition has checked
// their reach). Items are never deleted; one that were would leave the
// page.
func (d *DB) cardsLongWay(ctx context.Context, page []shishi.ItemCard, ids []int64) ([]shishi.ItemCard, error) {
	var q args
	rows, err := d.loadItems(ctx, d.read(), `SELECT `+itemCols+itemFrom+`WHERE i.id IN `+inList(&q, ids), q)
	if err != nil {
		return nil, err
	}
	if err := d.withStored(ctx, d.read(), rows); err != nil {
		return nil, err
	}
	byID := make(map[int64]*shishi.Item, len(rows))
	for _, r := range rows {
		byID[r.ID] = r.Item
	}
	kept := page[:0]
	for _, c := range page {
		if c.JSON == nil {
			it, ok := byID[c.ID]
			if !ok {
				continue
			}
			if c.JSON, err = listCard(it); err != nil {
				return nil, err
			}
		}
		kept = append(kept, c)
	}
	return kept, nil
}
