package sqlstore_test

import (
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestWebhookOutbox: subscriptions are scoped to their managers' reach,
// refuse loopback and private targets unless allowed, and an audited
// change in the unit's subtree writes one delivery and one queued job in
// its own transaction; changes elsewhere and withheld events write none.
func TestWebhookOutbox(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ha := w.as(t, w.haAdmin)
		for _, u := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "http://169.254.169.254/", "http://[::1]/", "http://10.0.0.8/"} {
			if _, err := w.db.CreateWebhook(ha, shishi.WebhookInput{UnitID: w.zz.ID, URL: u, Events: []string{"*"}}); code(err) != shishi.EINVALID {
				t.Errorf("%s: %v", u, err)
			}
		}
		if _, err := w.db.CreateWebhook(ha, shishi.WebhookInput{UnitID: w.bj.ID, URL: "https://hooks.example.org/x", Events: []string{"*"}}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("outside reach: %v", err)
		}
		h, err := w.db.CreateWebhook(ha, shishi.WebhookInput{UnitID: w.zz.ID, URL: "https://hooks.example.org/x", Events: []string{"unit.*"}})
		if err != nil {
			t.Fatal(err)
		}
		// zz-op holds the office role at Zhengzhou: a manager of its hooks.
		if _, n, _ := w.db.FindWebhooks(w.as(t, w.zzOp), shishi.WebhookFilter{}); n != 1 {
			t.Fatalf("Zhengzhou office sees %d webhooks", n)
		}
		if hs, n, _ := w.db.FindWebhooks(w.as(t, w.au), shishi.WebhookFilter{}); n != 0 || len(hs) != 0 {
			t.Fatalf("auditor sees %d webhooks", n)
		}
		// A unit made under Jinshui (in the subtree) and one under Luoyang.
		if _, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.js.ID, Code: "js-s1", Name: "学校一", Kind: shishi.UnitSchool}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.ly.ID, Code: "ly-s1", Name: "学校二", Kind: shishi.UnitSchool}); err != nil {
			t.Fatal(err)
		}
		ds, n, err := w.db.FindDeliveries(ha, shishi.DeliveryFilter{WebhookID: h.ID})
		if err != nil || n != 1 || ds[0].Event != "unit.create" || ds[0].Status != shishi.DeliveryPending {
			t.Fatalf("deliveries: %d %+v %v", n, ds, err)
		}
		if _, n, _ := w.db.FindJobs(w.sys, shishi.JobFilter{Kind: shishi.JobWebhook}); n != 1 {
			t.Fatalf("%d webhook jobs", n)
		}
		send, err := w.db.PrepareDelivery(w.sys, ds[0].ID)
		if err != nil || send.Secret != h.Secret || send.URL != h.URL {
			t.Fatalf("prepare: %+v %v", send, err)
		}
		// A paused subscription gets nothing.
		off := false
		if _, err := w.db.UpdateWebhook(ha, h.ID, h.Version, shishi.WebhookPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.UpdateWebhook(ha, h.ID, h.Version, shishi.WebhookPatch{Active: &off}); code(err) != shishi.EPRECONDITION {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.js.ID, Code: "js-s2", Name: "学校三", Kind: shishi.UnitSchool}); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := w.db.FindDeliveries(ha, shishi.DeliveryFilter{}); n != 1 {
			t.Fatalf("paused subscription got %d deliveries", n)
		}
		if err := w.db.DeleteWebhook(ha, h.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.PrepareDelivery(w.sys, ds[0].ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("delivery of a deleted webhook: %v", err)
		}
		// Loopback allowed by configuration (tests, closed networks).
		w.db.WebhookAllowPrivate = true
		if _, err := w.db.CreateWebhook(ha, shishi.WebhookInput{UnitID: w.zz.ID, URL: "http://127.0.0.1:9/x", Events: []string{"*"}}); err != nil {
			t.Fatalf("allowed loopback: %v", err)
		}
	})
}
