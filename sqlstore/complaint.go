package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/shishi-edu/shishi"
)

// sealReporter is the keyring purpose of a reporter's identity; bound as
// associated data, so the ciphertext cannot be moved to another column.
const sealReporter = "complaint-reporter"

// codeAlphabet is Crockford's base32 without I, L, O and U: codes are read
// out over the phone and typed from paper.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomCode(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// newTracking returns a tracking code (JB + 8 characters, 40 bits: unique,
// not secret) that begins with shared, and a secret (12 characters, 60
// bits, hashed at rest).
func newTracking(shared string) (code, secret string) {
	c, s := randomCode(8-len(shared)), randomCode(12)
	return "JB" + shared + c, s[:4] + "-" + s[4:8] + "-" + s[8:]
}

// normCode and normSecret accept what people type: spaces, dashes, lower case.
func normCode(c string) string {
	return strings.ToUpper(codeSpacing.Replace(strings.TrimSpace(c)))
}

// codeSpacing is built once: building a Replacer per call was 7 % of the
// submission writer's time under load.
var codeSpacing = strings.NewReplacer(" ", "", "-", "")

func normSecret(s string) string { return normCode(s) }

func secretHash(code, secret string) string {
	sum := sha256.Sum256([]byte("shishi-complaint:" + normCode(code) + ":" + normSecret(secret)))
	return hex.EncodeToString(sum[:])
}

// cal returns the working-day calendar, which the application sets.
func (d *DB) cal() (shishi.Calendar, error) {
	if d.Calendar == nil {
		return nil, shishi.Internal(errors.New("sqlstore: no working-day calendar configured"))
	}
	return d.Calendar, nil
}

// today is the store clock's day in Beijing.
func (d *DB) today() shishi.Date { return shishi.DateOf(d.now()) }

const complaintCols = `c.id, c.code, c.category, cc.name, cc.name_en, c.unit_id, cu.name, c.desk_unit_id, dk.name,
	c.assigned_unit_id, au.name, c.body, c.place, c.anonymous, c.reveal_to_unit, c.status, c.source, c.received_at,
	c.updated_at, c.deadline, c.warn_from, c.conclusion, c.verification, c.rectification, c.on_time, c.reply,
	c.replied_at, c.rating, c.rating_note, c.closed_at, c.reopen_count, mc.code, c.escalated_at, c.version`

const complaintFrom = ` FROM complaints c JOIN complaint_categories cc ON cc.code = c.category
	JOIN units cu ON cu.id = c.unit_id JOIN units dk ON dk.id = c.desk_unit_id
	LEFT JOIN units au ON au.id = c.assigned_unit_id LEFT JOIN complaints mc ON mc.id = c.merged_into `

// complaintRow is a scanned case with the fields the domain type hides.
type complaintRow struct {
	shishi.Complaint
	warnFrom shishi.Date
	nameEn   string
}

func scanComplaint(s interface{ Scan(...any) error }) (*complaintRow, error) {
	var r complaintRow
	c := &r.Complaint
	var assigned sql.NullInt64
	var assignedName, merged sql.NullString
	var onTime sql.NullBool
	var replied, closed, escalated sql.NullTime
	var deadline, warn, conclusion string
	var status string
	var rating int
	if err := s.Scan(&c.ID, &c.Code, &c.Category, &c.CategoryName, &r.nameEn, &c.Unit.ID, &c.Unit.Name, &c.Desk.ID, &c.Desk.Name,
		&assigned, &assignedName, &c.Body, &c.Place, &c.Anonymous, &c.RevealToUnit, &status, &c.Source, &c.ReceivedAt,
		&c.UpdatedAt, &deadline, &warn, &conclusion, &c.Verification, &c.Rectification, &onTime, &c.Reply,
		&replied, &rating, &c.RatingNote, &closed, &c.ReopenCount, &merged, &escalated, &c.Version); err != nil {
		return nil, err
	}
	if assigned.Valid {
		c.Assigned = &shishi.UnitRef{ID: assigned.Int64, Name: assignedName.String}
	}
	if onTime.Valid {
		v := onTime.Bool
		c.OnTime = &v
	}
	c.Status, c.Deadline, r.warnFrom, c.Conclusion = shishi.ComplaintStatus(status), shishi.Date(deadline), shishi.Date(warn), shishi.Conclusion(conclusion)
	c.Rating, c.MergedInto = shishi.Rating(rating), merged.String
	c.ReceivedAt, c.UpdatedAt = c.ReceivedAt.UTC(), c.UpdatedAt.UTC()
	c.RepliedAt, c.ClosedAt, c.EscalatedAt = nullTime(replied), nullTime(closed), nullTime(escalated)
	return &r, nil
}

// derive fills the colour and the working days left.
func (d *DB) derive(r *complaintRow, cal shishi.Calendar, today shishi.Date) {
	r.Colour = shishi.ColourOf(r.Status, r.Deadline, r.warnFrom, today)
	if r.Colour != shishi.ColourNone {
		r.DaysLeft = shishi.DaysLeft(cal, r.Deadline, today)
	}
}

// deskReach holds when the actor holds one of roles over the case's desk.
func deskReach(a *shishi.Actor, q *args, roles ...shishi.Role) string {
	return reach(a, "dk.path", q, roles...)
}

// unitSide holds when the actor acts for the unit a case is dispatched to:
// one of roles at that unit or an ancestor of it below the desk. (The
// desk's own staff are not the unit: a ministry handler cannot sign for a
// city.)
func unitSide(a *shishi.Actor, q *args, roles ...shishi.Role) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "c.assigned_unit_id IS NOT NULL"
	}
	roles, ok := scoped(a, roles)
	if !ok {
		return "1=0"
	}
	var b strings.Builder
	b.WriteString("(c.assigned_unit_id IS NOT NULL AND EXISTS (SELECT 1 FROM user_roles g JOIN units gu ON gu.id = g.unit_id WHERE g.user_id = ")
	b.WriteString(q.add(a.UserID))
	b.WriteString(" AND au.path LIKE gu.path || '%' AND gu.depth > dk.depth AND g.role IN (")
	for i, r := range roles {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q.add(string(r)))
	}
	b.WriteString(")")
	b.WriteString(tokenLimit(a, "g.role", "au.path", q))
	b.WriteString("))")
	return b.String()
}

// complaintRead: desk handlers and the office over the desk read every case
// of the desk; a unit's handlers and operators read what was dispatched to
// it. Nobody else — not even the unit concerned before dispatch.
func complaintRead(a *shishi.Actor, q *args) string {
	return "(" + deskReach(a, q, shishi.RoleHandler, shishi.RoleOffice) + " OR " + unitSide(a, q, shishi.RoleHandler, shishi.RoleOperator) + ")"
}

// sides says in which capacities the actor works on one case.
type sides struct{ desk, unit, unitHandler bool }

func (d *DB) complaintSides(ctx context.Context, db queryer, a *shishi.Actor, id int64) (sides, error) {
	var q args
	query := `SELECT CASE WHEN ` + deskReach(a, &q, shishi.RoleHandler) + ` THEN 1 ELSE 0 END, CASE WHEN ` +
		unitSide(a, &q, shishi.RoleHandler, shishi.RoleOperator) + ` THEN 1 ELSE 0 END, CASE WHEN ` +
		unitSide(a, &q, shishi.RoleHandler) + ` THEN 1 ELSE 0 END FROM complaints c JOIN units dk ON dk.id = c.desk_unit_id
		LEFT JOIN units au ON au.id = c.assigned_unit_id WHERE c.id = ` + q.add(id)
	var s [3]int
	if err := db.QueryRowContext(ctx, query, q...).Scan(&s[0], &s[1], &s[2]); err != nil {
		return sides{}, shishi.Internal(err)
	}
	return sides{desk: s[0] == 1, unit: s[1] == 1, unitHandler: s[2] == 1}, nil
}

// findComplaint reads one case the actor may read; lock takes the row for
// update on PostgreSQL (SQLite's write transactions are exclusive).
func (d *DB) findComplaint(ctx context.Context, db queryer, id int64, lock bool) (*complaintRow, error) {
	var q args
	a := shishi.ActorFrom(ctx)
	query := `SELECT ` + complaintCols + complaintFrom + ` WHERE c.id = ` + q.add(id) + ` AND ` + complaintRead(a, &q)
	if lock && d.postgres {
		query += ` FOR UPDATE OF c`
	}
	r, err := scanComplaint(db.QueryRowContext(ctx, query, q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这件举报，或无权查看 / no such complaint")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	cal, err := d.cal()
	if err != nil {
		return nil, err
	}
	d.derive(r, cal, d.today())
	return r, nil
}

// Categories implements shishi.ComplaintService.
func (d *DB) Categories(ctx context.Context, all bool) ([]*shishi.ComplaintCategory, error) {
	query := `SELECT code, name, name_en, accept_days, days, reply_days, warn_days, active, position, version FROM complaint_categories`
	if !all {
		query += ` WHERE active = $1`
	}
	query += ` ORDER BY position, code`
	var params []any
	if !all {
		params = append(params, true)
	}
	rows, err := d.read().QueryContext(ctx, query, params...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.ComplaintCategory{}
	for rows.Next() {
		var c shishi.ComplaintCategory
		if err := rows.Scan(&c.Code, &c.Name, &c.NameEn, &c.AcceptDays, &c.Days, &c.ReplyDays, &c.WarnDays, &c.Active, &c.Position, &c.Version); err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

func (d *DB) category(ctx context.Context, db queryer, code string) (*shishi.ComplaintCategory, error) {
	var c shishi.ComplaintCategory
	err := db.QueryRowContext(ctx, `SELECT code, name, name_en, accept_days, days, reply_days, warn_days, active, position, version
		FROM complaint_categories WHERE code = $1`, code).Scan(&c.Code, &c.Name, &c.NameEn, &c.AcceptDays, &c.Days, &c.ReplyDays, &c.WarnDays, &c.Active, &c.Position, &c.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Invalid(shishi.FieldError{Field: "category", Message: "没有这个类别 / no such category: " + code})
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return &c, nil
}

// topDesk reports whether the actor is a desk handler or the office at a
// top unit: who may change categories and floors.
func (d *DB) topDesk(ctx context.Context, a *shishi.Actor) (bool, error) {
	if a.IsSystem() {
		return true, nil
	}
	var q args
	var n int
	err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM units dk WHERE dk.parent_id IS NULL AND `+
		reach(a, "dk.path", &q, shishi.RoleHandler, shishi.RoleOffice), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// SaveCategory implements shishi.ComplaintService.
func (d *DB) SaveCategory(ctx context.Context, c shishi.ComplaintCategory, version int64) (*shishi.ComplaintCategory, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	ok, err := d.topDesk(ctx, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有举报受理机构或活动办可以修改类别 / only the desk or the office may change categories")
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		old, err := d.category(ctx, tx, c.Code)
		if err != nil {
			return shishi.Errorf(shishi.ENOTFOUND, "没有这个类别 / no such category")
		}
		if version != 0 && version != old.Version {
			return shishi.Errorf(shishi.EPRECONDITION, "类别已被他人修改，请刷新后重试 / the category was changed by someone else; reload and retry")
		}
		// The version is compared again in the statement: a change made
		// between the read and the write cannot slip through.
		res, err := tx.ExecContext(ctx, `UPDATE complaint_categories SET name = $1, name_en = $2, accept_days = $3, days = $4,
			reply_days = $5, warn_days = $6, active = $7, version = version + 1 WHERE code = $8 AND version = $9`,
			c.Name, c.NameEn, c.AcceptDays, c.Days, c.ReplyDays, c.WarnDays, c.Active, c.Code, old.Version)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.EPRECONDITION, "类别已被他人修改，请刷新后重试 / the category was changed by someone else; reload and retry")
		}
		c.Version = old.Version + 1
		return d.appendAudit(ctx, tx, "complaint.category", "complaint_category", 0, nil, map[string]any{"code": c.Code, "old": old, "new": c})
	})
	if err != nil {
		return nil, err
	}
	return d.category(ctx, d.read(), c.Code)
}

// resolveUnit picks the unit concerned: by id, by code, or by name or
// place (an exact name, else the one unit whose name contains the text).
func (d *DB) resolveUnit(ctx context.Context, db queryer, id int64, code, place string) (int64, string, error) {
	if id > 0 || code != "" {
		var path string
		field, err := "unit_id", error(nil)
		if id > 0 {
			err = db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, id).Scan(&path)
		} else {
			field = "unit_code"
			err = db.QueryRowContext(ctx, `SELECT id, path FROM units WHERE code = $1`, code).Scan(&id, &path)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", shishi.Invalid(shishi.FieldError{Field: field, Message: "没有这个单位 / no such unit"})
		} else if err != nil {
			return 0, "", shishi.Internal(err)
		}
		return id, path, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id, name, path FROM units WHERE name = $1 OR lower(name) LIKE $2 ESCAPE '\' ORDER BY CASE WHEN name = $1 THEN 0 ELSE 1 END, depth, id LIMIT 6`,
		place, likeEscape(place))
	if err != nil {
		return 0, "", shishi.Internal(err)
	}
	defer rows.Close()
	type cand struct {
		id         int64
		name, path string
	}
	var cs []cand
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.id, &c.name, &c.path); err != nil {
			return 0, "", shishi.Internal(err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return 0, "", shishi.Internal(err)
	}
	switch {
	case len(cs) == 0:
		return 0, "", shishi.Invalid(shishi.FieldError{Field: "place", Message: "找不到这个单位或地区，请换个说法 / no unit matches that name or place"})
	case cs[0].name == place || len(cs) == 1:
		return cs[0].id, cs[0].path, nil
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs[:min(len(cs), 5)] {
		names = append(names, c.name)
	}
	return 0, "", shishi.Invalid(shishi.FieldError{Field: "place", Message: "有多个单位符合，请写得更具体：" + strings.Join(names, "、") + " / several units match; be more specific"})
}

// Submit implements shishi.ComplaintService.
func (d *DB) Submit(ctx context.Context, in shishi.ComplaintInput, files []*shishi.Attachment) (*shishi.Receipt, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	for i, f := range files {
		if !shishi.AttachmentMimeOK(f.Mime) || !hashRE.MatchString(f.Hash) {
			return nil, shishi.Invalid(shishi.FieldError{Field: "files", Row: i + 1, Message: "只接受图片（JPEG、PNG、GIF、WebP）和 PDF / images and PDF only"})
		}
	}
	if len(files) > shishi.MaxAttachments {
		return nil, shishi.Invalid(shishi.FieldError{Field: "files", Message: "附件过多 / too many files"})
	}
	cal, err := d.cal()
	if err != nil {
		return nil, err
	}
	if in.Source == "" {
		in.Source = "web"
	}
	sealed := ""
	if !in.Reporter.Empty() {
		b, _ := json.Marshal(in.Reporter)
		if sealed, err = d.keys.Seal(sealReporter, b); err != nil {
			return nil, shishi.Internal(err)
		}
	}
	return d.submissions().submit(ctx, &submission{in: in, sealed: sealed, files: files, cal: cal})
}

// complaintEvent adds a line to a case's timeline.
func (d *DB) complaintEvent(ctx context.Context, tx *sql.Tx, id int64, actor, action string, public bool, note string, unit *int64) error {
	if _, err := on(ctx, tx).ExecContext(ctx, `INSERT INTO complaint_events (complaint_id, at, actor, action, public, note, unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, d.now(), actor, action, public, note, unit); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// notifyCase writes a notice pointing at a case; a non-empty dedup key
// sends it once per user.
func (d *DB) notifyCase(ctx context.Context, tx *sql.Tx, userID int64, kind string, caseID int64, text, dedup string) (bool, error) {
	return d.insertNotice(ctx, tx, userID, kind, "complaint_id", caseID, text, dedup)
}

// staffAt lists the active users holding one of roles at the unit itself.
func (d *DB) staffAt(ctx context.Context, tx *sql.Tx, unitID int64, roles ...shishi.Role) ([]int64, error) {
	var q args
	in := make([]string, len(roles))
	u := q.add(unitID)
	dis := q.add(false)
	for i, r := range roles {
		in[i] = q.add(string(r))
	}
	rows, err := on(ctx, tx).QueryContext(ctx, `SELECT DISTINCT g.user_id FROM user_roles g JOIN users u ON u.id = g.user_id
		WHERE g.unit_id = `+u+` AND u.disabled = `+dis+` AND g.role IN (`+strings.Join(in, ", ")+`) ORDER BY g.user_id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// caseByCode finds a case by its tracking code and secret; a wrong code and
// a wrong secret give the same answer.
func (d *DB) caseByCode(ctx context.Context, db queryer, code, secret string) (int64, error) {
	var id int64
	var hash string
	err := db.QueryRowContext(ctx, `SELECT id, secret_hash FROM complaints WHERE code = $1`, normCode(code)).Scan(&id, &hash)
	want := secretHash(code, secret)
	if errors.Is(err, sql.ErrNoRows) {
		subtle.ConstantTimeCompare([]byte(want), []byte(want))
		return 0, errNoCase
	} else if err != nil {
		return 0, shishi.Internal(err)
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 {
		return 0, errNoCase
	}
	return id, nil
}

var errNoCase = shishi.Errorf(shishi.ENOTFOUND, "查询码或密码不正确 / wrong tracking code or secret")

// Track implements shishi.ComplaintService.
func (d *DB) Track(ctx context.Context, code, secret string) (*shishi.PublicCase, error) {
	id, err := d.caseByCode(ctx, d.read(), code, secret)
	if err != nil {
		return nil, err
	}
	return d.reporterView(ctx, d.read(), id)
}

// reporterView is the case as its reporter sees it: the text they sent,
// the public timeline, the reply; never internal notes.
func (d *DB) reporterView(ctx context.Context, db queryer, id int64) (*shishi.PublicCase, error) {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	r, err := d.findComplaint(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	p := d.publicOf(r)
	p.Body = r.Body
	p.Reply = r.Reply
	cal, _ := d.cal()
	p.CanRate = r.Status == shishi.ComplaintReplied
	p.CanReopen = d.canReopen(r, cal)
	evs, err := d.events(ctx, db, id, true, shishi.Page{})
	if err != nil {
		return nil, err
	}
	p.Events = evs
	files, err := d.caseFiles(ctx, db, id, true)
	if err != nil {
		return nil, err
	}
	p.Files = files
	return p, nil
}

func (d *DB) canReopen(r *complaintRow, cal shishi.Calendar) bool {
	return r.Status == shishi.ComplaintClosed && r.ReopenCount < shishi.ReopenLimit && r.Rating != shishi.RatingSatisfied && r.ClosedAt != nil &&
		cal.Between(shishi.DateOf(*r.ClosedAt), d.today()) <= shishi.ReopenWindow
}

// publicOf is what anyone may see of a case (Open311): no text, no identity.
func (d *DB) publicOf(r *complaintRow) *shishi.PublicCase {
	p := &shishi.PublicCase{ID: r.ID, Code: r.Code, Category: r.Category, CategoryName: r.CategoryName, Unit: r.Unit.Name, UnitID: r.Unit.ID,
		Agency: r.Desk.Name, Status: r.Status, ReceivedAt: r.ReceivedAt, UpdatedAt: r.UpdatedAt, Conclusion: r.Conclusion,
		Rating: r.Rating, MergedInto: r.MergedInto}
	if r.Assigned != nil && r.Status.UnitPhase() {
		p.Agency = r.Assigned.Name
	}
	if r.Status.Timed() {
		p.Deadline = r.Deadline
	}
	return p
}

func (d *DB) events(ctx context.Context, db queryer, id int64, publicOnly bool, p shishi.Page) ([]*shishi.ComplaintEvent, error) {
	query := `SELECT e.id, e.at, e.actor, e.action, e.public, e.note, e.unit_id, u.name FROM complaint_events e
		LEFT JOIN units u ON u.id = e.unit_id WHERE e.complaint_id = $1`
	params := args{id}
	if publicOnly {
		query += ` AND e.public = $2`
		params = append(params, true)
	}
	cond, tail := byID("e.id", false).page(p, &params)
	rows, err := db.QueryContext(ctx, query+cond+tail, params...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.ComplaintEvent{}
	for rows.Next() {
		var e shishi.ComplaintEvent
		var unit sql.NullInt64
		var name sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Public, &e.Note, &unit, &name); err != nil {
			return nil, shishi.Internal(err)
		}
		e.At = e.At.UTC()
		if unit.Valid {
			e.Unit = &shishi.UnitRef{ID: unit.Int64, Name: name.String}
		}
		if publicOnly && e.Actor != "举报人 / reporter" {
			e.Actor = "" // staff logins are not public
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

func (d *DB) caseFiles(ctx context.Context, db queryer, id int64, publicOnly bool) ([]*shishi.Attachment, error) {
	query := `SELECT id, hash, name, mime, size, public, at FROM complaint_files WHERE complaint_id = $1`
	params := []any{id}
	if publicOnly {
		query += ` AND public = $2`
		params = append(params, true)
	}
	rows, err := db.QueryContext(ctx, query+` ORDER BY id`, params...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Attachment{}
	for rows.Next() {
		var f shishi.Attachment
		if err := rows.Scan(&f.ID, &f.Hash, &f.Name, &f.Mime, &f.Size, &f.Public, &f.At); err != nil {
			return nil, shishi.Internal(err)
		}
		f.At = f.At.UTC()
		out = append(out, &f)
	}
	return out, rows.Err()
}

// ComplaintFile implements shishi.ComplaintService.
func (d *DB) ComplaintFile(ctx context.Context, id, fileID int64, code, secret string) (*shishi.Attachment, error) {
	publicOnly := false
	if code != "" {
		cid, err := d.caseByCode(ctx, d.read(), code, secret)
		if err != nil || cid != id {
			return nil, errNoCase
		}
		publicOnly = true
	} else if _, err := d.findComplaint(ctx, d.read(), id, false); err != nil {
		return nil, err
	}
	files, err := d.caseFiles(ctx, d.read(), id, publicOnly)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.ID == fileID {
			return f, nil
		}
	}
	return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个附件 / no such file")
}

// ReporterStep implements shishi.ComplaintService.
func (d *DB) ReporterStep(ctx context.Context, code, secret, action string, in shishi.StepInput) (*shishi.PublicCase, error) {
	id, err := d.caseByCode(ctx, d.read(), code, secret)
	if err != nil {
		return nil, err
	}
	cal, err := d.cal()
	if err != nil {
		return nil, err
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	audit := shishi.WithActor(ctx, &shishi.Actor{Login: "reporter"})
	err = d.tx(ctx, func(tx *sql.Tx) error {
		r, err := d.findComplaint(sys, tx, id, true)
		if err != nil {
			return err
		}
		if action == "message" {
			in.Note = strings.TrimSpace(in.Note)
			var v shishi.Validator
			checkNote(&v, in.Note)
			if err := v.Err(); err != nil {
				return err
			}
			if !r.Status.Open() {
				return shishi.Errorf(shishi.ECONFLICT, "该件已办结，不能再补充 / the case is closed")
			}
			if err := d.complaintEvent(ctx, tx, id, "举报人 / reporter", "message", true, in.Note, nil); err != nil {
				return err
			}
			if err := d.notifyDesk(ctx, tx, r, "举报人对 "+r.Code+" 作了补充 / the reporter added a message"); err != nil {
				return err
			}
			return d.touch(ctx, tx, id, nil)
		}
		st, err := shishi.FindComplaintStep(action, r.Status)
		if err != nil {
			return err
		}
		if st.By != shishi.SideReporter {
			return shishi.Errorf(shishi.EFORBIDDEN, "举报人不能执行该操作 / a reporter cannot do that")
		}
		if err := in.Validate(st); err != nil {
			return err
		}
		now := d.now()
		switch action {
		case "rate":
			if _, err := tx.ExecContext(ctx, `UPDATE complaints SET status = $1, rating = $2, rating_note = $3, closed_at = $4 WHERE id = $5`,
				string(shishi.ComplaintClosed), int(in.Rating), in.Note, now, id); err != nil {
				return shishi.Internal(err)
			}
			if err := d.complaintEvent(ctx, tx, id, "举报人 / reporter", "rate", true, in.Rating.Label(false)+ifNote(in.Note), nil); err != nil {
				return err
			}
		case "reopen":
			if !d.canReopen(r, cal) {
				return shishi.Errorf(shishi.ECONFLICT, "该件不能再重新办理：只能在办结后 %d 个工作日内、不满意时重新办理一次 / a case can be reopened once, within %d working days, when not satisfied", shishi.ReopenWindow, shishi.ReopenWindow)
			}
			cat, err := d.category(ctx, tx, r.Category)
			if err != nil {
				return err
			}
			deadline := cal.Add(d.today(), cat.AcceptDays)
			if _, err := tx.ExecContext(ctx, `UPDATE complaints SET status = $1, reopen_count = reopen_count + 1, closed_at = NULL, rating = 0,
				rating_note = '', conclusion = '', on_time = NULL, concluded_at = NULL, replied_at = NULL, escalated_at = NULL, deadline = $2, warn_from = $3 WHERE id = $4`,
				string(shishi.ComplaintAccepted), string(deadline), string(shishi.WarnFrom(cal, deadline, cat.Warn(cat.AcceptDays))), id); err != nil {
				return shishi.Internal(err)
			}
			if err := d.complaintEvent(ctx, tx, id, "举报人 / reporter", "reopen", true, in.Note, nil); err != nil {
				return err
			}
			if err := d.notifyDesk(ctx, tx, r, "举报人不满意，"+r.Code+" 重新办理 / the reporter reopened the case"); err != nil {
				return err
			}
		}
		if err := d.touch(ctx, tx, id, nil); err != nil {
			return err
		}
		return d.appendAudit(audit, tx, "complaint."+action, "complaint", id, &r.Unit.ID, map[string]any{"code": r.Code, "from": r.Status, "rating": int(in.Rating)})
	})
	if err != nil {
		return nil, err
	}
	return d.reporterView(ctx, d.read(), id)
}

func ifNote(n string) string {
	if n == "" {
		return ""
	}
	return "：" + n
}

func checkNote(v *shishi.Validator, note string) {
	n := len([]rune(note))
	v.Check(n >= 1 && n <= 5000, "note", "须为 1–5000 字 / must be 1–5000 characters")
}

// touch bumps a case's version and update time (and sets its status).
func (d *DB) touch(ctx context.Context, tx *sql.Tx, id int64, status *shishi.ComplaintStatus) error {
	q := `UPDATE complaints SET version = version + 1, updated_at = $1`
	params := []any{d.now()}
	if status != nil {
		q += `, status = $3`
		params = append(params, id, string(*status))
	} else {
		params = append(params, id)
	}
	if _, err := tx.ExecContext(ctx, q+` WHERE id = $2`, params...); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// notifyDesk tells the desk's handlers about a case.
func (d *DB) notifyDesk(ctx context.Context, tx *sql.Tx, r *complaintRow, text string) error {
	us, err := d.staffAt(ctx, tx, r.Desk.ID, shishi.RoleHandler)
	if err != nil {
		return err
	}
	for _, u := range us {
		if _, err := d.notifyCase(ctx, tx, u, "complaint", r.ID, text, ""); err != nil {
			return err
		}
	}
	return nil
}

// notifyUnit tells a unit's handlers and operators about a case.
func (d *DB) notifyUnit(ctx context.Context, tx *sql.Tx, unitID, caseID int64, text, dedup string) (int, error) {
	us, err := d.staffAt(ctx, tx, unitID, shishi.RoleHandler, shishi.RoleOperator)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range us {
		ok, err := d.notifyCase(ctx, tx, u, "complaint", caseID, text, dedup)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
