package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// fastQueue makes the job queue look for work often and retry at once, so
// tests need not wait out real backoffs.
func fastQueue(c *app.Config) {
	c.JobPoll = 20 * time.Millisecond
	c.JobBackoff = func(int) time.Duration { return 0 }
	c.WebhookAllowPrivate = true // the receivers listen on loopback
}

// receiver is a webhook endpoint that fails its first fails requests.
type receiver struct {
	mu    sync.Mutex
	fails int
	got   []received
	srv   *httptest.Server
}

type received struct {
	status int
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, fails int) *receiver {
	rc := &receiver{fails: fails}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		st := http.StatusOK
		if len(rc.got) < rc.fails {
			st = http.StatusServiceUnavailable
		}
		rc.got = append(rc.got, received{status: st, header: r.Header.Clone(), body: b})
		w.WriteHeader(st)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// waitUntil polls cond until it holds (or fails the test after a minute).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWebhookRetriedUntilDelivered: a receiver that fails three times then
// succeeds gets the event once, with a valid signature; the delivery log
// shows four attempts; an admin's replay sends it again.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startConfig(t, dsn, false, nil, fastQueue)
		rc := newReceiver(t, 3)
		zz := e.unitID("ha-zz")
		body := fmt.Sprintf(`{"unit_id": %d, "url": %q, "events": ["unit.*"]}`, zz, rc.srv.URL+"/hook")
		// An operator may not subscribe; the office of Henan may.
		if r := e.api("POST", "/api/v1/webhooks", "zhengzhou", body); r.status != 403 {
			t.Fatalf("operator subscribes: %d %s", r.status, r.body)
		}
		if r := e.api("POST", "/api/v1/webhooks", "henan", `{"unit_id": 1, "url": "ftp://x", "events": ["auth.*"]}`); r.status != 422 || !strings.Contains(string(r.body), `"url"`) || !strings.Contains(string(r.body), `"events"`) {
			t.Fatalf("bad subscription: %d %s", r.status, r.body)
		}
		r := e.api("POST", "/api/v1/webhooks", "henan", body)
		if r.status != 201 || r.header.Get("ETag") == "" {
			t.Fatalf("subscribe: %d %s", r.status, r.body)
		}
		hook := r.json(t)
		secret, _ := hook["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		if r := e.api("GET", fmt.Sprintf("/api/v1/webhooks/%v", hook["id"]), "henan", ""); strings.Contains(string(r.body), secret) {
			t.Fatal("the secret is shown again")
		}
		// An audited change in the unit's subtree: a new school under Zhengzhou.
		r = e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-hook", "name": "钩子测试学校", "kind": "school"}`, zz))
		if r.status != 201 {
			t.Fatalf("create unit: %d %s", r.status, r.body)
		}
		school := r.json(t)["id"]
		// A change elsewhere (Beijing) is none of this subscription's business.
		if r := e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "bj-hook", "name": "北京测试学校", "kind": "school"}`, e.unitID("bj"))); r.status != 201 {
			t.Fatalf("create unit: %d", r.status)
		}
		deliveries := func() []any {
			return e.api("GET", fmt.Sprintf("/api/v1/webhook-deliveries?webhook=%v", hook["id"]), "henan", "").json(t)["items"].([]any)
		}
		waitUntil(t, "the delivery", func() bool {
			ds := deliveries()
			return len(ds) == 1 && ds[0].(map[string]any)["status"] == "delivered"
		})
		got := rc.requests()
		ok := 0
		for _, g := range got {
			if g.status == 200 {
				ok++
			}
		}
		if len(got) != 4 || ok != 1 {
			t.Fatalf("%d requests, %d accepted; want 4 and 1", len(got), ok)
		}
		last := got[3]
		if !shishi.VerifyWebhook(secret, last.header.Get("Shishi-Signature"), last.body, time.Now(), 5*time.Minute) {
			t.Fatalf("signature %q does not verify", last.header.Get("Shishi-Signature"))
		}
		if shishi.VerifyWebhook("whsec_wrong", last.header.Get("Shishi-Signature"), last.body, time.Now(), 5*time.Minute) {
			t.Fatal("a wrong secret verifies")
		}
		for _, g := range got {
			if g.header.Get("Shishi-Delivery") != last.header.Get("Shishi-Delivery") || g.header.Get("Shishi-Event") != "unit.create" {
				t.Fatalf("attempts differ: %v", g.header)
			}
		}
		if !strings.Contains(string(last.body), `"event":"unit.create"`) || !strings.Contains(string(last.body), fmt.Sprintf(`"entity_id":"%v"`, school)) {
			t.Fatalf("body %s", last.body)
		}
		d := deliveries()[0].(map[string]any)
		if d["attempts"] != 4.0 || d["last_status"] != 200.0 {
			t.Fatalf("delivery log: %v", d)
		}
		// Replay: the receiver gets the same delivery again.
		r = e.api("POST", fmt.Sprintf("/api/v1/webhook-deliveries/%v:replay", d["id"]), "henan", "")
		if r.status != 200 {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}
		waitUntil(t, "the replay", func() bool {
			return len(rc.requests()) == 5 && deliveries()[0].(map[string]any)["status"] == "delivered"
		})
		if rc.requests()[4].header.Get("Shishi-Delivery") != last.header.Get("Shishi-Delivery") {
			t.Fatal("replay is another delivery")
		}
		// A stale If-Match is refused; a current one changes the subscription.
		path := fmt.Sprintf("/api/v1/webhooks/%v", hook["id"])
		tag := e.api("GET", path, "henan", "").header.Get("ETag")
		if r := e.api("PATCH", path, "henan", `{"active": false}`, "If-Match", tag); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		if r := e.api("PATCH", path, "henan", `{"active": true}`, "If-Match", tag); r.status != 412 {
			t.Fatalf("stale patch: %d %s", r.status, r.body)
		}
	})
}

// TestWebhookDeadLetter: a receiver that never answers 2xx spends the
// delivery's attempts: the job is a dead letter an admin lists and puts
// back, the delivery is marked failed.
func TestWebhookDeadLetter(t *testing.T) {
	e := startConfig(t, testdb.SQLite(t), false, nil, fastQueue)
	rc := newReceiver(t, 1000)
	zz := e.unitID("ha-zz")
	r := e.api("POST", "/api/v1/webhooks", "admin", fmt.Sprintf(`{"unit_id": %d, "url": %q, "events": ["unit.create"]}`, zz, rc.srv.URL))
	if r.status != 201 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-dead", "name": "死信测试学校", "kind": "school"}`, zz))
	var dead map[string]any
	waitUntil(t, "the dead letter", func() bool {
		items := e.api("GET", "/api/v1/jobs?status=dead", "admin", "").json(t)["items"].([]any)
		if len(items) == 1 {
			dead = items[0].(map[string]any)
		}
		return dead != nil
	})
	if dead["kind"] != shishi.JobWebhook || dead["attempts"] != float64(shishi.DefaultMaxAttempts) || !strings.Contains(dead["last_error"].(string), "503") {
		t.Fatalf("dead letter: %v", dead)
	}
	if n := len(rc.requests()); n != shishi.DefaultMaxAttempts {
		t.Fatalf("%d attempts reached the receiver", n)
	}
	ds := e.api("GET", "/api/v1/webhook-deliveries?status=failed", "admin", "").json(t)
	if ds["total"] != 1.0 {
		t.Fatalf("failed deliveries: %v", ds)
	}
	// Only administrators see the queue.
	if r := e.api("GET", "/api/v1/jobs", "henan", ""); r.status != 403 {
		t.Fatalf("office lists jobs: %d", r.status)
	}
	rc.mu.Lock()
	rc.fails = 0 // the receiver is mended
	rc.mu.Unlock()
	if r := e.api("POST", fmt.Sprintf("/api/v1/jobs/%v:retry", dead["id"]), "admin", ""); r.status != 200 {
		t.Fatalf("retry: %d %s", r.status, r.body)
	}
	waitUntil(t, "the retried job", func() bool {
		return e.api("GET", "/api/v1/webhook-deliveries?status=delivered", "admin", "").json(t)["total"] == 1.0
	})
}

// TestIntegrationPage: an administrator subscribes through the page, sees
// the secret once, the delivery log fills, and a replay is one click; an
// operator has no such page.
func TestIntegrationPage(t *testing.T) {
	e := startConfig(t, testdb.SQLite(t), false, nil, fastQueue)
	rc := newReceiver(t, 0)
	admin := e.login("admin")
	zz := e.unitID("ha-zz")
	form := url.Values{"_csrf": {admin.csrf("/app/integrations")}, "action": {"webhook_create"}, "unit_id": {fmt.Sprint(zz)}, "url": {rc.srv.URL}, "events": {"unit.*，item.*"}}
	r := admin.post("/app/integrations", form)
	if r.status != 201 || !strings.HasPrefix(r.doc(t).Find("#new-secret").Text(), "whsec_") {
		t.Fatalf("subscribe on the page: %d", r.status)
	}
	form.Set("url", "not a url")
	if r := admin.post("/app/integrations", form); r.status != 422 || r.doc(t).Find(".field-err").Length() == 0 {
		t.Fatalf("bad URL on the page: %d", r.status)
	}
	e.api("POST", "/api/v1/units", "admin", fmt.Sprintf(`{"parent_id": %d, "code": "ha-zz-page", "name": "页面测试学校", "kind": "school"}`, zz))
	waitUntil(t, "the delivery on the page", func() bool {
		return admin.get("/app/integrations").doc(t).Find("#deliveries .badge.green").Length() == 1
	})
	d := admin.get("/app/integrations").doc(t)
	id, _ := d.Find("#deliveries input[name=id]").Attr("value")
	r = admin.post("/app/integrations", url.Values{"_csrf": {admin.csrf("/app/integrations")}, "action": {"replay"}, "id": {id}})
	if r.status != 303 {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
	waitUntil(t, "the replayed delivery", func() bool { return len(rc.requests()) == 2 })
	if d.Find("#dead").Length() != 1 || d.Find("#webhooks tbody tr").Length() != 1 {
		t.Fatal("the page lacks the dead letters or the subscription")
	}
	if r := e.login("zhengzhou").get("/app/integrations"); r.status != 403 {
		t.Fatalf("operator opens the integration page: %d", r.status)
	}
}
