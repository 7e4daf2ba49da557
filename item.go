package shishi

import (
	"context"
	"strings"
	"time"
)

// ItemStatus is where an item stands in its lifecycle.
type ItemStatus string

// The lifecycle: draft → approved (立项) → in progress → closure requested
// (申请办结) → closed (销号); a closed item can be reopened (回头看).
const (
	StatusDraft            ItemStatus = "draft"
	StatusApproved         ItemStatus = "approved"
	StatusInProgress       ItemStatus = "in_progress"
	StatusClosureRequested ItemStatus = "closure_requested"
	StatusClosed           ItemStatus = "closed"
)

// ItemStatuses lists the statuses in lifecycle order.
var ItemStatuses = []ItemStatus{StatusDraft, StatusApproved, StatusInProgress, StatusClosureRequested, StatusClosed}

var statusNames = map[ItemStatus][2]string{
	StatusDraft: {"草稿", "Draft"}, StatusApproved: {"已立项", "Approved"}, StatusInProgress: {"推进中", "In progress"},
	StatusClosureRequested: {"申请办结", "Closure requested"}, StatusClosed: {"已销号", "Closed"},
}

// Valid reports whether s is a known status.
func (s ItemStatus) Valid() bool { _, ok := statusNames[s]; return ok }

// Label names the status in Chinese or English.
func (s ItemStatus) Label(en bool) string { return label(statusNames[s], string(s), en) }

// Transition is an action on an item's lifecycle.
type Transition struct {
	Action string
	From   []ItemStatus
	To     ItemStatus
	// ByOffice: the campaign office acts; otherwise the lead unit's
	// operator (or the office) acts.
	ByOffice bool
	// NeedsNote: a reason or evidence summary is required.
	NeedsNote bool
}

// Transitions is the whole lifecycle: only these moves exist.
var Transitions = []Transition{
	{Action: "approve", From: []ItemStatus{StatusDraft}, To: StatusApproved, ByOffice: true},
	{Action: "start", From: []ItemStatus{StatusApproved}, To: StatusInProgress},
	{Action: "request_closure", From: []ItemStatus{StatusInProgress}, To: StatusClosureRequested, NeedsNote: true},
	{Action: "close", From: []ItemStatus{StatusClosureRequested}, To: StatusClosed, ByOffice: true},
	{Action: "reject_closure", From: []ItemStatus{StatusClosureRequested}, To: StatusInProgress, ByOffice: true, NeedsNote: true},
	{Action: "reopen", From: []ItemStatus{StatusClosed}, To: StatusInProgress, ByOffice: true, NeedsNote: true},
}

// TransitionByAction returns the transition named action, whatever the
// status: who may take it is checked before whether it may be taken now,
// so a caller without the right learns nothing of the item's state.
func TransitionByAction(action string) (Transition, error) {
	for _, t := range Transitions {
		if t.Action == action {
			return t, nil
		}
	}
	return Transition{}, Invalid(FieldError{Field: "action", Message: "未知操作 / unknown action: " + action})
}

// FindTransition returns the transition for action from status, or an
// EINVALID/ECONFLICT error saying why it is not possible.
func FindTransition(action string, from ItemStatus) (Transition, error) {
	t, err := TransitionByAction(action)
	if err != nil {
		return t, err
	}
	for _, f := range t.From {
		if f == from {
			return t, nil
		}
	}
	return t, Errorf(ECONFLICT, "事项当前状态为“%s”，不能执行该操作 / an item that is %s cannot %s", from.Label(false), from, action)
}

// TargetKind: a quantity to reach, or a dated checklist.
type TargetKind string

const (
	TargetQuantity  TargetKind = "quantity"
	TargetMilestone TargetKind = "milestone"
)

// PlanPoint is the value a target's trajectory plans by the end of a month.
type PlanPoint struct {
	Period Period  `json:"period"`
	Value  Decimal `json:"value"`
}

// Milestone is one dated step of a milestone target.
type Milestone struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Due    Date   `json:"due"`
	DoneOn Date   `json:"done_on,omitempty"`
}

// Target is a 指标 of an item. Actual and Completion are derived from the
// reports, never typed in.
type Target struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Kind       TargetKind  `json:"kind"`
	Unit       string      `json:"unit"`
	Baseline   Decimal     `json:"baseline"`
	Target     Decimal     `json:"target"`
	Actual     *Decimal    `json:"actual"`
	Completion float64     `json:"completion"`
	Down       bool        `json:"down"` // smaller is better (e.g. a waiting time)
	Weight     int         `json:"weight"`
	Plan       []PlanPoint `json:"plan"`
	Milestones []Milestone `json:"milestones,omitempty"`
	// History is the reported value by month (derived), for the trajectory.
	History []PlanPoint `json:"history"`
}

// UnitRef names a unit.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// RAG is the traffic light of an item against its trajectory.
type RAG string

const (
	RAGGreen RAG = "green"
	RAGAmber RAG = "amber"
	RAGRed   RAG = "red"
	RAGNone  RAG = "" // no plan yet, or a draft
)

// Label names the colour.
func (r RAG) Label(en bool) string {
	switch r {
	case RAGGreen:
		return map[bool]string{false: "绿灯", true: "Green"}[en]
	case RAGAmber:
		return map[bool]string{false: "黄灯", true: "Amber"}[en]
	case RAGRed:
		return map[bool]string{false: "红灯", true: "Red"}[en]
	}
	return map[bool]string{false: "未评估", true: "Not rated"}[en]
}

// Item is a 重点事项: what was promised, by whom, by when, and how far it
// has come. Completion, RAG, Forecast and the report counts are derived.
type Item struct {
	ID          int64      `json:"id"`
	CampaignID  int64      `json:"campaign_id"`
	TierID      int64      `json:"tier_id"`
	TierName    string     `json:"tier_name"`
	ParentID    *int64     `json:"parent_id"`
	Code        string     `json:"code"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	LeaderName  string     `json:"leader_name"`
	LeadUnit    UnitRef    `json:"lead_unit"`
	CoopUnits   []UnitRef  `json:"coop_units"`
	Deadline    Date       `json:"deadline"`
	Public      bool       `json:"public"`
	Status      ItemStatus `json:"status"`
	Targets     []Target   `json:"targets"`
	ChildCount  int        `json:"child_count"`
	Completion  *float64   `json:"completion"` // percent, two decimals; null without targets
	RAG         RAG        `json:"rag"`
	Forecast    Date       `json:"forecast,omitempty"` // when the recent trend reaches the target
	Overdue     bool       `json:"overdue"`            // past its deadline and not closed
	LastPeriod  Period     `json:"last_period,omitempty"`
	Missing     []Period   `json:"missing_reports"` // months due and not reported
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ItemCard is an item as the API's item list writes it: the JSON of the
// Item as FindItems returns it (targets without History). The store keeps
// one for each item, written whenever the item's figures are derived, so
// that a page of a national list reads 50 short texts rather than the
// items' targets, plans and milestones.
type ItemCard struct {
	ID   int64
	JSON []byte
}

// TargetInput defines a target on an item.
type TargetInput struct {
	Name       string      `json:"name"`
	Kind       TargetKind  `json:"kind"`
	Unit       string      `json:"unit"`
	Baseline   Decimal     `json:"baseline"`
	Target     Decimal     `json:"target"`
	Down       bool        `json:"down"`
	Weight     int         `json:"weight"`
	Plan       []PlanPoint `json:"plan"`
	Milestones []Milestone `json:"milestones"`
}

// ItemInput creates an item.
type ItemInput struct {
	TierID      int64         `json:"tier_id"`
	ParentID    *int64        `json:"parent_id"`
	Code        string        `json:"code"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	LeaderName  string        `json:"leader_name"`
	LeadUnitID  int64         `json:"lead_unit_id"`
	CoopUnitIDs []int64       `json:"coop_unit_ids"`
	Deadline    Date          `json:"deadline"`
	Public      bool          `json:"public"`
	Targets     []TargetInput `json:"targets"`
}

// Validate checks an item and its targets; field names of targets carry
// their index ("targets[1].target").
func (in *ItemInput) Validate() error {
	var v Validator
	in.Code, in.Title = strings.TrimSpace(in.Code), strings.TrimSpace(in.Title)
	in.Description, in.LeaderName = strings.TrimSpace(in.Description), strings.TrimSpace(in.LeaderName)
	v.Check(in.TierID > 0, "tier_id", "必须选择清单层级 / tier is required")
	checkText(&v, "code", in.Code, 0, 32)
	checkText(&v, "title", in.Title, 1, 200)
	checkText(&v, "description", in.Description, 0, 5000)
	checkText(&v, "leader_name", in.LeaderName, 0, 64)
	v.Check(in.LeadUnitID > 0, "lead_unit_id", "必须指定牵头单位 / lead unit is required")
	v.Check(in.Deadline.Valid(), "deadline", "完成时限须为 YYYY-MM-DD / deadline must be a date YYYY-MM-DD")
	seen := map[int64]bool{in.LeadUnitID: true}
	for _, c := range in.CoopUnitIDs {
		if c <= 0 || seen[c] {
			v.Add("coop_unit_ids", "配合单位无效或重复 / invalid or repeated cooperating unit")
			break
		}
		seen[c] = true
	}
	v.Check(len(in.Targets) <= 50, "targets", "最多 50 个指标 / at most 50 targets")
	for i := range in.Targets {
		in.Targets[i].validate(&v, "targets["+itoa(i)+"]")
	}
	return v.Err()
}

func (t *TargetInput) validate(v *Validator, f string) {
	t.Name, t.Unit = strings.TrimSpace(t.Name), strings.TrimSpace(t.Unit)
	checkText(v, f+".name", t.Name, 1, 200)
	checkText(v, f+".unit", t.Unit, 0, 20)
	if t.Kind == "" {
		t.Kind = TargetQuantity
	}
	if t.Weight == 0 {
		t.Weight = 1
	}
	v.Check(t.Weight >= 1 && t.Weight <= 100, f+".weight", "权重须为 1–100 / weight must be 1–100")
	switch t.Kind {
	case TargetQuantity:
		v.Check(t.Target != t.Baseline, f+".target", "目标值不能等于基线值 / target must differ from baseline")
		if t.Down {
			v.Check(t.Target < t.Baseline, f+".target", "越小越好的指标，目标值须小于基线值 / a falling target must be below its baseline")
		} else {
			v.Check(t.Target > t.Baseline, f+".target", "目标值须大于基线值 / target must exceed its baseline")
		}
		last := Period("")
		for j, p := range t.Plan {
			if !p.Period.Valid() || p.Period <= last {
				v.Add(f+".plan["+itoa(j)+"].period", "计划月份须为递增的 YYYY-MM / plan months must be increasing YYYY-MM")
				break
			}
			last = p.Period
		}
	case TargetMilestone:
		v.Check(len(t.Milestones) > 0 && len(t.Milestones) <= 100, f+".milestones", "里程碑须为 1–100 项 / 1–100 milestones")
		for j, m := range t.Milestones {
			checkText(v, f+".milestones["+itoa(j)+"].title", strings.TrimSpace(m.Title), 1, 200)
			v.Check(m.Due.Valid(), f+".milestones["+itoa(j)+"].due", "须为 YYYY-MM-DD / must be a date")
		}
	default:
		v.Add(f+".kind", "指标类型须为 quantity 或 milestone / kind must be quantity or milestone")
	}
}

// ItemFilter selects items; the store intersects it with the actor's reach.
type ItemFilter struct {
	CampaignID int64
	TierID     int64
	UnitID     int64 // lead or cooperating unit in this unit's subtree
	Status     ItemStatus
	RAG        RAG
	HasRAG     bool // filter on RAG (RAGNone included)
	Flagged    bool // red or overdue: the cockpit's attention list
	NoTotal    bool // the caller pages through all: count nothing
	Query      string
	ParentID   *int64
	PublicOnly bool
	After      int64
	Limit      int
}

// Validate checks a target change; the kind of a target stays.
func (t *TargetInput) Validate() error {
	var v Validator
	t.validate(&v, "target")
	return v.Err()
}

// Summary counts a campaign's items in reach by their derived figures: the
// ledger's and the cockpit's roll-ups.
type Summary struct {
	Items    int                `json:"items"`
	RAG      map[RAG]int        `json:"rag"`
	Overdue  int                `json:"overdue"`
	Missing  int                `json:"missing"` // items with months due and not reported
	Closed   int                `json:"closed"`
	Avg      float64            `json:"avg"` // mean completion of the items that have one
	ByStatus map[ItemStatus]int `json:"by_status"`
	ByTier   []SummaryRow       `json:"by_tier"`
	ByUnit   []SummaryRow       `json:"by_unit"` // by lead unit
	ByLeader []SummaryRow       `json:"by_leader"`
}

// SummaryRow is one group of a Summary (a tier, a lead unit, a leader).
type SummaryRow struct {
	ID    int64  `json:"id,omitempty"`
	Label string `json:"label"`
	Items int    `json:"items"`
	Red   int    `json:"red"`
	// Due: overdue or missing reports.
	Due int `json:"due"`
	// Rated items have a completion; Sum adds their completions.
	Rated int     `json:"rated"`
	Sum   float64 `json:"sum"`
}

// ItemService manages the ledger's items.
type ItemService interface {
	// FindItems lists items in reach with derived progress, as the store
	// keeps it; targets carry no History (FindItem does). EINVALID.
	FindItems(ctx context.Context, f ItemFilter) ([]*Item, int, error)
	// FindItemCards is FindItems as the API's list writes it: the same
	// items, total and errors, each as its JSON (ItemCard).
	FindItemCards(ctx context.Context, f ItemFilter) ([]ItemCard, int, error)
	// Summarise counts the items FindItems would list (f.CampaignID
	// required; paging ignored). EINVALID.
	Summarise(ctx context.Context, f ItemFilter) (*Summary, error)
	// FindItem returns one item with its targets and derived progress.
	FindItem(ctx context.Context, id int64) (*Item, error)
	// UpdateTarget changes a target of an item that is not closed: its
	// value, plan, milestones (with the days steps were done). The office
	// of the campaign. EINVALID, EFORBIDDEN, ECONFLICT, ENOTFOUND.
	UpdateTarget(ctx context.Context, itemID, targetID int64, in TargetInput) (*Item, error)
	// CreateItem adds an item (office of the campaign). EINVALID, EFORBIDDEN.
	CreateItem(ctx context.Context, campaignID int64, in ItemInput) (*Item, error)
	// TransitionItem moves an item through its lifecycle. version is the
	// one the caller read (0: unchecked). EINVALID, ECONFLICT (not from
	// this status), EPRECONDITION (changed since read), EFORBIDDEN.
	TransitionItem(ctx context.Context, id int64, action, note string, version int64) (*Item, error)
	// ItemHistory lists a page of what happened to an item, newest first,
	// and how many events there are.
	ItemHistory(ctx context.Context, id int64, p Page) ([]ItemEvent, int, error)
}

// ItemEvent is one line of an item's history.
type ItemEvent struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
}
