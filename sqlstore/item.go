package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/shishi-edu/shishi"
)

// itemReach: the actor sees the item's whole campaign (a campaign-wide role
// over the campaign's unit), or the item's lead or a cooperating unit is in
// reach, or the item is public. Internal items of other subtrees stay out.
// The campaigns and units in reach are resolved once per statement.
func itemReach(a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	return "(i.public = " + q.add(true) +
		" OR i.campaign_id IN (SELECT rc.id FROM campaigns rc WHERE rc.unit_id IN " + unitsReached(a, q, campaignWide...) + ")" +
		" OR i.lead_unit_id IN " + unitsReached(a, q) +
		" OR EXISTS (SELECT 1 FROM item_units iu WHERE iu.item_id = i.id AND iu.unit_id IN " + unitsReached(a, q) + "))"
}

// listReach is itemReach for a list: an actor who sees the whole of the
// listed campaign needs no condition at all, which lets a page or a count
// run on the campaign's index alone.
func (d *DB) listReach(ctx context.Context, db queryer, campaignID int64, q *args) (string, error) {
	a := shishi.ActorFrom(ctx)
	if campaignID > 0 && !a.IsSystem() {
		wide, err := d.hasCampaignRole(ctx, db, campaignID, campaignWide...)
		if err != nil {
			return "", err
		}
		if wide {
			return "1=1", nil
		}
	}
	return itemReach(a, q), nil
}

const itemFrom = ` FROM items i JOIN units lu ON lu.id = i.lead_unit_id JOIN tiers t ON t.id = i.tier_id `

const itemCols = `i.id, i.campaign_id, i.tier_id, t.name, i.parent_id, i.code, i.title, i.description, i.leader_name, i.lead_unit_id, lu.name,
	i.deadline, i.public, i.status, i.report_from, i.version, i.created_at, i.updated_at, (SELECT count(*) FROM items ch WHERE ch.parent_id = i.id)`

// itemRow is an item with what its evaluation needs: the first month it
// reports for, its observations by target, and the months it reported.
type itemRow struct {
	*shishi.Item
	reportFrom shishi.Period
	obs        map[int64][]shishi.Observation
	reported   map[shishi.Period]bool
}

func scanItem(s interface{ Scan(...any) error }) (itemRow, error) {
	it := &shishi.Item{}
	var parent sql.NullInt64
	var from string
	err := s.Scan(&it.ID, &it.CampaignID, &it.TierID, &it.TierName, &parent, &it.Code, &it.Title, &it.Description, &it.LeaderName, &it.LeadUnit.ID, &it.LeadUnit.Name,
		&it.Deadline, &it.Public, &it.Status, &from, &it.Version, &it.CreatedAt, &it.UpdatedAt, &it.ChildCount)
	if parent.Valid {
		it.ParentID = &parent.Int64
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return itemRow{Item: it, reportFrom: shishi.Period(from), obs: map[int64][]shishi.Observation{}, reported: map[shishi.Period]bool{}}, err
}

// FindItems implements shishi.ItemService. SQL narrows by campaign, tier,
// unit, status and title; the derived RAG filter is applied after the
// figures are computed, so it pages in memory.
func (d *DB) FindItems(ctx context.Context, f shishi.ItemFilter) ([]*shishi.Item, int, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, shishi.Invalid(shishi.FieldError{Field: "status", Message: "未知的事项状态 / unknown status"})
	}
	var q args
	where, err := d.listReach(ctx, d.db, f.CampaignID, &q)
	if err != nil {
		return nil, 0, err
	}
	if f.CampaignID > 0 {
		where += " AND i.campaign_id = " + q.add(f.CampaignID)
	}
	if f.TierID > 0 {
		where += " AND i.tier_id = " + q.add(f.TierID)
	}
	if f.UnitID > 0 {
		sub := "(SELECT su.id FROM units su JOIN units pu ON su.path LIKE pu.path || '%' WHERE pu.id = " + q.add(f.UnitID) + ")"
		where += " AND (i.lead_unit_id IN " + sub + " OR EXISTS (SELECT 1 FROM item_units fu WHERE fu.item_id = i.id AND fu.unit_id IN " + sub + "))"
	}
	if f.Status != "" {
		where += " AND i.status = " + q.add(string(f.Status))
	}
	if f.Query != "" {
		where += " AND lower(i.title) LIKE " + q.add(likeEscape(f.Query)) + ` ESCAPE '\'`
	}
	if f.ParentID != nil {
		where += " AND i.parent_id = " + q.add(*f.ParentID)
	}
	if f.PublicOnly {
		where += " AND i.public = " + q.add(true)
	}
	limit := clampLimit(f.Limit)
	var total int
	if !f.HasRAG {
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM items i WHERE `+where, q...).Scan(&total); err != nil {
			return nil, 0, shishi.Internal(err)
		}
		if f.After > 0 {
			where += " AND i.id > " + q.add(f.After)
		}
		where += " ORDER BY i.id LIMIT " + q.add(limit)
	} else {
		where += " ORDER BY i.id"
	}
	rows, err := d.loadItems(ctx, d.db, `SELECT `+itemCols+itemFrom+`WHERE `+where, q)
	if err != nil {
		return nil, 0, err
	}
	if err := d.evaluate(ctx, d.db, rows); err != nil {
		return nil, 0, err
	}
	out := make([]*shishi.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Item)
	}
	if f.HasRAG {
		var kept []*shishi.Item
		for _, it := range out {
			if it.RAG == f.RAG {
				kept = append(kept, it)
			}
		}
		total = len(kept)
		start := 0
		for start < len(kept) && kept[start].ID <= f.After {
			start++
		}
		kept = kept[start:]
		if len(kept) > limit {
			kept = kept[:limit]
		}
		out = kept
	}
	return out, total, nil
}

func (d *DB) loadItems(ctx context.Context, db queryer, query string, q args) ([]itemRow, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []itemRow
	for rows.Next() {
		r, err := scanItem(rows)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindItem implements shishi.ItemService.
func (d *DB) FindItem(ctx context.Context, id int64) (*shishi.Item, error) {
	return d.findItem(ctx, d.db, id)
}

func (d *DB) findItem(ctx context.Context, db queryer, id int64) (*shishi.Item, error) {
	var q args
	rows, err := d.loadItems(ctx, db, `SELECT `+itemCols+itemFrom+`WHERE i.id = `+q.add(id)+` AND `+itemReach(shishi.ActorFrom(ctx), &q), q)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "事项不存在或无权访问 / item %d not found", id)
	}
	if err := d.evaluate(ctx, db, rows); err != nil {
		return nil, err
	}
	return rows[0].Item, nil
}

// inList writes "(…)" of placeholders for ids.
func inList(q *args, ids []int64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q.add(id))
	}
	b.WriteByte(')')
	return b.String()
}

// evaluate loads the items' cooperating units, targets, plans, milestones
// and report observations in a few batched queries, then derives their
// figures with shishi.Evaluate as of each campaign's day.
func (d *DB) evaluate(ctx context.Context, db queryer, rows []itemRow) error {
	if len(rows) == 0 {
		return nil
	}
	byID := map[int64]*itemRow{}
	var ids []int64
	for i := range rows {
		r := &rows[i]
		byID[r.ID] = r
		ids = append(ids, r.ID)
		r.Targets, r.CoopUnits, r.Missing = []shishi.Target{}, []shishi.UnitRef{}, []shishi.Period{}
	}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		if err := d.evaluateBatch(ctx, db, ids[start:end], byID); err != nil {
			return err
		}
	}
	campaigns := map[int64]*shishi.Campaign{}
	for _, r := range rows {
		c, ok := campaigns[r.CampaignID]
		if !ok {
			var err error
			if c, err = d.campaignSettings(ctx, db, r.CampaignID); err != nil {
				return err
			}
			campaigns[r.CampaignID] = c
		}
		asOf := d.asOf(c)
		shishi.Evaluate(r.Item, r.obs, asOf, c.AmberBelow, c.RedBelow)
		if r.Status == shishi.StatusInProgress && len(r.Targets) > 0 {
			if m := shishi.MissingPeriods(r.reportFrom, asOf, c.ReportDue, r.reported); m != nil {
				r.Missing = m
			}
		}
		// A parent without targets of its own takes its figures from its
		// children, whoever is looking: the figure belongs to the item.
		if r.ChildCount > 0 && len(r.Targets) == 0 {
			var q args
			children, err := d.loadItems(ctx, db, `SELECT `+itemCols+itemFrom+`WHERE i.parent_id = `+q.add(r.ID)+` ORDER BY i.id`, q)
			if err != nil {
				return err
			}
			if err := d.evaluate(ctx, db, children); err != nil {
				return err
			}
			items := make([]*shishi.Item, len(children))
			for i, ch := range children {
				items[i] = ch.Item
			}
			shishi.RollUp(r.Item, items)
		}
	}
	return nil
}

func (d *DB) evaluateBatch(ctx context.Context, db queryer, ids []int64, items map[int64]*itemRow) error {
	var q args
	in := inList(&q, ids)
	// Cooperating units.
	rows, err := db.QueryContext(ctx, `SELECT iu.item_id, u.id, u.name FROM item_units iu JOIN units u ON u.id = iu.unit_id WHERE iu.item_id IN `+in+` ORDER BY iu.item_id, u.id`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var id int64
		var u shishi.UnitRef
		if err := rows.Scan(&id, &u.ID, &u.Name); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		items[id].CoopUnits = append(items[id].CoopUnits, u)
	}
	rows.Close()
	// Targets.
	targetItem := map[int64]int64{}
	rows, err = db.QueryContext(ctx, `SELECT id, item_id, name, kind, unit, baseline, target, down, weight FROM targets WHERE item_id IN `+in+` ORDER BY item_id, position`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var t shishi.Target
		var itemID int64
		if err := rows.Scan(&t.ID, &itemID, &t.Name, &t.Kind, &t.Unit, &t.Baseline, &t.Target, &t.Down, &t.Weight); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		t.Plan = []shishi.PlanPoint{}
		items[itemID].Targets = append(items[itemID].Targets, t)
		targetItem[t.ID] = itemID
	}
	rows.Close()
	target := func(id int64) *shishi.Target {
		it := items[targetItem[id]]
		for i := range it.Targets {
			if it.Targets[i].ID == id {
				return &it.Targets[i]
			}
		}
		return nil
	}
	// Plans and milestones joined to the targets: PostgreSQL plans
	// "target_id IN (SELECT …)" as a scan of all targets.
	rows, err = db.QueryContext(ctx, `SELECT tp.target_id, tp.period, tp.value FROM targets tt JOIN target_plan tp ON tp.target_id = tt.id
		WHERE tt.item_id IN `+in+` ORDER BY tp.target_id, tp.period`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var id int64
		var p shishi.PlanPoint
		if err := rows.Scan(&id, &p.Period, &p.Value); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		if t := target(id); t != nil {
			t.Plan = append(t.Plan, p)
		}
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT m.id, m.target_id, m.title, m.due, m.done_on FROM targets tt JOIN milestones m ON m.target_id = tt.id
		WHERE tt.item_id IN `+in+` ORDER BY m.target_id, m.position`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var m shishi.Milestone
		var id int64
		if err := rows.Scan(&m.ID, &id, &m.Title, &m.Due, &m.DoneOn); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		if t := target(id); t != nil {
			t.Milestones = append(t.Milestones, m)
		}
	}
	rows.Close()
	// Observations: per item and month the newest version not returned.
	rows, err = db.QueryContext(ctx, `SELECT r.item_id, r.period, r.version, r.status, rv.target_id, rv.value
		FROM reports r LEFT JOIN report_values rv ON rv.report_id = r.id
		WHERE r.item_id IN `+in+` ORDER BY r.item_id, r.period, r.version`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	type key struct {
		item   int64
		period shishi.Period
	}
	best := map[key]int{}
	type val struct {
		target int64
		value  shishi.Decimal
	}
	vals := map[key]map[int]([]val){}
	for rows.Next() {
		var k key
		var version int
		var status string
		var tid sql.NullInt64
		var v sql.NullInt64
		if err := rows.Scan(&k.item, &k.period, &version, &status, &tid, &v); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		if shishi.ReportStatus(status) == shishi.ReportReturned {
			continue
		}
		if version > best[k] {
			best[k] = version
		}
		if vals[k] == nil {
			vals[k] = map[int][]val{}
		}
		if tid.Valid {
			vals[k][version] = append(vals[k][version], val{tid.Int64, shishi.Decimal(v.Int64)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return shishi.Internal(err)
	}
	for k, version := range best {
		r := items[k.item]
		r.reported[k.period] = true
		for _, x := range vals[k][version] {
			r.obs[x.target] = append(r.obs[x.target], shishi.Observation{Period: k.period, Value: x.value})
		}
	}
	return nil
}
