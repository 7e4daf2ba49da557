package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/shishi-edu/shishi"
)

// FileReport implements shishi.ReportService. The first report of an
// approved item starts it (approved → in progress).
func (d *DB) FileReport(ctx context.Context, itemID int64, in shishi.ReportInput) (*shishi.Report, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Report
	err := d.tx(ctx, func(tx *sql.Tx) error {
		it, err := d.findItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if ok, err := d.canOperate(ctx, tx, it); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有牵头单位填报员或活动办可以填报进展 / only the lead unit's operator or the office files reports")
		}
		if it.Status != shishi.StatusApproved && it.Status != shishi.StatusInProgress {
			return shishi.Errorf(shishi.ECONFLICT, "事项状态为“%s”，不能填报 / an item that is %s takes no reports", it.Status.Label(false), it.Status)
		}
		c, err := d.campaignSettings(ctx, tx, it.CampaignID)
		if err != nil {
			return err
		}
		today := shishi.DateOf(d.Now())
		var v shishi.Validator
		v.Check(in.Period >= c.StartsOn.Period() && in.Period.Start() <= today, "period", "填报月份须在活动开始之后且不晚于本月 / the month must be within the campaign and not in the future")
		quantity := map[int64]shishi.Target{}
		for _, t := range it.Targets {
			if t.Kind == shishi.TargetQuantity {
				quantity[t.ID] = t
			}
		}
		for i, x := range in.Values {
			t, ok := quantity[x.TargetID]
			f := fmt.Sprintf("values[%d]", i)
			if !ok {
				v.Add(f+".target_id", "不是本事项的数量指标 / not a quantity target of this item")
				continue
			}
			if x.Value < 0 && !t.Down {
				v.Add(f+".value", "数值不能为负 / must not be negative")
			}
		}
		var last int
		var lastStatus string
		err = tx.QueryRowContext(ctx, `SELECT version, status FROM reports WHERE item_id = $1 AND period = $2 ORDER BY version DESC LIMIT 1`, itemID, string(in.Period)).Scan(&last, &lastStatus)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return shishi.Internal(err)
		}
		if last > 0 && len([]rune(in.Reason)) < 2 {
			v.Add("reason", "本月已填报，更正须说明原因 / this month is reported already: a correction needs a reason")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := d.now()
		late := today > in.Period.DueDate(c.ReportDue)
		a := shishi.ActorFrom(ctx)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO reports (item_id, period, version, narrative, reason, status, submitted_by, submitted_at, late)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			itemID, string(in.Period), last+1, in.Narrative, in.Reason, string(shishi.ReportSubmitted), a.Login, now, late).Scan(&id); err != nil {
			if isUnique(err) {
				return shishi.Errorf(shishi.ECONFLICT, "同一月份的报告正在被他人提交，请重试 / another version of this month was just filed; retry")
			}
			return shishi.Internal(err)
		}
		for _, x := range in.Values {
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_values (report_id, target_id, value) VALUES ($1, $2, $3)`, id, x.TargetID, int64(x.Value)); err != nil {
				return shishi.Internal(err)
			}
		}
		if it.Status == shishi.StatusApproved {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3`, string(shishi.StatusInProgress), now, itemID); err != nil {
				return shishi.Internal(err)
			}
			if err := d.itemEvent(ctx, tx, itemID, "start", string(shishi.StatusApproved), string(shishi.StatusInProgress), "首次填报 / first report"); err != nil {
				return err
			}
		}
		if err := d.appendAudit(ctx, tx, "report.file", "report", id, &it.LeadUnit.ID, map[string]any{"item": itemID, "period": in.Period, "version": last + 1, "values": in.Values}); err != nil {
			return err
		}
		if err := d.refresh(ctx, tx, []int64{itemID}); err != nil {
			return err
		}
		out, err = d.findReport(ctx, tx, id)
		return err
	})
	return out, err
}

const reportCols = `r.id, r.item_id, i.title, r.period, r.version, r.narrative, r.reason, r.status, r.review_comment, r.reviewed_by, r.reviewed_at, r.submitted_by, r.submitted_at, r.late`

func (d *DB) scanReports(ctx context.Context, db queryer, query string, q args) ([]*shishi.Report, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	var out []*shishi.Report
	byID := map[int64]*shishi.Report{}
	for rows.Next() {
		var r shishi.Report
		var reviewed sql.NullTime
		if err := rows.Scan(&r.ID, &r.ItemID, &r.ItemTitle, &r.Period, &r.Version, &r.Narrative, &r.Reason, &r.Status, &r.ReviewComment, &r.ReviewedBy, &reviewed, &r.SubmittedBy, &r.SubmittedAt, &r.Late); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		r.ReviewedAt, r.SubmittedAt, r.Values = nullTime(reviewed), r.SubmittedAt.UTC(), []shishi.ReportValue{}
		out = append(out, &r)
		byID[r.ID] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	var vq args
	ids := make([]int64, 0, len(out))
	for _, r := range out {
		ids = append(ids, r.ID)
	}
	vrows, err := db.QueryContext(ctx, `SELECT rv.report_id, rv.target_id, rv.value FROM report_values rv JOIN targets t ON t.id = rv.target_id
		WHERE rv.report_id IN `+inList(&vq, ids)+` ORDER BY rv.report_id, t.position`, vq...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer vrows.Close()
	for vrows.Next() {
		var id int64
		var v shishi.ReportValue
		if err := vrows.Scan(&id, &v.TargetID, &v.Value); err != nil {
			return nil, shishi.Internal(err)
		}
		byID[id].Values = append(byID[id].Values, v)
	}
	return out, vrows.Err()
}

func (d *DB) findReport(ctx context.Context, db queryer, id int64) (*shishi.Report, error) {
	var q args
	rs, err := d.scanReports(ctx, db, `SELECT `+reportCols+itemFromReports+`WHERE r.id = `+q.add(id)+` AND `+staffItemReach(d.postgres, shishi.ActorFrom(ctx), &q), q)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "报告不存在或无权访问 / report %d not found", id)
	}
	return rs[0], nil
}

const itemFromReports = ` FROM reports r JOIN items i ON i.id = r.item_id JOIN campaigns c ON c.id = i.campaign_id JOIN units cu ON cu.id = c.unit_id
	JOIN units lu ON lu.id = i.lead_unit_id `

// FindReports implements shishi.ReportService. The public sees no report
// text: report reach is the item's reach without the public exception.
func (d *DB) FindReports(ctx context.Context, f shishi.ReportFilter) ([]*shishi.Report, int, error) {
	var q args
	a := shishi.ActorFrom(ctx)
	where := staffItemReach(d.postgres, a, &q)
	if f.CampaignID > 0 {
		where += " AND i.campaign_id = " + q.add(f.CampaignID)
	}
	if f.ItemID > 0 {
		where += " AND r.item_id = " + q.add(f.ItemID)
	}
	if f.Status != "" {
		where += " AND r.status = " + q.add(string(f.Status))
	}
	total, err := count(ctx, d.read(), itemFromReports+`WHERE `+where, q)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	cond, tail := reportOrder.page(shishi.Page{After: f.After, Limit: f.Limit}, &q)
	rs, err := d.scanReports(ctx, d.read(), `SELECT `+reportCols+itemFromReports+`WHERE `+where+cond+tail, q)
	if rs == nil {
		rs = []*shishi.Report{}
	}
	return rs, total, err
}

// reportOrder lists the newest period first, the newest version of a
// period before older ones.
var reportOrder = order{cols: []string{"r.period", "r.version", "r.id"}, table: "reports", keys: []string{"period", "version", "id"}, desc: true}

// staffItemReach is itemReach without public items.
func staffItemReach(pg bool, a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	return "(i.campaign_id IN (SELECT rc.id FROM campaigns rc WHERE rc.unit_id IN " + unitsReached(pg, a, q, campaignWide...) + ")" +
		" OR i.lead_unit_id IN " + unitsReached(pg, a, q) +
		" OR i.id IN (SELECT iu.item_id FROM item_units iu WHERE iu.unit_id IN " + unitsReached(pg, a, q) + "))"
}

// ReviewReport implements shishi.ReportService.
func (d *DB) ReviewReport(ctx context.Context, reportID int64, accept bool, comment string) (*shishi.Report, error) {
	var out *shishi.Report
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := d.findReport(ctx, tx, reportID)
		if err != nil {
			return err
		}
		var campaignID, leadUnit int64
		if err := tx.QueryRowContext(ctx, `SELECT campaign_id, lead_unit_id FROM items WHERE id = $1`, r.ItemID).Scan(&campaignID, &leadUnit); err != nil {
			return shishi.Internal(err)
		}
		if ok, err := d.isOffice(ctx, tx, campaignID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以审核进展 / only the campaign office reviews reports")
		}
		if r.Status != shishi.ReportSubmitted {
			return shishi.Errorf(shishi.ECONFLICT, "该报告已审核 / the report has been reviewed already")
		}
		var newer int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE item_id = $1 AND period = $2 AND version > $3`, r.ItemID, string(r.Period), r.Version).Scan(&newer); err != nil {
			return shishi.Internal(err)
		}
		if newer > 0 {
			return shishi.Errorf(shishi.ECONFLICT, "该报告已有更正版本，请审核最新版本 / a newer version exists; review that one")
		}
		status := shishi.ReportAccepted
		if !accept {
			status = shishi.ReportReturned
			if len([]rune(comment)) < 2 {
				return shishi.Invalid(shishi.FieldError{Field: "comment", Message: "退回须说明原因 / a return needs a comment"})
			}
		}
		if len([]rune(comment)) > 2000 {
			return shishi.Invalid(shishi.FieldError{Field: "comment", Message: "意见不能超过 2000 字 / at most 2000 characters"})
		}
		a := shishi.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5`,
			string(status), comment, a.Login, d.now(), reportID); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "report.review", "report", reportID, &leadUnit, map[string]string{"status": string(status), "comment": comment}); err != nil {
			return err
		}
		if err := d.refresh(ctx, tx, []int64{r.ItemID}); err != nil {
			return err
		}
		out, err = d.findReport(ctx, tx, reportID)
		return err
	})
	return out, err
}
