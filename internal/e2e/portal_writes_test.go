package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// fieldErr reports whether a problem answer has status 422 and names field.
func fieldErr(t *testing.T, r response, field string) bool {
	t.Helper()
	if r.status != 422 {
		return false
	}
	errs, _ := r.json(t)["errors"].([]any)
	for _, e := range errs {
		if e.(map[string]any)["field"] == field {
			return true
		}
	}
	return false
}

// TestPortalWritesAPI: the API's briefing, proposal, floor and public
// writes refuse bad input naming the field and store nothing, refuse a
// caller without the campaign office, honour If-Match on a briefing's
// edit, and put the public's writes under the store's per-address
// throttle and the Idempotency-Key like every create.
func TestPortalWritesAPI(t *testing.T) {
	t.Setenv("SHISHI_PUBLIC_RATE", "1000") // the per-address limit is not what this tests
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		zz := e.unitID("ha-zz")
		c := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "门户写入活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["重点事项"]}`).json(t)
		cid, tier := int64(c["id"].(float64)), int64(c["tiers"].([]any)[0].(map[string]any)["id"].(float64))
		r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "公开周转宿舍", "leader_name": "测试", "lead_unit_id": %d, "deadline": "2026-12-31", "public": true}`, tier, zz))
		if r.status != 201 {
			t.Fatalf("item: %d %s", r.status, r.body)
		}
		item := int64(r.json(t)["id"].(float64))
		if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:approve", item), "henan", `{}`); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		office := e.asUser("henan")
		briefings := func() int {
			bs, err := e.m.Store.FindBriefings(office)
			if err != nil {
				t.Fatal(err)
			}
			return len(bs)
		}

		// Briefings: bad input names the field and drafts nothing.
		for _, bad := range []struct{ body, field string }{
			{`{"period": "2026-05"}`, "campaign_id"},
			{fmt.Sprintf(`{"campaign_id": %d, "period": "2030-01"}`, cid), "period"},
			{fmt.Sprintf(`{"campaign_id": %d, "period": "2026-05", "month": 5}`, cid), "month"},
		} {
			if r := e.api("POST", "/api/v1/briefings", "henan", bad.body); !fieldErr(t, r, bad.field) {
				t.Errorf("generate %s: %d %s, want 422 naming %s", bad.body, r.status, r.body, bad.field)
			}
		}
		if n := briefings(); n != 0 {
			t.Fatalf("a refused generate drafted %d briefings", n)
		}
		for _, who := range []string{"zhengzhou", "leader", "admin", ""} {
			if r := e.api("POST", "/api/v1/briefings", who, fmt.Sprintf(`{"campaign_id": %d, "period": "2026-05"}`, cid)); r.status < 401 || r.status > 404 {
				t.Errorf("generate as %q: %d %s, want refused", who, r.status, r.body)
			}
		}
		if n := briefings(); n != 0 {
			t.Fatalf("a refused caller drafted %d briefings", n)
		}
		r = e.api("POST", "/api/v1/briefings", "henan", fmt.Sprintf(`{"campaign_id": %d, "period": "2026-05"}`, cid))
		if r.status != 201 || r.header.Get("ETag") == "" {
			t.Fatalf("generate: %d %s", r.status, r.body)
		}
		b := r.json(t)
		bid, tag := int64(b["id"].(float64)), r.header.Get("ETag")
		if r := e.api("GET", fmt.Sprintf("/api/v1/briefings/%d", bid), "zhengzhou", ""); r.status != 404 {
			t.Errorf("another unit reads the draft: %d", r.status)
		}
		if r := e.api("PATCH", fmt.Sprintf("/api/v1/briefings/%d", bid), "henan", `{"title": "  ", "intro": "导语"}`); !fieldErr(t, r, "title") {
			t.Errorf("empty title: %d %s", r.status, r.body)
		}
		if r := e.api("PATCH", fmt.Sprintf("/api/v1/briefings/%d", bid), "zhengzhou", `{"title": "越权修改"}`); r.status != 404 {
			t.Errorf("edit by another unit: %d %s", r.status, r.body)
		}
		r = e.api("PATCH", fmt.Sprintf("/api/v1/briefings/%d", bid), "henan", `{"title": "五月简报", "intro": "本月进展"}`, "If-Match", tag)
		if r.status != 200 || r.json(t)["title"] != "五月简报" || r.header.Get("ETag") == tag {
			t.Fatalf("edit: %d %s", r.status, r.body)
		}
		if r := e.api("PATCH", fmt.Sprintf("/api/v1/briefings/%d", bid), "henan", `{"title": "陈旧版本"}`, "If-Match", tag); r.status != 412 {
			t.Errorf("edit with a stale ETag: %d %s, want 412", r.status, r.body)
		}
		got, err := e.m.Store.FindBriefing(office, bid)
		if err != nil || got.Title != "五月简报" {
			t.Fatalf("after refused edits the title is %q (%v)", got.Title, err)
		}
		for _, who := range []string{"zhengzhou", "admin", ""} {
			if r := e.api("POST", fmt.Sprintf("/api/v1/briefings/%d:publish", bid), who, ""); r.status < 401 || r.status > 404 {
				t.Errorf("publish as %q: %d %s", who, r.status, r.body)
			}
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/public/briefings/%d", bid), "", ""); r.status != 404 {
			t.Fatalf("a refused publish published: %d", r.status)
		}
		if r := e.api("POST", fmt.Sprintf("/api/v1/briefings/%d:publish", bid), "henan", ""); r.status != 200 || r.json(t)["status"] != "published" {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		if r := e.api("PATCH", fmt.Sprintf("/api/v1/briefings/%d", bid), "henan", `{"title": "发布后修改"}`); r.status != 409 {
			t.Errorf("edit after publishing: %d %s, want 409", r.status, r.body)
		}

		// Proposals from the public: bad input names the field, stores nothing.
		nominations := func() int {
			ns, err := e.m.Store.FindNominations(office)
			if err != nil {
				t.Fatal(err)
			}
			return len(ns)
		}
		for _, bad := range []struct{ body, field string }{
			{fmt.Sprintf(`{"campaign_id": %d, "title": "", "body": "内容"}`, cid), "title"},
			{`{"title": "标题", "body": "内容"}`, "campaign_id"},
			{fmt.Sprintf(`{"campaign_id": %d, "title": "标题", "body": "%s"}`, cid, strings.Repeat("长", 2001)), "body"},
			{fmt.Sprintf(`{"campaign_id": %d, "title": "标题", "body": "内容", "phone": "13800000000"}`, cid), "phone"},
		} {
			if r := e.api("POST", "/api/v1/public/nominations", "", bad.body); !fieldErr(t, r, bad.field) {
				t.Errorf("nominate %.80s: %d %s, want 422 naming %s", bad.body, r.status, r.body, bad.field)
			}
		}
		if n := nominations(); n != 0 {
			t.Fatalf("refused proposals stored %d", n)
		}
		// One key, one proposal: the retry answers the same code.
		body := fmt.Sprintf(`{"campaign_id": %d, "title": "开放运动场", "body": "希望周末开放学校运动场。"}`, cid)
		r1 := e.api("POST", "/api/v1/public/nominations", "", body, "Idempotency-Key", "nominate-1")
		r2 := e.api("POST", "/api/v1/public/nominations", "", body, "Idempotency-Key", "nominate-1")
		if r1.status != 201 || r2.status != 201 || r2.header.Get("Idempotent-Replayed") != "true" || r1.json(t)["code"] != r2.json(t)["code"] {
			t.Fatalf("idempotent nominate: %d %d %s / %s", r1.status, r2.status, r1.body, r2.body)
		}
		if r := e.api("POST", "/api/v1/public/nominations", "", strings.Replace(body, "周末", "假期", 1), "Idempotency-Key", "nominate-1"); !fieldErr(t, r, "Idempotency-Key") {
			t.Errorf("key reused for another body: %d %s", r.status, r.body)
		}
		if n := nominations(); n != 1 {
			t.Fatalf("one key made %d proposals", n)
		}
		n1 := int64(r1.json(t)["id"].(float64))
		var ids []int64
		for i := 0; i < shishi.NominationsPerDay-1; i++ {
			r := e.api("POST", "/api/v1/public/nominations", "", fmt.Sprintf(`{"campaign_id": %d, "title": "点单%d", "body": "希望学校增加课后托管服务。"}`, cid, i))
			if r.status != 201 {
				t.Fatalf("nominate %d: %d %s", i, r.status, r.body)
			}
			ids = append(ids, int64(r.json(t)["id"].(float64)))
		}
		// The store's per-address throttle, shared with the page's form.
		if r := e.api("POST", "/api/v1/public/nominations", "", fmt.Sprintf(`{"campaign_id": %d, "title": "第四条", "body": "希望学校延长图书馆开放时间。"}`, cid)); r.status != 429 {
			t.Errorf("proposal over the daily limit: %d %s, want 429", r.status, r.body)
		}
		if n := nominations(); n != shishi.NominationsPerDay {
			t.Fatalf("%d proposals stored, want %d", n, shishi.NominationsPerDay)
		}

		// The office's list: its own campaigns only, paged, filtered.
		list := func(login, query string) response { return e.api("GET", "/api/v1/nominations"+query, login, "") }
		if r := list("henan", "?status=waiting"); !fieldErr(t, r, "status") {
			t.Errorf("unknown status: %d %s", r.status, r.body)
		}
		if r := list("henan", "?campaign=x"); !fieldErr(t, r, "campaign") {
			t.Errorf("bad campaign: %d %s", r.status, r.body)
		}
		if l := list("zhengzhou", "").json(t); l["total"] != 0.0 {
			t.Errorf("another unit lists proposals: %v", l)
		}
		first := list("henan", fmt.Sprintf("?campaign=%d&status=received&limit=2", cid)).json(t)
		second := list("henan", fmt.Sprintf("?campaign=%d&status=received&limit=2&cursor=%s", cid, first["next"])).json(t)
		if first["total"] != 3.0 || len(first["items"].([]any)) != 2 || len(second["items"].([]any)) != 1 || second["next"] != "" {
			t.Fatalf("paged list: %v / %v", first, second)
		}
		if l := e.api("GET", "/api/v1/briefings", "henan", "").json(t); l["total"] != 1.0 {
			t.Errorf("office briefings: %v", l)
		}
		if l := e.api("GET", "/api/v1/briefings", "zhengzhou", "").json(t); l["total"] != 0.0 {
			t.Errorf("another unit lists briefings: %v", l)
		}

		// The office's triage: bad input names the field, the proposal waits.
		triage := func(id int64, action, who, body string) response {
			return e.api("POST", fmt.Sprintf("/api/v1/nominations/%d:%s", id, action), who, body)
		}
		for _, bad := range []struct {
			action, body, field string
		}{
			{"merge", fmt.Sprintf(`{"into": %d}`, n1), "into"},
			{"merge", `{"into": 999999}`, "into"},
			{"decline", `{"reason": " "}`, "reason"},
			{"adopt", fmt.Sprintf(`{"lead_unit_id": %d}`, zz), "tier_id"},
			{"adopt", fmt.Sprintf(`{"tier_id": %d, "lead_unit_id": %d, "reason": "x"}`, tier, zz), "reason"},
		} {
			if r := triage(n1, bad.action, "henan", bad.body); !fieldErr(t, r, bad.field) {
				t.Errorf("%s %s: %d %s, want 422 naming %s", bad.action, bad.body, r.status, r.body, bad.field)
			}
		}
		for _, who := range []string{"zhengzhou", "leader", "admin", ""} {
			if r := triage(n1, "decline", who, `{"reason": "越权处理"}`); r.status < 401 || r.status > 404 {
				t.Errorf("decline as %q: %d %s", who, r.status, r.body)
			}
		}
		if n, err := e.m.Store.TrackNomination(e.sys, r1.json(t)["code"].(string)); err != nil || n.Status != shishi.NominationReceived {
			t.Fatalf("after refused triage: %+v %v", n, err)
		}
		if r := triage(n1, "merge", "henan", fmt.Sprintf(`{"into": %d}`, ids[0])); r.status != 200 || r.json(t)["status"] != "merged" {
			t.Fatalf("merge: %d %s", r.status, r.body)
		}
		if r := triage(ids[0], "decline", "henan", `{"reason": "不在本年度范围"}`); r.status != 200 || r.json(t)["reason"] != "不在本年度范围" {
			t.Fatalf("decline: %d %s", r.status, r.body)
		}
		if r := triage(ids[1], "adopt", "henan", fmt.Sprintf(`{"tier_id": %d, "lead_unit_id": %d}`, tier, zz)); r.status != 200 || r.json(t)["item_id"] == nil {
			t.Fatalf("adopt: %d %s", r.status, r.body)
		}
		if r := triage(ids[0], "decline", "henan", `{"reason": "再次处理"}`); r.status != 409 {
			t.Errorf("deciding twice: %d %s, want 409", r.status, r.body)
		}

		// The satisfaction floor.
		floor := fmt.Sprintf("/api/v1/campaigns/%d/rating-floor", cid)
		for _, bad := range []struct{ body, field string }{{`{"floor": 150, "min_count": 5}`, "floor"}, {`{"floor": 80, "min_count": -1}`, "min_count"}, {`{"floor": "八十"}`, "floor"}} {
			if r := e.api("PUT", floor, "henan", bad.body); !fieldErr(t, r, bad.field) {
				t.Errorf("floor %s: %d %s, want 422 naming %s", bad.body, r.status, r.body, bad.field)
			}
		}
		for _, who := range []string{"zhengzhou", "leader", ""} {
			if r := e.api("PUT", floor, who, `{"floor": 10, "min_count": 1}`); r.status < 401 || r.status > 404 {
				t.Errorf("floor as %q: %d %s", who, r.status, r.body)
			}
		}
		if r := e.api("GET", floor, "henan", ""); r.status != 200 || r.json(t)["floor"] != 0.0 {
			t.Fatalf("refused floors were stored: %d %s", r.status, r.body)
		}
		if r := e.api("PUT", floor, "henan", `{"floor": 80, "min_count": 10}`); r.status != 200 {
			t.Fatalf("set floor: %d %s", r.status, r.body)
		}
		if r := e.api("GET", floor, "zhengzhou", ""); r.status != 200 || r.json(t)["floor"] != 80.0 || r.json(t)["min_count"] != 10.0 {
			t.Fatalf("floor read: %d %s", r.status, r.body)
		}
		if r := e.api("GET", floor, "pku", ""); r.status != 404 {
			t.Errorf("floor read out of reach: %d", r.status)
		}

		// Public ratings: not before closure is requested, bad scores
		// name the field, one per address.
		rate := fmt.Sprintf("/api/v1/public/items/%d/ratings", item)
		if r := e.api("POST", rate, "", `{"score": 5}`); r.status != 409 {
			t.Errorf("rating an item in progress: %d %s, want 409", r.status, r.body)
		}
		for _, step := range []struct{ action, login string }{{"start", "henan"}, {"request_closure", "zhengzhou"}} {
			if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:%s", item, step.action), step.login, `{"note": "已完成"}`); r.status != 200 {
				t.Fatalf("%s: %d %s", step.action, r.status, r.body)
			}
		}
		for _, bad := range []struct{ body, field string }{{`{"score": 9}`, "score"}, {`{"score": 5, "comment": "` + strings.Repeat("评", 501) + `"}`, "comment"}, {`{"score": "好"}`, "score"}} {
			if r := e.api("POST", rate, "", bad.body); !fieldErr(t, r, bad.field) {
				t.Errorf("rate %.40s: %d %s, want 422 naming %s", bad.body, r.status, r.body, bad.field)
			}
		}
		count := func() float64 {
			return e.api("GET", rate, "", "").json(t)["ratings"].(map[string]any)["count"].(float64)
		}
		if n := count(); n != 0 {
			t.Fatalf("refused ratings stored: %v", n)
		}
		r1 = e.api("POST", rate, "", `{"score": 4, "comment": "满意"}`, "Idempotency-Key", "rate-1")
		r2 = e.api("POST", rate, "", `{"score": 4, "comment": "满意"}`, "Idempotency-Key", "rate-1")
		if r1.status != 201 || r2.status != 201 || r2.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("idempotent rating: %d %d %s", r1.status, r2.status, r2.body)
		}
		if r := e.api("POST", rate, "", `{"score": 1}`); r.status != 409 {
			t.Errorf("a second rating from the address: %d %s, want 409", r.status, r.body)
		}
		if n := count(); n != 1 {
			t.Fatalf("%v ratings stored, want 1", n)
		}
	})
}

// TestHolderCodesAPI: a holder's codes through the API: a wrong proof is
// not found and makes nothing, a bad validity names "days", and only the
// answer that makes a code shows it whole.
func TestHolderCodesAPI(t *testing.T) {
	t.Setenv("SHISHI_PUBLIC_RATE", "1000")
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		credentialEnv(t, e)
		number := e.issue(t, "李雷", "480")["credential"].(map[string]any)["number"].(string)
		proof := fmt.Sprintf(`"number": %q, "name": "李雷", "id_number": "11010519491231002X"`, number)
		list := func() []any {
			r := e.api("POST", "/api/v1/holder-codes:query", "", `{`+proof+`}`)
			if r.status != 200 {
				t.Fatalf("list: %d %s", r.status, r.body)
			}
			return r.json(t)["items"].([]any)
		}
		for _, bad := range []struct {
			body  string
			want  int
			field string
		}{
			{`{` + proof + `, "days": 0}`, 422, "days"},
			{`{` + proof + `, "days": 400}`, 422, "days"},
			{`{` + proof + `, "days": "七"}`, 422, "days"},
			{`{` + strings.Replace(proof, "李雷", "韩梅梅", 1) + `, "days": 7}`, 404, ""},
			{`{` + strings.Replace(proof, "002X", "0030", 1) + `, "days": 7}`, 404, ""},
		} {
			r := e.api("POST", "/api/v1/holder-codes", "", bad.body)
			if r.status != bad.want || (bad.field != "" && !fieldErr(t, r, bad.field)) {
				t.Errorf("make %s: %d %s, want %d %s", bad.body, r.status, r.body, bad.want, bad.field)
			}
		}
		if l := list(); len(l) != 0 {
			t.Fatalf("refused requests made codes: %v", l)
		}
		r := e.api("POST", "/api/v1/holder-codes", "", `{`+proof+`, "days": 30}`, "Idempotency-Key", "hc-1")
		if r.status != 201 || len(r.json(t)["code"].(string)) != 16 {
			t.Fatalf("make: %d %s", r.status, r.body)
		}
		if r2 := e.api("POST", "/api/v1/holder-codes", "", `{`+proof+`, "days": 30}`, "Idempotency-Key", "hc-1"); r2.status != 201 || r2.json(t)["id"] != r.json(t)["id"] {
			t.Fatalf("retry with the key: %d %s", r2.status, r2.body)
		}
		id := int64(r.json(t)["id"].(float64))
		l := list()
		if len(l) != 1 || strings.Contains(string(e.api("POST", "/api/v1/holder-codes:query", "", `{`+proof+`}`).body), r.json(t)["code"].(string)) {
			t.Fatalf("list shows the whole code or not one code: %v", l)
		}
		if r := e.api("POST", fmt.Sprintf("/api/v1/holder-codes/%d:close", id), "", `{`+strings.Replace(proof, "李雷", "韩梅梅", 1)+`}`); r.status != 404 {
			t.Errorf("close with a wrong proof: %d %s", r.status, r.body)
		}
		if list()[0].(map[string]any)["closed_at"] != nil {
			t.Fatal("a refused close closed the code")
		}
		if r := e.api("POST", fmt.Sprintf("/api/v1/holder-codes/%d:close", id), "", `{`+proof+`}`); r.status != 204 {
			t.Fatalf("close: %d %s", r.status, r.body)
		}
		if list()[0].(map[string]any)["closed_at"] == nil {
			t.Fatal("the code is not closed")
		}
	})
}

// TestPortalWritesThrottled: the public's API writes draw on the same
// per-address bucket as the pages' forms: a proposal on the page and a
// rating through the API use it up, and the next API proposal is 429
// with Retry-After and is not stored.
func TestPortalWritesThrottled(t *testing.T) {
	t.Setenv("SHISHI_PUBLIC_RATE", "3")
	e := start(t, testdb.SQLite(t))
	c := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "限流活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["重点事项"]}`).json(t)
	cid, tier := int64(c["id"].(float64)), int64(c["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "公开事项", "leader_name": "测试", "lead_unit_id": %d, "deadline": "2026-12-31", "public": true}`, tier, e.unitID("ha-zz")))
	item := int64(r.json(t)["id"].(float64))
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%d:approve", item), "henan", `{}`); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	page, err := http.PostForm(e.url+"/nominations", url.Values{"campaign_id": {fmt.Sprint(cid)}, "title": {"页面点单"}, "body": {"希望学校开放图书馆阅览室。"}})
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != 201 {
		t.Fatalf("page proposal: %d", page.StatusCode)
	}
	if r := e.api("POST", fmt.Sprintf("/api/v1/public/items/%d/ratings", item), "", `{"score": 5}`); r.status != 409 {
		t.Fatalf("rating an item in progress: %d %s", r.status, r.body)
	}
	body := fmt.Sprintf(`{"campaign_id": %d, "title": "接口点单", "body": "希望学校开放运动场地。"}`, cid)
	if r := e.api("POST", "/api/v1/public/nominations", "", body); r.status != 201 {
		t.Fatalf("third write: %d %s", r.status, r.body)
	}
	r = e.api("POST", "/api/v1/public/nominations", "", body)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("fourth write: %d %s, want 429 with Retry-After", r.status, r.body)
	}
	ns, err := e.m.Store.FindNominations(e.asUser("henan"))
	if err != nil || len(ns) != 2 {
		t.Fatalf("%d proposals stored (%v), want 2", len(ns), err)
	}
}
