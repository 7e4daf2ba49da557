package sqlstore_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// mailedCode reads the newest verification code mailed to user id, the
// way the mail worker does (PrepareMail), and checks the notice row itself
// does not hold it in plain text.
func mailedCode(t *testing.T, db *sqlstore.DB, id int64) string {
	t.Helper()
	var nid int64
	var raw string
	if err := db.SQL().QueryRow(`SELECT id, text FROM notices WHERE user_id = $1 AND kind = 'verify' ORDER BY id DESC LIMIT 1`, id).Scan(&nid, &raw); err != nil {
		t.Fatal(err)
	}
	m, err := db.PrepareMail(context.Background(), nid)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(m.Path)
	if err != nil || u.Path != "/signup/verify" || u.Query().Get("email") == "" {
		t.Fatalf("mail link %q", m.Path)
	}
	code := u.Query().Get("code")
	if len(code) != 16 || !strings.Contains(m.Text, code) || strings.Contains(raw, code) {
		t.Fatalf("code %q, mail text %q, stored %q", code, m.Text, raw)
	}
	return code
}

func rows(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// signUp makes an unverified public account and returns it with its code.
func signUp(t *testing.T, db *sqlstore.DB, email string) (*shishi.User, string) {
	t.Helper()
	ctx := context.Background()
	if err := db.SignUp(ctx, shishi.SignUpInput{Email: email, Name: "测试", Password: "Graduate-2026!"}); err != nil {
		t.Fatal(err)
	}
	res, err := db.CheckPassword(ctx, email, "Graduate-2026!")
	if err != nil {
		t.Fatal(err)
	}
	return res.User, mailedCode(t, db, res.User.ID)
}

// TestVerificationCodeBadPaths: a code works only for its own account,
// within 24 hours, once, and not after 5 wrong tries (until a new one is
// sent, which retires the old). Every failure answers alike.
func TestVerificationCodeBadPaths(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		verify := func(email, code string) error {
			_, err := w.db.VerifyEmail(ctx, shishi.VerifyInput{Email: email, Code: code})
			return err
		}
		refused := func(what string, err error) {
			t.Helper()
			if code(err) != shishi.EINVALID || !fields(err)["code"] {
				t.Fatalf("%s: %v", what, err)
			}
		}
		_, codeA := signUp(t, w.db, "han.mei@example.com")
		ub, codeB := signUp(t, w.db, "zhou.bo@example.com")
		// Another account's code, and an unknown address.
		refused("B's code for A", verify("han.mei@example.com", codeB))
		refused("unknown address", verify("nobody@example.com", codeA))
		// Five wrong tries (one was B's code above) lock A's code; each is
		// audited.
		audit := rows(t, w.db, "audit_log")
		for i := 0; i < shishi.MaxVerifyFailures-1; i++ {
			refused("wrong", verify("han.mei@example.com", "0000000000000000"))
		}
		if n := rows(t, w.db, "audit_log") - audit; n != shishi.MaxVerifyFailures-1 {
			t.Errorf("%d wrong tries audited", n)
		}
		refused("the right code after 5 wrong", verify("han.mei@example.com", codeA))
		// A new code unlocks it; the old one is retired.
		if err := w.db.ResendCode(ctx, "han.mei@example.com"); err != nil {
			t.Fatal(err)
		}
		ua, _ := w.db.CheckPassword(ctx, "han.mei@example.com", "Graduate-2026!")
		newA := mailedCode(t, w.db, ua.User.ID)
		refused("the old code after a resend", verify("han.mei@example.com", codeA))
		if err := verify("han.mei@example.com", newA); err != nil {
			t.Fatalf("after a resend: %v", err)
		}
		// Replay after success.
		refused("replay", verify("han.mei@example.com", newA))
		// Expired: a day and a second later; a resend gives a new day.
		now = now.Add(shishi.VerifyCodeTTL + time.Second)
		refused("expired", verify("zhou.bo@example.com", codeB))
		if err := w.db.ResendCode(ctx, "zhou.bo@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := verify("zhou.bo@example.com", mailedCode(t, w.db, ub.ID)); err != nil {
			t.Fatalf("the new code: %v", err)
		}
		// A resend for a verified or unknown address does nothing, and
		// answers alike.
		notices := rows(t, w.db, "notices")
		for _, e := range []string{"han.mei@example.com", "nobody@example.com"} {
			if err := w.db.ResendCode(ctx, e); err != nil {
				t.Errorf("resend %s: %v", e, err)
			}
		}
		if rows(t, w.db, "notices") != notices {
			t.Error("a resend for a verified or unknown address sent something")
		}
		// A verify notice from before codes were sealed mails nothing: its
		// code no longer verifies.
		var legacy int64
		if err := w.db.SQL().QueryRow(`INSERT INTO notices (user_id, kind, text, at, dedup) VALUES ($1, 'verify', $2, $3, '') RETURNING id`,
			ub.ID, "邮箱验证码 / e-mail verification code: ABCD2345 — /signup/verify?code=ABCD2345", now).Scan(&legacy); err != nil {
			t.Fatal(err)
		}
		if m, err := w.db.PrepareMail(ctx, legacy); err != nil || !m.Disabled {
			t.Errorf("legacy verify notice: %+v %v", m, err)
		}
		if err := w.db.ResendCode(ctx, "not an address"); !fields(err)["email"] {
			t.Errorf("resend to a bad address: %v", err)
		}
	})
}

// TestSignUpExistingAddress: signing up again with an address that has an
// account answers as a new sign-up does, creates nothing, and mails that
// address that it has an account (whatever its mail choices).
func TestSignUpExistingAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.db.MailEnabled = true
		ctx := context.Background()
		u, code := signUp(t, w.db, "li.lei@example.com")
		if _, err := w.db.VerifyEmail(ctx, shishi.VerifyInput{Email: "li.lei@example.com", Code: code}); err != nil {
			t.Fatal(err)
		}
		users, jobs := rows(t, w.db, "users"), rows(t, w.db, "jobs")
		if err := w.db.SignUp(ctx, shishi.SignUpInput{Email: "Li.Lei@example.com", Name: "冒名者", Password: "Another-2026!"}); err != nil {
			t.Fatalf("second sign-up: %v", err)
		}
		if rows(t, w.db, "users") != users {
			t.Error("a second sign-up made a user")
		}
		if rows(t, w.db, "jobs") != jobs+1 {
			t.Fatalf("no mail queued for the holder (%d jobs)", rows(t, w.db, "jobs")-jobs)
		}
		var nid int64
		if err := w.db.SQL().QueryRow(`SELECT id FROM notices WHERE user_id = $1 AND kind = 'account'`, u.ID).Scan(&nid); err != nil {
			t.Fatal(err)
		}
		m, err := w.db.PrepareMail(ctx, nid)
		if err != nil || m.To != "li.lei@example.com" || !strings.Contains(m.Text, "already have an account") || m.Path != "/login" {
			t.Fatalf("account mail: %+v %v", m, err)
		}
		if _, err := w.db.CheckPassword(ctx, "li.lei@example.com", "Another-2026!"); err == nil {
			t.Error("the second password signs in")
		}
		// Bad input is still named.
		if err := w.db.SignUp(ctx, shishi.SignUpInput{Email: "li.lei@example.com"}); !fields(err)["name"] || !fields(err)["password"] {
			t.Errorf("bad second sign-up: %v", err)
		}
	})
}
