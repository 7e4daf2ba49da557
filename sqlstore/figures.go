package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// The ledger's derived figures (completion, RAG, forecast, overdue, missing
// months, last period; each target's actual and completion) are computed by
// the domain (shishi.Evaluate, MissingPeriods, RollUp) and kept on the item
// and target rows, so that lists, filters and roll-ups never read reports:
//
//   - deriveItems computes them afresh from the reports (FindItem, and every
//     write below);
//   - refresh derives and stores them in the transaction of each write that
//     changes them: filing or reviewing a report, an item's lifecycle move,
//     a target change, a new item; and then for the item's parents, whose
//     figures roll up their children's;
//   - RefreshFigures re-derives, from a scheduled job, the items whose
//     figures a day change makes stale (figures_until, from
//     shishi.FiguresChangeOn) and those never derived (after migration
//     0008, or rows written straight with SQL).

// hundredths stores a completion (a percentage with two decimals) exactly.
func hundredths(c float64) int64 { return int64(math.Round(c * 100)) }

func fromHundredths(n int64) float64 { return float64(n) / 100 }

// attach loads the rows' cooperating units, targets (with their stored
// figures), plans and milestones, 500 items a query.
func (d *DB) attach(ctx context.Context, db queryer, rows []itemRow) error {
	byID := map[int64]*itemRow{}
	ids := make([]int64, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		byID[r.ID] = r
		ids = append(ids, r.ID)
		r.Targets, r.CoopUnits = []shishi.Target{}, []shishi.UnitRef{}
		r.obs, r.reported = map[int64][]shishi.Observation{}, map[shishi.Period]bool{}
	}
	for start := 0; start < len(ids); start += 500 {
		if err := d.attachBatch(ctx, db, ids[start:min(start+500, len(ids))], byID); err != nil {
			return err
		}
	}
	return nil
}

// withStored completes list rows: their targets with the stored figures.
// A parent without targets of its own shows its children's summed targets,
// which are not stored: those few rows are derived afresh.
func (d *DB) withStored(ctx context.Context, db queryer, rows []itemRow) error {
	if len(rows) == 0 {
		return nil
	}
	if err := d.attach(ctx, db, rows); err != nil {
		return err
	}
	var parents []itemRow
	var at []int
	for i, r := range rows {
		if r.ChildCount > 0 && len(r.Targets) == 0 {
			parents, at = append(parents, r), append(at, i)
		}
	}
	if len(parents) == 0 {
		return nil
	}
	if err := d.deriveItems(ctx, db, parents); err != nil {
		return err
	}
	for k, i := range at {
		rows[i] = parents[k]
	}
	return nil
}

// deriveItems computes the rows' figures afresh from their reports, as of each
// campaign's day, with the domain's rules; a parent without targets rolls
// up its children, derived the same way one level at a time.
func (d *DB) deriveItems(ctx context.Context, db queryer, rows []itemRow) error {
	return d.deriveLevel(ctx, db, rows, map[int64]*shishi.Campaign{}, 0, "")
}

// deriveItemsAt is deriveItems as of an earlier day than the campaign's
// (a briefing's month); "" keeps the campaign's day.
func (d *DB) deriveItemsAt(ctx context.Context, db queryer, rows []itemRow, at shishi.Date) error {
	return d.deriveLevel(ctx, db, rows, map[int64]*shishi.Campaign{}, 0, at)
}

func (d *DB) deriveLevel(ctx context.Context, db queryer, rows []itemRow, campaigns map[int64]*shishi.Campaign, depth int, at shishi.Date) error {
	if len(rows) == 0 {
		return nil
	}
	if depth > 32 {
		return shishi.Errorf(shishi.EINTERNAL, "items nested deeper than 32 levels")
	}
	if err := d.attach(ctx, db, rows); err != nil {
		return err
	}
	byID := map[int64]*itemRow{}
	ids := make([]int64, 0, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
		ids = append(ids, rows[i].ID)
	}
	for start := 0; start < len(ids); start += 500 {
		if err := d.observeBatch(ctx, db, ids[start:min(start+500, len(ids))], byID); err != nil {
			return err
		}
	}
	var parents []int64
	for i := range rows {
		r := &rows[i]
		c, ok := campaigns[r.CampaignID]
		if !ok {
			var err error
			if c, err = d.campaignSettings(ctx, db, r.CampaignID); err != nil {
				return err
			}
			campaigns[r.CampaignID] = c
		}
		d.evaluate(r, c, at)
		if r.ChildCount > 0 && len(r.Targets) == 0 {
			parents = append(parents, r.ID)
		}
	}
	// A parent without targets of its own takes its figures from its
	// children, whoever is looking: the figure belongs to the item. All
	// the parents' children of this level in one query.
	if len(parents) > 0 {
		var q args
		children, err := d.loadItems(ctx, db, `SELECT `+itemCols+itemFrom+`WHERE i.parent_id IN `+inList(&q, parents)+` ORDER BY i.id`, q)
		if err != nil {
			return err
		}
		if err := d.deriveLevel(ctx, db, children, campaigns, depth+1, at); err != nil {
			return err
		}
		of := map[int64][]*shishi.Item{}
		for _, ch := range children {
			of[*ch.ParentID] = append(of[*ch.ParentID], ch.Item)
		}
		for _, id := range parents {
			shishi.RollUp(byID[id].Item, of[id])
		}
	}
	for i := range rows {
		r := &rows[i]
		r.until = shishi.FiguresChangeOn(r.Item, r.asOf, campaigns[r.CampaignID].ReportDue)
	}
	return nil
}

// evaluate derives one row's own figures from its observations (attached
// and observed) as of its campaign's day, or at when earlier. The import
// derives its new items with it before writing them (import_write.go).
func (d *DB) evaluate(r *itemRow, c *shishi.Campaign, at shishi.Date) {
	r.asOf = d.asOf(c)
	if at != "" && at < r.asOf {
		r.asOf = at
	}
	r.LastPeriod, r.Missing = "", []shishi.Period{}
	shishi.Evaluate(r.Item, r.obs, r.asOf, c.AmberBelow, c.RedBelow)
	if r.Status == shishi.StatusInProgress && len(r.Targets) > 0 {
		if m := shishi.MissingPeriods(r.reportFrom, r.asOf, c.ReportDue, r.reported); m != nil {
			r.Missing = m
		}
	}
}

// attachBatch loads cooperating units, targets, plans and milestones of
// up to 500 items.
func (d *DB) attachBatch(ctx context.Context, db queryer, ids []int64, items map[int64]*itemRow) error {
	var q args
	in := inList(&q, ids)
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
	// Each target comes with its plan folded into one text (migration
	// 0022, foldPlan).
	targetItem := map[int64]int64{}
	rows, err = db.QueryContext(ctx, `SELECT id, item_id, name, kind, unit, baseline, target, down, weight, actual, completion, plan
		FROM targets WHERE item_id IN `+in+` ORDER BY item_id, position`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var t shishi.Target
		var itemID, completion int64
		var actual sql.NullInt64
		var plan string
		if err := rows.Scan(&t.ID, &itemID, &t.Name, &t.Kind, &t.Unit, &t.Baseline, &t.Target, &t.Down, &t.Weight, &actual, &completion, &plan); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		if actual.Valid {
			a := shishi.Decimal(actual.Int64)
			t.Actual = &a
		}
		t.Completion = fromHundredths(completion)
		t.History = []shishi.PlanPoint{}
		if t.Plan, err = foldedPlan(plan); err != nil {
			rows.Close()
			return err
		}
		items[itemID].Targets = append(items[itemID].Targets, t)
		targetItem[t.ID] = itemID
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return shishi.Internal(err)
	}
	target := func(id int64) *shishi.Target {
		it := items[targetItem[id]]
		for i := range it.Targets {
			if it.Targets[i].ID == id {
				return &it.Targets[i]
			}
		}
		return nil
	}
	// Milestones joined to the targets (PostgreSQL plans "target_id IN
	// (SELECT …)" as a scan of all targets), put in order here rather
	// than in a temporary B-tree.
	type step struct {
		target int64
		pos    int
		m      shishi.Milestone
	}
	var steps []step
	rows, err = db.QueryContext(ctx, `SELECT m.id, m.target_id, m.position, m.title, m.due, m.done_on FROM targets tt JOIN milestones m ON m.target_id = tt.id
		WHERE tt.item_id IN `+in, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	for rows.Next() {
		var s step
		if err := rows.Scan(&s.m.ID, &s.target, &s.pos, &s.m.Title, &s.m.Due, &s.m.DoneOn); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		steps = append(steps, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return shishi.Internal(err)
	}
	slices.SortFunc(steps, func(a, b step) int {
		if a.target != b.target {
			return cmp.Compare(a.target, b.target)
		}
		return cmp.Compare(a.pos, b.pos)
	})
	for _, s := range steps {
		if t := target(s.target); t != nil {
			t.Milestones = append(t.Milestones, s.m)
		}
	}
	// A checklist shows how many steps it has, as Evaluate reports it.
	for _, id := range ids {
		it := items[id]
		for i := range it.Targets {
			if it.Targets[i].Kind == shishi.TargetMilestone {
				it.Targets[i].Target = it.Targets[i].Steps()
			}
		}
	}
	return nil
}

// observeBatch reads up to 500 items' observations: per item and month,
// the newest version that was not returned.
func (d *DB) observeBatch(ctx context.Context, db queryer, ids []int64, items map[int64]*itemRow) error {
	var q args
	rows, err := db.QueryContext(ctx, `SELECT r.item_id, r.period, r.version, r.status, rv.target_id, rv.value
		FROM reports r LEFT JOIN report_values rv ON rv.report_id = r.id
		WHERE r.item_id IN `+inList(&q, ids)+` ORDER BY r.item_id, r.period, r.version`, q...)
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
	vals := map[key]map[int][]val{}
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

// refresh derives and stores the figures of the items ids and then of
// their parents, level by level up: a parent's figures roll up its
// children's. It runs in the transaction of the write that made them
// change.
func (d *DB) refresh(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for depth := 0; len(ids) > 0; depth++ {
		if depth > 32 {
			return shishi.Errorf(shishi.EINTERNAL, "items nested deeper than 32 levels")
		}
		var q args
		in := inList(&q, ids)
		if d.postgres {
			// Under READ COMMITTED two writers deriving one item (a report
			// and the hourly job; two children of one parent) would each
			// store what it read, the older last; the row lock makes the
			// later one read what the earlier committed. SQLite's write
			// transactions run one at a time already.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM items WHERE id IN `+in+` ORDER BY id FOR UPDATE`, q...); err != nil {
				return shishi.Internal(err)
			}
		}
		rows, err := d.loadItems(ctx, tx, `SELECT `+itemCols+itemFrom+`WHERE i.id IN `+in, q)
		if err != nil {
			return err
		}
		if err := d.deriveItems(ctx, tx, rows); err != nil {
			return err
		}
		if err := d.store(ctx, tx, rows); err != nil {
			return err
		}
		if err := d.storeCards(ctx, tx, rows); err != nil {
			return err
		}
		seen := map[int64]bool{}
		ids = ids[:0:0]
		for _, r := range rows {
			if r.ParentID != nil && !seen[*r.ParentID] {
				seen[*r.ParentID] = true
				ids = append(ids, *r.ParentID)
			}
		}
	}
	return nil
}

// store writes derived rows' figures to their item and target rows.
// Figures are no edit: the item's version stays.
func (d *DB) store(ctx context.Context, tx *sql.Tx, rows []itemRow) error {
	if len(rows) == 0 {
		return nil
	}
	items, err := tx.PrepareContext(ctx, `UPDATE items SET completion = $1, rag = $2, overdue = $3, missing = $4, missing_count = $5,
		last_period = $6, forecast = $7, figures_on = $8, figures_until = $9 WHERE id = $10`)
	if err != nil {
		return shishi.Internal(err)
	}
	defer items.Close()
	targets, err := tx.PrepareContext(ctx, `UPDATE targets SET actual = $1, completion = $2 WHERE id = $3`)
	if err != nil {
		return shishi.Internal(err)
	}
	defer targets.Close()
	for _, r := range rows {
		if _, err := items.ExecContext(ctx, append(r.figures(), r.ID)...); err != nil {
			return shishi.Internal(err)
		}
		for _, t := range r.Targets {
			if t.ID == 0 { // a parent's summed target: not a row
				continue
			}
			if _, err := targets.ExecContext(ctx, append(targetFigures(t), t.ID)...); err != nil {
				return shishi.Internal(err)
			}
		}
	}
	return nil
}

// figures are the values of an item row's figure columns, in the order
// of figureCols.
func (r *itemRow) figures() []any {
	var completion sql.NullInt64
	if r.Completion != nil {
		completion = sql.NullInt64{Int64: hundredths(*r.Completion), Valid: true}
	}
	missing := make([]string, len(r.Missing))
	for i, p := range r.Missing {
		missing[i] = string(p)
	}
	return []any{completion, string(r.RAG), r.Overdue, strings.Join(missing, ","), len(r.Missing),
		string(r.LastPeriod), string(r.Forecast), string(r.asOf), string(r.until)}
}

// figureCols are the item columns figures fills.
var figureCols = []string{"completion", "rag", "overdue", "missing", "missing_count", "last_period", "forecast", "figures_on", "figures_until"}

// targetFigures are a target row's actual and completion.
func targetFigures(t shishi.Target) []any {
	var actual sql.NullInt64
	if t.Actual != nil {
		actual = sql.NullInt64{Int64: int64(*t.Actual), Valid: true}
	}
	return []any{actual, hundredths(t.Completion)}
}

// RefreshFigures implements shishi.FiguresService: campaign by campaign,
// the items whose figures are stale as of the campaign's day (or were
// never derived: figures_until is then empty), 500 to a transaction so
// that SQLite's write lock is held briefly.
func (d *DB) RefreshFigures(ctx context.Context) (int, error) {
	var campaigns []int64
	rows, err := d.read().QueryContext(ctx, `SELECT id FROM campaigns ORDER BY id`)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, shishi.Internal(err)
		}
		campaigns = append(campaigns, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, shishi.Internal(err)
	}
	n := 0
	for _, id := range campaigns {
		c, err := d.campaignSettings(ctx, d.read(), id)
		if err != nil {
			return n, err
		}
		asOf := d.asOf(c)
		var last []int64
		for {
			ids, err := d.staleItems(ctx, id, asOf)
			if err != nil {
				return n, err
			}
			if len(ids) == 0 {
				break
			}
			if slices.Equal(ids, last) { // FiguresChangeOn is always after asOf
				return n, shishi.Errorf(shishi.EINTERNAL, "figures of item %d stay stale after a refresh", ids[0])
			}
			if err := d.tx(ctx, func(tx *sql.Tx) error { return d.refresh(ctx, tx, ids) }); err != nil {
				return n, err
			}
			n += len(ids)
			last = ids
		}
	}
	return n, nil
}

func (d *DB) staleItems(ctx context.Context, campaignID int64, asOf shishi.Date) ([]int64, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT id FROM items WHERE campaign_id = $1 AND figures_until <= $2 LIMIT 500`, campaignID, string(asOf))
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, shishi.Internal(err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

var _ shishi.FiguresService = (*DB)(nil)

// foldPlan is a plan as the target's row keeps it (migration 0022):
// "2026-01:1200000,2026-02:2400000", in the order given (Validate makes
// a quantity's months increasing).
func foldPlan(plan []shishi.PlanPoint) string {
	var b strings.Builder
	for i, p := range plan {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(p.Period))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(int64(p.Value), 10))
	}
	return b.String()
}

// foldedPlan reads a plan foldPlan wrote and puts it in month order.
func foldedPlan(s string) ([]shishi.PlanPoint, error) {
	out := make([]shishi.PlanPoint, 0, strings.Count(s, ",")+1)
	if s == "" {
		return out[:0], nil
	}
	for p := range strings.SplitSeq(s, ",") {
		period, value, ok := strings.Cut(p, ":")
		n, err := strconv.ParseInt(value, 10, 64)
		if !ok || err != nil {
			return nil, shishi.Errorf(shishi.EINTERNAL, "stored plan point %q unreadable", p)
		}
		out = append(out, shishi.PlanPoint{Period: shishi.Period(period), Value: shishi.Decimal(n)})
	}
	if !slices.IsSortedFunc(out, byPeriod) {
		slices.SortFunc(out, byPeriod)
	}
	return out, nil
}

func byPeriod(a, b shishi.PlanPoint) int { return strings.Compare(string(a.Period), string(b.Period)) }
