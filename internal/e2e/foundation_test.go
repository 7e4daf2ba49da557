package e2e

import (
	"fmt"
	"github.com/shishi-edu/shishi/internal/testdb"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFoundationAPI covers the acceptance lines of the Foundation issue that
// speak of the API, on both databases.
func TestFoundationAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		bj, zz, ha := e.unitID("bj"), e.unitID("ha-zz"), e.unitID("ha")
		cases := []struct {
			name, method, path, login, body string
			hdr                             []string
			status                          int
			check                           func(t *testing.T, r response)
		}{
			{name: "no token is 401 problem", method: "GET", path: "/api/v1/units", status: 401, check: problem("unauthorized", "")},
			{name: "bad token is 401", method: "GET", path: "/api/v1/units", hdr: []string{"Authorization", "Bearer shishi_nope"}, status: 401, check: problem("unauthorized", "")},
			{name: "demo has 100+ units", method: "GET", path: "/api/v1/units?limit=5", login: "admin", status: 200, check: func(t *testing.T, r response) {
				v := r.json(t)
				if total := v["total"].(float64); total < 100 {
					t.Fatalf("total %v < 100", total)
				}
				if items := v["items"].([]any); len(items) != 5 || v["next"] == "" {
					t.Fatalf("page: %d items, next %q", len(items), v["next"])
				}
			}},
			{name: "empty name is 422 naming the field", method: "POST", path: "/api/v1/units", login: "admin",
				body: fmt.Sprintf(`{"parent_id": %d, "code": "new-unit", "name": "", "kind": "school"}`, zz), status: 422, check: problem("invalid", "name")},
			{name: "unknown field is named", method: "POST", path: "/api/v1/units", login: "admin",
				body: fmt.Sprintf(`{"parent_id": %d, "code": "x", "name": "x", "kind": "school", "colour": 1}`, zz), status: 422, check: problem("invalid", "colour")},
			{name: "wrong type is named", method: "POST", path: "/api/v1/units", login: "admin",
				body: `{"parent_id": "ha", "code": "x", "name": "x", "kind": "school"}`, status: 422, check: problem("invalid", "parent_id")},
			{name: "malformed JSON", method: "POST", path: "/api/v1/units", login: "admin", body: `{"name":`, status: 422, check: problem("invalid", "body")},
			{name: "bad limit", method: "GET", path: "/api/v1/units?limit=0", login: "admin", status: 422, check: problem("invalid", "limit")},
			{name: "Henan city reads its own unit", method: "GET", path: fmt.Sprintf("/api/v1/units/%d", zz), login: "zhengzhou", status: 200},
			{name: "Henan city cannot read Beijing", method: "GET", path: fmt.Sprintf("/api/v1/units/%d", bj), login: "zhengzhou", status: 404, check: problem("not_found", "")},
			{name: "Henan city cannot read its province", method: "GET", path: fmt.Sprintf("/api/v1/units/%d", ha), login: "zhengzhou", status: 404},
			{name: "Henan city cannot change Beijing", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", bj), login: "zhengzhou", body: `{"name": "改名"}`, status: 403},
			{name: "Henan city lists only its subtree", method: "GET", path: "/api/v1/units?limit=500", login: "zhengzhou", status: 200, check: func(t *testing.T, r response) {
				for _, it := range r.json(t)["items"].([]any) {
					path := it.(map[string]any)["path"].(string)
					if !strings.Contains(path, fmt.Sprintf("/%d/", zz)) {
						t.Fatalf("unit outside Zhengzhou listed: %v", it)
					}
				}
			}},
			{name: "Henan city searching for Beijing finds nothing", method: "GET", path: "/api/v1/units?q=" + url.QueryEscape("北京"), login: "zhengzhou", status: 200, check: func(t *testing.T, r response) {
				if n := r.json(t)["total"].(float64); n != 0 {
					t.Fatalf("found %v", n)
				}
			}},
			{name: "Henan city cannot list users", method: "GET", path: "/api/v1/users", login: "zhengzhou", status: 200, check: func(t *testing.T, r response) {
				if n := r.json(t)["total"].(float64); n != 1 {
					t.Fatalf("operator sees %v users, want only itself", n)
				}
			}},
			{name: "stale If-Match is 412", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", zz), login: "admin", body: `{"name_en": "Zhengzhou"}`,
				hdr: []string{"If-Match", fmt.Sprintf(`"%d-999"`, zz)}, status: 412, check: problem("precondition_failed", "")},
			{name: "admin cannot read the audit log", method: "GET", path: "/api/v1/audit", login: "admin", status: 403},
			{name: "auditor reads the audit log", method: "GET", path: "/api/v1/audit?limit=3", login: "auditor", status: 200},
			{name: "auditor verifies the chain", method: "GET", path: "/api/v1/audit:verify", login: "auditor", status: 200, check: func(t *testing.T, r response) {
				if v := r.json(t); v["ok"] != true || v["checked"].(float64) < 229 {
					t.Fatalf("verify: %v", v)
				}
			}},
			{name: "unknown action", method: "POST", path: fmt.Sprintf("/api/v1/units/%d:explode", zz), login: "admin", body: `{}`, status: 404},
			{name: "unknown endpoint is a problem", method: "GET", path: "/api/v1/nothing", status: 404, check: problem("not_found", "")},
			{name: "me", method: "GET", path: "/api/v1/me", login: "zhengzhou", status: 200, check: func(t *testing.T, r response) {
				if r.json(t)["login"] != "zhengzhou" {
					t.Fatal(string(r.body))
				}
			}},
			{name: "healthz", method: "GET", path: "/healthz", status: 200},
			{name: "readyz", method: "GET", path: "/readyz", status: 200},
			{name: "metrics with Go collectors", method: "GET", path: "/metrics", status: 200, check: func(t *testing.T, r response) {
				if !strings.Contains(string(r.body), "go_goroutines") || !strings.Contains(string(r.body), "shishi_http_request_duration_seconds") {
					t.Fatal("metrics lack go_goroutines or the request histogram")
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.api(c.method, c.path, c.login, c.body, c.hdr...)
				if r.status != c.status {
					t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, r.status, c.status, r.body)
				}
				if c.check != nil {
					c.check(t, r)
				}
			})
		}
		// Nothing of the refused writes was stored.
		r := e.api("GET", fmt.Sprintf("/api/v1/units?parent=%d&limit=500", zz), "admin", "")
		if strings.Contains(string(r.body), "new-unit") || strings.Contains(string(r.body), `"x"`) {
			t.Fatal("a refused unit was stored")
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", bj), "admin", ""); strings.Contains(string(r.body), "改名") {
			t.Fatal("a refused rename was stored")
		}
	})
}

// problem checks an RFC 9457 body with a code and, optionally, the field.
func problem(code, field string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("content type %q", ct)
		}
		v := r.json(t)
		if v["code"] != code || v["status"] == nil || v["title"] == "" {
			t.Fatalf("problem %v, want code %s", v, code)
		}
		if field == "" {
			return
		}
		errs, _ := v["errors"].([]any)
		for _, e := range errs {
			if e.(map[string]any)["field"] == field {
				return
			}
		}
		t.Fatalf("problem does not name field %q: %s", field, r.body)
	}
}

func TestUnitLifecycleAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		zz, ly := e.unitID("ha-zz"), e.unitID("ha-ly")
		r := e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-new", "name": "郑州市新区教育局", "kind": "county"}`, zz))
		if r.status != 201 || r.header.Get("Location") == "" || r.header.Get("ETag") == "" {
			t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
		}
		id := int64(r.json(t)["id"].(float64))
		tag := r.header.Get("ETag")
		r = e.api("PATCH", fmt.Sprintf("/api/v1/units/%d", id), "admin", `{"name": "郑州航空港区教育局"}`, "If-Match", tag)
		if r.status != 200 || r.json(t)["name"] != "郑州航空港区教育局" {
			t.Fatalf("rename: %d %s", r.status, r.body)
		}
		if r2 := e.api("PATCH", fmt.Sprintf("/api/v1/units/%d", id), "admin", `{"name": "again"}`, "If-Match", tag); r2.status != 412 {
			t.Fatalf("second write with old ETag: %d", r2.status)
		}
		r = e.api("POST", fmt.Sprintf("/api/v1/units/%d:move", id), "admin", fmt.Sprintf(`{"parent_id": %d}`, ly))
		if r.status != 200 || int64(r.json(t)["parent_id"].(float64)) != ly {
			t.Fatalf("move: %d %s", r.status, r.body)
		}
		r = e.api("GET", fmt.Sprintf("/api/v1/units/%d/history", id), "admin", "")
		if r.status != 200 || !strings.Contains(string(r.body), "洛阳市教育局") {
			t.Fatalf("history: %d %s", r.status, r.body)
		}
		// The Zhengzhou user no longer reaches the moved unit.
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", id), "zhengzhou", ""); r.status != 404 {
			t.Fatalf("zhengzhou reads moved unit: %d", r.status)
		}
		// Users: create, then the new user's token works and is scoped.
		r = e.api("POST", "/api/v1/users", "admin", fmt.Sprintf(`{"login": "ly-op", "name": "洛阳填报员", "unit_id": %d, "password": "Luoyang-2021-ok", "grants": [{"role": "operator"}]}`, ly))
		if r.status != 201 {
			t.Fatalf("create user: %d %s", r.status, r.body)
		}
		uid := int64(r.json(t)["id"].(float64))
		// Tokens are the user's own: the admin cannot mint one for them.
		if r := e.api("POST", fmt.Sprintf("/api/v1/users/%d/tokens", uid), "admin", `{"name": "sync"}`); r.status != 403 {
			t.Fatalf("admin mints a token for another user: %d %s", r.status, r.body)
		}
		// The user's own full token can make a narrower one through the API.
		r = e.api("POST", fmt.Sprintf("/api/v1/users/%d/tokens", uid), "ly-op", `{"name": "sync", "scope": "open311", "expires_in_days": 30}`)
		if r.status != 201 || !strings.HasPrefix(r.json(t)["token"].(string), "shishi_") {
			t.Fatalf("create own token: %d %s", r.status, r.body)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", zz), "ly-op", ""); r.status != 404 {
			t.Fatalf("Luoyang reads Zhengzhou: %d", r.status)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", id), "ly-op", ""); r.status != 200 {
			t.Fatalf("Luoyang reads its moved-in unit: %d", r.status)
		}
	})
}

// TestPagesReach: the same fences hold in the back office.
func TestPagesReach(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		bj, zz := e.unitID("bj"), e.unitID("ha-zz")
		b := e.login("zhengzhou")
		if r := b.get(fmt.Sprintf("/app/units/%d", zz)); r.status != 200 {
			t.Fatalf("own unit page: %d", r.status)
		}
		r := b.get(fmt.Sprintf("/app/units/%d", bj))
		if r.status != 404 || strings.Contains(string(r.body), "北京市教育委员会") {
			t.Fatalf("Beijing page for Zhengzhou: %d", r.status)
		}
		tree := b.get("/app/units").doc(t)
		if n := tree.Find("#unit-tree a").Length(); n < 2 {
			t.Fatalf("tree has %d links", n)
		}
		if strings.Contains(tree.Find("#unit-tree").Text(), "北京") || strings.Contains(tree.Find("#unit-tree").Text(), "河南省教育厅") {
			t.Fatal("tree shows units outside Zhengzhou")
		}
		csrf := b.csrf("/app/units")
		r = b.post(fmt.Sprintf("/app/units/%d", bj), url.Values{"_csrf": {csrf}, "action": {"edit"}, "name": {"改名"}, "kind": {"province"}})
		if r.status != 403 && r.status != 404 {
			t.Fatalf("Zhengzhou edits Beijing: %d", r.status)
		}
		if u, _ := e.m.Store.FindUnit(e.sys, bj); u.Name != "北京市教育委员会" {
			t.Fatalf("Beijing renamed to %q", u.Name)
		}
		if r := b.get("/app/users"); r.status != 403 {
			t.Fatalf("operator opens user admin: %d", r.status)
		}
		if r := b.get("/app/audit"); r.status != 403 {
			t.Fatalf("operator opens audit: %d", r.status)
		}
	})
}

// TestBackOffice walks the acceptance path: the login page in Chinese, the
// admin signs in and sees the unit tree, creates a unit through the form
// (with a bad attempt first), and CSRF is enforced.
func TestBackOffice(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	anon := e.browser()
	// An anonymous visitor gets the public portal, which links the staff sign-in.
	r := anon.get("/")
	if r.status != http.StatusOK || r.doc(t).Find(`a[href="/login"]`).Length() == 0 {
		t.Fatalf("/ for anonymous: %d %q", r.status, r.header.Get("Location"))
	}
	d := anon.get("/login").doc(t)
	if lang, _ := d.Find("html").Attr("lang"); lang != "zh-CN" || d.Find("h1").First().Text() != "工作人员登录" || d.Find(`input[name=password][type=password]`).Length() != 1 {
		t.Fatalf("login page: lang %q h1 %q", lang, d.Find("h1").First().Text())
	}
	// A wrong password keeps the login, not the password, and says why in Chinese.
	r = anon.post("/login", url.Values{"login": {"admin"}, "password": {"wrong-Password-1"}})
	d = r.doc(t)
	if r.status != 401 || !strings.Contains(d.Find(".flash.err").Text(), "登录名或密码错误") || d.Find(`input[name=login]`).AttrOr("value", "") != "admin" {
		t.Fatalf("wrong password: %d %q", r.status, d.Find(".flash.err").Text())
	}
	b := e.login("admin")
	d = b.get("/app/units").doc(t)
	if !strings.Contains(d.Find("#unit-tree").Text(), "河南省教育厅") || d.Find("#unit-tree li").Length() < 100 {
		t.Fatalf("admin's tree: %d nodes", d.Find("#unit-tree li").Length())
	}
	// The workbench names every module of PRODUCT.md; empty ones say so.
	d = b.get("/app").doc(t)
	if d.Find(".module").Length() != 6 {
		t.Fatalf("%d modules on the workbench", d.Find(".module").Length())
	}
	if txt := b.get("/app/m/ledger").doc(t).Find(".main").Text(); !strings.Contains(txt, "本模块尚未启用") {
		t.Fatal("empty module does not say so")
	}
	zz := e.unitID("ha-zz")
	// Without the CSRF token a form post is refused.
	r = b.post("/app/units", url.Values{"parent_id": {fmt.Sprint(zz)}, "code": {"ha-zz-csrf"}, "name": {"x"}, "kind": {"school"}})
	if r.status != 403 {
		t.Fatalf("post without CSRF: %d", r.status)
	}
	// A cross-site post is refused even with a token.
	csrf := b.csrf("/app/units")
	req, _ := http.NewRequest("POST", e.url+"/app/units", strings.NewReader(url.Values{"_csrf": {csrf}, "parent_id": {fmt.Sprint(zz)}, "code": {"ha-zz-xs"}, "name": {"x"}, "kind": {"school"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := do(t, b.c, req); r.status != 403 {
		t.Fatalf("cross-site post: %d", r.status)
	}
	// An empty name comes back on the form, naming the field.
	r = b.post("/app/units", url.Values{"_csrf": {csrf}, "parent_id": {fmt.Sprint(zz)}, "code": {"ha-zz-form"}, "name": {""}, "kind": {"school"}})
	d = r.doc(t)
	if r.status != 422 || !strings.Contains(d.Find(".field-err").Text(), "名称不能为空") || d.Find(`input[name=code]`).AttrOr("value", "") != "ha-zz-form" {
		t.Fatalf("empty name via form: %d %q", r.status, d.Find(".field-err").Text())
	}
	r = b.post("/app/units", url.Values{"_csrf": {csrf}, "parent_id": {fmt.Sprint(zz)}, "code": {"ha-zz-form"}, "name": {"郑州市第一〇一中学"}, "kind": {"school"}})
	if r.status != 303 {
		t.Fatalf("create via form: %d %s", r.status, r.body)
	}
	d = b.get(r.header.Get("Location")).doc(t)
	if !strings.Contains(d.Find("h1").Text(), "郑州市第一〇一中学") || !strings.Contains(d.Find(".crumbs").Text(), "郑州市教育局") {
		t.Fatalf("unit page: %q / %q", d.Find("h1").Text(), d.Find(".crumbs").Text())
	}
	// No open redirect through the language switch or the login's next.
	for _, back := range []string{"/%09/evil.example/x", "//evil.example", "https://evil.example", "/%5Cevil.example"} {
		if r := anon.get("/lang?to=zh&back=" + back); r.header.Get("Location") != "/app" {
			t.Errorf("back=%s redirects to %q", back, r.header.Get("Location"))
		}
	}
	// English on request.
	b.get("/lang?to=en&back=/app")
	if h := b.get("/app/units").doc(t).Find("h1").Text(); h != "Units" {
		t.Fatalf("English heading %q", h)
	}
	// Sign out ends the session.
	csrf = b.csrf("/app")
	b.post("/logout", url.Values{"_csrf": {csrf}})
	if r := b.get("/app"); r.status != http.StatusSeeOther {
		t.Fatalf("after logout: %d", r.status)
	}
}

// TestLoginRateLimitAndLockout: repeated wrong passwords lock the account;
// the login endpoint is rate-limited per address.
func TestLoginRateLimitAndLockout(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	b := e.browser()
	var last int
	for i := 0; i < 6; i++ {
		last = b.post("/login", url.Values{"login": {"zhengzhou"}, "password": {"Wrong-pass-123"}}).status
	}
	r := b.post("/login", url.Values{"login": {"zhengzhou"}, "password": {e.password["zhengzhou"]}})
	if last != 429 || r.status != 429 {
		t.Fatalf("after 6 failures: last %d, right password %d", last, r.status)
	}
	// The limiter stops a flood from one address outright.
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		limited = b.post("/login", url.Values{"login": {"nobody"}, "password": {"x"}}).header.Get("Retry-After") != ""
	}
	if !limited {
		t.Fatal("no Retry-After after 30 rapid logins")
	}
}

// TestEveryPageRenders opens every back-office page as the roles that use
// it, in Chinese and in English: a template fault shows here, not to a user.
func TestEveryPageRenders(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	zz := e.unitID("ha-zz")
	admin, auditor, op := e.login("admin"), e.login("auditor"), e.login("zhengzhou")
	u, _ := e.m.Store.FindUserByLogin(e.sys, "zhengzhou")
	pages := []struct {
		b    *browser
		path string
	}{
		{admin, "/app"}, {admin, "/app/units"}, {admin, "/app/units?q=" + url.QueryEscape("郑州")}, {admin, fmt.Sprintf("/app/units/%d", zz)},
		{admin, "/app/users"}, {admin, "/app/users?q=zh"}, {admin, fmt.Sprintf("/app/users/%d", u.ID)}, {admin, "/app/profile"}, {admin, "/app/integrations"},
		{auditor, "/app/audit"}, {auditor, "/app/audit?verify=1"}, {auditor, "/app/audit?actor=admin"},
		{op, "/app"}, {op, "/app/units"}, {op, "/app/profile"},
	}
	for _, m := range []string{"ledger", "supervision", "complaints", "credentials", "services", "portal"} {
		pages = append(pages, struct {
			b    *browser
			path string
		}{op, "/app/m/" + m})
	}
	for _, lang := range []string{"zh", "en"} {
		for _, b := range []*browser{admin, auditor, op} {
			b.get("/lang?to=" + lang)
		}
		for _, p := range pages {
			r := p.b.get(p.path)
			if r.status != 200 {
				t.Errorf("%s %s: %d", lang, p.path, r.status)
				continue
			}
			if d := r.doc(t); d.Find("main h1").Length() != 1 || d.Find("nav a").Length() < 8 {
				t.Errorf("%s %s: no heading or navigation", lang, p.path)
			}
		}
	}
	if r := auditor.get("/app/audit?verify=1"); !strings.Contains(string(r.body), "entries checked") {
		t.Errorf("verify on the audit page: %s", r.body)
	}
}

// TestIdempotencyKey: two creates with one key make one object; the same
// key with another body is refused; without a key, two objects.
func TestIdempotencyKey(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	zz := e.unitID("ha-zz")
	body := fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-idem", "name": "幂等测试学校", "kind": "school"}`, zz)
	r1 := e.api("POST", "/api/v1/units", "admin", body, "Idempotency-Key", "create-school-1")
	r2 := e.api("POST", "/api/v1/units", "admin", body, "Idempotency-Key", "create-school-1")
	if r1.status != 201 || r2.status != 201 || r2.header.Get("Idempotent-Replayed") != "true" || r1.json(t)["id"] != r2.json(t)["id"] {
		t.Fatalf("replay: %d %d %v / %s", r1.status, r2.status, r2.header, r2.body)
	}
	n := e.api("GET", "/api/v1/units?q=ha-zz-idem", "admin", "").json(t)["total"]
	if n != 1.0 {
		t.Fatalf("%v units made from one key", n)
	}
	if r := e.api("POST", "/api/v1/units", "admin", strings.Replace(body, "幂等", "另一个", 1), "Idempotency-Key", "create-school-1"); r.status != 422 || !strings.Contains(string(r.body), "Idempotency-Key") {
		t.Fatalf("key reused for another body: %d %s", r.status, r.body)
	}
	// A failed request releases its key: the mended request may use it.
	bad := fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-idem2", "name": "", "kind": "school"}`, zz)
	if r := e.api("POST", "/api/v1/units", "admin", bad, "Idempotency-Key", "k2"); r.status != 422 {
		t.Fatalf("bad create: %d", r.status)
	}
	good := strings.Replace(bad, `"name": ""`, `"name": "补正后的学校"`, 1)
	if r := e.api("POST", "/api/v1/units", "admin", good, "Idempotency-Key", "k2"); r.status != 201 {
		t.Fatalf("mended create with the released key: %d %s", r.status, r.body)
	}
	if r := e.api("POST", "/api/v1/units", "admin", body, "Idempotency-Key", "bad key with spaces"); r.status != 422 {
		t.Fatalf("invalid key: %d", r.status)
	}
}
