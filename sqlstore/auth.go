package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

var errBadLogin = shishi.Errorf(shishi.EUNAUTHORIZED, "登录名或密码错误 / wrong login or password")

// CheckPassword implements shishi.AuthService. Each attempt is reserved
// (counted) in one statement before the slow password check, so a burst of
// concurrent guesses gets no more tries than a patient guesser.
func (d *DB) CheckPassword(ctx context.Context, login, password string) (*shishi.LoginResult, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if strings.Contains(login, "@") {
		// A public account signs in with the e-mail it signed up with.
		var l string
		if err := d.db.QueryRowContext(ctx, `SELECT u.login FROM public_accounts p JOIN users u ON u.id = p.user_id WHERE p.email = $1`, login).Scan(&l); err == nil {
			login = l
		}
	}
	var (
		id        int64
		unitID    int64
		hash      string
		disabled  bool
		totp      string
		createdAt time.Time
	)
	err := d.read().QueryRowContext(ctx, `SELECT id, unit_id, password_hash, disabled, totp_secret, created_at FROM users WHERE login = $1`, login).
		Scan(&id, &unitID, &hash, &disabled, &totp, &createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		secret.BurnTime(password)
		_ = d.Audit(ctx, "auth.login_failed", "user", 0, nil, map[string]string{"login": login, "reason": "unknown login"})
		return nil, errBadLogin
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	now := d.now()
	n, err := d.reserveAttempt(ctx, id, now)
	if err != nil {
		secret.BurnTime(password)
		_ = d.Audit(ctx, "auth.login_locked", "user", id, &unitID, map[string]string{"login": login})
		return nil, err
	}
	ok, err := secret.CheckPassword(hash, password)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	if !ok || disabled {
		detail := map[string]any{"login": login, "failures": n}
		if disabled {
			detail["reason"] = "disabled"
		}
		err := d.tx(ctx, func(tx *sql.Tx) error {
			if n >= shishi.MaxFailedLogins {
				if err := lockUser(ctx, tx, id, now); err != nil {
					return err
				}
				detail["locked"] = true
			}
			return d.appendAudit(ctx, tx, "auth.login_failed", "user", id, &unitID, detail)
		})
		if err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	if _, err := d.db.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, id); err != nil {
		return nil, shishi.Internal(err)
	}
	u, err := d.findUser(shishi.WithActor(ctx, shishi.SystemActor()), d.db, id)
	if err != nil {
		return nil, err
	}
	res := &shishi.LoginResult{User: u, NeedTOTP: totp != ""}
	if totp == "" && requiresTOTP(u.Grants) {
		deadline := createdAt.Add(shishi.TOTPGracePeriod)
		if now.After(deadline) {
			res.MustEnrol = true
		} else {
			res.EnrolBy = &deadline
		}
	}
	return res, nil
}

// reserveAttempt counts one sign-in attempt (password or second factor)
// and returns the count, or ETOOMANY while the account is locked or when
// the attempt is one too many (the account is then locked).
func (d *DB) reserveAttempt(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := d.read().QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1
		WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins`, userID, now).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, d.lockedError(ctx, userID)
	} else if err != nil {
		return 0, shishi.Internal(err)
	}
	if n > shishi.MaxFailedLogins {
		if err := d.tx(ctx, func(tx *sql.Tx) error { return lockUser(ctx, tx, userID, now) }); err != nil {
			return 0, err
		}
		return 0, d.lockedError(ctx, userID)
	}
	return n, nil
}

func lockUser(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2`, now.Add(shishi.LockoutDuration), userID); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

func (d *DB) lockedError(ctx context.Context, userID int64) error {
	var until sql.NullTime
	_ = d.read().QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, userID).Scan(&until)
	when := "—"
	if until.Valid {
		when = until.Time.In(shanghai).Format("2006-01-02 15:04")
	}
	return shishi.Errorf(shishi.ETOOMANY, "登录失败次数过多，账号已锁定至 %s / too many failed attempts; the account is locked until %s", when, when)
}

func requiresTOTP(grants []shishi.Grant) bool {
	for _, g := range grants {
		if g.Role.RequiresTOTP() {
			return true
		}
	}
	return false
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// CheckTOTP implements shishi.AuthService.
func (d *DB) CheckTOTP(ctx context.Context, userID int64, code string) error {
	var unitID int64
	now := d.now()
	// Codes count towards the same lock-out as passwords, so six digits
	// cannot be walked through.
	n, err := d.reserveAttempt(ctx, userID, now)
	if err != nil {
		return err
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		var sealed string
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step, unit_id FROM users WHERE id = $1`, userID).Scan(&sealed, &last, &unitID); err != nil {
			return shishi.Internal(err)
		}
		if sealed == "" {
			return shishi.Errorf(shishi.EUNAUTHORIZED, "未启用动态口令 / no second factor enrolled")
		}
		sec, err := d.keys.Open("totp", sealed)
		if err != nil {
			return shishi.Internal(err)
		}
		step := secret.MatchTOTP(string(sec), strings.TrimSpace(code), now)
		if step == 0 || step <= last {
			return errBadTOTP
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1, failed_logins = 0 WHERE id = $2`, step, userID); err != nil {
			return shishi.Internal(err)
		}
		return nil
	})
	if err == errBadTOTP {
		// Recorded after the check's transaction: SQLite has one writer.
		aerr := d.tx(ctx, func(tx *sql.Tx) error {
			if n >= shishi.MaxFailedLogins {
				if err := lockUser(ctx, tx, userID, now); err != nil {
					return err
				}
			}
			return d.appendAudit(ctx, tx, "auth.totp_failed", "user", userID, &unitID, map[string]int{"failures": n})
		})
		if aerr != nil {
			return aerr
		}
	}
	return err
}

var errBadTOTP = shishi.Errorf(shishi.EUNAUTHORIZED, "动态口令错误或已使用 / wrong or already used code")

// CreateSession implements shishi.AuthService.
func (d *DB) CreateSession(ctx context.Context, userID int64, totpOK bool) (string, error) {
	token := secret.Token(32)
	now := d.now()
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM users WHERE id = $1`, userID).Scan(&unitID); err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, totp_ok, csrf) VALUES ($1, $2, $3, $3, $4, $5)`,
			secret.HashToken(token), userID, now, totpOK, secret.Token(24)); err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, now, userID); err != nil {
			return shishi.Internal(err)
		}
		// Expired sessions of anyone are swept here, at a moment that writes anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2`, now.Add(-shishi.SessionIdle), now.Add(-shishi.SessionMaxAge)); err != nil {
			return shishi.Internal(err)
		}
		ctx := shishi.WithActor(ctx, &shishi.Actor{UserID: userID, Login: loginOf(ctx, tx, userID), IP: ipOf(ctx)})
		return d.appendAudit(ctx, tx, "auth.login", "user", userID, &unitID, map[string]bool{"totp": totpOK})
	})
	return token, err
}

func ipOf(ctx context.Context) string {
	if a := shishi.ActorFrom(ctx); a != nil {
		return a.IP
	}
	return ""
}

func loginOf(ctx context.Context, tx *sql.Tx, userID int64) string {
	var l string
	_ = tx.QueryRowContext(ctx, `SELECT login FROM users WHERE id = $1`, userID).Scan(&l)
	return l
}

// actorFor loads a user as an actor; disabled users have none.
func (d *DB) actorFor(ctx context.Context, userID int64) (*shishi.Actor, error) {
	a := &shishi.Actor{UserID: userID}
	var disabled bool
	err := d.read().QueryRowContext(ctx, `SELECT login, name, unit_id, disabled, totp_secret <> '' FROM users WHERE id = $1`, userID).Scan(&a.Login, &a.Name, &a.UnitID, &disabled, &a.TOTPEnrolled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "账号不存在或已停用 / account missing or disabled")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if a.Grants, err = d.grants(ctx, d.read(), userID); err != nil {
		return nil, err
	}
	return a, nil
}

var errNoSession = shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / please sign in")

// SessionActor implements shishi.AuthService. The last-seen time is written
// at most once a minute, so browsing stays a read.
func (d *DB) SessionActor(ctx context.Context, token string) (*shishi.Actor, *shishi.Session, error) {
	if token == "" {
		return nil, nil, errNoSession
	}
	h := secret.HashToken(token)
	var s shishi.Session
	err := d.read().QueryRowContext(ctx, `SELECT user_id, created_at, last_seen_at, totp_ok, csrf FROM sessions WHERE token_hash = $1`, h).
		Scan(&s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.TOTPOK, &s.CSRF)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNoSession
	} else if err != nil {
		return nil, nil, shishi.Internal(err)
	}
	now := d.now()
	if now.Sub(s.LastSeenAt) > shishi.SessionIdle || now.Sub(s.CreatedAt) > shishi.SessionMaxAge {
		_, _ = d.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h)
		return nil, nil, shishi.Errorf(shishi.EUNAUTHORIZED, "会话已超时，请重新登录 / session expired; please sign in again")
	}
	if now.Sub(s.LastSeenAt) > time.Minute {
		if _, err := d.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now, h); err != nil {
			return nil, nil, shishi.Internal(err)
		}
	}
	a, err := d.actorFor(ctx, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	a.TOTPOK = s.TOTPOK
	return a, &s, nil
}

// MarkSessionTOTP records that the session gave its second factor.
func (d *DB) MarkSessionTOTP(ctx context.Context, token string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE sessions SET totp_ok = $1 WHERE token_hash = $2`, true, secret.HashToken(token))
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// DeleteSession implements shishi.AuthService.
func (d *DB) DeleteSession(ctx context.Context, token string) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var userID, unitID int64
		err := tx.QueryRowContext(ctx, `SELECT s.user_id, u.unit_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, secret.HashToken(token)).Scan(&userID, &unitID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, secret.HashToken(token)); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "auth.logout", "user", userID, &unitID, nil)
	})
}

// TOTPSetup implements shishi.AuthService.
func (d *DB) TOTPSetup(ctx context.Context) (string, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return "", errNoSession
	}
	sec, url, err := secret.NewTOTP("Shishi 实事", a.Login)
	if err != nil {
		return "", shishi.Internal(err)
	}
	sealed, err := d.keys.Seal("totp", []byte(sec))
	if err != nil {
		return "", shishi.Internal(err)
	}
	if _, err := d.db.ExecContext(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, sealed, a.UserID); err != nil {
		return "", shishi.Internal(err)
	}
	return url, nil
}

// TOTPEnable implements shishi.AuthService.
func (d *DB) TOTPEnable(ctx context.Context, code string) error {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return errNoSession
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		var pending string
		if err := tx.QueryRowContext(ctx, `SELECT totp_pending FROM users WHERE id = $1`, a.UserID).Scan(&pending); err != nil {
			return shishi.Internal(err)
		}
		if pending == "" {
			return shishi.Invalid(shishi.FieldError{Field: "code", Message: "请先生成新的动态口令密钥 / start enrolment first"})
		}
		sec, err := d.keys.Open("totp", pending)
		if err != nil {
			return shishi.Internal(err)
		}
		step := secret.MatchTOTP(string(sec), strings.TrimSpace(code), d.Now())
		if step == 0 {
			return shishi.Invalid(shishi.FieldError{Field: "code", Message: "动态口令不正确 / the code does not match"})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = $1 WHERE id = $2`, step, a.UserID); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "auth.totp_enabled", "user", a.UserID, &a.UnitID, nil)
	})
}

// ChangePassword implements shishi.AuthService.
func (d *DB) ChangePassword(ctx context.Context, old, new string) error {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return errNoSession
	}
	var v shishi.Validator
	shishi.ValidatePassword(&v, "new_password", new, a.Login)
	if err := v.Err(); err != nil {
		return err
	}
	var hash string
	if err := d.read().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
		return shishi.Internal(err)
	}
	if ok, err := secret.CheckPassword(hash, old); err != nil {
		return shishi.Internal(err)
	} else if !ok {
		return shishi.Invalid(shishi.FieldError{Field: "old_password", Message: "原密码不正确 / the current password is wrong"})
	}
	nh, err := secret.HashPassword(new)
	if err != nil {
		return shishi.Internal(err)
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3`, nh, d.now(), a.UserID); err != nil {
			return shishi.Internal(err)
		}
		// Every session of the account ends, wherever it was opened; the
		// caller signs the person in again.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, a.UserID); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "auth.password_changed", "user", a.UserID, &a.UnitID, nil)
	})
}
