package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net/url"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

// Public applicant accounts (see shishi.AccountService). The account is a
// user without a role in the unit "public", a root of its own outside
// every office's subtree; its e-mail and verification live in
// public_accounts.

var _ shishi.AccountService = (*DB)(nil)

// verifyHash is the keyed hash of an account's code, bound to its e-mail:
// a copy of the database alone cannot test codes, and a code only ever
// matches its own account.
func (d *DB) verifyHash(email, code string) string {
	return d.keys.KeyedHash("verify-code", email+"\x00"+code)
}

// sealVerify is the keyring purpose of a verification notice's text: the
// mail worker opens it; the database keeps the code only sealed.
const sealVerify = "notice/verify"

// sendCode writes the notice that mails a new code to account userID (in
// tx) and returns the hash to store. The notice text, which holds the
// code, is sealed; FindNotices never shows a verify notice to the
// account, so whoever signed up with another's address cannot read it.
func (d *DB) sendCode(ctx context.Context, tx *sql.Tx, userID int64, email string) (string, error) {
	code := randomCode(16)
	link := "/signup/verify?" + url.Values{"email": {email}, "code": {code}}.Encode()
	// The code in both halves: a mail keeps only its reader's language.
	text := "邮箱验证码：" + code + "（24 小时内有效）/ e-mail verification code: " + code + " (valid 24 hours)"
	sealed, err := d.keys.Seal(sealVerify, []byte(text+"\n"+link))
	if err != nil {
		return "", shishi.Internal(err)
	}
	if _, err := d.insertNotice(ctx, tx, userID, "verify", "item_id", 0, sealed, ""); err != nil {
		return "", err
	}
	return d.verifyHash(email, code), nil
}

// publicUnit finds the unit of public accounts, creating it on first use.
func (d *DB) publicUnit(ctx context.Context) (int64, error) {
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	find := func() (int64, error) {
		var id int64
		err := d.db.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, shishi.PublicUnitCode).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, err
	}
	if id, err := find(); err != nil || id != 0 {
		return id, err
	}
	u, err := d.CreateUnit(sys, shishi.UnitInput{Code: shishi.PublicUnitCode, Name: "公众账户", NameEN: "Public accounts", Kind: shishi.UnitAffiliate})
	if err != nil {
		// Another sign-up made it meanwhile.
		if id, ferr := find(); ferr == nil && id != 0 {
			return id, nil
		}
		return 0, err
	}
	return u.ID, nil
}

// SignUp implements shishi.AccountService.
func (d *DB) SignUp(ctx context.Context, in shishi.SignUpInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	var existing int64
	err := d.db.QueryRowContext(ctx, `SELECT user_id FROM public_accounts WHERE email = $1`, in.Email).Scan(&existing)
	if err == nil {
		// Spend the time a new account's password hash takes, so the
		// answer's timing does not tell either.
		_, _ = secret.HashPassword(in.Password)
		return d.accountExists(ctx, existing)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return shishi.Internal(err)
	}
	unit, err := d.publicUnit(ctx)
	if err != nil {
		return err
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	u, err := d.CreateUser(sys, shishi.UserInput{Login: "pub-" + strings.ToLower(randomCode(10)), Name: in.Name, Email: in.Email, UnitID: unit, Password: in.Password})
	if err != nil {
		return err
	}
	raced := false
	err = d.tx(ctx, func(tx *sql.Tx) error {
		// Only the verify notice is mailed to an unverified account.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mail_kinds = 'verify' WHERE id = $1`, u.ID); err != nil {
			return shishi.Internal(err)
		}
		hash, err := d.sendCode(ctx, tx, u.ID, in.Email)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO public_accounts (user_id, email, verify_hash, verify_expires, created_at) VALUES ($1, $2, $3, $4, $5)`,
			u.ID, in.Email, hash, d.now().Add(shishi.VerifyCodeTTL), d.now())
		if isUnique(err) {
			raced = true
			return err
		} else if err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "account.signup", "user", u.ID, &unit, map[string]any{"login": u.Login})
	})
	if err != nil {
		// Keep no account whose code was never sent.
		_, _ = d.db.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, u.ID)
		if raced {
			// Another sign-up of the address won meanwhile: answer as for
			// an address that has an account.
			var id int64
			if err := d.db.QueryRowContext(ctx, `SELECT user_id FROM public_accounts WHERE email = $1`, in.Email).Scan(&id); err != nil {
				return shishi.Internal(err)
			}
			return d.accountExists(ctx, id)
		}
		return err
	}
	return nil
}

// accountExists mails the holder of an address someone tried to sign up
// with again that it has an account (audited).
func (d *DB) accountExists(ctx context.Context, userID int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var unit int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM users WHERE id = $1`, userID).Scan(&unit); err != nil {
			return shishi.Internal(err)
		}
		text := "有人使用您的邮箱申请注册账户。您已有账户，请直接登录；如忘记密码，请联系管理员。如非本人操作，请忽略本邮件。" +
			" / Someone tried to sign up with your e-mail. You already have an account: sign in. If it was not you, ignore this mail."
		if _, err := d.insertNotice(ctx, tx, userID, "account", "item_id", 0, text, ""); err != nil {
			return err
		}
		return d.appendAudit(ctx, tx, "account.signup_existing", "user", userID, &unit, nil)
	})
}

// badCode is the one answer to every failed verification: wrong, expired,
// used, locked or unknown address alike, so it tells nothing.
func badCode() error {
	return shishi.Invalid(shishi.FieldError{Field: "code", Message: "验证码无效、已过期或已使用；错误 5 次后须重新获取 / the code is wrong, expired or used; after 5 wrong tries request a new one"})
}

// VerifyEmail implements shishi.AccountService. A wrong code counts
// against the account (committed, audited) even though the call fails.
func (d *DB) VerifyEmail(ctx context.Context, in shishi.VerifyInput) (*shishi.User, error) {
	email, code := strings.ToLower(strings.TrimSpace(in.Email)), normCode(in.Code)
	if email == "" || code == "" {
		var v shishi.Validator
		v.Check(email != "", "email", "必填 / is required")
		v.Check(code != "", "code", "必填 / is required")
		return nil, v.Err()
	}
	lock := ""
	if d.postgres {
		lock = " FOR UPDATE"
	}
	var out *shishi.User
	failed := false
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var id, unit int64
		var hash string
		var expires, verified sql.NullTime
		var failures int
		err := tx.QueryRowContext(ctx, `SELECT p.user_id, u.unit_id, p.verify_hash, p.verify_expires, p.verified_at, p.verify_failures
			FROM public_accounts p JOIN users u ON u.id = p.user_id WHERE p.email = $1`+lock, email).Scan(&id, &unit, &hash, &expires, &verified, &failures)
		if errors.Is(err, sql.ErrNoRows) {
			return badCode()
		} else if err != nil {
			return shishi.Internal(err)
		}
		if verified.Valid || !expires.Valid || !d.now().Before(expires.Time) || failures >= shishi.MaxVerifyFailures {
			return badCode()
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(d.verifyHash(email, code))) != 1 {
			failed = true
			if _, err := tx.ExecContext(ctx, `UPDATE public_accounts SET verify_failures = verify_failures + 1 WHERE user_id = $1`, id); err != nil {
				return shishi.Internal(err)
			}
			return d.appendAudit(ctx, tx, "account.verify_failed", "user", id, &unit, map[string]any{"failures": failures + 1})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE public_accounts SET verified_at = $1 WHERE user_id = $2`, d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mail_kinds = '' WHERE id = $1`, id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "account.verify", "user", id, &unit, nil); err != nil {
			return err
		}
		out, err = d.findUser(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	if err == nil && failed {
		err = badCode()
	}
	return out, err
}

// ResendCode implements shishi.AccountService: a new code, a new day, the
// wrong tries forgotten; the old code no longer works.
func (d *DB) ResendCode(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 200 || !shishi.ValidEmail(email) {
		return shishi.Invalid(shishi.FieldError{Field: "email", Message: "邮箱地址无效 / not an e-mail address"})
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		var id, unit int64
		err := tx.QueryRowContext(ctx, `SELECT p.user_id, u.unit_id FROM public_accounts p JOIN users u ON u.id = p.user_id
			WHERE p.email = $1 AND p.verified_at IS NULL AND NOT u.disabled`, email).Scan(&id, &unit)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return shishi.Internal(err)
		}
		hash, err := d.sendCode(ctx, tx, id, email)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE public_accounts SET verify_hash = $1, verify_expires = $2, verify_failures = 0 WHERE user_id = $3`,
			hash, d.now().Add(shishi.VerifyCodeTTL), id); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "account.resend", "user", id, &unit, nil)
	})
}

// unverified reports whether the actor is a public account that has not
// verified its e-mail yet.
func (d *DB) unverified(ctx context.Context, db queryer) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return false, nil
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM public_accounts WHERE user_id = $1 AND verified_at IS NULL`, a.UserID).Scan(&n); err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}
