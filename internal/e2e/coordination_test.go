package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestCoordination: the lead unit and the office talk on an item, a
// mention notifies only someone who can see the item, a task handed to a
// cooperating unit is done by that unit, and it all shows in the history.
func TestCoordination(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	cid := e.newCampaign("henan", "协调测试")
	tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", cid), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	zz := e.unitID("ha-zz")
	r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "周转宿舍建设", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2026-12-31"}`, tier, e.unitID("ha"), zz))
	item := int64(r.json(t)["id"].(float64))
	r = e.api("POST", fmt.Sprintf("/api/v1/items/%d/comments", item), "henan", `{"body": "@zhengzhou 请于周五前报送开工情况；@pku 不应收到。"}`)
	if r.status != 201 || fmt.Sprint(r.json(t)["mentions"]) != "[zhengzhou]" {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	n := e.api("GET", "/api/v1/notices", "zhengzhou", "").json(t)
	if n["unread"] != 1.0 || !strings.Contains(fmt.Sprint(n["items"]), "周转宿舍建设") {
		t.Fatalf("zhengzhou's notices: %v", n)
	}
	if n := e.api("GET", "/api/v1/notices", "pku", "").json(t); n["unread"] != 0.0 {
		t.Fatalf("pku was told about an item it cannot see: %v", n)
	}
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d/comments", item), "pku", `{"body": "x"}`); r.status != 404 && r.status != 403 {
		t.Fatalf("outsider comments: %d", r.status)
	}
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d/comments", item), "henan", `{"body": "  "}`); r.status != 422 {
		t.Fatalf("empty comment: %d", r.status)
	}
	// A task goes to a cooperating unit only.
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d/tasks", item), "henan", fmt.Sprintf(`{"unit_id": %d, "title": "x", "due": "2021-10-15"}`, e.unitID("ha-ly"))); r.status != 422 {
		t.Fatalf("task to a non-cooperating unit: %d", r.status)
	}
	r = e.api("POST", fmt.Sprintf("/api/v1/items/%d/tasks", item), "henan", fmt.Sprintf(`{"unit_id": %d, "title": "核实郑州市开工套数", "due": "2021-10-15"}`, zz))
	if r.status != 201 {
		t.Fatalf("task: %d %s", r.status, r.body)
	}
	task := int64(r.json(t)["id"].(float64))
	if r := e.api("POST", fmt.Sprintf("/api/v1/tasks/%d:complete", task), "pku", ""); r.status == 200 {
		t.Fatal("an outsider completed the task")
	}
	// Zhengzhou completes it through the page, and reads its notices.
	b := e.login("zhengzhou")
	d := b.get(fmt.Sprintf("/app/items/%d", item)).doc(t)
	if !strings.Contains(d.Find("#comments").Text(), "请于周五前报送") || !strings.Contains(d.Find("#tasks").Text(), "核实郑州市开工套数") {
		t.Fatal("item page lacks the comment or the task")
	}
	if d.Find(".notices-link .count").Text() != "2" {
		t.Fatalf("unread badge %q", d.Find(".notices-link .count").Text())
	}
	rr := b.post(fmt.Sprintf("/app/items/%d", item), url.Values{"_csrf": {b.csrf(fmt.Sprintf("/app/items/%d", item))}, "action": {"task_done"}, "task": {fmt.Sprint(task)}, "note": {"已核实：开工 7000 套"}})
	if rr.status != 303 {
		t.Fatalf("complete via page: %d %s", rr.status, rr.body)
	}
	h := e.api("GET", fmt.Sprintf("/api/v1/items/%d/history", item), "henan", "")
	if !strings.Contains(string(h.body), "交办：核实郑州市开工套数") || !strings.Contains(string(h.body), "办结：核实郑州市开工套数") {
		t.Fatalf("history: %s", h.body)
	}
	b.post("/app/notices", url.Values{"_csrf": {b.csrf("/app/notices")}, "id": {"0"}})
	if n := e.api("GET", "/api/v1/notices", "zhengzhou", "").json(t); n["unread"] != 0.0 {
		t.Fatalf("after read all: %v", n["unread"])
	}
}
