package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"

	"github.com/shishi-edu/shishi"
)

// Expert review of applications: pools, conflict-free assignment, scoring
// and ranking. Conflicts are excluded in the assignment query itself: an
// expert whose unit is the applying unit or lies under it, or who declared
// a conflict with the applying unit (or a unit above it), is never chosen.

// CreatePool implements shishi.ReviewService.
func (d *DB) CreatePool(ctx context.Context, in shishi.PoolInput) (*shishi.Pool, error) {
	if a := shishi.ActorFrom(ctx); in.OwnerUnitID == 0 && a != nil {
		in.OwnerUnitID = a.UnitID
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Pool
	err := d.tx(ctx, func(tx *sql.Tx) error {
		owner, err := d.findUnit(ctx, tx, in.OwnerUnitID, shishi.RoleOffice)
		if err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以组建专家库 / only an office forms reviewer pools")
		}
		var users, units []int64
		for _, m := range in.Members {
			users = append(users, m.UserID)
			units = append(units, m.ConflictUnitIDs...)
		}
		var v shishi.Validator
		var q args
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE disabled = `+q.add(false)+` AND id IN `+inList(&q, users), q...).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		v.Check(n == len(users), "members", "有专家不存在或已停用 / a member is unknown or disabled")
		if len(units) > 0 {
			q = nil
			if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT id) FROM units WHERE id IN `+inList(&q, units), q...).Scan(&n); err != nil {
				return shishi.Internal(err)
			}
			v.Check(n == len(distinct(units)), "members", "回避单位不存在 / a conflict unit is unknown")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO reviewer_pools (owner_unit_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			owner.ID, in.Name, d.now()).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		for _, m := range in.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reviewer_pool_members (pool_id, user_id) VALUES ($1, $2)`, id, m.UserID); err != nil {
				return shishi.Internal(err)
			}
			for _, u := range distinct(m.ConflictUnitIDs) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO reviewer_conflicts (pool_id, user_id, unit_id) VALUES ($1, $2, $3)`, id, m.UserID, u); err != nil {
					return shishi.Internal(err)
				}
			}
		}
		if err := d.appendAudit(ctx, tx, "pool.create", "reviewer_pool", id, &owner.ID, map[string]any{"name": in.Name, "members": len(in.Members)}); err != nil {
			return err
		}
		ps, err := d.loadPools(ctx, tx, "p.id = $1", args{id})
		out = ps[0]
		return err
	})
	return out, err
}

func distinct(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// FindPools implements shishi.ReviewService.
func (d *DB) FindPools(ctx context.Context) ([]*shishi.Pool, error) {
	var q args
	return d.loadPools(ctx, d.db, unitInReach(shishi.ActorFrom(ctx), "p.owner_unit_id", &q, shishi.RoleOffice, shishi.RoleLeader), q)
}

func (d *DB) loadPools(ctx context.Context, db queryer, where string, q args) ([]*shishi.Pool, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.id, p.owner_unit_id, u.name, p.name, p.created_at FROM reviewer_pools p JOIN units u ON u.id = p.owner_unit_id
		WHERE `+where+` ORDER BY p.id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	var out []*shishi.Pool
	byID := map[int64]*shishi.Pool{}
	for rows.Next() {
		p := &shishi.Pool{Members: []shishi.PoolMember{}}
		if err := rows.Scan(&p.ID, &p.OwnerUnit.ID, &p.OwnerUnit.Name, &p.Name, &p.CreatedAt); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		out = append(out, p)
		byID[p.ID] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	var mq args
	rows, err = db.QueryContext(ctx, `SELECT m.pool_id, u.id, u.login, u.name, uu.id, uu.name, COALESCE(c.unit_id, 0), COALESCE(cu.name, '')
		FROM reviewer_pool_members m JOIN users u ON u.id = m.user_id JOIN units uu ON uu.id = u.unit_id
		LEFT JOIN reviewer_conflicts c ON c.pool_id = m.pool_id AND c.user_id = m.user_id LEFT JOIN units cu ON cu.id = c.unit_id
		WHERE m.pool_id IN `+inList(&mq, ids)+` ORDER BY m.pool_id, u.id, c.unit_id`, mq...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pool int64
		var m shishi.PoolMember
		var c shishi.UnitRef
		if err := rows.Scan(&pool, &m.User.ID, &m.User.Login, &m.User.Name, &m.Unit.ID, &m.Unit.Name, &c.ID, &c.Name); err != nil {
			return nil, shishi.Internal(err)
		}
		p := byID[pool]
		if n := len(p.Members); n == 0 || p.Members[n-1].User.ID != m.User.ID {
			m.User.UnitName = m.Unit.Name
			m.Conflicts = []shishi.UnitRef{}
			p.Members = append(p.Members, m)
		}
		if c.ID != 0 {
			last := &p.Members[len(p.Members)-1]
			last.Conflicts = append(last.Conflicts, c)
		}
	}
	return out, rows.Err()
}

// assign gives an application as many experts of the pool as its step
// needs, all or none, least-loaded first, never one with a conflict.
func (d *DB) assign(ctx context.Context, tx *sql.Tx, s *shishi.Service, x *shishi.Application, poolID int64) error {
	stage := x.Status.Step()
	st := s.Workflow.Step(stage)
	var q args
	var poolOK int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reviewer_pools p WHERE p.id = `+q.add(poolID)+` AND `+
		unitInReach(shishi.ActorFrom(ctx), "p.owner_unit_id", &q, shishi.RoleOffice, shishi.RoleLeader), q...).Scan(&poolOK); err != nil {
		return shishi.Internal(err)
	} else if poolOK == 0 {
		return shishi.Invalid(shishi.FieldError{Field: "pool_id", Message: "专家库不存在或无权使用 / no such pool, or not yours"})
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM app_reviews WHERE application_id = $1 AND stage = $2`, x.ID, string(stage)).Scan(&have); err != nil {
		return shishi.Internal(err)
	}
	need := st.Reviewers - have
	if need <= 0 {
		return shishi.Errorf(shishi.ECONFLICT, "已分配 %d 位专家 / %d reviewers are assigned already", have, have)
	}
	q = nil
	cond := ""
	if x.Unit != nil {
		// The applying unit's path, against the expert's unit (same unit
		// or below it), the units where the expert holds a role (any role
		// at or below it, or one that acts for the applicant above it) and
		// declared conflicts (the unit or above).
		path := "(SELECT path FROM units WHERE id = " + q.add(x.Unit.ID) + ")"
		cond = ` AND NOT (uu.path LIKE ` + path + ` || '%')
			AND NOT EXISTS (SELECT 1 FROM user_roles g JOIN units gu ON gu.id = g.unit_id
				WHERE g.user_id = m.user_id AND (gu.path LIKE ` + path + ` || '%'
					OR (` + path + ` LIKE gu.path || '%' AND g.role IN (` + q.add(string(shishi.RoleOperator)) + `, ` + q.add(string(shishi.RoleLeader)) + `))))
			AND NOT EXISTS (SELECT 1 FROM reviewer_conflicts c JOIN units cu ON cu.id = c.unit_id
				WHERE c.pool_id = m.pool_id AND c.user_id = m.user_id AND ` + path + ` LIKE cu.path || '%')`
	}
	rows, err := tx.QueryContext(ctx, `SELECT m.user_id FROM reviewer_pool_members m JOIN users u ON u.id = m.user_id JOIN units uu ON uu.id = u.unit_id
		WHERE m.pool_id = `+q.add(poolID)+` AND u.disabled = `+q.add(false)+` AND m.user_id <> `+q.add(x.Applicant.ID)+cond+`
		AND NOT EXISTS (SELECT 1 FROM app_reviews r WHERE r.application_id = `+q.add(x.ID)+` AND r.stage = `+q.add(string(stage))+` AND r.reviewer_id = m.user_id)
		ORDER BY (SELECT count(*) FROM app_reviews r2 WHERE r2.reviewer_id = m.user_id AND r2.scored_at IS NULL), m.user_id
		LIMIT `+q.add(need), q...)
	if err != nil {
		return shishi.Internal(err)
	}
	var chosen []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		chosen = append(chosen, u)
	}
	rows.Close()
	if len(chosen) < need {
		return shishi.Errorf(shishi.ECONFLICT, "专家库中无利益冲突的专家只有 %d 位，需要 %d 位 / only %d reviewers without a conflict, %d needed", len(chosen), need, len(chosen), need)
	}
	for i, u := range chosen {
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_reviews (application_id, stage, seq, reviewer_id, due, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			x.ID, string(stage), have+i+1, u, x.Due, d.now()); err != nil {
			return shishi.Internal(err)
		}
		text := "评审任务：《" + truncate(x.Title, 60) + "》（" + stage.Label(false) + "），请于 " + string(x.Due) + " 前在评审工作台评分（/app/reviews）"
		if _, err := d.insertNotice(ctx, tx, u, "task", "item_id", 0, text, ""); err != nil {
			return err
		}
	}
	return d.appendAudit(ctx, tx, "review.assign", "application", x.ID, &s.OwnerUnit.ID, map[string]any{"stage": stage, "reviewers": chosen, "pool": poolID})
}

// allScored checks that the stage has its experts and all have scored.
func (d *DB) allScored(ctx context.Context, db queryer, s *shishi.Service, appID int64, stage shishi.StepKind) error {
	var n, scored int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(scored_at) FROM app_reviews WHERE application_id = $1 AND stage = $2`, appID, string(stage)).Scan(&n, &scored); err != nil {
		return shishi.Internal(err)
	}
	if st := s.Workflow.Step(stage); st == nil || n < st.Reviewers || scored < n {
		return shishi.Errorf(shishi.ECONFLICT, "专家评分未完成（%d/%d）/ the reviewers have not all scored (%d of %d)", scored, n, scored, n)
	}
	return nil
}

const reviewCols = `r.id, r.application_id, s.code, a.title, r.stage, r.seq, r.reviewer_id, ru.login, ru.name, r.due, r.scores, r.total, r.comment, r.scored_at, r.created_at`

const reviewFrom = ` FROM app_reviews r JOIN applications a ON a.id = r.application_id JOIN services s ON s.id = a.service_id JOIN users ru ON ru.id = r.reviewer_id `

// FindReviews implements shishi.ReviewService. A reviewer gets only their
// own reviews; the owner's side gets an application's reviews with names.
func (d *DB) FindReviews(ctx context.Context, f shishi.ReviewFilter) ([]*shishi.Review, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / sign in")
	}
	var q args
	where := "1=0"
	if personal(a) {
		where = "r.reviewer_id = " + q.add(a.UserID)
	}
	if !f.Mine {
		where = "(" + where + " OR " + ownerSide(a, &q) + ")"
	}
	if f.ApplicationID > 0 {
		where += " AND r.application_id = " + q.add(f.ApplicationID)
	}
	if f.Open {
		where += " AND r.scored_at IS NULL AND a.status = r.stage"
	}
	return d.loadReviews(ctx, d.db, where+" ORDER BY r.application_id, r.stage, r.seq", q)
}

func (d *DB) loadReviews(ctx context.Context, db queryer, where string, q args) ([]*shishi.Review, error) {
	a := shishi.ActorFrom(ctx)
	rows, err := db.QueryContext(ctx, `SELECT `+reviewCols+reviewFrom+`WHERE `+where, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	today := d.Today()
	owner := map[int64]bool{} // application → the actor is on its owner's side
	var out []*shishi.Review
	for rows.Next() {
		var r shishi.Review
		var who shishi.UserRef
		var scores string
		var total sql.NullFloat64
		var scored sql.NullTime
		if err := rows.Scan(&r.ID, &r.Application.ID, &r.Application.Code, &r.Application.Name, &r.Stage, &r.Seq, &who.ID, &who.Login, &who.Name,
			&r.Due, &scores, &total, &r.Comment, &scored, &r.CreatedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		if scores != "" {
			if err := json.Unmarshal([]byte(scores), &r.Scores); err != nil {
				return nil, shishi.Internal(err)
			}
		}
		if total.Valid {
			r.Total = &total.Float64
		}
		r.ScoredAt, r.CreatedAt = nullTime(scored), r.CreatedAt.UTC()
		r.Overdue = r.ScoredAt == nil && r.Due != "" && r.Due < today
		if a.IsSystem() || who.ID == a.UserID {
			r.Reviewer = &who
		} else {
			ok, seen := owner[r.Application.ID]
			if !seen {
				var sid int64
				if err := db.QueryRowContext(ctx, `SELECT service_id FROM applications WHERE id = $1`, r.Application.ID).Scan(&sid); err != nil {
					return nil, shishi.Internal(err)
				}
				if ok, err = d.isOwnerSide(ctx, db, sid); err != nil {
					return nil, err
				}
				owner[r.Application.ID] = ok
			}
			if ok {
				r.Reviewer = &who
			}
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// ScoreReview implements shishi.ReviewService.
func (d *DB) ScoreReview(ctx context.Context, id int64, in shishi.ScoreInput) (*shishi.Review, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / sign in")
	}
	if !personal(a) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "受限令牌不能评审 / a limited token cannot score reviews")
	}
	var out *shishi.Review
	err := d.tx(ctx, func(tx *sql.Tx) error {
		rs, err := d.loadReviews(ctx, tx, "r.id = $1 AND r.reviewer_id = $2", args{id, a.UserID})
		if err != nil {
			return err
		} else if len(rs) == 0 {
			return shishi.Errorf(shishi.ENOTFOUND, "评审任务不存在 / review %d not found", id)
		}
		r := rs[0]
		if err := lockApplication(ctx, tx, r.Application.ID); err != nil {
			return err
		}
		if rs, err = d.loadReviews(ctx, tx, "r.id = $1", args{id}); err != nil {
			return err
		}
		r = rs[0] // as it stands under the lock
		if r.ScoredAt != nil {
			return shishi.Errorf(shishi.ECONFLICT, "已评分，不能修改 / scored already")
		}
		sys := shishi.WithActor(ctx, shishi.SystemActor())
		x, err := d.findApplication(sys, tx, r.Application.ID)
		if err != nil {
			return err
		}
		if x.Status.Step() != r.Stage {
			return shishi.Errorf(shishi.ECONFLICT, "申请已不在该评审环节 / the application has moved on")
		}
		s, err := d.findService(ctx, tx, x.Service.ID)
		if err != nil {
			return err
		}
		total, faults := s.Rubric.Total(in.Scores)
		var v shishi.Validator
		for _, f := range faults {
			v.Add(f.Field, f.Message)
		}
		if n := len([]rune(in.Comment)); n > 5000 {
			v.Add("comment", "不能超过 5000 字 / at most 5000 characters")
		}
		if err := v.Err(); err != nil {
			return err
		}
		b, _ := json.Marshal(in.Scores)
		if _, err := tx.ExecContext(ctx, `UPDATE app_reviews SET scores = $1, total = $2, comment = $3, scored_at = $4 WHERE id = $5`,
			string(b), total, in.Comment, d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "review.score", "application", x.ID, &s.OwnerUnit.ID, map[string]any{"review": id, "total": total}); err != nil {
			return err
		}
		// The last score of the review step moves the application on.
		if r.Stage == shishi.StepReview && d.allScored(ctx, tx, s, x.ID, shishi.StepReview) == nil {
			to := shishi.AppClosed
			if n := s.Workflow.Next(shishi.StepReview); n != "" {
				to = shishi.AppStatus(n)
			}
			due, err := d.stepDue(s, to.Step())
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, due = $2, updated_at = $3 WHERE id = $4`, string(to), due, d.now(), x.ID); err != nil {
				return shishi.Internal(err)
			}
			// Recorded as the system: the history is read by every reviewer
			// of the application, who must not learn who else scored it.
			if err := d.appEvent(sys, tx, x.ID, s.OwnerUnit.ID, "reviewed", x.Status, to, ""); err != nil {
				return err
			}
		}
		rs, err = d.loadReviews(ctx, tx, "r.id = $1", args{id})
		out = rs[0]
		return err
	})
	return out, err
}

// Ranking implements shishi.ReviewService: the owner's side only.
func (d *DB) Ranking(ctx context.Context, serviceID int64, stage shishi.StepKind) ([]shishi.Ranked, error) {
	if stage != shishi.StepReview && stage != shishi.StepAcceptance {
		return nil, shishi.Invalid(shishi.FieldError{Field: "stage", Message: "须为 review 或 acceptance / must be review or acceptance"})
	}
	if ok, err := d.isOwnerSide(ctx, d.db, serviceID); err != nil {
		return nil, err
	} else if !ok {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "服务不存在或无权查看排名 / service %d not found", serviceID)
	}
	return d.rank(ctx, d.db, serviceID, stage)
}

// rank aggregates every application of the service with reviews at stage
// and ranks them by trimmed mean (ties share a rank).
func (d *DB) rank(ctx context.Context, db queryer, serviceID int64, stage shishi.StepKind) ([]shishi.Ranked, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.id, s.code, a.title, a.unit_id, COALESCE(u.name, ''), a.status, r.total
		FROM app_reviews r JOIN applications a ON a.id = r.application_id JOIN services s ON s.id = a.service_id LEFT JOIN units u ON u.id = a.unit_id
		WHERE a.service_id = $1 AND r.stage = $2 ORDER BY a.id, r.seq`, serviceID, string(stage))
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.Ranked
	for rows.Next() {
		var x shishi.Ranked
		var unit sql.NullInt64
		var unitName string
		var total sql.NullFloat64
		if err := rows.Scan(&x.Application.ID, &x.Application.Code, &x.Application.Name, &unit, &unitName, &x.Status, &total); err != nil {
			return nil, shishi.Internal(err)
		}
		if n := len(out); n == 0 || out[n-1].Application.ID != x.Application.ID {
			if unit.Valid {
				x.Unit = &shishi.UnitRef{ID: unit.Int64, Name: unitName}
			}
			x.Score = shishi.ScoreSummary{Stage: stage, Totals: []float64{}}
			out = append(out, x)
		}
		sc := &out[len(out)-1].Score
		sc.Assigned++
		if total.Valid {
			sc.Scored++
			sc.Totals = append(sc.Totals, total.Float64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	for i := range out {
		sc := &out[i].Score
		sc.Mean, sc.Trimmed = shishi.Mean(sc.Totals), shishi.TrimmedMean(sc.Totals)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score.Trimmed > out[j].Score.Trimmed })
	for i := range out {
		out[i].Score.Rank = i + 1
		if i > 0 && out[i].Score.Trimmed == out[i-1].Score.Trimmed {
			out[i].Score.Rank = out[i-1].Score.Rank
		}
	}
	return out, nil
}
