package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestEveryUpdateRefusesStaleETag: each update of the API answers an ETag,
// takes the ETag it was read with in If-Match, changes it on success,
// refuses the old one with 412 and, without If-Match, writes (the
// documented behaviour of every update).
func TestEveryUpdateRefusesStaleETag(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		zz, ha, ly := e.unitID("ha-zz"), e.unitID("ha"), e.unitID("ha-ly")
		hook := e.api("POST", "/api/v1/webhooks", "henan", fmt.Sprintf(`{"unit_id": %d, "url": "https://example.invalid/hook", "events": ["*"]}`, zz))
		if hook.status != 201 {
			t.Fatalf("webhook: %d %s", hook.status, hook.body)
		}
		hid := int64(hook.json(t)["id"].(float64))
		grp := e.api("POST", "/api/v1/groups", "office", fmt.Sprintf(`{"kind": "inspection", "name": "标签测试督查组", "theme": "五项管理", "owner_unit_id": %d, "leader_id": %d, "unit_ids": [%d]}`,
			ha, mustUser(t, e, "supervisor"), zz))
		if grp.status != 201 {
			t.Fatalf("group: %d %s", grp.status, grp.body)
		}
		gid := int64(grp.json(t)["id"].(float64))
		user := mustUser(t, e, "operator")
		cat := `{"code": "fees", "name": "乱收费%d", "name_en": "Improper fees", "accept_days": 3, "days": 15, "reply_days": 5, "warn_days": 3, "active": true}`
		for _, u := range []struct {
			op, login, get, method, path string
			body                         func(n int) string
		}{
			{"updateUnit", "admin", fmt.Sprintf("/api/v1/units/%d", zz), "PATCH", fmt.Sprintf("/api/v1/units/%d", zz), func(n int) string { return fmt.Sprintf(`{"name": "郑州市教育局%d"}`, n) }},
			{"moveUnit", "admin", fmt.Sprintf("/api/v1/units/%d", zz), "POST", fmt.Sprintf("/api/v1/units/%d:move", zz), func(n int) string { return fmt.Sprintf(`{"parent_id": %d}`, []int64{ha, ly}[n%2]) }},
			{"updateUser", "admin", fmt.Sprintf("/api/v1/users/%d", user), "PATCH", fmt.Sprintf("/api/v1/users/%d", user), func(n int) string { return fmt.Sprintf(`{"name": "填报员%d"}`, n) }},
			{"moveUser", "admin", fmt.Sprintf("/api/v1/users/%d", user), "POST", fmt.Sprintf("/api/v1/users/%d:move", user), func(n int) string { return fmt.Sprintf(`{"unit_id": %d}`, []int64{zz, ly}[n%2]) }},
			{"updateWebhook", "henan", fmt.Sprintf("/api/v1/webhooks/%d", hid), "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", hid), func(n int) string { return fmt.Sprintf(`{"events": [%q]}`, []string{"unit.*", "item.*"}[n%2]) }},
			{"updateGroup", "office", fmt.Sprintf("/api/v1/groups/%d", gid), "PATCH", fmt.Sprintf("/api/v1/groups/%d", gid), func(n int) string { return fmt.Sprintf(`{"name": "标签测试督查组%d"}`, n) }},
			{"updateComplaintCategory", "handler", "", "PATCH", "/api/v1/complaint-categories/fees", func(n int) string { return fmt.Sprintf(cat, n) }},
			{"setComplaintFloors", "handler", "/api/v1/complaint-floors", "PUT", "/api/v1/complaint-floors", func(n int) string { return fmt.Sprintf(`{"on_time": 9%d, "reply": 95, "satisfaction": 85}`, n) }},
			{"setMailPrefs", "zhengzhou", "/api/v1/me/mail", "PUT", "/api/v1/me/mail", func(n int) string {
				return fmt.Sprintf(`{"kinds": ["reminder"], "lang": %q}`, []string{"zh", "en"}[n%2])
			}},
		} {
			tag := ""
			if u.get != "" {
				r := e.api("GET", u.get, u.login, "")
				if tag = r.header.Get("ETag"); r.status != 200 || tag == "" {
					t.Fatalf("%s: GET %d, ETag %q", u.op, r.status, tag)
				}
			} else {
				// Categories are read from their list; the ETag is the
				// code and the version.
				r := e.api("PATCH", u.path, u.login, u.body(0))
				if tag = r.header.Get("ETag"); r.status != 200 || tag == "" {
					t.Fatalf("%s: first write %d, ETag %q", u.op, r.status, tag)
				}
			}
			r := e.api(u.method, u.path, u.login, u.body(1), "If-Match", tag)
			if r.status != 200 {
				t.Fatalf("%s with its fresh ETag: %d %s", u.op, r.status, r.body)
			}
			if fresh := r.header.Get("ETag"); fresh == "" || fresh == tag {
				t.Fatalf("%s: ETag after the write %q (before %q)", u.op, fresh, tag)
			}
			if r := e.api(u.method, u.path, u.login, u.body(2), "If-Match", tag); r.status != 412 {
				t.Fatalf("%s with a stale ETag: %d %s", u.op, r.status, r.body)
			}
			if r := e.api(u.method, u.path, u.login, u.body(3), "If-Match", `"nonsense"`); r.status != 412 {
				t.Fatalf("%s with another resource's ETag: %d %s", u.op, r.status, r.body)
			}
			if r := e.api(u.method, u.path, u.login, u.body(4)); r.status != 200 {
				t.Fatalf("%s without If-Match: %d %s", u.op, r.status, r.body)
			}
		}
		// An item's lifecycle steps: each answers the item's new ETag; a
		// step taken with the ETag from before the last one is refused.
		c := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "标签测试活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`).json(t)
		it := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%v/items", c["id"]), "henan", fmt.Sprintf(`{"tier_id": %v, "title": "标签测试事项", "leader_name": "测试", "lead_unit_id": %d, "deadline": "2026-12-31"}`,
			c["tiers"].([]any)[0].(map[string]any)["id"], zz))
		item := fmt.Sprintf("/api/v1/items/%v", it.json(t)["id"])
		tag0 := e.api("GET", item, "henan", "").header.Get("ETag")
		r := e.api("POST", item+":approve", "henan", `{}`, "If-Match", tag0)
		tag1 := r.header.Get("ETag")
		if r.status != 200 || tag0 == "" || tag1 == "" || tag1 == tag0 {
			t.Fatalf("approve with a fresh ETag: %d %q → %q %s", r.status, tag0, tag1, r.body)
		}
		if r := e.api("POST", item+":start", "henan", `{}`, "If-Match", tag0); r.status != 412 {
			t.Fatalf("start with a stale ETag: %d %s", r.status, r.body)
		}
		// A complaint's and a finding's workflow steps likewise.
		steps := func(what, get, getLogin, first, firstLogin, firstBody, second, secondLogin, secondBody string) {
			t.Helper()
			tag0 := e.api("GET", get, getLogin, "").header.Get("ETag")
			r := e.api("POST", first, firstLogin, firstBody, "If-Match", tag0)
			tag1 := r.header.Get("ETag")
			if r.status != 200 || tag0 == "" || tag1 == "" || tag1 == tag0 {
				t.Fatalf("%s: first step with a fresh ETag: %d %q → %q %s", what, r.status, tag0, tag1, r.body)
			}
			if r := e.api("POST", second, secondLogin, secondBody, "If-Match", tag0); r.status != 412 {
				t.Fatalf("%s: second step with a stale ETag: %d %s", what, r.status, r.body)
			}
			if r := e.api("POST", second, secondLogin, secondBody, "If-Match", tag1); r.status != 200 {
				t.Fatalf("%s: second step with the fresh ETag: %d %s", what, r.status, r.body)
			}
		}
		cr := e.api("POST", "/api/v1/complaints", "", fmt.Sprintf(`{"category": "fees", "unit_id": %d, "body": "某小学收取课后服务费后又收托管费。", "anonymous": true}`, zz))
		if cr.status != 201 {
			t.Fatalf("complaint: %d %s", cr.status, cr.body)
		}
		cp := fmt.Sprintf("/api/v1/complaints/%v", cr.json(t)["id"])
		steps("complaint", cp, "handler", cp+":accept", "handler", `{}`, cp+":dispatch", "handler", fmt.Sprintf(`{"unit_id": %d, "note": "请核查"}`, zz))
		vr := e.api("POST", "/api/v1/visits", "supervisor", fmt.Sprintf(`{"group_id": %d, "unit_id": %d, "planned_on": "2026-11-02"}`, gid, zz))
		if vr.status != 201 {
			t.Fatalf("visit: %d %s", vr.status, vr.body)
		}
		vid := vr.json(t)["id"]
		if rv := e.form(fmt.Sprintf("/api/v1/visits/%v:record", vid), "supervisor", map[string]string{"visited_on": "2026-11-02", "participants": "张强", "record": "抽查作业公示"}, "记录.txt", []byte("座谈记录\n")); rv.status != 200 {
			t.Fatalf("record visit: %d %s", rv.status, rv.body)
		}
		fr := e.api("POST", "/api/v1/findings", "supervisor", fmt.Sprintf(`{"visit_id": %v, "severity": "major", "description": "作业公示制度未建立", "days": 10}`, vid))
		if fr.status != 201 {
			t.Fatalf("finding: %d %s", fr.status, fr.body)
		}
		fp := fmt.Sprintf("/api/v1/findings/%v", fr.json(t)["id"])
		steps("finding", fp, "zhengzhou", fp+":plan", "zhengzhou", `{"note": "建立作业公示制度"}`, fp+":progress", "zhengzhou", `{"note": "三所学校已公示"}`)

		// A credential's status: suspend with a fresh ETag, then resume
		// with the old one is refused.
		credentialEnv(t, e)
		cr2 := e.api("POST", "/api/v1/credentials", "issuer", `{"type": "cet4", "subject": {"fullName": "张三", "idNumber": "11010519491231002X", "admissionNumber": "1", "totalScore": "520"}}`)
		if cr2.status != 201 {
			t.Fatalf("issue: %d %s", cr2.status, cr2.body)
		}
		cred := fmt.Sprintf("/api/v1/credentials/%v", cr2.json(t)["credential"].(map[string]any)["id"])
		steps("credential", cred, "issuer", cred+":suspend", "issuer", `{"reason": "核查中"}`, cred+":resume", "issuer", `{"reason": "核查完毕"}`)

		// The item page carries the version it showed: a stale form is
		// refused with the reason, the item unchanged.
		b := e.login("henan")
		page := strings.TrimPrefix(item, "/api/v1")
		form := url.Values{"_csrf": {b.csrf("/app" + page)}, "action": {"start"}, "version": {strings.Split(strings.Trim(tag0, `"`), "-")[1]}}
		if r := b.post("/app"+page, form); r.status != 412 || !strings.Contains(r.doc(t).Find(".flash.err").Text(), "刷新") {
			t.Fatalf("stale item form: %d", r.status)
		}
		if got := e.api("GET", item, "henan", "").json(t)["status"]; got != "approved" {
			t.Fatalf("a stale step changed the item: %v", got)
		}
		if r := e.api("POST", item+":start", "henan", `{}`, "If-Match", tag1); r.status != 200 {
			t.Fatalf("start with the fresh ETag: %d %s", r.status, r.body)
		}
	})
}
