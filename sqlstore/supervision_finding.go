package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

const findingFrom = ` FROM findings f JOIN sup_groups g ON g.id = f.group_id JOIN units ou ON ou.id = g.owner_unit_id JOIN units fu ON fu.id = f.unit_id
	LEFT JOIN items fi ON fi.id = f.item_id LEFT JOIN units eu ON eu.id = f.escalated_to `

const findingCols = `f.id, f.group_id, g.kind, g.name, f.visit_id, f.item_id, COALESCE(fi.code, ''), COALESCE(fi.title, ''), f.unit_id, fu.name, f.severity, f.description,
	f.status, f.raised_on, f.days, f.deadline, f.plan, f.escalated_to, COALESCE(eu.name, ''), f.escalated_at, f.signed_off_at, f.created_by, f.version, f.created_at, f.updated_at`

func (d *DB) loadFindings(ctx context.Context, db queryer, query string, q args) ([]*shishi.Finding, error) {
	today, warnBy, err := d.warnDays()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Finding{}
	for rows.Next() {
		var f shishi.Finding
		var visit, item, esc sql.NullInt64
		var code, title, escName string
		var escAt, signed sql.NullTime
		if err := rows.Scan(&f.ID, &f.Group.ID, &f.Group.Kind, &f.Group.Name, &visit, &item, &code, &title, &f.Unit.ID, &f.Unit.Name, &f.Severity, &f.Description,
			&f.Status, &f.RaisedOn, &f.Days, &f.Deadline, &f.Plan, &esc, &escName, &escAt, &signed, &f.CreatedBy, &f.Version, &f.CreatedAt, &f.UpdatedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		if visit.Valid {
			f.VisitID = &visit.Int64
		}
		if item.Valid {
			f.Item = &shishi.ItemRef{ID: item.Int64, Code: code, Title: title}
		}
		if esc.Valid {
			f.EscalatedTo = &shishi.UnitRef{ID: esc.Int64, Name: escName}
		}
		f.EscalatedAt, f.SignedOffAt = nullTime(escAt), nullTime(signed)
		f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
		f.Colour = shishi.FindingColour(f.Status, f.Deadline, today, warnBy)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FindFinding implements shishi.SupervisionService.
func (d *DB) FindFinding(ctx context.Context, id int64) (*shishi.Finding, error) {
	return d.findFinding(ctx, d.read(), id)
}

func (d *DB) findFinding(ctx context.Context, db queryer, id int64) (*shishi.Finding, error) {
	var q args
	fs, err := d.loadFindings(ctx, db, `SELECT `+findingCols+findingFrom+`WHERE f.id = `+q.add(id)+` AND `+supReach(shishi.ActorFrom(ctx), "fu.path", &q), q)
	return first(fs, err, shishi.Errorf(shishi.ENOTFOUND, "问题不存在或无权访问 / finding %d not found", id))
}

// FindFindings implements shishi.SupervisionService.
func (d *DB) FindFindings(ctx context.Context, f shishi.FindingFilter) ([]*shishi.Finding, int, error) {
	var v shishi.Validator
	v.Check(f.Status == "" || f.Status.Valid(), "status", "须为 raised、rectifying、signoff_requested 或 signed_off / unknown status")
	v.Check(f.Colour == "" || f.Colour.Valid(), "colour", "须为 green、yellow 或 red / must be green, yellow or red")
	v.Check(f.From == "" || f.From.Valid(), "from", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(f.To == "" || f.To.Valid(), "to", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	today, warnBy, err := d.warnDays()
	if err != nil {
		return nil, 0, err
	}
	var q args
	where := supReach(shishi.ActorFrom(ctx), "fu.path", &q)
	if f.GroupID > 0 {
		where += " AND f.group_id = " + q.add(f.GroupID)
	}
	if f.UnitID > 0 {
		where += " AND fu.path LIKE (SELECT p.path FROM units p WHERE p.id = " + q.add(f.UnitID) + ") || '%'"
	}
	if f.VisitID > 0 {
		where += " AND f.visit_id = " + q.add(f.VisitID)
	}
	if f.ItemID > 0 {
		where += " AND f.item_id = " + q.add(f.ItemID)
	}
	if f.Status != "" {
		where += " AND f.status = " + q.add(string(f.Status))
	}
	if f.Colour != "" {
		where += " AND " + colourWhere(&q, f.Colour, today, warnBy)
	}
	if f.From != "" {
		where += " AND f.raised_on >= " + q.add(string(f.From))
	}
	if f.To != "" {
		where += " AND f.raised_on <= " + q.add(string(f.To))
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+findingFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND f.id > " + q.add(f.After)
	}
	fs, err := d.loadFindings(ctx, d.read(), `SELECT `+findingCols+findingFrom+`WHERE `+where+` ORDER BY f.id LIMIT `+q.add(clampLimit(f.Limit)), q)
	return fs, total, err
}

// findingEvent writes a line of a finding's history and returns its id.
func (d *DB) findingEvent(ctx context.Context, tx *sql.Tx, findingID int64, action, from, to, note string) (int64, error) {
	login := "anonymous"
	if a := shishi.ActorFrom(ctx); a != nil {
		login = a.Login
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO finding_events (finding_id, at, actor, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		findingID, d.now(), login, action, from, to, note).Scan(&id); err != nil {
		return 0, shishi.Internal(err)
	}
	return id, nil
}

// membersOf lists a group's active members.
func (d *DB) membersOf(ctx context.Context, tx *sql.Tx, groupID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.user_id FROM sup_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 AND u.disabled = $2 ORDER BY m.user_id`, groupID, false)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// tell writes one notice about a finding to each user, once per dedup
// key when given; it returns how many it wrote.
func (d *DB) tell(ctx context.Context, tx *sql.Tx, users []int64, findingID int64, text, dedup string) (int, error) {
	q := `INSERT INTO notices (user_id, kind, finding_id, text, at, dedup) VALUES ($1, $2, $3, $4, $5, $6)`
	if dedup != "" {
		q += ` ON CONFLICT (user_id, dedup) WHERE dedup <> '' DO NOTHING`
	}
	n := 0
	for _, u := range users {
		res, err := tx.ExecContext(ctx, q, u, "finding", findingID, text, d.now(), dedup)
		if err != nil {
			return n, shishi.Internal(err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			n++
		}
	}
	return n, nil
}

// RaiseFinding implements shishi.SupervisionService.
func (d *DB) RaiseFinding(ctx context.Context, in shishi.FindingInput) (*shishi.Finding, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	cal, err := d.cal()
	if err != nil {
		return nil, err
	}
	var out *shishi.Finding
	err = d.tx(ctx, func(tx *sql.Tx) error {
		sys := shishi.WithActor(ctx, shishi.SystemActor())
		if in.VisitID != nil {
			v, err := d.findVisit(ctx, tx, *in.VisitID)
			if err != nil {
				return shishi.Invalid(shishi.FieldError{Field: "visit_id", Message: "走访记录不存在 / visit not found"})
			}
			if in.GroupID != 0 && in.GroupID != v.Group.ID {
				return shishi.Invalid(shishi.FieldError{Field: "group_id", Message: "走访记录属于另一个督导组 / the visit belongs to another group"})
			}
			in.GroupID = v.Group.ID
			if in.UnitID == 0 {
				in.UnitID = v.Unit.ID
			}
		}
		if in.ItemID != nil {
			it, err := d.findItem(sys, tx, *in.ItemID)
			if err != nil {
				return shishi.Invalid(shishi.FieldError{Field: "item_id", Message: "事项不存在 / item not found"})
			}
			if in.UnitID == 0 {
				in.UnitID = it.LeadUnit.ID
			}
		}
		g, err := d.findGroup(ctx, tx, in.GroupID)
		if err != nil {
			return err
		}
		if ok, err := d.actsForGroup(ctx, tx, g.ID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有本组成员可以反馈问题 / only the group's members raise findings")
		}
		if ok, err := d.covers(ctx, tx, g.ID, in.UnitID); err != nil {
			return err
		} else if !ok {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "该单位不在本组督导范围内 / the unit is not covered by the group"})
		}
		today := d.Today()
		deadline := cal.Add(today, in.Days)
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO findings (group_id, visit_id, item_id, unit_id, severity, description, status, raised_on, days, deadline, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`, g.ID, in.VisitID, in.ItemID, in.UnitID, string(in.Severity), in.Description,
			string(shishi.FindingRaised), string(today), in.Days, string(deadline), shishi.ActorFrom(ctx).Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if _, err := d.findingEvent(ctx, tx, id, "raise", "", string(shishi.FindingRaised), in.Description); err != nil {
			return err
		}
		ops, err := d.operatorsOf(ctx, tx, in.UnitID, false)
		if err != nil {
			return err
		}
		if _, err := d.tell(ctx, tx, ops, id, fmt.Sprintf("整改通知：%s反馈问题（%s）：%s。请于 %s 前整改到位并申请销号（问题 #%d）。",
			g.Name, in.Severity.Label(false), truncate(in.Description, 80), deadline, id), ""); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "finding.raise", "finding", id, &in.UnitID, map[string]any{"group": g.ID, "visit": in.VisitID, "item": in.ItemID,
			"severity": in.Severity, "days": in.Days, "deadline": deadline}); err != nil {
			return err
		}
		out, err = d.findFinding(sys, tx, id)
		return err
	})
	return out, err
}

// actsForUnit: an operator or leader over the finding's unit.
func (d *DB) actsForUnit(ctx context.Context, db queryer, unitID int64) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return true, nil
	}
	var q args
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.id = `+q.add(unitID)+` AND `+reach(a, "u.path", &q, shishi.RoleOperator, shishi.RoleLeader), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// errFindingStale: the finding changed since the caller read it (If-Match).
var errFindingStale = shishi.Errorf(shishi.EPRECONDITION, "问题已被他人处理，请刷新后重试 / the finding was changed by someone else; reload and retry")

// ActOnFinding implements shishi.SupervisionService.
func (d *DB) ActOnFinding(ctx context.Context, id int64, action, note string, files []shishi.SupervisionFile, version int64) (*shishi.Finding, error) {
	note = strings.TrimSpace(note)
	var out *shishi.Finding
	err := d.tx(ctx, func(tx *sql.Tx) error {
		f, err := d.findFinding(ctx, tx, id)
		if err != nil {
			return err
		}
		// Who may act comes before when: a caller of the wrong side is told
		// so whatever state the finding is in.
		t, stateErr := shishi.FindFindingTransition(action, f.Status)
		if t.Action == "" {
			return stateErr
		}
		var allowed bool
		if t.By == shishi.ByGroup {
			allowed, err = d.actsForGroup(ctx, tx, f.Group.ID)
		} else {
			allowed, err = d.actsForUnit(ctx, tx, f.Unit.ID)
		}
		if err != nil {
			return err
		}
		if !allowed {
			who := "整改单位 / the unit that must rectify"
			if t.By == shishi.ByGroup {
				who = "督导组 / the group"
			}
			zh, en, _ := strings.Cut(who, " / ")
			return shishi.Errorf(shishi.EFORBIDDEN, "只有%s可以执行该操作 / only %s may %s this finding", zh, en, action)
		}
		if stateErr != nil {
			return stateErr
		}
		var v shishi.Validator
		if t.NeedsNote {
			v.Check(len([]rune(note)) >= 2 && len([]rune(note)) <= 5000, "note", "请填写说明（2–5000 字）/ a note of 2–5000 characters is required")
		} else {
			v.Check(len([]rune(note)) <= 5000, "note", "说明不能超过 5000 字 / at most 5000 characters")
		}
		if len(files) > 0 && !t.Files {
			v.Add("files", "该操作不接受附件 / this action takes no files")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := checkFiles(files); err != nil {
			return err
		}
		now := d.now()
		set := "status = $1, version = version + 1, updated_at = $2"
		params := []any{string(t.To), now, id, string(f.Status)}
		switch action {
		case "plan":
			set += ", plan = $5"
			params = append(params, note)
		case "sign_off":
			set += ", signed_off_at = $5"
			params = append(params, now)
		}
		if version != 0 && version != f.Version {
			return errFindingStale
		}
		params = append(params, f.Version)
		res, err := tx.ExecContext(ctx, `UPDATE findings SET `+set+` WHERE id = $3 AND status = $4 AND version = $`+strconv.Itoa(len(params)), params...)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if version != 0 {
				return errFindingStale
			}
			return shishi.Errorf(shishi.ECONFLICT, "问题状态已变化，请刷新 / the finding changed meanwhile; reload")
		}
		ev, err := d.findingEvent(ctx, tx, id, action, string(f.Status), string(t.To), note)
		if err != nil {
			return err
		}
		if err := d.addFiles(ctx, tx, nil, id, ev, files); err != nil {
			return err
		}
		var tellUsers []int64
		var text string
		switch action {
		case "request_signoff":
			tellUsers, err = d.membersOf(ctx, tx, f.Group.ID)
			text = fmt.Sprintf("销号申请：%s就问题 #%d 申请销号，请审核。", f.Unit.Name, id)
		case "sign_off", "return":
			tellUsers, err = d.operatorsOf(ctx, tx, f.Unit.ID, false)
			text = fmt.Sprintf("问题 #%d 已销号。", id)
			if action == "return" {
				text = fmt.Sprintf("问题 #%d 的销号申请被退回：%s", id, truncate(note, 80))
			}
		}
		if err != nil {
			return err
		}
		if _, err := d.tell(ctx, tx, tellUsers, id, text, ""); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "finding."+action, "finding", id, &f.Unit.ID, map[string]any{"from": f.Status, "to": t.To, "note": note, "files": len(files)}); err != nil {
			return err
		}
		out, err = d.findFinding(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// FindingHistory implements shishi.SupervisionService.
func (d *DB) FindingHistory(ctx context.Context, id int64, p shishi.Page) ([]shishi.FindingEvent, int, error) {
	if _, err := d.FindFinding(ctx, id); err != nil {
		return nil, 0, err
	}
	q := args{id}
	const from = ` FROM finding_events WHERE finding_id = $1`
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("id", false).page(p, &q)
	rows, err := d.read().QueryContext(ctx, `SELECT id, at, actor, action, from_status, to_status, note`+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	out := []shishi.FindingEvent{}
	index := map[int64]int{}
	for rows.Next() {
		var e shishi.FindingEvent
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		e.At, e.Files = e.At.UTC(), []shishi.SupervisionFile{}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	files, err := d.loadFiles(ctx, d.read(), `finding_id = $1`, args{id})
	if err != nil {
		return nil, 0, err
	}
	for _, f := range files {
		if i, ok := index[f.owner]; ok {
			out[i].Files = append(out[i].Files, f.SupervisionFile)
		}
	}
	return out, total, nil
}

// GetSupervisionFile implements shishi.SupervisionService: a file is read where
// its visit or finding is.
func (d *DB) GetSupervisionFile(ctx context.Context, id int64) (*shishi.SupervisionFile, error) {
	var visit, finding sql.NullInt64
	err := d.read().QueryRowContext(ctx, `SELECT visit_id, finding_id FROM sup_files WHERE id = $1`, id).Scan(&visit, &finding)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "文件不存在或无权访问 / file %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if visit.Valid {
		_, err = d.FindVisit(ctx, visit.Int64)
	} else {
		_, err = d.FindFinding(ctx, finding.Int64)
	}
	if err != nil {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "文件不存在或无权访问 / file %d not found", id)
	}
	fs, err := d.loadFiles(ctx, d.read(), `id = $1`, args{id})
	if err != nil || len(fs) == 0 {
		return nil, shishi.Internal(err)
	}
	return &fs[0].SupervisionFile, nil
}

// EscalateFindings implements shishi.EscalationService. An overdue open
// rectification is escalated once (提级督办): the unit's parent is
// recorded, its operators, the unit's and the group's members are told,
// and the history and the audit log say so. Rectifications within the
// warning days remind the unit once per deadline.
func (d *DB) EscalateFindings(ctx context.Context) (int, error) {
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	today := d.Today()
	due, _, err := d.FindFindings(sys, shishi.FindingFilter{Colour: shishi.ColourRed, Limit: 500})
	if err != nil {
		return 0, err
	}
	escalated := 0
	for len(due) > 0 {
		last := due[len(due)-1].ID
		for _, f := range due {
			if f.EscalatedAt != nil {
				continue
			}
			err := d.tx(sys, func(tx *sql.Tx) error {
				var parent sql.NullInt64
				var parentName sql.NullString
				if err := tx.QueryRowContext(ctx, `SELECT u.parent_id, p.name FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, f.Unit.ID).Scan(&parent, &parentName); err != nil {
					return shishi.Internal(err)
				}
				var to any
				if parent.Valid {
					to = parent.Int64
				}
				res, err := tx.ExecContext(ctx, `UPDATE findings SET escalated_at = $1, escalated_to = $2, version = version + 1, updated_at = $1
					WHERE id = $3 AND escalated_at IS NULL AND status <> $4 AND deadline < $5`, d.now(), to, f.ID, string(shishi.FindingSignedOff), string(today))
				if err != nil {
					return shishi.Internal(err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return nil // signed off or escalated meanwhile
				}
				note := fmt.Sprintf("超过整改时限 %s 仍未销号，红色督办", f.Deadline)
				if parent.Valid {
					note += "，提级至" + parentName.String
				}
				if _, err := d.findingEvent(sys, tx, f.ID, "escalate", string(f.Status), string(f.Status), note); err != nil {
					return err
				}
				var users []int64
				if parent.Valid {
					if users, err = d.operatorsOf(ctx, tx, parent.Int64, false); err != nil {
						return err
					}
				}
				ops, err := d.operatorsOf(ctx, tx, f.Unit.ID, false)
				if err != nil {
					return err
				}
				members, err := d.membersOf(ctx, tx, f.Group.ID)
				if err != nil {
					return err
				}
				users = append(append(users, ops...), members...)
				text := fmt.Sprintf("红色督办：%s的问题 #%d（%s）已超过整改时限 %s，已提级督办。", f.Unit.Name, f.ID, truncate(f.Description, 60), f.Deadline)
				if _, err := d.tell(sys, tx, users, f.ID, text, fmt.Sprintf("finding-overdue:%d", f.ID)); err != nil {
					return err
				}
				unit := f.Unit.ID
				if parent.Valid {
					unit = parent.Int64
				}
				if err := d.appendAudit(sys, tx, "finding.escalate", "finding", f.ID, &unit, map[string]any{"deadline": f.Deadline, "unit": f.Unit.ID, "escalated_to": to}); err != nil {
					return err
				}
				escalated++
				return nil
			})
			if err != nil {
				return escalated, err
			}
		}
		if len(due) < 500 {
			break
		}
		if due, _, err = d.FindFindings(sys, shishi.FindingFilter{Colour: shishi.ColourRed, After: last, Limit: 500}); err != nil {
			return escalated, err
		}
	}
	// Yellow: a reminder (催办) to the unit, once per deadline.
	var after int64
	for {
		soon, _, err := d.FindFindings(sys, shishi.FindingFilter{Colour: shishi.ColourYellow, After: after, Limit: 500})
		if err != nil {
			return escalated, err
		}
		for _, f := range soon {
			after = f.ID
			err := d.tx(sys, func(tx *sql.Tx) error {
				ops, err := d.operatorsOf(ctx, tx, f.Unit.ID, false)
				if err != nil {
					return err
				}
				_, err = d.tell(sys, tx, ops, f.ID, fmt.Sprintf("黄色预警：问题 #%d（%s）将于 %s 到整改时限，请抓紧整改并申请销号。", f.ID, truncate(f.Description, 60), f.Deadline),
					fmt.Sprintf("finding-due:%d:%s", f.ID, f.Deadline))
				return err
			})
			if err != nil {
				return escalated, err
			}
		}
		if len(soon) < 500 {
			break
		}
	}
	return escalated, nil
}
