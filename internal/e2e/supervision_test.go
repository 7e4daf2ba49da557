package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// form posts a multipart form with text fields and one file in "file".
func (e *env) form(path, login string, fields map[string]string, name string, file []byte) response {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.token(login))
	return do(e.t, http.DefaultClient, req)
}

// member adds a user with no role at all, from a university: what a
// group's outside member looks like.
func (e *env) member(login, name, unit string) int64 {
	e.t.Helper()
	u, err := e.m.Store.CreateUser(e.sys, shishi.UserInput{Login: login, Name: name, UnitID: e.unitID(unit), Password: "Correct-Horse-42"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func id(t *testing.T, r response) int64 {
	t.Helper()
	v, ok := r.json(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id (%d): %s", r.status, r.body)
	}
	return int64(v)
}

// TestSupervisionAPI: the ministry's office forms an inspection group on
// the 五项管理 with a professor from Beijing Normal University as leader;
// the professor sees exactly the provinces the group covers; a visit is
// recorded with a file, a finding raised from it goes through the unit's
// plan, progress with evidence, a returned and a granted sign-off; wrong
// steps and wrong people get clear errors; the lists filter by the
// contract's parameters; the report comes as JSON and .xlsx.
func TestSupervisionAPI(t *testing.T) { eachDB(t, supervisionAPI) }

func supervisionAPI(t *testing.T, e *env) {
	prof := e.member("bnu-prof", "北师大 王教授", "bnu")
	sup, _ := e.m.Store.FindUserByLogin(e.sys, "supervisor")
	body := fmt.Sprintf(`{"kind": "inspection", "name": "五项管理第九督查组", "theme": "五项管理", "owner_unit_id": %d, "leader_id": %d, "member_ids": [%d], "unit_ids": [%d, %d]}`,
		e.unitID("moe"), prof, sup.ID, e.unitID("ha"), e.unitID("he"))
	r1 := e.api("POST", "/api/v1/groups", "office", body, "Idempotency-Key", "group-9")
	r2 := e.api("POST", "/api/v1/groups", "office", body, "Idempotency-Key", "group-9")
	if r1.status != 201 || r2.header.Get("Idempotent-Replayed") != "true" || id(t, r1) != id(t, r2) {
		t.Fatalf("create group: %d %s / %v", r1.status, r1.body, r2.header)
	}
	gid := id(t, r1)
	problem(shishi.EINVALID, "kind")(t, e.api("POST", "/api/v1/groups", "office", strings.Replace(body, "inspection", "committee", 1)))
	problem(shishi.EFORBIDDEN, "")(t, e.api("POST", "/api/v1/groups", "zhengzhou", body))
	// The contract's list form.
	l := e.api("GET", "/api/v1/groups?kind=inspection", "office", "").json(t)
	g0 := l["items"].([]any)[0].(map[string]any)
	if l["total"] != 1.0 || g0["id"] != float64(gid) || g0["kind"] != "inspection" || g0["name"] != "五项管理第九督查组" || g0["unit_count"] != 2.0 {
		t.Fatalf("groups: %v", l)
	}
	if l := e.api("GET", "/api/v1/groups?kind=guidance", "office", "").json(t); l["total"] != 0.0 {
		t.Fatalf("guidance groups: %v", l)
	}
	problem(shishi.EINVALID, "kind")(t, e.api("GET", "/api/v1/groups?kind=committee", "office", ""))
	// The office adds a member, with If-Match: a stale ETag is refused.
	g := e.api("GET", fmt.Sprintf("/api/v1/groups/%d", gid), "office", "")
	tag := g.header.Get("ETag")
	patch := fmt.Sprintf(`{"member_ids": [%d, %d, %d]}`, prof, sup.ID, e.member("nju-expert", "南大 李专家", "nju"))
	if r := e.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", gid), "office", patch, "If-Match", tag); r.status != 200 || len(r.json(t)["members"].([]any)) != 3 {
		t.Fatalf("patch group: %d %s", r.status, r.body)
	}
	problem(shishi.EPRECONDITION, "")(t, e.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", gid), "office", `{"name": "改名"}`, "If-Match", tag))
	problem(shishi.EFORBIDDEN, "")(t, e.api("PATCH", fmt.Sprintf("/api/v1/groups/%d", gid), "bnu-prof", `{"name": "改名"}`))
	// The professor sees the two provinces' subtrees and nothing else.
	_, nHA, _ := e.m.Store.FindUnits(e.sys, shishi.UnitFilter{Under: ptr(e.unitID("ha")), Limit: 1})
	_, nHE, _ := e.m.Store.FindUnits(e.sys, shishi.UnitFilter{Under: ptr(e.unitID("he")), Limit: 1})
	if u := e.api("GET", "/api/v1/units?limit=500", "bnu-prof", "").json(t); u["total"] != float64(nHA+nHE) {
		t.Fatalf("the professor sees %v units, want %d", u["total"], nHA+nHE)
	}
	for _, code := range []string{"bnu", "pku", "bj", "moe"} {
		if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", e.unitID(code)), "bnu-prof", ""); r.status != 404 {
			t.Errorf("the professor reads %s: %d", code, r.status)
		}
	}
	if r := e.api("GET", fmt.Sprintf("/api/v1/units/%d", e.unitID("ha-zz")), "bnu-prof", ""); r.status != 200 {
		t.Errorf("the professor reads Zhengzhou: %d", r.status)
	}
	// A visit, planned then recorded with a file.
	zz := e.unitID("ha-zz")
	problem(shishi.EINVALID, "unit_id")(t, e.api("POST", "/api/v1/visits", "bnu-prof", fmt.Sprintf(`{"group_id": %d, "unit_id": %d, "planned_on": "2026-03-02"}`, gid, e.unitID("pku"))))
	r := e.api("POST", "/api/v1/visits", "bnu-prof", fmt.Sprintf(`{"group_id": %d, "unit_id": %d, "planned_on": "2026-03-02"}`, gid, zz), "Idempotency-Key", "visit-1")
	if r.status != 201 || r.json(t)["status"] != "planned" {
		t.Fatalf("plan visit: %d %s", r.status, r.body)
	}
	vid := id(t, r)
	r = e.form(fmt.Sprintf("/api/v1/visits/%d:record", vid), "bnu-prof", map[string]string{"visited_on": "2026-03-02", "participants": "王教授、张强", "record": "抽查郑州市 3 所初中手机、睡眠、读物、作业、体质管理"},
		"记录.txt", []byte("座谈记录：作业公示制度未建立。\n"))
	if r.status != 200 || r.json(t)["status"] != "done" || len(r.json(t)["files"].([]any)) != 1 {
		t.Fatalf("record visit: %d %s", r.status, r.body)
	}
	problem(shishi.ECONFLICT, "")(t, e.api("POST", fmt.Sprintf("/api/v1/visits/%d:record", vid), "bnu-prof", `{"visited_on": "2026-03-02", "participants": "x", "record": "again"}`))
	// A finding from the visit.
	problem(shishi.EINVALID, "days")(t, e.api("POST", "/api/v1/findings", "bnu-prof", fmt.Sprintf(`{"visit_id": %d, "severity": "major", "description": "作业公示制度未建立", "days": 0}`, vid)))
	r = e.api("POST", "/api/v1/findings", "bnu-prof", fmt.Sprintf(`{"visit_id": %d, "severity": "major", "description": "作业公示制度未建立", "days": 10}`, vid), "Idempotency-Key", "finding-1")
	if r.status != 201 {
		t.Fatalf("raise: %d %s", r.status, r.body)
	}
	fid := id(t, r)
	f := r.json(t)
	if f["status"] != "raised" || f["colour"] != "green" || f["deadline"] == "" || f["unit"].(map[string]any)["id"] != float64(zz) {
		t.Fatalf("finding: %v", f)
	}
	act := func(login, action, note string) response {
		return e.api("POST", fmt.Sprintf("/api/v1/findings/%d:%s", fid, action), login, fmt.Sprintf(`{"note": %q}`, note))
	}
	problem(shishi.ECONFLICT, "")(t, act("zhengzhou", "request_signoff", "已整改"))
	problem(shishi.EINVALID, "note")(t, act("zhengzhou", "plan", ""))
	problem(shishi.EFORBIDDEN, "")(t, act("bnu-prof", "plan", "组里代写"))
	problem(shishi.ENOTFOUND, "")(t, act("pku", "plan", "外单位"))
	problem(shishi.ENOTFOUND, "")(t, act("zhengzhou", "approve", "x"))
	if r := act("zhengzhou", "plan", "建立作业公示制度，每周抽查"); r.status != 200 || r.json(t)["status"] != "rectifying" {
		t.Fatalf("plan: %d %s", r.status, r.body)
	}
	r = e.form(fmt.Sprintf("/api/v1/findings/%d:progress", fid), "zhengzhou", map[string]string{"note": "3 所学校已公示作业"}, "公示.txt", []byte("作业公示截图说明\n"))
	if r.status != 200 {
		t.Fatalf("progress with a file: %d %s", r.status, r.body)
	}
	for _, step := range [][3]string{{"zhengzhou", "request_signoff", "整改完成"}, {"bnu-prof", "return", "缺少第二所学校的佐证"}, {"zhengzhou", "request_signoff", "已补充"}} {
		if r := act(step[0], step[1], step[2]); r.status != 200 {
			t.Fatalf("%s: %d %s", step[1], r.status, r.body)
		}
	}
	problem(shishi.EFORBIDDEN, "")(t, act("zhengzhou", "sign_off", ""))
	if r := act("bnu-prof", "sign_off", ""); r.status != 200 || r.json(t)["status"] != "signed_off" || r.json(t)["colour"] != "" {
		t.Fatalf("sign off: %d %s", r.status, r.body)
	}
	// The contract's filters.
	for q, want := range map[string]float64{"status=signed_off": 1, "colour=green": 0, "colour=red": 0, "status=raised": 0, fmt.Sprintf("unit=%d", e.unitID("ha")): 1} {
		l := e.api("GET", fmt.Sprintf("/api/v1/findings?group=%d&%s", gid, q), "bnu-prof", "").json(t)
		if l["total"] != want {
			t.Errorf("findings?%s: %v, want %v", q, l["total"], want)
		}
		for _, it := range l["items"].([]any) {
			m := it.(map[string]any)
			if m["id"] == nil || m["status"] == nil || m["colour"] == nil || m["deadline"] == nil {
				t.Errorf("finding lacks a contract field: %v", m)
			}
		}
	}
	problem(shishi.EINVALID, "colour")(t, e.api("GET", "/api/v1/findings?colour=purple", "bnu-prof", ""))
	if l := e.api("GET", "/api/v1/findings", "pku", "").json(t); l["total"] != 0.0 {
		t.Fatalf("an outsider lists findings: %v", l)
	}
	h := e.api("GET", fmt.Sprintf("/api/v1/findings/%d/history", fid), "zhengzhou", "").json(t)
	if h["total"] != 7.0 {
		t.Fatalf("history: %v", h)
	}
	file := h["items"].([]any)[2].(map[string]any)["files"].([]any)[0].(map[string]any)
	if r := e.api("GET", fmt.Sprintf("/api/v1/attachments/%v", file["id"]), "zhengzhou", ""); r.status != 200 || !strings.Contains(string(r.body), "作业公示") {
		t.Fatalf("download: %d", r.status)
	}
	if r := e.api("GET", fmt.Sprintf("/api/v1/attachments/%v", file["id"]), "pku", ""); r.status != 404 {
		t.Fatalf("outsider downloads: %d", r.status)
	}
	// The report, as JSON and as a spreadsheet.
	today := string(e.m.Store.Today())
	rep := e.api("GET", fmt.Sprintf("/api/v1/groups/%d/report?from=2026-01-01&to=%s", gid, today), "office", "").json(t)
	if tot := rep["total"].(map[string]any); tot["findings"] != 1.0 || tot["signed_off"] != 1.0 || len(rep["units"].([]any)) != 2 {
		t.Fatalf("report: %v", rep["total"])
	}
	problem(shishi.EINVALID, "to")(t, e.api("GET", fmt.Sprintf("/api/v1/groups/%d/report?from=2026-05-01&to=2026-01-01", gid), "office", ""))
	x := e.api("GET", fmt.Sprintf("/api/v1/groups/%d/report.xlsx?from=2026-01-01&to=%s", gid, today), "office", "")
	wb, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatalf("report.xlsx: %d %v", x.status, err)
	}
	if rows, _ := wb.GetRows("问题清单"); len(rows) != 2 || rows[1][3] != "作业公示制度未建立" {
		t.Fatalf("report.xlsx findings: %v", rows)
	}
	// Every operation is in the OpenAPI document.
	doc := string(e.api("GET", "/api/openapi.json", "", "").body)
	for _, p := range []string{`"/api/v1/groups"`, `"/api/v1/findings"`, `"/api/v1/findings/{id}:sign_off"`, `"/api/v1/visits/{id}:record"`, `"/api/v1/groups/{id}/report.xlsx"`} {
		if !strings.Contains(doc, p) {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

func ptr(n int64) *int64 { return &n }

// TestSupervisionPages: the office forms a group on the board's form, a
// member records a visit and raises a finding from the group page, the
// unit plans on the finding page; bad input comes back to the form with
// the field named and stores nothing; a step out of turn is refused.
func TestSupervisionPages(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	office := e.login("office")
	tok := office.csrf("/app/supervision")
	bad := office.post("/app/supervision/groups", url.Values{"_csrf": {tok}, "kind": {"inspection"}, "name": {"页面督查组"}, "leader": {"inspector"}, "units": {"ha-zz nosuch"}})
	if bad.status != 422 || !strings.Contains(bad.doc(t).Find("#create .field-err").Text(), "nosuch") {
		t.Fatalf("bad group form: %d", bad.status)
	}
	if l := e.api("GET", "/api/v1/groups", "office", "").json(t); l["total"] != 0.0 {
		t.Fatalf("a refused form stored a group: %v", l)
	}
	r := office.post("/app/supervision/groups", url.Values{"_csrf": {tok}, "kind": {"inspection"}, "name": {"页面督查组"}, "theme": {"五项管理"}, "leader": {"inspector"}, "members": {"supervisor"}, "units": {"ha-zz"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/app/supervision/groups/") {
		t.Fatalf("group form: %d %s", r.status, r.body)
	}
	group := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	// The office adds Luoyang on the group page; a form left open meanwhile is stale.
	edit := url.Values{"_csrf": {tok}, "action": {"edit"}, "version": {"1"}, "name": {"页面督查组"}, "theme": {"五项管理"}, "leader": {"inspector"},
		"members": {"inspector supervisor"}, "units": {"ha-zz ha-ly"}}
	if d := office.get(group).doc(t); d.Find(`#edit-form input[name=units]`).AttrOr("value", "") != "ha-zz" {
		t.Fatalf("edit form units: %q", d.Find(`#edit-form input[name=units]`).AttrOr("value", ""))
	}
	if r := office.post(group, edit); r.status != 303 {
		t.Fatalf("edit form: %d %s", r.status, r.body)
	}
	if g := e.api("GET", "/api/v1/groups/"+strings.TrimPrefix(group, "/app/supervision/groups/"), "office", "").json(t); g["unit_count"] != 2.0 {
		t.Fatalf("after the edit: %v units", g["unit_count"])
	}
	if r := office.post(group, edit); r.status != 412 || !strings.Contains(r.doc(t).Find(".flash.err").Text(), "刷新") {
		t.Fatalf("stale edit form: %d", r.status)
	}
	insp := e.login("inspector")
	tok = insp.csrf(group)
	r = insp.post(group, url.Values{"_csrf": {tok}, "action": {"visit"}, "unit_id": {itoa(e.unitID("ha-zz"))}, "planned_on": {"2026-03-02"}, "participants": {"何平"}, "record": {"座谈并抽查作业"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/app/supervision/visits/") {
		t.Fatalf("visit form: %d %s", r.status, r.body)
	}
	visit := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	if d := insp.get(visit).doc(t); !strings.Contains(d.Find("#visit").Text(), "座谈并抽查作业") {
		t.Fatal("the visit page lacks its record")
	}
	r = insp.post(visit, url.Values{"_csrf": {tok}, "action": {"finding"}, "severity": {"major"}, "description": {"作业公示制度未建立"}, "days": {"0"}})
	if r.status != 422 || !strings.Contains(r.doc(t).Find("#finding-form .field-err").Text(), "工作日") {
		t.Fatalf("bad finding form: %d", r.status)
	}
	r = insp.post(visit, url.Values{"_csrf": {tok}, "action": {"finding"}, "severity": {"major"}, "description": {"作业公示制度未建立"}, "days": {"10"}})
	if r.status != 303 {
		t.Fatalf("finding form: %d %s", r.status, r.body)
	}
	finding := strings.TrimSuffix(r.header.Get("Location"), "?saved=1")
	// A finding raised against an item goes to its lead unit and shows on the item.
	cid := e.newCampaign("henan", "督导关联测试")
	tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", cid), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	item := id(t, e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "课后服务全覆盖", "lead_unit_id": %d, "deadline": "2026-12-31"}`, tier, e.unitID("ha-zz"))))
	gid := strings.TrimPrefix(group, "/app/supervision/groups/")
	r = e.api("POST", "/api/v1/findings", "inspector", fmt.Sprintf(`{"group_id": %s, "item_id": %d, "severity": "minor", "description": "课后服务未覆盖农村学校", "days": 15}`, gid, item))
	if r.status != 201 || r.json(t)["unit"].(map[string]any)["id"] != float64(e.unitID("ha-zz")) || r.json(t)["item"].(map[string]any)["title"] != "课后服务全覆盖" {
		t.Fatalf("finding against an item: %d %s", r.status, r.body)
	}
	if l := e.api("GET", fmt.Sprintf("/api/v1/findings?item=%d", item), "zhengzhou", "").json(t); l["total"] != 1.0 {
		t.Fatalf("findings of the item: %v", l["total"])
	}
	zz := e.login("zhengzhou")
	if d := zz.get(fmt.Sprintf("/app/items/%d", item)).doc(t); !strings.Contains(d.Find("#findings").Text(), "课后服务未覆盖农村学校") {
		t.Fatal("the item page lacks its supervision finding")
	}
	ztok := zz.csrf(finding)
	if r := zz.post(finding, url.Values{"_csrf": {ztok}, "action": {"plan"}, "note": {"建立公示制度"}}); r.status != 303 {
		t.Fatalf("plan form: %d %s", r.status, r.body)
	}
	r = insp.post(finding, url.Values{"_csrf": {tok}, "action": {"sign_off"}})
	if r.status != 409 || !strings.Contains(r.doc(t).Find(".flash.err").Text(), "整改中") {
		t.Fatalf("sign-off out of turn: %d", r.status)
	}
	// The unit's notice of the finding links to it.
	if d := zz.get("/app/notices").doc(t); d.Find(`a[href="`+finding+`"]`).Length() != 1 {
		t.Fatalf("no notice links to %s", finding)
	}
	d := zz.get("/app/supervision/rectification").doc(t)
	if !strings.Contains(d.Find("table.findings").Text(), "作业公示制度未建立") || d.Find("table.findings .chip.green").Length() != 2 {
		t.Fatalf("rectification list: %q", d.Find("table.findings").Text())
	}
}
