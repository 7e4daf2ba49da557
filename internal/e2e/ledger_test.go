package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestLedgerThroughAPIAndPages: the Henan office makes a campaign and the
// dormitory item through the API; Zhengzhou files through the page form;
// the office reviews in the queue; the item page shows 48.06 %.
func TestLedgerThroughAPIAndPages(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	zz := e.unitID("ha-zz")
	r := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "河南省教育厅“我为群众办实事”实践活动", "starts_on": "2021-05-01", "ends_on": "2021-12-31", "tiers": ["厅机关办实事重点事项"]}`)
	if r.status != 201 {
		t.Fatalf("create campaign: %d %s", r.status, r.body)
	}
	c := r.json(t)
	cid := int64(c["id"].(float64))
	tier := int64(c["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	if r := e.api("POST", "/api/v1/campaigns", "zhengzhou", `{"name": "x", "starts_on": "2021-05-01", "ends_on": "2021-12-31"}`); r.status != 403 {
		t.Fatalf("operator creates a campaign: %d", r.status)
	}
	if r := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "", "starts_on": "2021-5-1", "ends_on": "2021-12-31"}`); r.status != 422 {
		t.Fatalf("bad campaign: %d", r.status)
	}
	body := fmt.Sprintf(`{"tier_id": %d, "code": "HA-08", "title": "抓好农村教师周转宿舍建设项目", "leader_name": "分管副厅长", "lead_unit_id": %d,
		"deadline": "2026-12-31", "public": true, "targets": [{"name": "周转宿舍建成", "unit": "套", "baseline": 0, "target": 7000,
		"plan": [{"period": "2021-06", "value": 1000}, {"period": "2021-09", "value": 3500}, {"period": "2021-12", "value": 7000}]}]}`, tier, zz)
	r = e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", body)
	if r.status != 201 {
		t.Fatalf("create item: %d %s", r.status, r.body)
	}
	item := int64(r.json(t)["id"].(float64))
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:approve", item), "henan", ""); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:close", item), "henan", ""); r.status != 409 {
		t.Fatalf("close an approved item: %d", r.status)
	}
	// Zhengzhou files September through the page.
	b := e.login("zhengzhou")
	d := b.get(fmt.Sprintf("/app/items/%d", item)).doc(t)
	if d.Find("#report form").Length() != 1 {
		t.Fatal("no report form for the lead unit's operator")
	}
	csrf := b.csrf(fmt.Sprintf("/app/items/%d", item))
	target := d.Find(`#report input[name^="value_"]`).AttrOr("name", "")
	// A bad number comes back naming the field.
	rr := b.post(fmt.Sprintf("/app/items/%d", item), url.Values{"_csrf": {csrf}, "action": {"report"}, "period": {"2021-09"}, "narrative": {"月报告"}, target: {"三千"}})
	if rr.status != 422 || !strings.Contains(rr.doc(t).Find(".field-err").Text(), "须为数字") {
		t.Fatalf("bad value: %d", rr.status)
	}
	rr = b.post(fmt.Sprintf("/app/items/%d", item), url.Values{"_csrf": {csrf}, "action": {"report"}, "period": {"2021-09"}, "narrative": {"全省农村教师周转宿舍7000套已全部开工建设"}, target: {"3364"}})
	if rr.status != 303 {
		t.Fatalf("file: %d %s", rr.status, rr.body)
	}
	// The office accepts it in the review queue.
	o := e.login("henan")
	q := o.get(fmt.Sprintf("/app/ledger/%d/review", cid)).doc(t)
	if q.Find(".report").Length() != 1 || !strings.Contains(q.Text(), "3364") {
		t.Fatalf("review queue: %d reports", q.Find(".report").Length())
	}
	action, _ := q.Find(".report form").Attr("action")
	rr = o.post(action, url.Values{"_csrf": {o.csrf(fmt.Sprintf("/app/ledger/%d/review", cid))}, "action": {"accept"}})
	if rr.status != 303 {
		t.Fatalf("accept: %d %s", rr.status, rr.body)
	}
	// The API and the page agree: 3364 of 7000 is 48.06 %.
	api := e.api("GET", fmt.Sprintf("/api/v1/items/%d", item), "zhengzhou", "").json(t)
	tg := api["targets"].([]any)[0].(map[string]any)
	if tg["completion"] != 48.06 || tg["actual"] != 3364.0 || tg["target"] != 7000.0 || api["status"] != "in_progress" {
		t.Fatalf("item via API: %v", tg)
	}
	d = b.get(fmt.Sprintf("/app/items/%d", item)).doc(t)
	if !strings.Contains(d.Find("#targets").Text(), "48.06%") || d.Find(".chart svg").Length() != 1 || !strings.Contains(d.Find("#reports").Text(), "已通过") {
		t.Fatalf("item page: targets %q, %d charts", d.Find("#targets").Text(), d.Find(".chart svg").Length())
	}
	// The campaign list, the campaign page and the cockpit render.
	for _, p := range []string{"/app/ledger", fmt.Sprintf("/app/ledger/%d", cid), fmt.Sprintf("/app/ledger/%d?rag=red", cid), fmt.Sprintf("/app/ledger/%d/cockpit", cid)} {
		if r := o.get(p); r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	if !strings.Contains(o.get(fmt.Sprintf("/app/ledger/%d", cid)).doc(t).Find("table.items").Text(), "周转宿舍") {
		t.Error("campaign page lacks the item")
	}
	// The cockpit's scope: the office sees the whole campaign; Zhengzhou's
	// operator its own subtree (with its item), and may drill into a unit
	// below it but not beside it.
	if txt := o.get(fmt.Sprintf("/app/ledger/%d/cockpit", cid)).doc(t).Find("main").Text(); !strings.Contains(txt, "全部事项") {
		t.Errorf("office's cockpit scope: %.300s", txt)
	}
	zzName := b.get(fmt.Sprintf("/app/ledger/%d/cockpit", cid)).doc(t).Find("main").Text()
	if !strings.Contains(zzName, "郑州") || !strings.Contains(zzName, "及下级单位") || !strings.Contains(zzName, "周转宿舍") {
		t.Errorf("zhengzhou's cockpit: %.400s", zzName)
	}
	if r := b.get(fmt.Sprintf("/app/ledger/%d/cockpit?unit=%d", cid, e.unitID("ha-ly"))); r.status != 404 {
		t.Errorf("zhengzhou opens Luoyang's cockpit: %d", r.status)
	}
	if r := b.get(fmt.Sprintf("/app/ledger/%d/cockpit?unit=x", cid)); r.status != 422 && r.status != 400 {
		t.Errorf("cockpit with a bad unit: %d", r.status)
	}
	// Items list filters: unknown rag is refused with the field.
	if r := e.api("GET", "/api/v1/items?rag=purple", "henan", ""); r.status != 422 || !strings.Contains(string(r.body), `"rag"`) {
		t.Fatalf("bad rag: %d", r.status)
	}
	if r := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%d&q=%s", cid, url.QueryEscape("宿舍")), "henan", ""); r.json(t)["total"] != 1.0 {
		t.Fatalf("search: %s", r.body)
	}
}
