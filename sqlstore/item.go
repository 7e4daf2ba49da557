package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/shishi-edu/shishi"
)

// itemReach: the actor sees the item's whole campaign (a campaign-wide role
// over the campaign's unit), or the item's lead or a cooperating unit is in
// reach, or the item is public. Internal items of other subtrees stay out.
// The campaigns and units in reach are resolved once per statement.
func itemReach(pg bool, a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	return "(i.public = " + q.add(true) +
		" OR i.campaign_id IN (SELECT rc.id FROM campaigns rc WHERE rc.unit_id IN " + unitsReached(pg, a, q, campaignWide...) + ")" +
		" OR i.lead_unit_id IN " + unitsReached(pg, a, q) +
		" OR i.id IN (SELECT iu.item_id FROM item_units iu WHERE iu.unit_id IN " + unitsReached(pg, a, q) + "))"
}

// seesCampaign reports whether the actor sees the whole of the listed
// campaign (a campaign-wide role over its unit): a list then needs no
// reach condition at all, which lets a page or a count run on the
// campaign's index alone.
func (d *DB) seesCampaign(ctx context.Context, db queryer, campaignID int64) (bool, error) {
	if campaignID <= 0 {
		return false, nil
	}
	if shishi.ActorFrom(ctx).IsSystem() {
		return true, nil
	}
	return d.hasCampaignRole(ctx, db, campaignID, campaignWide...)
}

const itemFrom = ` FROM items i JOIN units lu ON lu.id = i.lead_unit_id JOIN tiers t ON t.id = i.tier_id `

const itemCols = `i.id, i.campaign_id, i.tier_id, t.name, i.parent_id, i.code, i.title, i.description, i.leader_name, i.lead_unit_id, lu.name,
	i.deadline, i.public, i.status, i.report_from, i.version, i.created_at, i.updated_at, (SELECT count(*) FROM items ch WHERE ch.parent_id = i.id),
	i.completion, i.rag, i.overdue, i.missing, i.last_period, i.forecast`

// itemRow is an item with what deriving its figures needs: the first
// month it reports for, its observations by target, the months it
// reported; and, once derived, the day they were derived for and the day
// they may change by time alone.
type itemRow struct {
	*shishi.Item
	reportFrom shishi.Period
	obs        map[int64][]shishi.Observation
	reported   map[shishi.Period]bool
	asOf       shishi.Date
	until      shishi.Date
}

// scanItem reads itemCols: the item with its stored figures.
func scanItem(s interface{ Scan(...any) error }) (itemRow, error) {
	it := &shishi.Item{}
	var parent, completion sql.NullInt64
	var from, missing string
	err := s.Scan(&it.ID, &it.CampaignID, &it.TierID, &it.TierName, &parent, &it.Code, &it.Title, &it.Description, &it.LeaderName, &it.LeadUnit.ID, &it.LeadUnit.Name,
		&it.Deadline, &it.Public, &it.Status, &from, &it.Version, &it.CreatedAt, &it.UpdatedAt, &it.ChildCount,
		&completion, &it.RAG, &it.Overdue, &missing, &it.LastPeriod, &it.Forecast)
	if parent.Valid {
		it.ParentID = &parent.Int64
	}
	if completion.Valid {
		c := fromHundredths(completion.Int64)
		it.Completion = &c
	}
	it.Missing = []shishi.Period{}
	if missing != "" {
		for _, p := range strings.Split(missing, ",") {
			it.Missing = append(it.Missing, shishi.Period(p))
		}
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return itemRow{Item: it, reportFrom: shishi.Period(from), obs: map[int64][]shishi.Observation{}, reported: map[shishi.Period]bool{}}, err
}

// FindItems implements shishi.ItemService. Every filter, the derived RAG
// included, is an SQL condition on the item's stored figures, so a page
// reads its own rows only.
func (d *DB) FindItems(ctx context.Context, f shishi.ItemFilter) ([]*shishi.Item, int, error) {
	sc, total, err := d.itemPage(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var q args
	where := sc.pageWhere(d.postgres, &q)
	rows, err := d.loadItems(ctx, d.read(), `SELECT `+itemCols+itemFrom+`WHERE `+where+" ORDER BY i.id LIMIT "+q.add(clampLimit(f.Limit)), q)
	if err != nil {
		return nil, 0, err
	}
	if err := d.withStored(ctx, d.read(), rows); err != nil {
		return nil, 0, err
	}
	out := make([]*shishi.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Item)
	}
	return out, total, nil
}

// itemPage checks a list's filter, finds its scope and counts its total
// (unless f.NoTotal).
func (d *DB) itemPage(ctx context.Context, f shishi.ItemFilter) (*itemScope, int, error) {
	sc, err := d.itemScope(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if !f.NoTotal {
		// The total counts every row: a unit's subtree as a set.
		var cq args
		if total, err = d.count(ctx, `SELECT count(*) FROM items i WHERE `+sc.where(d.postgres, &cq, false), cq); err != nil {
			return nil, 0, shishi.Internal(err)
		}
	}
	return sc, total, nil
}

// pageWhere is the condition of a page: the scope's, after the cursor.
func (sc *itemScope) pageWhere(pg bool, q *args) string {
	where := sc.where(pg, q, true)
	if sc.f.After > 0 {
		where += " AND i.id > " + q.add(sc.f.After)
	}
	return where
}

// itemScope is what the condition of FindItems and Summarise needs from
// the database, looked up once for a page and its total: the filter
// checked, whether the actor sees the whole campaign, and a unit filter's
// root. A unit's subtree is found by its root's path, not as IN lists of
// its units: a province holds 17,000 units at national scale, and building
// those lists cost more than a page. An actor who reaches the root reaches
// every item led or co-operated below it, so its own reach needs no test
// then.
type itemScope struct {
	f     shishi.ItemFilter
	actor *shishi.Actor
	whole bool   // no reach condition: the whole campaign, or the reached root's subtree
	root  string // the unit filter's root path; "" when there is no such unit
}

func (d *DB) itemScope(ctx context.Context, f shishi.ItemFilter) (*itemScope, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, shishi.Invalid(shishi.FieldError{Field: "status", Message: "未知的事项状态 / unknown status"})
	}
	if f.HasRAG && f.RAG != shishi.RAGNone && f.RAG != shishi.RAGGreen && f.RAG != shishi.RAGAmber && f.RAG != shishi.RAGRed {
		return nil, shishi.Invalid(shishi.FieldError{Field: "rag", Message: "未知的红黄绿灯 / unknown RAG"})
	}
	sc := &itemScope{f: f, actor: shishi.ActorFrom(ctx)}
	if f.UnitID > 0 {
		var q args
		var in int
		err := d.read().QueryRowContext(ctx, `SELECT u.path, CASE WHEN `+reach(sc.actor, "u.path", &q)+` THEN 1 ELSE 0 END FROM units u WHERE u.id = `+q.add(f.UnitID), q...).Scan(&sc.root, &in)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, shishi.Internal(err)
		}
		sc.whole = in == 1
	}
	if !sc.whole {
		var err error
		if sc.whole, err = d.seesCampaign(ctx, d.read(), f.CampaignID); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// where writes the condition with its arguments in q. A unit's subtree is
// written two ways, the same rows either way: for a page (paged), a test
// per row, so the scan in id order stops at the page's end; for a count or
// a roll-up, which read every row, the subtree's items as a set gathered
// from its units.
func (sc *itemScope) where(pg bool, q *args, paged bool) string {
	f := sc.f
	where := "1=1"
	if !sc.whole {
		where = itemReach(pg, sc.actor, q)
	}
	if f.CampaignID > 0 {
		where += " AND i.campaign_id = " + q.add(f.CampaignID)
	}
	if f.TierID > 0 {
		where += " AND i.tier_id = " + q.add(f.TierID)
	}
	if f.UnitID > 0 && sc.root == "" {
		where += " AND 1=0" // no such unit
	} else if f.UnitID > 0 && !paged {
		r := "CAST(" + q.add(sc.root) + " AS TEXT)"
		where += " AND i.id IN (SELECT li.id FROM units su JOIN items li ON li.lead_unit_id = su.id WHERE " + subtree(pg, "su.path", r) +
			" UNION SELECT fu.item_id FROM units fs JOIN item_units fu ON fu.unit_id = fs.id WHERE " + subtree(pg, "fs.path", r) + ")"
	} else if f.UnitID > 0 {
		r := "CAST(" + q.add(sc.root) + " AS TEXT)"
		where += " AND (EXISTS (SELECT 1 FROM units lu2 WHERE lu2.id = i.lead_unit_id AND " + subtree(pg, "lu2.path", r) +
			") OR EXISTS (SELECT 1 FROM item_units fu JOIN units fu2 ON fu2.id = fu.unit_id WHERE fu.item_id = i.id AND " + subtree(pg, "fu2.path", r) + "))"
	}
	if f.Status != "" {
		where += " AND i.status = " + q.add(string(f.Status))
	}
	if f.HasRAG {
		where += " AND i.rag = " + q.add(string(f.RAG))
	}
	if f.Flagged {
		where += " AND (i.rag = " + q.add(string(shishi.RAGRed)) + " OR i.overdue = " + q.add(true) + ")"
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
	return where
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

// FindItem implements shishi.ItemService. One item is derived afresh from
// its reports (History needs them anyway): the figures equal the stored
// ones, which lists and roll-ups read.
func (d *DB) FindItem(ctx context.Context, id int64) (*shishi.Item, error) {
	return d.findItem(ctx, d.read(), id)
}

func (d *DB) findItem(ctx context.Context, db queryer, id int64) (*shishi.Item, error) {
	var q args
	rows, err := d.loadItems(ctx, db, `SELECT `+itemCols+itemFrom+`WHERE i.id = `+q.add(id)+` AND `+itemReach(d.postgres, shishi.ActorFrom(ctx), &q), q)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "事项不存在或无权访问 / item %d not found", id)
	}
	if err := d.deriveItems(ctx, db, rows); err != nil {
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
