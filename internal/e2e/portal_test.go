package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// getPublic fetches a page as an anonymous visitor, waiting out the
// per-address limit when a crawl outruns it (the limit is not what this
// test is about).
func (b *browser) getPublic(path string) response {
	b.e.t.Helper()
	for {
		r := b.get(path)
		if r.status != http.StatusTooManyRequests {
			return r
		}
		wait, _ := strconv.Atoi(r.header.Get("Retry-After"))
		time.Sleep(time.Duration(max(wait, 1)) * time.Second)
	}
}

// allItems lists every item of the demo as the system sees it.
func (e *env) allItems() []*shishi.Item {
	var out []*shishi.Item
	f := shishi.ItemFilter{Limit: 500}
	for {
		page, _, err := e.m.Store.FindItems(e.sys, f)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out
		}
		f.After = page[len(page)-1].ID
	}
}

var itemLinkRE = regexp.MustCompile(`href="/items/(\d+)"`)
var campaignLinkRE = regexp.MustCompile(`href="/campaigns/(\d+)"`)

// TestPortal is the portal issue's first acceptance line: an anonymous
// visitor at / reaches the demo campaigns' public items with their
// progress, and no page of the portal holds the title of an internal item
// (searched for in the HTML), a filer's name or a report narrative.
func TestPortal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		items := e.allItems()
		public := map[int64]*shishi.Item{}
		var internal []string
		for _, it := range items {
			if it.Public && it.Status != shishi.StatusDraft {
				public[it.ID] = it
			}
		}
		for _, it := range items {
			if it.Public {
				continue
			}
			// A title that is part of a public one cannot be told apart.
			inside := false
			for _, p := range public {
				inside = inside || strings.Contains(p.Title, it.Title)
			}
			if !inside {
				internal = append(internal, it.Title)
			}
		}
		if len(internal) < 10 || len(public) < 10 {
			t.Fatalf("the demo needs internal and public items: %d internal, %d public", len(internal), len(public))
		}
		// Names that must never show: the demo's people and what they wrote.
		var secret []string
		for _, a := range []string{"office", "operator", "henan", "zhengzhou", "pku", "handler"} {
			u, err := e.m.Store.FindUserByLogin(e.sys, a)
			if err != nil {
				t.Fatal(err)
			}
			secret = append(secret, u.Name)
		}
		secret = append(secret, "特岗教师招聘报名；加强周转宿舍建设督促检查。")

		b := e.browser()
		pages := map[string]response{}
		check := func(path string) response {
			t.Helper()
			r := b.getPublic(path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", path, r.status, r.body)
			}
			html := string(r.body)
			for _, title := range internal {
				if strings.Contains(html, title) {
					t.Errorf("%s shows the internal item %q", path, title)
				}
			}
			for _, s := range secret {
				if strings.Contains(html, s) {
					t.Errorf("%s shows %q", path, s)
				}
			}
			pages[path] = r
			return r
		}
		home := check("/")
		if !strings.Contains(string(home.body), "河南省教育厅") || home.doc(t).Find(`a[href="/complaints"]`).Length() == 0 ||
			home.doc(t).Find(`a[href="/complaints/track"]`).Length() == 0 {
			t.Fatalf("home page lacks the campaigns or the complaint links: %s", home.body)
		}
		check("/stats")
		seen := map[int64]bool{}
		camps := campaignLinkRE.FindAllSubmatch(home.body, -1)
		if len(camps) < 2 {
			t.Fatalf("home links %d campaigns", len(camps))
		}
		for _, m := range camps {
			r := check("/campaigns/" + string(m[1]))
			for _, l := range itemLinkRE.FindAllSubmatch(r.body, -1) {
				id, _ := strconv.ParseInt(string(l[1]), 10, 64)
				if public[id] == nil {
					t.Fatalf("campaign page links item %d, which is not public", id)
				}
				seen[id] = true
			}
		}
		if len(seen) != len(public) {
			t.Fatalf("the campaign pages list %d of %d public items", len(seen), len(public))
		}
		var dorm int64
		for id := range seen {
			r := check("/items/" + strconv.FormatInt(id, 10))
			if strings.Contains(public[id].Title, "周转宿舍") {
				dorm = id
				_ = r
			}
		}
		// The dormitories: the figure, and the report versions behind it,
		// the August correction included with its reason.
		if dorm == 0 {
			t.Fatal("the dormitory item is not on the portal")
		}
		d := pages["/items/"+strconv.FormatInt(dorm, 10)].doc(t)
		targets := d.Find("#targets").Text()
		if !strings.Contains(targets, "3364") || !strings.Contains(targets, "7000") || !strings.Contains(targets, "48.06%") {
			t.Fatalf("dormitory targets: %s", targets)
		}
		if d.Find("#report-2021-09-v1").Length() != 1 || !strings.Contains(d.Find("#report-2021-08-v2").Text(), "更正建成数为2290套") ||
			!d.Find("#report-2021-08-v1").HasClass("superseded") {
			h, _ := d.Find("#report-versions").Html()
			t.Fatalf("report versions: %s", h)
		}
		if d.Find("#status-history li").Length() == 0 {
			t.Fatal("no status history")
		}
		// An internal item is not there, even by its number.
		for _, it := range items {
			if !it.Public {
				if r := b.getPublic("/items/" + strconv.FormatInt(it.ID, 10)); r.status != http.StatusNotFound || strings.Contains(string(r.body), it.Title) {
					t.Fatalf("internal item %d: %d", it.ID, r.status)
				}
				break
			}
		}
		// A signed-in user still goes to the workbench.
		if r := e.login("office").get("/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/app" {
			t.Fatalf("signed in: %d %s", r.status, r.header.Get("Location"))
		}
	})
}
