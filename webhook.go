package shishi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Webhook is a unit's subscription to events: every audited change of the
// listed types in the unit's subtree is POSTed, signed, to URL.
type Webhook struct {
	ID        int64     `json:"id"`
	UnitID    int64     `json:"unit_id"`
	UnitName  string    `json:"unit_name"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	Version   int64     `json:"version"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WebhookInput creates a subscription.
type WebhookInput struct {
	UnitID int64    `json:"unit_id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// WebhookPatch changes a subscription; nil fields stay.
type WebhookPatch struct {
	URL    *string   `json:"url"`
	Events *[]string `json:"events"`
	Active *bool     `json:"active"`
}

// WebhookCreated is the answer to a creation: the signing secret is shown
// this once.
type WebhookCreated struct {
	Webhook
	Secret string `json:"secret"`
}

// DeliveryStatus: a delivery is pending until the receiver answers 2xx
// (delivered) or its attempts are spent (failed).
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// WebhookDelivery is one event for one subscription: the outbox row and
// its delivery log.
type WebhookDelivery struct {
	ID          int64           `json:"id"`
	WebhookID   int64           `json:"webhook_id"`
	Event       string          `json:"event"`
	Payload     json.RawMessage `json:"payload"`
	Status      DeliveryStatus  `json:"status"`
	Attempts    int             `json:"attempts"`
	LastStatus  int             `json:"last_status"` // the receiver's HTTP status, 0 for none
	LastError   string          `json:"last_error"`
	CreatedAt   time.Time       `json:"created_at"`
	LastTryAt   *time.Time      `json:"last_try_at"`
	DeliveredAt *time.Time      `json:"delivered_at"`
}

// WebhookEvent is the body POSTed to a receiver.
type WebhookEvent struct {
	EventID    int64           `json:"event_id"` // the audit entry's sequence number: the same for every subscription
	Event      string          `json:"event"`    // e.g. "item.approve", "complaint.dispatch"
	OccurredAt time.Time       `json:"occurred_at"`
	UnitID     int64           `json:"unit_id"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Actor      string          `json:"actor"`
	Data       json.RawMessage `json:"data"`
}

// WebhookJob is the payload of a webhook.deliver job.
type WebhookJob struct {
	Delivery int64 `json:"delivery"`
}

// WebhookSend is what a delivery attempt needs.
type WebhookSend struct {
	DeliveryID int64
	URL        string
	Secret     string
	Event      string
	Body       []byte
	Attempts   int // attempts made before this one
}

// WebhookFilter and DeliveryFilter narrow lists (newest first; After is
// the cursor).
type WebhookFilter struct {
	UnitID int64
	After  int64
	Limit  int
}

type DeliveryFilter struct {
	WebhookID int64
	Status    DeliveryStatus
	After     int64
	Limit     int
}

// WebhookFamilies are the event families a subscription may name: the
// audited changes of these entities. Sign-ins, tokens, users and reveals
// of reporters' identities never leave the system this way.
var WebhookFamilies = []string{"unit", "campaign", "item", "report", "evidence", "complaint", "finding", "credential", "application"}

// webhookWithheld are events of those families that are not sent.
var webhookWithheld = map[string]bool{"complaint.reveal": true}

var eventRE = regexp.MustCompile(`^([a-z]+)\.([a-z_]+|\*)$`)

// WebhookEventSent reports whether an audited action is ever sent.
func WebhookEventSent(action string) bool {
	m := eventRE.FindStringSubmatch(action)
	if m == nil || m[2] == "*" || webhookWithheld[action] {
		return false
	}
	for _, f := range WebhookFamilies {
		if f == m[1] {
			return true
		}
	}
	return false
}

// WebhookMatches reports whether a subscription to events gets action:
// "*" for every event, "item.*" for a family, or the exact name.
func WebhookMatches(events []string, action string) bool {
	if !WebhookEventSent(action) {
		return false
	}
	family, _, _ := strings.Cut(action, ".")
	for _, e := range events {
		if e == "*" || e == action || e == family+".*" {
			return true
		}
	}
	return false
}

func validateEvents(v *Validator, events []string) {
	v.Check(len(events) > 0 && len(events) <= 50, "events", "须列出 1–50 个事件类型 / list 1–50 event types")
	for _, e := range events {
		if e == "*" {
			continue
		}
		m := eventRE.FindStringSubmatch(e)
		ok := m != nil && !webhookWithheld[e]
		if ok {
			ok = false
			for _, f := range WebhookFamilies {
				ok = ok || f == m[1]
			}
		}
		if !ok {
			v.Add("events", "未知的事件类型 "+strconv.Quote(e)+"（可用："+strings.Join(WebhookFamilies, "、")+" 加 .* 或具体动作）/ unknown event type "+strconv.Quote(e)+" (use FAMILY.* or FAMILY.action with a family of "+strings.Join(WebhookFamilies, ", ")+", or *)")
			return
		}
	}
}

// ValidateWebhookURL checks a receiver's address: http or https, a host,
// no user information, at most 2000 characters.
func ValidateWebhookURL(v *Validator, s string) {
	u, err := url.Parse(s)
	ok := err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Hostname() != "" && u.User == nil && len(s) <= 2000 && u.Fragment == ""
	v.Check(ok, "url", "须为 http(s)://主机/路径 形式的地址，不含用户名和 # 片段 / must be an http(s)://host/path URL without user info or fragment")
}

// Validate checks a subscription.
func (in *WebhookInput) Validate() error {
	var v Validator
	in.URL = strings.TrimSpace(in.URL)
	v.Check(in.UnitID > 0, "unit_id", "必须选择单位 / a unit is required")
	ValidateWebhookURL(&v, in.URL)
	validateEvents(&v, in.Events)
	return v.Err()
}

// Validate checks a change.
func (p *WebhookPatch) Validate() error {
	var v Validator
	if p.URL != nil {
		*p.URL = strings.TrimSpace(*p.URL)
		ValidateWebhookURL(&v, *p.URL)
	}
	if p.Events != nil {
		validateEvents(&v, *p.Events)
	}
	return v.Err()
}

// PublicAddr reports whether a webhook may be sent to ip when private
// targets are not allowed: not loopback, private (RFC 1918, fc00::/7),
// link-local (the cloud metadata address among them), carrier-grade NAT,
// multicast or unspecified.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 private space
}

// SignatureHeader is the header that carries a delivery's signature:
// "t=UNIX_SECONDS,v1=HEX" where HEX is the HMAC-SHA256, keyed with the
// subscription's secret, of "UNIX_SECONDS." followed by the raw body.
const SignatureHeader = "Shishi-Signature"

// SignWebhook returns the Shishi-Signature value for body sent at t.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + webhookMAC(secret, ts, body)
}

func webhookMAC(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a Shishi-Signature header against body, refusing
// signatures older than tolerance (receivers use it against replays).
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(n, 0)); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(webhookMAC(secret, ts, body)))
}

// WebhookService manages subscriptions and their deliveries. Admins and
// campaign offices manage the subscriptions of units in their reach.
type WebhookService interface {
	// CreateWebhook subscribes a unit; the answer holds the secret, shown
	// once. EINVALID, EFORBIDDEN.
	CreateWebhook(ctx context.Context, in WebhookInput) (*WebhookCreated, error)
	FindWebhooks(ctx context.Context, f WebhookFilter) ([]*Webhook, int, error)
	// FindWebhook: ENOTFOUND outside reach.
	FindWebhook(ctx context.Context, id int64) (*Webhook, error)
	// UpdateWebhook changes a subscription; version 0 skips the check.
	// EINVALID, ENOTFOUND, EPRECONDITION (stale version).
	UpdateWebhook(ctx context.Context, id, version int64, p WebhookPatch) (*Webhook, error)
	// DeleteWebhook ends a subscription; its delivery log stays.
	DeleteWebhook(ctx context.Context, id int64) error
	// FindDeliveries lists deliveries of subscriptions in reach.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*WebhookDelivery, int, error)
	// ReplayDelivery sends a delivery again (delivered or failed ones
	// too), audited. ENOTFOUND, ECONFLICT while it is still pending.
	ReplayDelivery(ctx context.Context, id int64) (*WebhookDelivery, error)
	// PrepareDelivery loads what an attempt sends (the worker).
	// ENOTFOUND when the delivery or its subscription is gone.
	PrepareDelivery(ctx context.Context, id int64) (*WebhookSend, error)
	// RecordDelivery logs an attempt: delivered on ok, failed when final.
	RecordDelivery(ctx context.Context, id int64, status int, errMsg string, ok, final bool) error
}
