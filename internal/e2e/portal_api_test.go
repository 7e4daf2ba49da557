package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestPortalJSON: the portal's JSON shows published briefings only, the
// public's ratings of public items as counts and rates (never a comment
// or who rated), a proposal by its code without who proposed it, and is
// throttled like the pages: the lookup by code by the tighter public
// limit.
func TestPortalJSON(t *testing.T) {
	t.Setenv("SHISHI_PUBLIC_RATE", "8")
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		zz := e.unitID("ha-zz")
		c := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "门户接口活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["重点事项"]}`).json(t)
		cid, tier := int64(c["id"].(float64)), int64(c["tiers"].([]any)[0].(map[string]any)["id"].(float64))
		item := func(title string, unit int64, public bool) int64 {
			r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": %q, "leader_name": "测试", "lead_unit_id": %d, "deadline": "2026-12-31", "public": %t}`, tier, title, unit, public))
			if r.status != 201 {
				t.Fatalf("item: %d %s", r.status, r.body)
			}
			id := int64(r.json(t)["id"].(float64))
			for _, step := range []struct{ action, login string }{{"approve", "henan"}, {"start", "henan"}, {"request_closure", "zhengzhou"}} {
				if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:%s", id, step.action), step.login, `{"note": "已完成"}`); r.status != 200 {
					t.Fatalf("%s: %d %s", step.action, r.status, r.body)
				}
			}
			return id
		}
		pub, internal := item("公开周转宿舍", zz, true), item("内部事项", zz, false)
		anon := context.Background()
		for i, score := range []int{5, 4, 2} {
			if _, err := e.m.Store.RateItem(anon, pub, fmt.Sprintf("203.0.113.%d", i+1), shishi.RatingInput{Score: score, Comment: fmt.Sprintf("评价内容%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		r := e.api("GET", fmt.Sprintf("/api/v1/public/items/%d/ratings", pub), "", "")
		rt := r.json(t)["ratings"].(map[string]any)
		if r.status != 200 || rt["count"] != 3.0 || rt["satisfied"] != 2.0 || rt["average"] != 3.67 || rt["satisfaction_rate"] != 66.67 {
			t.Fatalf("item ratings: %d %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), "评价内容") || strings.Contains(string(r.body), "203.0.113") {
			t.Fatalf("a single rating shows: %s", r.body)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/public/items/%d/ratings", internal), "", ""); r.status != 404 {
			t.Fatalf("internal item's ratings: %d %s", r.status, r.body)
		}
		r = e.api("GET", fmt.Sprintf("/api/v1/public/campaigns/%d/ratings", cid), "", "")
		units := r.json(t)["units"].([]any)
		if r.status != 200 || len(units) != 1 || units[0].(map[string]any)["unit"] != "郑州市教育局" || units[0].(map[string]any)["ratings"].(map[string]any)["count"] != 3.0 {
			t.Fatalf("campaign ratings: %d %s", r.status, r.body)
		}
		// A campaign without public items does not exist here.
		c2 := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "内部活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["重点事项"]}`).json(t)
		if r := e.api("GET", fmt.Sprintf("/api/v1/public/campaigns/%v/ratings", c2["id"]), "", ""); r.status != 404 {
			t.Fatalf("internal campaign's ratings: %d %s", r.status, r.body)
		}

		// Briefings: a draft is not there; once published it is, with its
		// page and PDF, and its figures name no internal item.
		b, err := e.m.Store.GenerateBriefing(e.sys, cid, "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/public/briefings/%d", b.ID), "", ""); r.status != 404 {
			t.Fatalf("draft briefing: %d", r.status)
		}
		if l := e.api("GET", "/api/v1/public/briefings", "", "").json(t); l["total"] != 0.0 {
			t.Fatalf("drafts listed: %v", l)
		}
		if _, err := e.m.Store.PublishBriefing(e.sys, b.ID); err != nil {
			t.Fatal(err)
		}
		r = e.api("GET", fmt.Sprintf("/api/v1/public/briefings/%d", b.ID), "", "")
		pb := r.json(t)
		if r.status != 200 || !strings.HasSuffix(pb["pdf_url"].(string), fmt.Sprintf("/briefings/%d/pdf", b.ID)) || strings.Contains(string(r.body), "内部事项") {
			t.Fatalf("published briefing: %d %.400s", r.status, r.body)
		}
		if pdf := e.api("GET", fmt.Sprintf("/briefings/%d/pdf", b.ID), "", ""); pdf.status != 200 {
			t.Fatalf("the PDF it links: %d", pdf.status)
		}
		if l := e.api("GET", "/api/v1/public/briefings", "", "").json(t); l["total"] != 1.0 {
			t.Fatalf("published list: %v", l)
		}

		// A proposal, followed by its code: no trace of who proposed it.
		n, err := e.m.Store.Nominate(anon, "198.51.100.7", shishi.NominationInput{CampaignID: cid, Title: "开放运动场", Body: "希望开放学校运动场地，方便周边居民锻炼。"})
		if err != nil {
			t.Fatal(err)
		}
		r = e.api("GET", "/api/v1/public/nominations/"+n.Code, "", "")
		if r.status != 200 || r.json(t)["status"] != "received" || strings.Contains(string(r.body), "198.51.100") {
			t.Fatalf("track: %d %s", r.status, r.body)
		}
		if r := e.api("GET", "/api/v1/public/nominations/NOPE-0000", "", ""); r.status != 404 && r.status != 422 {
			t.Fatalf("unknown code: %d %s", r.status, r.body)
		}
		// The lookup by code has the tracking page's limit: guessing codes
		// runs into 429 soon.
		limited := false
		for range 20 {
			if r := e.api("GET", "/api/v1/public/nominations/"+n.Code, "", ""); r.status == 429 {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatal("no 429 after 20 lookups by code")
		}
	})
}
