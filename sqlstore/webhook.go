package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

const webhookSealPurpose = "webhook-secret"

var webhookManagers = []shishi.Role{shishi.RoleAdmin, shishi.RoleOffice}

const webhookCols = `w.id, w.unit_id, u.name, w.url, w.events, w.active, w.version, w.created_by, w.created_at, w.updated_at`

func scanWebhook(s interface{ Scan(...any) error }) (*shishi.Webhook, error) {
	var w shishi.Webhook
	var events string
	if err := s.Scan(&w.ID, &w.UnitID, &w.UnitName, &w.URL, &events, &w.Active, &w.Version, &w.CreatedBy, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return nil, err
	}
	w.Events = strings.Split(events, ",")
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	return &w, nil
}

// checkTarget refuses a receiver whose host is a literal non-public
// address unless private targets are allowed; names are checked again at
// every delivery, after resolution.
func (d *DB) checkTarget(raw string) error {
	if d.WebhookAllowPrivate {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil // Validate said so already
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); (err == nil && !shishi.PublicAddr(ip)) || strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return shishi.Invalid(shishi.FieldError{Field: "url", Message: "不允许发往本机或内网地址 / loopback and private addresses are not allowed as webhook targets"})
	}
	return nil
}

func (d *DB) findWebhook(ctx context.Context, db queryer, id int64) (*shishi.Webhook, error) {
	a := shishi.ActorFrom(ctx)
	var q args
	w, err := scanWebhook(db.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks w JOIN units u ON u.id = w.unit_id
		WHERE w.id = `+q.add(id)+` AND w.deleted_at IS NULL AND `+reach(a, "u.path", &q, webhookManagers...), q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "订阅不存在 / webhook %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return w, nil
}

// CreateWebhook implements shishi.WebhookService.
func (d *DB) CreateWebhook(ctx context.Context, in shishi.WebhookInput) (*shishi.WebhookCreated, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := d.checkTarget(in.URL); err != nil {
		return nil, err
	}
	a := shishi.ActorFrom(ctx)
	plain := "whsec_" + secret.Token(24)
	sealed, err := d.keys.Seal(webhookSealPurpose, []byte(plain))
	if err != nil {
		return nil, shishi.Internal(err)
	}
	var out *shishi.WebhookCreated
	err = d.tx(ctx, func(tx *sql.Tx) error {
		var q args
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units ru WHERE ru.id = `+q.add(in.UnitID)+` AND `+reach(a, "ru.path", &q, webhookManagers...), q...).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if n == 0 {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有该单位的系统管理员或活动办可以订阅 / only the unit's administrators or campaign office subscribe")
		}
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (unit_id, url, events, secret, active, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			in.UnitID, in.URL, strings.Join(in.Events, ","), sealed, true, a.Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "webhook.create", "webhook", id, &in.UnitID, in); err != nil {
			return err
		}
		w, err := d.findWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		out = &shishi.WebhookCreated{Webhook: *w, Secret: plain}
		return nil
	})
	return out, err
}

// FindWebhooks implements shishi.WebhookService.
func (d *DB) FindWebhooks(ctx context.Context, f shishi.WebhookFilter) ([]*shishi.Webhook, int, error) {
	a := shishi.ActorFrom(ctx)
	var q args
	where := `w.deleted_at IS NULL AND ` + reach(a, "u.path", &q, webhookManagers...)
	if f.UnitID > 0 {
		where += " AND w.unit_id = " + q.add(f.UnitID)
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM webhooks w JOIN units u ON u.id = w.unit_id WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND w.id < " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks w JOIN units u ON u.id = w.unit_id WHERE `+where+` ORDER BY w.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, w)
	}
	return out, total, rows.Err()
}

// FindWebhook implements shishi.WebhookService.
func (d *DB) FindWebhook(ctx context.Context, id int64) (*shishi.Webhook, error) {
	return d.findWebhook(ctx, d.read(), id)
}

// UpdateWebhook implements shishi.WebhookService.
func (d *DB) UpdateWebhook(ctx context.Context, id, version int64, p shishi.WebhookPatch) (*shishi.Webhook, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.URL != nil {
		if err := d.checkTarget(*p.URL); err != nil {
			return nil, err
		}
	}
	var out *shishi.Webhook
	err := d.tx(ctx, func(tx *sql.Tx) error {
		w, err := d.findWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != w.Version {
			return shishi.Errorf(shishi.EPRECONDITION, "订阅已被他人修改，请刷新后重试 / the webhook changed since you read it (version %d, now %d)", version, w.Version)
		}
		if p.URL != nil {
			w.URL = *p.URL
		}
		if p.Events != nil {
			w.Events = *p.Events
		}
		if p.Active != nil {
			w.Active = *p.Active
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET url = $1, events = $2, active = $3, version = version + 1, updated_at = $4 WHERE id = $5`,
			w.URL, strings.Join(w.Events, ","), w.Active, d.now(), id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "webhook.update", "webhook", id, &w.UnitID, p); err != nil {
			return err
		}
		out, err = d.findWebhook(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteWebhook implements shishi.WebhookService.
func (d *DB) DeleteWebhook(ctx context.Context, id int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		w, err := d.findWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET deleted_at = $1, active = $2, version = version + 1 WHERE id = $3`, d.now(), false, id); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "webhook.delete", "webhook", id, &w.UnitID, map[string]string{"url": w.URL})
	})
}

const deliveryCols = `x.id, x.webhook_id, x.event, x.payload, x.status, x.attempts, x.last_status, x.last_error, x.created_at, x.last_try_at, x.delivered_at`

// scanDelivery reads deliveryCols and then any extra columns into extra.
func scanDelivery(s interface{ Scan(...any) error }, extra ...any) (*shishi.WebhookDelivery, error) {
	var x shishi.WebhookDelivery
	var payload string
	var last, done sql.NullTime
	if err := s.Scan(append([]any{&x.ID, &x.WebhookID, &x.Event, &payload, &x.Status, &x.Attempts, &x.LastStatus, &x.LastError, &x.CreatedAt, &last, &done}, extra...)...); err != nil {
		return nil, err
	}
	x.Payload = json.RawMessage(payload)
	x.CreatedAt, x.LastTryAt, x.DeliveredAt = x.CreatedAt.UTC(), nullTime(last), nullTime(done)
	return &x, nil
}

// deliveryFrom joins a delivery to its subscription's unit (deleted
// subscriptions included: their log stays readable).
const deliveryFrom = ` FROM webhook_deliveries x JOIN webhooks w ON w.id = x.webhook_id JOIN units u ON u.id = w.unit_id `

// FindDeliveries implements shishi.WebhookService.
func (d *DB) FindDeliveries(ctx context.Context, f shishi.DeliveryFilter) ([]*shishi.WebhookDelivery, int, error) {
	a := shishi.ActorFrom(ctx)
	var q args
	where := reach(a, "u.path", &q, webhookManagers...)
	if f.WebhookID > 0 {
		where += " AND x.webhook_id = " + q.add(f.WebhookID)
	}
	if f.Status != "" {
		where += " AND x.status = " + q.add(string(f.Status))
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+deliveryFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND x.id < " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+deliveryCols+deliveryFrom+`WHERE `+where+` ORDER BY x.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.WebhookDelivery{}
	for rows.Next() {
		x, err := scanDelivery(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

func (d *DB) findDelivery(ctx context.Context, db queryer, id int64) (*shishi.WebhookDelivery, int64, error) {
	a := shishi.ActorFrom(ctx)
	var q args
	var unit int64
	x, err := scanDelivery(db.QueryRowContext(ctx, `SELECT `+deliveryCols+`, w.unit_id`+deliveryFrom+`WHERE x.id = `+q.add(id)+` AND `+reach(a, "u.path", &q, webhookManagers...), q...), &unit)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, shishi.Errorf(shishi.ENOTFOUND, "投递记录不存在 / delivery %d not found", id)
	} else if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	return x, unit, nil
}

// ReplayDelivery implements shishi.WebhookService.
func (d *DB) ReplayDelivery(ctx context.Context, id int64) (*shishi.WebhookDelivery, error) {
	var out *shishi.WebhookDelivery
	err := d.tx(ctx, func(tx *sql.Tx) error {
		x, unit, err := d.findDelivery(ctx, tx, id)
		if err != nil {
			return err
		}
		if x.Status == shishi.DeliveryPending {
			return shishi.Errorf(shishi.ECONFLICT, "该投递仍在进行中 / the delivery is still pending")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1 WHERE id = $2`, string(shishi.DeliveryPending), id); err != nil {
			return shishi.Internal(err)
		}
		if _, err := d.enqueue(ctx, tx, shishi.JobInput{Kind: shishi.JobWebhook, Payload: shishi.WebhookJob{Delivery: id}, UnitID: &unit}); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "webhook.replay", "webhook_delivery", id, &unit, map[string]any{"webhook": x.WebhookID, "event": x.Event, "was": x.Status}); err != nil {
			return err
		}
		out, _, err = d.findDelivery(ctx, tx, id)
		return err
	})
	return out, err
}

// PrepareDelivery implements shishi.WebhookService.
func (d *DB) PrepareDelivery(ctx context.Context, id int64) (*shishi.WebhookSend, error) {
	var s shishi.WebhookSend
	var sealed string
	var deleted sql.NullTime
	err := d.read().QueryRowContext(ctx, `SELECT x.id, w.url, w.secret, x.event, x.payload, x.attempts, w.deleted_at FROM webhook_deliveries x JOIN webhooks w ON w.id = x.webhook_id WHERE x.id = $1`, id).
		Scan(&s.DeliveryID, &s.URL, &sealed, &s.Event, &s.Body, &s.Attempts, &deleted)
	if errors.Is(err, sql.ErrNoRows) || deleted.Valid {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "投递或订阅已不存在 / delivery %d or its webhook is gone", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	plain, err := d.keys.Open(webhookSealPurpose, sealed)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	s.Secret = string(plain)
	return &s, nil
}

// RecordDelivery implements shishi.WebhookService.
func (d *DB) RecordDelivery(ctx context.Context, id int64, status int, errMsg string, ok, final bool) error {
	now := d.now()
	st := shishi.DeliveryPending
	var delivered any
	switch {
	case ok:
		st, delivered = shishi.DeliveryDelivered, now
	case final:
		st = shishi.DeliveryFailed
	}
	_, err := d.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status = $2, last_error = $3, last_try_at = $4,
		delivered_at = COALESCE($5, delivered_at) WHERE id = $6`, string(st), status, truncate(errMsg, 1000), now, delivered, id)
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// emitWebhooks writes the outbox rows of an audited change, in its
// transaction: one delivery and one queue job per active subscription of
// the unit or an ancestor that asked for the event.
func (d *DB) emitWebhooks(ctx context.Context, tx *sql.Tx, e shishi.WebhookEvent) error {
	if e.UnitID == 0 || !shishi.WebhookEventSent(e.Event) {
		return nil
	}
	rows, err := on(ctx, tx).QueryContext(ctx, `SELECT w.id, w.unit_id, w.events FROM webhooks w JOIN units wu ON wu.id = w.unit_id JOIN units eu ON eu.id = $1
		WHERE w.active = $2 AND w.deleted_at IS NULL AND eu.path LIKE wu.path || '%' ORDER BY w.id`, e.UnitID, true)
	if err != nil {
		return shishi.Internal(err)
	}
	type hook struct{ id, unit int64 }
	var hooks []hook
	for rows.Next() {
		var h hook
		var events string
		if err := rows.Scan(&h.id, &h.unit, &events); err != nil {
			rows.Close()
			return shishi.Internal(err)
		}
		if shishi.WebhookMatches(strings.Split(events, ","), e.Event) {
			hooks = append(hooks, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return shishi.Internal(err)
	}
	if len(hooks) == 0 {
		return nil
	}
	body, err := json.Marshal(e)
	if err != nil {
		return shishi.Internal(err)
	}
	for _, h := range hooks {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			h.id, e.Event, string(body), string(shishi.DeliveryPending), d.now()).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if _, err := d.enqueue(ctx, tx, shishi.JobInput{Kind: shishi.JobWebhook, Payload: shishi.WebhookJob{Delivery: id}, UnitID: &h.unit}); err != nil {
			return err
		}
	}
	return nil
}

var _ shishi.WebhookService = (*DB)(nil)
