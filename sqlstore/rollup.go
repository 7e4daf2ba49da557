package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/shishi-edu/shishi"
)

// The cockpit's roll-ups (shishi.Rollup): a row a campaign and unit with
// units below it, counted by RefreshRollups from the items' stored
// figures in one scan of the campaign, and read by Cockpit in one lookup.

// unitTree is the units' parent links and names, indexed by id (ids are
// dense).
type unitTree struct {
	parent   []int64
	hasChild []bool
	name     []string
}

func (d *DB) loadUnitTree(ctx context.Context) (*unitTree, error) {
	var top int64
	if err := d.read().QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM units`).Scan(&top); err != nil {
		return nil, shishi.Internal(err)
	}
	t := &unitTree{parent: make([]int64, top+1), hasChild: make([]bool, top+1), name: make([]string, top+1)}
	rows, err := d.read().QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), name FROM units`)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent int64
		var name string
		if err := rows.Scan(&id, &parent, &name); err != nil {
			return nil, shishi.Internal(err)
		}
		if id > top || parent > top {
			continue // added since max(id) was read: counted next time
		}
		t.parent[id], t.name[id] = parent, name
		t.hasChild[parent] = parent != 0
	}
	return t, rows.Err()
}

func (t *unitTree) up(id int64) int64 {
	if id <= 0 || id >= int64(len(t.parent)) {
		return 0
	}
	return t.parent[id]
}

func (t *unitTree) inner(id int64) bool {
	return id > 0 && id < int64(len(t.hasChild)) && t.hasChild[id]
}

// RefreshRollups implements shishi.RollupService.
func (d *DB) RefreshRollups(ctx context.Context) (int, error) {
	if !shishi.ActorFrom(ctx).IsSystem() {
		return 0, shishi.Errorf(shishi.EFORBIDDEN, "只有系统任务汇总驾驶舱 / only the system job counts the cockpits")
	}
	tree, err := d.loadUnitTree(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := d.read().QueryContext(ctx, `SELECT id, unit_id FROM campaigns ORDER BY id`)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	type camp struct{ id, unit int64 }
	var camps []camp
	for rows.Next() {
		var c camp
		if err := rows.Scan(&c.id, &c.unit); err != nil {
			rows.Close()
			return 0, shishi.Internal(err)
		}
		camps = append(camps, c)
	}
	rows.Close()
	n := 0
	for _, c := range camps {
		k, err := d.refreshCampaignRollups(ctx, tree, c.id, c.unit)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// refreshCampaignRollups counts one campaign: every item adds to the whole
// campaign's roll-up and to each inner unit above its lead or cooperating
// units (once a unit), and to that unit's child on the way.
func (d *DB) refreshCampaignRollups(ctx context.Context, tree *unitTree, campaignID, ownerUnit int64) (int, error) {
	asOf := d.now()
	coop := map[int64][]int64{}
	rows, err := d.read().QueryContext(ctx, `SELECT iu.item_id, iu.unit_id FROM item_units iu JOIN items i ON i.id = iu.item_id WHERE i.campaign_id = $1`, campaignID)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	for rows.Next() {
		var item, unit int64
		if err := rows.Scan(&item, &unit); err != nil {
			rows.Close()
			return 0, shishi.Internal(err)
		}
		coop[item] = append(coop[item], unit)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, shishi.Internal(err)
	}
	counters := map[int64]*shishi.RollupCounter{0: shishi.NewRollupCounter(campaignID, 0)}
	counter := func(u int64) *shishi.RollupCounter {
		c := counters[u]
		if c == nil {
			c = shishi.NewRollupCounter(campaignID, u)
			counters[u] = c
		}
		return c
	}
	rows, err = d.read().QueryContext(ctx, `SELECT i.id, i.tier_id, i.lead_unit_id, i.leader_name, i.status, i.rag, i.overdue, i.missing_count, i.completion
		FROM items i WHERE i.campaign_id = $1`, campaignID)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	// An item's scopes and (scope, child) pairs, deduplicated across its
	// lead and cooperating units: a handful, so a slice does.
	var scopes []int64
	var pairs [][2]int64
	for rows.Next() {
		var id, lead int64
		var f shishi.ItemFigures
		var missing int
		var completion sql.NullInt64
		if err := rows.Scan(&id, &f.TierID, &lead, &f.Leader, &f.Status, &f.RAG, &f.Overdue, &missing, &completion); err != nil {
			rows.Close()
			return 0, shishi.Internal(err)
		}
		f.Missing, f.Rated, f.Completion = missing > 0, completion.Valid, completion.Int64
		counters[0].Add(f)
		scopes, pairs = scopes[:0], pairs[:0]
		for _, u := range append([]int64{lead}, coop[id]...) {
			prev := int64(0)
			for x := u; x != 0; prev, x = x, tree.up(x) {
				if x == ownerUnit && prev != 0 && !slices.Contains(pairs, [2]int64{0, prev}) {
					counters[0].AddChild(prev, f)
					pairs = append(pairs, [2]int64{0, prev})
				}
				if !tree.inner(x) {
					continue
				}
				if !slices.Contains(scopes, x) {
					counter(x).Add(f)
					scopes = append(scopes, x)
				}
				if prev != 0 && !slices.Contains(pairs, [2]int64{x, prev}) {
					counter(x).AddChild(prev, f)
					pairs = append(pairs, [2]int64{x, prev})
				}
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, shishi.Internal(err)
	}
	tiers, err := d.tierRows(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	names := map[int64]string{}
	for _, c := range counters {
		for _, id := range c.Children() {
			names[id] = tree.name[id]
		}
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cockpit_rollups WHERE campaign_id = $1`, campaignID); err != nil {
			return shishi.Internal(err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO cockpit_rollups (campaign_id, unit_id, as_of, items, body) VALUES ($1, $2, $3, $4, $5)`)
		if err != nil {
			return shishi.Internal(err)
		}
		defer st.Close()
		for u, c := range counters {
			r := c.Rollup(tiers, names, asOf)
			body, err := json.Marshal(r)
			if err != nil {
				return shishi.Internal(err)
			}
			if _, err := st.ExecContext(ctx, campaignID, u, asOf, r.Items, string(body)); err != nil {
				return shishi.Internal(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(counters), nil
}

// tierRows lists a campaign's tiers in their order, with their names.
func (d *DB) tierRows(ctx context.Context, campaignID int64) ([]shishi.SummaryRow, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT id, name FROM tiers WHERE campaign_id = $1 ORDER BY position`, campaignID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.SummaryRow
	for rows.Next() {
		var r shishi.SummaryRow
		if err := rows.Scan(&r.ID, &r.Label); err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Cockpit implements shishi.RollupService: the stored roll-up when there
// is one, else the subtree counted now (a unit with nothing below it, or a
// campaign the job has not counted yet).
func (d *DB) Cockpit(ctx context.Context, campaignID, unitID int64) (*shishi.Rollup, error) {
	if unitID < 0 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "unit", Message: "须为单位编号 / must be a unit id"})
	}
	a := shishi.ActorFrom(ctx)
	if _, err := d.FindCampaign(ctx, campaignID); err != nil {
		return nil, err
	}
	wide, err := d.hasCampaignRole(ctx, d.read(), campaignID, campaignWide...)
	if err != nil {
		return nil, err
	}
	if unitID == 0 && !wide {
		unitID = a.UnitID
	}
	var name string
	if unitID != 0 {
		// The subtree must be the actor's to read: the units whose items
		// it reaches as lead or cooperating unit (itemReach), or any unit
		// for those who see the campaign whole.
		var q args
		where := "u.id = " + q.add(unitID)
		if !wide {
			where += " AND " + reach(a, "u.path", &q)
		}
		err := d.read().QueryRowContext(ctx, `SELECT u.name FROM units u WHERE `+where, q...).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, shishi.Errorf(shishi.ENOTFOUND, "单位不存在或无权访问 / unit %d not found", unitID)
		} else if err != nil {
			return nil, shishi.Internal(err)
		}
	}
	if unitID != 0 || wide {
		var asOf time.Time
		var body string
		err := d.read().QueryRowContext(ctx, `SELECT as_of, body FROM cockpit_rollups WHERE campaign_id = $1 AND unit_id = $2`, campaignID, unitID).Scan(&asOf, &body)
		if err == nil {
			r := &shishi.Rollup{}
			if err := json.Unmarshal([]byte(body), r); err != nil {
				return nil, shishi.Internal(err)
			}
			r.AsOf, r.UnitName = asOf.UTC(), name
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, shishi.Internal(err)
		}
	}
	// Counted now, over the actor's reach within the subtree.
	f := shishi.ItemFilter{CampaignID: campaignID, UnitID: unitID}
	s, err := d.Summarise(ctx, f)
	if err != nil {
		return nil, err
	}
	f.Flagged, f.Limit = true, 1
	_, flagged, err := d.FindItems(ctx, f)
	if err != nil {
		return nil, err
	}
	return &shishi.Rollup{CampaignID: campaignID, UnitID: unitID, UnitName: name, Summary: *s, Flagged: flagged, ByChild: []shishi.SummaryRow{}, AsOf: d.now().UTC(), Live: true}, nil
}
