package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// appendAudit writes one audit entry in tx, chained to the current head.
// It is called inside the transaction of the change it records, so the
// change and its entry land together or not at all.
func (d *DB) appendAudit(ctx context.Context, tx *sql.Tx, action, entity string, entityID int64, unitID *int64, detail any) error {
	a := shishi.ActorFrom(ctx)
	if a == nil {
		a = &shishi.Actor{Login: "anonymous"}
	}
	text := "{}"
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return shishi.Internal(err)
		}
		text = string(b)
	}
	lock := ""
	if d.postgres {
		lock = " FOR UPDATE"
	}
	var e shishi.AuditEntry
	if err := on(ctx, tx).QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&e.Seq, &e.PrevHash); err != nil {
		return shishi.Internal(err)
	}
	e = d.auditEntry(a, e.Seq, e.PrevHash, action, entity, entityID, unitID, text)
	if _, err := on(ctx, tx).ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_login, ip, action, entity, entity_id, unit_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Seq, e.At, e.ActorID, e.ActorLogin, e.IP, e.Action, e.Entity, e.EntityID, e.UnitID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return shishi.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return shishi.Internal(err)
	}
	// Every audited change of a unit is an event its webhooks may want:
	// the outbox rows are written here, in the change's transaction.
	if unitID != nil {
		return d.emitWebhooks(ctx, tx, auditEvent(e))
	}
	return nil
}

// auditEvent is the webhook event of an entry that has a unit.
func auditEvent(e shishi.AuditEntry) shishi.WebhookEvent {
	return shishi.WebhookEvent{EventID: e.Seq, Event: e.Action, OccurredAt: e.At, UnitID: *e.UnitID,
		Entity: e.Entity, EntityID: e.EntityID, Actor: e.ActorLogin, Data: json.RawMessage(e.Detail)}
}

// auditEntry is the entry after (seq, prev) in the chain, its hash
// computed: appendAudit and the import's bulk write (auditRows) chain
// entries the same way.
func (d *DB) auditEntry(a *shishi.Actor, seq int64, prev, action, entity string, entityID int64, unitID *int64, detail string) shishi.AuditEntry {
	e := shishi.AuditEntry{Seq: seq + 1, PrevHash: prev, At: d.now(), ActorID: a.UserID, ActorLogin: a.Login, IP: a.IP,
		Action: action, Entity: entity, UnitID: unitID, Detail: detail}
	if entityID != 0 {
		e.EntityID = strconv.FormatInt(entityID, 10)
	}
	e.Hash = e.Digest(d.auditKey)
	return e
}

// Audit records an event that changes no other row (a failed login, a
// reveal of protected data) in a transaction of its own.
func (d *DB) Audit(ctx context.Context, action, entity string, entityID int64, unitID *int64, detail any) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		return d.appendAudit(ctx, tx, action, entity, entityID, unitID, detail)
	})
}

const auditCols = `seq, at, actor_id, actor_login, ip, action, entity, entity_id, unit_id, detail, prev_hash, hash`

func scanAudit(s interface{ Scan(...any) error }) (*shishi.AuditEntry, error) {
	var e shishi.AuditEntry
	var unit sql.NullInt64
	if err := s.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorLogin, &e.IP, &e.Action, &e.Entity, &e.EntityID, &unit, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = e.At.UTC()
	if unit.Valid {
		e.UnitID = &unit.Int64
	}
	return &e, nil
}

// FindAudit implements shishi.AuditService. Only the security auditor reads
// the log, and only entries of units in the auditor's reach; entries with no
// unit (system events) only an auditor at a root unit sees.
func (d *DB) FindAudit(ctx context.Context, f shishi.AuditFilter) ([]*shishi.AuditEntry, int, error) {
	a := shishi.ActorFrom(ctx)
	if !a.IsSystem() && !a.Has(shishi.RoleAuditor) {
		return nil, 0, shishi.Errorf(shishi.EFORBIDDEN, "只有安全审计员可以查看审计日志 / only the security auditor reads the audit log")
	}
	var q args
	where := "(" + unitInReach(a, "l.unit_id", &q, shishi.RoleAuditor) +
		" OR (l.unit_id IS NULL AND EXISTS (SELECT 1 FROM user_roles g JOIN units gu ON gu.id = g.unit_id WHERE g.user_id = " + q.add(a.UserID) + " AND g.role = 'auditor' AND gu.parent_id IS NULL" + tokenLimit(a, "g.role", "gu.path", &q) + ")))"
	if f.Action != "" {
		where += " AND l.action = " + q.add(f.Action)
	}
	if f.Entity != "" {
		where += " AND l.entity = " + q.add(f.Entity)
	}
	if f.EntityID != "" {
		where += " AND l.entity_id = " + q.add(f.EntityID)
	}
	if f.Actor != "" {
		where += " AND l.actor_login = " + q.add(f.Actor)
	}
	if !f.From.IsZero() {
		where += " AND l.at >= " + q.add(f.From.UTC())
	}
	if !f.To.IsZero() {
		where += " AND l.at < " + q.add(f.To.UTC())
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*) FROM audit_log l WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.Before > 0 {
		where += " AND l.seq < " + q.add(f.Before)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+prefixCols("l.", auditCols)+` FROM audit_log l WHERE `+where+` ORDER BY l.seq DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	return out, total, nil
}

// VerifyAudit implements shishi.AuditService: it recomputes every hash in
// seq order, checks that each entry links to the one before, that seq has
// no gaps, and that the last entry is the recorded head.
func (d *DB) VerifyAudit(ctx context.Context) (*shishi.AuditBreak, int, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	prev, want, n := shishi.AuditGenesis, int64(1), 0
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, n, shishi.Internal(err)
		}
		n++
		switch {
		case e.Seq != want:
			return &shishi.AuditBreak{Seq: want, Reason: "entry missing (next present is " + strconv.FormatInt(e.Seq, 10) + ")"}, n, nil
		case e.PrevHash != prev:
			return &shishi.AuditBreak{Seq: e.Seq, Reason: "prev_hash does not match the previous entry"}, n, nil
		case e.Digest(d.auditKey) != e.Hash:
			return &shishi.AuditBreak{Seq: e.Seq, Reason: "content does not match its hash (altered)"}, n, nil
		}
		prev, want = e.Hash, e.Seq+1
	}
	if err := rows.Err(); err != nil {
		return nil, n, shishi.Internal(err)
	}
	var headSeq int64
	var headHash string
	if err := d.read().QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, n, shishi.Internal(err)
	}
	if headSeq != want-1 || headHash != prev {
		return &shishi.AuditBreak{Seq: want, Reason: "entries after " + strconv.FormatInt(want-1, 10) + " removed (head is " + strconv.FormatInt(headSeq, 10) + ")"}, n, nil
	}
	return nil, n, nil
}

// prefixCols qualifies a comma-separated column list with a table alias.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// AuditHead implements shishi.AuditService.
func (d *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	if err := d.read().QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return 0, "", shishi.Internal(err)
	}
	return seq, hash, nil
}

// CheckAuditCheckpoint implements shishi.AuditService.
func (d *DB) CheckAuditCheckpoint(ctx context.Context, seq int64, hash string) error {
	var got string
	err := d.read().QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, seq).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return shishi.Errorf(shishi.EINVALID, "checkpoint entry %d is missing: the log was cut back", seq)
	} else if err != nil {
		return shishi.Internal(err)
	}
	if got != hash {
		return shishi.Errorf(shishi.EINVALID, "checkpoint entry %d has another hash: the log was rewritten", seq)
	}
	return nil
}
