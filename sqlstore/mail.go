package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// insertNotice writes a notice pointing at an item or a case (ref names
// the column; id 0 for none); a non-empty dedup key sends it once per
// user. When mail is on and the user asked for notices of this kind by
// e-mail, the mail job is queued in the same transaction. It reports
// whether a notice was written.
func (d *DB) insertNotice(ctx context.Context, tx *sql.Tx, userID int64, kind, ref string, refID int64, text, dedup string) (bool, error) {
	var target any
	if refID > 0 {
		target = refID
	}
	q := `INSERT INTO notices (user_id, kind, ` + ref + `, text, at, dedup) VALUES ($1, $2, $3, $4, $5, $6)`
	if dedup != "" {
		q += ` ON CONFLICT (user_id, dedup) WHERE dedup <> '' DO NOTHING`
	}
	var id int64
	err := on(ctx, tx).QueryRowContext(ctx, q+` RETURNING id`, userID, kind, target, text, d.now(), dedup).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, shishi.Internal(err)
	}
	if !d.MailEnabled {
		return true, nil
	}
	return true, d.mailNotice(ctx, tx, id, userID, kind)
}

// mailNotice queues the mail of a stored notice when its user has an
// address and takes mail of its kind.
func (d *DB) mailNotice(ctx context.Context, tx *sql.Tx, id, userID int64, kind string) error {
	type mailTo struct {
		email, kinds string
		unit         int64
	}
	to, err := memoized(ctx, tx, "mailto:"+strconv.FormatInt(userID, 10), func() (mailTo, error) {
		var m mailTo
		if err := on(ctx, tx).QueryRowContext(ctx, `SELECT email, mail_kinds, unit_id FROM users WHERE id = $1`, userID).Scan(&m.email, &m.kinds, &m.unit); err != nil {
			return m, shishi.Internal(err)
		}
		return m, nil
	})
	if err != nil {
		return err
	}
	if to.email == "" || (!hasKind(to.kinds, kind) && !accountMail[kind]) {
		return nil
	}
	_, err = d.enqueue(ctx, tx, shishi.JobInput{Kind: shishi.JobMail, Payload: shishi.MailJob{Notice: id}, UnitID: &to.unit})
	return err
}

// accountMail are the notices about the account itself (its verification
// code; a sign-up tried with its address): mailed whatever the choices.
var accountMail = map[string]bool{"verify": true, "account": true}

func hasKind(list, kind string) bool {
	for _, k := range strings.Split(list, ",") {
		if k == kind {
			return true
		}
	}
	return false
}

// MailPrefs implements shishi.MailService.
func (d *DB) MailPrefs(ctx context.Context) (*shishi.MailPrefs, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "需要登录 / sign in first")
	}
	var p shishi.MailPrefs
	var kinds string
	if err := d.read().QueryRowContext(ctx, `SELECT email, mail_kinds, mail_lang, mail_version FROM users WHERE id = $1`, a.UserID).Scan(&p.Email, &kinds, &p.Lang, &p.Version); err != nil {
		return nil, shishi.Internal(err)
	}
	p.Kinds = []string{}
	for _, k := range strings.Split(kinds, ",") {
		if k != "" {
			p.Kinds = append(p.Kinds, k)
		}
	}
	p.Enabled = d.MailEnabled
	return &p, nil
}

// SetMailPrefs implements shishi.MailService.
func (d *DB) SetMailPrefs(ctx context.Context, p shishi.MailPrefs, version int64) (*shishi.MailPrefs, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil || a.UserID == 0 {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "需要登录 / sign in first")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET mail_kinds = $1, mail_lang = $2, mail_version = mail_version + 1 WHERE id = $3 AND ($4 = 0 OR mail_version = $4)`,
			strings.Join(p.Kinds, ","), p.Lang, a.UserID, version)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.EPRECONDITION, "通知设置已在别处修改，请刷新后重试 / the preferences were changed elsewhere; reload and retry")
		}
		return d.appendAudit(ctx, tx, "user.mail_prefs", "user", a.UserID, nil, map[string]any{"kinds": p.Kinds, "lang": p.Lang})
	})
	if err != nil {
		return nil, err
	}
	return d.MailPrefs(ctx)
}

// PrepareMail implements shishi.MailService.
func (d *DB) PrepareMail(ctx context.Context, noticeID int64) (*shishi.MailNotice, error) {
	var m shishi.MailNotice
	var item, cas sql.NullInt64
	err := d.read().QueryRowContext(ctx, `SELECT n.id, n.kind, n.text, n.at, n.item_id, n.complaint_id, u.email, u.name, u.mail_lang, u.disabled
		FROM notices n JOIN users u ON u.id = n.user_id WHERE n.id = $1`, noticeID).
		Scan(&m.NoticeID, &m.Kind, &m.Text, &m.At, &item, &cas, &m.To, &m.Name, &m.Lang, &m.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "通知不存在 / notice %d not found", noticeID)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	m.At = m.At.UTC()
	switch {
	case m.Kind == "verify":
		// The code is kept sealed; the text ends with the link to the
		// verification page.
		if strings.HasPrefix(m.Text, "邮箱验证码 / ") {
			// Written before codes were sealed (migration 0018): its code
			// no longer verifies, so nothing is sent.
			m.Disabled = true
			return &m, nil
		}
		plain, err := d.keys.Open(sealVerify, m.Text)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		m.Text, m.Path, _ = strings.Cut(string(plain), "\n")
	case m.Kind == "account":
		m.Path = "/login"
	case item.Valid:
		m.Path = "/app/items/" + itoa(int(item.Int64))
	case cas.Valid:
		m.Path = "/app/complaints/" + itoa(int(cas.Int64))
	default:
		m.Path = "/app/notices"
	}
	return &m, nil
}

var _ shishi.MailService = (*DB)(nil)
