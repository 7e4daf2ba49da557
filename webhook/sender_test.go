package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/webhook"
)

// TestSenderRefusesPrivateTargets: without AllowPrivate the client will not
// connect to loopback (nor, by the same check, to any private address a
// name resolves to), and it follows no redirect.
func TestSenderRefusesPrivateTargets(t *testing.T) {
	var got []*http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		body, _ = io.ReadAll(r.Body)
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}
	}))
	defer srv.Close()
	d := &shishi.WebhookSend{DeliveryID: 7, URL: srv.URL + "/hook", Secret: "s3cret", Event: "item.approve", Body: []byte(`{"event":"item.approve"}`)}
	strict := &webhook.Sender{}
	if _, err := strict.Send(context.Background(), d); !errors.Is(err, webhook.ErrTarget) {
		t.Fatalf("loopback target: %v", err)
	}
	for _, u := range []string{"http://localhost:1/", "http://[::1]:1/", "http://169.254.169.254/latest/meta-data/"} {
		d2 := *d
		d2.URL = u
		if _, err := strict.Send(context.Background(), &d2); !errors.Is(err, webhook.ErrTarget) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if len(got) != 0 {
		t.Fatal("a refused target was reached")
	}
	now := time.Unix(1700000000, 0)
	open := &webhook.Sender{AllowPrivate: true, Now: func() time.Time { return now }}
	if st, err := open.Send(context.Background(), d); st != 200 || err != nil {
		t.Fatalf("allowed: %d %v", st, err)
	}
	h := got[0].Header
	if h.Get("Shishi-Delivery") != "7" || h.Get("Shishi-Event") != "item.approve" || h.Get("Content-Type") != "application/json" ||
		!shishi.VerifyWebhook("s3cret", h.Get(shishi.SignatureHeader), body, now, time.Minute) {
		t.Fatalf("headers %v", h)
	}
	d.URL = srv.URL + "/moved"
	if st, err := open.Send(context.Background(), d); st != http.StatusFound || err == nil || len(got) != 2 {
		t.Fatalf("redirect followed or accepted: %d %v (%d requests)", st, err, len(got))
	}
}
