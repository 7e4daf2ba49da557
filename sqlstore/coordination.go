package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/shishi-edu/shishi"
)

// takesPart reports whether the actor works on the item: lead or
// cooperating unit in reach, or a campaign-wide role (public readers do
// not comment).
func (d *DB) takesPart(ctx context.Context, db queryer, a *shishi.Actor, itemID int64) (bool, error) {
	var q args
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*)`+itemFrom+`WHERE i.id = `+q.add(itemID)+` AND `+staffItemReach(d.postgres, a, &q), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// speaks reports whether the actor may write on an item's thread: the
// campaign's office, leaders and supervisors, and the operators and leaders
// of the lead and cooperating units. Roles that only read (the auditor,
// who changes nothing) or serve elsewhere (the administrator, complaint
// handlers, reviewers, issuers) do not.
func (d *DB) speaks(ctx context.Context, db queryer, a *shishi.Actor, itemID int64) (bool, error) {
	if a.IsSystem() {
		return true, nil
	}
	var q args
	var n int
	work := []shishi.Role{shishi.RoleOperator, shishi.RoleLeader}
	cond := "(" + reach(a, "cu.path", &q, shishi.RoleOffice, shishi.RoleLeader, shishi.RoleSupervisor) + " OR " + reach(a, "lu.path", &q, work...) +
		" OR EXISTS (SELECT 1 FROM item_units iu JOIN units xu ON xu.id = iu.unit_id WHERE iu.item_id = i.id AND " + reach(a, "xu.path", &q, work...) + "))"
	// The campaign's unit too: itemFrom does not join it.
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM items i JOIN campaigns c ON c.id = i.campaign_id JOIN units cu ON cu.id = c.unit_id
		JOIN units lu ON lu.id = i.lead_unit_id WHERE i.id = `+q.add(itemID)+` AND `+cond, q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// notify writes a notice; a non-empty dedup key sends it once per user.
// It reports whether a notice was written.
func (d *DB) notify(ctx context.Context, tx *sql.Tx, userID int64, kind string, itemID int64, text, dedup string) (bool, error) {
	return d.insertNotice(ctx, tx, userID, kind, "item_id", itemID, text, dedup)
}

// operatorsOf lists the active operators who hold their role at the unit
// itself or, with parent, at its parent too: the people who act for it.
func (d *DB) operatorsOf(ctx context.Context, tx *sql.Tx, unitID int64, parent bool) ([]int64, error) {
	depth := "gu.depth = lu.depth"
	if parent {
		depth = "gu.depth >= lu.depth - 1"
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT g.user_id FROM user_roles g JOIN users u ON u.id = g.user_id
		JOIN units gu ON gu.id = g.unit_id JOIN units lu ON lu.id = $1
		WHERE g.role = $2 AND u.disabled = $3 AND lu.path LIKE gu.path || '%' AND `+depth+` ORDER BY g.user_id`, unitID, string(shishi.RoleOperator), false)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var users []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, shishi.Internal(err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// AddComment implements shishi.CoordinationService.
func (d *DB) AddComment(ctx context.Context, itemID int64, body string) (*shishi.Comment, error) {
	body = strings.TrimSpace(body)
	if n := len([]rune(body)); n < 1 || n > 5000 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "body", Message: "留言须为 1–5000 字 / a comment must be 1–5000 characters"})
	}
	a := shishi.ActorFrom(ctx)
	var out *shishi.Comment
	err := d.tx(ctx, func(tx *sql.Tx) error {
		it, err := d.findItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if ok, err := d.speaks(ctx, tx, a, itemID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有牵头单位、配合单位和活动办可以留言 / only the lead and cooperating units and the office comment")
		}
		var notified []string
		for _, login := range shishi.Mentions(body) {
			var uid int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE login = $1 AND disabled = $2`, login, false).Scan(&uid); err != nil {
				continue // not a user: the text stays as written
			}
			other, err := d.actorForTx(ctx, tx, uid)
			if err != nil {
				continue
			}
			// Only someone who may see the item hears of it.
			if ok, err := d.takesPart(ctx, tx, other, itemID); err != nil {
				return err
			} else if !ok {
				continue
			}
			if _, err := d.notify(ctx, tx, uid, "mention", itemID, a.Name+" 在“"+it.Title+"”中提到了您："+truncate(body, 120), ""); err != nil {
				return err
			}
			notified = append(notified, login)
		}
		var id int64
		now := d.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO item_comments (item_id, user_id, body, mentions, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			itemID, a.UserID, body, strings.Join(notified, ","), now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "item.comment", "item", itemID, &it.LeadUnit.ID, map[string]any{"comment": id, "mentions": notified}); err != nil {
			return err
		}
		out = &shishi.Comment{ID: id, ItemID: itemID, Author: a.Login, AuthorName: a.Name, Body: body, Mentions: notified, CreatedAt: now}
		if out.Mentions == nil {
			out.Mentions = []string{}
		}
		return nil
	})
	return out, err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// actorForTx loads a user as an actor inside a transaction.
func (d *DB) actorForTx(ctx context.Context, tx *sql.Tx, userID int64) (*shishi.Actor, error) {
	a := &shishi.Actor{UserID: userID}
	if err := tx.QueryRowContext(ctx, `SELECT login, name, unit_id FROM users WHERE id = $1`, userID).Scan(&a.Login, &a.Name, &a.UnitID); err != nil {
		return nil, shishi.Internal(err)
	}
	g, err := d.grants(ctx, tx, userID)
	a.Grants = g
	return a, err
}

// FindComments implements shishi.CoordinationService.
func (d *DB) FindComments(ctx context.Context, itemID int64, p shishi.Page) ([]*shishi.Comment, int, error) {
	a := shishi.ActorFrom(ctx)
	if ok, err := d.takesPart(ctx, d.read(), a, itemID); err != nil {
		return nil, 0, err
	} else if !ok && !a.IsSystem() {
		return []*shishi.Comment{}, 0, nil
	}
	q := args{itemID}
	const from = ` FROM item_comments c JOIN users u ON u.id = c.user_id JOIN units un ON un.id = u.unit_id WHERE c.item_id = $1`
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("c.id", false).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT c.id, c.item_id, u.login, u.name, un.name, c.body, c.mentions, c.created_at`+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Comment{}
	for rows.Next() {
		var c shishi.Comment
		var mentions string
		if err := rows.Scan(&c.ID, &c.ItemID, &c.Author, &c.AuthorName, &c.UnitName, &c.Body, &mentions, &c.CreatedAt); err != nil {
			return nil, 0, shishi.Internal(err)
		}
		c.Mentions = []string{}
		if mentions != "" {
			c.Mentions = strings.Split(mentions, ",")
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, &c)
	}
	return out, total, rows.Err()
}

// AddTask implements shishi.CoordinationService.
func (d *DB) AddTask(ctx context.Context, itemID int64, in shishi.TaskInput) (*shishi.Task, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Task
	err := d.tx(ctx, func(tx *sql.Tx) error {
		it, err := d.findItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if ok, err := d.canOperate(ctx, tx, it); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有牵头单位或活动办可以交办任务 / only the lead unit or the office hands out tasks")
		}
		coop := false
		for _, u := range it.CoopUnits {
			coop = coop || u.ID == in.UnitID
		}
		if !coop {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "只能交办给本事项的配合单位 / tasks go to the item's cooperating units"})
		}
		a := shishi.ActorFrom(ctx)
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO item_tasks (item_id, unit_id, title, due, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			itemID, in.UnitID, in.Title, string(in.Due), string(shishi.TaskOpen), a.Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.itemEvent(ctx, tx, itemID, "task", "", "", "交办："+in.Title); err != nil {
			return err
		}
		// The unit's operators hear of it.
		users, err := d.operatorsOf(ctx, tx, in.UnitID, false)
		if err != nil {
			return err
		}
		for _, u := range users {
			if _, err := d.notify(ctx, tx, u, "task", itemID, "“"+it.Title+"”交办任务："+in.Title+"（"+string(in.Due)+" 前）", ""); err != nil {
				return err
			}
		}
		if err := d.appendAudit(ctx, tx, "item.task", "item", itemID, &in.UnitID, in); err != nil {
			return err
		}
		out, err = d.findTask(ctx, tx, id)
		return err
	})
	return out, err
}

const taskCols = `t.id, t.item_id, t.unit_id, u.name, t.title, t.due, t.status, t.created_by, t.created_at, t.done_by, t.done_at, t.note`

func scanTask(s interface{ Scan(...any) error }) (*shishi.Task, error) {
	var t shishi.Task
	var done sql.NullTime
	if err := s.Scan(&t.ID, &t.ItemID, &t.Unit.ID, &t.Unit.Name, &t.Title, &t.Due, &t.Status, &t.CreatedBy, &t.CreatedAt, &t.DoneBy, &done, &t.Note); err != nil {
		return nil, err
	}
	t.CreatedAt, t.DoneAt = t.CreatedAt.UTC(), nullTime(done)
	return &t, nil
}

func (d *DB) findTask(ctx context.Context, db queryer, id int64) (*shishi.Task, error) {
	t, err := scanTask(db.QueryRowContext(ctx, `SELECT `+taskCols+` FROM item_tasks t JOIN units u ON u.id = t.unit_id WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "任务不存在 / task %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return t, nil
}

// CompleteTask implements shishi.CoordinationService.
func (d *DB) CompleteTask(ctx context.Context, taskID int64, note string) (*shishi.Task, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 2000 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "note", Message: "说明不能超过 2000 字 / at most 2000 characters"})
	}
	var out *shishi.Task
	err := d.tx(ctx, func(tx *sql.Tx) error {
		t, err := d.findTask(ctx, tx, taskID)
		if err != nil {
			return err
		}
		it, err := d.findItem(ctx, tx, t.ItemID)
		if err != nil {
			return shishi.Errorf(shishi.ENOTFOUND, "任务不存在 / task %d not found", taskID)
		}
		a := shishi.ActorFrom(ctx)
		office, err := d.isOffice(ctx, tx, it.CampaignID)
		if err != nil {
			return err
		}
		var q args
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE u.id = `+q.add(t.Unit.ID)+` AND `+reach(a, "u.path", &q, shishi.RoleOperator), q...).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if !office && n == 0 {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有承办单位可以办结任务 / only the task's unit completes it")
		}
		if t.Status == shishi.TaskDone {
			return shishi.Errorf(shishi.ECONFLICT, "任务已办结 / the task is done already")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE item_tasks SET status = $1, done_by = $2, done_at = $3, note = $4 WHERE id = $5`,
			string(shishi.TaskDone), a.Login, d.now(), note, taskID); err != nil {
			return shishi.Internal(err)
		}
		if err := d.itemEvent(ctx, tx, t.ItemID, "task_done", "", "", "办结："+t.Title+"。"+note); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "item.task_done", "item", t.ItemID, &t.Unit.ID, map[string]any{"task": taskID, "note": note}); err != nil {
			return err
		}
		out, err = d.findTask(ctx, tx, taskID)
		return err
	})
	return out, err
}

// FindTasks implements shishi.CoordinationService.
func (d *DB) FindTasks(ctx context.Context, itemID int64, p shishi.Page) ([]*shishi.Task, int, error) {
	a := shishi.ActorFrom(ctx)
	if ok, err := d.takesPart(ctx, d.read(), a, itemID); err != nil {
		return nil, 0, err
	} else if !ok && !a.IsSystem() {
		return []*shishi.Task{}, 0, nil
	}
	q := args{itemID}
	const from = ` FROM item_tasks t JOIN units u ON u.id = t.unit_id WHERE t.item_id = $1`
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("t.id", false).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT `+taskCols+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// FindNotices implements shishi.CoordinationService.
func (d *DB) FindNotices(ctx context.Context, p shishi.Page) ([]*shishi.Notice, int, int, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return []*shishi.Notice{}, 0, 0, nil
	}
	// An e-mail verification code goes out by mail only: shown in the
	// account's own notices, it would let whoever signed up with somebody
	// else's address (and so knows the password) verify it.
	var total, unread int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*), count(read_at) FROM notices WHERE user_id = $1 AND kind <> 'verify'`, a.UserID).Scan(&total, &unread); err != nil {
		return nil, 0, 0, shishi.Internal(err)
	}
	unread = total - unread
	if p.Limit == 0 {
		p.Limit = 50 // a user's notices grow without bound: never all at once
	}
	q := args{a.UserID}
	cond, tail := byID("id", true).page(p, &q)
	rows, err := d.read().QueryContext(ctx, `SELECT id, kind, item_id, complaint_id, finding_id, text, at, read_at FROM notices WHERE user_id = $1 AND kind <> 'verify'`+cond+tail, q...)
	if err != nil {
		return nil, 0, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Notice{}
	for rows.Next() {
		var n shishi.Notice
		var item, complaint, finding sql.NullInt64
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.Kind, &item, &complaint, &finding, &n.Text, &n.At, &read); err != nil {
			return nil, 0, 0, shishi.Internal(err)
		}
		n.ItemID, n.ComplaintID, n.FindingID, n.At, n.ReadAt = item.Int64, complaint.Int64, finding.Int64, n.At.UTC(), nullTime(read)
		out = append(out, &n)
	}
	return out, total, unread, rows.Err()
}

// ReadNotice implements shishi.CoordinationService.
func (d *DB) ReadNotice(ctx context.Context, id int64) error {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / please sign in")
	}
	q, params := `UPDATE notices SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, []any{d.now(), a.UserID}
	if id > 0 {
		q += ` AND id = $3`
		params = append(params, id)
	}
	if _, err := d.db.ExecContext(ctx, q, params...); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

var _ shishi.CoordinationService = (*DB)(nil)
