package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestDemoSupervision is the supervision issue on the demo data: 12
// guidance groups over the 31 centrally-administered and 49 other
// universities, 16 inspection groups on the 五项管理 over the 31
// provinces, findings in every state and colour with some overdue
// rectification escalated; the inspector, a member holding no role, reads
// only the units the groups cover; every supervision page renders.
func TestDemoSupervision(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		count := func(kind string) (int, float64) {
			l := e.api("GET", "/api/v1/groups?kind="+kind, "office", "").json(t)
			units := 0.0
			for _, g := range l["items"].([]any) {
				units += g.(map[string]any)["unit_count"].(float64)
			}
			return int(l["total"].(float64)), units
		}
		if n, u := count("guidance"); n != 12 || u != 80 {
			t.Fatalf("guidance groups: %d over %v universities", n, u)
		}
		if n, u := count("inspection"); n != 16 || u != 31 {
			t.Fatalf("inspection groups: %d over %v provinces", n, u)
		}
		for _, q := range []string{"status=raised", "status=rectifying", "status=signoff_requested", "status=signed_off", "colour=green", "colour=yellow", "colour=red"} {
			if l := e.api("GET", "/api/v1/findings?limit=1&"+q, "office", "").json(t); l["total"].(float64) < 1 {
				t.Errorf("no demo finding with %s", q)
			}
		}
		red := e.api("GET", "/api/v1/findings?colour=red&limit=500", "office", "").json(t)["items"].([]any)
		for _, f := range red {
			if f.(map[string]any)["escalated_to"] == nil {
				t.Errorf("red finding %v not escalated", f.(map[string]any)["id"])
			}
		}
		// The inspector leads 五项管理第一督查组 and sits on 第一指导组: the
		// units those cover, their subtrees, and nothing else.
		want := 0
		for _, g := range e.api("GET", "/api/v1/groups", "inspector", "").json(t)["items"].([]any) {
			for _, u := range g.(map[string]any)["units"].([]any) {
				_, n, _ := e.m.Store.FindUnits(e.sys, shishi.UnitFilter{Under: ptr(int64(u.(map[string]any)["id"].(float64))), Limit: 1})
				want += n
			}
		}
		if got := e.api("GET", "/api/v1/units?limit=1", "inspector", "").json(t)["total"]; want == 0 || got != float64(want) {
			t.Fatalf("the inspector sees %v units, want %d", got, want)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", e.unitID("ha")), "inspector", ""); r.status != 404 {
			t.Fatalf("the inspector reads Henan: %d", r.status)
		}
		if strings.HasPrefix(dsn, "postgres") {
			return // the pages are the same on both; walk them once
		}
		// Every supervision page, in both languages, for the office and a unit.
		gid := e.api("GET", "/api/v1/groups?kind=inspection&limit=1", "office", "").json(t)["items"].([]any)[0].(map[string]any)["id"]
		f := e.api("GET", fmt.Sprintf("/api/v1/findings?group=%v&limit=1", gid), "office", "").json(t)["items"].([]any)[0].(map[string]any)
		v := e.api("GET", fmt.Sprintf("/api/v1/visits?group=%v&limit=1", gid), "office", "").json(t)["items"].([]any)[0].(map[string]any)
		office, insp := e.login("office"), e.login("inspector")
		pages := []string{"/app/supervision", "/app/supervision?kind=guidance", fmt.Sprintf("/app/supervision/groups/%v", gid),
			fmt.Sprintf("/app/supervision/groups/%v/report?from=2000-01-01", gid), fmt.Sprintf("/app/supervision/visits/%v", v["id"]),
			fmt.Sprintf("/app/supervision/findings/%v", f["id"]), fmt.Sprintf("/app/supervision/rectification?unit=%v", f["unit"].(map[string]any)["id"]),
			"/app/supervision/rectification?colour=red", "/app/notices"}
		for _, lang := range []string{"zh", "en"} {
			for _, b := range []*browser{office, insp} {
				b.get("/lang?to=" + lang)
				for _, p := range pages {
					r := b.get(p)
					if r.status != 200 && !(b == insp && r.status == 404) {
						t.Errorf("%s %s: %d", lang, p, r.status)
						continue
					}
					if r.status == 200 && strings.Contains(string(r.body), "sup.") {
						t.Errorf("%s %s shows a raw catalogue key", lang, p)
					}
				}
			}
		}
		office.get("/lang?to=zh")
		d := office.get("/app/supervision").doc(t)
		if n := d.Find("table.groups tbody tr").Length(); n != 28 {
			t.Fatalf("group board lists %d groups", n)
		}
		if d.Find(".chip.red").Length() == 0 || d.Find(".chip.yellow").Length() == 0 {
			t.Fatal("no red or yellow warnings on the board")
		}
		d = office.get(fmt.Sprintf("/app/supervision/findings/%v", f["id"])).doc(t)
		if !strings.Contains(d.Find("#history").Text(), "反馈问题") {
			t.Fatalf("finding history: %q", d.Find("#history").Text())
		}
		r := office.get(fmt.Sprintf("/app/supervision/groups/%v/report.xlsx?from=2000-01-01", gid))
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("report.xlsx: %d %s", r.status, r.header.Get("Content-Type"))
		}
	})
}
