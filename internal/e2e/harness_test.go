// Package e2e runs Shishi end to end: the real wiring (internal/app) on real
// SQLite and PostgreSQL, spoken to over HTTP like a browser or an
// integrator would.
package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// env is one running server with the demo world.
type env struct {
	t        *testing.T
	m        *app.Main
	url      string
	password map[string]string // demo login → password
	tokens   map[string]string // demo login → API token
	sys      context.Context
	data     string // the data directory
}

// eachDB runs fn against a demo server on SQLite and on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		fn(t, start(t, dsn))
	})
}

// start runs a server with the demo units and accounts; startFull adds the
// demo campaigns (slower: a few seconds of seeding).
func start(t *testing.T, dsn string) *env { t.Helper(); return startWith(t, dsn, false) }

func startFull(t *testing.T, dsn string) *env { t.Helper(); return startWith(t, dsn, true) }

func startWith(t *testing.T, dsn string, ledger bool) *env {
	t.Helper()
	return startLogged(t, dsn, ledger, nil)
}

// startLogged is startWith with the server's log (every level) written to
// logw instead of the test's log (errors only).
func startLogged(t *testing.T, dsn string, ledger bool, logw io.Writer) *env {
	t.Helper()
	return startConfig(t, dsn, ledger, logw, nil)
}

// startConfig is startLogged with the configuration changed by tweak.
func startConfig(t *testing.T, dsn string, ledger bool, logw io.Writer, tweak func(*app.Config)) *env {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", Data: t.TempDir(), Demo: true, DemoWithoutLedger: !ledger}
	if tweak != nil {
		tweak(&cfg)
	}
	switch {
	case strings.HasPrefix(dsn, "postgres"):
		cfg.DB = dsn
	case strings.HasSuffix(dsn, "/shishi.db"):
		cfg.Data = strings.TrimSuffix(dsn, "/shishi.db")
	default:
		t.Fatalf("start: unexpected DSN %q", dsn)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Server errors go to the test's log, so a 500 explains itself.
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	out := io.Discard
	if logw != nil {
		log = slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
		out = logw
	}
	m, err := app.Open(ctx, cfg, out, log)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := m.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		m.Close()
	})
	e := &env{t: t, m: m, url: m.URL(), data: cfg.Data, password: map[string]string{}, tokens: map[string]string{},
		sys: shishi.WithActor(context.Background(), shishi.SystemActor())}
	for _, a := range accts {
		e.password[a.Login] = a.Password
	}
	return e
}

// token returns an API token of a demo user.
func (e *env) token(login string) string {
	if tok, ok := e.tokens[login]; ok {
		return tok
	}
	u, err := e.m.Store.FindUserByLogin(e.sys, login)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.m.Store.CreateToken(e.sys, u.ID, "e2e", "", time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[login] = tok
	return tok
}

// unitID returns the id of a demo unit by code.
func (e *env) unitID(code string) int64 {
	us, _, err := e.m.Store.FindUnits(e.sys, shishi.UnitFilter{Code: code, Limit: 1})
	if err != nil || len(us) != 1 {
		e.t.Fatalf("unit %s: %v", code, err)
	}
	return us[0].ID
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return v
}

func (r response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// api calls the JSON API as login ("" for no token).
func (e *env) api(method, path, login, body string, hdr ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if login != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(login))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(e.t, http.DefaultClient, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// browser is a cookie-keeping client that does not follow redirects, so a
// test sees each step.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) response {
	req, _ := http.NewRequest("GET", b.e.url+path, nil)
	return do(b.e.t, b.c, req)
}

// post submits a form as a same-origin browser would.
func (b *browser) post(path string, form url.Values) response {
	req, _ := http.NewRequest("POST", b.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return do(b.e.t, b.c, req)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func (b *browser) csrf(path string) string {
	r := b.get(path)
	m := csrfRE.FindSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on %s (%d)", path, r.status)
	}
	return string(m[1])
}

// login signs a demo user in and checks where it lands.
func (e *env) login(login string) *browser {
	e.t.Helper()
	b := e.browser()
	r := b.post("/login", url.Values{"login": {login}, "password": {e.password[login]}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/app" {
		e.t.Fatalf("login %s: %d → %q: %s", login, r.status, r.header.Get("Location"), r.body)
	}
	return b
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
