package sqlstore

import (
	"context"
	"database/sql"

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
