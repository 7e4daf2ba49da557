package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/shishi-edu/shishi"
)

const nominationCols = `n.id, n.code, n.campaign_id, c.name, n.title, n.body, n.status, n.reason, coalesce(m.code, ''), n.item_id, n.supporters, n.created_at, n.updated_at
	FROM nominations n JOIN campaigns c ON c.id = n.campaign_id JOIN units cu ON cu.id = c.unit_id LEFT JOIN nominations m ON m.id = n.merged_into `

func (d *DB) scanNominations(ctx context.Context, db queryer, where string, q args) ([]*shishi.Nomination, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+nominationCols+where, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Nomination{}
	for rows.Next() {
		var n shishi.Nomination
		var item sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Code, &n.CampaignID, &n.CampaignName, &n.Title, &n.Body, &n.Status, &n.Reason, &n.MergedInto, &item, &n.Supporters, &n.CreatedAt, &n.UpdatedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		if item.Valid {
			n.ItemID = &item.Int64
		}
		n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
		out = append(out, &n)
	}
	return out, rows.Err()
}

// Nominate implements shishi.NominationService. Like ratings, the
// throttle is counted in the database and survives a restart.
func (d *DB) Nominate(ctx context.Context, client string, in shishi.NominationInput) (*shishi.Nomination, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	key, err := d.clientKey(client)
	if err != nil {
		return nil, err
	}
	var out *shishi.Nomination
	err = d.tx(ctx, func(tx *sql.Tx) error {
		var unit int64
		if err := tx.QueryRowContext(ctx, `SELECT c.unit_id FROM campaigns c WHERE c.id = $1 AND EXISTS (SELECT 1 FROM items i WHERE i.campaign_id = c.id AND i.public = $2)`,
			in.CampaignID, true).Scan(&unit); err != nil {
			return shishi.Invalid(shishi.FieldError{Field: "campaign_id", Message: "没有这个实践活动 / no such campaign"})
		}
		now := d.now()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM nominations WHERE client = $1 AND created_at > $2`, key, now.Add(-24*time.Hour)).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if n >= shishi.NominationsPerDay {
			return shishi.Errorf(shishi.ETOOMANY, "今天的点单次数已达上限，请明天再试 / too many proposals from you today; try again tomorrow")
		}
		code := "DD" + randomCode(10)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO nominations (code, campaign_id, title, body, status, client, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, code, in.CampaignID, in.Title, in.Body, string(shishi.NominationReceived), key, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "nomination.create", "nomination", id, &unit, map[string]any{"campaign": in.CampaignID, "title": in.Title}); err != nil {
			return err
		}
		var q args
		ns, err := d.scanNominations(ctx, tx, `WHERE n.id = `+q.add(id), q)
		if err == nil {
			out = ns[0]
		}
		return err
	})
	return out, err
}

// TrackNomination implements shishi.NominationService.
func (d *DB) TrackNomination(ctx context.Context, code string) (*shishi.Nomination, error) {
	var q args
	ns, err := d.scanNominations(ctx, d.read(), `WHERE n.code = `+q.add(normCode(code)), q)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "查询码不存在 / no proposal with this code")
	}
	return ns[0], nil
}

// FindNominations implements shishi.NominationService.
func (d *DB) FindNominations(ctx context.Context) ([]*shishi.Nomination, error) {
	var q args
	waiting := q.add(string(shishi.NominationReceived))
	return d.scanNominations(ctx, d.read(), `WHERE `+reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice)+
		` ORDER BY CASE WHEN n.status = `+waiting+` THEN 0 ELSE 1 END, n.id DESC LIMIT 500`, q)
}

// ListNominations implements shishi.NominationService.
func (d *DB) ListNominations(ctx context.Context, f shishi.NominationFilter, p shishi.Page) ([]*shishi.Nomination, int, error) {
	var q args
	where := `WHERE ` + reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice)
	if f.CampaignID > 0 {
		where += ` AND n.campaign_id = ` + q.add(f.CampaignID)
	}
	if f.Status != "" {
		where += ` AND n.status = ` + q.add(string(f.Status))
	}
	total, err := count(ctx, d.db, `FROM nominations n JOIN campaigns c ON c.id = n.campaign_id JOIN units cu ON cu.id = c.unit_id `+where, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("n.id", true).page(p, &q)
	ns, err := d.scanNominations(ctx, d.db, where+cond+tail, q)
	return ns, total, err
}

// TriageNomination implements shishi.NominationService.
func (d *DB) TriageNomination(ctx context.Context, id int64, t shishi.NominationTriage) (*shishi.Nomination, error) {
	var out *shishi.Nomination
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var q args
		ns, err := d.scanNominations(ctx, tx, `WHERE n.id = `+q.add(id)+` AND `+reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice), q)
		if err != nil {
			return err
		}
		if len(ns) == 0 {
			return shishi.Errorf(shishi.ENOTFOUND, "点单不存在 / proposal %d not found", id)
		}
		n := ns[0]
		if n.Status != shishi.NominationReceived {
			return shishi.Errorf(shishi.ECONFLICT, "该点单已处理 / the proposal has been decided")
		}
		c, err := d.findCampaign(ctx, tx, n.CampaignID)
		if err != nil {
			return err
		}
		if ok, err := d.isOffice(ctx, tx, c.ID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以处理群众点单 / only the campaign office decides proposals")
		}
		now := d.now()
		switch t.Action {
		case "merge":
			var target int64
			var status string
			err := tx.QueryRowContext(ctx, `SELECT id, status FROM nominations WHERE id = $1 AND campaign_id = $2`, t.Into, n.CampaignID).Scan(&target, &status)
			if err != nil || target == n.ID || shishi.NominationStatus(status) == shishi.NominationMerged {
				return shishi.Invalid(shishi.FieldError{Field: "into", Message: "请选择同一活动中另一条未合并的点单 / choose another unmerged proposal of the campaign"})
			}
			if _, err := tx.ExecContext(ctx, `UPDATE nominations SET supporters = supporters + $1, updated_at = $2 WHERE id = $3`, n.Supporters, now, target); err != nil {
				return shishi.Internal(err)
			}
			_, err = tx.ExecContext(ctx, `UPDATE nominations SET status = $1, merged_into = $2, updated_at = $3 WHERE id = $4`, string(shishi.NominationMerged), target, now, id)
			if err != nil {
				return shishi.Internal(err)
			}
		case "decline":
			if r := []rune(t.Reason); len(r) < 2 || len(r) > 1000 {
				return shishi.Invalid(shishi.FieldError{Field: "reason", Message: "请说明不予采纳的理由（2–1000 字）/ give a reason of 2–1000 characters"})
			}
			if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = $1, reason = $2, updated_at = $3 WHERE id = $4`, string(shishi.NominationDeclined), t.Reason, now, id); err != nil {
				return shishi.Internal(err)
			}
		case "adopt":
			in := shishi.ItemInput{TierID: t.TierID, Title: n.Title, Description: n.Body + "\n（来自群众点单 " + n.Code + "）", LeadUnitID: t.LeadUnitID, Deadline: c.EndsOn, Public: true}
			if err := in.Validate(); err != nil {
				return err
			}
			item, err := d.createItem(ctx, tx, c.ID, in)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = $1, item_id = $2, reason = $3, updated_at = $4 WHERE id = $5`,
				string(shishi.NominationAdopted), item, t.Reason, now, id); err != nil {
				return shishi.Internal(err)
			}
		default:
			return shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
		}
		if err := d.appendAudit(ctx, tx, "nomination."+t.Action, "nomination", id, &c.UnitID, t); err != nil {
			return err
		}
		var q2 args
		ns, err = d.scanNominations(ctx, tx, `WHERE n.id = `+q2.add(id), q2)
		if err == nil {
			out = ns[0]
		}
		return err
	})
	return out, err
}

var _ shishi.NominationService = (*DB)(nil)
