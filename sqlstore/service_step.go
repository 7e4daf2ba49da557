package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Step actions on applications: submit, withdraw, return, pass, assign,
// approve, reject, deliver, accept (shishi.AppTransitions). Each is one
// transaction with its history line and audit entry.

// actsForStep reports whether the actor holds the step's role (or the
// office) over the service's owner unit.
func (d *DB) actsForStep(ctx context.Context, db queryer, s *shishi.Service, k shishi.StepKind) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return true, nil
	}
	roles := []shishi.Role{shishi.RoleOffice}
	if st := s.Workflow.Step(k); st != nil && st.Role != shishi.RoleOffice {
		roles = append(roles, st.Role)
	}
	var q args
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.id = `+q.add(s.OwnerUnit.ID)+` AND `+reach(a, "u.path", &q, roles...), q...).Scan(&n); err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// ActOnApplication implements shishi.ServiceService.
func (d *DB) ActOnApplication(ctx context.Context, id int64, action string, in shishi.AppAction) (*shishi.Application, error) {
	var out *shishi.Application
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if err := lockApplication(ctx, tx, id); err != nil {
			return err
		}
		x, err := d.findApplication(ctx, tx, id)
		if err != nil {
			return err
		}
		// Who may act comes before when: the wrong side is told so
		// whatever state the application is in.
		t, stateErr := shishi.FindAppTransition(action, x.Status)
		if t.Action == "" {
			return stateErr
		}
		s, err := d.findService(ctx, tx, x.Service.ID)
		if err != nil {
			return err
		}
		var allowed bool
		if t.By == shishi.ByApplicant {
			allowed, err = d.isApplicant(ctx, tx, x)
		} else {
			allowed, err = d.actsForStep(ctx, tx, s, x.Status.Step())
		}
		if err != nil {
			return err
		}
		if !allowed {
			if t.By == shishi.ByApplicant {
				return shishi.Errorf(shishi.EFORBIDDEN, "只有申请人可以%s / only the applicant may %s", action, action)
			}
			return shishi.Errorf(shishi.EFORBIDDEN, "只有该步骤的办理人可以%s / only whoever acts at this step may %s", action, action)
		}
		if stateErr != nil {
			return stateErr
		}
		if err := in.Check(t); err != nil {
			return err
		}
		return d.act(ctx, tx, s, x, t, in, &out)
	})
	return out, err
}

// act carries out a checked transition.
func (d *DB) act(ctx context.Context, tx *sql.Tx, s *shishi.Service, x *shishi.Application, t shishi.AppTransition, in shishi.AppAction, out **shishi.Application) error {
	now := d.now()
	to := x.Status
	set := []string{}
	params := args{}
	next := func(k shishi.StepKind) shishi.AppStatus {
		if n := s.Workflow.Next(k); n != "" {
			return shishi.AppStatus(n)
		}
		return shishi.AppClosed
	}
	switch t.Action {
	case "submit":
		form := &s.Form
		if x.Status == shishi.AppReturned {
			var err error
			if form, err = d.findForm(ctx, tx, s.ID, x.FormVersion); err != nil {
				return err
			}
		} else if !s.Open(d.Today()) {
			return shishi.Errorf(shishi.ECONFLICT, "不在申请期内（%s–%s）/ outside the application window", s.OpensOn, s.ClosesOn)
		}
		answers, err := form.ParseAnswers(x.Answers, false)
		if err != nil {
			return err
		}
		to = shishi.AppStatus(s.Workflow.First())
		set = append(set, "answers = "+params.add(string(answers)), "form_version = "+params.add(form.Version),
			"submitted_at = "+params.add(now), "version = version + 1")
	case "withdraw":
		to = shishi.AppWithdrawn
	case "return":
		to = shishi.AppReturned
	case "pass":
		to = next(shishi.StepCheck)
	case "assign":
		if err := d.assign(ctx, tx, s, x, in.PoolID); err != nil {
			return err
		}
	case "approve":
		to = next(shishi.StepDecision)
		if s.Showcase {
			set = append(set, "selected = "+params.add(true), "selected_at = "+params.add(now))
		}
	case "reject":
		to = shishi.AppRejected
	case "deliver":
		del, err := d.deliver(ctx, tx, s, in)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(del)
		set = append(set, "delivery = "+params.add(string(b)))
		to = next(shishi.StepDelivery)
	case "accept":
		if err := d.allScored(ctx, tx, s, x.ID, shishi.StepAcceptance); err != nil {
			return err
		}
		to = next(shishi.StepAcceptance)
	}
	if to != x.Status {
		due := ""
		if k := to.Step(); k != "" {
			var err error
			if due, err = d.stepDue(s, k); err != nil {
				return err
			}
		}
		set = append(set, "status = "+params.add(string(to)), "due = "+params.add(due))
	}
	if in.Note != "" {
		set = append(set, "note = "+params.add(in.Note))
	}
	set = append(set, "updated_at = "+params.add(now))
	res, err := tx.ExecContext(ctx, `UPDATE applications SET `+strings.Join(set, ", ")+` WHERE id = `+params.add(x.ID)+` AND status = `+params.add(string(x.Status)), params...)
	if err != nil {
		return shishi.Internal(err)
	} else if n, _ := res.RowsAffected(); n != 1 {
		return shishi.Errorf(shishi.ECONFLICT, "申请状态已变化，请刷新 / the application changed meanwhile; reload")
	}
	if t.Action == "submit" {
		if err := d.keepVersion(ctx, tx, x.ID); err != nil {
			return err
		}
	}
	if err := d.appEvent(ctx, tx, x.ID, s.OwnerUnit.ID, t.Action, x.Status, to, in.Note); err != nil {
		return err
	}
	if err := d.tellApplicant(ctx, tx, x, t.Action, to, in.Note); err != nil {
		return err
	}
	*out, err = d.findApplication(shishi.WithActor(ctx, shishi.SystemActor()), tx, x.ID)
	return err
}

// deliver records a mailing, or issues the service's e-certificate
// through module E in the same transaction.
func (d *DB) deliver(ctx context.Context, tx *sql.Tx, s *shishi.Service, in shishi.AppAction) (*shishi.Delivery, error) {
	del := &shishi.Delivery{Method: in.Method, At: d.now()}
	switch in.Method {
	case shishi.DeliverMail:
		del.Carrier, del.Tracking = in.Carrier, in.Tracking
	case shishi.DeliverCertificate:
		if s.CredentialType == "" {
			return nil, shishi.Invalid(shishi.FieldError{Field: "method", Message: "该服务不签发电子证书 / this service issues no certificate"})
		}
		is, err := d.issueTx(ctx, tx, s.CredentialType, in.Subject)
		if err != nil {
			return nil, err
		}
		del.CertNumber, del.CredentialID = is.Credential.Number, is.Credential.ID
	}
	return del, nil
}

// appNews is what an applicant is told after each action of the office.
var appNews = map[string]string{"return": "已退回补正", "reject": "未通过", "approve": "已通过审批", "deliver": "已办结送达", "accept": "已通过验收"}

// tellApplicant leaves the applicant a notice (mailed when they asked
// for task mail) when the office returns, decides, delivers or accepts.
func (d *DB) tellApplicant(ctx context.Context, tx *sql.Tx, x *shishi.Application, action string, to shishi.AppStatus, note string) error {
	news, ok := appNews[action]
	if !ok {
		return nil
	}
	text := "您的申请《" + truncate(x.Title, 60) + "》" + news
	if note != "" {
		text += "：" + truncate(note, 200)
	}
	_, err := d.insertNotice(ctx, tx, x.Applicant.ID, "task", "item_id", 0, text+"（/app/applications/"+itoa(int(x.ID))+"）", "")
	return err
}

// lockApplication takes the application's row lock for the transaction,
// so that actions and scores on one application run one after another:
// on PostgreSQL two reviewers scoring at once would otherwise each miss
// the other's score and neither would move the application on, and two
// assignments could both add reviewers. (SQLite's write transactions
// are serial already.)
func lockApplication(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET version = version WHERE id = $1`, id); err != nil {
		return shishi.Internal(err)
	}
	return nil
}
