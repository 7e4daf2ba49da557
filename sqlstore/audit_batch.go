package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/shishi-edu/shishi"
)

// auditBatch chains many entries of one action by one actor in a
// transaction (the import's one entry an item): the head read, and on
// PostgreSQL locked, once; each entry made and hashed by auditEntry, as
// appendAudit makes it, in order; the entries written with multi-row
// INSERTs; the head written once by finish. The webhook outbox rows
// appendAudit writes for an entry with a unit are written the same way,
// when the action is one webhooks are sent and any webhook is active.
type auditBatch struct {
	d       *DB
	ctx     context.Context
	tx      *sql.Tx
	actor   *shishi.Actor
	action  string
	seq     int64
	prev    string
	moved   bool
	rows    *rowsWriter
	hooks   bool
	pending []shishi.AuditEntry
}

func (d *DB) auditRows(ctx context.Context, tx *sql.Tx, action string) (*auditBatch, error) {
	a := shishi.ActorFrom(ctx)
	if a == nil {
		a = &shishi.Actor{Login: "anonymous"}
	}
	b := &auditBatch{d: d, ctx: ctx, tx: tx, actor: a, action: action, rows: d.rowsWriter(ctx, tx, "audit_log", auditColList...)}
	lock := ""
	if d.postgres {
		lock = " FOR UPDATE"
	}
	if err := on(ctx, tx).QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&b.seq, &b.prev); err != nil {
		return nil, shishi.Internal(err)
	}
	if shishi.WebhookEventSent(action) {
		var n int
		if err := on(ctx, tx).QueryRowContext(ctx, `SELECT count(*) FROM webhooks WHERE active = $1 AND deleted_at IS NULL`, true).Scan(&n); err != nil {
			return nil, shishi.Internal(err)
		}
		b.hooks = n > 0
	}
	return b, nil
}

// auditColList is auditCols as a list, in its order.
var auditColList = strings.Split(auditCols, ", ")

// add chains the next entry.
func (b *auditBatch) add(entity string, entityID int64, unitID *int64, detail string) {
	b.addAs(b.actor, entity, entityID, unitID, detail)
}

// addAs chains the next entry as actor a (a batch of public submissions
// holds entries of several actors).
func (b *auditBatch) addAs(a *shishi.Actor, entity string, entityID int64, unitID *int64, detail string) {
	e := b.d.auditEntry(a, b.seq, b.prev, b.action, entity, entityID, unitID, detail)
	b.seq, b.prev, b.moved = e.Seq, e.Hash, true
	b.rows.add(e.Seq, e.At, e.ActorID, e.ActorLogin, e.IP, e.Action, e.Entity, e.EntityID, e.UnitID, e.Detail, e.PrevHash, e.Hash)
	if b.hooks && unitID != nil {
		b.pending = append(b.pending, e)
	}
}

// flush writes the entries added so far and their outbox rows.
func (b *auditBatch) flush() error {
	if err := b.rows.flush(); err != nil {
		return shishi.Internal(err)
	}
	for _, e := range b.pending {
		if err := b.d.emitWebhooks(b.ctx, b.tx, auditEvent(e)); err != nil {
			return err
		}
	}
	b.pending = b.pending[:0]
	return nil
}

// finish flushes and writes the head.
func (b *auditBatch) finish() error {
	if err := b.flush(); err != nil {
		return err
	}
	if !b.moved {
		return nil
	}
	if _, err := on(b.ctx, b.tx).ExecContext(b.ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, b.seq, b.prev); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

func (b *auditBatch) close() { b.rows.close() }
