package e2e

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// pdfText extracts a PDF's text as a reader copying from it would get it.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a PDF: %v", err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(tr); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// TestBriefing is the briefing acceptance line: Henan's office drafts the
// briefing for October 2021 from the live ledger, edits its text (a bad
// edit changes nothing) and publishes it; the public page and the PDF it
// links both carry the dormitory figure 3364 of 7000 (48.06 %), the figure
// links the report version behind it, and the Atom feed lists it.
func TestBriefing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		var ha *shishi.Campaign
		cs, _, err := e.m.Store.FindCampaigns(e.sys, shishi.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if strings.HasPrefix(c.Name, "河南") {
				ha = c
			}
		}
		b := e.login("henan")
		csrf := b.csrf("/app/portal")
		r := b.post("/app/portal/briefings", url.Values{"_csrf": {csrf}, "campaign": {fmt.Sprint(ha.ID)}, "period": {"2030-01"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "月份须在活动期间内") {
			t.Fatalf("a month outside the campaign: %d", r.status)
		}
		r = b.post("/app/portal/briefings", url.Values{"_csrf": {csrf}, "campaign": {fmt.Sprint(ha.ID)}, "period": {"2021-10"}})
		loc := r.header.Get("Location")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/app/briefings/") {
			t.Fatalf("generate: %d %s", r.status, r.body)
		}
		id := strings.TrimPrefix(loc, "/app/briefings/")
		page := b.get(loc)
		draft := page.doc(t)
		if !strings.Contains(draft.Find("#briefing-items").Text(), "3364 / 7000 套（48.06 %）") {
			t.Fatalf("draft lacks the dormitory figure: %s", draft.Find("#briefing-items").Text())
		}
		version := versionRE.FindSubmatch(page.body)[1]
		// A bad edit: no title. Nothing changes.
		r = b.post(loc, url.Values{"_csrf": {csrf}, "action": {"save"}, "version": {string(version)}, "title": {"  "}, "intro": {"不应保存"}})
		if r.status != http.StatusUnprocessableEntity || r.doc(t).Find(".field-err").Length() == 0 {
			t.Fatalf("bad edit: %d", r.status)
		}
		if strings.Contains(string(b.get(loc).body), "不应保存") {
			t.Fatal("a refused edit changed the briefing")
		}
		r = b.post(loc, url.Values{"_csrf": {csrf}, "action": {"save"}, "version": {string(version)}, "title": {"河南省教育厅办实事工作简报（2021年第10期）"},
			"intro": {"全省农村教师周转宿舍建设加快推进。\n特岗教师已全部到岗。"}, "closing": {"下一步，继续抓好落实。"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.status, r.body)
		}
		// A stale form (the old version) is refused.
		if r = b.post(loc, url.Values{"_csrf": {csrf}, "action": {"save"}, "version": {string(version)}, "title": {"旧表单"}}); r.status != http.StatusConflict {
			t.Fatalf("stale edit: %d", r.status)
		}
		anon := e.browser()
		if r = anon.get("/briefings/" + id); r.status != http.StatusNotFound {
			t.Fatalf("a draft is public: %d", r.status)
		}
		if r = b.post(loc, url.Values{"_csrf": {csrf}, "action": {"publish"}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		if r = b.post(loc, url.Values{"_csrf": {csrf}, "action": {"regenerate"}}); r.status != http.StatusConflict {
			t.Fatalf("regenerate a published briefing: %d", r.status)
		}

		// The public page.
		r = anon.get("/briefings/" + id)
		d := r.doc(t)
		if r.status != http.StatusOK || d.Find("h1").Text() != "河南省教育厅办实事工作简报（2021年第10期）" || !strings.Contains(d.Find("#briefing").Text(), "特岗教师已全部到岗。") {
			t.Fatalf("public page: %d %q", r.status, d.Find("h1").Text())
		}
		fig := d.Find(`#briefing-items a:contains("3364 / 7000 套（48.06 %）")`)
		href, _ := fig.Attr("href")
		if fig.Length() != 1 || !strings.HasSuffix(href, "#report-2021-09-v1") {
			t.Fatalf("the dormitory figure and its source: %d %q", fig.Length(), href)
		}
		// …which is the report version on the item's page.
		if src := anon.get(strings.Split(href, "#")[0]).doc(t).Find("#report-2021-09-v1"); !strings.Contains(src.Text(), "3364") {
			t.Fatalf("source version: %q", src.Text())
		}
		pdfHref, _ := d.Find("#briefing-pdf").Attr("href")
		r = anon.get(pdfHref)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %d %s", r.status, r.header.Get("Content-Type"))
		}
		text := pdfText(t, r.body)
		for _, want := range []string{"3364", "7000", "48.06", "3364 / 7000 套（48.06 %）", "河南省教育厅办实事工作简报（2021年第10期）", "下一步，继续抓好落实。"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, text)
			}
		}
		// The archive, the home page and the feed list it.
		if !strings.Contains(anon.get("/briefings").doc(t).Find("#briefing-list").Text(), "2021年第10期") ||
			!strings.Contains(anon.get("/").doc(t).Find(".briefing-list").Text(), "2021年第10期") {
			t.Fatal("archive or home page lacks the briefing")
		}
		r = anon.get("/briefings.atom")
		var feed struct {
			Entries []struct {
				Title string `xml:"title"`
				ID    string `xml:"id"`
				Links []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(r.body, &feed); err != nil || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("feed: %v %s", err, r.header.Get("Content-Type"))
		}
		if len(feed.Entries) != 1 || feed.Entries[0].Title != "河南省教育厅办实事工作简报（2021年第10期）" || len(feed.Entries[0].Links) != 2 ||
			!strings.HasSuffix(feed.Entries[0].Links[1].Href, "/briefings/"+id+"/pdf") {
			t.Fatalf("feed entries: %+v", feed.Entries)
		}
		// Every step is in the audit log.
		for _, action := range []string{"briefing.generate", "briefing.edit", "briefing.publish"} {
			if _, n, err := e.m.Store.FindAudit(e.sys, shishi.AuditFilter{Action: action, Limit: 1}); err != nil || n == 0 {
				t.Errorf("audit %s: %d %v", action, n, err)
			}
		}
	})
}
