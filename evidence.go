package shishi

import (
	"context"
	"time"
)

// Evidence is a 佐证材料 file attached to a report version: stored once by
// the SHA-256 of its bytes, its type sniffed from them. Evidence is
// append-only like the report it belongs to.
type Evidence struct {
	ID         int64     `json:"id"`
	ReportID   int64     `json:"report_id"`
	ItemID     int64     `json:"item_id"`
	Period     Period    `json:"period"`
	Name       string    `json:"name"`
	Hash       string    `json:"sha256"`
	Mime       string    `json:"type"`
	Size       int64     `json:"size"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// MaxEvidence bounds one evidence file.
const MaxEvidence = 20 << 20

// EvidenceService records evidence files; the bytes live in a blob store.
type EvidenceService interface {
	// AttachEvidence records a stored file on a report that still awaits
	// review (the lead unit's operator or the office). EINVALID,
	// EFORBIDDEN, ECONFLICT (reviewed already), ENOTFOUND.
	AttachEvidence(ctx context.Context, reportID int64, e Evidence) (*Evidence, error)
	// FindEvidence lists a page of an item's evidence, newest first, and
	// how much there is.
	FindEvidence(ctx context.Context, itemID int64, p Page) ([]*Evidence, int, error)
	// GetEvidence returns one file's record, in the actor's reach.
	GetEvidence(ctx context.Context, id int64) (*Evidence, error)
}
