package shishi

import (
	"context"
	"sort"
	"time"
)

// Rollup is a unit subtree's summary of a campaign: what the 领导驾驶舱
// shows a province, a city or the ministry. At national scale a province's
// subtree holds tens of thousands of items and the whole campaign a
// million, too many to count on every page view, so a periodic job
// (RefreshRollups) counts every campaign once and keeps a row for each
// unit that has units below it; the cockpit reads that row and says how
// old it is. A unit without units below (a school) is counted on request:
// its items are few.
type Rollup struct {
	CampaignID int64 `json:"campaign_id"`
	// UnitID is the subtree's root; 0 is the whole campaign.
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name,omitempty"`
	Summary
	// Flagged counts the items that are red or overdue (the cockpit's
	// list of items needing attention).
	Flagged int `json:"flagged"`
	// ByChild rolls the subtree up by the units directly below its root
	// (for the whole campaign, below the campaign's unit): an item counts
	// under each child whose subtree holds its lead or a cooperating unit.
	ByChild []SummaryRow `json:"by_child"`
	// AsOf is when the items were counted; Live, that they were counted
	// for this request.
	AsOf time.Time `json:"as_of"`
	Live bool      `json:"live"`
}

// RollupEvery is how often the job counts the campaigns again: the most a
// cockpit's figures lag behind the ledger.
const RollupEvery = 5 * time.Minute

// RollupLeaders is how many leaders a stored roll-up keeps, the ones with
// the most red items first: a province's subtree can name thousands.
const RollupLeaders = 100

// ItemFigures is what a roll-up needs of one item: its stored figures.
type ItemFigures struct {
	TierID     int64
	Leader     string
	Status     ItemStatus
	RAG        RAG
	Overdue    bool
	Missing    bool  // months due and not reported
	Completion int64 // hundredths of a per cent; Rated says whether it has one
	Rated      bool
}

// RollupCounter adds items up into a Rollup: the counting rules of
// Summarise, in one place for the job and its tests.
type RollupCounter struct {
	r                     Rollup
	sum                   int64
	rated                 int
	tiers, children       map[int64]*rowCounter
	leaders               map[string]*rowCounter
	tierOrder, childOrder []int64
}

type rowCounter struct {
	row SummaryRow
	sum int64
}

func (c *rowCounter) add(f ItemFigures) {
	c.row.Items++
	if f.RAG == RAGRed {
		c.row.Red++
	}
	if f.Overdue || f.Missing {
		c.row.Due++
	}
	if f.Rated {
		c.row.Rated++
		c.sum += f.Completion
	}
}

// NewRollupCounter starts the roll-up of a campaign's subtree.
func NewRollupCounter(campaignID, unitID int64) *RollupCounter {
	c := &RollupCounter{tiers: map[int64]*rowCounter{}, children: map[int64]*rowCounter{}, leaders: map[string]*rowCounter{}}
	c.r = Rollup{CampaignID: campaignID, UnitID: unitID, Summary: Summary{RAG: map[RAG]int{}, ByStatus: map[ItemStatus]int{}}}
	for _, st := range ItemStatuses {
		c.r.ByStatus[st] = 0
	}
	return c
}

// Add counts one item of the subtree.
func (c *RollupCounter) Add(f ItemFigures) {
	s := &c.r.Summary
	s.Items++
	switch f.RAG {
	case RAGGreen, RAGAmber, RAGRed:
		s.RAG[f.RAG]++
	default:
		s.RAG[RAGNone]++
	}
	if f.Overdue {
		s.Overdue++
	}
	if f.Missing {
		s.Missing++
	}
	if f.RAG == RAGRed || f.Overdue {
		c.r.Flagged++
	}
	s.ByStatus[f.Status]++
	if f.Rated {
		c.rated++
		c.sum += f.Completion
	}
	t := c.tiers[f.TierID]
	if t == nil {
		t = &rowCounter{row: SummaryRow{ID: f.TierID}}
		c.tiers[f.TierID] = t
		c.tierOrder = append(c.tierOrder, f.TierID)
	}
	t.add(f)
	l := c.leaders[f.Leader]
	if l == nil {
		l = &rowCounter{row: SummaryRow{Label: f.Leader}}
		c.leaders[f.Leader] = l
	}
	l.add(f)
}

// AddChild counts an item under the child unit whose subtree holds it (once
// a child, however many of its units the item names).
func (c *RollupCounter) AddChild(child int64, f ItemFigures) {
	ch := c.children[child]
	if ch == nil {
		ch = &rowCounter{row: SummaryRow{ID: child}}
		c.children[child] = ch
		c.childOrder = append(c.childOrder, child)
	}
	ch.add(f)
}

// Children lists the child units counted so far, in the order first seen.
func (c *RollupCounter) Children() []int64 { return c.childOrder }

// Rollup finishes the count (once a counter; the roll-up shares its
// maps): tiers as listed (the campaign's, in position order, with their
// names), children by name, leaders with the most red items first (at
// most RollupLeaders).
func (c *RollupCounter) Rollup(tiers []SummaryRow, childNames map[int64]string, asOf time.Time) *Rollup {
	r := c.r
	r.Closed = r.ByStatus[StatusClosed]
	if c.rated > 0 {
		r.Avg = Round2(float64(c.sum) / 100 / float64(c.rated))
	}
	finish := func(x *rowCounter) SummaryRow {
		row := x.row
		row.Sum = float64(x.sum) / 100
		return row
	}
	r.ByTier = []SummaryRow{}
	for _, t := range tiers {
		if x := c.tiers[t.ID]; x != nil {
			row := finish(x)
			row.Label = t.Label
			r.ByTier = append(r.ByTier, row)
		}
	}
	r.ByChild = []SummaryRow{}
	for _, id := range c.childOrder {
		row := finish(c.children[id])
		row.Label = childNames[id]
		r.ByChild = append(r.ByChild, row)
	}
	sort.Slice(r.ByChild, func(i, j int) bool {
		a, b := r.ByChild[i], r.ByChild[j]
		return a.Label < b.Label || a.Label == b.Label && a.ID < b.ID
	})
	r.ByLeader = []SummaryRow{}
	for _, x := range c.leaders {
		r.ByLeader = append(r.ByLeader, finish(x))
	}
	sort.Slice(r.ByLeader, func(i, j int) bool {
		a, b := r.ByLeader[i], r.ByLeader[j]
		return a.Red > b.Red || a.Red == b.Red && (a.Items > b.Items || a.Items == b.Items && a.Label < b.Label)
	})
	if len(r.ByLeader) > RollupLeaders {
		r.ByLeader = r.ByLeader[:RollupLeaders]
	}
	r.ByUnit = []SummaryRow{}
	r.AsOf = asOf.UTC()
	return &r
}

// RollupService keeps and serves the cockpit's roll-ups.
type RollupService interface {
	// Cockpit returns the roll-up of a unit's subtree in a campaign
	// (unitID 0: the whole campaign, for those who see it whole; the
	// actor's own unit otherwise when 0 is asked by others). The unit
	// must be in the actor's reach. ENOTFOUND.
	Cockpit(ctx context.Context, campaignID, unitID int64) (*Rollup, error)
	// RefreshRollups counts every campaign again (the system, from the
	// periodic job) and returns how many roll-ups it stored.
	RefreshRollups(ctx context.Context) (int, error)
}
