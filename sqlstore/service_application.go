package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Applications (申请 / 申报) of module F. Who reads an application is
// decided in SQL by appReach: its applicant (the person, or the applying
// unit's operators and leaders), the owner unit's office side once it is
// submitted, and the reviewers it was assigned to.

// ownerRoles act for a service's owner unit and read its applications.
var ownerRoles = []shishi.Role{shishi.RoleOffice, shishi.RoleLeader, shishi.RoleIssuer, shishi.RoleHandler}

// applicantRoles act for an applying unit.
var applicantRoles = []shishi.Role{shishi.RoleOperator, shishi.RoleLeader}

// appReach is the read condition on applications a joined with services s.
func appReach(a *shishi.Actor, q *args) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	mine, reviewing := "1=0", "1=0"
	if personal(a) {
		me := q.add(a.UserID)
		mine = "a.applicant_id = " + me
		reviewing = "EXISTS (SELECT 1 FROM app_reviews rv WHERE rv.application_id = a.id AND rv.reviewer_id = " + me + ")"
	}
	return "(" + mine +
		" OR (a.unit_id IS NOT NULL AND " + unitInReach(a, "a.unit_id", q, applicantRoles...) + ")" +
		" OR (a.status <> 'draft' AND " + unitInReach(a, "s.owner_unit_id", q, ownerRoles...) + ")" +
		" OR " + reviewing + ")"
}

// personal: the actor acts as the person, not through a limited API token.
// What a person holds as applicant or reviewer is no grant (role at a
// unit), so a token limited to grants (or to Open311) carries none of it.
func personal(a *shishi.Actor) bool { return a != nil && a.TokenScope == "" }

// ownerSide is the condition that the actor acts for the owner unit.
func ownerSide(a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	return unitInReach(a, "s.owner_unit_id", q, ownerRoles...)
}

const appCols = `a.id, a.service_id, s.code, s.name, a.unit_id, COALESCE(au.name, ''), a.applicant_id, p.login, p.name, a.title, a.status,
	a.form_version, a.answers, a.version, a.due, a.note, a.delivery, a.selected, a.submitted_at, a.created_at, a.updated_at`

const appFrom = ` FROM applications a JOIN services s ON s.id = a.service_id JOIN users p ON p.id = a.applicant_id
	LEFT JOIN units au ON au.id = a.unit_id `

func (d *DB) loadApplications(ctx context.Context, db queryer, query string, q args) ([]*shishi.Application, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	today := d.Today()
	var out []*shishi.Application
	for rows.Next() {
		var x shishi.Application
		var unitID sql.NullInt64
		var unitName, answers, delivery string
		var submitted sql.NullTime
		if err := rows.Scan(&x.ID, &x.Service.ID, &x.Service.Code, &x.Service.Name, &unitID, &unitName, &x.Applicant.ID, &x.Applicant.Login,
			&x.Applicant.Name, &x.Title, &x.Status, &x.FormVersion, &answers, &x.Version, &x.Due, &x.Note, &delivery, &x.Selected,
			&submitted, &x.CreatedAt, &x.UpdatedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		if unitID.Valid {
			x.Unit = &shishi.UnitRef{ID: unitID.Int64, Name: unitName}
		}
		x.Answers = json.RawMessage(answers)
		if delivery != "" {
			x.Delivery = new(shishi.Delivery)
			if err := json.Unmarshal([]byte(delivery), x.Delivery); err != nil {
				return nil, shishi.Internal(err)
			}
		}
		x.SubmittedAt = nullTime(submitted)
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
		x.Overdue = x.Due != "" && x.Due < today && x.Status.Step() != ""
		out = append(out, &x)
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	return out, nil
}

// FindApplication implements shishi.ServiceService. The owner's side also
// sees the scores and the rank.
func (d *DB) FindApplication(ctx context.Context, id int64) (*shishi.Application, error) {
	x, err := d.findApplication(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	if ok, err := d.isOwnerSide(ctx, d.db, x.Service.ID); err != nil {
		return nil, err
	} else if ok {
		stage := shishi.StepReview
		if x.Status == shishi.AppStatus(shishi.StepAcceptance) {
			stage = shishi.StepAcceptance
		}
		rs, err := d.rank(ctx, d.db, x.Service.ID, stage)
		if err != nil {
			return nil, err
		}
		for i := range rs {
			if rs[i].Application.ID == id {
				x.Score = &rs[i].Score
			}
		}
	}
	return x, nil
}

func (d *DB) findApplication(ctx context.Context, db queryer, id int64) (*shishi.Application, error) {
	var q args
	xs, err := d.loadApplications(ctx, db, `SELECT `+appCols+appFrom+`WHERE a.id = `+q.add(id)+` AND `+appReach(shishi.ActorFrom(ctx), &q), q)
	return first(xs, err, shishi.Errorf(shishi.ENOTFOUND, "申请不存在或无权访问 / application %d not found", id))
}

func (d *DB) isOwnerSide(ctx context.Context, db queryer, serviceID int64) (bool, error) {
	var q args
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM services s WHERE s.id = `+q.add(serviceID)+` AND `+ownerSide(shishi.ActorFrom(ctx), &q), q...).Scan(&n); err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// FindApplications implements shishi.ServiceService.
func (d *DB) FindApplications(ctx context.Context, f shishi.ApplicationFilter) ([]*shishi.Application, int, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, shishi.Invalid(shishi.FieldError{Field: "status", Message: "未知状态 / unknown status: " + string(f.Status)})
	}
	a := shishi.ActorFrom(ctx)
	var q args
	where := appReach(a, &q)
	if f.Mine {
		if a == nil {
			return nil, 0, nil
		}
		where += " AND (a.applicant_id = " + q.add(a.UserID) + " OR (a.unit_id IS NOT NULL AND " + unitInReach(a, "a.unit_id", &q, applicantRoles...) + "))"
	}
	if f.ServiceID > 0 {
		where += " AND a.service_id = " + q.add(f.ServiceID)
	}
	if f.Status != "" {
		where += " AND a.status = " + q.add(string(f.Status))
	}
	if f.Overdue {
		where += " AND a.due <> '' AND a.due < " + q.add(string(d.Today())) + " AND a.status IN " + stepList(&q)
	}
	if f.Selected != nil {
		where += " AND a.selected = " + q.add(*f.Selected)
	}
	var total int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*)`+appFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND a.id > " + q.add(f.After)
	}
	xs, err := d.loadApplications(ctx, d.db, `SELECT `+appCols+appFrom+`WHERE `+where+` ORDER BY a.id LIMIT `+q.add(clampLimit(f.Limit)), q)
	return xs, total, err
}

func stepList(q *args) string {
	parts := make([]string, len(shishi.StepKinds))
	for i, k := range shishi.StepKinds {
		parts[i] = q.add(string(k))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// CreateApplication implements shishi.ServiceService. Title and answers
// are checked together, so one answer names every fault; nothing is
// stored unless all is well.
func (d *DB) CreateApplication(ctx context.Context, in shishi.ApplicationInput) (*shishi.Application, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || (a.UserID == 0 && !a.IsSystem()) {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / sign in to apply")
	}
	var v shishi.Validator
	if err := in.Validate(); err != nil {
		for _, f := range shishi.ErrorFields(err) {
			v.Add(f.Field, f.Message)
		}
	}
	var out *shishi.Application
	err := d.tx(ctx, func(tx *sql.Tx) error {
		s, err := d.findService(ctx, tx, in.ServiceID)
		if err != nil {
			if in.ServiceID > 0 {
				return shishi.Invalid(shishi.FieldError{Field: "service_id", Message: "服务不存在 / no such service"})
			}
			return v.Err()
		}
		if !s.Open(d.Today()) {
			return shishi.Errorf(shishi.ECONFLICT, "不在申请期内（%s–%s）/ outside the application window", s.OpensOn, s.ClosesOn)
		}
		var unitID *int64
		if s.Applicants == shishi.ApplicantsUnits {
			if in.UnitID == 0 {
				in.UnitID = a.UnitID
			}
			if _, err := d.findUnit(ctx, tx, in.UnitID, applicantRoles...); err != nil {
				return shishi.Errorf(shishi.EFORBIDDEN, "只有申请单位的填报员可以申报 / only an operator of the applying unit may apply")
			}
			unitID = &in.UnitID
		} else if !personal(a) && !a.IsSystem() {
			return shishi.Errorf(shishi.EFORBIDDEN, "受限令牌不能以个人身份申请 / a limited token cannot apply as a person")
		} else if un, err := d.unverified(ctx, tx); err != nil {
			return err
		} else if un {
			return shishi.Errorf(shishi.EFORBIDDEN, "请先验证邮箱再申请 / verify your e-mail before applying")
		}
		answers, err := s.Form.ParseAnswers(in.Answers, !in.Submit)
		if err != nil {
			for _, f := range shishi.ErrorFields(err) {
				v.Add(f.Field, f.Message)
			}
		} else if err := d.checkUploads(ctx, tx, &v, s.ID, 0, &s.Form, answers); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		status, due := shishi.AppDraft, ""
		var submitted any
		now := d.now()
		if in.Submit {
			status = shishi.AppStatus(s.Workflow.First())
			if due, err = d.stepDue(s, s.Workflow.First()); err != nil {
				return err
			}
			submitted = now
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO applications (service_id, unit_id, applicant_id, title, status, form_version, answers, version,
			due, submitted_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $10) RETURNING id`,
			s.ID, unitID, a.UserID, in.Title, string(status), s.Form.Version, string(answers), due, submitted, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.keepVersion(ctx, tx, id); err != nil {
			return err
		}
		action := "create"
		if in.Submit {
			action = "submit"
		}
		if err := d.appEvent(ctx, tx, id, s.OwnerUnit.ID, action, "", status, ""); err != nil {
			return err
		}
		out, err = d.findApplication(ctx, tx, id)
		return err
	})
	return out, err
}

// stepDue is the deadline of step k entered today.
func (d *DB) stepDue(s *shishi.Service, k shishi.StepKind) (string, error) {
	st := s.Workflow.Step(k)
	if st == nil {
		return "", nil
	}
	cal, err := d.cal()
	if err != nil {
		return "", err
	}
	return string(cal.Add(d.Today(), st.Days)), nil
}

// keepVersion copies the application's current answers into its versions.
func (d *DB) keepVersion(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO application_versions (application_id, version, form_version, title, answers, status, created_by, created_at)
		SELECT id, version, form_version, title, answers, status, $2, $3 FROM applications WHERE id = $1`, id, actorLogin(ctx), d.now()); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// appEvent writes a line of history and its audit entry.
func (d *DB) appEvent(ctx context.Context, tx *sql.Tx, id, ownerUnitID int64, action string, from, to shishi.AppStatus, note string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, at, actor, action, from_status, to_status, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, d.now(), actorLogin(ctx), action, string(from), string(to), note); err != nil {
		return shishi.Internal(err)
	}
	return d.appendAudit(ctx, tx, "application."+action, "application", id, &ownerUnitID, map[string]any{"from": from, "to": to, "note": note})
}

// isApplicant reports whether the actor acts for x's applicant.
func (d *DB) isApplicant(ctx context.Context, db queryer, x *shishi.Application) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() || (personal(a) && a.UserID == x.Applicant.ID) {
		return true, nil
	}
	if x.Unit == nil {
		return false, nil
	}
	var q args
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.id = `+q.add(x.Unit.ID)+` AND `+reach(a, "u.path", &q, applicantRoles...), q...).Scan(&n); err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// UpdateApplication implements shishi.ServiceService.
func (d *DB) UpdateApplication(ctx context.Context, id int64, p shishi.ApplicationPatch) (*shishi.Application, error) {
	var out *shishi.Application
	err := d.tx(ctx, func(tx *sql.Tx) error {
		x, err := d.findApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := d.isApplicant(ctx, tx, x); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有申请人可以修改申请 / only the applicant changes an application")
		}
		if x.Status != shishi.AppDraft && x.Status != shishi.AppReturned {
			return shishi.Errorf(shishi.ECONFLICT, "只有草稿或退回的申请可以修改 / only a draft or a returned application can change")
		}
		s, err := d.findService(ctx, tx, x.Service.ID)
		if err != nil {
			return err
		}
		// A draft follows the current form; a returned application keeps
		// the version it was submitted under.
		form := &s.Form
		if x.Status == shishi.AppReturned {
			if form, err = d.findForm(ctx, tx, s.ID, x.FormVersion); err != nil {
				return err
			}
		}
		var v shishi.Validator
		title := x.Title
		if p.Title != nil {
			title = strings.TrimSpace(*p.Title)
			if n := len([]rune(title)); n < 1 || n > 200 {
				v.Add("title", "须为 1–200 字 / 1–200 characters")
			}
		}
		answers := []byte(x.Answers)
		if p.Answers != nil {
			a, err := form.ParseAnswers(p.Answers, true)
			if err != nil {
				for _, f := range shishi.ErrorFields(err) {
					v.Add(f.Field, f.Message)
				}
			} else if err := d.checkUploads(ctx, tx, &v, s.ID, id, form, a); err != nil {
				return err
			}
			answers = a
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET title = $1, answers = $2, form_version = $3, version = version + 1, updated_at = $4 WHERE id = $5`,
			title, string(answers), form.Version, d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.keepVersion(ctx, tx, id); err != nil {
			return err
		}
		if err := d.appEvent(ctx, tx, id, s.OwnerUnit.ID, "save", x.Status, x.Status, ""); err != nil {
			return err
		}
		out, err = d.findApplication(ctx, tx, id)
		return err
	})
	return out, err
}

// ApplicationVersions implements shishi.ServiceService.
func (d *DB) ApplicationVersions(ctx context.Context, id int64) ([]shishi.AppVersion, error) {
	if _, err := d.findApplication(ctx, d.db, id); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT version, form_version, title, answers, status, created_by, created_at FROM application_versions
		WHERE application_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.AppVersion
	for rows.Next() {
		var v shishi.AppVersion
		var answers string
		if err := rows.Scan(&v.Version, &v.FormVersion, &v.Title, &answers, &v.Status, &v.By, &v.At); err != nil {
			return nil, shishi.Internal(err)
		}
		v.Answers, v.At = json.RawMessage(answers), v.At.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// ApplicationHistory implements shishi.ServiceService.
func (d *DB) ApplicationHistory(ctx context.Context, id int64) ([]shishi.AppEvent, error) {
	if _, err := d.findApplication(ctx, d.db, id); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, action, from_status, to_status, note FROM application_events WHERE application_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.AppEvent
	for rows.Next() {
		var e shishi.AppEvent
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			return nil, shishi.Internal(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// ServiceOverview implements shishi.ServiceService.
func (d *DB) ServiceOverview(ctx context.Context) ([]shishi.StepCount, error) {
	var q args
	today := q.add(string(d.Today()))
	rows, err := d.db.QueryContext(ctx, `SELECT s.id, s.code, s.name, a.status, count(*),
		sum(CASE WHEN a.due <> '' AND a.due < `+today+` AND a.status IN `+stepList(&q)+` THEN 1 ELSE 0 END)
		FROM services s JOIN applications a ON a.service_id = s.id
		WHERE a.status <> 'draft' AND `+ownerSide(shishi.ActorFrom(ctx), &q)+`
		GROUP BY s.id, s.code, s.name, a.status ORDER BY s.id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.StepCount
	for rows.Next() {
		var ref shishi.ServiceRef
		var st shishi.AppStatus
		var n, late int
		if err := rows.Scan(&ref.ID, &ref.Code, &ref.Name, &st, &n, &late); err != nil {
			return nil, shishi.Internal(err)
		}
		if len(out) == 0 || out[len(out)-1].Service.ID != ref.ID {
			out = append(out, shishi.StepCount{Service: ref, Counts: map[shishi.AppStatus]int{}})
		}
		c := &out[len(out)-1]
		c.Counts[st] += n
		c.Overdue += late
	}
	return out, rows.Err()
}
