package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestDemoComplaints: the demo column holds the 27 teacher-pay leads of the
// first seed document, forwarded to Henan and dispatched to its cities, and
// cases in every state; each desk and unit sees its share.
func TestDemoComplaints(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		pay := e.api("GET", "/api/v1/complaints?category=teacher-pay&limit=100", "handler", "").json(t)
		if pay["total"] != 27.0 {
			t.Fatalf("teacher-pay leads: %v", pay["total"])
		}
		cities := map[string]int{}
		for _, x := range pay["items"].([]any) {
			c := x.(map[string]any)
			desk := c["desk"].(map[string]any)["name"]
			as, _ := c["assigned"].(map[string]any)
			if desk != "河南省教育厅" || as == nil || !strings.HasSuffix(as["name"].(string), "局") {
				t.Fatalf("lead %v: desk %v, assigned %v", c["code"], desk, as)
			}
			cities[as["name"].(string)]++
		}
		if len(cities) < 15 || cities["郑州市教育局"] != 3 {
			t.Fatalf("cities: %v", cities)
		}
		// Every state of the workflow is in the demo.
		all := e.api("GET", "/api/v1/complaints?limit=500", "handler", "").json(t)
		seen := map[string]bool{}
		for _, x := range all["items"].([]any) {
			seen[x.(map[string]any)["status"].(string)] = true
		}
		for _, s := range []string{"received", "accepted", "declined", "dispatched", "verifying", "rectifying", "concluded", "replied", "closed", "merged"} {
			if !seen[s] {
				t.Errorf("no demo case is %s", s)
			}
		}
		for _, col := range []string{"red", "yellow", "green"} {
			if n := e.api("GET", "/api/v1/complaints?colour="+col, "handler", "").json(t)["total"]; n == 0.0 && col != "yellow" {
				t.Errorf("no %s case", col)
			}
		}
		// Henan's desk sees the leads; Zhengzhou only what went to it.
		if n := e.api("GET", "/api/v1/complaints?category=teacher-pay", "henan", "").json(t)["total"]; n != 27.0 {
			t.Errorf("henan sees %v leads", n)
		}
		zz := e.api("GET", "/api/v1/complaints?limit=100", "zhengzhou", "").json(t)
		for _, x := range zz["items"].([]any) {
			c := x.(map[string]any)
			if as, _ := c["assigned"].(map[string]any); as == nil || as["name"] != "郑州市教育局" {
				t.Fatalf("zhengzhou sees %v (assigned %v)", c["code"], c["assigned"])
			}
		}
		if zz["total"].(float64) < 4 {
			t.Fatalf("zhengzhou sees %v cases", zz["total"])
		}
		// The league table ranks the cities against the floors.
		st := e.api("GET", "/api/v1/complaints/stats?from=2000-01-01", "office", "").json(t)
		if len(st["units"].([]any)) < 15 || st["total"].(map[string]any)["total"].(float64) < 40 {
			t.Fatalf("stats: %v units, total %v", len(st["units"].([]any)), st["total"])
		}
		// The pages render for the desk and the unit.
		b := e.login("handler")
		for _, p := range []string{"/app/complaints", "/app/complaints?colour=red", "/app/complaints?all=1", "/app/complaints/stats", "/app/complaints/1"} {
			if r := b.get(p); r.status != 200 {
				t.Fatalf("%s: %d %s", p, r.status, r.body)
			}
		}
		if r := e.login("zhengzhou").get("/app/complaints"); r.status != 200 || !strings.Contains(string(r.body), "郑州") {
			t.Fatalf("zhengzhou inbox: %d", r.status)
		}
	})
}

// TestComplaintAPI walks a case through the JSON API and checks the bad
// paths: field errors, refused steps, the public limit.
func TestComplaintAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		zz := e.unitID("ha-zz")
		r := e.api("POST", "/api/v1/complaints", "", `{"category": "fees", "unit_id": `+fmt.Sprint(zz)+`, "body": "短", "anonymous": true}`)
		problem("invalid", "body")(t, r)
		r = e.api("POST", "/api/v1/complaints", "", `{"category": "fees", "place": "郑州市教育局", "body": "郑州市某小学收取课后服务费后又收托管费。", "reporter": {"name": "测试人", "phone": "13800000000"}}`)
		if r.status != 201 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		rc := r.json(t)
		code, secret := rc["code"].(string), rc["secret"].(string)
		id := int64(rc["id"].(float64))
		if r := e.api("POST", "/api/v1/complaints/track", "", `{"code": "`+code+`", "secret": "nope"}`); r.status != 404 {
			t.Fatalf("wrong secret: %d", r.status)
		}
		tr := e.api("POST", "/api/v1/complaints/track", "", `{"code": "`+code+`", "secret": "`+secret+`"}`).json(t)
		if tr["status"] != "received" || strings.Contains(fmt.Sprint(tr), "测试人") {
			t.Fatalf("track: %v", tr)
		}
		path := fmt.Sprintf("/api/v1/complaints/%d", id)
		if r := e.api("POST", path+":sign", "zhengzhou", `{}`); r.status != 404 {
			t.Fatalf("unit acts before dispatch: %d", r.status)
		}
		steps := []struct{ login, action, body string }{
			{"handler", "accept", `{}`},
			{"handler", "dispatch", fmt.Sprintf(`{"unit_id": %d, "note": "请核查"}`, zz)},
			{"zhengzhou", "sign", `{}`},
			{"zhengzhou", "conclude", `{"conclusion": "true", "note": "属实"}`},
			{"zhengzhou", "rectify", `{"note": "已退费"}`},
			{"handler", "reply", `{"note": "已督促退还托管费。"}`},
		}
		for _, s := range steps {
			if r := e.api("POST", path+":"+s.action, s.login, s.body); r.status != 200 {
				t.Fatalf("%s by %s: %d %s", s.action, s.login, r.status, r.body)
			}
		}
		problem("conflict", "")(t, e.api("POST", path+":accept", "handler", `{}`))
		if r := e.api("POST", path+":reveal", "zhengzhou", `{"reason": "想联系举报人"}`); r.status != 403 {
			t.Fatalf("unit reveals: %d", r.status)
		}
		if r := e.api("POST", "/api/v1/complaints/track/steps", "", `{"code": "`+code+`", "secret": "`+secret+`", "action": "rate", "rating": 1}`); r.status != 200 ||
			r.json(t)["status"] != "closed" {
			t.Fatalf("rate: %d %s", r.status, r.body)
		}
		// The export is a spreadsheet without the reporter.
		x := e.api("GET", "/api/v1/complaints.xlsx?all=1", "handler", "")
		if x.status != 200 || !strings.HasPrefix(x.header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("export: %d %s", x.status, x.header)
		}
		// Text is shown, never run: markup in a complaint is escaped.
		r = e.api("POST", "/api/v1/complaints", "", `{"category": "other", "unit_id": `+fmt.Sprint(zz)+`, "anonymous": true, "body": "<script>alert('x')</script><img src=x onerror=alert(1)> 内容"}`)
		if r.status != 201 {
			t.Fatalf("submit markup: %d %s", r.status, r.body)
		}
		xid := int64(r.json(t)["id"].(float64))
		for _, p := range []string{"/app/complaints?all=1", fmt.Sprintf("/app/complaints/%d", xid)} {
			page := string(e.login("handler").get(p).body)
			if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;script&gt;") {
				t.Fatalf("%s does not escape the complaint's markup", p)
			}
		}
		// An Open311 key works the complaint API only.
		u, err := e.m.Store.FindUserByLogin(e.sys, "zhengzhou")
		if err != nil {
			t.Fatal(err)
		}
		key, _, err := e.m.Store.CreateToken(e.sys, u.ID, "o311", "open311", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]int{"/api/v1/units": 403, "/api/v1/campaigns": 403, "/api/v1/complaints": 200} {
			req, _ := http.NewRequest("GET", e.url+path, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			if r := do(t, http.DefaultClient, req); r.status != want {
				t.Errorf("Open311 key on %s: %d, want %d", path, r.status, want)
			}
		}
		// Public lookups are limited per address: a guesser is stopped.
		limited := false
		for i := 0; i < 40 && !limited; i++ {
			limited = e.api("POST", "/api/v1/complaints/track", "", `{"code": "JB00000000", "secret": "x"}`).status == 429
		}
		if !limited {
			t.Fatal("no rate limit on tracking lookups")
		}
	})
}
