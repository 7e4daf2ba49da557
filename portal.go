package shishi

import (
	"context"
	"time"
)

// The public portal (module G): what an anonymous visitor may read. Only
// public items appear, and of them only what was promised, who leads it
// and the figures; report narratives, filers' and reviewers' names,
// internal items and anything personal never leave the back office.

// CampaignFigures are a campaign's key figures over its public items.
type CampaignFigures struct {
	Campaign *Campaign `json:"campaign"`
	AsOf     Date      `json:"as_of"`
	Public   int       `json:"public_items"`
	Closed   int       `json:"closed"`
	Green    int       `json:"green"`
	Amber    int       `json:"amber"`
	Red      int       `json:"red"`
	Overdue  int       `json:"overdue"`
	// Completion is the average completion of the public items that have
	// targets, in percent (two decimals); nil when none has.
	Completion *float64 `json:"completion"`
}

// Figure sums items into the figures (top-level items only: a child item's
// progress is already in its parent's).
func (f *CampaignFigures) Figure(items []*Item) {
	var sum float64
	n := 0
	for _, it := range items {
		if it.ParentID != nil {
			continue
		}
		f.Public++
		switch {
		case it.Status == StatusClosed:
			f.Closed++
		}
		switch it.RAG {
		case RAGGreen:
			f.Green++
		case RAGAmber:
			f.Amber++
		case RAGRed:
			f.Red++
		}
		if it.Overdue {
			f.Overdue++
		}
		if it.Completion != nil {
			sum += *it.Completion
			n++
		}
	}
	if n > 0 {
		c := Round2(sum / float64(n))
		f.Completion = &c
	}
}

// PublicValue is one target's value in a report version.
type PublicValue struct {
	TargetID int64   `json:"target_id"`
	Target   string  `json:"target"`
	Unit     string  `json:"unit"`
	Value    Decimal `json:"value"`
}

// PublicReport is one version of a progress report as the public sees it:
// the month, the version, the figures, the review verdict and, for a
// correction, its reason, so that no published figure changes silently.
// Current marks the version the item's figures are taken from.
type PublicReport struct {
	ID          int64         `json:"id"`
	Period      Period        `json:"period"`
	Version     int           `json:"version"`
	Status      ReportStatus  `json:"status"`
	SubmittedAt time.Time     `json:"submitted_at"`
	Reason      string        `json:"reason,omitempty"`
	Values      []PublicValue `json:"values"`
	Evidence    int           `json:"evidence"` // how many evidence files back it
	Current     bool          `json:"current"`
}

// Anchor is the report version's id on the public item page.
func (r *PublicReport) Anchor() string { return "report-" + string(r.Period) + "-v" + itoa(r.Version) }

// PublicEvent is one status change of an item, without who made it.
type PublicEvent struct {
	At   time.Time  `json:"at"`
	From ItemStatus `json:"from"`
	To   ItemStatus `json:"to"`
}

// PublicItem is an item's public page: the item with its derived figures,
// its status history and every report version behind the figures.
type PublicItem struct {
	Item     *Item          `json:"item"`
	Campaign *Campaign      `json:"campaign"`
	Children []*Item        `json:"children"`
	Events   []PublicEvent  `json:"events"`
	Reports  []PublicReport `json:"reports"`
}

// PortalService answers the public portal. Every method reads as the
// public, whoever is in the context: public items only.
type PortalService interface {
	// PublicCampaigns lists the campaigns that have public items, newest
	// first, with their key figures.
	PublicCampaigns(ctx context.Context) ([]*CampaignFigures, error)
	// PublicCampaign returns one campaign's figures and its public items
	// (top-level first, children after their parent's siblings). ENOTFOUND.
	PublicCampaign(ctx context.Context, id int64) (*CampaignFigures, []*Item, error)
	// PublicItem returns a public item's page. ENOTFOUND (also for an
	// internal item).
	PublicItem(ctx context.Context, id int64) (*PublicItem, error)
	// PublicComplaintStats is the complaint league table over every case
	// received from..to, as aggregate counts and rates per unit.
	PublicComplaintStats(ctx context.Context, from, to Date) (*ComplaintStats, error)
}
