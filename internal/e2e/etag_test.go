package e2e

import (
	"fmt"
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
	})
}
