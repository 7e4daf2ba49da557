package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Floors implements shishi.ComplaintService.
func (d *DB) Floors(ctx context.Context) (shishi.ComplaintFloors, error) {
	var f shishi.ComplaintFloors
	err := d.read().QueryRowContext(ctx, `SELECT on_time_floor, reply_floor, satisfaction_floor, version FROM complaint_settings WHERE id = 1`).Scan(&f.OnTime, &f.Reply, &f.Satisfaction, &f.Version)
	if err != nil {
		return f, shishi.Internal(err)
	}
	return f, nil
}

// SaveFloors implements shishi.ComplaintService.
func (d *DB) SaveFloors(ctx context.Context, f shishi.ComplaintFloors, version int64) error {
	if err := f.Validate(); err != nil {
		return err
	}
	ok, err := d.topDesk(ctx, shishi.ActorFrom(ctx))
	if err != nil {
		return err
	}
	if !ok {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办或举报受理机构可以设定考核底线 / only the office or the desk sets the floors")
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE complaint_settings SET on_time_floor = $1, reply_floor = $2, satisfaction_floor = $3, version = version + 1
			WHERE id = 1 AND ($4 = 0 OR version = $4)`, f.OnTime, f.Reply, f.Satisfaction, version)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.EPRECONDITION, "考核底线已被他人修改，请刷新后重试 / the floors were changed by someone else; reload and retry")
		}
		return d.appendAudit(ctx, tx, "complaint.floors", "complaint_settings", 1, nil, f)
	})
}

// Stats implements shishi.ComplaintService: one grouped query over the
// cases received in the period that the actor may read, summed per unit
// the cases were dispatched to.
func (d *DB) Stats(ctx context.Context, from, to shishi.Date) (*shishi.ComplaintStats, error) {
	var v shishi.Validator
	v.Check(from.Valid(), "from", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(to.Valid(), "to", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if to < from {
		return nil, shishi.Invalid(shishi.FieldError{Field: "to", Message: "结束日期早于开始日期 / ends before it starts"})
	}
	floors, err := d.Floors(ctx)
	if err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	var q args
	today := q.add(string(d.today()))
	tru, part := q.add(string(shishi.ConclusionTrue)), q.add(string(shishi.ConclusionPartial))
	sat, basic := q.add(int(shishi.RatingSatisfied)), q.add(int(shishi.RatingBasic))
	yes := q.add(true)
	timed := make([]string, 0, 6)
	for _, s := range shishi.ComplaintStatuses {
		if s.UnitPhase() {
			timed = append(timed, q.add(string(s)))
		}
	}
	unitPhase := "c.status IN (" + strings.Join(timed, ", ") + ")"
	start := q.add(from.Time().In(shishi.Beijing).Add(-8 * time.Hour).UTC())
	end := q.add(to.Time().AddDate(0, 0, 1).Add(-8 * time.Hour).UTC())
	query := `SELECT c.assigned_unit_id, au.name, c.category, count(*),
		sum(CASE WHEN c.concluded_at IS NOT NULL THEN 1 ELSE 0 END),
		sum(CASE WHEN c.on_time = ` + yes + ` THEN 1 ELSE 0 END),
		sum(CASE WHEN c.concluded_at IS NOT NULL OR (` + unitPhase + ` AND c.deadline < ` + today + `) THEN 1 ELSE 0 END),
		sum(CASE WHEN c.concluded_at IS NOT NULL AND c.replied_at IS NOT NULL THEN 1 ELSE 0 END),
		sum(CASE WHEN c.concluded_at IS NOT NULL AND c.conclusion IN (` + tru + `, ` + part + `) THEN 1 ELSE 0 END),
		sum(CASE WHEN c.rating > 0 THEN 1 ELSE 0 END),
		sum(CASE WHEN c.rating IN (` + sat + `, ` + basic + `) THEN 1 ELSE 0 END),
		sum(CASE WHEN ` + unitPhase + ` AND c.deadline < ` + today + ` THEN 1 ELSE 0 END)` + complaintFrom +
		` WHERE c.received_at >= ` + start + ` AND c.received_at < ` + end + ` AND c.status <> ` + q.add(string(shishi.ComplaintMerged)) +
		` AND ` + complaintRead(a, &q) + ` GROUP BY c.assigned_unit_id, au.name, c.category`
	rows, err := d.read().QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	st := &shishi.ComplaintStats{From: from, To: to, Floors: floors, ByCategory: map[string]int{}}
	st.Total.ByCategory = map[string]int{}
	units := map[int64]*shishi.UnitStats{}
	for rows.Next() {
		var unit sql.NullInt64
		var name sql.NullString
		var cat string
		var x shishi.UnitStats
		if err := rows.Scan(&unit, &name, &cat, &x.Total, &x.Concluded, &x.OnTime, &x.Due, &x.Replied, &x.True, &x.Rated, &x.Satisfied, &x.Overdue); err != nil {
			return nil, shishi.Internal(err)
		}
		st.ByCategory[cat] += x.Total
		add(&st.Total, &x, cat)
		if !unit.Valid {
			continue // not dispatched yet: counted in the totals only
		}
		u := units[unit.Int64]
		if u == nil {
			u = &shishi.UnitStats{Unit: shishi.UnitRef{ID: unit.Int64, Name: name.String}, ByCategory: map[string]int{}}
			units[unit.Int64] = u
		}
		add(u, &x, cat)
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	st.Total.Rates(floors)
	for _, u := range units {
		u.Rates(floors)
		st.Units = append(st.Units, u)
	}
	// The league table: fewest floors missed first, then the best
	// satisfaction and on-time rates, then volume.
	rate := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	sort.Slice(st.Units, func(i, j int) bool {
		a, b := st.Units[i], st.Units[j]
		if len(a.Below) != len(b.Below) {
			return len(a.Below) < len(b.Below)
		}
		if rate(a.SatisfactionRate) != rate(b.SatisfactionRate) {
			return rate(a.SatisfactionRate) > rate(b.SatisfactionRate)
		}
		if rate(a.OnTimeRate) != rate(b.OnTimeRate) {
			return rate(a.OnTimeRate) > rate(b.OnTimeRate)
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.Unit.ID < b.Unit.ID
	})
	if st.Units == nil {
		st.Units = []*shishi.UnitStats{}
	}
	return st, nil
}

func add(u, x *shishi.UnitStats, cat string) {
	u.Total += x.Total
	u.ByCategory[cat] += x.Total
	u.Concluded += x.Concluded
	u.OnTime += x.OnTime
	u.Due += x.Due
	u.Replied += x.Replied
	u.True += x.True
	u.Rated += x.Rated
	u.Satisfied += x.Satisfied
	u.Overdue += x.Overdue
}

// Duplicates implements shishi.ComplaintService: recent cases about the
// same unit whose text is similar (character bigrams), most similar first.
func (d *DB) Duplicates(ctx context.Context, id int64) ([]*shishi.Duplicate, error) {
	r, err := d.findComplaint(ctx, d.read(), id, false)
	if err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	var q args
	rows, err := d.read().QueryContext(ctx, `SELECT c.id, c.code, c.status, c.body, c.received_at`+complaintFrom+
		` WHERE c.unit_id = `+q.add(r.Unit.ID)+` AND c.id <> `+q.add(id)+` AND c.status NOT IN (`+q.add(string(shishi.ComplaintMerged))+`, `+
		q.add(string(shishi.ComplaintDeclined))+`) AND c.received_at > `+q.add(r.ReceivedAt.AddDate(0, 0, -180))+
		` AND `+complaintRead(a, &q)+` ORDER BY c.id DESC LIMIT 500`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Duplicate{}
	for rows.Next() {
		var x shishi.Duplicate
		var status, body string
		if err := rows.Scan(&x.ID, &x.Code, &status, &body, &x.ReceivedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		x.Similarity = shishi.Round2(shishi.Similarity(r.Body, body))
		if x.Similarity < shishi.DuplicateThreshold {
			continue
		}
		x.Status, x.ReceivedAt = shishi.ComplaintStatus(status), x.ReceivedAt.UTC()
		x.Summary = (&shishi.Complaint{Body: body}).Summary(60)
		out = append(out, &x)
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Similarity > out[j].Similarity })
	if len(out) > 10 {
		out = out[:10]
	}
	return out, nil
}

// SweepComplaints implements shishi.ComplaintService. Run daily: a case
// with its unit that turned yellow gets a reminder (催办) to the unit; one
// that turned red is escalated to the parent unit and the desk, once per
// deadline; a desk-side case past its deadline reminds the desk's handlers.
func (d *DB) SweepComplaints(ctx context.Context) (int, error) {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	today := d.today()
	var q args
	timed := make([]string, 0, 6)
	for _, s := range shishi.ComplaintStatuses {
		if s.Timed() {
			timed = append(timed, q.add(string(s)))
		}
	}
	t := q.add(string(today))
	rows, err := d.read().QueryContext(ctx, `SELECT c.id, c.code, c.status, c.deadline, c.desk_unit_id, c.assigned_unit_id, au.parent_id, au.name,
		c.escalated_at IS NOT NULL FROM complaints c LEFT JOIN units au ON au.id = c.assigned_unit_id
		WHERE c.status IN (`+strings.Join(timed, ", ")+`) AND c.deadline <> '' AND c.warn_from < `+t+` ORDER BY c.id`, q...)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	type due struct {
		id               int64
		code, status, dl string
		desk             int64
		unit, parent     sql.NullInt64
		unitName         sql.NullString
		escalated        bool
	}
	var ds []due
	for rows.Next() {
		var x due
		if err := rows.Scan(&x.id, &x.code, &x.status, &x.dl, &x.desk, &x.unit, &x.parent, &x.unitName, &x.escalated); err != nil {
			rows.Close()
			return 0, shishi.Internal(err)
		}
		ds = append(ds, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, shishi.Internal(err)
	}
	sent := 0
	for _, x := range ds {
		red := string(today) > x.dl
		unitPhase := shishi.ComplaintStatus(x.status).UnitPhase() && x.unit.Valid
		err := d.tx(ctx, func(tx *sql.Tx) error {
			n := 0
			var err error
			switch {
			case unitPhase && !red:
				n, err = d.notifyUnit(ctx, tx, x.unit.Int64, x.id, "催办："+x.code+" 将于 "+x.dl+" 到期，请抓紧办理 / due soon", "complaint-remind:"+itoa(int(x.id))+":"+x.dl)
			case unitPhase && red && !x.escalated:
				// Escalate: the parent unit and the desk hear of it, once.
				text := "超期督办：" + x.unitName.String + " 承办的 " + x.code + " 已于 " + x.dl + " 到期未办结 / overdue, escalated"
				if x.parent.Valid {
					m, err := d.notifyUnit(ctx, tx, x.parent.Int64, x.id, text, "complaint-escalate:"+itoa(int(x.id))+":"+x.dl)
					if err != nil {
						return err
					}
					n += m
				}
				if _, err := d.notifyUnit(ctx, tx, x.unit.Int64, x.id, "已超期："+x.code+"（"+x.dl+"），已报上级督办 / overdue, escalated", "complaint-overdue:"+itoa(int(x.id))+":"+x.dl); err != nil {
					return err
				}
				hs, err := d.staffAt(ctx, tx, x.desk, shishi.RoleHandler)
				if err != nil {
					return err
				}
				for _, u := range hs {
					if ok, err := d.notifyCase(ctx, tx, u, "complaint", x.id, text, "complaint-escalate:"+itoa(int(x.id))+":"+x.dl); err != nil {
						return err
					} else if ok {
						n++
					}
				}
				if _, err := tx.ExecContext(ctx, `UPDATE complaints SET escalated_at = $1 WHERE id = $2`, d.now(), x.id); err != nil {
					return shishi.Internal(err)
				}
				var parent *int64
				if x.parent.Valid {
					parent = &x.parent.Int64
				}
				if err := d.complaintEvent(ctx, tx, x.id, "system", "escalate", false, "超期，报上级单位督办 / overdue: escalated to the parent unit", parent); err != nil {
					return err
				}
				if err := d.appendAudit(ctx, tx, "complaint.escalate", "complaint", x.id, parent, map[string]any{"code": x.code, "deadline": x.dl}); err != nil {
					return err
				}
			case !unitPhase:
				hs, err := d.staffAt(ctx, tx, x.desk, shishi.RoleHandler)
				if err != nil {
					return err
				}
				word := "临期"
				if red {
					word = "超期"
				}
				for _, u := range hs {
					if ok, err := d.notifyCase(ctx, tx, u, "complaint", x.id, word+"："+x.code+"（"+shishi.ComplaintStatus(x.status).Label(false)+"）时限 "+x.dl+" / due",
						"complaint-desk:"+itoa(int(x.id))+":"+x.dl+":"+word); err != nil {
						return err
					} else if ok {
						n++
					}
				}
			}
			sent += n
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Rekey implements shishi.ComplaintService: every sealed value that is not
// sealed with the current key is opened with its old key and sealed anew,
// a batch per transaction. Reporter identities and TOTP secrets both.
func (d *DB) Rekey(ctx context.Context) (int, error) {
	current := d.keys.CurrentID() + ":"
	total := 0
	for _, c := range []struct{ table, col, purpose string }{
		{"complaints", "reporter_sealed", sealReporter},
		{"users", "totp_secret", "totp"},
	} {
		for {
			n := 0
			err := d.tx(ctx, func(tx *sql.Tx) error {
				rows, err := tx.QueryContext(ctx, `SELECT id, `+c.col+` FROM `+c.table+` WHERE `+c.col+` <> '' AND `+c.col+` NOT LIKE $1 ORDER BY id LIMIT 500`, current+"%")
				if err != nil {
					return shishi.Internal(err)
				}
				type row struct {
					id  int64
					val string
				}
				var rs []row
				for rows.Next() {
					var r row
					if err := rows.Scan(&r.id, &r.val); err != nil {
						rows.Close()
						return shishi.Internal(err)
					}
					rs = append(rs, r)
				}
				rows.Close()
				for _, r := range rs {
					plain, err := d.keys.Open(c.purpose, r.val)
					if err != nil {
						return shishi.Internal(errors.New("sqlstore: rekey " + c.table + " " + itoa(int(r.id)) + ": " + err.Error()))
					}
					sealed, err := d.keys.Seal(c.purpose, plain)
					if err != nil {
						return shishi.Internal(err)
					}
					if _, err := tx.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.col+` = $1 WHERE id = $2`, sealed, r.id); err != nil {
						return shishi.Internal(err)
					}
				}
				n = len(rs)
				if n == 0 {
					return nil
				}
				return d.appendAudit(shishi.WithActor(ctx, shishi.SystemActor()), tx, "keys.rekey", c.table, 0, nil, map[string]any{"column": c.col, "rows": n, "key": d.keys.CurrentID()})
			})
			if err != nil {
				return total, err
			}
			total += n
			if n == 0 {
				break
			}
		}
	}
	n, err := d.rekeyIssuerKeys(ctx)
	return total + n, err
}

// PurgeReporters implements shishi.ComplaintService. A case ends when it
// is closed, declined or merged; its last change (updated_at) is when.
// Each batch is one transaction with one audit entry naming the cases.
func (d *DB) PurgeReporters(ctx context.Context, before time.Time) (int, error) {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	total := 0
	for {
		n := 0
		err := d.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, code FROM complaints WHERE reporter_sealed <> '' AND status IN ($1, $2, $3)
				AND updated_at < $4 ORDER BY id LIMIT 500`, string(shishi.ComplaintClosed), string(shishi.ComplaintDeclined), string(shishi.ComplaintMerged), before.UTC())
			if err != nil {
				return shishi.Internal(err)
			}
			var ids []int64
			var codes []string
			for rows.Next() {
				var id int64
				var code string
				if err := rows.Scan(&id, &code); err != nil {
					rows.Close()
					return shishi.Internal(err)
				}
				ids, codes = append(ids, id), append(codes, code)
			}
			rows.Close()
			if len(ids) == 0 {
				return nil
			}
			now := d.now()
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, `UPDATE complaints SET reporter_sealed = '', reporter_purged_at = $1 WHERE id = $2`, now, id); err != nil {
					return shishi.Internal(err)
				}
			}
			n = len(ids)
			return d.appendAudit(ctx, tx, "complaint.purge_reporters", "complaint", 0, nil, map[string]any{"cases": codes, "before": before.UTC()})
		})
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// PublicCases implements shishi.ComplaintService. The text comes with a
// case only when the actor passes the same read condition as FindComplaint
// (complaintRead), decided in the one query.
func (d *DB) PublicCases(ctx context.Context, f shishi.PublicFilter) ([]*shishi.PublicCase, error) {
	var q args
	text := "CASE WHEN " + complaintRead(shishi.ActorFrom(ctx), &q) + " THEN c.body ELSE '' END"
	where := []string{"1=1"}
	if len(f.IDs) > 0 {
		in := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			in[i] = q.add(id)
		}
		where = append(where, "c.id IN ("+strings.Join(in, ", ")+")")
	}
	if f.Code != "" {
		where = append(where, "c.code = "+q.add(normCode(f.Code)))
	}
	if len(f.Categories) > 0 {
		in := make([]string, len(f.Categories))
		for i, c := range f.Categories {
			in[i] = q.add(c)
		}
		where = append(where, "c.category IN ("+strings.Join(in, ", ")+")")
	}
	if !f.From.IsZero() {
		where = append(where, "c.received_at >= "+q.add(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "c.received_at <= "+q.add(f.To.UTC()))
	}
	if f.Open != nil {
		closed := q.add(string(shishi.ComplaintDeclined)) + ", " + q.add(string(shishi.ComplaintClosed)) + ", " + q.add(string(shishi.ComplaintMerged))
		if *f.Open {
			where = append(where, "c.status NOT IN ("+closed+")")
		} else {
			where = append(where, "c.status IN ("+closed+")")
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+complaintCols+`, `+text+complaintFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY c.id DESC LIMIT `+q.add(limit), q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.PublicCase{}
	for rows.Next() {
		var body string
		r, err := scanComplaint(withBody{rows, &body})
		if err != nil {
			return nil, shishi.Internal(err)
		}
		p := d.publicOf(r)
		p.Body = body
		out = append(out, p)
	}
	return out, rows.Err()
}

// withBody scans the complaint columns and one more: the text, or ”.
type withBody struct {
	s    interface{ Scan(...any) error }
	body *string
}

func (w withBody) Scan(dest ...any) error { return w.s.Scan(append(dest, w.body)...) }

// PublicCase implements shishi.ComplaintService.
func (d *DB) PublicCase(ctx context.Context, id int64) (*shishi.PublicCase, error) {
	cs, err := d.PublicCases(ctx, shishi.PublicFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这件举报 / no such request")
	}
	return cs[0], nil
}

var _ shishi.ComplaintService = (*DB)(nil)
