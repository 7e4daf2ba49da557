package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// The access matrix: every operation of the OpenAPI document, called by
// every demo role and by an anonymous client, against resources that live
// in Zhengzhou's subtree (inside for henan and zhengzhou, outside for the
// ministry's operator and Peking University). A call is "denied" when it
// answers 401, 403 or 404 (a resource out of reach does not exist for the
// caller); anything else — success, a validation error, a conflict with
// the resource's state — means the caller got past access control. The
// policy below is written down by hand: an operation without a row fails
// the test, so a new endpoint must state who may call it.

// callers are the demo accounts, "" for no token.
var callers = []string{"", "admin", "auditor", "office", "leader", "operator", "supervisor", "handler", "reviewer", "issuer", "henan", "zhengzhou", "pku"}

// who lists the callers an operation admits. Special words: "all" (every
// account, no anonymous), "public" (anonymous too).
type rule struct {
	who    string
	body   string // JSON body for a write; "" sends {}
	upload bool   // a multipart upload of a small PDF in field "file"
}

var policy = map[string]rule{
	"getMe":       {who: "all"},
	"itemHistory": {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	// Organisations and people: the admin over the subtree; everyone in
	// reach reads units; users are the admin's.
	"listUnits":       {who: "all"},
	"getUnit":         {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"createUnit":      {who: "admin", body: `{"parent_id": {ha-zz}, "code": "acc-{n}", "name": "访问测试单位{n}", "kind": "school"}`},
	"updateUnit":      {who: "admin", body: `{"name": "金水区教育局{n}"}`},
	"moveUnit":        {who: "admin", body: `{"parent_id": {ha-zz}}`},
	"unitHistory":     {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"listUsers":       {who: "all"},
	"getUser":         {who: "admin zhengzhou"},
	"createUser":      {who: "admin", body: `{"login": "acc{n}", "name": "访问测试", "unit_id": {ha-zz}, "password": "Correct-Horse-4242", "grants": [{"role": "operator"}]}`},
	"updateUser":      {who: "admin", body: `{"name": "吴婷{n}"}`},
	"moveUser":        {who: "admin", body: `{"unit_id": {ha-zz}}`},
	"listTokens":      {who: "admin zhengzhou"},
	"createToken":     {who: "zhengzhou", body: `{"name": "acc{n}", "expires_in_days": 1}`},
	"revokeToken":     {who: "admin zhengzhou"},
	"listAudit":       {who: "auditor"},
	"verifyAudit":     {who: "auditor"},
	"exportAudit":     {who: "auditor"},
	"listNotices":     {who: "all"},
	"readNotice":      {who: "all"},
	"listCampaigns":   {who: "all"},
	"getCampaign":     {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"getCockpit":      {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"createCampaign":  {who: "office henan", body: `{"name": "访问测试活动{n}", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`},
	"exportLedger":    {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"importItems":     {who: "office henan"},
	"listItems":       {who: "all"},
	"getItem":         {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"createItem":      {who: "office henan", body: `{"tier_id": {tier}, "code": "ACC-{n}", "title": "访问测试事项{n}", "leader_name": "测试", "lead_unit_id": {ha-zz}, "deadline": "2026-12-31", "public": false}`},
	"listItemReports": {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"fileReport":      {who: "office leader henan zhengzhou", body: `{"period": "2026-11", "narrative": "访问测试", "reason": "访问测试更正", "values": []}`},
	"listReports":     {who: "all"},
	"acceptReport":    {who: "office henan"},
	"returnReport":    {who: "office henan", body: `{"comment": "请补充"}`},
	"listEvidence":    {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"attachEvidence":  {who: "office leader henan zhengzhou", upload: true},
	"getEvidence":     {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"listComments":    {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"addComment":      {who: "office leader supervisor henan zhengzhou", body: `{"body": "访问测试留言"}`},
	"listTasks":       {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"addTask":         {who: "office leader henan zhengzhou", body: `{"unit_id": {ha-ly}, "title": "访问测试任务", "due": "2026-12-31"}`},
	"completeTask":    {who: "office henan"},
	// The complaint column.
	"listComplaintCategories": {who: "public"},
	"updateComplaintCategory": {who: "handler office", body: `{"name": "乱收费", "name_en": "Improper fees", "accept_days": 3, "days": 15, "reply_days": 5, "warn_days": 3, "active": true}`},
	"submitComplaint":         {who: "public", body: `{"category": "fees", "unit_id": {ha-zz}, "anonymous": true, "body": "访问测试举报：某校违规收费。"}`},
	"trackComplaint":          {who: "public", body: `{"code": "{code}", "secret": "{secret}"}`},
	"reporterStep":            {who: "public", body: `{"code": "{code}", "secret": "{secret}", "action": "message", "note": "补充"}`},
	"listComplaints":          {who: "all"},
	"exportComplaints":        {who: "all"},
	"complaintStats":          {who: "all"},
	"getComplaintFloors":      {who: "all"},
	"setComplaintFloors":      {who: "handler office", body: `{"on_time": 90, "reply": 95, "satisfaction": 85}`},
	"getComplaint":            {who: "handler office henan zhengzhou"},
	"listComplaintEvents":     {who: "handler office henan zhengzhou"},
	"listComplaintDuplicates": {who: "handler office henan zhengzhou"},
	"getComplaintFile":        {who: "handler office henan zhengzhou"},
	// Certificates: the issuer's role over the issuing unit; verification is public.
	"listIssuers":          {who: "all"},
	"createIssuer":         {who: "admin issuer", body: `{"unit_id": {neea}}`},
	"rotateIssuerKey":      {who: "admin issuer"},
	"listCredentialTypes":  {who: "all"},
	"createCredentialType": {who: "admin issuer", body: `{"issuer_id": {issuers}, "code": "acc{n}", "name": "访问测试证书", "number_code": "ACC", "fields": [{"key": "fullName", "label": "姓名", "kind": "name", "public": true}]}`},
	"listCredentials":      {who: "all"},
	"issueCredential":      {who: "issuer", body: `{"type": "cet4", "subject": {"fullName": "矩阵", "idNumber": "11010519491231002X", "admissionNumber": "410101211200101", "examSession": "2021年6月", "totalScore": "500"}}`},
	"bulkIssueCredentials": {who: "issuer", upload: true},
	"getCredential":        {who: "issuer"},
	"getCredentialVC":      {who: "issuer"},
	"getCredentialPDF":     {who: "issuer"},
	"revokeCredential":     {who: "issuer", body: `{"reason": "访问测试"}`},
	"suspendCredential":    {who: "issuer", body: `{"reason": "访问测试"}`},
	"resumeCredential":     {who: "issuer", body: `{"reason": "访问测试"}`},
	"reissueCredential":    {who: "issuer", body: `{"reason": "访问测试"}`},
	"verifyCredential":     {who: "public", body: `{}`},
	"createHolderCode":     {who: "public", body: `{"number": "{credential-number}", "name": "矩阵测试", "id_number": "11010519491231002X", "days": 7}`},
	"listHolderCodes":      {who: "public", body: `{"number": "{credential-number}", "name": "矩阵测试", "id_number": "11010519491231002X"}`},
	"closeHolderCode":      {who: "public", body: `{"number": "{credential-number}", "name": "矩阵测试", "id_number": "11010519491231002X"}`},
	// The portal's JSON: public and read-only, like its pages.
	"listPublicBriefings": {who: "public"},
	"getPublicBriefing":   {who: "public"},
	"getItemRatings":      {who: "public"},
	"getCampaignRatings":  {who: "public"},
	"trackNomination":     {who: "public"},
	// The portal's writes: briefings, proposals and the satisfaction floor
	// are the campaign office's; anyone rates and proposes.
	"generateBriefing":  {who: "office henan", body: `{"campaign_id": {campaigns}, "period": "2026-07"}`},
	"getBriefing":       {who: "office henan"},
	"listBriefings":     {who: "all"},
	"listNominations":   {who: "all"},
	"editBriefing":      {who: "office henan", body: `{"title": "访问矩阵简报{n}", "intro": "导语", "closing": "结语"}`},
	"publishBriefing":   {who: "office henan"},
	"mergeNomination":   {who: "office henan", body: `{"into": {nomination-id}}`},
	"declineNomination": {who: "office henan", body: `{"reason": "访问测试：不在本年度范围"}`},
	"adoptNomination":   {who: "office henan", body: `{"tier_id": {tier}, "lead_unit_id": {ha-zz}}`},
	"getRatingFloor":    {who: "admin auditor office leader handler supervisor henan zhengzhou"},
	"setRatingFloor":    {who: "office henan", body: `{"floor": 80, "min_count": 10}`},
	"rateItem":          {who: "public", body: `{"score": 5, "comment": "访问测试"}`},
	"nominate":          {who: "public", body: `{"campaign_id": {campaigns}, "title": "访问矩阵点单{n}", "body": "希望增加课后托管服务。"}`},
	// Integration: webhooks by the admin or office over the unit; the job
	// queue's dead letters are the admin's; mail choices are one's own.
	"listWebhooks":   {who: "all"},
	"createWebhook":  {who: "admin office henan", body: `{"unit_id": {ha-zz}, "url": "http://127.0.0.1:9/hook", "events": ["*"]}`},
	"getWebhook":     {who: "admin office henan"},
	"updateWebhook":  {who: "admin office henan", body: `{"active": false}`},
	"deleteWebhook":  {who: "admin office henan"},
	"listDeliveries": {who: "all"},
	"replayDelivery": {who: "admin office henan"},
	"listJobs":       {who: "admin"},
	"retryJob":       {who: "admin"},
	"getMailPrefs":   {who: "all"},
	"setMailPrefs":   {who: "all", body: `{"kinds": ["reminder"], "lang": "zh"}`},
	"revealReporter": {who: "handler", body: `{"reason": "访问测试需要"}`},
	// Supervision: Henan's group over Zhengzhou, led by the supervisor.
	// The group's side is its members and the office over the sending
	// unit; the unit's side its operators and leaders; anyone reaching
	// Zhengzhou reads its visits and findings.
	"listGroups":      {who: "all"},
	"createGroup":     {who: "office henan", body: `{"kind": "inspection", "name": "访问测试组{n}", "owner_unit_id": {ha}, "leader_id": {sup}, "unit_ids": [{ha-zz}]}`},
	"getGroup":        {who: "office leader supervisor henan"},
	"updateGroup":     {who: "office henan", body: `{"name": "访问测试组{n}"}`},
	"groupReport":     {who: "office leader supervisor henan"},
	"groupReportXLSX": {who: "office leader supervisor henan"},
	"listVisits":      {who: "all"},
	"createVisit":     {who: "office supervisor henan", body: `{"group_id": {groups}, "unit_id": {ha-zz}, "planned_on": "2026-12-01"}`},
	"getVisit":        {who: "admin auditor office leader supervisor handler henan zhengzhou"},
	"recordVisit":     {who: "office supervisor henan", body: `{"visited_on": "2026-11-02", "participants": "访问测试", "record": "访问测试记录"}`},
	"listFindings":    {who: "all"},
	"raiseFinding":    {who: "office supervisor henan", body: `{"group_id": {groups}, "unit_id": {ha-zz}, "severity": "minor", "description": "访问测试问题", "days": 5}`},
	"getFinding":      {who: "admin auditor office leader supervisor handler henan zhengzhou"},
	"findingHistory":  {who: "admin auditor office leader supervisor handler henan zhengzhou"},
	"getAttachment":   {who: "admin auditor office leader supervisor handler henan zhengzhou"},
	// Online services: Henan's research service; Zhengzhou applies. The
	// catalogue is public; an application is read by its applicant's side
	// (Zhengzhou's operators, those over it) and the owner's office side
	// (office, leader, handler over Henan); steps are the office's; a
	// review is its reviewer's alone.
	"listServices":        {who: "public"},
	"getService":          {who: "public"},
	"getServiceForm":      {who: "public"},
	"createService":       {who: "office henan", body: `{"code": "acc-{n}", "name": "访问测试服务{n}", "owner_unit_id": {ha}, "applicants": "units", "workflow": [{"kind": "check", "role": "office", "days": 5}], "fields": [{"key": "a", "label": "甲", "type": "text"}]}`},
	"changeServiceForm":   {who: "office henan", body: `{"fields": [{"key": "summary", "label": "项目摘要", "type": "text", "required": true}, {"key": "budget", "label": "经费", "type": "number"}, {"key": "plan", "label": "申报书", "type": "file"}, {"key": "members", "label": "成员", "type": "table", "columns": [{"key": "name", "label": "姓名", "type": "text"}]}]}`},
	"serviceRanking":      {who: "office leader handler henan"},
	"serviceOverview":     {who: "all"},
	"uploadServiceFile":   {who: "all", upload: true},
	"listApplications":    {who: "all"},
	"exportApplications":  {who: "all"},
	"createApplication":   {who: "leader operator henan zhengzhou pku", body: `{"service_id": {services}, "title": "访问测试{n}"}`},
	"getApplication":      {who: "office leader handler henan zhengzhou"},
	"updateApplication":   {who: "leader henan zhengzhou", body: `{"title": "访问测试{n}"}`},
	"applicationVersions": {who: "office leader handler henan zhengzhou"},
	"applicationHistory":  {who: "office leader handler henan zhengzhou"},
	"getApplicationFile":  {who: "office leader handler henan zhengzhou"},
	"listReviewerPools":   {who: "all"},
	"createReviewerPool":  {who: "office henan", body: `{"owner_unit_id": {ha}, "name": "访问测试专家库{n}", "members": [{"user_id": {expert}}]}`},
	"listReviews":         {who: "all"},
	"scoreReview":         {who: "reviewer", body: `{"scores": {"quality": 8, "value": 8}}`},
	"signUp":              {who: "public", body: `{"email": "acc{n}@example.com", "name": "访问测试", "password": "Correct-Horse-4242"}`},
	"verifyEmail":         {who: "public", body: `{"email": "nobody@example.com", "code": "NOSUCHCODE"}`},
	"resendVerification":  {who: "public", body: `{"email": "nobody@example.com"}`},
}

// The steps of a workflow table: the desk's and the unit's.
func init() {
	for _, a := range []string{"accept", "decline", "forward", "dispatch", "reply", "close", "merge", "approve_extension", "reject_extension", "remind"} {
		policy["complaint_"+a] = rule{who: "handler", body: `{"note": "访问测试", "unit_id": {ha-zz}}`}
	}
	for _, a := range []string{"sign", "return", "conclude", "rectify", "request_extension"} {
		policy["complaint_"+a] = rule{who: "henan zhengzhou", body: `{"note": "访问测试", "conclusion": "true", "days": 3}`}
	}
	// Application steps: the applicant's side submits and withdraws; the
	// office over the owner unit acts at every step.
	for _, a := range []string{"submit", "withdraw"} {
		policy["application_"+a] = rule{who: "leader henan zhengzhou"}
	}
	for _, a := range []string{"return", "pass", "assign", "approve", "reject", "deliver", "accept"} {
		policy["application_"+a] = rule{who: "office henan", body: `{"note": "访问测试", "pool_id": {pool}, "method": "mail", "carrier": "EMS", "tracking": "1"}`}
	}
	// Rectification: the unit plans, reports and asks; the group decides.
	for _, a := range []string{"plan", "progress", "request_signoff"} {
		policy["finding_"+a] = rule{who: "leader henan zhengzhou", body: `{"note": "访问测试"}`}
	}
	for _, a := range []string{"sign_off", "return"} {
		policy["finding_"+a] = rule{who: "office supervisor henan", body: `{"note": "访问测试"}`}
	}
	// The item lifecycle: the office acts on approve/close/reject/reopen,
	// the lead unit (and the office) on start and closure requests.
	for _, a := range []string{"approve", "close", "reject_closure", "reopen"} {
		policy["item_"+a] = rule{who: "office henan", body: `{"note": "访问测试"}`}
	}
	for _, a := range []string{"start", "request_closure"} {
		policy["item_"+a] = rule{who: "office leader henan zhengzhou", body: `{"note": "访问测试"}`}
	}
}

func admits(who, caller string) bool {
	switch {
	case who == "public":
		return true
	case caller == "":
		return false
	case who == "all":
		return true
	}
	return strings.Contains(" "+who+" ", " "+caller+" ")
}

func TestAccessMatrix(t *testing.T) {
	// A thousand calls from one address: lift the per-address limits.
	t.Setenv("SHISHI_API_RATE", "1000000")
	t.Setenv("SHISHI_PUBLIC_RATE", "1000000")
	e := start(t, testdb.SQLite(t))
	shared := sharedFixtures(t, e)
	fx := fixtures(t, e, shared)
	doc := e.api("GET", "/api/openapi.json", "", "").json(t)
	type op struct{ method, path, id string }
	var ops []op
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			ops = append(ops, op{strings.ToUpper(method), path, o.(map[string]any)["operationId"].(string)})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	missing := []string{}
	for _, o := range ops {
		if _, ok := policy[o.id]; !ok {
			missing = append(missing, o.id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("operations without an access policy row: %s", strings.Join(missing, ", "))
	}
	n, calls, dirty := 0, 0, false
	var wrong []string
	for _, o := range ops {
		p := policy[o.id]
		for _, c := range callers {
			n++
			if o.method != "GET" && dirty {
				// A write that got through may have changed what the next
				// caller finds: it gets its own item, report, complaint,
				// credential and token.
				fx, dirty = fixtures(t, e, shared), false
			}
			path := fx.path(o.path, n)
			body := ""
			if o.method != "GET" {
				body = "{}"
				if p.body != "" {
					body = fx.fill(p.body, n)
				}
			}
			var r response
			switch {
			case p.upload && c != "":
				r = e.upload(path, c, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
			default:
				r = e.api(o.method, path, c, body)
			}
			calls++
			denied := r.status == 401 || r.status == 403 || r.status == 404
			dirty = dirty || (o.method != "GET" && !denied)
			if denied == admits(p.who, c) {
				who := c
				if who == "" {
					who = "anonymous"
				}
				wrong = append(wrong, fmt.Sprintf("%s %s as %s: %d (policy: %s) %.160s", o.method, path, who, r.status, p.who, r.body))
			}
		}
	}
	for _, w := range wrong {
		t.Error(w)
	}
	t.Logf("%d operations × %d callers: %d calls, %d against the policy", len(ops), len(callers), calls, len(wrong))
}

// fixture ids, all in Zhengzhou's subtree (or Henan's campaign).
type fixture struct {
	ids          map[string]string
	code, secret string
}

func (f *fixture) fill(s string, n int) string {
	r := strings.NewReplacer("{n}", fmt.Sprint(n), "{code}", f.code, "{secret}", f.secret)
	s = r.Replace(s)
	for k, v := range f.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

var idRE = regexp.MustCompile(`/([a-z-]+)/\{id\}`)

// path fills a path template: {id} by the resource named before it.
func (f *fixture) path(p string, n int) string {
	p = strings.ReplaceAll(p, "/complaint-categories/{code}", "/complaint-categories/fees")
	p = strings.ReplaceAll(p, "/public/items/{id}", "/public/items/"+f.ids["public-item"])
	p = strings.ReplaceAll(p, "/public/briefings/{id}", "/public/briefings/"+f.ids["briefing"])
	p = strings.ReplaceAll(p, "/public/nominations/{code}", "/public/nominations/"+f.ids["nomination"])
	p = strings.ReplaceAll(p, "{file}", f.ids["file"])
	p = strings.ReplaceAll(p, "{hash}", f.ids["sha256"])
	p = idRE.ReplaceAllStringFunc(p, func(m string) string {
		res := idRE.FindStringSubmatch(m)[1]
		return "/" + res + "/" + f.ids[res]
	})
	return f.fill(p, n)
}

// sharedFixtures are the unit ids and the campaign every fixture uses.
func sharedFixtures(t *testing.T, e *env) map[string]string {
	ids := map[string]string{"ha-zz": fmt.Sprint(e.unitID("ha-zz")), "ha-ly": fmt.Sprint(e.unitID("ha-ly")), "units": fmt.Sprint(e.unitID("ha-zz-jinshui"))}
	r := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "访问矩阵活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`)
	if r.status != 201 {
		t.Fatalf("campaign: %d %s", r.status, r.body)
	}
	c := r.json(t)
	ids["tier"], ids["campaigns"] = fmt.Sprint(c["tiers"].([]any)[0].(map[string]any)["id"]), fmt.Sprint(c["id"])
	u, err := e.m.Store.FindUserByLogin(e.sys, "zhengzhou")
	if err != nil {
		t.Fatal(err)
	}
	ids["users"] = fmt.Sprint(u.ID)
	// One delivery to replay: a subscription sees one approval, then is
	// switched off (192.0.2.1 is a documentation address: nothing answers).
	hook := e.api("POST", "/api/v1/webhooks", "henan", fmt.Sprintf(`{"unit_id": %s, "url": "https://192.0.2.1/hook", "events": ["item.approve"]}`, ids["ha-zz"]))
	if hook.status != 201 {
		t.Fatalf("webhook: %d %s", hook.status, hook.body)
	}
	hid := fmt.Sprint(hook.json(t)["id"])
	it := e.api("POST", "/api/v1/campaigns/"+ids["campaigns"]+"/items", "henan", fmt.Sprintf(`{"tier_id": %s, "code": "HOOK", "title": "订阅测试", "leader_name": "测试", "lead_unit_id": %s, "deadline": "2026-12-31", "public": false}`, ids["tier"], ids["ha-zz"]))
	e.api("POST", fmt.Sprintf("/api/v1/items/%v:approve", it.json(t)["id"]), "henan", "")
	e.api("PATCH", "/api/v1/webhooks/"+hid, "henan", `{"active": false}`)
	ds := e.api("GET", "/api/v1/webhook-deliveries", "henan", "").json(t)["items"].([]any)
	if len(ds) == 0 {
		t.Fatal("no webhook delivery to replay")
	}
	ids["webhook-deliveries"] = fmt.Sprint(ds[0].(map[string]any)["id"])
	sup, err := e.m.Store.FindUserByLogin(e.sys, "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	ids["ha"], ids["sup"] = fmt.Sprint(e.unitID("ha")), fmt.Sprint(sup.ID)
	g := e.api("POST", "/api/v1/groups", "henan", `{"kind": "inspection", "name": "访问矩阵督查组", "owner_unit_id": `+ids["ha"]+`, "leader_id": `+ids["sup"]+`, "unit_ids": [`+ids["ha-zz"]+`]}`)
	if g.status != 201 {
		t.Fatalf("group: %d %s", g.status, g.body)
	}
	ids["groups"] = fmt.Sprint(g.json(t)["id"])
	iss := credentialEnv(t, e)
	ids["issuers"], ids["neea"] = fmt.Sprint(iss["id"]), fmt.Sprint(e.unitID("neea"))
	ids["public-item"], ids["briefing"], ids["nomination"] = portalFixtures(t, e, ids, "2026-06")
	serviceSharedFixtures(t, e, ids)
	n, err := e.m.Store.TrackNomination(e.sys, ids["nomination"])
	if err != nil {
		t.Fatal(err)
	}
	ids["nomination-id"] = fmt.Sprint(n.ID)
	return ids
}

// portalFixtures makes what the portal's JSON shows: a public, approved
// item of the shared campaign (so the campaign is public too), a
// published briefing of it and a proposal to it.
func portalFixtures(t *testing.T, e *env, ids map[string]string, period shishi.Period) (item, briefing, code string) {
	t.Helper()
	r := e.api("POST", "/api/v1/campaigns/"+ids["campaigns"]+"/items", "henan", fmt.Sprintf(`{"tier_id": %s, "code": "PUB", "title": "公开事项", "leader_name": "测试", "lead_unit_id": %s, "deadline": "2026-12-31", "public": true}`, ids["tier"], ids["ha-zz"]))
	if r.status != 201 {
		t.Fatalf("public item: %d %s", r.status, r.body)
	}
	item = fmt.Sprint(r.json(t)["id"])
	if r := e.api("POST", "/api/v1/items/"+item+":approve", "henan", ""); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	cid := mustAtoi(ids["campaigns"])
	b, err := e.m.Store.GenerateBriefing(e.sys, cid, period)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.Store.PublishBriefing(e.sys, b.ID); err != nil {
		t.Fatal(err)
	}
	n, err := e.m.Store.Nominate(e.sys, "access-matrix", shishi.NominationInput{CampaignID: cid, Title: "访问矩阵建议", Body: "希望开放学校运动场地，方便周边居民锻炼。"})
	if err != nil {
		t.Fatal(err)
	}
	return item, fmt.Sprint(b.ID), n.Code
}

var fixtureN int

// fixtures makes a fresh item (approved, with a report, its evidence and
// a task for Luoyang), a named complaint with a PDF dispatched to
// Zhengzhou, and a token of Zhengzhou's.
func fixtures(t *testing.T, e *env, shared map[string]string) *fixture {
	t.Helper()
	fixtureN++
	f := &fixture{ids: map[string]string{}}
	for k, v := range shared {
		f.ids[k] = v
	}
	must := func(r response, what string) map[string]any {
		t.Helper()
		if r.status/100 != 2 {
			t.Fatalf("fixture %s: %d %s", what, r.status, r.body)
		}
		return r.json(t)
	}
	it := must(e.api("POST", "/api/v1/campaigns/"+f.ids["campaigns"]+"/items", "henan", fmt.Sprintf(`{"tier_id": %s, "code": "FX-%d", "title": "访问矩阵事项%d", "leader_name": "测试", "lead_unit_id": %s,
		"coop_unit_ids": [%s], "deadline": "2026-12-31", "public": false, "targets": [{"name": "数量", "unit": "个", "baseline": 0, "target": 100, "plan": [{"period": "2026-12", "value": 100}]}]}`,
		f.ids["tier"], fixtureN, fixtureN, f.ids["ha-zz"], f.ids["ha-ly"])), "item")
	item := fmt.Sprint(it["id"])
	target := fmt.Sprint(it["targets"].([]any)[0].(map[string]any)["id"])
	must(e.api("POST", "/api/v1/items/"+item+":approve", "henan", ""), "approve")
	rep := must(e.api("POST", "/api/v1/items/"+item+"/reports", "zhengzhou", `{"period": "2026-10", "narrative": "十月进展", "values": [{"target_id": `+target+`, "value": 10}]}`), "report")
	ev := must(e.upload("/api/v1/reports/"+fmt.Sprint(rep["id"])+"/evidence", "zhengzhou", []byte("%PDF-1.4\n%%EOF\n")), "evidence")
	task := must(e.api("POST", "/api/v1/items/"+item+"/tasks", "zhengzhou", `{"unit_id": `+f.ids["ha-ly"]+`, "title": "配合核实", "due": "2026-12-31"}`), "task")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"category": "fees", "unit_id": f.ids["ha-zz"], "body": "访问矩阵举报：某校违规收费。", "reporter.name": "矩阵测试", "reporter.phone": "13800002222"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("files", "收据.pdf")
	fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+"/api/v1/complaints", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	k := must(do(t, http.DefaultClient, req), "complaint")
	f.code, f.secret = k["code"].(string), k["secret"].(string)
	kid := fmt.Sprint(k["id"])
	must(e.api("POST", "/api/v1/complaints/"+kid+":accept", "handler", `{}`), "accept")
	kc := must(e.api("POST", "/api/v1/complaints/"+kid+":dispatch", "handler", `{"unit_id": `+f.ids["ha-zz"]+`}`), "dispatch")
	f.ids["file"] = fmt.Sprint(kc["files"].([]any)[0].(map[string]any)["id"])
	_, tok, err := e.m.Store.CreateToken(e.sys, mustAtoi(f.ids["users"]), "acc", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// A subscription of its own, switched off so no delivery runs.
	hook := must(e.api("POST", "/api/v1/webhooks", "henan", fmt.Sprintf(`{"unit_id": %s, "url": "https://192.0.2.1/hook", "events": ["item.approve"]}`, f.ids["ha-zz"])), "webhook")
	f.ids["webhooks"] = fmt.Sprint(hook["id"])
	must(e.api("PATCH", "/api/v1/webhooks/"+f.ids["webhooks"], "henan", `{"active": false}`), "webhook off")
	if js := e.api("GET", "/api/v1/jobs", "admin", "").json(t)["items"].([]any); len(js) > 0 {
		f.ids["jobs"] = fmt.Sprint(js[0].(map[string]any)["id"])
	}
	// A planned visit, a recorded one with a file, a raised finding.
	vis := must(e.api("POST", "/api/v1/visits", "supervisor", `{"group_id": `+f.ids["groups"]+`, "unit_id": `+f.ids["ha-zz"]+`, "planned_on": "2026-11-30"}`), "visit")
	done := must(e.api("POST", "/api/v1/visits", "supervisor", `{"group_id": `+f.ids["groups"]+`, "unit_id": `+f.ids["ha-zz"]+`, "planned_on": "2026-11-02"}`), "visit")
	done = must(e.form(fmt.Sprintf("/api/v1/visits/%v:record", done["id"]), "supervisor", map[string]string{"visited_on": "2026-11-02", "participants": "张强", "record": "座谈"},
		"记录.pdf", []byte("%PDF-1.4\n%%EOF\n")), "record")
	fd := must(e.api("POST", "/api/v1/findings", "supervisor", `{"group_id": `+f.ids["groups"]+`, "unit_id": `+f.ids["ha-zz"]+`, "severity": "minor", "description": "访问矩阵问题", "days": 5}`), "finding")
	f.ids["visits"], f.ids["findings"] = fmt.Sprint(vis["id"]), fmt.Sprint(fd["id"])
	f.ids["attachments"] = fmt.Sprint(done["files"].([]any)[0].(map[string]any)["id"])
	cred := e.issue(t, "矩阵测试", "500")["credential"].(map[string]any)
	f.ids["credentials"], f.ids["credential-number"] = fmt.Sprint(cred["id"]), cred["number"].(string)
	hc, err := e.m.Store.CreateHolderCode(e.sys, f.ids["credential-number"], "矩阵测试", "11010519491231002X", 7)
	if err != nil {
		t.Fatal(err)
	}
	f.ids["holder-codes"] = fmt.Sprint(hc.ID)
	// A draft briefing of a campaign of its own (a campaign has one
	// briefing a month, and a publish ends the draft) and a waiting proposal.
	bc := must(e.api("POST", "/api/v1/campaigns", "henan", fmt.Sprintf(`{"name": "访问矩阵简报活动%d", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`, fixtureN)), "briefing campaign")
	b, err := e.m.Store.GenerateBriefing(e.sys, int64(bc["id"].(float64)), "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	nom, err := e.m.Store.Nominate(e.sys, fmt.Sprintf("access-matrix-%d", fixtureN), shishi.NominationInput{CampaignID: mustAtoi(f.ids["campaigns"]), Title: fmt.Sprintf("访问矩阵建议%d", fixtureN), Body: "希望开放学校图书馆。"})
	if err != nil {
		t.Fatal(err)
	}
	f.ids["briefings"], f.ids["nominations"] = fmt.Sprint(b.ID), fmt.Sprint(nom.ID)
	serviceFixtures(t, e, f.ids)
	f.ids["items"], f.ids["reports"], f.ids["evidence"] = item, fmt.Sprint(rep["id"]), fmt.Sprint(ev["id"])
	f.ids["tasks"], f.ids["complaints"], f.ids["tokens"], f.ids["notices"] = fmt.Sprint(task["id"]), kid, fmt.Sprint(tok.ID), "0"
	return f
}

func mustAtoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}
