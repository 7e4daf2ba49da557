package shishi

import (
	"context"
	"strings"
	"time"
)

// NominationStatus is where a citizen's proposal (群众点单) stands.
type NominationStatus string

const (
	NominationReceived NominationStatus = "received" // 待研究
	NominationMerged   NominationStatus = "merged"   // 已合并
	NominationDeclined NominationStatus = "declined" // 未采纳
	NominationAdopted  NominationStatus = "adopted"  // 已纳入清单
)

// Label names the status.
func (s NominationStatus) Label(en bool) string {
	n := map[NominationStatus][2]string{NominationReceived: {"待研究", "Under review"}, NominationMerged: {"已合并", "Merged"},
		NominationDeclined: {"未采纳", "Declined"}, NominationAdopted: {"已纳入清单", "Adopted"}}[s]
	return label(n, string(s), en)
}

// NominationsPerDay is how many proposals one address may make a day.
const NominationsPerDay = 3

// Nomination is a citizen's proposal of an item for a campaign's list. The
// proposer is not recorded; they follow it with its Code.
type Nomination struct {
	ID           int64            `json:"id"`
	Code         string           `json:"code"`
	CampaignID   int64            `json:"campaign_id"`
	CampaignName string           `json:"campaign_name"`
	Title        string           `json:"title"`
	Body         string           `json:"body"`
	Status       NominationStatus `json:"status"`
	Reason       string           `json:"reason,omitempty"`
	MergedInto   string           `json:"merged_into,omitempty"` // the code of the nomination it joined
	ItemID       *int64           `json:"item_id,omitempty"`     // the item it became
	Supporters   int              `json:"supporters"`            // proposals merged into it, itself included
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
}

// NominationInput is a proposal as submitted.
type NominationInput struct {
	CampaignID int64  `json:"campaign_id"`
	Title      string `json:"title"`
	Body       string `json:"body"`
}

// Validate checks a proposal.
func (in *NominationInput) Validate() error {
	var v Validator
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	v.Check(in.CampaignID > 0, "campaign_id", "请选择实践活动 / choose a campaign")
	checkText(&v, "title", in.Title, 1, 100)
	checkText(&v, "body", in.Body, 1, 2000)
	if n := len([]rune(in.Body)); n > 0 && n < 10 {
		v.Add("body", "请具体描述希望办理的事项（至少 10 个字）/ describe it in at least 10 characters")
	}
	return v.Err()
}

// NominationTriage is the office's decision on a proposal: merge it into
// another (Into), decline it (Reason), or adopt it into a tier as a draft
// item led by LeadUnitID.
type NominationTriage struct {
	Action     string `json:"action"` // merge, decline, adopt
	Into       int64  `json:"into"`
	Reason     string `json:"reason"`
	TierID     int64  `json:"tier_id"`
	LeadUnitID int64  `json:"lead_unit_id"`
}

// NominationFilter narrows the office's list of proposals; zero values
// do not narrow.
type NominationFilter struct {
	CampaignID int64
	Status     NominationStatus
}

// NominationService takes proposals from the public and the office's
// triage.
type NominationService interface {
	// Nominate records a proposal from client (an opaque identity, e.g.
	// the address) and returns it with its tracking code. EINVALID,
	// ETOOMANY (NominationsPerDay reached).
	Nominate(ctx context.Context, client string, in NominationInput) (*Nomination, error)
	// TrackNomination returns a proposal by its code. ENOTFOUND.
	TrackNomination(ctx context.Context, code string) (*Nomination, error)
	// FindNominations lists the proposals to the campaigns the actor runs,
	// those waiting first.
	FindNominations(ctx context.Context) ([]*Nomination, error)
	// ListNominations pages through the same proposals, newest first,
	// narrowed by f, and says how many match (the API's list).
	ListNominations(ctx context.Context, f NominationFilter, p Page) ([]*Nomination, int, error)
	// TriageNomination decides a waiting proposal (the campaign's office),
	// with its audit entry in the same transaction. EINVALID, EFORBIDDEN,
	// ENOTFOUND, ECONFLICT (decided already).
	TriageNomination(ctx context.Context, id int64, t NominationTriage) (*Nomination, error)
}
