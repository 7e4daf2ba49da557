package e2e

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/internal/testsmtp"
)

// TestSignUpByMail: through a real SMTP server, a sign-up mails the code
// and a link bound to the address; signing up again with the address
// answers byte for byte as the first time, creates nothing, and mails the
// holder that the address has an account. The mailed link's page verifies
// nothing until its form is posted.
func TestSignUpByMail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e, smtp := startMail(t, dsn)
		const addr = "zhao.lei@example.com"
		mails := func(subject string) []testsmtp.Message {
			var out []testsmtp.Message
			for _, m := range smtp.Messages() {
				if len(m.To) == 1 && m.To[0] == addr && m.Subject == subject {
					out = append(out, m)
				}
			}
			return out
		}
		first := e.api("POST", "/api/v1/accounts", "", `{"email": "`+addr+`", "name": "赵磊", "password": "Graduate-2026!"}`)
		if first.status != 202 {
			t.Fatalf("sign-up: %d %s", first.status, first.body)
		}
		waitUntil(t, "the code by mail", func() bool { return len(mails("【实事】邮箱验证码")) == 1 })
		body := mails("【实事】邮箱验证码")[0].Body
		link := regexp.MustCompile(`https?://\S+/signup/verify\?\S+`).FindString(body)
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("email") != addr || len(u.Query().Get("code")) != 16 || !strings.Contains(body, "邮箱验证码："+u.Query().Get("code")) {
			t.Fatalf("mailed link %q in\n%s", link, body)
		}
		var users int
		count := func() int {
			var n int
			if err := e.m.Store.SQL().QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		users = count()
		again := e.api("POST", "/api/v1/accounts", "", `{"email": "`+strings.ToUpper(addr)+`", "name": "冒名者", "password": "Another-2026!!"}`)
		if again.status != first.status || !bytes.Equal(again.body, first.body) {
			t.Fatalf("the second answer differs: %d %s vs %s", again.status, again.body, first.body)
		}
		if count() != users {
			t.Fatal("a second sign-up made a user")
		}
		waitUntil(t, "the account-exists mail", func() bool { return len(mails("【实事】账户注册提醒")) == 1 })
		if m := mails("【实事】账户注册提醒")[0]; !strings.Contains(m.Body, "您已有账户") || !strings.Contains(m.Body, "/login") {
			t.Fatalf("account mail:\n%s", m.Body)
		}
		// The link's page verifies nothing: after it is seen, the code
		// still works, once.
		anon := e.browser()
		if r := anon.get(u.RequestURI()); r.status != 200 {
			t.Fatalf("link page: %d", r.status)
		}
		if r := e.api("POST", "/api/v1/account-verifications", "", `{"email": "`+addr+`", "code": "`+u.Query().Get("code")+`"}`); r.status != 200 {
			t.Fatalf("verify after the link page was seen: %d %s", r.status, r.body)
		}
		if r := e.api("POST", "/api/v1/account-verifications", "", `{"email": "`+addr+`", "code": "`+u.Query().Get("code")+`"}`); r.status != 422 {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}
	})
}
