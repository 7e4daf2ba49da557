package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/shishi-edu/shishi"
)

// importBatch is how many items the import writes between flushes: every
// table's rows of a batch go out in foreign-key order, so memory stays
// bounded while each multi-row statement stays full.
const importBatch = 1000

// importWrite stores a sheet's validated items as CreateItem would, one
// by one, store each (the same rows, events, audit entries chained in the
// same order with the same hashes, webhook outbox rows, derived figures)
// but in multi-row INSERTs: a 100,000-item ledger was ~20 statements an
// item, each a round trip through the driver, and then an UPDATE of every
// item's figures (profiled: three quarters of the import). The checks
// createItem runs per item against the database ImportItems has made once
// for the whole sheet: the office's right, the tiers (read or created),
// the units (resolved from the unit index), the codes (against the
// campaign's own). Ids are taken ahead: on SQLite past the table's largest
// (the transaction holds the write lock), on PostgreSQL from the identity
// sequence. A new item has no reports and no children, so its figures are
// derived in memory by the same rules refresh applies (evaluate) and
// written with the row; their list cards come with the next derivation.
func (d *DB) importWrite(ctx context.Context, tx *sql.Tx, campaignID int64, inputs []shishi.ItemInput) error {
	c, err := d.campaignSettings(ctx, tx, campaignID)
	if err != nil {
		return err
	}
	if !d.postgres {
		// A sheet of 100,000 items dirties tens of megabytes of pages (the
		// items carry ten indexes); in SQLite's default 2 MB cache they were
		// spilled to the WAL and read back mid-transaction. The cache is
		// the connection's: put back before the commit returns it to the
		// pool.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
			return shishi.Internal(err)
		}
		defer tx.ExecContext(ctx, `PRAGMA cache_size = -2000`)
	}
	nTargets := 0
	for _, in := range inputs {
		nTargets += len(in.Targets)
	}
	itemIDs, err := d.reserveIDs(ctx, tx, "items", len(inputs))
	if err != nil {
		return err
	}
	targetIDs, err := d.reserveIDs(ctx, tx, "targets", nTargets)
	if err != nil {
		return err
	}
	audit, err := d.auditRows(ctx, tx, "item.create")
	if err != nil {
		return err
	}
	w := struct{ items, units, targets, milestones, events *rowsWriter }{
		items: d.rowsWriter(ctx, tx, "items", append([]string{"id", "campaign_id", "tier_id", "parent_id", "code", "title", "description", "leader_name", "lead_unit_id",
			"deadline", "public", "status", "report_from", "created_at", "updated_at"}, figureCols...)...),
		units:      d.rowsWriter(ctx, tx, "item_units", "item_id", "unit_id"),
		targets:    d.rowsWriter(ctx, tx, "targets", "id", "item_id", "position", "name", "kind", "unit", "baseline", "target", "down", "weight", "actual", "completion", "plan"),
		milestones: d.rowsWriter(ctx, tx, "milestones", "target_id", "position", "title", "due", "done_on"),
		events:     d.rowsWriter(ctx, tx, "item_events", "item_id", "at", "actor", "action", "from_status", "to_status", "note"),
	}
	order := []*rowsWriter{w.items, w.units, w.targets, w.milestones, w.events}
	defer func() {
		for _, x := range order {
			x.close()
		}
		audit.close()
	}()
	login := "anonymous"
	if a := shishi.ActorFrom(ctx); a != nil {
		login = a.Login
	}
	draft := string(shishi.StatusDraft)
	from := c.StartsOn.Period()
	now := d.now()
	next := 0
	for i, in := range inputs {
		id := itemIDs[i]
		r := itemRow{Item: &shishi.Item{ID: id, CampaignID: campaignID, TierID: in.TierID, ParentID: in.ParentID, Code: in.Code, Title: in.Title,
			Description: in.Description, LeaderName: in.LeaderName, LeadUnit: shishi.UnitRef{ID: in.LeadUnitID}, Deadline: in.Deadline,
			Public: in.Public, Status: shishi.StatusDraft, Targets: make([]shishi.Target, len(in.Targets))},
			reportFrom: from, obs: map[int64][]shishi.Observation{}, reported: map[shishi.Period]bool{}}
		for k, t := range in.Targets {
			r.Targets[k] = shishi.Target{ID: targetIDs[next+k], Name: t.Name, Kind: t.Kind, Unit: t.Unit, Baseline: t.Baseline, Target: t.Target,
				Down: t.Down, Weight: t.Weight, Plan: t.Plan, Milestones: t.Milestones, History: []shishi.PlanPoint{}}
			if t.Kind == shishi.TargetMilestone { // as attachBatch reads a checklist back
				r.Targets[k].Target = r.Targets[k].Steps()
			}
		}
		d.evaluate(&r, c, "")
		// Marked for the next derivation (figures_until ''), which writes
		// the item's list card: the card holds names (tier, units) this
		// writer does not read. Until then the list reads the item the
		// long way.
		r.until = ""
		w.items.add(append([]any{id, campaignID, in.TierID, in.ParentID, in.Code, in.Title, in.Description, in.LeaderName, in.LeadUnitID,
			string(in.Deadline), in.Public, draft, string(from), now, now}, r.figures()...)...)
		for _, u := range in.CoopUnitIDs {
			w.units.add(id, u)
		}
		for k, t := range in.Targets {
			tid := targetIDs[next+k]
			w.targets.add(append(append([]any{tid, id, k + 1, t.Name, string(t.Kind), t.Unit, int64(t.Baseline), int64(t.Target), t.Down, t.Weight},
				targetFigures(r.Targets[k])...), foldPlan(t.Plan))...)
			for j, m := range t.Milestones {
				w.milestones.add(tid, j+1, m.Title, string(m.Due), string(m.DoneOn))
			}
		}
		next += len(in.Targets)
		w.events.add(id, now, login, "create", "", draft, "")
		// The detail createItem audits, as the same JSON text: the map's
		// keys marshal in this order.
		detail, err := json.Marshal(struct {
			Campaign int64  `json:"campaign"`
			Code     string `json:"code"`
			Title    string `json:"title"`
		}{campaignID, in.Code, in.Title})
		if err != nil {
			return shishi.Internal(err)
		}
		audit.add("item", id, &in.LeadUnitID, string(detail))
		if (i+1)%importBatch == 0 || i == len(inputs)-1 {
			for _, x := range order {
				if err := x.flush(); err != nil {
					if isUnique(err) {
						return shishi.Invalid(shishi.FieldError{Field: "code", Message: "事项编号在本活动中已被使用 / code already used in this campaign"})
					}
					return shishi.Internal(err)
				}
			}
			if err := audit.flush(); err != nil {
				return err
			}
		}
	}
	if err := audit.finish(); err != nil {
		return err
	}
	return d.figuresDue(ctx, tx)
}

// reserveIDs takes n ids of table for rows written with explicit ids.
func (d *DB) reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if !d.postgres {
		var last int64
		if err := on(ctx, tx).QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, shishi.Internal(err)
		}
		for i := 1; i <= n; i++ {
			ids = append(ids, last+int64(i))
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, shishi.Internal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	if len(ids) != n {
		return nil, shishi.Internal(errors.New("sqlstore: fewer ids than asked of " + table))
	}
	return ids, nil
}
