package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Public applicant accounts (see shishi.AccountService). The account is a
// user without a role in the unit "public", a root of its own outside
// every office's subtree; its e-mail and verification live in
// public_accounts.

var _ shishi.AccountService = (*DB)(nil)

func verifyHash(code string) string {
	sum := sha256.Sum256([]byte("shishi-verify:" + strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
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
func (d *DB) SignUp(ctx context.Context, in shishi.SignUpInput) (*shishi.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var taken int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM public_accounts WHERE email = $1`, in.Email).Scan(&taken); err != nil {
		return nil, shishi.Internal(err)
	} else if taken > 0 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "email", Message: "该邮箱已注册，请直接登录 / this e-mail has an account; sign in"})
	}
	unit, err := d.publicUnit(ctx)
	if err != nil {
		return nil, err
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	u, err := d.CreateUser(sys, shishi.UserInput{Login: "pub-" + strings.ToLower(randomCode(10)), Name: in.Name, Email: in.Email, UnitID: unit, Password: in.Password})
	if err != nil {
		return nil, err
	}
	code := randomCode(8)
	err = d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO public_accounts (user_id, email, verify_hash, created_at) VALUES ($1, $2, $3, $4)`, u.ID, in.Email, verifyHash(code), d.now())
		if isUnique(err) {
			return shishi.Invalid(shishi.FieldError{Field: "email", Message: "该邮箱已注册，请直接登录 / this e-mail has an account; sign in"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		// The code goes out by mail, through the notice that mail is sent
		// from (FindNotices never shows a verify notice to the account).
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mail_kinds = 'verify' WHERE id = $1`, u.ID); err != nil {
			return shishi.Internal(err)
		}
		text := "邮箱验证码 / e-mail verification code: " + code + " — /signup/verify?code=" + code
		if _, err := d.insertNotice(ctx, tx, u.ID, "verify", "item_id", 0, text, ""); err != nil {
			return err
		}
		return d.appendAudit(ctx, tx, "account.signup", "user", u.ID, &unit, map[string]any{"login": u.Login})
	})
	if err != nil {
		// Keep no account whose code was never sent.
		_, _ = d.db.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, u.ID)
		return nil, err
	}
	return u, nil
}

// VerifyEmail implements shishi.AccountService.
func (d *DB) VerifyEmail(ctx context.Context, code string) (*shishi.User, error) {
	var out *shishi.User
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE public_accounts SET verified_at = $1 WHERE verify_hash = $2 AND verified_at IS NULL RETURNING user_id`,
			d.now(), verifyHash(code)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return shishi.Invalid(shishi.FieldError{Field: "code", Message: "验证码无效或已使用 / unknown or used code"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mail_kinds = '' WHERE id = $1`, id); err != nil {
			return shishi.Internal(err)
		}
		var unit int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM users WHERE id = $1`, id).Scan(&unit); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "account.verify", "user", id, &unit, nil); err != nil {
			return err
		}
		out, err = d.findUser(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
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
