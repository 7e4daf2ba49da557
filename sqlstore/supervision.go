package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Today implements shishi.SupervisionService: the day colours are derived
// for, in Beijing time by the store's clock.
func (d *DB) Today() shishi.Date { return shishi.DateOf(d.Now()) }

// warnDays returns today and the last day that still counts as close to a
// deadline (today plus shishi.WarnWorkdays working days).
func (d *DB) warnDays() (today, warnBy shishi.Date, err error) {
	cal, err := d.cal()
	if err != nil {
		return "", "", err
	}
	today = d.Today()
	return today, cal.Add(today, shishi.WarnWorkdays), nil
}

// groupReach: the actor runs or oversees the sending unit (office, leader,
// supervisor over it), or is a member of the group.
func groupReach(a *shishi.Actor, q *args) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	return "(" + reach(a, "ou.path", q, campaignWide...) + " OR " + memberOf(a, "g.id", q) + ")"
}

// memberOf: the actor sits on the group (not through a limited token).
func memberOf(a *shishi.Actor, groupExpr string, q *args) string {
	if a.TokenScope != "" {
		return "1=0"
	}
	return "EXISTS (SELECT 1 FROM sup_group_members mm WHERE mm.group_id = " + groupExpr + " AND mm.user_id = " + q.add(a.UserID) + ")"
}

// supReach is the reach of a visit or finding of group g at the unit whose
// path is pathExpr: the group's reach, or the unit in the actor's read
// reach (its own operators, its parents — who hear of escalations — and
// the members of any group supervising it).
func supReach(a *shishi.Actor, pathExpr string, q *args) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	return "(" + groupReach(a, q) + " OR " + readReach(a, pathExpr, q) + ")"
}

const groupFrom = ` FROM sup_groups g JOIN units ou ON ou.id = g.owner_unit_id JOIN users gl ON gl.id = g.leader_id `

const groupCols = `g.id, g.kind, g.name, g.theme, g.campaign_id, g.owner_unit_id, ou.name, g.leader_id, gl.login, gl.name, g.version, g.created_at,
	(SELECT count(*) FROM sup_group_units cu WHERE cu.group_id = g.id)`

func scanGroup(s interface{ Scan(...any) error }) (*shishi.Group, error) {
	var g shishi.Group
	var campaign sql.NullInt64
	if err := s.Scan(&g.ID, &g.Kind, &g.Name, &g.Theme, &campaign, &g.OwnerUnit.ID, &g.OwnerUnit.Name, &g.Leader.ID, &g.Leader.Login, &g.Leader.Name,
		&g.Version, &g.CreatedAt, &g.UnitCount); err != nil {
		return nil, err
	}
	if campaign.Valid {
		g.CampaignID = &campaign.Int64
	}
	g.CreatedAt = g.CreatedAt.UTC()
	g.Members, g.Units = []shishi.UserRef{}, []shishi.UnitRef{}
	g.Open = map[shishi.Colour]int{shishi.ColourGreen: 0, shishi.ColourYellow: 0, shishi.ColourRed: 0}
	return &g, nil
}

// FindGroups implements shishi.SupervisionService.
func (d *DB) FindGroups(ctx context.Context, f shishi.GroupFilter) ([]*shishi.Group, int, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, 0, shishi.Invalid(shishi.FieldError{Field: "kind", Message: "须为 inspection 或 guidance / must be inspection or guidance"})
	}
	var q args
	where := groupReach(shishi.ActorFrom(ctx), &q)
	if f.Kind != "" {
		where += " AND g.kind = " + q.add(string(f.Kind))
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+groupFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND g.id > " + q.add(f.After)
	}
	gs, err := d.loadGroups(ctx, d.read(), `SELECT `+groupCols+groupFrom+`WHERE `+where+` ORDER BY g.id LIMIT `+q.add(clampLimit(f.Limit)), q)
	return gs, total, err
}

// FindGroup implements shishi.SupervisionService.
func (d *DB) FindGroup(ctx context.Context, id int64) (*shishi.Group, error) {
	return d.findGroup(ctx, d.read(), id)
}

func (d *DB) findGroup(ctx context.Context, db queryer, id int64) (*shishi.Group, error) {
	var q args
	gs, err := d.loadGroups(ctx, db, `SELECT `+groupCols+groupFrom+`WHERE g.id = `+q.add(id)+` AND `+groupReach(shishi.ActorFrom(ctx), &q), q)
	return first(gs, err, shishi.Errorf(shishi.ENOTFOUND, "督导组不存在或无权访问 / group %d not found", id))
}

// first returns the row a lookup by id found, or notFound.
func first[T any](rows []*T, err error, notFound error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound
	}
	return rows[0], nil
}

// loadGroups runs a group query, then fills members, units and open
// findings by colour with one query each for the whole page.
func (d *DB) loadGroups(ctx context.Context, db queryer, query string, q args) ([]*shishi.Group, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []*shishi.Group{}
	byID := map[int64]*shishi.Group{}
	var ids []int64
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		out = append(out, g)
		byID[g.ID] = g
		ids = append(ids, g.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var mq args
	in := inList(&mq, ids)
	rows, err = db.QueryContext(ctx, `SELECT m.group_id, u.id, u.login, u.name, un.name FROM sup_group_members m JOIN users u ON u.id = m.user_id
		JOIN units un ON un.id = u.unit_id WHERE m.group_id IN `+in+` ORDER BY m.group_id, u.id`, mq...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	for rows.Next() {
		var gid int64
		var u shishi.UserRef
		if err := rows.Scan(&gid, &u.ID, &u.Login, &u.Name, &u.UnitName); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		g := byID[gid]
		if u.ID == g.Leader.ID {
			g.Leader.UnitName = u.UnitName
			g.Members = append([]shishi.UserRef{u}, g.Members...)
		} else {
			g.Members = append(g.Members, u)
		}
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT gu.group_id, u.id, u.name FROM sup_group_units gu JOIN units u ON u.id = gu.unit_id WHERE gu.group_id IN `+in+` ORDER BY gu.group_id, u.id`, mq...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	for rows.Next() {
		var gid int64
		var u shishi.UnitRef
		if err := rows.Scan(&gid, &u.ID, &u.Name); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		byID[gid].Units = append(byID[gid].Units, u)
	}
	rows.Close()
	today, warnBy, err := d.warnDays()
	if err != nil {
		return nil, err
	}
	cq := append(args{}, mq...)
	rows, err = db.QueryContext(ctx, `SELECT f.group_id, `+colourCase(&cq, today, warnBy)+`, count(*) FROM findings f WHERE f.group_id IN `+in+
		` AND f.status <> `+cq.add(string(shishi.FindingSignedOff))+` GROUP BY f.group_id, 2`, cq...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var c string
		var n int
		if err := rows.Scan(&gid, &c, &n); err != nil {
			return nil, shishi.Internal(err)
		}
		byID[gid].Open[shishi.Colour(c)] = n
	}
	return out, rows.Err()
}

// colourCase is shishi.ColourOf in SQL, for grouping by colour.
func colourCase(q *args, today, warnBy shishi.Date) string {
	return "CASE WHEN f.status = " + q.add(string(shishi.FindingSignedOff)) + " THEN '' WHEN f.deadline < " + q.add(string(today)) +
		" THEN 'red' WHEN f.deadline <= " + q.add(string(warnBy)) + " THEN 'yellow' ELSE 'green' END"
}

// colourWhere is the condition of one colour of open findings, for filtering.
func colourWhere(q *args, c shishi.Colour, today, warnBy shishi.Date) string {
	open := "f.status <> " + q.add(string(shishi.FindingSignedOff))
	switch c {
	case shishi.ColourRed:
		return open + " AND f.deadline < " + q.add(string(today))
	case shishi.ColourYellow:
		return open + " AND f.deadline >= " + q.add(string(today)) + " AND f.deadline <= " + q.add(string(warnBy))
	}
	return open + " AND f.deadline > " + q.add(string(warnBy))
}

// isGroupOffice reports whether the actor is the office that sent the group.
func (d *DB) isGroupOffice(ctx context.Context, db queryer, groupID int64) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return true, nil
	}
	var q args
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sup_groups g JOIN units ou ON ou.id = g.owner_unit_id WHERE g.id = `+q.add(groupID)+
		` AND `+reach(a, "ou.path", &q, shishi.RoleOffice), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// actsForGroup: a member of the group, or the office that sent it.
func (d *DB) actsForGroup(ctx context.Context, db queryer, groupID int64) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return true, nil
	}
	var n int
	if a.TokenScope != "" {
		return d.isGroupOffice(ctx, db, groupID)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sup_group_members WHERE group_id = $1 AND user_id = $2`, groupID, a.UserID).Scan(&n); err != nil {
		return false, shishi.Internal(err)
	}
	if n > 0 {
		return true, nil
	}
	return d.isGroupOffice(ctx, db, groupID)
}

// covers reports whether unitID lies in the subtree of a unit the group covers.
func (d *DB) covers(ctx context.Context, db queryer, groupID, unitID int64) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM units u JOIN sup_group_units gu ON gu.group_id = $1 JOIN units c ON c.id = gu.unit_id
		WHERE u.id = $2 AND u.path LIKE c.path || '%'`, groupID, unitID).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// CreateGroup implements shishi.SupervisionService.
func (d *DB) CreateGroup(ctx context.Context, in shishi.GroupInput) (*shishi.Group, error) {
	a := shishi.ActorFrom(ctx)
	if in.OwnerUnitID == 0 && a != nil {
		in.OwnerUnitID = a.UnitID
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Group
	err := d.tx(ctx, func(tx *sql.Tx) error {
		owner, err := d.findUnit(ctx, tx, in.OwnerUnitID, shishi.RoleOffice)
		if err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有派出单位的活动办可以组建督导组 / only the sending unit's office forms groups")
		}
		var v shishi.Validator
		if in.CampaignID != nil {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM campaigns WHERE id = $1`, *in.CampaignID).Scan(&n); err != nil {
				return shishi.Internal(err)
			}
			v.Check(n == 1, "campaign_id", "实践活动不存在 / campaign not found")
		}
		if err := d.checkGroupPeople(ctx, tx, &v, owner, in.MemberIDs, in.UnitIDs); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sup_groups (kind, name, theme, campaign_id, owner_unit_id, leader_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, string(in.Kind), in.Name, in.Theme, in.CampaignID, owner.ID, in.LeaderID, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := setGroupLists(ctx, tx, id, in.MemberIDs, in.UnitIDs); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "group.create", "group", id, &owner.ID, in); err != nil {
			return err
		}
		out, err = d.findGroup(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// checkGroupPeople checks that members are active users (from any unit)
// and covered units lie in the sending unit's subtree.
func (d *DB) checkGroupPeople(ctx context.Context, tx *sql.Tx, v *shishi.Validator, owner *shishi.Unit, members, units []int64) error {
	var q args
	var n int
	if members != nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE disabled = `+q.add(false)+` AND id IN `+inList(&q, members), q...).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		v.Check(n == len(members), "member_ids", "成员须为在用的用户 / every member must be an active user")
	}
	if units != nil {
		q = args{}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE path LIKE `+q.add(owner.Path+"%")+` AND id IN `+inList(&q, units), q...).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		v.Check(n == len(units), "unit_ids", "督导单位须在派出单位的管辖范围内 / covered units must lie in the sending unit's subtree")
	}
	return nil
}

// setGroupLists writes a group's members and units, replacing those given
// (a nil list stays as it is).
func setGroupLists(ctx context.Context, tx *sql.Tx, id int64, members, units []int64) error {
	for _, l := range []struct {
		table, col string
		ids        []int64
	}{{"sup_group_members", "user_id", members}, {"sup_group_units", "unit_id", units}} {
		if l.ids == nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+l.table+` WHERE group_id = $1`, id); err != nil {
			return shishi.Internal(err)
		}
		for _, x := range l.ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+l.table+` (group_id, `+l.col+`) VALUES ($1, $2)`, id, x); err != nil {
				return shishi.Internal(err)
			}
		}
	}
	return nil
}

// UpdateGroup implements shishi.SupervisionService.
func (d *DB) UpdateGroup(ctx context.Context, id, version int64, p shishi.GroupPatch) (*shishi.Group, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Group
	err := d.tx(ctx, func(tx *sql.Tx) error {
		g, err := d.findGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := d.isGroupOffice(ctx, tx, id); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有派出单位的活动办可以调整督导组 / only the sending unit's office changes a group")
		}
		if version != 0 && version != g.Version {
			return shishi.Errorf(shishi.EPRECONDITION, "督导组已被他人修改，请刷新后重试 / the group was changed by someone else; reload and retry")
		}
		owner, err := d.findUnit(shishi.WithActor(ctx, shishi.SystemActor()), tx, g.OwnerUnit.ID)
		if err != nil {
			return err
		}
		name, theme, leader := g.Name, g.Theme, g.Leader.ID
		if p.Name != nil {
			name = *p.Name
		}
		if p.Theme != nil {
			theme = *p.Theme
		}
		if p.LeaderID != nil {
			leader = *p.LeaderID
		}
		var members, units []int64
		if p.MemberIDs != nil || p.LeaderID != nil {
			if p.MemberIDs != nil {
				members = append(members, *p.MemberIDs...)
			} else {
				for _, m := range g.Members {
					members = append(members, m.ID)
				}
			}
			if !containsID(members, leader) {
				members = append([]int64{leader}, members...)
			}
		}
		if p.UnitIDs != nil {
			units = *p.UnitIDs
		}
		var v shishi.Validator
		if err := d.checkGroupPeople(ctx, tx, &v, owner, members, units); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sup_groups SET name = $1, theme = $2, leader_id = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6`,
			name, theme, leader, d.now(), id, g.Version)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.EPRECONDITION, "督导组已被他人修改，请刷新后重试 / the group was changed by someone else; reload and retry")
		}
		if err := setGroupLists(ctx, tx, id, members, units); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "group.update", "group", id, &owner.ID, p); err != nil {
			return err
		}
		out, err = d.findGroup(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// checkFiles refuses file records that did not come from the blob store.
func checkFiles(files []shishi.SupervisionFile) error {
	if len(files) > 10 {
		return shishi.Invalid(shishi.FieldError{Field: "files", Message: "一次最多上传 10 个文件 / at most 10 files at once"})
	}
	for i := range files {
		f := &files[i]
		if !hashRE.MatchString(f.Hash) || f.Size <= 0 || f.Size > shishi.MaxSupervisionFile || f.Mime == "" {
			return shishi.Invalid(shishi.FieldError{Field: "files", Message: "文件记录无效 / invalid file record"})
		}
		f.Name = cleanName(f.Name)
	}
	return nil
}

// addFiles records files of a visit or of a finding's event.
func (d *DB) addFiles(ctx context.Context, tx *sql.Tx, visitID, findingID, eventID any, files []shishi.SupervisionFile) error {
	login := shishi.ActorFrom(ctx).Login
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sup_files (visit_id, finding_id, event_id, name, hash, mime, size, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, visitID, findingID, eventID, f.Name, f.Hash, f.Mime, f.Size, login, d.now()); err != nil {
			return shishi.Internal(err)
		}
	}
	return nil
}

const visitFrom = ` FROM sup_visits v JOIN sup_groups g ON g.id = v.group_id JOIN units ou ON ou.id = g.owner_unit_id JOIN units vu ON vu.id = v.unit_id `

const visitCols = `v.id, v.group_id, g.kind, g.name, v.unit_id, vu.name, v.status, v.planned_on, v.visited_on, v.participants, v.record, v.created_by, v.created_at,
	(SELECT count(*) FROM findings vf WHERE vf.visit_id = v.id)`

func (d *DB) loadVisits(ctx context.Context, db queryer, query string, q args) ([]*shishi.Visit, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []*shishi.Visit{}
	byID := map[int64]*shishi.Visit{}
	var ids []int64
	for rows.Next() {
		var v shishi.Visit
		if err := rows.Scan(&v.ID, &v.Group.ID, &v.Group.Kind, &v.Group.Name, &v.Unit.ID, &v.Unit.Name, &v.Status, &v.PlannedOn, &v.VisitedOn,
			&v.Participants, &v.Record, &v.CreatedBy, &v.CreatedAt, &v.FindingCount); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		v.CreatedAt, v.Files = v.CreatedAt.UTC(), []shishi.SupervisionFile{}
		out = append(out, &v)
		byID[v.ID] = &v
		ids = append(ids, v.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	var fq args
	files, err := d.loadFiles(ctx, db, `visit_id IN `+inList(&fq, ids), fq)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		byID[f.owner].Files = append(byID[f.owner].Files, f.SupervisionFile)
	}
	return out, nil
}

type ownedFile struct {
	shishi.SupervisionFile
	owner int64 // the visit or the event
}

func (d *DB) loadFiles(ctx context.Context, db queryer, where string, q args) ([]ownedFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, COALESCE(visit_id, event_id, 0), name, hash, mime, size, uploaded_by, uploaded_at FROM sup_files WHERE `+where+` ORDER BY id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []ownedFile
	for rows.Next() {
		var f ownedFile
		if err := rows.Scan(&f.ID, &f.owner, &f.Name, &f.Hash, &f.Mime, &f.Size, &f.UploadedBy, &f.UploadedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		f.UploadedAt = f.UploadedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindVisit implements shishi.SupervisionService.
func (d *DB) FindVisit(ctx context.Context, id int64) (*shishi.Visit, error) {
	return d.findVisit(ctx, d.read(), id)
}

func (d *DB) findVisit(ctx context.Context, db queryer, id int64) (*shishi.Visit, error) {
	var q args
	vs, err := d.loadVisits(ctx, db, `SELECT `+visitCols+visitFrom+`WHERE v.id = `+q.add(id)+` AND `+supReach(shishi.ActorFrom(ctx), "vu.path", &q), q)
	return first(vs, err, shishi.Errorf(shishi.ENOTFOUND, "走访记录不存在或无权访问 / visit %d not found", id))
}

// FindVisits implements shishi.SupervisionService.
func (d *DB) FindVisits(ctx context.Context, f shishi.VisitFilter) ([]*shishi.Visit, int, error) {
	var q args
	where := supReach(shishi.ActorFrom(ctx), "vu.path", &q)
	if f.GroupID > 0 {
		where += " AND v.group_id = " + q.add(f.GroupID)
	}
	if f.UnitID > 0 {
		where += " AND vu.path LIKE (SELECT p.path FROM units p WHERE p.id = " + q.add(f.UnitID) + ") || '%'"
	}
	day := "(CASE WHEN v.visited_on <> '' THEN v.visited_on ELSE v.planned_on END)"
	if f.From != "" {
		where += " AND " + day + " >= " + q.add(string(f.From))
	}
	if f.To != "" {
		where += " AND " + day + " <= " + q.add(string(f.To))
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+visitFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND v.id > " + q.add(f.After)
	}
	vs, err := d.loadVisits(ctx, d.read(), `SELECT `+visitCols+visitFrom+`WHERE `+where+` ORDER BY v.id LIMIT `+q.add(clampLimit(f.Limit)), q)
	return vs, total, err
}

// CreateVisit implements shishi.SupervisionService.
func (d *DB) CreateVisit(ctx context.Context, in shishi.VisitInput, files []shishi.SupervisionFile) (*shishi.Visit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	var out *shishi.Visit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := d.findGroup(ctx, tx, in.GroupID); err != nil {
			return err
		}
		if ok, err := d.actsForGroup(ctx, tx, in.GroupID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有本组成员或派出单位活动办可以安排走访 / only the group's members or its office arrange visits")
		}
		if ok, err := d.covers(ctx, tx, in.GroupID, in.UnitID); err != nil {
			return err
		} else if !ok {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "该单位不在本组督导范围内 / the unit is not covered by the group"})
		}
		status := shishi.VisitPlanned
		if in.Record != "" {
			status = shishi.VisitDone
		}
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sup_visits (group_id, unit_id, status, planned_on, visited_on, participants, record, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, in.GroupID, in.UnitID, string(status), string(in.PlannedOn), string(in.VisitedOn),
			in.Participants, in.Record, shishi.ActorFrom(ctx).Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.addFiles(ctx, tx, id, nil, nil, files); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "visit.create", "visit", id, &in.UnitID, map[string]any{"group": in.GroupID, "status": status, "planned_on": in.PlannedOn, "files": len(files)}); err != nil {
			return err
		}
		var err error
		out, err = d.findVisit(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// RecordVisit implements shishi.SupervisionService.
func (d *DB) RecordVisit(ctx context.Context, id int64, in shishi.VisitRecord, files []shishi.SupervisionFile) (*shishi.Visit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	var out *shishi.Visit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		v, err := d.findVisit(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := d.actsForGroup(ctx, tx, v.Group.ID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有本组成员可以填写走访记录 / only the group's members record visits")
		}
		res, err := tx.ExecContext(ctx, `UPDATE sup_visits SET status = $1, visited_on = $2, participants = $3, record = $4, updated_at = $5 WHERE id = $6 AND status = $7`,
			string(shishi.VisitDone), string(in.VisitedOn), in.Participants, in.Record, d.now(), id, string(shishi.VisitPlanned))
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.ECONFLICT, "该走访已有记录 / the visit is recorded already")
		}
		if err := d.addFiles(ctx, tx, id, nil, nil, files); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "visit.record", "visit", id, &v.Unit.ID, map[string]any{"visited_on": in.VisitedOn, "files": len(files)}); err != nil {
			return err
		}
		out, err = d.findVisit(ctx, tx, id)
		return err
	})
	return out, err
}

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

// ActOnFinding implements shishi.SupervisionService.
func (d *DB) ActOnFinding(ctx context.Context, id int64, action, note string, files []shishi.SupervisionFile) (*shishi.Finding, error) {
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
		res, err := tx.ExecContext(ctx, `UPDATE findings SET `+set+` WHERE id = $3 AND status = $4`, params...)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
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
func (d *DB) FindingHistory(ctx context.Context, id int64) ([]shishi.FindingEvent, error) {
	if _, err := d.FindFinding(ctx, id); err != nil {
		return nil, err
	}
	rows, err := d.read().QueryContext(ctx, `SELECT id, at, actor, action, from_status, to_status, note FROM finding_events WHERE finding_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []shishi.FindingEvent{}
	index := map[int64]int{}
	for rows.Next() {
		var e shishi.FindingEvent
		var eid int64
		if err := rows.Scan(&eid, &e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		e.At, e.Files = e.At.UTC(), []shishi.SupervisionFile{}
		index[eid] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	files, err := d.loadFiles(ctx, d.read(), `finding_id = $1`, args{id})
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if i, ok := index[f.owner]; ok {
			out[i].Files = append(out[i].Files, f.SupervisionFile)
		}
	}
	return out, nil
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

// SupervisionReport implements shishi.SupervisionService: the group's
// visits (by the day visited, or planned) and the findings raised in the
// period, summed by covered unit (a school counts under its university).
func (d *DB) SupervisionReport(ctx context.Context, groupID int64, from, to shishi.Date) (*shishi.SupervisionReport, error) {
	var v shishi.Validator
	v.Check(from.Valid(), "from", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(to.Valid(), "to", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if from.Valid() && to.Valid() && to < from {
		v.Add("to", "结束日期不能早于开始日期 / must not be before from")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	g, err := d.FindGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	rep := &shishi.SupervisionReport{Group: g, From: from, To: to, AsOf: d.Today(), Visits: []*shishi.Visit{}, Findings: []*shishi.Finding{}}
	for after := int64(0); ; {
		vs, _, err := d.FindVisits(ctx, shishi.VisitFilter{GroupID: groupID, From: from, To: to, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		rep.Visits = append(rep.Visits, vs...)
		if len(vs) < 500 {
			break
		}
		after = vs[len(vs)-1].ID
	}
	for after := int64(0); ; {
		fs, _, err := d.FindFindings(ctx, shishi.FindingFilter{GroupID: groupID, From: from, To: to, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		rep.Findings = append(rep.Findings, fs...)
		if len(fs) < 500 {
			break
		}
		after = fs[len(fs)-1].ID
	}
	// The covered unit each visited or found unit belongs to.
	rows, err := d.read().QueryContext(ctx, `SELECT x.id, gu.unit_id FROM sup_group_units gu JOIN units c ON c.id = gu.unit_id JOIN units x ON x.path LIKE c.path || '%'
		WHERE gu.group_id = $1 AND (x.id IN (SELECT unit_id FROM findings WHERE group_id = $1) OR x.id IN (SELECT unit_id FROM sup_visits WHERE group_id = $1))`, groupID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	under := map[int64]int64{}
	for rows.Next() {
		var x, c int64
		if err := rows.Scan(&x, &c); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		under[x] = c
	}
	rows.Close()
	lines := map[int64]*shishi.ReportLine{}
	newLine := func(u shishi.UnitRef) *shishi.ReportLine {
		return &shishi.ReportLine{Unit: u, Severity: map[string]int{}, Open: map[shishi.Colour]int{shishi.ColourGreen: 0, shishi.ColourYellow: 0, shishi.ColourRed: 0}}
	}
	for _, u := range g.Units {
		lines[u.ID] = newLine(u)
	}
	rep.Total = *newLine(shishi.UnitRef{Name: "合计"})
	line := func(unit int64) *shishi.ReportLine {
		if l, ok := lines[under[unit]]; ok {
			return l
		}
		return &shishi.ReportLine{Severity: map[string]int{}, Open: map[shishi.Colour]int{}} // a unit no longer covered: counted in the total only
	}
	for _, vis := range rep.Visits {
		if vis.Status == shishi.VisitDone {
			line(vis.Unit.ID).Visits++
			rep.Total.Visits++
		}
	}
	for _, f := range rep.Findings {
		for _, l := range []*shishi.ReportLine{line(f.Unit.ID), &rep.Total} {
			l.Findings++
			l.Severity[string(f.Severity)]++
			if f.Status == shishi.FindingSignedOff {
				l.SignedOff++
				if f.SignedOffAt != nil && shishi.DateOf(*f.SignedOffAt) <= f.Deadline {
					l.OnTime++
				}
			} else {
				l.Open[f.Colour]++
			}
			if f.EscalatedAt != nil {
				l.Escalated++
			}
		}
	}
	for _, u := range g.Units {
		rep.Lines = append(rep.Lines, *lines[u.ID])
	}
	return rep, nil
}

var (
	_ shishi.SupervisionService = (*DB)(nil)
	_ shishi.EscalationService  = (*DB)(nil)
)
