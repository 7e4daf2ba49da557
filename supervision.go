package shishi

import (
	"context"
	"strings"
	"time"
)

// GroupKind says what a supervision group does: an inspection group
// (督查组) checks that a policy is carried out, a guidance group (指导组)
// goes into units to guide their work.
type GroupKind string

const (
	GroupInspection GroupKind = "inspection" // 督查组
	GroupGuidance   GroupKind = "guidance"   // 指导组
)

// GroupKinds lists the kinds in display order.
var GroupKinds = []GroupKind{GroupInspection, GroupGuidance}

// Valid reports whether k is a known kind.
func (k GroupKind) Valid() bool { return k == GroupInspection || k == GroupGuidance }

// Label names the kind.
func (k GroupKind) Label(en bool) string {
	return label(map[GroupKind][2]string{GroupInspection: {"督查组", "Inspection group"}, GroupGuidance: {"指导组", "Guidance group"}}[k], string(k), en)
}

// UserRef names a user.
type UserRef struct {
	ID       int64  `json:"id"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	UnitName string `json:"unit_name,omitempty"`
}

// Group is a 督查组 or 指导组: people from any unit, sent by an office to
// the units it covers, on a campaign or a theme ("五项管理"). Its members
// read what they supervise — the covered units and their subtrees — and
// nothing more; the store enforces that in SQL.
type Group struct {
	ID         int64     `json:"id"`
	Kind       GroupKind `json:"kind"`
	Name       string    `json:"name"`
	Theme      string    `json:"theme"`
	CampaignID *int64    `json:"campaign_id"`
	OwnerUnit  UnitRef   `json:"owner_unit"` // the unit whose office sends the group
	Leader     UserRef   `json:"leader"`
	Members    []UserRef `json:"members"`
	Units      []UnitRef `json:"units"`
	UnitCount  int       `json:"unit_count"`
	// Open counts the group's findings not yet signed off, by colour.
	Open      map[Colour]int `json:"open"`
	Version   int64          `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
}

// GroupInput creates a group. The leader is a member (added when missing).
type GroupInput struct {
	Kind        GroupKind `json:"kind"`
	Name        string    `json:"name"`
	Theme       string    `json:"theme"`
	CampaignID  *int64    `json:"campaign_id"`
	OwnerUnitID int64     `json:"owner_unit_id"` // the actor's unit when 0
	LeaderID    int64     `json:"leader_id"`
	MemberIDs   []int64   `json:"member_ids"`
	UnitIDs     []int64   `json:"unit_ids"`
}

// Validate checks a group; every fault is reported at once.
func (in *GroupInput) Validate() error {
	var v Validator
	in.Name, in.Theme = strings.TrimSpace(in.Name), strings.TrimSpace(in.Theme)
	v.Check(in.Kind.Valid(), "kind", "须为 inspection（督查组）或 guidance（指导组）/ must be inspection or guidance")
	checkText(&v, "name", in.Name, 1, 100)
	checkText(&v, "theme", in.Theme, 0, 100)
	v.Check(in.LeaderID > 0, "leader_id", "必须指定组长 / a leader is required")
	if in.CampaignID != nil && *in.CampaignID <= 0 {
		v.Add("campaign_id", "实践活动无效 / invalid campaign")
	}
	if in.LeaderID > 0 && !containsID(in.MemberIDs, in.LeaderID) {
		in.MemberIDs = append([]int64{in.LeaderID}, in.MemberIDs...)
	}
	checkIDs(&v, "member_ids", in.MemberIDs, 1, 50, "成员")
	checkIDs(&v, "unit_ids", in.UnitIDs, 1, 500, "督导单位")
	return v.Err()
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func checkIDs(v *Validator, field string, ids []int64, min, max int, what string) {
	if len(ids) < min || len(ids) > max {
		v.Add(field, what+"须为 "+itoa(min)+"–"+itoa(max)+" 个 / must list "+itoa(min)+"–"+itoa(max))
		return
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id <= 0 || seen[id] {
			v.Add(field, what+"无效或重复 / invalid or repeated id")
			return
		}
		seen[id] = true
	}
}

// GroupPatch changes a group: nil fields stay; lists replace the old ones.
// The leader stays a member (added when missing).
type GroupPatch struct {
	Name      *string  `json:"name"`
	Theme     *string  `json:"theme"`
	LeaderID  *int64   `json:"leader_id"`
	MemberIDs *[]int64 `json:"member_ids"`
	UnitIDs   *[]int64 `json:"unit_ids"`
}

// Validate checks a patch; at least one field must be set.
func (p *GroupPatch) Validate() error {
	var v Validator
	if p.Name == nil && p.Theme == nil && p.LeaderID == nil && p.MemberIDs == nil && p.UnitIDs == nil {
		v.Add("body", "没有要修改的字段 / nothing to change")
	}
	if p.Name != nil {
		*p.Name = strings.TrimSpace(*p.Name)
		checkText(&v, "name", *p.Name, 1, 100)
	}
	if p.Theme != nil {
		*p.Theme = strings.TrimSpace(*p.Theme)
		checkText(&v, "theme", *p.Theme, 0, 100)
	}
	if p.LeaderID != nil {
		v.Check(*p.LeaderID > 0, "leader_id", "组长无效 / invalid leader")
	}
	if p.MemberIDs != nil {
		checkIDs(&v, "member_ids", *p.MemberIDs, 1, 50, "成员")
	}
	if p.UnitIDs != nil {
		checkIDs(&v, "unit_ids", *p.UnitIDs, 1, 500, "督导单位")
	}
	return v.Err()
}

// GroupFilter selects groups; the store intersects it with the actor's reach.
type GroupFilter struct {
	Kind  GroupKind
	After int64
	Limit int
}

// VisitStatus: a visit is planned, then done when its record is written.
type VisitStatus string

const (
	VisitPlanned VisitStatus = "planned" // 计划
	VisitDone    VisitStatus = "done"    // 已走访
)

// Label names the status.
func (s VisitStatus) Label(en bool) string {
	return label(map[VisitStatus][2]string{VisitPlanned: {"计划走访", "Planned"}, VisitDone: {"已走访", "Done"}}[s], string(s), en)
}

// SupervisionFile is a file kept with a visit record or a rectification
// update, stored by content hash like evidence.
type SupervisionFile struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Hash       string    `json:"sha256"`
	Mime       string    `json:"type"`
	Size       int64     `json:"size"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// Visit is a 督查 / 走访 of one unit by a group.
type Visit struct {
	ID           int64             `json:"id"`
	Group        GroupRef          `json:"group"`
	Unit         UnitRef           `json:"unit"`
	Status       VisitStatus       `json:"status"`
	PlannedOn    Date              `json:"planned_on"`
	VisitedOn    Date              `json:"visited_on,omitempty"`
	Participants string            `json:"participants"`
	Record       string            `json:"record"`
	Files        []SupervisionFile `json:"files"`
	FindingCount int               `json:"finding_count"`
	CreatedBy    string            `json:"created_by"`
	CreatedAt    time.Time         `json:"created_at"`
}

// GroupRef names a group.
type GroupRef struct {
	ID   int64     `json:"id"`
	Kind GroupKind `json:"kind"`
	Name string    `json:"name"`
}

// VisitInput plans a visit; with a record (and the day it happened) it
// is entered as done at once.
type VisitInput struct {
	GroupID      int64  `json:"group_id"`
	UnitID       int64  `json:"unit_id"`
	PlannedOn    Date   `json:"planned_on"`
	VisitedOn    Date   `json:"visited_on"`
	Participants string `json:"participants"`
	Record       string `json:"record"`
}

// Validate checks a visit.
func (in *VisitInput) Validate() error {
	var v Validator
	in.Participants, in.Record = strings.TrimSpace(in.Participants), strings.TrimSpace(in.Record)
	v.Check(in.GroupID > 0, "group_id", "必须指定督导组 / a group is required")
	v.Check(in.UnitID > 0, "unit_id", "必须指定走访单位 / a unit is required")
	if in.PlannedOn == "" {
		in.PlannedOn = in.VisitedOn
	}
	v.Check(in.PlannedOn.Valid(), "planned_on", "走访日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	checkText(&v, "participants", in.Participants, 0, 1000)
	checkText(&v, "record", in.Record, 0, 20000)
	if in.Record != "" || in.VisitedOn != "" {
		(&VisitRecord{VisitedOn: in.VisitedOn, Participants: in.Participants, Record: in.Record}).check(&v)
	}
	return v.Err()
}

// VisitRecord writes what a visit found: the day, who took part, the record.
type VisitRecord struct {
	VisitedOn    Date   `json:"visited_on"`
	Participants string `json:"participants"`
	Record       string `json:"record"`
}

// Validate checks a record.
func (in *VisitRecord) Validate() error {
	var v Validator
	in.Participants, in.Record = strings.TrimSpace(in.Participants), strings.TrimSpace(in.Record)
	in.check(&v)
	return v.Err()
}

func (in *VisitRecord) check(v *Validator) {
	v.Check(in.VisitedOn.Valid(), "visited_on", "走访日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	checkText(v, "participants", in.Participants, 1, 1000)
	checkText(v, "record", in.Record, 1, 20000)
}

// VisitFilter selects visits.
type VisitFilter struct {
	GroupID int64
	UnitID  int64 // the unit's subtree
	From    Date  // planned or visited on or after
	To      Date  // … on or before
	After   int64
	Limit   int
}

// Severity grades a finding.
type Severity string

const (
	SeverityMinor   Severity = "minor"   // 一般
	SeverityMajor   Severity = "major"   // 较重
	SeveritySerious Severity = "serious" // 严重
)

// Severities lists them from light to grave.
var Severities = []Severity{SeverityMinor, SeverityMajor, SeveritySerious}

// Valid reports whether s is known.
func (s Severity) Valid() bool {
	return s == SeverityMinor || s == SeverityMajor || s == SeveritySerious
}

// Label names the severity.
func (s Severity) Label(en bool) string {
	return label(map[Severity][2]string{SeverityMinor: {"一般", "Minor"}, SeverityMajor: {"较重", "Major"}, SeveritySerious: {"严重", "Serious"}}[s], string(s), en)
}

// FindingStatus is where a finding's rectification (整改) stands.
type FindingStatus string

// raised → rectifying (the unit's plan) → sign-off requested → signed off
// (销号) by the group; a returned request goes back to rectifying.
const (
	FindingRaised           FindingStatus = "raised"            // 待整改
	FindingRectifying       FindingStatus = "rectifying"        // 整改中
	FindingSignoffRequested FindingStatus = "signoff_requested" // 申请销号
	FindingSignedOff        FindingStatus = "signed_off"        // 已销号
)

// FindingStatuses lists the statuses in order.
var FindingStatuses = []FindingStatus{FindingRaised, FindingRectifying, FindingSignoffRequested, FindingSignedOff}

// Valid reports whether s is known.
func (s FindingStatus) Valid() bool {
	for _, x := range FindingStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Label names the status.
func (s FindingStatus) Label(en bool) string {
	return label(map[FindingStatus][2]string{FindingRaised: {"待整改", "Raised"}, FindingRectifying: {"整改中", "Rectifying"},
		FindingSignoffRequested: {"申请销号", "Sign-off requested"}, FindingSignedOff: {"已销号", "Signed off"}}[s], string(s), en)
}

// Who acts on a finding.
const (
	ByUnit  = "unit"  // the unit that must rectify (its operators or leaders, or its parent's)
	ByGroup = "group" // a member of the group that raised it, or the office that sent the group
)

// FindingTransition is an action on a finding's rectification.
type FindingTransition struct {
	Action    string
	From      []FindingStatus
	To        FindingStatus
	By        string // ByUnit or ByGroup
	NeedsNote bool
	Files     bool // evidence files may come with it
}

// FindingTransitions is the whole rectification: only these moves exist.
var FindingTransitions = []FindingTransition{
	{Action: "plan", From: []FindingStatus{FindingRaised, FindingRectifying}, To: FindingRectifying, By: ByUnit, NeedsNote: true},
	{Action: "progress", From: []FindingStatus{FindingRectifying}, To: FindingRectifying, By: ByUnit, NeedsNote: true, Files: true},
	{Action: "request_signoff", From: []FindingStatus{FindingRectifying}, To: FindingSignoffRequested, By: ByUnit, NeedsNote: true, Files: true},
	{Action: "sign_off", From: []FindingStatus{FindingSignoffRequested}, To: FindingSignedOff, By: ByGroup},
	{Action: "return", From: []FindingStatus{FindingSignoffRequested}, To: FindingRectifying, By: ByGroup, NeedsNote: true},
}

// FindFindingTransition returns the transition for action from status, or
// an EINVALID (unknown action) or ECONFLICT (not from this status) error.
func FindFindingTransition(action string, from FindingStatus) (FindingTransition, error) {
	for _, t := range FindingTransitions {
		if t.Action != action {
			continue
		}
		for _, f := range t.From {
			if f == from {
				return t, nil
			}
		}
		return t, Errorf(ECONFLICT, "问题当前状态为“%s”，不能执行该操作 / a finding that is %s cannot %s", from.Label(false), from, action)
	}
	return FindingTransition{}, Invalid(FieldError{Field: "action", Message: "未知操作 / unknown action: " + action})
}

// WarningColours are the three colours of an open rectification (三色督办,
// the Colour of the complaint column): green on time, yellow within
// WarnWorkdays working days of its deadline, red once overdue. A signed-off
// finding has none.
var WarningColours = []Colour{ColourRed, ColourYellow, ColourGreen}

// WarnWorkdays is how many working days before its deadline an open
// rectification turns yellow.
const WarnWorkdays = 3

// FindingColour derives the colour of a finding on day today; warnBy is
// today plus WarnWorkdays working days.
func FindingColour(status FindingStatus, deadline, today, warnBy Date) Colour {
	switch {
	case status == FindingSignedOff:
		return ColourNone
	case deadline < today:
		return ColourRed
	case deadline <= warnBy:
		return ColourYellow
	}
	return ColourGreen
}

// Finding is a 问题 found by a group, and the rectification (整改) the
// unit owes for it: a deadline in working days, the unit's plan, progress
// with evidence, and sign-off (销号) by the group. Colour is derived.
type Finding struct {
	ID          int64         `json:"id"`
	Group       GroupRef      `json:"group"`
	VisitID     *int64        `json:"visit_id"`
	Item        *ItemRef      `json:"item"`
	Unit        UnitRef       `json:"unit"`
	Severity    Severity      `json:"severity"`
	Description string        `json:"description"`
	Status      FindingStatus `json:"status"`
	Colour      Colour        `json:"colour"`
	RaisedOn    Date          `json:"raised_on"`
	Days        int           `json:"days"` // working days allowed
	Deadline    Date          `json:"deadline"`
	Plan        string        `json:"plan"`
	// EscalatedTo is the parent unit the overdue rectification was
	// escalated to (提级督办), by the scheduled job.
	EscalatedTo *UnitRef   `json:"escalated_to"`
	EscalatedAt *time.Time `json:"escalated_at"`
	SignedOffAt *time.Time `json:"signed_off_at"`
	CreatedBy   string     `json:"created_by"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ItemRef names an item.
type ItemRef struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
}

// FindingInput raises a finding: from a visit (group and unit follow from
// it), or directly against an item (the unit is its lead unit unless
// named), or against a covered unit.
type FindingInput struct {
	GroupID     int64    `json:"group_id"`
	VisitID     *int64   `json:"visit_id"`
	ItemID      *int64   `json:"item_id"`
	UnitID      int64    `json:"unit_id"`
	Severity    Severity `json:"severity"`
	Description string   `json:"description"`
	Days        int      `json:"days"` // working days to rectify
}

// Validate checks a finding.
func (in *FindingInput) Validate() error {
	var v Validator
	in.Description = strings.TrimSpace(in.Description)
	v.Check(in.GroupID > 0 || in.VisitID != nil, "group_id", "必须指定督导组或走访记录 / a group or a visit is required")
	v.Check(in.VisitID == nil || *in.VisitID > 0, "visit_id", "走访记录无效 / invalid visit")
	v.Check(in.ItemID == nil || *in.ItemID > 0, "item_id", "事项无效 / invalid item")
	v.Check(in.UnitID > 0 || in.VisitID != nil || in.ItemID != nil, "unit_id", "必须指定整改单位 / the unit that must act is required")
	v.Check(in.Severity.Valid(), "severity", "须为 minor（一般）、major（较重）或 serious（严重）/ must be minor, major or serious")
	checkText(&v, "description", in.Description, 1, 5000)
	v.Check(in.Days >= 1 && in.Days <= 250, "days", "整改时限须为 1–250 个工作日 / must be 1–250 working days")
	return v.Err()
}

// FindingFilter selects findings; the store intersects it with reach.
type FindingFilter struct {
	GroupID int64
	UnitID  int64 // the unit's subtree
	VisitID int64
	ItemID  int64 // raised against this item
	Status  FindingStatus
	Colour  Colour
	From    Date // raised on or after
	To      Date // raised on or before
	After   int64
	Limit   int
}

// FindingEvent is one line of a finding's history: raised, a plan, a
// progress update with its files, a request, a return, a sign-off, an
// escalation.
type FindingEvent struct {
	ID     int64             `json:"id"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	From   string            `json:"from,omitempty"`
	To     string            `json:"to,omitempty"`
	Note   string            `json:"note,omitempty"`
	Files  []SupervisionFile `json:"files"`
}

// SupervisionReport sums up one group's work over a period: visits, the
// findings raised and where their rectification stands, unit by unit.
type SupervisionReport struct {
	Group    *Group       `json:"group"`
	From     Date         `json:"from"`
	To       Date         `json:"to"`
	AsOf     Date         `json:"as_of"`
	Lines    []ReportLine `json:"units"`
	Total    ReportLine   `json:"total"`
	Visits   []*Visit     `json:"visits"`
	Findings []*Finding   `json:"findings"`
}

// ReportLine counts one unit's visits and findings in a report.
type ReportLine struct {
	Unit      UnitRef        `json:"unit"`
	Visits    int            `json:"visits"`
	Findings  int            `json:"findings"`
	Severity  map[string]int `json:"by_severity"`
	Open      map[Colour]int `json:"open"`
	SignedOff int            `json:"signed_off"`
	OnTime    int            `json:"signed_off_on_time"`
	Escalated int            `json:"escalated"`
}

// MaxSupervisionFile bounds one file of a visit or a rectification update.
const MaxSupervisionFile = MaxEvidence

// SupervisionService runs module C: groups, visits, findings and their
// rectification. Every method is scoped to the actor in ctx.
type SupervisionService interface {
	// FindGroups lists the groups the actor runs (office, leader or
	// supervisor over the sending unit) or belongs to.
	FindGroups(ctx context.Context, f GroupFilter) ([]*Group, int, error)
	// FindGroup returns one group with members and units. ENOTFOUND.
	FindGroup(ctx context.Context, id int64) (*Group, error)
	// CreateGroup: the office over the sending unit; covered units lie in
	// its subtree, members may come from anywhere. EINVALID, EFORBIDDEN.
	CreateGroup(ctx context.Context, in GroupInput) (*Group, error)
	// UpdateGroup renames a group or changes its leader, members or units
	// (the sending unit's office); version must match (0 skips the check).
	// EINVALID, EFORBIDDEN, ENOTFOUND, EPRECONDITION (stale version).
	UpdateGroup(ctx context.Context, id, version int64, p GroupPatch) (*Group, error)
	// CreateVisit plans (or records) a visit of a covered unit: a member
	// or the office. EINVALID, EFORBIDDEN, ENOTFOUND.
	CreateVisit(ctx context.Context, in VisitInput, files []SupervisionFile) (*Visit, error)
	// RecordVisit writes a planned visit's record with its files.
	// EINVALID, EFORBIDDEN, ECONFLICT (recorded already), ENOTFOUND.
	RecordVisit(ctx context.Context, id int64, in VisitRecord, files []SupervisionFile) (*Visit, error)
	// FindVisits lists visits in reach.
	FindVisits(ctx context.Context, f VisitFilter) ([]*Visit, int, error)
	// FindVisit returns one visit with its files. ENOTFOUND.
	FindVisit(ctx context.Context, id int64) (*Visit, error)
	// RaiseFinding records a finding and opens its rectification with a
	// deadline counted in working days. EINVALID, EFORBIDDEN, ENOTFOUND.
	RaiseFinding(ctx context.Context, in FindingInput) (*Finding, error)
	// FindFindings lists findings in reach with derived colours. EINVALID.
	FindFindings(ctx context.Context, f FindingFilter) ([]*Finding, int, error)
	// FindFinding returns one finding. ENOTFOUND.
	FindFinding(ctx context.Context, id int64) (*Finding, error)
	// ActOnFinding moves a rectification (see FindingTransitions), with
	// evidence files where the action takes them. version is the one the
	// caller read (0: unchecked). EINVALID, ECONFLICT, EPRECONDITION
	// (changed since read), EFORBIDDEN, ENOTFOUND.
	ActOnFinding(ctx context.Context, id int64, action, note string, files []SupervisionFile, version int64) (*Finding, error)
	// FindingHistory lists a page of what happened to a finding, oldest
	// first, and how many events there are.
	FindingHistory(ctx context.Context, id int64, p Page) ([]FindingEvent, int, error)
	// GetSupervisionFile returns a visit's or a finding's file record in reach.
	GetSupervisionFile(ctx context.Context, id int64) (*SupervisionFile, error)
	// SupervisionReport sums up a group's period. EINVALID, ENOTFOUND.
	SupervisionReport(ctx context.Context, groupID int64, from, to Date) (*SupervisionReport, error)
	// Today is the day colours are derived for (the store's clock).
	Today() Date
}

// EscalationService is the scheduled side of supervision.
type EscalationService interface {
	// EscalateFindings escalates every overdue open rectification not
	// escalated before to the unit's parent (notices to its operators and
	// to the group), and reminds units of rectifications turning yellow;
	// it returns the number escalated.
	EscalateFindings(ctx context.Context) (int, error)
}
