package shishi_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
)

func TestPublicAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"93.184.216.34": true, "2606:4700::1111": true, "114.114.114.114": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fd00::1": false, "fe80::1": false, "::ffff:127.0.0.1": false,
		"224.0.0.1": false, "64:ff9b::a00:1": false,
	} {
		if got := shishi.PublicAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
}

func TestWebhookMatches(t *testing.T) {
	cases := []struct {
		events []string
		action string
		want   bool
	}{
		{[]string{"*"}, "item.approve", true},
		{[]string{"item.*"}, "item.approve", true},
		{[]string{"item.approve"}, "item.approve", true},
		{[]string{"item.close"}, "item.approve", false},
		{[]string{"*"}, "auth.login", false},       // never sent
		{[]string{"*"}, "complaint.reveal", false}, // never sent
		{[]string{"*"}, "token.create", false},     // never sent
		{[]string{"complaint.*"}, "complaint.dispatch", true},
	}
	for _, c := range cases {
		if got := shishi.WebhookMatches(c.events, c.action); got != c.want {
			t.Errorf("%v %s: %v", c.events, c.action, got)
		}
	}
	for _, bad := range [][]string{nil, {"auth.*"}, {"complaint.reveal"}, {"item"}, {"ITEM.*"}} {
		in := shishi.WebhookInput{UnitID: 1, URL: "https://example.org/hook", Events: bad}
		if err := in.Validate(); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("events %v accepted", bad)
		}
	}
	for _, bad := range []string{"ftp://example.org", "https://user:pw@example.org/", "example.org/hook", "https:///x", "https://example.org/#x"} {
		in := shishi.WebhookInput{UnitID: 1, URL: bad, Events: []string{"*"}}
		if err := in.Validate(); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("url %q accepted", bad)
		}
	}
}

func TestWebhookSignature(t *testing.T) {
	at := time.Unix(1700000000, 0)
	body := []byte(`{"event":"item.approve"}`)
	sig := shishi.SignWebhook("k", at, body)
	// A receiver computes HMAC-SHA256(secret, "1700000000." + body), e.g.
	// python3: hmac.new(b"k", b'1700000000.{"event":"item.approve"}', hashlib.sha256).hexdigest()
	if want := "t=1700000000,v1=30ee940cf1839d0d296fa02c13017f6c4736c5fe41a7d0a8f824039e0d618d91"; sig != want {
		t.Fatalf("signature %s, want %s", sig, want)
	}
	if !shishi.VerifyWebhook("k", sig, body, at.Add(time.Minute), 5*time.Minute) {
		t.Fatal("fresh signature refused")
	}
	if shishi.VerifyWebhook("k", sig, body, at.Add(10*time.Minute), 5*time.Minute) {
		t.Fatal("old signature accepted")
	}
	if shishi.VerifyWebhook("k", sig, append(body, ' '), at, time.Minute) || shishi.VerifyWebhook("k", "v1=00", body, at, time.Minute) {
		t.Fatal("tampered body or bare signature accepted")
	}
}
