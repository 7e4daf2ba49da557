package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

// TokenPrefix starts every API token, so a leaked one is recognisable by
// secret scanners.
const TokenPrefix = "shishi_"

// Token scopes: all of the user's roles, or the Open311 complaint API only.
const (
	ScopeAll     = ""
	ScopeOpen311 = "open311"
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
	return &t, nil
}

// CreateToken implements shishi.AuthService.
func (d *DB) CreateToken(ctx context.Context, userID int64, name, scope string, ttl time.Duration) (string, *shishi.Token, error) {
	var v shishi.Validator
	name = strings.TrimSpace(name)
	v.Check(name != "" && utf8.RuneCountInString(name) <= 64, "name", "令牌名称须为 1–64 个字符 / name must be 1–64 characters")
	v.Check(scope == ScopeAll || scope == ScopeOpen311, "scope", "未知的令牌范围 / unknown scope")
	v.Check(ttl >= 0 && ttl <= 5*shishi.DefaultTokenLimit, "expires", "有效期无效 / invalid lifetime")
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	// A token acts with all of its user's roles, so only the user (or the
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
		if err := d.appendAudit(ctx, tx, "token.create", "token", id, &u.UnitID, map[string]any{"user": u.Login, "name": name, "scope": scope}); err != nil {
			return err
		}
		out, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = $1`, id))
		if err != nil {
			return shishi.Internal(err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return plain, out, nil
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
	if t.Scope == ScopeOpen311 {
		var g []shishi.Grant
		for _, x := range a.Grants {
			if x.Role == shishi.RoleHandler {
				g = append(g, x)
			}
		}
		a.Grants = g
	}
	a.TokenID, a.TokenScope, a.TokenExpires, a.TOTPOK = t.ID, t.Scope, t.ExpiresAt, true
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := d.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, t.ID); err != nil {
			return nil, nil, shishi.Internal(err)
		}
	}
	return a, t, nil
}

// FindTokens implements shishi.AuthService.
func (d *DB) FindTokens(ctx context.Context, userID int64) ([]*shishi.Token, error) {
	if _, err := d.FindUser(ctx, userID); err != nil {
		return nil, err
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
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
		if !a.IsSystem() && a.UserID != userID && !a.Has(shishi.RoleAdmin) {
			return shishi.Errorf(shishi.EFORBIDDEN, "无权吊销该令牌 / not allowed to revoke this token")
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
