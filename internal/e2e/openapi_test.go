package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// apiOp is one operation of the served OpenAPI document.
type apiOp struct{ method, path string }

// loadOps reads the served document's operations by id.
func loadOps(t *testing.T, e *env) map[string]apiOp {
	t.Helper()
	r := e.api("GET", "/api/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
		t.Fatalf("openapi.json: %d %v", r.status, err)
	}
	ops := map[string]apiOp{}
	for path, item := range doc.Paths {
		for method, o := range item {
			ops[o.OperationID] = apiOp{strings.ToUpper(method), path}
		}
	}
	return ops
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestEveryOperationCalled calls each operation the OpenAPI document lists,
// through its documented method and path, with a real token on the full
// demo world, and checks each answer's status: the documented success,
// or the one refusal the call was set up to meet (a step the case's state
// does not allow). At the end no documented operation is left uncalled.
func TestEveryOperationCalled(t *testing.T) {
	// Over a hundred calls from one address: lift the per-address limit.
	t.Setenv("SHISHI_API_RATE", "1000000")
	e := startConfig(t, testdb.SQLite(t), true, nil, fastQueue)
	ops := loadOps(t, e)
	called := map[string]bool{}
	// call runs operation id with the path parameters filled in order and
	// checks the status; query is appended to the path.
	call := func(id, login, query, body string, want int, params ...any) response {
		t.Helper()
		op, ok := ops[id]
		if !ok {
			t.Fatalf("operation %s is not in the document", id)
		}
		i := 0
		path := pathParam.ReplaceAllStringFunc(op.path, func(string) string {
			if i >= len(params) {
				t.Fatalf("%s: too few path parameters", id)
			}
			i++
			return fmt.Sprint(params[i-1])
		})
		var r response
		if strings.HasPrefix(body, "@file:") {
			r = e.upload(path+query, login, []byte(strings.TrimPrefix(body, "@file:")))
		} else {
			r = e.api(op.method, path+query, login, body)
		}
		called[id] = true
		if r.status != want {
			detail := string(r.body)
			if len(detail) > 300 {
				detail = detail[:300]
			}
			t.Errorf("%s %s %s%s as %q: %d, want %d: %s", id, op.method, path, query, login, r.status, want, detail)
		}
		return r
	}
	num := func(r response, key string) int64 {
		t.Helper()
		v, _ := r.json(t)[key].(float64)
		return int64(v)
	}
	zz, ha, ly := e.unitID("ha-zz"), e.unitID("ha"), e.unitID("ha-ly")

	// Units.
	call("listUnits", "admin", "?under="+fmt.Sprint(ha), "", 200)
	u := num(call("createUnit", "admin", "", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-api", "name": "接口测试学校", "kind": "school"}`, zz), 201), "id")
	call("getUnit", "admin", "", "", 200, u)
	call("updateUnit", "admin", "", `{"name": "接口测试学校（改名）"}`, 200, u)
	call("moveUnit", "admin", "", fmt.Sprintf(`{"parent_id": %d}`, ly), 200, u)
	call("unitHistory", "admin", "", "", 200, u)

	// Users and tokens.
	call("getMe", "zhengzhou", "", "", 200)
	call("listUsers", "admin", "?q=zh", "", 200)
	uid := num(call("createUser", "admin", "", fmt.Sprintf(`{"login": "api-op", "name": "接口填报员", "unit_id": %d, "password": "Correct-Horse-Battery-42", "grants": [{"role": "operator"}]}`, zz), 201), "id")
	call("getUser", "admin", "", "", 200, uid)
	call("updateUser", "admin", "", `{"name": "接口填报员甲"}`, 200, uid)
	call("moveUser", "admin", "", fmt.Sprintf(`{"unit_id": %d}`, ly), 200, uid)
	call("listTokens", "zhengzhou", "", "", 200, mustUser(t, e, "zhengzhou"))
	created := call("createToken", "zhengzhou", "", `{"name": "sync", "expires_in_days": 30}`, 201, mustUser(t, e, "zhengzhou")).json(t)
	tok := int64(created["detail"].(map[string]any)["id"].(float64))
	call("revokeToken", "zhengzhou", "", "", 204, tok)

	// Audit.
	call("listAudit", "auditor", "?limit=5", "", 200)
	call("verifyAudit", "auditor", "", "", 200)
	call("exportAudit", "auditor", "?from=2021-01-01&to=2030-12-31", "", 200)

	// The ledger.
	call("listCampaigns", "henan", "", "", 200)
	cid := num(call("createCampaign", "henan", "", `{"name": "接口测试活动", "starts_on": "2021-05-01", "ends_on": "2021-12-31", "tiers": ["厅机关办实事重点事项"]}`, 201), "id")
	camp := call("getCampaign", "henan", "", "", 200, cid).json(t)
	tier := int64(camp["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	item := num(call("createItem", "henan", "", fmt.Sprintf(`{"tier_id": %d, "title": "周转宿舍", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2026-12-31", "targets": [{"name": "建成", "unit": "套", "target": 7000}]}`, tier, zz, ly), 201, cid), "id")
	call("listItems", "henan", fmt.Sprintf("?campaign=%d", cid), "", 200)
	if ck := call("getCockpit", "henan", fmt.Sprintf("?unit=%d", zz), "", 200, cid).json(t); ck["items"].(float64) != 1 || ck["unit_id"].(float64) != float64(zz) {
		t.Errorf("cockpit of Zhengzhou's subtree: %v", ck)
	}
	if r := e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d/cockpit?unit=x", cid), "henan", ""); r.status != 422 {
		t.Errorf("cockpit with a bad unit: %d", r.status)
	}
	call("getItem", "henan", "", "", 200, item)
	call("item_approve", "henan", "", `{}`, 200, item)
	call("item_start", "henan", "", `{}`, 200, item)
	rep := num(call("fileReport", "zhengzhou", "", `{"period": "2021-06", "narrative": "开工建设", "values": []}`, 201, item), "id")
	call("attachEvidence", "zhengzhou", "", "@file:"+string(samplePDF), 201, rep)
	call("listEvidence", "henan", "", "", 200, item)
	ev := e.api("GET", fmt.Sprintf("/api/v1/items/%d/evidence", item), "henan", "").json(t)["items"].([]any)
	if len(ev) > 0 {
		call("getEvidence", "henan", "", "", 200, int64(ev[0].(map[string]any)["id"].(float64)))
	}
	call("listItemReports", "henan", "", "", 200, item)
	// The portal's JSON, anonymous.
	pubItem, brief, nom := portalFixtures(t, e, map[string]string{"campaigns": fmt.Sprint(cid), "tier": fmt.Sprint(tier), "ha-zz": fmt.Sprint(zz)}, "2021-06")
	if l := call("listPublicBriefings", "", "?limit=5", "", 200).json(t); l["total"].(float64) < 1 {
		t.Errorf("no published briefing listed: %v", l)
	}
	call("getPublicBriefing", "", "", "", 200, brief)
	call("getItemRatings", "", "", "", 200, pubItem)
	call("getCampaignRatings", "", "", "", 200, cid)
	call("trackNomination", "", "", "", 200, nom)
	// The portal's writes: the office's briefing, proposals and floor.
	b := num(call("generateBriefing", "henan", "", fmt.Sprintf(`{"campaign_id": %d, "period": "2021-07"}`, cid), 201), "id")
	call("getBriefing", "henan", "", "", 200, b)
	if l := call("listBriefings", "henan", "?limit=5", "", 200).json(t); l["total"].(float64) < 2 {
		t.Errorf("briefings listed: %v", l)
	}
	call("editBriefing", "henan", "", `{"title": "2021年7月工作简报", "intro": "本月进展", "closing": "下月安排"}`, 200, b)
	call("publishBriefing", "henan", "", "", 200, b)
	var noms [3]int64
	for i := range noms {
		noms[i] = num(call("nominate", "", "", fmt.Sprintf(`{"campaign_id": %d, "title": "接口点单%d", "body": "希望开放学校运动场。"}`, cid, i), 201), "id")
	}
	if l := call("listNominations", "henan", fmt.Sprintf("?campaign=%d&status=received", cid), "", 200).json(t); l["total"].(float64) != 4 {
		t.Errorf("waiting proposals listed: %v", l)
	}
	call("mergeNomination", "henan", "", fmt.Sprintf(`{"into": %d}`, noms[1]), 200, noms[0])
	call("declineNomination", "henan", "", `{"reason": "不在本年度范围"}`, 200, noms[1])
	call("adoptNomination", "henan", "", fmt.Sprintf(`{"tier_id": %d, "lead_unit_id": %d}`, tier, zz), 200, noms[2])
	for _, step := range []struct{ op, who, body string }{{"item_start", "henan", `{}`}, {"item_request_closure", "zhengzhou", `{"note": "已完成"}`}} {
		call(step.op, step.who, "", step.body, 200, pubItem)
	}
	call("rateItem", "", "", `{"score": 5, "comment": "很满意"}`, 201, pubItem)
	call("listReports", "henan", "?status=submitted", "", 200)
	call("returnReport", "henan", "", `{"comment": "请补充佐证"}`, 200, rep)
	rep2 := num(call("fileReport", "zhengzhou", "", `{"period": "2021-06", "narrative": "开工建设，已补充", "values": [], "reason": "补充佐证"}`, 201, item), "id")
	call("acceptReport", "henan", "", `{}`, 200, rep2)
	call("item_request_closure", "zhengzhou", "", `{"note": "已完成"}`, 200, item)
	call("item_reject_closure", "henan", "", `{"note": "证据不足"}`, 200, item)
	call("item_request_closure", "zhengzhou", "", `{"note": "已补充"}`, 200, item)
	call("item_close", "henan", "", `{}`, 200, item)
	call("item_reopen", "henan", "", `{"note": "回头看"}`, 200, item)
	// The floor after the closing above: until an item has min_count
	// ratings at the floor, it cannot be closed.
	call("setRatingFloor", "henan", "", `{"floor": 80, "min_count": 10}`, 200, cid)
	call("getRatingFloor", "henan", "", "", 200, cid)
	call("itemHistory", "henan", "", "", 200, item)
	xlsx := call("exportLedger", "henan", "", "", 200, cid)
	cid2 := num(call("createCampaign", "henan", "", `{"name": "导入测试活动", "starts_on": "2021-05-01", "ends_on": "2021-12-31", "tiers": ["厅机关办实事重点事项"]}`, 201), "id")
	call("importItems", "henan", "", "@file:"+string(xlsx.body), 201, cid2)

	// Coordination.
	call("addComment", "henan", "", `{"body": "@zhengzhou 请报送开工情况"}`, 201, item)
	call("listComments", "henan", "", "", 200, item)
	task := num(call("addTask", "zhengzhou", "", fmt.Sprintf(`{"unit_id": %d, "title": "核实套数", "due": "2021-10-15"}`, ly), 201, item), "id")
	call("listTasks", "henan", "", "", 200, item)
	call("completeTask", "henan", "", `{"note": "已核实"}`, 200, task)
	call("listNotices", "zhengzhou", "", "", 200)
	call("readNotice", "zhengzhou", "", "", 204, 0)

	// Complaints: the public side, then the desk and the unit.
	call("listComplaintCategories", "", "", "", 200)
	call("updateComplaintCategory", "handler", "", `{"code": "fees", "name": "乱收费", "name_en": "Improper fees", "accept_days": 3, "days": 15, "reply_days": 5, "warn_days": 3, "active": true}`, 200, "fees")
	sub := call("submitComplaint", "", "", `{"category": "fees", "place": "郑州市教育局", "body": "郑州市某小学收取课后服务费后又收托管费。", "reporter": {"name": "测试人", "phone": "13800000000"}}`, 201).json(t)
	c1, code, secret := int64(sub["id"].(float64)), sub["code"].(string), sub["secret"].(string)
	call("trackComplaint", "", "", fmt.Sprintf(`{"code": %q, "secret": %q}`, code, secret), 200)
	call("reporterStep", "", "", fmt.Sprintf(`{"code": %q, "secret": %q, "action": "message", "note": "补充：每月 300 元"}`, code, secret), 200)
	call("listComplaints", "handler", "", "", 200)
	call("exportComplaints", "handler", "", "", 200)
	call("complaintStats", "handler", "", "", 200)
	call("getComplaintFloors", "handler", "", "", 200)
	call("setComplaintFloors", "handler", "", `{"on_time": 90, "reply": 95, "satisfaction": 85}`, 200)
	call("getComplaint", "handler", "", "", 200, c1)
	call("listComplaintEvents", "handler", "", "", 200, c1)
	call("listComplaintDuplicates", "handler", "", "", 200, c1)
	call("getComplaintFile", "handler", "", "", 404, c1, 1) // the case has no attachment
	call("revealReporter", "handler", "", `{"reason": "核实举报内容需联系举报人"}`, 200, c1)
	call("complaint_remind", "handler", "", `{"note": "请尽快受理"}`, 409, c1) // nothing dispatched yet
	call("complaint_accept", "handler", "", `{}`, 200, c1)
	call("complaint_dispatch", "handler", "", fmt.Sprintf(`{"unit_id": %d, "note": "请核查"}`, zz), 200, c1)
	call("complaint_return", "zhengzhou", "", `{"note": "不属本单位管辖"}`, 200, c1)
	call("complaint_dispatch", "handler", "", fmt.Sprintf(`{"unit_id": %d, "note": "请再核查"}`, zz), 200, c1)
	call("complaint_sign", "zhengzhou", "", `{}`, 200, c1)
	call("complaint_request_extension", "zhengzhou", "", `{"days": 5, "note": "需调取财务凭证"}`, 200, c1)
	call("complaint_reject_extension", "handler", "", `{"note": "时限内办结"}`, 200, c1)
	call("complaint_request_extension", "zhengzhou", "", `{"days": 3, "note": "再次申请"}`, 200, c1)
	call("complaint_approve_extension", "handler", "", `{}`, 200, c1)
	call("complaint_remind", "handler", "", `{"note": "请按期办结"}`, 200, c1)
	call("complaint_conclude", "zhengzhou", "", `{"conclusion": "true", "note": "属实"}`, 200, c1)
	call("complaint_rectify", "zhengzhou", "", `{"note": "已退费"}`, 200, c1)
	call("complaint_reply", "handler", "", `{"note": "已督促退还托管费。"}`, 200, c1)
	call("complaint_close", "handler", "", `{"note": "举报人未评价"}`, 200, c1)
	c4 := int64(call("submitComplaint", "", "", fmt.Sprintf(`{"category": "fees", "unit_id": %d, "body": "洛阳市某中学强制订购教辅资料。", "anonymous": true}`, ly), 201).json(t)["id"].(float64))
	call("complaint_accept", "handler", "", `{}`, 200, c4)
	call("complaint_forward", "handler", "", fmt.Sprintf(`{"unit_id": %d, "note": "转省厅办理"}`, ha), 200, c4)
	c2 := int64(call("submitComplaint", "", "", `{"category": "fees", "place": "郑州市教育局", "body": "郑州市某小学收取课后服务费后又收托管费，每月三百元。", "anonymous": true}`, 201).json(t)["id"].(float64))
	call("complaint_merge", "handler", "", fmt.Sprintf(`{"into": %q, "note": "同一事项"}`, code), 200, c2)
	c3 := int64(call("submitComplaint", "", "", fmt.Sprintf(`{"category": "other", "unit_id": %d, "body": "与教育无关的咨询内容，请求协助。", "anonymous": true}`, zz), 201).json(t)["id"].(float64))
	call("complaint_decline", "handler", "", `{"note": "不属于受理范围"}`, 200, c3)

	// Integration.
	rc := newReceiver(t, 0)
	hook := call("createWebhook", "henan", "", fmt.Sprintf(`{"unit_id": %d, "url": %q, "events": ["*"]}`, zz, rc.srv.URL), 201).json(t)
	hid := int64(hook["id"].(float64))
	call("listWebhooks", "henan", "", "", 200)
	call("getWebhook", "henan", "", "", 200, hid)
	call("updateWebhook", "henan", "", `{"events": ["unit.*", "item.*"]}`, 200, hid)
	e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-api2", "name": "接口测试学校二", "kind": "school"}`, zz))
	var did int64
	waitUntil(t, "a delivery", func() bool {
		ds := e.api("GET", "/api/v1/webhook-deliveries?status=delivered", "henan", "").json(t)["items"].([]any)
		if len(ds) > 0 {
			did = int64(ds[0].(map[string]any)["id"].(float64))
		}
		return did > 0
	})
	call("listDeliveries", "henan", fmt.Sprintf("?webhook=%d", hid), "", 200)
	call("replayDelivery", "henan", "", "", 200, did)
	waitUntil(t, "the replay", func() bool {
		return len(rc.requests()) == 2 && e.api("GET", "/api/v1/webhook-deliveries?status=pending", "henan", "").json(t)["total"] == 0.0
	})
	call("deleteWebhook", "henan", "", "", 204, hid)
	jobs := call("listJobs", "admin", "?kind=webhook.deliver&status=done", "", 200).json(t)["items"].([]any)
	if len(jobs) != 2 {
		t.Fatalf("%d webhook jobs done, want 2", len(jobs))
	}
	call("retryJob", "admin", "", "", 409, int64(jobs[0].(map[string]any)["id"].(float64))) // done, not dead
	call("getMailPrefs", "zhengzhou", "", "", 200)
	call("setMailPrefs", "zhengzhou", "", `{"kinds": ["reminder"], "lang": "zh"}`, 200)

	// Certificates: an issuer at the exam centre, a CET type, one credential
	// through every status change, a bulk file, verification.
	cc := neeaCredit
	if _, err := e.m.Store.UpdateUnit(e.sys, e.unitID("neea"), 0, shishi.UnitPatch{CreditCode: &cc}); err != nil {
		t.Fatal(err)
	}
	call("listIssuers", "issuer", "", "", 200)
	iss := num(call("createIssuer", "issuer", "", fmt.Sprintf(`{"unit_id": %d}`, e.unitID("neea")), 201), "id")
	call("rotateIssuerKey", "issuer", "", "", 200, iss)
	call("createCredentialType", "issuer", "", fmt.Sprintf(`{"issuer_id": %d, "code": "cet4", "name": "全国大学英语四级考试成绩报告单", "number_code": "CET4",
		"fields": [{"key": "fullName", "label": "姓名", "kind": "name", "public": true}, {"key": "idNumber", "label": "证件号码", "kind": "id_number", "required": true},
		{"key": "totalScore", "label": "总分", "kind": "integer", "required": true, "public": true}]}`, iss), 201)
	call("listCredentialTypes", "issuer", "", "", 200)
	issued := call("issueCredential", "issuer", "", `{"type": "cet4", "subject": {"fullName": "张三", "idNumber": "11010519491231002X", "totalScore": "520"}}`, 201).json(t)
	credID := int64(issued["credential"].(map[string]any)["id"].(float64))
	call("listCredentials", "issuer", "", "", 200)
	call("getCredential", "issuer", "", "", 200, credID)
	vc := call("getCredentialVC", "issuer", "", "", 200, credID)
	call("verifyCredential", "", "", string(vc.body), 200)
	if pdf := call("getCredentialPDF", "issuer", "", "", 200, credID); !strings.HasPrefix(string(pdf.body), "%PDF-") {
		t.Fatalf("getCredentialPDF: not a PDF: %.40q", pdf.body)
	}
	// The holder's verification codes, anonymous, proved by number, name and identity number.
	proof := fmt.Sprintf(`"number": %q, "name": "张三", "id_number": "11010519491231002X"`, issued["credential"].(map[string]any)["number"])
	hc := num(call("createHolderCode", "", "", `{`+proof+`, "days": 7}`, 201), "id")
	if l := call("listHolderCodes", "", "", `{`+proof+`}`, 200).json(t)["items"].([]any); len(l) != 1 {
		t.Errorf("holder codes: %v", l)
	}
	call("closeHolderCode", "", "", `{`+proof+`}`, 204, hc)
	call("suspendCredential", "issuer", "", `{"reason": "核查中"}`, 200, credID)
	call("resumeCredential", "issuer", "", `{"reason": "核查完毕"}`, 200, credID)
	re := call("reissueCredential", "issuer", "", `{"reason": "成绩复核更正", "subject": {"totalScore": "510"}}`, 200, credID).json(t)
	if sub, _ := re["subject"].(map[string]any); sub["totalScore"] != 510.0 {
		t.Fatalf("reissue with a correction: %v", re)
	}
	if c, ok := re["credential"].(map[string]any); ok {
		re = c
	}
	call("revokeCredential", "issuer", "", `{"reason": "成绩更正"}`, 200, int64(re["id"].(float64)))
	call("bulkIssueCredentials", "issuer", "?type=cet4", "@file:fullName,idNumber,totalScore\n李四,11010519491231002X,480\n", 201)

	// Supervision: the office forms a group over Zhengzhou led by the
	// supervisor, who plans and records a visit with a file and raises a
	// finding that goes through rectification to sign-off.
	supU, err := e.m.Store.FindUserByLogin(e.sys, "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	zzID := e.unitID("ha-zz")
	gid := num(call("createGroup", "office", "", fmt.Sprintf(`{"kind": "inspection", "name": "接口测试督查组", "theme": "五项管理", "owner_unit_id": %d, "leader_id": %d, "unit_ids": [%d]}`,
		e.unitID("moe"), supU.ID, zzID), 201), "id")
	call("listGroups", "office", "?kind=inspection", "", 200)
	call("getGroup", "office", "", "", 200, gid)
	call("updateGroup", "office", "", `{"name": "接口测试督查组（调整）"}`, 200, gid)
	call("groupReport", "office", "", "", 200, gid)
	call("groupReportXLSX", "office", "", "", 200, gid)
	vid := num(call("createVisit", "supervisor", "", fmt.Sprintf(`{"group_id": %d, "unit_id": %d, "planned_on": "2026-11-02"}`, gid, zzID), 201), "id")
	call("listVisits", "supervisor", "", "", 200)
	call("getVisit", "supervisor", "", "", 200, vid)
	rv := e.form(fmt.Sprintf("/api/v1/visits/%d:record", vid), "supervisor", map[string]string{"visited_on": "2026-11-02", "participants": "张强", "record": "抽查作业公示"}, "记录.txt", []byte("座谈记录\n"))
	if rv.status != 200 {
		t.Fatalf("record visit: %d %s", rv.status, rv.body)
	}
	called["recordVisit"] = true
	att := rv.json(t)["files"].([]any)[0].(map[string]any)["id"]
	call("getAttachment", "supervisor", "", "", 200, att)
	fid := num(call("raiseFinding", "supervisor", "", fmt.Sprintf(`{"visit_id": %d, "severity": "major", "description": "作业公示制度未建立", "days": 10}`, vid), 201), "id")
	call("listFindings", "supervisor", fmt.Sprintf("?group=%d", gid), "", 200)
	call("getFinding", "supervisor", "", "", 200, fid)
	call("finding_plan", "zhengzhou", "", `{"note": "建立作业公示制度"}`, 200, fid)
	call("finding_progress", "zhengzhou", "", `{"note": "三所学校已公示"}`, 200, fid)
	call("finding_request_signoff", "zhengzhou", "", `{"note": "整改完成"}`, 200, fid)
	call("finding_return", "supervisor", "", `{"note": "缺少佐证"}`, 200, fid)
	if r := e.api("POST", fmt.Sprintf("/api/v1/findings/%d:request_signoff", fid), "zhengzhou", `{"note": "已补充"}`); r.status != 200 {
		t.Fatalf("request sign-off again: %d %s", r.status, r.body)
	}
	call("finding_sign_off", "supervisor", "", `{"note": ""}`, 200, fid)
	call("findingHistory", "supervisor", "", "", 200, fid)

	// Online services: a research project from draft to acceptance, a
	// withdrawal, a rejection and a mailed delivery.
	serviceOps(t, e, call)

	var missing []string
	for id := range ops {
		if !called[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d documented operations were not called: %v", len(missing), missing)
	}
	if len(ops) < 85 {
		t.Fatalf("only %d operations in the document", len(ops))
	}
}

func mustUser(t *testing.T, e *env, login string) int64 {
	t.Helper()
	u, err := e.m.Store.FindUserByLogin(e.sys, login)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
