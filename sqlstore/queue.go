package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

const jobCols = `j.id, j.kind, j.payload, j.unit_id, j.status, j.attempts, j.max_attempts, j.run_at, j.lease_until, j.worker, j.last_error, j.created_at, j.done_at`

func scanJob(s interface{ Scan(...any) error }) (*shishi.Job, error) {
	var j shishi.Job
	var payload string
	var unit sql.NullInt64
	var lease, done sql.NullTime
	if err := s.Scan(&j.ID, &j.Kind, &payload, &unit, &j.Status, &j.Attempts, &j.MaxAttempts, &j.RunAt, &lease, &j.Worker, &j.LastError, &j.CreatedAt, &done); err != nil {
		return nil, err
	}
	j.Payload = json.RawMessage(payload)
	if unit.Valid {
		j.UnitID = &unit.Int64
	}
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	j.LeaseUntil, j.DoneAt = nullTime(lease), nullTime(done)
	return &j, nil
}

// enqueue adds a job inside the caller's transaction, so the job exists
// exactly when the change that causes it does. A job whose kind and dedup
// key are queued already is not added again (id 0).
func (d *DB) enqueue(ctx context.Context, tx *sql.Tx, in shishi.JobInput) (int64, error) {
	if in.Kind == "" {
		return 0, shishi.Invalid(shishi.FieldError{Field: "kind", Message: "任务类型不能为空 / a job kind is required"})
	}
	payload := []byte("{}")
	if in.Payload != nil {
		var err error
		if payload, err = json.Marshal(in.Payload); err != nil {
			return 0, shishi.Internal(err)
		}
	}
	if in.MaxAttempts <= 0 {
		in.MaxAttempts = shishi.DefaultMaxAttempts
	}
	now := d.now()
	if in.RunAt.IsZero() || in.RunAt.Before(now) {
		in.RunAt = now
	}
	var dedup any
	if in.Dedup != "" {
		dedup = in.Dedup
	}
	var unit any
	if in.UnitID != nil {
		unit = *in.UnitID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, dedup, unit_id, status, max_attempts, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kind, dedup) WHERE dedup IS NOT NULL DO NOTHING RETURNING id`,
		in.Kind, string(payload), dedup, unit, string(shishi.JobQueued), in.MaxAttempts, in.RunAt.UTC().Truncate(time.Microsecond), now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, shishi.Internal(err)
	}
	return id, nil
}

// Enqueue implements shishi.QueueService.
func (d *DB) Enqueue(ctx context.Context, in shishi.JobInput) (*shishi.Job, error) {
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以添加任务 / only an administrator enqueues jobs")
	}
	var out *shishi.Job
	err := d.tx(ctx, func(tx *sql.Tx) error {
		id, err := d.enqueue(ctx, tx, in)
		if err != nil || id == 0 {
			return err
		}
		out, err = d.findJob(ctx, tx, id)
		return err
	})
	return out, err
}

func (d *DB) findJob(ctx context.Context, db queryer, id int64) (*shishi.Job, error) {
	j, err := scanJob(db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs j WHERE j.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "任务不存在 / job %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return j, nil
}

// ClaimJobs implements shishi.QueueService. On PostgreSQL the candidate rows
// are locked FOR UPDATE SKIP LOCKED, so concurrent claimers pass over each
// other's rows instead of waiting or taking them twice; SQLite runs the
// same statement in an immediate (write-locked) transaction, one writer at
// a time. Running jobs whose lease ran out with no attempts left become
// dead letters first.
func (d *DB) ClaimJobs(ctx context.Context, worker string, kinds []string, n int, lease time.Duration) ([]*shishi.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	now := d.now()
	var out []*shishi.Job
	err := d.jobsTx(ctx, func(tx *sql.Tx) error {
		var e args
		dead, eNow, eRunning := e.add(string(shishi.JobDead)), e.add(now), e.add(string(shishi.JobRunning))
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = `+dead+`, lease_until = NULL, done_at = `+eNow+`,
			last_error = 'lease expired on the last attempt (worker stopped?) / 最后一次尝试时租约到期' || CASE WHEN last_error = '' THEN '' ELSE ': ' || last_error END
			WHERE status = `+eRunning+` AND lease_until < `+eNow+` AND attempts >= max_attempts AND kind IN (`+strList(&e, kinds)+`)`, e...); err != nil {
			return shishi.Internal(err)
		}
		var q args
		kindIn := strList(&q, kinds)
		pNow, pRunning := q.add(now), q.add(string(shishi.JobRunning))
		lock := ""
		pick := "IN (SELECT"
		if d.postgres {
			lock = " FOR UPDATE SKIP LOCKED"
			pick = "= ANY(ARRAY(SELECT"
		}
		pQueued := q.add(string(shishi.JobQueued))
		sub := ` j.id FROM jobs j WHERE j.kind IN (` + kindIn + `) AND ((j.status = ` + pQueued + ` AND j.run_at <= ` + pNow + `) OR (j.status = ` + pRunning +
			` AND j.lease_until < ` + pNow + `)) ORDER BY j.run_at, j.id LIMIT ` + q.add(n) + lock
		closeSub := ")"
		if d.postgres {
			closeSub = "))"
		}
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET status = `+pRunning+`, attempts = attempts + 1, lease_until = `+q.add(now.Add(lease))+`, worker = `+q.add(worker)+`
			WHERE id `+pick+sub+closeSub+` RETURNING `+strings.ReplaceAll(jobCols, "j.", ""), q...)
		if err != nil {
			return shishi.Internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return shishi.Internal(err)
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order; hand them out oldest first.
	for i := 1; i < len(out); i++ {
		for k := i; k > 0 && out[k].ID < out[k-1].ID; k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	return out, nil
}

// strList adds each value as a parameter and returns "$1, $2, …".
func strList(q *args, vals []string) string {
	in := make([]string, len(vals))
	for i, v := range vals {
		in[i] = q.add(v)
	}
	return strings.Join(in, ", ")
}

var errLostClaim = shishi.Errorf(shishi.ECONFLICT, "任务已被其他进程接手 / the job's claim was lost to another worker")

// completeJob marks a claimed job done in tx, fenced by its attempt.
func (d *DB) completeJob(ctx context.Context, tx *sql.Tx, j *shishi.Job) error {
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = $1, done_at = $2, lease_until = NULL, last_error = '' WHERE id = $3 AND attempts = $4 AND status = $5`,
		string(shishi.JobDone), d.now(), j.ID, j.Attempts, string(shishi.JobRunning))
	if err != nil {
		return shishi.Internal(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	// Finished already by this very claim (a handler that completes its
	// job in its own transaction): nothing to do.
	var st shishi.JobStatus
	var att int
	if err := tx.QueryRowContext(ctx, `SELECT status, attempts FROM jobs WHERE id = $1`, j.ID).Scan(&st, &att); err != nil {
		return errLostClaim
	}
	if st == shishi.JobDone && att == j.Attempts {
		return nil
	}
	return errLostClaim
}

// CompleteJob implements shishi.QueueService.
func (d *DB) CompleteJob(ctx context.Context, j *shishi.Job) error {
	return d.jobsTx(ctx, func(tx *sql.Tx) error { return d.completeJob(ctx, tx, j) })
}

// FailJob implements shishi.QueueService.
func (d *DB) FailJob(ctx context.Context, j *shishi.Job, runErr error, retryAt time.Time) (bool, error) {
	msg := "error"
	if runErr != nil {
		msg = truncate(runErr.Error(), 2000)
	}
	dead := retryAt.IsZero() || j.Attempts >= j.MaxAttempts
	now := d.now()
	var res sql.Result
	var err error
	if dead {
		res, err = d.db.ExecContext(ctx, `UPDATE jobs SET status = $1, last_error = $2, lease_until = NULL, done_at = $3 WHERE id = $4 AND attempts = $5 AND status = $6`,
			string(shishi.JobDead), msg, now, j.ID, j.Attempts, string(shishi.JobRunning))
	} else {
		res, err = d.db.ExecContext(ctx, `UPDATE jobs SET status = $1, last_error = $2, lease_until = NULL, run_at = $3 WHERE id = $4 AND attempts = $5 AND status = $6`,
			string(shishi.JobQueued), msg, retryAt.UTC().Truncate(time.Microsecond), j.ID, j.Attempts, string(shishi.JobRunning))
	}
	if err != nil {
		return false, shishi.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, errLostClaim
	}
	return dead, nil
}

// jobReach is the condition under which the actor (an admin) sees job j:
// jobs of units in reach, and unit-less ones for an admin at a top unit.
func jobReach(a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	top := "EXISTS (SELECT 1 FROM user_roles tg JOIN units tu ON tu.id = tg.unit_id WHERE tg.user_id = " + q.add(a.UserID) +
		" AND tg.role = " + q.add(string(shishi.RoleAdmin)) + " AND tu.parent_id IS NULL" + tokenLimit(a, "tg.role", "tu.path", q) + ")"
	return "((j.unit_id IS NULL AND " + top + ") OR (j.unit_id IS NOT NULL AND " + unitInReach(a, "j.unit_id", q, shishi.RoleAdmin) + "))"
}

// FindJobs implements shishi.QueueService.
func (d *DB) FindJobs(ctx context.Context, f shishi.JobFilter) ([]*shishi.Job, int, error) {
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, 0, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以查看任务队列 / only administrators see the job queue")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, shishi.Invalid(shishi.FieldError{Field: "status", Message: "未知状态 / unknown status"})
	}
	var q args
	where := jobReach(a, &q)
	if f.Status != "" {
		where += " AND j.status = " + q.add(string(f.Status))
	}
	if f.Kind != "" {
		where += " AND j.kind = " + q.add(f.Kind)
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM jobs j WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND j.id < " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+jobCols+` FROM jobs j WHERE `+where+` ORDER BY j.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

// RetryJob implements shishi.QueueService.
func (d *DB) RetryJob(ctx context.Context, id int64) (*shishi.Job, error) {
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以重试任务 / only administrators retry jobs")
	}
	var out *shishi.Job
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var q args
		j, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs j WHERE j.id = `+q.add(id)+` AND `+jobReach(a, &q), q...))
		if errors.Is(err, sql.ErrNoRows) {
			return shishi.Errorf(shishi.ENOTFOUND, "任务不存在 / job %d not found", id)
		} else if err != nil {
			return shishi.Internal(err)
		}
		if j.Status != shishi.JobDead {
			return shishi.Errorf(shishi.ECONFLICT, "只有失败的任务可以重试 / only a dead job can be retried (this one is %s)", j.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET status = $1, attempts = 0, run_at = $2, done_at = NULL WHERE id = $3`,
			string(shishi.JobQueued), d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "job.retry", "job", id, j.UnitID, map[string]any{"kind": j.Kind, "last_error": j.LastError}); err != nil {
			return err
		}
		out, err = d.findJob(ctx, tx, id)
		return err
	})
	return out, err
}

// PurgeJobs implements shishi.QueueService.
func (d *DB) PurgeJobs(ctx context.Context, before time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM jobs WHERE status = $1 AND done_at < $2`, string(shishi.JobDone), before.UTC())
	if err != nil {
		return 0, shishi.Internal(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RunProbe implements shishi.ProbeService.
func (d *DB) RunProbe(ctx context.Context, j *shishi.Job) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_probes (job_id, worker, at) VALUES ($1, $2, $3)`, j.ID, j.Worker, d.now()); err != nil {
			return shishi.Internal(err)
		}
		return d.completeJob(ctx, tx, j)
	})
}

var (
	_ shishi.QueueService = (*DB)(nil)
	_ shishi.ProbeService = (*DB)(nil)
)
