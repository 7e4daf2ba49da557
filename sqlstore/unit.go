package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/shishi-edu/shishi"
)

const unitCols = `u.id, u.parent_id, u.code, u.name, u.name_en, u.kind, u.credit_code, u.path, u.depth, u.version, u.created_at, u.updated_at,
	(SELECT count(*) FROM units c WHERE c.parent_id = u.id)`

func scanUnit(s interface{ Scan(...any) error }) (*shishi.Unit, error) {
	var u shishi.Unit
	var parent sql.NullInt64
	if err := s.Scan(&u.ID, &parent, &u.Code, &u.Name, &u.NameEN, &u.Kind, &u.CreditCode, &u.Path, &u.Depth, &u.Version, &u.CreatedAt, &u.UpdatedAt, &u.ChildCount); err != nil {
		return nil, err
	}
	if parent.Valid {
		u.ParentID = &parent.Int64
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// FindUnit implements shishi.UnitService.
func (d *DB) FindUnit(ctx context.Context, id int64) (*shishi.Unit, error) {
	return d.findUnit(ctx, d.read(), id)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) findUnit(ctx context.Context, db queryer, id int64, roles ...shishi.Role) (*shishi.Unit, error) {
	var q args
	where := "u.id = " + q.add(id) + " AND "
	if len(roles) > 0 {
		where += reach(shishi.ActorFrom(ctx), "u.path", &q, roles...)
	} else {
		where += readReach(shishi.ActorFrom(ctx), "u.path", &q)
	}
	u, err := scanUnit(db.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units u WHERE `+where, q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "单位不存在或无权访问 / unit %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return u, nil
}

// FindUnits implements shishi.UnitService.
func (d *DB) FindUnits(ctx context.Context, f shishi.UnitFilter) ([]*shishi.Unit, int, error) {
	var q args
	where := readReach(shishi.ActorFrom(ctx), "u.path", &q)
	if f.ParentID != nil {
		where += " AND u.parent_id = " + q.add(*f.ParentID)
	}
	if f.Under != nil {
		where += " AND u.path LIKE (SELECT p.path FROM units p WHERE p.id = " + q.add(*f.Under) + ") || '%'"
	}
	if f.Kind != "" {
		where += " AND u.kind = " + q.add(string(f.Kind))
	}
	if f.Code != "" {
		where += " AND u.code = " + q.add(f.Code)
	}
	if f.Query != "" {
		p := q.add(likeEscape(f.Query))
		where += " AND (lower(u.name) LIKE " + p + ` ESCAPE '\' OR lower(u.name_en) LIKE ` + p + ` ESCAPE '\' OR u.code LIKE ` + p + ` ESCAPE '\')`
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM units u WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND u.id > " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE `+where+` ORDER BY u.id LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	return out, total, nil
}

// UnitTree returns every unit in reach ordered by path, for the tree view.
func (d *DB) UnitTree(ctx context.Context) ([]*shishi.Unit, error) {
	var q args
	rows, err := d.read().QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE `+readReach(shishi.ActorFrom(ctx), "u.path", &q)+` ORDER BY u.depth, u.id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateUnit implements shishi.UnitService. A root unit (no parent) only
// the system actor creates (the CLI at the console, the demo seeder).
func (d *DB) CreateUnit(ctx context.Context, in shishi.UnitInput) (*shishi.Unit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	if in.ParentID == nil && !a.IsSystem() {
		return nil, shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "必须选择上级单位 / parent unit is required"})
	}
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以管理单位 / only an administrator manages units")
	}
	var out *shishi.Unit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		path, depth := "/", 0
		if in.ParentID != nil {
			p, err := d.findUnit(ctx, tx, *in.ParentID, shishi.RoleAdmin)
			if err != nil {
				if shishi.ErrorCode(err) == shishi.ENOTFOUND {
					return shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "上级单位不存在或不在管理范围内 / parent unit not found or outside your reach"})
				}
				return err
			}
			path, depth = p.Path, p.Depth+1
		}
		now := d.now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO units (parent_id, code, name, name_en, kind, credit_code, path, depth, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			in.ParentID, in.Code, in.Name, in.NameEN, string(in.Kind), in.CreditCode, "tmp:"+in.Code, depth, now).Scan(&id)
		if isUnique(err) {
			return shishi.Invalid(shishi.FieldError{Field: "code", Message: "单位代码已被使用 / code already in use"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		path += strconv.FormatInt(id, 10) + "/"
		if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 WHERE id = $2`, path, id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "unit.create", "unit", id, &id, in); err != nil {
			return err
		}
		u, err := d.findUnit(ctx, tx, id)
		if err != nil {
			// The system actor always reaches it; an admin reaches the parent's subtree.
			return err
		}
		out = u
		return nil
	})
	return out, err
}

// UpdateUnit implements shishi.UnitService. A move rewrites the paths of the
// whole subtree in one statement and is recorded in the unit's history.
func (d *DB) UpdateUnit(ctx context.Context, id int64, version int64, p shishi.UnitPatch) (*shishi.Unit, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以管理单位 / only an administrator manages units")
	}
	var out *shishi.Unit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if d.postgres {
			// Unit writes take one lock: the version check must see the row
			// as it will be written, and two crossing moves (A under B while
			// B goes under A) must not both pass the cycle check.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7401)`); err != nil {
				return shishi.Internal(err)
			}
		}
		u, err := d.findUnit(ctx, tx, id, shishi.RoleAdmin)
		if err != nil {
			return err
		}
		if version != 0 && version != u.Version {
			return shishi.Errorf(shishi.EPRECONDITION, "单位已被他人修改，请刷新后重试 / the unit was changed by someone else; reload and retry")
		}
		now := d.now()
		var changes []shishi.UnitChange
		set := func(field, before, after string) {
			if before != after {
				changes = append(changes, shishi.UnitChange{Field: field, Before: before, After: after})
			}
		}
		if p.Name != nil {
			set("name", u.Name, *p.Name)
			u.Name = *p.Name
		}
		if p.NameEN != nil {
			set("name_en", u.NameEN, *p.NameEN)
			u.NameEN = *p.NameEN
		}
		if p.Kind != nil {
			set("kind", string(u.Kind), string(*p.Kind))
			u.Kind = *p.Kind
		}
		if p.CreditCode != nil {
			set("credit_code", u.CreditCode, *p.CreditCode)
			u.CreditCode = *p.CreditCode
		}
		moved := false
		if p.ParentID != nil && (u.ParentID == nil || *u.ParentID != *p.ParentID) {
			if u.ParentID == nil {
				return shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "根单位不能移动 / a root unit cannot be moved"})
			}
			np, err := d.findUnit(ctx, tx, *p.ParentID, shishi.RoleAdmin)
			if err != nil {
				return shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "新的上级单位不存在或不在管理范围内 / new parent not found or outside your reach"})
			}
			if len(np.Path) >= len(u.Path) && np.Path[:len(u.Path)] == u.Path {
				return shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "不能移动到自身或下级单位之下 / cannot move a unit under itself or its own subtree"})
			}
			// Recorded by id as well as name: two parents may share a name.
			before := "#" + strconv.FormatInt(*u.ParentID, 10)
			if old, err := d.findUnit(ctx, tx, *u.ParentID); err == nil {
				before = old.Name + " " + before
			}
			changes = append(changes, shishi.UnitChange{Field: "parent", Before: before, After: np.Name + " #" + strconv.FormatInt(np.ID, 10)})
			moved = true
			newPath := np.Path + strconv.FormatInt(u.ID, 10) + "/"
			if _, err := tx.ExecContext(ctx, `UPDATE units SET path = CAST($1 AS TEXT) || substr(path, $2), depth = depth + $3 WHERE path LIKE $4`,
				newPath, len(u.Path)+1, np.Depth+1-u.Depth, u.Path+"%"); err != nil {
				return shishi.Internal(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, np.ID, u.ID); err != nil {
				return shishi.Internal(err)
			}
		}
		if len(changes) == 0 && !moved {
			out = u
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET name = $1, name_en = $2, kind = $3, credit_code = $4, version = version + 1, updated_at = $5 WHERE id = $6`,
			u.Name, u.NameEN, string(u.Kind), u.CreditCode, now, u.ID); err != nil {
			return shishi.Internal(err)
		}
		if slices.ContainsFunc(changes, func(c shishi.UnitChange) bool { return c.Field == "name" }) {
			// The list cards of its items name it.
			var q args
			if err := d.dropCards(ctx, tx, "i.lead_unit_id = "+q.add(u.ID)+" OR i.id IN (SELECT iu.item_id FROM item_units iu WHERE iu.unit_id = "+q.add(u.ID)+")", q); err != nil {
				return err
			}
		}
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_changes (unit_id, at, actor, field, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
				u.ID, now, a.Login, c.Field, c.Before, c.After); err != nil {
				return shishi.Internal(err)
			}
		}
		if err := d.appendAudit(ctx, tx, "unit.update", "unit", u.ID, &u.ID, changes); err != nil {
			return err
		}
		out, err = d.findUnit(ctx, tx, u.ID)
		return err
	})
	return out, err
}

// UnitHistory implements shishi.UnitService.
func (d *DB) UnitHistory(ctx context.Context, id int64, p shishi.Page) ([]shishi.UnitChange, int, error) {
	if _, err := d.FindUnit(ctx, id); err != nil {
		return nil, 0, err
	}
	q := args{id}
	const from = ` FROM unit_changes WHERE unit_id = $1`
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("id", true).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, field, before, after`+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []shishi.UnitChange{}
	for rows.Next() {
		var c shishi.UnitChange
		if err := rows.Scan(&c.ID, &c.At, &c.Actor, &c.Field, &c.Before, &c.After); err != nil {
			return nil, 0, shishi.Internal(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// UnitAncestors implements shishi.UnitService.
func (d *DB) UnitAncestors(ctx context.Context, id int64) ([]*shishi.Unit, error) {
	u, err := d.FindUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	var q args
	// An ancestor's path is a prefix of the unit's path.
	rows, err := d.read().QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE CAST(`+q.add(u.Path)+` AS TEXT) LIKE u.path || '%' AND u.id <> `+q.add(u.ID)+
		` AND `+readReach(shishi.ActorFrom(ctx), "u.path", &q)+` ORDER BY u.depth`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Unit
	for rows.Next() {
		a, err := scanUnit(rows)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
