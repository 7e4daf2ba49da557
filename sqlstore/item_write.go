package sqlstore

import (
	"context"
	"database/sql"

	"github.com/shishi-edu/shishi"
)

// CreateItem implements shishi.ItemService: the campaign's office adds an
// item with its targets in one transaction. The item starts as a draft and
// reports from the campaign's first month.
func (d *DB) CreateItem(ctx context.Context, campaignID int64, in shishi.ItemInput) (*shishi.Item, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Item
	err := d.tx(ctx, func(tx *sql.Tx) error {
		id, err := d.createItem(ctx, tx, campaignID, in)
		if err != nil {
			return err
		}
		if err := d.refresh(ctx, tx, []int64{id}); err != nil {
			return err
		}
		out, err = d.findItem(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// createItem is CreateItem's unit of work, reused by the spreadsheet
// import so that a whole file lands in one transaction. The caller
// refreshes the figures (the import once for the whole sheet).
func (d *DB) createItem(ctx context.Context, tx *sql.Tx, campaignID int64, in shishi.ItemInput) (int64, error) {
	// The campaign's settings only: counting its items here would make
	// every new item cost more as the list grows.
	c, err := d.campaignSettings(ctx, on(ctx, tx), campaignID)
	if err != nil {
		return 0, err
	}
	if ok, err := d.isOffice(ctx, on(ctx, tx), campaignID); err != nil {
		return 0, err
	} else if !ok {
		return 0, shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以编制清单 / only the campaign office adds items")
	}
	var tierOK int
	if err := on(ctx, tx).QueryRowContext(ctx, `SELECT count(*) FROM tiers WHERE id = $1 AND campaign_id = $2`, in.TierID, campaignID).Scan(&tierOK); err != nil {
		return 0, shishi.Internal(err)
	}
	if tierOK == 0 {
		return 0, shishi.Invalid(shishi.FieldError{Field: "tier_id", Message: "清单层级不属于本活动 / the tier is not one of this campaign's"})
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	if _, err := d.findUnit(sys, on(ctx, tx), in.LeadUnitID); err != nil {
		return 0, shishi.Invalid(shishi.FieldError{Field: "lead_unit_id", Message: "牵头单位不存在 / lead unit not found"})
	}
	for _, u := range in.CoopUnitIDs {
		if _, err := d.findUnit(sys, on(ctx, tx), u); err != nil {
			return 0, shishi.Invalid(shishi.FieldError{Field: "coop_unit_ids", Message: "配合单位不存在 / cooperating unit not found"})
		}
	}
	if in.ParentID != nil {
		var pc int64
		if err := on(ctx, tx).QueryRowContext(ctx, `SELECT campaign_id FROM items WHERE id = $1`, *in.ParentID).Scan(&pc); err != nil || pc != campaignID {
			return 0, shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "上级事项不属于本活动 / the parent item is not in this campaign"})
		}
	}
	now := d.now()
	var id int64
	err = on(ctx, tx).QueryRowContext(ctx, `INSERT INTO items (campaign_id, tier_id, parent_id, code, title, description, leader_name, lead_unit_id, deadline, public, status, report_from, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		campaignID, in.TierID, in.ParentID, in.Code, in.Title, in.Description, in.LeaderName, in.LeadUnitID, string(in.Deadline), in.Public,
		string(shishi.StatusDraft), string(c.StartsOn.Period()), now).Scan(&id)
	if isUnique(err) {
		return 0, shishi.Invalid(shishi.FieldError{Field: "code", Message: "事项编号在本活动中已被使用 / code already used in this campaign"})
	} else if err != nil {
		return 0, shishi.Internal(err)
	}
	for _, u := range in.CoopUnitIDs {
		if _, err := on(ctx, tx).ExecContext(ctx, `INSERT INTO item_units (item_id, unit_id) VALUES ($1, $2)`, id, u); err != nil {
			return 0, shishi.Internal(err)
		}
	}
	for i, t := range in.Targets {
		var tid int64
		if err := on(ctx, tx).QueryRowContext(ctx, `INSERT INTO targets (item_id, position, name, kind, unit, baseline, target, down, weight, plan) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			id, i+1, t.Name, string(t.Kind), t.Unit, int64(t.Baseline), int64(t.Target), t.Down, t.Weight, foldPlan(t.Plan)).Scan(&tid); err != nil {
			return 0, shishi.Internal(err)
		}
		for j, m := range t.Milestones {
			if _, err := on(ctx, tx).ExecContext(ctx, `INSERT INTO milestones (target_id, position, title, due, done_on) VALUES ($1, $2, $3, $4, $5)`, tid, j+1, m.Title, string(m.Due), string(m.DoneOn)); err != nil {
				return 0, shishi.Internal(err)
			}
		}
	}
	if err := d.itemEvent(ctx, tx, id, "create", "", string(shishi.StatusDraft), ""); err != nil {
		return 0, err
	}
	return id, d.appendAudit(ctx, tx, "item.create", "item", id, &in.LeadUnitID, map[string]any{"campaign": campaignID, "code": in.Code, "title": in.Title})
}

func (d *DB) itemEvent(ctx context.Context, tx *sql.Tx, itemID int64, action, from, to, note string) error {
	a := shishi.ActorFrom(ctx)
	login := "anonymous"
	if a != nil {
		login = a.Login
	}
	if _, err := on(ctx, tx).ExecContext(ctx, `INSERT INTO item_events (item_id, at, actor, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		itemID, d.now(), login, action, from, to, note); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// canOperate reports whether the actor acts for the item's lead unit (an
// operator or leader over it) or runs its campaign.
func (d *DB) canOperate(ctx context.Context, db queryer, it *shishi.Item) (bool, error) {
	if ok, err := d.isOffice(ctx, db, it.CampaignID); err != nil || ok {
		return ok, err
	}
	var q args
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.id = `+q.add(it.LeadUnit.ID)+` AND `+
		reach(shishi.ActorFrom(ctx), "u.path", &q, shishi.RoleOperator, shishi.RoleLeader), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// errItemStale: the item changed since the caller read it (If-Match).
var errItemStale = shishi.Errorf(shishi.EPRECONDITION, "事项已被他人修改，请刷新后重试 / the item was changed by someone else; reload and retry")

// TransitionItem implements shishi.ItemService.
func (d *DB) TransitionItem(ctx context.Context, id int64, action, note string, version int64) (*shishi.Item, error) {
	var out *shishi.Item
	err := d.tx(ctx, func(tx *sql.Tx) error {
		it, err := d.findItem(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != it.Version {
			return errItemStale
		}
		t, err := shishi.TransitionByAction(action)
		if err != nil {
			return err
		}
		var allowed bool
		if t.ByOffice {
			allowed, err = d.isOffice(ctx, tx, it.CampaignID)
		} else {
			allowed, err = d.canOperate(ctx, tx, it)
		}
		if err != nil {
			return err
		}
		if !allowed {
			return shishi.Errorf(shishi.EFORBIDDEN, "无权执行该操作 / not allowed to %s this item", action)
		}
		if t, err = shishi.FindTransition(action, it.Status); err != nil {
			return err
		}
		var v shishi.Validator
		if t.NeedsNote {
			v.Check(len([]rune(note)) >= 2 && len([]rune(note)) <= 2000, "note", "请填写说明（2–2000 字）/ a note of 2–2000 characters is required")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if t.To == shishi.StatusClosed {
			if err := d.checkSatisfaction(ctx, tx, it); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE items SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND status = $4 AND version = $5`,
			string(t.To), d.now(), id, string(it.Status), it.Version)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if version != 0 {
				return errItemStale
			}
			return shishi.Errorf(shishi.ECONFLICT, "事项状态已变化，请刷新 / the item changed meanwhile; reload")
		}
		if err := d.itemEvent(ctx, tx, id, action, string(it.Status), string(t.To), note); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "item."+action, "item", id, &it.LeadUnit.ID, map[string]string{"from": string(it.Status), "to": string(t.To), "note": note}); err != nil {
			return err
		}
		if err := d.refresh(ctx, tx, []int64{id}); err != nil {
			return err
		}
		out, err = d.findItem(ctx, tx, id)
		return err
	})
	return out, err
}

// ItemHistory implements shishi.ItemService.
func (d *DB) ItemHistory(ctx context.Context, id int64, p shishi.Page) ([]shishi.ItemEvent, int, error) {
	if _, err := d.FindItem(ctx, id); err != nil {
		return nil, 0, err
	}
	q := args{id}
	const from = ` FROM item_events WHERE item_id = $1`
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("id", true).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, action, from_status, to_status, note`+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []shishi.ItemEvent{}
	for rows.Next() {
		var e shishi.ItemEvent
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			return nil, 0, shishi.Internal(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// UpdateTarget implements shishi.ItemService: the office changes a target's
// value, plan or milestones (marking steps done) on an item that is not
// closed; the item's figures are re-derived in the same transaction.
func (d *DB) UpdateTarget(ctx context.Context, itemID, targetID int64, in shishi.TargetInput) (*shishi.Item, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Item
	err := d.tx(ctx, func(tx *sql.Tx) error {
		it, err := d.findItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if ok, err := d.isOffice(ctx, tx, it.CampaignID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以调整指标 / only the campaign office changes targets")
		}
		if it.Status == shishi.StatusClosed {
			return shishi.Errorf(shishi.ECONFLICT, "事项已销号，不能调整指标 / a closed item's targets stay")
		}
		var old *shishi.Target
		for i := range it.Targets {
			if it.Targets[i].ID == targetID {
				old = &it.Targets[i]
			}
		}
		if old == nil {
			return shishi.Errorf(shishi.ENOTFOUND, "事项没有该指标 / item %d has no target %d", itemID, targetID)
		}
		if old.Kind != in.Kind {
			return shishi.Invalid(shishi.FieldError{Field: "target.kind", Message: "指标类型不能更改 / a target's kind stays"})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET name = $1, unit = $2, baseline = $3, target = $4, down = $5, weight = $6, plan = $7 WHERE id = $8`,
			in.Name, in.Unit, int64(in.Baseline), int64(in.Target), in.Down, in.Weight, foldPlan(in.Plan), targetID); err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM milestones WHERE target_id = $1`, targetID); err != nil {
			return shishi.Internal(err)
		}
		for j, m := range in.Milestones {
			if _, err := tx.ExecContext(ctx, `INSERT INTO milestones (target_id, position, title, due, done_on) VALUES ($1, $2, $3, $4, $5)`, targetID, j+1, m.Title, string(m.Due), string(m.DoneOn)); err != nil {
				return shishi.Internal(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET version = version + 1, updated_at = $1 WHERE id = $2`, d.now(), itemID); err != nil {
			return shishi.Internal(err)
		}
		if err := d.itemEvent(ctx, tx, itemID, "target", "", "", in.Name); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "item.target", "item", itemID, &it.LeadUnit.ID, map[string]any{"target": targetID, "input": in}); err != nil {
			return err
		}
		if err := d.refresh(ctx, tx, []int64{itemID}); err != nil {
			return err
		}
		out, err = d.findItem(ctx, tx, itemID)
		return err
	})
	return out, err
}
