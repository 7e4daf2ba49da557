package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/internal/testsmtp"
)

// startMail starts the server with mail on, through a real SMTP listener,
// and a fast queue so mails go out at once.
func startMail(t *testing.T, dsn string) (*env, *testsmtp.Server) {
	t.Helper()
	smtp := testsmtp.Start(t)
	e := startConfig(t, dsn, false, nil, func(c *app.Config) {
		fastQueue(c)
		c.SMTPURL = "smtp://" + smtp.Addr + "?tls=none"
		c.MailFrom = "实事平台 <noreply@jyt.example.cn>"
	})
	return e, smtp
}

// TestNoticeByMail: a unit operator who asked for complaint notices by
// e-mail, in English, gets one through a real SMTP server when a case is
// dispatched to the unit; the choices are kept per user and checked.
func TestNoticeByMail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e, smtp := startMail(t, dsn)
		u, _ := e.m.Store.FindUserByLogin(e.sys, "zhengzhou")
		if r := e.api("PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), "admin", `{"email": "wu.ting@zz.example.cn"}`); r.status != 200 {
			t.Fatalf("set e-mail: %d %s", r.status, r.body)
		}
		if r := e.api("PUT", "/api/v1/me/mail", "zhengzhou", `{"kinds": ["spam"], "lang": "fr"}`); r.status != 422 || !strings.Contains(string(r.body), `"kinds"`) || !strings.Contains(string(r.body), `"lang"`) {
			t.Fatalf("bad choices: %d %s", r.status, r.body)
		}
		r := e.api("PUT", "/api/v1/me/mail", "zhengzhou", `{"kinds": ["complaint", "task"], "lang": "en"}`)
		if p := r.json(t); r.status != 200 || p["email"] != "wu.ting@zz.example.cn" || p["lang"] != "en" || p["enabled"] != true {
			t.Fatalf("choices: %d %s", r.status, r.body)
		}
		// A case about Zhengzhou, accepted and dispatched by the desk.
		r = e.api("POST", "/api/v1/complaints", "", `{"category": "fees", "place": "郑州市教育局", "body": "郑州市某小学收取课后服务费后又收托管费。", "anonymous": true}`)
		if r.status != 201 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		id := int64(r.json(t)["id"].(float64))
		for _, s := range [][2]string{{"accept", `{}`}, {"dispatch", fmt.Sprintf(`{"unit_id": %d, "note": "请核查"}`, e.unitID("ha-zz"))}} {
			if r := e.api("POST", fmt.Sprintf("/api/v1/complaints/%d:%s", id, s[0]), "handler", s[1]); r.status != 200 {
				t.Fatalf("%s: %d %s", s[0], r.status, r.body)
			}
		}
		var got *testsmtp.Message
		waitUntil(t, "the mail", func() bool {
			for _, m := range smtp.Messages() {
				if len(m.To) == 1 && m.To[0] == "wu.ting@zz.example.cn" {
					got = &m
				}
			}
			return got != nil
		})
		if got.Subject != "[Shishi] Complaint to handle" || !strings.Contains(got.Body, "Dear "+u.Name) ||
			!strings.Contains(got.Body, fmt.Sprintf("%s/app/complaints/%d", e.url, id)) || got.From != "noreply@jyt.example.cn" {
			t.Fatalf("mail: %q\n%s", got.Subject, got.Body)
		}
		// The profile page keeps the same choices.
		b := e.login("zhengzhou")
		if r := b.post("/app/profile", url.Values{"_csrf": {b.csrf("/app/profile")}, "action": {"mail_prefs"}, "kinds": {"reminder"}, "lang": {"zh"}}); r.status != 303 {
			t.Fatalf("profile form: %d %s", r.status, r.body)
		}
		d := b.get("/app/profile").doc(t)
		if d.Find(`#mail input[value=reminder][checked]`).Length() != 1 || d.Find(`#mail input[value=complaint][checked]`).Length() != 0 {
			t.Fatal("profile does not show the saved choices")
		}
	})
}
