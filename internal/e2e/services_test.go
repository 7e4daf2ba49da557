package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// Online services over HTTP: the contract's endpoints, a research project
// from application to acceptance, and the fixtures of the access matrix.

// researchServiceBody is a research project service owned by Henan:
// formal check, review by n experts, decision, acceptance by m experts.
func researchServiceBody(code string, n, m int) string {
	return fmt.Sprintf(`{"code": %q, "name": "教育科学研究项目申报", "applicants": "units", "owner_unit_id": %%d,
		"fields": [{"key": "summary", "label": "项目摘要", "type": "text", "required": true, "max_length": 500},
			{"key": "budget", "label": "申请经费（万元）", "type": "number", "required": true, "min": 0, "max": 50},
			{"key": "plan", "label": "申报书", "type": "file", "max_items": 1},
			{"key": "members", "label": "课题组成员", "type": "table", "columns": [{"key": "name", "label": "姓名", "type": "text", "required": true}]}],
		"workflow": [{"kind": "check", "role": "office", "days": 5}, {"kind": "review", "role": "office", "days": 10, "reviewers": %d},
			{"kind": "decision", "role": "office", "days": 5}, {"kind": "acceptance", "role": "office", "days": 20, "reviewers": %d}],
		"rubric": [{"key": "quality", "label": "研究质量", "weight": 60, "max": 10}, {"key": "value", "label": "应用价值", "weight": 40, "max": 10}]}`, code, n, m)
}

// expert makes a reviewer account at the unit with code unit.
func expert(t *testing.T, e *env, login, unit string) int64 {
	t.Helper()
	u, err := e.m.Store.CreateUser(e.sys, shishi.UserInput{Login: login, Name: "专家" + login, UnitID: e.unitID(unit), Password: "Correct-Horse-Battery-42",
		Grants: []shishi.Grant{{Role: shishi.RoleReviewer}}})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func poolBody(name string, owner int64, members ...int64) string {
	ms := make([]string, len(members))
	for i, m := range members {
		ms[i] = fmt.Sprintf(`{"user_id": %d}`, m)
	}
	return fmt.Sprintf(`{"owner_unit_id": %d, "name": %q, "members": [%s]}`, owner, name, strings.Join(ms, ", "))
}

// TestServicesEndToEnd (acceptance a, over HTTP on both databases):
// Zhengzhou submits a research project; three experts without a conflict
// score it — the one from 金水区, under the applying unit, is never
// chosen; the office decides on the scores and ranking; an acceptance
// review closes it. Reviewers never see each other's names.
func TestServicesEndToEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ha := e.unitID("ha")
		r := e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(researchServiceBody("research", 3, 1), ha))
		if r.status != 201 {
			t.Fatalf("service: %d %s", r.status, r.body)
		}
		svc := int64(r.json(t)["id"].(float64))
		// The contract: the catalogue is public, each with id, code, name, owner_unit.
		list := e.api("GET", "/api/v1/services", "", "").json(t)["items"].([]any)
		found := false
		for _, x := range list {
			m := x.(map[string]any)
			if m["code"] == "research" {
				found = m["id"].(float64) == float64(svc) && m["name"] == "教育科学研究项目申报" && m["owner_unit"].(map[string]any)["id"].(float64) == float64(ha)
			}
		}
		if !found {
			t.Fatalf("catalogue: %v", list)
		}
		experts := []int64{expert(t, e, "exp-ly", "ha-ly"), expert(t, e, "exp-pku", "pku"), expert(t, e, "exp-nies", "nies"), expert(t, e, "exp-js", "ha-zz-jinshui")}
		pool := e.api("POST", "/api/v1/reviewer-pools", "henan", poolBody("教育科研评审专家库", ha, experts...))
		acc := e.api("POST", "/api/v1/reviewer-pools", "henan", poolBody("验收专家组", ha, expert(t, e, "exp-acc", "moe")))
		if pool.status != 201 || acc.status != 201 {
			t.Fatalf("pools: %d %s / %d %s", pool.status, pool.body, acc.status, acc.body)
		}
		// An invalid submission names every bad field and stores nothing.
		bad := e.api("POST", "/api/v1/applications", "zhengzhou", fmt.Sprintf(`{"service_id": %d, "title": "", "submit": true,
			"answers": {"budget": 99, "members": [{"name": ""}], "color": "red"}}`, svc))
		var prob struct {
			Errors []shishi.FieldError `json:"errors"`
		}
		_ = json.Unmarshal(bad.body, &prob)
		names := map[string]bool{}
		for _, f := range prob.Errors {
			names[f.Field] = true
		}
		for _, f := range []string{"title", "answers.summary", "answers.budget", "answers.members[1].name", "answers.color"} {
			if !names[f] {
				t.Errorf("bad submission: %s not named in %s", f, bad.body)
			}
		}
		if bad.status != 422 || e.api("GET", "/api/v1/applications?mine=true", "zhengzhou", "").json(t)["total"].(float64) != 0 {
			t.Fatalf("bad submission: %d, or something was stored", bad.status)
		}
		up := e.upload("/api/v1/service-files", "zhengzhou", []byte("%PDF-1.4\n%%EOF\n"))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		file, _ := json.Marshal(up.json(t))
		r = e.api("POST", "/api/v1/applications", "zhengzhou", fmt.Sprintf(`{"service_id": %d, "title": "课后服务质量评价研究", "submit": true,
			"answers": {"summary": "研究郑州市课后服务质量评价", "budget": 8, "plan": [%s], "members": [{"name": "王芳"}]}}`, svc, file))
		if r.status != 201 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		app := int64(r.json(t)["id"].(float64))
		step := func(login, action, body string) map[string]any {
			t.Helper()
			r := e.api("POST", fmt.Sprintf("/api/v1/applications/%d:%s", app, action), login, body)
			if r.status != 200 {
				t.Fatalf("%s by %s: %d %s", action, login, r.status, r.body)
			}
			return r.json(t)
		}
		step("henan", "pass", "")
		step("henan", "assign", fmt.Sprintf(`{"pool_id": %v}`, pool.json(t)["id"]))
		rs := e.api("GET", fmt.Sprintf("/api/v1/reviews?application=%d", app), "henan", "").json(t)["items"].([]any)
		if len(rs) != 3 {
			t.Fatalf("%d reviews", len(rs))
		}
		for _, x := range rs {
			if x.(map[string]any)["reviewer"].(map[string]any)["login"] == "exp-js" {
				t.Fatal("the expert from the applying unit's subtree was assigned")
			}
		}
		for i, login := range []string{"exp-ly", "exp-pku", "exp-nies"} {
			mine := e.api("GET", fmt.Sprintf("/api/v1/reviews?application=%d", app), login, "")
			items := mine.json(t)["items"].([]any)
			if len(items) != 1 || strings.Contains(string(mine.body), "exp-") && !strings.Contains(string(mine.body), login) {
				t.Fatalf("%s sees %s", login, mine.body)
			}
			for _, other := range []string{"exp-ly", "exp-pku", "exp-nies"} {
				if other != login && strings.Contains(string(mine.body), other) {
					t.Fatalf("%s sees another reviewer's name: %s", login, mine.body)
				}
			}
			id := int64(items[0].(map[string]any)["id"].(float64))
			sc := e.api("POST", fmt.Sprintf("/api/v1/reviews/%d:score", id), login, fmt.Sprintf(`{"scores": {"quality": %d, "value": 8}, "comment": "可行"}`, 7+i))
			if sc.status != 200 {
				t.Fatalf("score: %d %s", sc.status, sc.body)
			}
		}
		got := e.api("GET", fmt.Sprintf("/api/v1/applications/%d", app), "henan", "").json(t)
		score := got["score"].(map[string]any)
		if got["status"] != "decision" || score["scored"].(float64) != 3 || score["trimmed_mean"].(float64) != 80 || score["rank"].(float64) != 1 {
			t.Fatalf("decision sees %v %v", got["status"], score)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/services/%d/ranking", svc), "henan", ""); r.status != 200 || len(r.json(t)["items"].([]any)) != 1 {
			t.Fatalf("ranking: %d %s", r.status, r.body)
		}
		step("henan", "approve", `{"note": "同意立项"}`)
		step("henan", "assign", fmt.Sprintf(`{"pool_id": %v}`, acc.json(t)["id"]))
		ar := e.api("GET", "/api/v1/reviews?mine=true&open=true", "exp-acc", "").json(t)["items"].([]any)
		if len(ar) != 1 {
			t.Fatalf("acceptance workbench: %v", ar)
		}
		e.api("POST", fmt.Sprintf("/api/v1/reviews/%v:score", ar[0].(map[string]any)["id"]), "exp-acc", `{"scores": {"quality": 9, "value": 9}}`)
		if got := step("henan", "accept", `{"note": "通过验收"}`); got["status"] != "closed" {
			t.Fatalf("after acceptance: %v", got["status"])
		}
		hist := e.api("GET", fmt.Sprintf("/api/v1/applications/%d/history", app), "zhengzhou", "").json(t)["items"].([]any)
		if len(hist) != 7 {
			t.Fatalf("history: %v", hist)
		}
		// The export carries the scores.
		x := e.api("GET", fmt.Sprintf("/api/v1/applications.xlsx?service=%d", svc), "henan", "")
		f, err := excelize.OpenReader(strings.NewReader(string(x.body)))
		if err != nil {
			t.Fatalf("xlsx: %v", err)
		}
		rows, _ := f.GetRows("申报")
		if len(rows) < 3 || !strings.Contains(strings.Join(rows[2], "|"), "课后服务质量评价研究") || !strings.Contains(strings.Join(rows[2], "|"), "80") {
			t.Fatalf("xlsx rows: %v", rows)
		}
	})
}

// serviceSharedFixtures: a research service of Henan's with one expert
// (the demo reviewer) at each of review and acceptance.
func serviceSharedFixtures(t *testing.T, e *env, ids map[string]string) {
	t.Helper()
	r := e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(researchServiceBody("acc-research", 1, 1), e.unitID("ha")))
	if r.status != 201 {
		t.Fatalf("service: %d %s", r.status, r.body)
	}
	ids["services"] = fmt.Sprint(r.json(t)["id"])
	ids["expert"] = fmt.Sprint(mustUser(t, e, "reviewer"))
	p := e.api("POST", "/api/v1/reviewer-pools", "henan", poolBody("访问矩阵专家库", e.unitID("ha"), mustUser(t, e, "reviewer")))
	if p.status != 201 {
		t.Fatalf("pool: %d %s", p.status, p.body)
	}
	ids["pool"] = fmt.Sprint(p.json(t)["id"])
}

// serviceFixtures: Zhengzhou's submitted application (at the formal
// check) and another one in review, assigned to the demo reviewer.
func serviceFixtures(t *testing.T, e *env, ids map[string]string) {
	t.Helper()
	up := e.upload("/api/v1/service-files", "zhengzhou", []byte("%PDF-1.4\n%%EOF\n"))
	if up.status != 201 {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	file, _ := json.Marshal(up.json(t))
	ids["sha256"] = fmt.Sprint(up.json(t)["sha256"])
	submit := func() string {
		r := e.api("POST", "/api/v1/applications", "zhengzhou", `{"service_id": `+ids["services"]+`, "title": "访问矩阵申报", "submit": true,
			"answers": {"summary": "访问矩阵", "budget": 1, "plan": [`+string(file)+`], "members": [{"name": "矩阵"}]}}`)
		if r.status != 201 {
			t.Fatalf("application: %d %s", r.status, r.body)
		}
		return fmt.Sprint(r.json(t)["id"])
	}
	ids["applications"] = submit()
	rev := submit()
	for _, a := range []string{"pass", "assign"} {
		if r := e.api("POST", "/api/v1/applications/"+rev+":"+a, "henan", `{"pool_id": `+ids["pool"]+`}`); r.status != 200 {
			t.Fatalf("%s: %d %s", a, r.status, r.body)
		}
	}
	rs := e.api("GET", "/api/v1/reviews?application="+rev, "henan", "").json(t)["items"].([]any)
	ids["reviews"] = fmt.Sprint(rs[0].(map[string]any)["id"])
}

// serviceOps calls every online-services operation once, for
// TestEveryOperationCalled: a service, a pool, a draft saved, submitted,
// returned and resubmitted, reviewed, decided, accepted; a second draft
// withdrawn, a third rejected at the check.
func serviceOps(t *testing.T, e *env, call func(id, login, query, body string, want int, params ...any) response) {
	t.Helper()
	ha := e.unitID("ha")
	num := func(r response) int64 { v, _ := r.json(t)["id"].(float64); return int64(v) }
	svc := num(call("createService", "henan", "", fmt.Sprintf(researchServiceBody("api-research", 1, 1), ha), 201))
	call("listServices", "", "?applicants=units", "", 200)
	call("getService", "", "", "", 200, svc)
	call("getServiceForm", "", "?version=1", "", 200, svc)
	pool := num(call("createReviewerPool", "henan", "", poolBody("接口测试专家库", ha, mustUser(t, e, "reviewer")), 201))
	call("listReviewerPools", "henan", "", "", 200)
	file := call("uploadServiceFile", "zhengzhou", "", "@file:%PDF-1.4\n%%EOF\n", 201)
	fb, _ := json.Marshal(file.json(t))
	app := num(call("createApplication", "zhengzhou", "", fmt.Sprintf(`{"service_id": %d, "title": "接口测试申报", "answers": {"summary": "草稿"}}`, svc), 201))
	call("updateApplication", "zhengzhou", "", fmt.Sprintf(`{"answers": {"summary": "接口测试", "budget": 3, "plan": [%s], "members": [{"name": "王芳"}]}}`, fb), 200, app)
	call("application_submit", "zhengzhou", "", "", 200, app)
	call("application_return", "henan", "", `{"note": "请补充经费说明"}`, 200, app)
	if r := e.api("POST", fmt.Sprintf("/api/v1/applications/%d:submit", app), "zhengzhou", ""); r.status != 200 {
		t.Fatalf("resubmit: %d %s", r.status, r.body)
	}
	call("application_pass", "henan", "", "", 200, app)
	call("application_assign", "henan", "", fmt.Sprintf(`{"pool_id": %d}`, pool), 200, app)
	rv := call("listReviews", "reviewer", "?mine=true&open=true", "", 200).json(t)["items"].([]any)
	call("scoreReview", "reviewer", "", `{"scores": {"quality": 8, "value": 7}}`, 200, rv[len(rv)-1].(map[string]any)["id"])
	call("serviceRanking", "henan", "", "", 200, svc)
	call("application_approve", "henan", "", `{"note": "立项"}`, 200, app)
	if r := e.api("POST", fmt.Sprintf("/api/v1/applications/%d:assign", app), "henan", fmt.Sprintf(`{"pool_id": %d}`, pool)); r.status != 200 {
		t.Fatalf("assign acceptance: %d %s", r.status, r.body)
	}
	rv = e.api("GET", "/api/v1/reviews?mine=true&open=true", "reviewer", "").json(t)["items"].([]any)
	e.api("POST", fmt.Sprintf("/api/v1/reviews/%v:score", rv[len(rv)-1].(map[string]any)["id"]), "reviewer", `{"scores": {"quality": 9, "value": 9}}`)
	call("application_accept", "henan", "", `{"note": "通过验收"}`, 200, app)
	call("getApplication", "zhengzhou", "", "", 200, app)
	call("applicationVersions", "zhengzhou", "", "", 200, app)
	call("applicationHistory", "zhengzhou", "", "", 200, app)
	call("getApplicationFile", "henan", "", "", 200, app, file.json(t)["sha256"])
	if r := e.api("GET", fmt.Sprintf("/api/v1/applications/%d/files/%s", app, strings.Repeat("0", 64)), "henan", ""); r.status != 404 {
		t.Errorf("a hash the application does not name: %d", r.status)
	}
	call("listApplications", "henan", fmt.Sprintf("?service=%d&status=closed", svc), "", 200)
	call("exportApplications", "henan", fmt.Sprintf("?service=%d", svc), "", 200)
	call("serviceOverview", "henan", "", "", 200)
	d := num(call("createApplication", "zhengzhou", "", fmt.Sprintf(`{"service_id": %d, "title": "撤回测试"}`, svc), 201))
	call("application_withdraw", "zhengzhou", "", "", 200, d)
	bad := num(e.api("POST", "/api/v1/applications", "zhengzhou", fmt.Sprintf(`{"service_id": %d, "title": "不予受理", "submit": true,
		"answers": {"summary": "x", "budget": 1, "members": [{"name": "甲"}]}}`, svc)))
	call("application_reject", "henan", "", `{"note": "不符合申报条件"}`, 200, bad)
	// Delivery: a mailed service (学历认证) of Henan's.
	mail := num(call("createService", "henan", "", fmt.Sprintf(`{"code": "api-degree", "name": "学历认证", "applicants": "public", "owner_unit_id": %d,
		"fields": [{"key": "address", "label": "邮寄地址", "type": "text", "required": true}],
		"workflow": [{"kind": "check", "role": "office", "days": 3}, {"kind": "delivery", "role": "office", "days": 5}]}`, ha), 201))
	m := num(e.api("POST", "/api/v1/applications", "pku", fmt.Sprintf(`{"service_id": %d, "title": "学历认证", "submit": true, "answers": {"address": "北京市海淀区颐和园路5号"}}`, mail)))
	e.api("POST", fmt.Sprintf("/api/v1/applications/%d:pass", m), "henan", "")
	call("application_deliver", "henan", "", `{"method": "mail", "carrier": "EMS", "tracking": "1180512345678"}`, 200, m)
	// A public account: signed up, verified with the code from its notice.
	call("signUp", "", "", `{"email": "api.grad@example.com", "name": "接口毕业生", "password": "Graduate-2026!"}`, 202)
	call("resendVerification", "", "", `{"email": "api.grad@example.com"}`, 202)
	code := publicCode(t, e, "api.grad@example.com")
	call("verifyEmail", "", "", `{"email": "api.grad@example.com", "code": "`+code+`"}`, 200)
	call("changeServiceForm", "henan", "", `{"fields": [{"key": "address", "label": "邮寄地址", "type": "text", "required": true}, {"key": "phone", "label": "联系电话", "type": "text"}]}`, 200, mail)
}

// TestServiceFormChangeOverHTTP (acceptance c): after the form changes,
// an application submitted under version 1 still reads, carries version
// 1, and its form version is still served.
func TestServiceFormChangeOverHTTP(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	ha := e.unitID("ha")
	svc := int64(e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(researchServiceBody("research", 1, 1), ha)).json(t)["id"].(float64))
	r := e.api("POST", "/api/v1/applications", "zhengzhou", fmt.Sprintf(`{"service_id": %d, "title": "旧表单", "submit": true,
		"answers": {"summary": "旧", "budget": 1, "members": [{"name": "甲"}]}}`, svc))
	app := int64(r.json(t)["id"].(float64))
	ch := e.api("PUT", fmt.Sprintf("/api/v1/services/%d/form", svc), "henan", `{"fields": [{"key": "title2", "label": "新字段", "type": "text", "required": true}]}`)
	if ch.status != 200 || ch.json(t)["form"].(map[string]any)["version"].(float64) != 2 {
		t.Fatalf("change: %d %s", ch.status, ch.body)
	}
	got := e.api("GET", fmt.Sprintf("/api/v1/applications/%d", app), "henan", "").json(t)
	if got["form_version"].(float64) != 1 || got["answers"].(map[string]any)["summary"] != "旧" {
		t.Fatalf("old application: %v", got)
	}
	f := e.api("GET", fmt.Sprintf("/api/v1/services/%d/form?version=1", svc), "", "").json(t)
	if len(f["fields"].([]any)) != 4 {
		t.Fatalf("form v1: %v", f)
	}
	if r := e.api("POST", fmt.Sprintf("/api/v1/applications/%d:pass", app), "henan", ""); r.status != 200 {
		t.Fatalf("the old application moves on: %d %s", r.status, r.body)
	}
}

// TestServicePages: the pages in a browser's shoes — the catalogue, the
// form with each fault beside its field (and nothing stored), the status
// page with the office's actions, the reviewer's workbench, the office
// overview with its export, and the public catalogue and case gallery.
func TestServicePages(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	ha := e.unitID("ha")
	svc := int64(e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(researchServiceBody("research", 1, 1), ha)).json(t)["id"].(float64))
	pool := e.api("POST", "/api/v1/reviewer-pools", "henan", poolBody("专家库", ha, mustUser(t, e, "reviewer"))).json(t)["id"]
	zz := e.login("zhengzhou")
	if r := zz.get("/app/services"); r.status != 200 || !strings.Contains(string(r.body), "教育科学研究项目申报") {
		t.Fatalf("catalogue: %d", r.status)
	}
	apply := fmt.Sprintf("/app/services/%d/apply", svc)
	tok := zz.csrf(apply)
	bad := zz.post(apply, url.Values{"_csrf": {tok}, "title": {"页面申报"}, "a.summary": {""}, "a.budget": {"很多"}, "a.members.rows": {"2"},
		"a.members.1.name": {""}, "submit": {"1"}})
	doc := bad.doc(t)
	if bad.status != 422 || doc.Find("#field-summary .field-err").Length() != 1 || doc.Find("#field-budget .field-err").Length() != 1 {
		t.Fatalf("bad form: %d %s", bad.status, doc.Find(".field-err").Text())
	}
	if doc.Find(`input[name="a.budget"]`).AttrOr("value", "") != "很多" {
		t.Error("the form did not keep what was typed")
	}
	if n := e.api("GET", "/api/v1/applications?mine=true", "zhengzhou", "").json(t)["total"].(float64); n != 0 {
		t.Fatalf("a refused form stored %v applications", n)
	}
	ok := zz.post(apply, url.Values{"_csrf": {tok}, "title": {"页面申报"}, "a.summary": {"课后服务研究"}, "a.budget": {"6"}, "a.members.rows": {"3"},
		"a.members.1.name": {"王芳"}, "submit": {"1"}})
	loc := ok.header.Get("Location")
	if ok.status != 303 || !strings.HasPrefix(loc, "/app/applications/") {
		t.Fatalf("apply: %d %s", ok.status, ok.body)
	}
	page := strings.TrimSuffix(loc, "?saved=1")
	if r := zz.get(loc); r.status != 200 || r.doc(t).Find("#app-status").Text() == "" || !strings.Contains(string(r.body), "王芳") {
		t.Fatalf("status page: %d", r.status)
	}
	hn := e.login("henan")
	htok := hn.csrf(page)
	for _, a := range []url.Values{{"action": {"pass"}}, {"action": {"assign"}, "pool_id": {fmt.Sprint(pool)}}} {
		a.Set("_csrf", htok)
		if r := hn.post(page, a); r.status != 303 {
			t.Fatalf("%s: %d %s", a.Get("action"), r.status, r.body)
		}
	}
	rv := e.login("reviewer")
	wb := rv.get("/app/reviews")
	form := wb.doc(t).Find("form[action^='/app/reviews/']")
	action, _ := form.Attr("action")
	if wb.status != 200 || action == "" || form.Find(`input[name="s.quality"]`).Length() != 1 {
		t.Fatalf("workbench: %d", wb.status)
	}
	rtok := rv.csrf("/app/reviews")
	if r := rv.post(action, url.Values{"_csrf": {rtok}, "s.quality": {"abc"}, "s.value": {"8"}}); r.status != 422 {
		t.Fatalf("bad score: %d", r.status)
	}
	if r := rv.post(action, url.Values{"_csrf": {rtok}, "s.quality": {"9"}, "s.value": {"8"}, "comment": {"好"}}); r.status != 303 {
		t.Fatalf("score: %d %s", r.status, r.body)
	}
	if r := hn.get(page); !strings.Contains(r.doc(t).Find("#scores").Text(), "86") {
		t.Fatalf("the decision does not see the score: %s", r.doc(t).Find("#scores").Text())
	}
	if r := hn.get("/app/services/overview"); r.status != 200 || r.doc(t).Find("#overview tbody tr").Length() != 1 {
		t.Fatalf("overview: %d", r.status)
	}
	if r := hn.get("/app/services/export.xlsx"); r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d", r.status)
	}
	anon := e.browser()
	for _, p := range []string{"/services", "/cases"} {
		if r := anon.get(p); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	if r := anon.get("/"); !strings.Contains(string(r.body), `href="/cases"`) {
		t.Fatal("the portal does not link the case gallery")
	}
	// A person signs up, verifies the e-mail and applies for a public service.
	if r := anon.post("/signup", url.Values{"email": {"bad"}, "name": {""}, "password": {"x"}}); r.status != 422 || r.doc(t).Find(".field-err").Length() != 3 {
		t.Fatalf("bad sign-up: %d", r.status)
	}
	if r := anon.post("/signup", url.Values{"email": {"wang.fang@example.com"}, "name": {"王芳"}, "password": {"Graduate-2026!"}}); r.status != 202 {
		t.Fatalf("sign-up: %d %s", r.status, r.body)
	}
	// The mailed link fills in the form and verifies nothing (a mail
	// client's preview follows it); the POST verifies.
	link := publicLink(t, e, "wang.fang@example.com")
	lu, _ := url.Parse(link)
	if r := anon.get(link); r.status != 200 || r.doc(t).Find(`#verify-form input[name=code]`).AttrOr("value", "") != lu.Query().Get("code") ||
		r.doc(t).Find(`#verify-form input[name=email]`).AttrOr("value", "") != "wang.fang@example.com" {
		t.Fatalf("the link's page: %d", r.status)
	}
	if r := anon.post("/signup/verify", url.Values{"email": {"wang.fang@example.com"}, "code": {"0000000000000000"}}); r.status != 422 {
		t.Fatalf("a wrong code: %d", r.status)
	}
	if r := anon.post("/signup/verify", url.Values{"email": {"wang.fang@example.com"}, "code": {publicCode(t, e, "wang.fang@example.com")}}); r.status != 200 || !strings.Contains(string(r.body), "邮箱已验证") {
		t.Fatalf("verify: %d", r.status)
	}
	pub := e.browser()
	if r := pub.post("/login", url.Values{"login": {"wang.fang@example.com"}, "password": {"Graduate-2026!"}}); r.status != 303 || r.header.Get("Location") != "/app" {
		t.Fatalf("sign in with the e-mail: %d %s", r.status, r.header.Get("Location"))
	}
	deg := int64(e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(`{"code": "degree", "name": "学历认证", "applicants": "public", "owner_unit_id": %d,
		"fields": [{"key": "address", "label": "邮寄地址", "type": "text", "required": true}], "workflow": [{"kind": "check", "role": "office", "days": 3}]}`, ha)).json(t)["id"].(float64))
	ptok := pub.csrf(fmt.Sprintf("/app/services/%d/apply", deg))
	if r := pub.post(fmt.Sprintf("/app/services/%d/apply", deg), url.Values{"_csrf": {ptok}, "title": {"学历认证"}, "a.address": {"郑州市金水路1号"}, "submit": {"1"}}); r.status != 303 {
		t.Fatalf("a verified person applies: %d %s", r.status, r.body)
	}
}

// publicLink reads the verification link a public account was last sent,
// as the mail worker renders it (the notice keeps it sealed).
func publicLink(t *testing.T, e *env, email string) string {
	t.Helper()
	var id int64
	if err := e.m.Store.SQL().QueryRow(`SELECT n.id FROM notices n JOIN public_accounts p ON p.user_id = n.user_id
		WHERE p.email = $1 AND n.kind = 'verify' ORDER BY n.id DESC LIMIT 1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	m, err := e.m.Store.PrepareMail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Path
}

// publicCode is the code in that link.
func publicCode(t *testing.T, e *env, email string) string {
	t.Helper()
	u, err := url.Parse(publicLink(t, e, email))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("code")
}
