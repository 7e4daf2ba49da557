package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/demo"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestDemoServices is the online services issue on the demo data: the
// research services state the year's totals and hold applications at
// every step with scores and a ranking, some overdue; the public gallery
// shows 15 county and 40 school cases and nothing personal; 学历认证 was
// mailed and the fitness grade certificates issued.
func TestDemoServices(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		svcs := e.api("GET", "/api/v1/services", "", "").json(t)["items"].([]any)
		ids := map[string]float64{}
		for _, x := range svcs {
			m := x.(map[string]any)
			ids[m["code"].(string)] = m["id"].(float64)
		}
		for _, c := range []string{"ky-projects", "ky-results", "ky-teams", "ky-talents", "cases-2021", "grad-destination", "degree-check"} {
			if ids[c] == 0 {
				t.Fatalf("no demo service %s in %v", c, ids)
			}
		}
		for _, st := range []string{"check", "returned", "review", "decision", "acceptance", "closed", "rejected"} {
			l := e.api("GET", fmt.Sprintf("/api/v1/applications?service=%v&status=%s&limit=1", ids["ky-projects"], st), "henan", "").json(t)
			if l["total"].(float64) < 1 {
				t.Errorf("no research project at %s", st)
			}
		}
		if n := e.api("GET", fmt.Sprintf("/api/v1/applications?service=%v&limit=1", ids["ky-projects"]), "henan", "").json(t)["total"].(float64); int(n) != demo.ResearchSample["ky-projects"] {
			t.Errorf("%v research projects", n)
		}
		if n := e.api("GET", "/api/v1/applications?overdue=true&limit=1", "henan", "").json(t)["total"].(float64); n < 1 {
			t.Error("no overdue work in the demo")
		}
		rank := e.api("GET", fmt.Sprintf("/api/v1/services/%v/ranking", ids["ky-projects"]), "henan", "").json(t)["items"].([]any)
		if len(rank) < 10 || rank[0].(map[string]any)["score"].(map[string]any)["rank"].(float64) != 1 {
			t.Errorf("ranking: %d", len(rank))
		}
		b := e.browser()
		for kind, want := range map[string]int{"county": demo.CountyCases, "school": demo.SchoolCases} {
			doc := b.get("/cases?kind=" + kind).doc(t)
			if n := doc.Find("#cases li.card").Length(); n != want {
				t.Errorf("%s cases in the gallery: %d, want %d", kind, n, want)
			}
		}
		if r := b.get("/cases"); r.status != 200 || strings.Contains(string(r.body), "0371-6") || strings.Contains(string(r.body), "填报员") {
			t.Errorf("gallery: %d or shows something personal", r.status)
		}
		mailed := e.api("GET", fmt.Sprintf("/api/v1/applications?service=%v&status=closed", ids["degree-check"]), "henan", "").json(t)["items"].([]any)
		if len(mailed) < 1 || mailed[0].(map[string]any)["delivery"].(map[string]any)["carrier"] != "EMS" {
			t.Errorf("degree checks mailed: %v", mailed)
		}
		// The fitness certificates need the public URL, known only now.
		if ids["fitness-cert"] != 0 {
			t.Fatal("fitness certificates seeded before the public URL was known")
		}
		if err := demo.SeedFitness(e.sys, demo.ServicesDemo{Units: e.m.Store, Users: e.m.Store, Online: e.m.Store, Credentials: e.m.Store}); err != nil {
			t.Fatal(err)
		}
		for _, x := range e.api("GET", "/api/v1/services", "", "").json(t)["items"].([]any) {
			if m := x.(map[string]any); m["code"] == "fitness-cert" {
				ids["fitness-cert"] = m["id"].(float64)
			}
		}
		{
			got := e.api("GET", fmt.Sprintf("/api/v1/applications?service=%v&status=closed", ids["fitness-cert"]), "henan", "").json(t)["items"].([]any)
			if len(got) != 3 || got[0].(map[string]any)["delivery"].(map[string]any)["cert_number"] == "" {
				t.Errorf("fitness certificates: %v", got)
			}
		}
	})
}
