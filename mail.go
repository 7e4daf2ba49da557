package shishi

import (
	"context"
	"time"
)

// MailKinds are the kinds of notices a user may also get by e-mail:
// reminders and deadlines (催报、催办、督办), tasks handed to the unit
// (交办), complaints dispatched and their deadlines (转办、预警), mentions.
var MailKinds = []string{"reminder", "task", "complaint", "mention"}

// MailPrefs are a user's e-mail choices.
type MailPrefs struct {
	Email   string   `json:"email"`   // where mail goes (set by an administrator)
	Kinds   []string `json:"kinds"`   // which notices are mailed
	Lang    string   `json:"lang"`    // "zh" or "en"
	Enabled bool     `json:"enabled"` // whether this server sends mail at all
	Version int64    `json:"version"` // counts changes (read-only): If-Match names it
}

// Validate checks the choices (Email and Enabled are read-only).
func (p *MailPrefs) Validate() error {
	var v Validator
	v.Check(p.Lang == "zh" || p.Lang == "en", "lang", "须为 zh 或 en / must be zh or en")
	seen := map[string]bool{}
	var kinds []string
	for _, k := range p.Kinds {
		ok := false
		for _, m := range MailKinds {
			ok = ok || k == m
		}
		if !ok {
			v.Add("kinds", "未知的通知类型 "+k+" / unknown notice kind "+k)
			break
		}
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if kinds == nil {
		kinds = []string{}
	}
	p.Kinds = kinds
	return v.Err()
}

// MailJob is the payload of a mail.notice job.
type MailJob struct {
	Notice int64 `json:"notice"`
}

// MailNotice is what one notice mail needs.
type MailNotice struct {
	NoticeID int64
	To       string
	Name     string
	Lang     string
	Kind     string
	Text     string
	Path     string // the page of the subject, e.g. /app/items/12
	At       time.Time
	Disabled bool // the account is disabled: send nothing
}

// MailService keeps e-mail preferences and prepares notice mails.
type MailService interface {
	// MailPrefs returns the actor's own choices. EUNAUTHORIZED.
	MailPrefs(ctx context.Context) (*MailPrefs, error)
	// SetMailPrefs changes them (audited). EINVALID.
	// version is the one the caller read (0: unchecked); EPRECONDITION
	// when it changed since.
	SetMailPrefs(ctx context.Context, p MailPrefs, version int64) (*MailPrefs, error)
	// PrepareMail loads a notice with its recipient (the worker).
	// ENOTFOUND.
	PrepareMail(ctx context.Context, noticeID int64) (*MailNotice, error)
}
