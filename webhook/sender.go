// Package webhook delivers Shishi's outgoing webhooks: a signed POST to
// the subscriber's URL over a client that refuses to connect to loopback,
// private and link-local addresses (unless allowed), follows no
// redirects and uses no proxy, so a subscription cannot turn the server
// into a probe of its own network. It imports the domain only.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/shishi-edu/shishi"
)

// ErrTarget is returned when the receiver's address is not allowed.
var ErrTarget = errors.New("webhook target address not allowed (loopback, private or link-local) / 不允许发往本机或内网地址")

// Sender sends deliveries.
type Sender struct {
	// AllowPrivate permits loopback and private targets (tests, closed
	// networks).
	AllowPrivate bool
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
	// Now is the clock of the signature (default time.Now).
	Now    func() time.Time
	client *http.Client
}

func (s *Sender) httpClient() *http.Client {
	if s.client != nil {
		return s.client
	}
	if s.Timeout == 0 {
		s.Timeout = 10 * time.Second
	}
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return ErrTarget
		}
		if !s.AllowPrivate && !shishi.PublicAddr(ap.Addr()) {
			return ErrTarget
		}
		return nil
	}}
	s.client = &http.Client{
		Timeout: s.Timeout,
		Transport: &http.Transport{DialContext: d.DialContext, Proxy: nil, TLSHandshakeTimeout: 5 * time.Second,
			MaxIdleConns: 20, IdleConnTimeout: 60 * time.Second, ResponseHeaderTimeout: s.Timeout},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s.client
}

// Send makes one attempt: it POSTs the body signed with the secret and
// returns the receiver's status; an error unless it answered 2xx.
func (s *Sender) Send(ctx context.Context, d *shishi.WebhookSend) (int, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Shishi-Webhook/"+shishi.Version)
	req.Header.Set("Shishi-Event", d.Event)
	req.Header.Set("Shishi-Delivery", strconv.FormatInt(d.DeliveryID, 10))
	req.Header.Set(shishi.SignatureHeader, shishi.SignWebhook(d.Secret, now(), d.Body))
	res, err := s.httpClient().Do(req)
	if err != nil {
		if errors.Is(err, ErrTarget) {
			return 0, ErrTarget
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("receiver answered %d %s", res.StatusCode, http.StatusText(res.StatusCode))
	}
	return res.StatusCode, nil
}
