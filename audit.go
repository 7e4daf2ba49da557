package shishi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one line of the append-only audit log. Entries form a chain:
// each Hash is an HMAC-SHA256, under a key kept outside the database, of the
// previous entry's Hash and this entry's fields. Editing or removing a row
// breaks the chain at that row, and without the key the chain cannot be
// recomputed to hide it.
type AuditEntry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorLogin string    `json:"actor"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"`    // e.g. "unit.create", "user.login_failed"
	Entity     string    `json:"entity"`    // e.g. "unit"
	EntityID   string    `json:"entity_id"` // the entity's id as text
	UnitID     *int64    `json:"unit_id"`   // the unit whose subtree the entry belongs to
	Detail     string    `json:"detail"`    // JSON text of what changed
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// AuditGenesis is the PrevHash of the first entry.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Digest computes the entry's chain hash from its fields and PrevHash.
// Every field is length-prefixed so no two entries share an encoding.
func (e *AuditEntry) Digest(key []byte) string {
	var b strings.Builder
	put := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte('|')
	}
	unit := ""
	if e.UnitID != nil {
		unit = strconv.FormatInt(*e.UnitID, 10)
	}
	put(e.PrevHash)
	put(strconv.FormatInt(e.Seq, 10))
	put(e.At.UTC().Format(time.RFC3339Nano))
	put(strconv.FormatInt(e.ActorID, 10))
	put(e.ActorLogin)
	put(e.IP)
	put(e.Action)
	put(e.Entity)
	put(e.EntityID)
	put(unit)
	put(e.Detail)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(b.String()))
	return hex.EncodeToString(m.Sum(nil))
}

// AuditBreak describes the first entry where the chain does not hold.
type AuditBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Action   string
	Entity   string
	EntityID string
	Actor    string
	// From and To bound the entries' time (To exclusive); zero: unbounded.
	From, To time.Time
	Before   int64 // cursor: seq lower than this
	Limit    int
}

// AuditService reads and checks the audit log. Writing happens inside the
// store, in the same transaction as the change it records.
type AuditService interface {
	// FindAudit lists entries, newest first; only the security auditor may
	// read, and only entries of units in reach. EFORBIDDEN.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
	// Audit records an event that changes nothing else (an export, a
	// failed login) in a transaction of its own.
	Audit(ctx context.Context, action, entity string, entityID int64, unitID *int64, detail any) error
	// VerifyAudit walks the whole chain and returns the first break, or nil
	// when intact, with the number of entries checked.
	VerifyAudit(ctx context.Context) (*AuditBreak, int, error)
	// AuditHead returns the newest entry's seq and hash: a checkpoint to keep
	// outside the database. Someone who holds the database (and can drop
	// its triggers) could cut the newest entries and roll the head back; a
	// checkpoint kept elsewhere shows that. EINVALID when a checkpoint given
	// to CheckAuditCheckpoint is not in the chain.
	AuditHead(ctx context.Context) (int64, string, error)
	// CheckAuditCheckpoint confirms entry seq still exists with that hash.
	CheckAuditCheckpoint(ctx context.Context, seq int64, hash string) error
}
