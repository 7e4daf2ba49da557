package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestListsWalkPages: every list of the API pages the same way — limit,
// cursor, next — and walking a list a few rows at a time meets every row
// exactly once, in the order of the whole list, and as many as its total.
func TestListsWalkPages(t *testing.T) {
	t.Setenv("SHISHI_API_RATE", "1000000")
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startConfig(t, dsn, true, nil, fastQueue)
		zz, ly := e.unitID("ha-zz"), e.unitID("ha-ly")
		id := func(r response) int64 {
			t.Helper()
			if r.status >= 300 {
				t.Fatalf("setup: %d %s", r.status, r.body)
			}
			return int64(r.json(t)["id"].(float64))
		}
		first := func(path, login string) int64 {
			t.Helper()
			items, _ := e.api("GET", path, login, "").json(t)["items"].([]any)
			if len(items) == 0 {
				t.Fatalf("%s as %s: no rows", path, login)
			}
			return int64(items[0].(map[string]any)["id"].(float64))
		}
		// An item with a few of everything: history, reports, evidence,
		// comments (each one a notice for zhengzhou) and tasks.
		cid := id(e.api("POST", "/api/v1/campaigns", "henan", `{"name": "分页测试活动", "starts_on": "2021-05-01", "ends_on": "2021-12-31", "tiers": ["重点事项"]}`))
		tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", cid), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
		item := id(e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "分页周转宿舍", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2026-12-31"}`, tier, zz, ly)))
		for _, a := range []string{"approve", "start"} {
			e.api("POST", fmt.Sprintf("/api/v1/items/%d:%s", item, a), "henan", `{}`)
		}
		for i, p := range []string{"2021-06", "2021-07", "2021-08"} {
			rep := id(e.api("POST", fmt.Sprintf("/api/v1/items/%d/reports", item), "zhengzhou", fmt.Sprintf(`{"period": %q, "narrative": "第%d次", "values": []}`, p, i+1)))
			if r := e.upload(fmt.Sprintf("/api/v1/reports/%d/evidence", rep), "zhengzhou", samplePDF); r.status != 201 {
				t.Fatalf("evidence: %d %s", r.status, r.body)
			}
		}
		for i := range 3 {
			id(e.api("POST", fmt.Sprintf("/api/v1/items/%d/comments", item), "henan", fmt.Sprintf(`{"body": "@zhengzhou 第%d条留言"}`, i+1)))
			id(e.api("POST", fmt.Sprintf("/api/v1/items/%d/tasks", item), "zhengzhou", fmt.Sprintf(`{"unit_id": %d, "title": "任务%d", "due": "2021-10-15"}`, ly, i+1)))
		}
		// Webhooks whose deliveries (and the jobs that send them) the unit's
		// changes below make.
		rc := newReceiver(t, 0)
		for range 3 {
			id(e.api("POST", "/api/v1/webhooks", "henan", fmt.Sprintf(`{"unit_id": %d, "url": %q, "events": ["unit.*"]}`, zz, rc.srv.URL)))
		}
		// A unit with a few changes, a user with a few tokens.
		unit := id(e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-page", "name": "分页学校", "kind": "school"}`, zz)))
		for i := range 3 {
			e.api("PATCH", fmt.Sprintf("/api/v1/units/%d", unit), "admin", fmt.Sprintf(`{"name": "分页学校%d"}`, i))
		}
		me := int64(e.api("GET", "/api/v1/me", "zhengzhou", "").json(t)["id"].(float64))
		for i := range 3 {
			e.api("POST", fmt.Sprintf("/api/v1/users/%d/tokens", me), "zhengzhou", fmt.Sprintf(`{"name": "分页%d"}`, i))
		}
		waitUntil(t, "the deliveries", func() bool {
			return e.api("GET", "/api/v1/webhook-deliveries?status=delivered", "henan", "").json(t)["total"].(float64) >= 6
		})
		// An issuer with a few credential types.
		iss := credentialEnv(t, e)
		for i := range 2 {
			id(e.api("POST", "/api/v1/credential-types", "issuer", fmt.Sprintf(`{"issuer_id": %v, "code": "page%d", "name": "分页证书%d", "number_code": "PG%d", "fields": [{"key": "fullName", "label": "姓名", "kind": "name", "public": true}]}`, iss["id"], i, i, i)))
		}
		complaint := first("/api/v1/complaints?limit=1", "handler")
		finding := first("/api/v1/findings?limit=1", "office")

		lists := []struct{ path, login string }{
			{"/api/v1/units", "admin"},
			{fmt.Sprintf("/api/v1/units/%d/history", unit), "admin"},
			{"/api/v1/users", "admin"},
			{fmt.Sprintf("/api/v1/users/%d/tokens", me), "zhengzhou"},
			{"/api/v1/audit?action=unit.update", "auditor"},
			{"/api/v1/notices", "zhengzhou"},
			{"/api/v1/campaigns", "henan"},
			{"/api/v1/items", "henan"},
			{fmt.Sprintf("/api/v1/items/%d/history", item), "henan"},
			{fmt.Sprintf("/api/v1/items/%d/reports", item), "henan"},
			{"/api/v1/reports", "henan"},
			{fmt.Sprintf("/api/v1/items/%d/evidence", item), "henan"},
			{fmt.Sprintf("/api/v1/items/%d/comments", item), "henan"},
			{fmt.Sprintf("/api/v1/items/%d/tasks", item), "henan"},
			{"/api/v1/complaints", "handler"},
			{fmt.Sprintf("/api/v1/complaints/%d/events", complaint), "handler"},
			{fmt.Sprintf("/api/v1/complaints/%d/duplicates", complaint), "handler"},
			{"/api/v1/groups", "office"},
			{"/api/v1/visits", "office"},
			{"/api/v1/findings", "office"},
			{fmt.Sprintf("/api/v1/findings/%d/history", finding), "office"},
			{"/api/v1/credentials", "issuer"},
			{"/api/v1/issuers", "issuer"},
			{"/api/v1/credential-types", "issuer"},
			{"/api/v1/webhooks", "henan"},
			{"/api/v1/webhook-deliveries", "henan"},
			{"/api/v1/jobs", "admin"},
		}
		for _, l := range lists {
			whole, total, _ := walkList(t, e, l.path, l.login, 500)
			paged, _, pages := walkList(t, e, l.path, l.login, 2)
			if len(whole) != total || !slices.Equal(whole, paged) {
				t.Errorf("%s: whole %d of total %d, paged %d: %v vs %v", l.path, len(whole), total, len(paged), whole, paged)
			}
			if total > 2 && pages < 2 {
				t.Errorf("%s: %d rows in %d page", l.path, total, pages)
			}
			t.Logf("%s: %d rows, %d pages of 2", l.path, total, pages)
		}
		// Every list in the document: limit and cursor in, rows (objects,
		// not arrays) and next out.
		doc := e.api("GET", "/api/openapi.json", "", "").json(t)
		nLists := 0
		for path, item := range doc["paths"].(map[string]any) {
			get, ok := item.(map[string]any)["get"].(map[string]any)
			if !ok {
				continue
			}
			props := get
			for _, k := range []string{"responses", "200", "content", "application/json", "schema", "properties"} {
				props, _ = props[k].(map[string]any)
			}
			rows, isList := props["items"].(map[string]any)
			if !isList || props["next"] == nil {
				continue
			}
			nLists++
			if row, _ := rows["items"].(map[string]any); row["type"] == "array" {
				t.Errorf("%s: rows described as arrays", path)
			}
			params := fmt.Sprint(get["parameters"])
			if get["operationId"] != "listComplaintCategories" && (!strings.Contains(params, "name:limit") || !strings.Contains(params, "name:cursor")) {
				t.Errorf("%s: a list without limit and cursor", path)
			}
		}
		if nLists < 25 {
			t.Fatalf("only %d lists in the document", nLists)
		}
		// The units list takes the unit filter by the name every list uses.
		byUnit := e.api("GET", fmt.Sprintf("/api/v1/units?unit=%d", zz), "admin", "").json(t)["total"]
		if byUnder := e.api("GET", fmt.Sprintf("/api/v1/units?under=%d", zz), "admin", "").json(t)["total"]; byUnit != byUnder || byUnit.(float64) < 2 {
			t.Fatalf("units?unit= %v, units?under= %v", byUnit, byUnder)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/units?unit=%d&under=%d", zz, ly), "admin", ""); r.status != 422 {
			t.Fatalf("unit and under disagree: %d", r.status)
		}
		// A bad cursor is refused with the field named.
		if r := e.api("GET", fmt.Sprintf("/api/v1/items/%d/comments?cursor=@@", item), "henan", ""); r.status != 422 || !strings.Contains(string(r.body), "cursor") {
			t.Fatalf("bad cursor: %d %s", r.status, r.body)
		}
	})
}

// walkList reads a list with limit n, following next, and returns the
// keys (id, or seq for the audit log) of its rows, its total and the
// number of pages read. A row met twice fails the test.
func walkList(t *testing.T, e *env, path, login string, n int) (keys []string, total, pages int) {
	t.Helper()
	seen := map[string]bool{}
	cursor := ""
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for pages < 1000 {
		q := url.Values{"limit": {fmt.Sprint(n)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := e.api("GET", path+sep+q.Encode(), login, "")
		if r.status != 200 {
			t.Fatalf("%s as %s: %d %s", path, login, r.status, r.body)
		}
		body := r.json(t)
		pages++
		total = int(body["total"].(float64))
		items := body["items"].([]any)
		if len(items) > n {
			t.Fatalf("%s: %d rows on a page of %d", path, len(items), n)
		}
		for _, it := range items {
			m := it.(map[string]any)
			k, ok := m["id"]
			if !ok {
				k = m["seq"]
			}
			key := fmt.Sprint(k)
			if seen[key] {
				t.Fatalf("%s: row %s on two pages", path, key)
			}
			seen[key] = true
			keys = append(keys, key)
		}
		cursor, _ = body["next"].(string)
		if cursor == "" {
			return keys, total, pages
		}
	}
	t.Fatalf("%s: no end after 1000 pages", path)
	return nil, 0, 0
}
