package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/shishi-edu/shishi"
)

// FindComplaint implements shishi.ComplaintService.
func (d *DB) FindComplaint(ctx context.Context, id int64) (*shishi.Complaint, error) {
	r, err := d.findComplaint(ctx, d.read(), id, false)
	if err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	s, err := d.complaintSides(ctx, d.read(), a, id)
	if err != nil {
		return nil, err
	}
	ext, err := d.pendingExtension(ctx, d.read(), id)
	if err != nil {
		return nil, err
	}
	r.Extension = ext
	if r.Files, err = d.caseFiles(ctx, d.read(), id, false); err != nil {
		return nil, err
	}
	for _, st := range shishi.ComplaintSteps {
		if !canStep(st, r, s, ext) {
			continue
		}
		r.Can = append(r.Can, st.Action)
	}
	if !r.Anonymous && (s.desk || (s.unitHandler && r.RevealToUnit)) {
		r.Can = append(r.Can, "reveal")
	}
	return &r.Complaint, nil
}

// canStep reports whether a step is open to the viewer now.
func canStep(st shishi.ComplaintStep, r *complaintRow, s sides, ext *shishi.Extension) bool {
	if _, err := shishi.FindComplaintStep(st.Action, r.Status); err != nil {
		return false
	}
	switch st.By {
	case shishi.SideDesk:
		if !s.desk {
			return false
		}
	case shishi.SideUnit:
		if !s.unit {
			return false
		}
	default:
		return false
	}
	switch st.Action {
	case "request_extension":
		return ext == nil && r.Colour != shishi.ColourRed
	case "approve_extension", "reject_extension":
		return ext != nil
	}
	return true
}

// ComplaintEvents implements shishi.ComplaintService.
func (d *DB) ComplaintEvents(ctx context.Context, id int64, p shishi.Page) ([]*shishi.ComplaintEvent, int, error) {
	if _, err := d.findComplaint(ctx, d.read(), id, false); err != nil {
		return nil, 0, err
	}
	total, err := count(ctx, d.read(), `FROM complaint_events WHERE complaint_id = $1`, args{id})
	if err != nil {
		return nil, 0, err
	}
	es, err := d.events(ctx, d.read(), id, false, p)
	return es, total, err
}

// FindComplaints implements shishi.ComplaintService.
func (d *DB) FindComplaints(ctx context.Context, f shishi.ComplaintFilter) ([]*shishi.Complaint, int, error) {
	cal, err := d.cal()
	if err != nil {
		return nil, 0, err
	}
	a := shishi.ActorFrom(ctx)
	var q args
	where := []string{complaintRead(a, &q)}
	today := string(d.today())
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, 0, shishi.Invalid(shishi.FieldError{Field: "status", Message: "未知状态 / unknown status"})
		}
		where = append(where, "c.status = "+q.add(string(f.Status)))
	}
	if f.Open {
		where = append(where, "c.status NOT IN ("+q.add(string(shishi.ComplaintDeclined))+", "+q.add(string(shishi.ComplaintClosed))+", "+q.add(string(shishi.ComplaintMerged))+")")
	}
	if f.Colour != "" {
		if !f.Colour.Valid() {
			return nil, 0, shishi.Invalid(shishi.FieldError{Field: "colour", Message: "须为 green、yellow 或 red / must be green, yellow or red"})
		}
		timed := make([]string, 0, 6)
		for _, s := range shishi.ComplaintStatuses {
			if s.Timed() {
				timed = append(timed, q.add(string(s)))
			}
		}
		cond := "c.status IN (" + strings.Join(timed, ", ") + ") AND c.deadline <> '' AND "
		t := q.add(today)
		switch f.Colour {
		case shishi.ColourRed:
			cond += "c.deadline < " + t
		case shishi.ColourYellow:
			cond += "c.deadline >= " + t + " AND c.warn_from < " + t
		default:
			cond += "c.warn_from >= " + t
		}
		where = append(where, cond)
	}
	if f.Category != "" {
		where = append(where, "c.category = "+q.add(f.Category))
	}
	if f.UnitID > 0 {
		var path string
		if err := d.read().QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path); err != nil {
			return nil, 0, shishi.Invalid(shishi.FieldError{Field: "unit", Message: "没有这个单位 / no such unit"})
		}
		p := q.add(path + "%")
		where = append(where, "(cu.path LIKE "+p+" OR au.path LIKE "+p+")")
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		l := q.add(likeEscape(s))
		where = append(where, "(lower(c.body) LIKE "+l+" ESCAPE '\\' OR c.code = "+q.add(normCode(s))+")")
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+complaintFrom+cond, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		cond += " AND c.id < " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+complaintCols+complaintFrom+cond+` ORDER BY c.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Complaint{}
	td := shishi.Date(today)
	for rows.Next() {
		r, err := scanComplaint(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		d.derive(r, cal, td)
		out = append(out, &r.Complaint)
	}
	return out, total, rows.Err()
}

func (d *DB) pendingExtension(ctx context.Context, db queryer, id int64) (*shishi.Extension, error) {
	var e shishi.Extension
	var old string
	err := db.QueryRowContext(ctx, `SELECT id, days, reason, status, requested_by, requested_at, old_deadline FROM complaint_extensions
		WHERE complaint_id = $1 AND status = $2 ORDER BY id DESC LIMIT 1`, id, "pending").Scan(&e.ID, &e.Days, &e.Reason, &e.Status, &e.RequestedBy, &e.RequestedAt, &old)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	e.OldDeadline, e.RequestedAt = shishi.Date(old), e.RequestedAt.UTC()
	return &e, nil
}

// Step implements shishi.ComplaintService.
func (d *DB) Step(ctx context.Context, id int64, action string, in shishi.StepInput) (*shishi.Complaint, error) {
	a := shishi.ActorFrom(ctx)
	cal, err := d.cal()
	if err != nil {
		return nil, err
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		r, err := d.findComplaint(ctx, tx, id, true)
		if err != nil {
			return err
		}
		// The row is locked (PostgreSQL) or the transaction writes alone
		// (SQLite): the version read here is the one the step changes.
		if in.IfVersion != 0 && in.IfVersion != int64(r.Version) {
			return shishi.Errorf(shishi.EPRECONDITION, "举报件已被他人处理，请刷新后重试 / the case was changed by someone else; reload and retry")
		}
		st, err := shishi.ComplaintStepByAction(action)
		if err != nil {
			return err
		}
		s, err := d.complaintSides(ctx, tx, a, id)
		if err != nil {
			return err
		}
		switch {
		case st.By == shishi.SideDesk && !s.desk:
			return shishi.Errorf(shishi.EFORBIDDEN, "只有受理机构的举报受理员可以“%s” / only a handler of the desk may %s", st.Label[0], action)
		case st.By == shishi.SideUnit && !s.unit:
			return shishi.Errorf(shishi.EFORBIDDEN, "只有承办单位的受理员或填报员可以“%s” / only the unit the case was dispatched to may %s", st.Label[0], action)
		case st.By == shishi.SideReporter:
			return shishi.Errorf(shishi.EFORBIDDEN, "该操作由举报人凭查询码进行 / the reporter does that with the tracking code")
		}
		// Who may take the step is settled; now whether it may be taken now.
		if _, err := shishi.FindComplaintStep(action, r.Status); err != nil {
			return err
		}
		if err := in.Validate(st); err != nil {
			return err
		}
		return d.applyStep(ctx, tx, cal, r, st, in)
	})
	if err != nil {
		return nil, err
	}
	c, err := d.FindComplaint(ctx, id)
	if shishi.ErrorCode(err) == shishi.ENOTFOUND {
		// The step took the case out of the actor's reach (a unit
		// returned it): answer with its new state, and no further steps.
		r, err := d.findComplaint(shishi.WithActor(ctx, shishi.SystemActor()), d.db, id, false)
		if err != nil {
			return nil, err
		}
		return &r.Complaint, nil
	}
	return c, err
}

// applyStep changes the case, writes its timeline, notices and audit entry.
func (d *DB) applyStep(ctx context.Context, tx *sql.Tx, cal shishi.Calendar, r *complaintRow, st shishi.ComplaintStep, in shishi.StepInput) error {
	a := shishi.ActorFrom(ctx)
	id, now, today := r.ID, d.now(), d.today()
	to := st.To
	detail := map[string]any{"code": r.Code, "from": r.Status}
	var eventUnit *int64
	exec := func(q string, params ...any) error {
		if _, err := tx.ExecContext(ctx, q, params...); err != nil {
			return shishi.Internal(err)
		}
		return nil
	}
	cat, err := d.category(ctx, tx, r.Category)
	if err != nil {
		return err
	}
	// setDeadline starts a phase of n working days from today (or from
	// base, for an extension).
	setDeadline := func(base shishi.Date, n int) error {
		dl := cal.Add(base, n)
		return exec(`UPDATE complaints SET deadline = $1, warn_from = $2, escalated_at = NULL WHERE id = $3`, string(dl), string(shishi.WarnFrom(cal, dl, cat.Warn(n))), id)
	}
	// finish marks the unit's work done: on time or not, and the reply clock starts.
	finish := func() error {
		onTime := today <= r.Deadline
		if err := exec(`UPDATE complaints SET concluded_at = $1, on_time = $2 WHERE id = $3`, now, onTime, id); err != nil {
			return err
		}
		detail["on_time"] = onTime
		return setDeadline(today, cat.ReplyDays)
	}
	note := in.Note
	switch st.Action {
	case "accept", "decline", "sign":
		// The status change, timeline and audit below are all there is.
	case "dispatch", "forward":
		var unitPath, deskPath string
		err := tx.QueryRowContext(ctx, `SELECT u.path, dk.path FROM units u, units dk WHERE u.id = $1 AND dk.id = $2`, in.UnitID, r.Desk.ID).Scan(&unitPath, &deskPath)
		if errors.Is(err, sql.ErrNoRows) {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "没有这个单位 / no such unit"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		if unitPath == deskPath || !strings.HasPrefix(unitPath, deskPath) {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "只能转办给受理机构的下级单位 / dispatch goes to a unit below the desk"})
		}
		if st.Action == "forward" {
			// 层层转办: a lower desk (a province's column) takes the case
			// over; the upper desk keeps sight of it through its reach.
			if err := exec(`UPDATE complaints SET desk_unit_id = $1 WHERE id = $2`, in.UnitID, id); err != nil {
				return err
			}
			if err := setDeadline(today, cat.AcceptDays); err != nil {
				return err
			}
			eventUnit = &in.UnitID
			detail["desk"] = in.UnitID
			hs, err := d.staffAt(ctx, tx, in.UnitID, shishi.RoleHandler)
			if err != nil {
				return err
			}
			for _, u := range hs {
				if _, err := d.notifyCase(ctx, tx, u, "complaint", id, "上级转交举报件 "+r.Code+"（"+r.CategoryName+"），请受理并转办 / a case was forwarded to your desk", ""); err != nil {
					return err
				}
			}
			break
		}
		dl := cal.Add(today, cat.Days)
		if err := exec(`UPDATE complaints SET assigned_unit_id = $1, reveal_to_unit = $2, dispatched_at = $3 WHERE id = $4`, in.UnitID, in.RevealToUnit, now, id); err != nil {
			return err
		}
		if err := setDeadline(today, cat.Days); err != nil {
			return err
		}
		eventUnit = &in.UnitID
		detail["unit_id"], detail["deadline"], detail["reveal_to_unit"] = in.UnitID, dl, in.RevealToUnit
		if _, err := d.notifyUnit(ctx, tx, in.UnitID, id, "转办件 "+r.Code+"（"+r.CategoryName+"），请签收并于 "+string(dl)+" 前办结 / a complaint was dispatched to your unit", ""); err != nil {
			return err
		}
	case "return":
		detail["unit_id"] = r.Assigned.ID
		eventUnit = &r.Assigned.ID
		if err := exec(`UPDATE complaints SET assigned_unit_id = NULL, reveal_to_unit = $1, dispatched_at = NULL WHERE id = $2`, false, id); err != nil {
			return err
		}
		if err := setDeadline(today, cat.AcceptDays); err != nil {
			return err
		}
		if err := d.notifyDesk(ctx, tx, r, r.Assigned.Name+" 退回了 "+r.Code+"："+note+" / the unit returned the case"); err != nil {
			return err
		}
	case "conclude":
		if err := exec(`UPDATE complaints SET conclusion = $1, verification = $2 WHERE id = $3`, string(in.Conclusion), note, id); err != nil {
			return err
		}
		detail["conclusion"] = in.Conclusion
		if in.Conclusion == shishi.ConclusionFalse {
			to = shishi.ComplaintConcluded
			if err := finish(); err != nil {
				return err
			}
			if err := d.notifyDesk(ctx, tx, r, r.Code+" 核查不属实，待答复举报人 / verified unsubstantiated; reply due"); err != nil {
				return err
			}
		} else {
			to = shishi.ComplaintRectifying
		}
		note = in.Conclusion.Label(false) + "：" + note
	case "rectify":
		if err := exec(`UPDATE complaints SET rectification = $1 WHERE id = $2`, note, id); err != nil {
			return err
		}
		if err := finish(); err != nil {
			return err
		}
		if err := d.notifyDesk(ctx, tx, r, r.Code+" 已整改，待答复举报人 / rectified; reply due"); err != nil {
			return err
		}
	case "reply":
		if err := exec(`UPDATE complaints SET reply = $1, replied_at = $2 WHERE id = $3`, note, now, id); err != nil {
			return err
		}
	case "close":
		if err := exec(`UPDATE complaints SET closed_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
	case "merge":
		var keep int64
		var keepStatus string
		var q args
		err := tx.QueryRowContext(ctx, `SELECT c.id, c.status FROM complaints c JOIN units dk ON dk.id = c.desk_unit_id WHERE c.code = `+q.add(in.Into)+
			` AND `+deskReach(a, &q, shishi.RoleHandler), q...).Scan(&keep, &keepStatus)
		if errors.Is(err, sql.ErrNoRows) {
			return shishi.Invalid(shishi.FieldError{Field: "into", Message: "没有这件举报 / no such complaint: " + in.Into})
		} else if err != nil {
			return shishi.Internal(err)
		}
		switch shishi.ComplaintStatus(keepStatus) {
		case shishi.ComplaintMerged, shishi.ComplaintDeclined:
			return shishi.Invalid(shishi.FieldError{Field: "into", Message: "保留件已合并或不予受理 / the case to keep is merged or declined"})
		}
		if keep == id {
			return shishi.Invalid(shishi.FieldError{Field: "into", Message: "不能合并到自身 / a case cannot merge into itself"})
		}
		if err := exec(`UPDATE complaints SET merged_into = $1, closed_at = $2 WHERE id = $3`, keep, now, id); err != nil {
			return err
		}
		if err := d.complaintEvent(ctx, tx, keep, a.Login, "merged_in", false, r.Code, nil); err != nil {
			return err
		}
		detail["into"] = in.Into
		note = "合并至 / merged into " + in.Into + ifNote(note)
	case "request_extension":
		if today > r.Deadline {
			return shishi.Errorf(shishi.ECONFLICT, "已超过办理时限 %s，不能再申请延期 / extensions must be asked for before the deadline", r.Deadline)
		}
		if ext, err := d.pendingExtension(ctx, tx, id); err != nil {
			return err
		} else if ext != nil {
			return shishi.Errorf(shishi.ECONFLICT, "已有待审批的延期申请 / an extension request is already pending")
		}
		if err := exec(`INSERT INTO complaint_extensions (complaint_id, days, reason, status, requested_by, requested_at, old_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, in.Days, note, "pending", a.Login, now, string(r.Deadline)); err != nil {
			return err
		}
		detail["days"] = in.Days
		note = "申请延期 " + itoa(in.Days) + " 个工作日：" + note
		if err := d.notifyDesk(ctx, tx, r, r.Code+" 申请延期 "+itoa(in.Days)+" 个工作日 / extension requested"); err != nil {
			return err
		}
	case "approve_extension", "reject_extension":
		ext, err := d.pendingExtension(ctx, tx, id)
		if err != nil {
			return err
		}
		if ext == nil {
			return shishi.Errorf(shishi.ECONFLICT, "没有待审批的延期申请 / no extension request is pending")
		}
		status, newDL := "rejected", shishi.Date("")
		if st.Action == "approve_extension" {
			status, newDL = "approved", cal.Add(r.Deadline, ext.Days)
			if err := setDeadline(r.Deadline, ext.Days); err != nil {
				return err
			}
			note = "延期至 " + string(newDL) + ifNote(note)
		} else {
			note = "不同意延期" + ifNote(note)
		}
		if err := exec(`UPDATE complaint_extensions SET status = $1, new_deadline = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $6`,
			status, string(newDL), a.Login, now, in.Note, ext.ID); err != nil {
			return err
		}
		detail["extension"], detail["deadline"] = status, newDL
		if r.Assigned != nil {
			if _, err := d.notifyUnit(ctx, tx, r.Assigned.ID, id, r.Code+" 延期申请："+note, ""); err != nil {
				return err
			}
		}
	case "remind":
		if _, err := d.notifyUnit(ctx, tx, r.Assigned.ID, id, "催办："+r.Code+" 须于 "+string(r.Deadline)+" 前办结"+ifNote(note)+" / reminder", ""); err != nil {
			return err
		}
	}
	var status *shishi.ComplaintStatus
	if to != "" {
		status = &to
		detail["to"] = to
	}
	if err := d.touch(ctx, tx, id, status); err != nil {
		return err
	}
	if err := d.complaintEvent(ctx, tx, id, a.Login, st.Action, st.Public, note, eventUnit); err != nil {
		return err
	}
	return d.appendAudit(ctx, tx, "complaint."+st.Action, "complaint", id, &r.Unit.ID, detail)
}

// RevealReporter implements shishi.ComplaintService.
func (d *DB) RevealReporter(ctx context.Context, id int64, reason string) (*shishi.Reporter, error) {
	reason = strings.TrimSpace(reason)
	var v shishi.Validator
	n := len([]rune(reason))
	v.Check(n >= 4 && n <= 500, "reason", "请写明查看举报人身份的理由（4–500 字）/ give the reason for revealing the reporter (4–500 characters)")
	if err := v.Err(); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	var rep shishi.Reporter
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := d.findComplaint(ctx, tx, id, false)
		if err != nil {
			return err
		}
		s, err := d.complaintSides(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !s.desk && !(s.unitHandler && r.RevealToUnit) {
			return shishi.Errorf(shishi.EFORBIDDEN, "无权查看举报人身份 / you may not reveal the reporter")
		}
		var sealed string
		var purged sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT reporter_sealed, reporter_purged_at FROM complaints WHERE id = $1`, id).Scan(&sealed, &purged); err != nil {
			return shishi.Internal(err)
		}
		if purged.Valid {
			return shishi.Errorf(shishi.ENOTFOUND, "举报人信息已于 %s 按保存期限删除 / the reporter's identity was deleted on %s at the end of the retention period",
				shishi.DateOf(purged.Time), shishi.DateOf(purged.Time))
		}
		if sealed == "" {
			return shishi.Errorf(shishi.ENOTFOUND, "匿名举报，无身份信息 / an anonymous complaint has no identity")
		}
		plain, err := d.keys.Open(sealReporter, sealed)
		if err != nil {
			return shishi.Internal(err)
		}
		if err := json.Unmarshal(plain, &rep); err != nil {
			return shishi.Internal(err)
		}
		if err := d.complaintEvent(ctx, tx, id, a.Login, "reveal", false, reason, nil); err != nil {
			return err
		}
		// The reveal is audited in the same transaction: no audit, no reveal.
		return d.appendAudit(ctx, tx, "complaint.reveal", "complaint", id, &r.Unit.ID, map[string]any{"code": r.Code, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}
