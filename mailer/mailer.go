// Package mailer sends Shishi's notices by e-mail over SMTP, rendered from
// templates in Chinese and English. It uses github.com/wneessen/go-mail: a
// maintained, dependency-light successor of the standard library's frozen
// net/smtp, with STARTTLS/implicit TLS policies, SMTP AUTH and proper MIME
// (UTF-8 subjects and bodies), which Chinese text needs. It imports the
// domain only.
package mailer

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/shishi-edu/shishi"
)

//go:embed templates
var files embed.FS

var tmpl = template.Must(template.New("").ParseFS(files, "templates/*.tmpl"))

// Mailer sends notice mails through one SMTP server.
type Mailer struct {
	From    string // the sender address, e.g. "实事 <noreply@jyt.example.cn>"
	BaseURL string // the public URL the links in a mail point to
	host    string
	port    int
	opts    []gomail.Option
}

// New configures a mailer from an SMTP URL:
//
//	smtp://[user:password@]host[:port][?tls=starttls|opportunistic|none]
//	smtps://[user:password@]host[:port]          (implicit TLS, port 465)
//
// smtp:// requires STARTTLS by default (port 587); tls=none is for a relay
// on the same host or a test listener. With user information, SMTP AUTH
// PLAIN is used (go-mail refuses it over an unencrypted link to a remote
// host).
func New(smtpURL, from, baseURL string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("SMTP URL must be smtp://host[:port] or smtps://host[:port]")
	}
	if from == "" {
		return nil, fmt.Errorf("a sender address (--mail-from) is required")
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("sender address %q: %w", from, err)
	}
	m := &Mailer{From: from, BaseURL: strings.TrimRight(baseURL, "/"), host: u.Hostname()}
	m.port = 587
	if u.Scheme == "smtps" {
		m.port = 465
		m.opts = append(m.opts, gomail.WithSSL())
	}
	if p := u.Port(); p != "" {
		if m.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP port %q", p)
		}
	}
	if u.Scheme == "smtp" {
		switch u.Query().Get("tls") {
		case "", "starttls":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "opportunistic":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "none":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("tls=%q: use starttls, opportunistic or none", u.Query().Get("tls"))
		}
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		m.opts = append(m.opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	m.opts = append(m.opts, gomail.WithPort(m.port), gomail.WithTimeout(30*time.Second))
	return m, nil
}

// Mask returns an SMTP URL with its password hidden, for printing.
func Mask(smtpURL string) string {
	u, err := url.Parse(smtpURL)
	if err != nil || u.User == nil {
		return smtpURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return u.String()
}

// Render returns a notice mail's subject and plain-text body in the
// recipient's language.
func Render(n *shishi.MailNotice, baseURL string) (subject, body string, err error) {
	lang := "zh"
	if n.Lang == "en" {
		lang = "en"
	}
	text := n.Text
	// Domain messages are written "中文 / English": each language keeps its half.
	if zh, en, ok := splitBilingual(text); ok {
		text = zh
		if lang == "en" {
			text = en
		}
	}
	data := map[string]any{"Name": n.Name, "Text": text, "Link": strings.TrimRight(baseURL, "/") + n.Path, "Kind": n.Kind,
		"At": n.At.In(beijing).Format("2006-01-02 15:04")}
	var s, b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&s, lang+".subject."+kindOrOther(n.Kind), data); err != nil {
		return "", "", err
	}
	if err := tmpl.ExecuteTemplate(&b, lang+".body", data); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(s.String()), b.String(), nil
}

// splitBilingual cuts "中文 / English" (or "中文）/ English") in two.
func splitBilingual(s string) (zh, en string, ok bool) {
	i := strings.LastIndex(s, "/ ")
	if i <= 0 {
		return "", "", false
	}
	zh, en = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	for _, r := range en {
		if r > 0x7f {
			return "", "", false // not an English half
		}
	}
	return zh, en, zh != "" && en != ""
}

var beijing = time.FixedZone("CST", 8*3600)

func kindOrOther(k string) string {
	if k == "verify" || k == "account" {
		return k // the account's own mails (sign-up)
	}
	for _, m := range shishi.MailKinds {
		if k == m {
			return k
		}
	}
	return "other"
}

// Send mails one notice.
func (m *Mailer) Send(ctx context.Context, n *shishi.MailNotice) error {
	subject, body, err := Render(n, m.BaseURL)
	if err != nil {
		return err
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8))
	if err := msg.From(m.From); err != nil {
		return err
	}
	if err := msg.AddToFormat(n.Name, n.To); err != nil {
		return err
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader("X-Shishi-Notice", strconv.FormatInt(n.NoticeID, 10))
	msg.SetBodyString(gomail.TypeTextPlain, body)
	c, err := gomail.NewClient(m.host, m.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
