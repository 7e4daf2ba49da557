package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

// TokenPrefix starts every API token, so a leaked one is recognisable by
// secret scanners.
const TokenPrefix = "shishi_"

// Token scopes, as the domain names them.
const (
	ScopeAll     = shishi.TokenScopeAll
	ScopeOpen311 = shishi.TokenScopeOpen311
	ScopeGrants  = shishi.TokenScopeGrants
)

const tokenCols = `id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at`

func scanToken(s interface{ Scan(...any) error }) (*shishi.Token, error) {
	var t shishi.Token
	var exp, used, rev sql.NullTime
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Scope, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = nullTime(exp), nullTime(used), nullTime(rev)
	t.Grants = []shishi.Grant{}
	return &t, nil
}

// CreateToken implements shishi.AuthService.
func (d *DB) CreateToken(ctx context.Context, userID int64, name, scope string, ttl time.Duration) (string, *shishi.Token, error) {
	return d.MintToken(ctx, userID, shishi.TokenInput{Name: name, Scope: scope, TTL: ttl})
}

// MintToken implements shishi.AuthService.
func (d *DB) MintToken(ctx context.Context, userID int64, in shishi.TokenInput) (string, *shishi.Token, error) {
	var v shishi.Validator
	name := strings.TrimSpace(in.Name)
	scope, ttl := in.Scope, in.TTL
	if len(in.Grants) > 0 && scope == ScopeAll {
		scope = ScopeGrants
	}
	v.Check(name != "" && utf8.RuneCountInString(name) <= 64, "name", "令牌名称须为 1–64 个字符 / name must be 1–64 characters")
	v.Check(scope == ScopeAll || scope == ScopeOpen311 || scope == ScopeGrants, "scope", "未知的令牌范围 / unknown scope")
	v.Check(scope != ScopeGrants || len(in.Grants) > 0, "grants", "请至少选择一个角色 / choose at least one role")
	v.Check(scope == ScopeGrants || len(in.Grants) == 0, "grants", "只有按角色限定的令牌才列出角色 / only a grants token lists grants")
	v.Check(len(in.Grants) <= 64, "grants", "角色过多 / too many grants")
	for i, g := range in.Grants {
		v.Check(g.Role.Valid(), fmt.Sprintf("grants[%d].role", i), "未知角色 / unknown role")
		v.Check(g.UnitID >= 0, fmt.Sprintf("grants[%d].unit_id", i), "无效的单位 / invalid unit")
	}
	v.Check(ttl >= 0 && ttl <= 5*shishi.DefaultTokenLimit, "expires", "有效期无效 / invalid lifetime")
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	// A token acts with its user's roles, so only the user (or the
	// console) makes one: an administrator who could mint tokens for others
	// could act as them. A token may make another no wider and no
	// longer-lived than itself.
	a := shishi.ActorFrom(ctx)
	if a == nil || (!a.IsSystem() && a.UserID != userID) {
		return "", nil, shishi.Errorf(shishi.EFORBIDDEN, "只能为自己创建令牌 / you can create tokens for yourself only")
	}
	if a.TokenID != 0 && a.TokenScope != ScopeAll && scope != a.TokenScope {
		return "", nil, shishi.Errorf(shishi.EFORBIDDEN, "令牌不能创建范围更大的令牌 / a token cannot make a wider token")
	}
	plain := TokenPrefix + secret.Token(32)
	var out *shishi.Token
	err := d.tx(ctx, func(tx *sql.Tx) error {
		u, err := d.findUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return shishi.Invalid(shishi.FieldError{Field: "user", Message: "账号已停用 / the account is disabled"})
		}
		if !a.IsSystem() && requiresTOTP(u.Grants) && !u.TOTPEnabled {
			return shishi.Errorf(shishi.EFORBIDDEN, "请先启用动态口令再创建令牌 / enrol a second factor before making tokens")
		}
		grants, err := d.tokenGrants(ctx, tx, a, u, in.Grants)
		if err != nil {
			return err
		}
		now := d.now()
		var exp *time.Time
		if ttl > 0 {
			e := now.Add(ttl)
			exp = &e
		}
		if a.TokenExpires != nil && (exp == nil || exp.After(*a.TokenExpires)) {
			exp = a.TokenExpires
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, scope, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			userID, name, scope, secret.HashToken(plain), now, exp).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		detail := map[string]any{"user": u.Login, "name": name, "scope": scope}
		if len(grants) > 0 {
			var gs []string
			for _, g := range grants {
				if _, err := tx.ExecContext(ctx, `INSERT INTO api_token_grants (token_id, role, unit_id) VALUES ($1, $2, $3)`, id, string(g.Role), g.UnitID); err != nil {
					return shishi.Internal(err)
				}
				gs = append(gs, fmt.Sprintf("%s@%d", g.Role, g.UnitID))
			}
			detail["grants"] = gs
		}
		if err := d.appendAudit(ctx, tx, "token.create", "token", id, &u.UnitID, detail); err != nil {
			return err
		}
		out, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = $1`, id))
		if err != nil {
			return shishi.Internal(err)
		}
		return d.loadTokenGrants(ctx, tx, []*shishi.Token{out})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, out, nil
}

// tokenGrants checks the grants asked for a new token, in SQL with the
// same reach as every query: each must lie inside the user's reach for
// its role and inside the creating actor's (narrower when the actor is
// itself a grants token). A grant without a unit takes the user's own
// grants of that role. The result is deduplicated, in a stable order.
func (d *DB) tokenGrants(ctx context.Context, tx *sql.Tx, a *shishi.Actor, u *shishi.User, in []shishi.Grant) ([]shishi.Grant, error) {
	owner := &shishi.Actor{UserID: u.ID, Login: u.Login}
	seen := map[shishi.Grant]bool{}
	var out []shishi.Grant
	var v shishi.Validator
	for i, g := range in {
		units := []int64{g.UnitID}
		if g.UnitID == 0 {
			units = nil
			for _, ug := range u.Grants {
				if ug.Role == g.Role {
					units = append(units, ug.UnitID)
				}
			}
			if len(units) == 0 {
				v.Check(false, fmt.Sprintf("grants[%d].role", i), "您没有该角色 / you do not hold this role")
				continue
			}
		}
		for _, unit := range units {
			var q args
			id := q.add(unit)
			var byOwner, byActor int
			if err := tx.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM units u WHERE u.id = `+id+` AND `+reach(owner, "u.path", &q, g.Role)+`),
				(SELECT count(*) FROM units u WHERE u.id = `+id+` AND `+reach(a, "u.path", &q, g.Role)+`)`, q...).Scan(&byOwner, &byActor); err != nil {
				return nil, shishi.Internal(err)
			}
			if byOwner == 0 {
				v.Check(false, fmt.Sprintf("grants[%d].unit_id", i), "该单位不在您此角色的范围内 / the unit is outside your reach for this role")
				continue
			}
			if byActor == 0 {
				return nil, shishi.Errorf(shishi.EFORBIDDEN, "令牌不能创建范围更大的令牌 / a token cannot make a wider token")
			}
			k := shishi.Grant{Role: g.Role, UnitID: unit}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Role != out[j].Role {
			return out[i].Role < out[j].Role
		}
		return out[i].UnitID < out[j].UnitID
	})
	return out, nil
}

// loadTokenGrants fills the grants of grants tokens, as recorded.
func (d *DB) loadTokenGrants(ctx context.Context, db queryer, ts []*shishi.Token) error {
	byID := map[int64]*shishi.Token{}
	var q args
	var ids []string
	for _, t := range ts {
		if t.Scope == ScopeGrants {
			byID[t.ID] = t
			ids = append(ids, q.add(t.ID))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT tg.token_id, tg.role, tg.unit_id, u.name FROM api_token_grants tg JOIN units u ON u.id = tg.unit_id
		WHERE tg.token_id IN (`+strings.Join(ids, ", ")+`) ORDER BY tg.token_id, tg.role, tg.unit_id`, q...)
	if err != nil {
		return shishi.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g shishi.Grant
		if err := rows.Scan(&id, &g.Role, &g.UnitID, &g.UnitName); err != nil {
			return shishi.Internal(err)
		}
		byID[id].Grants = append(byID[id].Grants, g)
	}
	return rows.Err()
}

var errBadToken = shishi.Errorf(shishi.EUNAUTHORIZED, "API 令牌无效、已过期或已吊销 / invalid, expired or revoked API token")

// TokenActor implements shishi.AuthService. A token limited to Open311
// carries only the complaint-handler grants of its user.
func (d *DB) TokenActor(ctx context.Context, token string) (*shishi.Actor, *shishi.Token, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 128 {
		return nil, nil, errBadToken
	}
	t, err := scanToken(d.read().QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, secret.HashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errBadToken
	} else if err != nil {
		return nil, nil, shishi.Internal(err)
	}
	now := d.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && now.After(*t.ExpiresAt)) {
		return nil, nil, errBadToken
	}
	a, err := d.actorFor(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	switch t.Scope {
	case ScopeOpen311:
		var g []shishi.Grant
		for _, x := range a.Grants {
			if x.Role == shishi.RoleHandler {
				g = append(g, x)
			}
		}
		a.Grants = g
	case ScopeGrants:
		// The token's grants that its user still holds: the actor's Go-side
		// checks (Has) see no role the SQL reach would refuse.
		if a.Grants, err = d.heldTokenGrants(ctx, t.ID, t.UserID); err != nil {
			return nil, nil, err
		}
	}
	a.TokenID, a.TokenScope, a.TokenExpires, a.TOTPOK = t.ID, t.Scope, t.ExpiresAt, true
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := d.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, t.ID); err != nil {
			return nil, nil, shishi.Internal(err)
		}
	}
	return a, t, nil
}

// heldTokenGrants returns the grants of token id still covered by a
// grant of the same role its user holds.
func (d *DB) heldTokenGrants(ctx context.Context, id, userID int64) ([]shishi.Grant, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT tg.role, tg.unit_id, u.name FROM api_token_grants tg JOIN units u ON u.id = tg.unit_id
		WHERE tg.token_id = $1 AND EXISTS (SELECT 1 FROM user_roles g JOIN units gu ON gu.id = g.unit_id
			WHERE g.user_id = $2 AND g.role = tg.role AND u.path LIKE gu.path || '%')
		ORDER BY tg.role, tg.unit_id`, id, userID)
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

// FindTokens implements shishi.AuthService: newest first.
func (d *DB) FindTokens(ctx context.Context, userID int64, p shishi.Page) ([]*shishi.Token, int, error) {
	if _, err := d.FindUser(ctx, userID); err != nil {
		return nil, 0, err
	}
	q := args{userID}
	const from = ` FROM api_tokens WHERE user_id = $1`
	total, err := count(ctx, d.db, from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("id", true).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT `+tokenCols+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	out := []*shishi.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	return out, total, d.loadTokenGrants(ctx, d.db, out)
}

// RevokeToken implements shishi.AuthService.
func (d *DB) RevokeToken(ctx context.Context, id int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id = $1`, id).Scan(&userID); errors.Is(err, sql.ErrNoRows) {
			return shishi.Errorf(shishi.ENOTFOUND, "令牌不存在 / token not found")
		} else if err != nil {
			return shishi.Internal(err)
		}
		a := shishi.ActorFrom(ctx)
		u, err := d.findUser(ctx, tx, userID)
		if err != nil {
			return shishi.Errorf(shishi.ENOTFOUND, "令牌不存在 / token not found")
		}
		// The user, or an administrator over the user's unit (checked in
		// SQL, so an administrator elsewhere cannot end it).
		if !a.IsSystem() && a.UserID != userID {
			q := args{u.UnitID}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE id = $1 AND `+reach(a, "path", &q, shishi.RoleAdmin), q...).Scan(&n); err != nil {
				return shishi.Internal(err)
			}
			if n == 0 {
				return shishi.Errorf(shishi.EFORBIDDEN, "无权吊销该令牌 / not allowed to revoke this token")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "token.revoke", "token", id, &u.UnitID, nil)
	})
}

// FindUserByLogin returns a user by login, within the actor's reach.
func (d *DB) FindUserByLogin(ctx context.Context, login string) (*shishi.User, error) {
	var id int64
	err := d.read().QueryRowContext(ctx, `SELECT id FROM users WHERE login = $1`, strings.ToLower(strings.TrimSpace(login))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "用户 %q 不存在 / no such user", login)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return d.FindUser(ctx, id)
}
