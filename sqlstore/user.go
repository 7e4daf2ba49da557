package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

const userCols = `us.id, us.login, us.name, us.email, us.unit_id, un.name, us.disabled, us.totp_secret <> '', us.locked_until, us.last_login_at, us.version, us.created_at, us.updated_at`

func scanUser(s interface{ Scan(...any) error }) (*shishi.User, error) {
	var u shishi.User
	var locked, last sql.NullTime
	if err := s.Scan(&u.ID, &u.Login, &u.Name, &u.Email, &u.UnitID, &u.UnitName, &u.Disabled, &u.TOTPEnabled, &locked, &last, &u.Version, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.LockedUntil, u.LastLoginAt = nullTime(locked), nullTime(last)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// userReach is the condition for users the actor may see: itself, and with
// the admin role, every user whose unit is in the admin's subtree.
func userReach(a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	return "(us.id = " + q.add(a.UserID) + " OR " + reach(a, "un.path", q, shishi.RoleAdmin) + ")"
}

func (d *DB) grants(ctx context.Context, db queryer, userID int64) ([]shishi.Grant, error) {
	rows, err := db.QueryContext(ctx, `SELECT g.role, g.unit_id, u.name FROM user_roles g JOIN units u ON u.id = g.unit_id WHERE g.user_id = $1 ORDER BY g.role, g.unit_id`, userID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []shishi.Grant
	for rows.Next() {
		var g shishi.Grant
		if err := rows.Scan(&g.Role, &g.UnitID, &g.UnitName); err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindUser implements shishi.UserService.
func (d *DB) FindUser(ctx context.Context, id int64) (*shishi.User, error) {
	return d.findUser(ctx, d.read(), id)
}

func (d *DB) findUser(ctx context.Context, db queryer, id int64) (*shishi.User, error) {
	var q args
	where := "us.id = " + q.add(id) + " AND " + userReach(shishi.ActorFrom(ctx), &q)
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users us JOIN units un ON un.id = us.unit_id WHERE `+where, q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "用户不存在或无权访问 / user %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if u.Grants, err = d.grants(ctx, db, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUsers implements shishi.UserService.
func (d *DB) FindUsers(ctx context.Context, f shishi.UserFilter) ([]*shishi.User, int, error) {
	var q args
	where := userReach(shishi.ActorFrom(ctx), &q)
	if f.UnitID != nil {
		where += " AND un.path LIKE (SELECT p.path FROM units p WHERE p.id = " + q.add(*f.UnitID) + ") || '%'"
	}
	if f.Role != "" {
		where += " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = us.id AND r.role = " + q.add(string(f.Role)) + ")"
	}
	if f.Query != "" {
		p := q.add(likeEscape(f.Query))
		where += " AND (lower(us.login) LIKE " + p + ` ESCAPE '\' OR lower(us.name) LIKE ` + p + ` ESCAPE '\')`
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM users us JOIN units un ON un.id = us.unit_id WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND us.id > " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+userCols+` FROM users us JOIN units un ON un.id = us.unit_id WHERE `+where+` ORDER BY us.id LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	var out []*shishi.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	for _, u := range out {
		if u.Grants, err = d.grants(ctx, d.read(), u.ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// checkGrants fills in each grant's unit (the user's unit by default) and
// checks that the actor administers every unit granted at.
func (d *DB) checkGrants(ctx context.Context, tx *sql.Tx, grants []shishi.Grant, unitID int64) ([]shishi.Grant, error) {
	out := make([]shishi.Grant, 0, len(grants))
	for _, g := range grants {
		if g.UnitID == 0 {
			g.UnitID = unitID
		}
		if _, err := d.findUnit(ctx, tx, g.UnitID, shishi.RoleAdmin); err != nil {
			return nil, shishi.Invalid(shishi.FieldError{Field: "grants", Message: "授权单位不存在或不在管理范围内 / a granted unit is not found or outside your reach"})
		}
		out = append(out, g)
	}
	return out, nil
}

func (d *DB) setGrants(ctx context.Context, tx *sql.Tx, userID int64, grants []shishi.Grant) error {
	// Only grants at units the actor administers are replaced; others stay.
	q := args{userID}
	del := `DELETE FROM user_roles WHERE user_id = $1 AND ` + unitInReach(shishi.ActorFrom(ctx), "user_roles.unit_id", &q, shishi.RoleAdmin)
	if _, err := tx.ExecContext(ctx, del, q...); err != nil {
		return shishi.Internal(err)
	}
	for _, g := range grants {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)`, userID, string(g.Role), g.UnitID); err != nil {
			if isUnique(err) {
				return shishi.Invalid(shishi.FieldError{Field: "grants", Message: "重复的授权 / duplicate grant"})
			}
			return shishi.Internal(err)
		}
	}
	return nil
}

// checkAuditorGrant keeps the auditor out of the administrator's hands:
// an administrator who could grant the auditor role could read the log
// through an account of their own making, so auditor accounts are made
// and changed at the console (the system actor) only.
func checkAuditorGrant(a *shishi.Actor, grants []shishi.Grant) error {
	if a.IsSystem() {
		return nil
	}
	for _, g := range grants {
		if g.Role == shishi.RoleAuditor {
			return shishi.Errorf(shishi.EFORBIDDEN, "安全审计员账号只能在服务器控制台管理（三员分立）/ auditor accounts are managed at the console only")
		}
	}
	return nil
}

// checkSeparation enforces 三员分立: one account is never both the system
// administrator and the security auditor.
func checkSeparation(grants []shishi.Grant) error {
	var admin, auditor bool
	for _, g := range grants {
		admin = admin || g.Role == shishi.RoleAdmin
		auditor = auditor || g.Role == shishi.RoleAuditor
	}
	if admin && auditor {
		return shishi.Invalid(shishi.FieldError{Field: "grants", Message: "系统管理员与安全审计员不能由同一账号担任（三员分立） / administrator and auditor must be separate accounts"})
	}
	return nil
}

// CreateUser implements shishi.UserService.
func (d *DB) CreateUser(ctx context.Context, in shishi.UserInput) (*shishi.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkSeparation(in.Grants); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以管理用户 / only an administrator manages users")
	}
	if err := checkAuditorGrant(a, in.Grants); err != nil {
		return nil, err
	}
	hash, err := secret.HashPassword(in.Password)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	var out *shishi.User
	err = d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := d.findUnit(ctx, tx, in.UnitID, shishi.RoleAdmin); err != nil {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "所属单位不存在或不在管理范围内 / unit not found or outside your reach"})
		}
		grants, err := d.checkGrants(ctx, tx, in.Grants, in.UnitID)
		if err != nil {
			return err
		}
		now := d.now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO users (login, name, email, unit_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id`, in.Login, in.Name, in.Email, in.UnitID, hash, now).Scan(&id)
		if isUnique(err) {
			return shishi.Invalid(shishi.FieldError{Field: "login", Message: "登录名已被使用 / login already in use"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		if err := d.setGrants(ctx, tx, id, grants); err != nil {
			return err
		}
		in.Password = ""
		detail := map[string]any{"login": in.Login, "name": in.Name, "unit_id": in.UnitID, "grants": grants}
		if err := d.appendAudit(ctx, tx, "user.create", "user", id, &in.UnitID, detail); err != nil {
			return err
		}
		out, err = d.findUser(ctx, tx, id)
		return err
	})
	return out, err
}

// checkManages refuses an administrator a user who holds a grant outside
// the administrator's reach, or the auditor role: seeing a user (by home
// unit) is not the power to reset a more powerful account.
func (d *DB) checkManages(ctx context.Context, tx *sql.Tx, a *shishi.Actor, u *shishi.User) error {
	if a.IsSystem() {
		return nil
	}
	for _, g := range u.Grants {
		if g.Role == shishi.RoleAuditor {
			return shishi.Errorf(shishi.EFORBIDDEN, "安全审计员账号只能在服务器控制台管理（三员分立）/ auditor accounts are managed at the console only")
		}
		if _, err := d.findUnit(ctx, tx, g.UnitID, shishi.RoleAdmin); err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "该用户在您的管理范围之外还有授权 / the user holds grants outside your reach")
		}
	}
	return nil
}

// UpdateUser implements shishi.UserService. Changing one's own roles is
// refused, so no one raises their own privileges.
func (d *DB) UpdateUser(ctx context.Context, id int64, version int64, p shishi.UserPatch) (*shishi.User, error) {
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAdmin) {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以管理用户 / only an administrator manages users")
	}
	if p.Grants != nil && id == a.UserID {
		return nil, shishi.Errorf(shishi.EFORBIDDEN, "不能修改自己的角色 / you cannot change your own roles")
	}
	if p.Grants != nil {
		if err := checkAuditorGrant(a, *p.Grants); err != nil {
			return nil, err
		}
	}
	var out *shishi.User
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if d.postgres {
			// Serialise writers of this user: the version check below must
			// see the row as it will be written.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
				return shishi.Internal(err)
			}
		}
		u, err := d.findUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := d.checkManages(ctx, tx, a, u); err != nil {
			return err
		}
		if !a.IsSystem() && u.ID == a.UserID && (p.Disabled != nil || p.UnitID != nil) {
			return shishi.Errorf(shishi.EFORBIDDEN, "不能停用或调动自己的账号 / you cannot disable or move your own account")
		}
		if err := p.Validate(u.Login); err != nil {
			return err
		}
		if version != 0 && version != u.Version {
			return shishi.Errorf(shishi.EPRECONDITION, "用户已被他人修改，请刷新后重试 / the user was changed by someone else; reload and retry")
		}
		detail := map[string]any{}
		if p.Name != nil {
			u.Name, detail["name"] = *p.Name, *p.Name
		}
		if p.Email != nil {
			u.Email, detail["email"] = *p.Email, "(changed)"
		}
		if p.UnitID != nil {
			if _, err := d.findUnit(ctx, tx, *p.UnitID, shishi.RoleAdmin); err != nil {
				return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "所属单位不存在或不在管理范围内 / unit not found or outside your reach"})
			}
			u.UnitID, detail["unit_id"] = *p.UnitID, *p.UnitID
		}
		if p.Disabled != nil {
			u.Disabled, detail["disabled"] = *p.Disabled, *p.Disabled
		}
		now := d.now()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, email = $2, unit_id = $3, disabled = $4, version = version + 1, updated_at = $5 WHERE id = $6`,
			u.Name, u.Email, u.UnitID, u.Disabled, now, u.ID); err != nil {
			return shishi.Internal(err)
		}
		if p.Password != nil {
			hash, err := secret.HashPassword(*p.Password)
			if err != nil {
				return shishi.Internal(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3`, hash, now, u.ID); err != nil {
				return shishi.Internal(err)
			}
			// A reset ends every credential the old password gave.
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, u.ID); err != nil {
				return shishi.Internal(err)
			}
			detail["password"] = "(reset)"
		}
		if p.Unlock {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, u.ID); err != nil {
				return shishi.Internal(err)
			}
			detail["unlock"] = true
		}
		if p.Grants != nil {
			if err := checkSeparation(*p.Grants); err != nil {
				return err
			}
			grants, err := d.checkGrants(ctx, tx, *p.Grants, u.UnitID)
			if err != nil {
				return err
			}
			if err := d.setGrants(ctx, tx, u.ID, grants); err != nil {
				return err
			}
			// Grants outside the actor's reach stayed: the whole set must
			// still keep administrator and auditor apart.
			all, err := d.grants(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			if err := checkSeparation(all); err != nil {
				return err
			}
			detail["grants"] = grants
		}
		if (p.Disabled != nil && *p.Disabled) || p.Password != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return shishi.Internal(err)
			}
		}
		if err := d.appendAudit(ctx, tx, "user.update", "user", u.ID, &u.UnitID, detail); err != nil {
			return err
		}
		out, err = d.findUser(ctx, tx, u.ID)
		return err
	})
	return out, err
}
