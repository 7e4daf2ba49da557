package e2e

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
)

// TestTOTPRequiredForAdmin: past the enrolment grace an administrator can
// do nothing but enrol; once enrolled, sign-in asks for the code, and a
// session that owes it reaches no page.
func TestTOTPRequiredForAdmin(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	now := time.Now().UTC().Add(8 * 24 * time.Hour)
	e.m.Store.Now = func() time.Time { return now }

	b := e.browser()
	r := b.post("/login", url.Values{"login": {"admin"}, "password": {e.password["admin"]}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/app/profile" {
		t.Fatalf("admin past grace: %d → %q", r.status, r.header.Get("Location"))
	}
	if r := b.get("/app/units"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/app/profile" {
		t.Fatalf("unit page before enrolment: %d → %q", r.status, r.header.Get("Location"))
	}
	if r := b.get("/app/profile"); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	csrf := b.csrf("/app/profile")
	d := b.post("/app/profile", url.Values{"_csrf": {csrf}, "action": {"totp_setup"}}).doc(t)
	key := d.Find("#totp code.secret").Text()
	if len(key) < 16 || d.Find(`#totp img[src^="data:image/png;base64,"]`).Length() != 1 {
		t.Fatalf("enrolment page: key %q", key)
	}
	if r := b.post("/app/profile", url.Values{"_csrf": {csrf}, "action": {"totp_enable"}, "code": {"000000"}}); r.status != 422 {
		t.Fatalf("wrong enrolment code: %d", r.status)
	}
	r = b.post("/app/profile", url.Values{"_csrf": {csrf}, "action": {"totp_enable"}, "code": {secret.TOTPCode(key, now)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("enrol: %d %s", r.status, r.body)
	}
	if r := b.get("/app/units"); r.status != 200 {
		t.Fatalf("after enrolment: %d", r.status)
	}

	// A new sign-in now asks for the code before anything else.
	b2 := e.browser()
	r = b2.post("/login", url.Values{"login": {"admin"}, "password": {e.password["admin"]}, "next": {"/app/units"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login/totp?next=%2Fapp%2Funits" {
		t.Fatalf("second sign-in: %d → %q", r.status, r.header.Get("Location"))
	}
	if r := b2.get("/app"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login/totp" {
		t.Fatalf("page while owing the code: %d → %q", r.status, r.header.Get("Location"))
	}
	if r := b2.post("/login/totp", url.Values{"code": {"123456"}}); r.status != 401 {
		t.Fatalf("wrong code: %d", r.status)
	}
	// The enrolment code's step is spent; the next step's code works.
	now = now.Add(30 * time.Second)
	r = b2.post("/login/totp", url.Values{"code": {secret.TOTPCode(key, now)}, "next": {"/app/units"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/app/units" {
		t.Fatalf("right code: %d → %q", r.status, r.header.Get("Location"))
	}
	if r := b2.get("/app/units"); r.status != 200 {
		t.Fatalf("after the code: %d", r.status)
	}
}
