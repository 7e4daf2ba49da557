package shishi

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// A complaint (举报 / 诉求) comes from the public through the complaint
// column ("互联网+教育督导"): anyone may submit one without an account, and
// follows it with a tracking code and a secret. The desk (受理机构) accepts
// it and dispatches it (转办) to a unit, which verifies it (核查), concludes
// (属实 / 部分属实 / 不属实), rectifies and reports back; the desk replies to
// the reporter (反馈), who rates the outcome (满意度评价).

// ComplaintStatus is where a complaint stands.
type ComplaintStatus string

const (
	ComplaintReceived   ComplaintStatus = "received"   // 待受理
	ComplaintAccepted   ComplaintStatus = "accepted"   // 已受理，待转办
	ComplaintDeclined   ComplaintStatus = "declined"   // 不予受理
	ComplaintDispatched ComplaintStatus = "dispatched" // 已转办，待签收
	ComplaintVerifying  ComplaintStatus = "verifying"  // 已签收，核查中
	ComplaintRectifying ComplaintStatus = "rectifying" // 整改中
	ComplaintConcluded  ComplaintStatus = "concluded"  // 已办结，待反馈
	ComplaintReplied    ComplaintStatus = "replied"    // 已反馈，待评价
	ComplaintClosed     ComplaintStatus = "closed"     // 已关闭
	ComplaintMerged     ComplaintStatus = "merged"     // 已合并
)

// ComplaintStatuses lists the statuses in workflow order.
var ComplaintStatuses = []ComplaintStatus{ComplaintReceived, ComplaintAccepted, ComplaintDeclined, ComplaintDispatched,
	ComplaintVerifying, ComplaintRectifying, ComplaintConcluded, ComplaintReplied, ComplaintClosed, ComplaintMerged}

var complaintStatusNames = map[ComplaintStatus][2]string{
	ComplaintReceived: {"待受理", "Received"}, ComplaintAccepted: {"待转办", "Accepted"}, ComplaintDeclined: {"不予受理", "Declined"},
	ComplaintDispatched: {"待签收", "Dispatched"}, ComplaintVerifying: {"核查中", "Verifying"}, ComplaintRectifying: {"整改中", "Rectifying"},
	ComplaintConcluded: {"待反馈", "Concluded"}, ComplaintReplied: {"待评价", "Replied"}, ComplaintClosed: {"已办结", "Closed"},
	ComplaintMerged: {"已合并", "Merged"},
}

// Valid reports whether s is a known status.
func (s ComplaintStatus) Valid() bool { _, ok := complaintStatusNames[s]; return ok }

// Label names the status in Chinese or English.
func (s ComplaintStatus) Label(en bool) string { return label(complaintStatusNames[s], string(s), en) }

// Open reports whether the case still needs work (Open311's "open").
func (s ComplaintStatus) Open() bool {
	return s != ComplaintDeclined && s != ComplaintClosed && s != ComplaintMerged
}

// Conclusion is the finding of a verification.
type Conclusion string

const (
	ConclusionTrue    Conclusion = "true"    // 属实
	ConclusionPartial Conclusion = "partial" // 部分属实
	ConclusionFalse   Conclusion = "false"   // 不属实
)

var conclusionNames = map[Conclusion][2]string{
	ConclusionTrue: {"属实", "Substantiated"}, ConclusionPartial: {"部分属实", "Partly substantiated"}, ConclusionFalse: {"不属实", "Unsubstantiated"},
}

// Valid reports whether c is a known conclusion.
func (c Conclusion) Valid() bool { _, ok := conclusionNames[c]; return ok }

// Label names the conclusion.
func (c Conclusion) Label(en bool) string { return label(conclusionNames[c], string(c), en) }

// Rating is the reporter's verdict on the outcome.
type Rating int

const (
	RatingSatisfied    Rating = 1 // 满意
	RatingBasic        Rating = 2 // 基本满意
	RatingDissatisfied Rating = 3 // 不满意
)

// Valid reports whether r is a known rating.
func (r Rating) Valid() bool { return r >= RatingSatisfied && r <= RatingDissatisfied }

// Label names the rating.
func (r Rating) Label(en bool) string {
	n := [][2]string{{"未评价", "Not rated"}, {"满意", "Satisfied"}, {"基本满意", "Basically satisfied"}, {"不满意", "Dissatisfied"}}
	if r < 0 || int(r) >= len(n) {
		return "?"
	}
	if en {
		return n[r][1]
	}
	return n[r][0]
}

// Side says who may take a workflow step.
type Side int

const (
	SideDesk     Side = iota // a complaint handler of the desk (受理机构)
	SideUnit                 // a handler or operator of the unit the case is dispatched to
	SideReporter             // the reporter, with the tracking code and secret
)

// ComplaintStep is one move of the workflow.
type ComplaintStep struct {
	Action string
	From   []ComplaintStatus
	To     ComplaintStatus
	By     Side
	// NeedsNote: a reason or text is required.
	NeedsNote bool
	// Public: the step shows on the reporter's tracking page.
	Public bool
	Label  [2]string
}

// ComplaintSteps is the whole workflow: only these moves exist. The
// extension steps do not change the status; merge and reveal neither.
var ComplaintSteps = []ComplaintStep{
	{Action: "accept", From: []ComplaintStatus{ComplaintReceived}, To: ComplaintAccepted, By: SideDesk, Public: true, Label: [2]string{"受理", "Accept"}},
	{Action: "decline", From: []ComplaintStatus{ComplaintReceived}, To: ComplaintDeclined, By: SideDesk, NeedsNote: true, Public: true, Label: [2]string{"不予受理", "Decline"}},
	{Action: "forward", From: []ComplaintStatus{ComplaintAccepted}, To: ComplaintAccepted, By: SideDesk, Public: true, Label: [2]string{"转交下级受理", "Forward to a lower desk"}},
	{Action: "dispatch", From: []ComplaintStatus{ComplaintAccepted}, To: ComplaintDispatched, By: SideDesk, Public: true, Label: [2]string{"转办", "Dispatch"}},
	{Action: "sign", From: []ComplaintStatus{ComplaintDispatched}, To: ComplaintVerifying, By: SideUnit, Public: true, Label: [2]string{"签收", "Sign for it"}},
	{Action: "return", From: []ComplaintStatus{ComplaintDispatched}, To: ComplaintAccepted, By: SideUnit, NeedsNote: true, Label: [2]string{"退回", "Return"}},
	{Action: "conclude", From: []ComplaintStatus{ComplaintVerifying}, By: SideUnit, NeedsNote: true, Public: true, Label: [2]string{"核查结论", "Conclude"}},
	{Action: "rectify", From: []ComplaintStatus{ComplaintRectifying}, To: ComplaintConcluded, By: SideUnit, NeedsNote: true, Public: true, Label: [2]string{"整改完成", "Rectified"}},
	{Action: "reply", From: []ComplaintStatus{ComplaintConcluded}, To: ComplaintReplied, By: SideDesk, NeedsNote: true, Public: true, Label: [2]string{"答复举报人", "Reply"}},
	{Action: "rate", From: []ComplaintStatus{ComplaintReplied}, To: ComplaintClosed, By: SideReporter, Public: true, Label: [2]string{"评价", "Rate"}},
	{Action: "close", From: []ComplaintStatus{ComplaintReplied}, To: ComplaintClosed, By: SideDesk, NeedsNote: true, Public: true, Label: [2]string{"办结（未评价）", "Close unrated"}},
	{Action: "reopen", From: []ComplaintStatus{ComplaintClosed}, To: ComplaintAccepted, By: SideReporter, NeedsNote: true, Public: true, Label: [2]string{"不满意，重新办理", "Reopen"}},
	{Action: "request_extension", From: []ComplaintStatus{ComplaintDispatched, ComplaintVerifying, ComplaintRectifying}, By: SideUnit, NeedsNote: true, Label: [2]string{"申请延期", "Ask for an extension"}},
	{Action: "approve_extension", From: []ComplaintStatus{ComplaintDispatched, ComplaintVerifying, ComplaintRectifying}, By: SideDesk, Label: [2]string{"批准延期", "Approve the extension"}},
	{Action: "reject_extension", From: []ComplaintStatus{ComplaintDispatched, ComplaintVerifying, ComplaintRectifying}, By: SideDesk, NeedsNote: true, Label: [2]string{"驳回延期", "Refuse the extension"}},
	{Action: "merge", From: []ComplaintStatus{ComplaintReceived, ComplaintAccepted}, To: ComplaintMerged, By: SideDesk, Public: true, Label: [2]string{"合并为重复件", "Merge as duplicate"}},
	{Action: "remind", From: []ComplaintStatus{ComplaintDispatched, ComplaintVerifying, ComplaintRectifying}, By: SideDesk, Label: [2]string{"催办", "Remind"}},
}

// ComplaintStepByAction returns the step named action, whatever the
// status, so the store checks who may take it before whether it may be
// taken now.
func ComplaintStepByAction(action string) (ComplaintStep, error) {
	for _, t := range ComplaintSteps {
		if t.Action == action {
			return t, nil
		}
	}
	return ComplaintStep{}, Invalid(FieldError{Field: "action", Message: "未知操作 / unknown action: " + action})
}

// FindComplaintStep returns the step for action from status, or an error
// saying why it is not possible.
func FindComplaintStep(action string, from ComplaintStatus) (ComplaintStep, error) {
	t, err := ComplaintStepByAction(action)
	if err != nil {
		return t, err
	}
	for _, f := range t.From {
		if f == from {
			return t, nil
		}
	}
	return t, Errorf(ECONFLICT, "该件当前状态为“%s”，不能执行“%s” / a complaint that is %s cannot %s", from.Label(false), t.Label[0], from, action)
}

// ReopenLimit is how often a dissatisfied reporter may reopen a case.
const ReopenLimit = 1

// ReopenWindow is how long after closing a reporter may still reopen, in
// working days.
const ReopenWindow = 15

// ComplaintCategory is a kind of complaint with its deadlines in working
// days on the official calendar.
type ComplaintCategory struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	// AcceptDays: the desk accepts or declines within this many working days of receipt.
	AcceptDays int `json:"accept_days"`
	// Days: the unit concludes within this many working days of dispatch.
	Days int `json:"days"`
	// ReplyDays: the desk replies within this many working days of the conclusion.
	ReplyDays int `json:"reply_days"`
	// WarnDays: yellow when this many working days or fewer are left.
	WarnDays int  `json:"warn_days"`
	Active   bool `json:"active"`
	Position int  `json:"position"`
	// Version counts changes (read-only): If-Match names it.
	Version int64 `json:"version"`
}

// Warn is the yellow margin of a phase of n working days: the category's
// warning days, but never more than half the phase (a 5-day acceptance
// window is not yellow from its first day).
func (c *ComplaintCategory) Warn(n int) int { return min(c.WarnDays, n/2) }

// Label names the category.
func (c *ComplaintCategory) Label(en bool) string {
	if en && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}

// Validate checks a category's settings.
func (c *ComplaintCategory) Validate() error {
	var v Validator
	checkText(&v, "name", c.Name, 1, 50)
	checkText(&v, "name_en", c.NameEn, 0, 100)
	v.Check(c.AcceptDays >= 1 && c.AcceptDays <= 60, "accept_days", "须为 1–60 个工作日 / must be 1–60 working days")
	v.Check(c.Days >= 1 && c.Days <= 120, "days", "须为 1–120 个工作日 / must be 1–120 working days")
	v.Check(c.ReplyDays >= 1 && c.ReplyDays <= 60, "reply_days", "须为 1–60 个工作日 / must be 1–60 working days")
	v.Check(c.WarnDays >= 0 && c.WarnDays < c.Days, "warn_days", "须小于办理时限 / must be below the handling days")
	return v.Err()
}

// Calendar counts working days on the official calendar (package workday
// implements it).
type Calendar interface {
	Add(d Date, n int) Date
	Between(a, b Date) int
}

// Colour is the three-colour warning of an open case (三色督办).
type Colour string

const (
	ColourGreen  Colour = "green"
	ColourYellow Colour = "yellow"
	ColourRed    Colour = "red"
	ColourNone   Colour = "" // closed, declined or merged
)

// Valid reports whether c names a colour.
func (c Colour) Valid() bool { return c == ColourGreen || c == ColourYellow || c == ColourRed }

// Label names the colour.
func (c Colour) Label(en bool) string {
	n := map[Colour][2]string{ColourGreen: {"正常", "On time"}, ColourYellow: {"临期", "Due soon"}, ColourRed: {"超期", "Overdue"}}[c]
	if en {
		return n[1]
	}
	return n[0]
}

// Timed reports whether a case in status s runs against a deadline: the
// desk's to accept and dispatch, the unit's to conclude, the desk's to
// reply. A replied case waits for the reporter and has none.
func (s ComplaintStatus) Timed() bool {
	switch s {
	case ComplaintReceived, ComplaintAccepted, ComplaintDispatched, ComplaintVerifying, ComplaintRectifying, ComplaintConcluded:
		return true
	}
	return false
}

// UnitPhase reports whether the case is with the unit it was dispatched to.
func (s ComplaintStatus) UnitPhase() bool {
	return s == ComplaintDispatched || s == ComplaintVerifying || s == ComplaintRectifying
}

// WarnFrom is the last day before a case turns yellow: from the next day
// on, warn or fewer working days are left until the deadline (a working
// day). Stored with the deadline, it lets the store filter by colour in SQL.
func WarnFrom(cal Calendar, deadline Date, warn int) Date {
	return cal.Add(deadline, -(warn + 1))
}

// ColourOf is the warning of a case on day today: red past the deadline,
// yellow after warnFrom, else green; none when the case is not timed.
func ColourOf(status ComplaintStatus, deadline, warnFrom, today Date) Colour {
	if !status.Timed() || deadline == "" {
		return ColourNone
	}
	if today > deadline {
		return ColourRed
	}
	if today > warnFrom {
		return ColourYellow
	}
	return ColourGreen
}

// DaysLeft is the number of working days from today to the deadline;
// negative when overdue.
func DaysLeft(cal Calendar, deadline, today Date) int {
	if deadline == "" {
		return 0
	}
	if today > deadline {
		return -cal.Between(deadline, today)
	}
	return cal.Between(today, deadline)
}

// Reporter is who submitted a complaint. It is stored sealed and only
// shown, audited, to a role allowed to reveal it (举报人保护).
type Reporter struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// Empty reports whether no identity was given (an anonymous complaint).
func (r Reporter) Empty() bool { return r.Name == "" && r.Phone == "" && r.Email == "" }

// MaxAttachments is how many files one submission may carry, each up to
// MaxAttachmentSize bytes.
const (
	MaxAttachments    = 5
	MaxAttachmentSize = 10 << 20
)

// AttachmentMimeOK reports whether a sniffed type may be attached to a
// complaint: images and PDF only.
func AttachmentMimeOK(mime string) bool {
	switch mime {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf":
		return true
	}
	return false
}

// Attachment is a file sent with a complaint or a step.
type Attachment struct {
	ID     int64     `json:"id"`
	Hash   string    `json:"-"`
	Name   string    `json:"name"`
	Mime   string    `json:"mime"`
	Size   int64     `json:"size"`
	Public bool      `json:"public"` // sent by the reporter
	At     time.Time `json:"at"`
}

// Complaint is one case. The reporter's identity is not a field: it is
// revealed through ComplaintService.RevealReporter only.
type Complaint struct {
	ID            int64           `json:"id"`
	Code          string          `json:"code"`
	Category      string          `json:"category"`
	CategoryName  string          `json:"category_name"`
	Unit          UnitRef         `json:"unit"` // the unit concerned
	Desk          UnitRef         `json:"desk"`
	Assigned      *UnitRef        `json:"assigned,omitempty"`
	Body          string          `json:"body"`
	Place         string          `json:"place,omitempty"`
	Anonymous     bool            `json:"anonymous"`
	RevealToUnit  bool            `json:"reveal_to_unit"`
	Status        ComplaintStatus `json:"status"`
	Source        string          `json:"source"`
	ReceivedAt    time.Time       `json:"received_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Deadline      Date            `json:"deadline,omitempty"`
	Colour        Colour          `json:"colour"`
	DaysLeft      int             `json:"days_left"`
	Conclusion    Conclusion      `json:"conclusion,omitempty"`
	Verification  string          `json:"verification,omitempty"`
	Rectification string          `json:"rectification,omitempty"`
	OnTime        *bool           `json:"on_time,omitempty"`
	Reply         string          `json:"reply,omitempty"`
	RepliedAt     *time.Time      `json:"replied_at,omitempty"`
	Rating        Rating          `json:"rating,omitempty"`
	RatingNote    string          `json:"rating_note,omitempty"`
	ClosedAt      *time.Time      `json:"closed_at,omitempty"`
	ReopenCount   int             `json:"reopen_count"`
	MergedInto    string          `json:"merged_into,omitempty"`
	EscalatedAt   *time.Time      `json:"escalated_at,omitempty"`
	Extension     *Extension      `json:"extension,omitempty"` // the pending request, if any
	Files         []*Attachment   `json:"files,omitempty"`
	Version       int             `json:"version"`
	// Can lists the actions the viewer may take now (for pages).
	Can []string `json:"can,omitempty"`
}

// Summary is the first line of the text, shortened for lists.
func (c *Complaint) Summary(n int) string {
	s := strings.TrimSpace(c.Body)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Extension is a unit's request for more time (延期).
type Extension struct {
	ID          int64      `json:"id"`
	Days        int        `json:"days"`
	Reason      string     `json:"reason"`
	Status      string     `json:"status"` // pending, approved, rejected
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	OldDeadline Date       `json:"old_deadline"`
	NewDeadline Date       `json:"new_deadline,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// ComplaintEvent is one line of a case's timeline.
type ComplaintEvent struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"` // login, or "举报人 / reporter", or "system"
	Action string    `json:"action"`
	Public bool      `json:"public"`
	Note   string    `json:"note,omitempty"`
	Unit   *UnitRef  `json:"unit,omitempty"`
}

// ComplaintInput is a public submission.
type ComplaintInput struct {
	Category string `json:"category"`
	UnitID   int64  `json:"unit_id"`
	// UnitCode picks the unit by its code when UnitID is zero: integrators
	// (Open311's address_id) know units by the codes of their own systems.
	UnitCode string `json:"unit_code,omitempty"`
	// Place picks the unit by name or place when UnitID and UnitCode are empty.
	Place     string   `json:"place"`
	Body      string   `json:"body"`
	Anonymous bool     `json:"anonymous"`
	Reporter  Reporter `json:"reporter"`
	Source    string   `json:"-"`
}

// Validate checks a submission; the store checks the category and unit.
func (in *ComplaintInput) Validate() error {
	var v Validator
	in.Category = strings.TrimSpace(in.Category)
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	in.Place = strings.TrimSpace(in.Place)
	in.Body = strings.TrimSpace(in.Body)
	in.Reporter.Name = strings.TrimSpace(in.Reporter.Name)
	in.Reporter.Phone = strings.TrimSpace(in.Reporter.Phone)
	in.Reporter.Email = strings.TrimSpace(in.Reporter.Email)
	v.Check(in.Category != "", "category", "请选择类别 / a category is required")
	checkText(&v, "category", in.Category, 0, 50)
	v.Check(in.UnitID > 0 || in.UnitCode != "" || in.Place != "", "unit_id", "请选择被举报单位或填写所在地 / pick the unit concerned or give the place")
	checkText(&v, "unit_code", in.UnitCode, 0, 50)
	checkText(&v, "place", in.Place, 0, 100)
	checkText(&v, "body", in.Body, 10, 5000)
	if in.Anonymous {
		in.Reporter = Reporter{}
	} else {
		v.Check(in.Reporter.Name != "" || in.Reporter.Phone != "" || in.Reporter.Email != "", "reporter",
			"实名举报请至少留下姓名或联系方式，或选择匿名 / give a name or a contact, or choose anonymous")
		checkText(&v, "reporter.name", in.Reporter.Name, 0, 50)
		if in.Reporter.Phone != "" {
			v.Check(phoneOK(in.Reporter.Phone), "reporter.phone", "电话号码格式不正确 / not a phone number")
		}
		if in.Reporter.Email != "" {
			v.Check(len(in.Reporter.Email) <= 200 && strings.Count(in.Reporter.Email, "@") == 1 && !strings.ContainsAny(in.Reporter.Email, " <>\"\r\n"),
				"reporter.email", "电子邮箱格式不正确 / not an e-mail address")
		}
	}
	return v.Err()
}

// phoneOK accepts digits with an optional leading + and separators: a
// mobile (11 digits) or a landline with area code.
func phoneOK(p string) bool {
	n := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '+' && i == 0, r == '-', r == ' ':
		default:
			return false
		}
	}
	return n >= 7 && n <= 15
}

// StepInput carries the fields of a workflow step.
type StepInput struct {
	Note       string     `json:"note"`
	UnitID     int64      `json:"unit_id,omitempty"`    // dispatch, forward
	Conclusion Conclusion `json:"conclusion,omitempty"` // conclude
	Days       int        `json:"days,omitempty"`       // request_extension
	// RevealToUnit: dispatch lets the unit's handlers reveal the reporter.
	RevealToUnit bool   `json:"reveal_to_unit,omitempty"`
	Into         string `json:"into,omitempty"` // merge: the code of the case kept
	Rating       Rating `json:"rating,omitempty"`
	// IfVersion is the case's version the caller read (If-Match; 0:
	// unchecked): a step on a case changed since is EPRECONDITION.
	IfVersion int64 `json:"-"`
}

// Validate checks the fields a step needs.
func (in *StepInput) Validate(st ComplaintStep) error {
	var v Validator
	in.Note = strings.TrimSpace(in.Note)
	if st.NeedsNote || in.Note != "" {
		checkText(&v, "note", in.Note, 1, 5000)
	}
	switch st.Action {
	case "dispatch", "forward":
		v.Check(in.UnitID > 0, "unit_id", "请选择承办单位 / pick the unit to dispatch to")
	case "conclude":
		v.Check(in.Conclusion.Valid(), "conclusion", "核查结论须为属实、部分属实或不属实 / must be true, partial or false")
	case "request_extension":
		v.Check(in.Days >= 1 && in.Days <= 30, "days", "延期须为 1–30 个工作日 / must be 1–30 working days")
	case "merge":
		in.Into = strings.ToUpper(strings.TrimSpace(in.Into))
		v.Check(in.Into != "", "into", "请填写保留件的编号 / give the code of the case to keep")
	case "rate":
		v.Check(in.Rating.Valid(), "rating", "请选择满意、基本满意或不满意 / choose satisfied, basically satisfied or dissatisfied")
	}
	return v.Err()
}

// ComplaintFilter selects cases for the handlers' inbox.
type ComplaintFilter struct {
	Status   ComplaintStatus
	Open     bool // only cases that need work
	Colour   Colour
	Category string
	UnitID   int64 // concerned or assigned unit, with its subtree
	Query    string
	Limit    int
	After    int64 // keyset cursor: ids below this (newest first)
}

// PublicCase is what the reporter and Open311 see of a case: no identity,
// no internal notes.
type PublicCase struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Category     string `json:"category"`
	CategoryName string `json:"category_name"`
	Unit         string `json:"unit"`
	UnitID       int64  `json:"unit_id"`
	Agency       string `json:"agency,omitempty"` // the unit responsible now
	// Body goes to the reporter, and to Open311 callers who may read the
	// case (PublicCases); never to anonymous callers: the text may name people.
	Body       string            `json:"body,omitempty"`
	Status     ComplaintStatus   `json:"status"`
	ReceivedAt time.Time         `json:"received_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	Deadline   Date              `json:"deadline,omitempty"`
	Conclusion Conclusion        `json:"conclusion,omitempty"`
	Reply      string            `json:"reply,omitempty"`
	Rating     Rating            `json:"rating,omitempty"`
	MergedInto string            `json:"merged_into,omitempty"`
	CanRate    bool              `json:"can_rate"`
	CanReopen  bool              `json:"can_reopen"`
	Events     []*ComplaintEvent `json:"events,omitempty"`
	Files      []*Attachment     `json:"files,omitempty"`
}

// Receipt is what a submitter gets back: keep both to follow the case.
type Receipt struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Secret   string `json:"secret"`
	Deadline Date   `json:"deadline"`
}

// ComplaintFloors are the office's minimum rates for the league table,
// in percent.
type ComplaintFloors struct {
	OnTime       float64 `json:"on_time"`
	Reply        float64 `json:"reply"`
	Satisfaction float64 `json:"satisfaction"`
	// Version counts changes (read-only): If-Match names it.
	Version int64 `json:"version"`
}

// Validate checks the floors.
func (f *ComplaintFloors) Validate() error {
	var v Validator
	for _, x := range []struct {
		name string
		val  float64
	}{{"on_time", f.OnTime}, {"reply", f.Reply}, {"satisfaction", f.Satisfaction}} {
		v.Check(x.val >= 0 && x.val <= 100, x.name, "须为 0–100 / must be 0–100")
	}
	return v.Err()
}

// UnitStats are one unit's figures in the league table.
type UnitStats struct {
	Unit       UnitRef        `json:"unit"`
	Total      int            `json:"total"`
	ByCategory map[string]int `json:"by_category"`
	Concluded  int            `json:"concluded"`
	OnTime     int            `json:"on_time"`
	Due        int            `json:"due"` // concluded, or past the deadline
	Replied    int            `json:"replied"`
	True       int            `json:"substantiated"` // 属实 + 部分属实
	Rated      int            `json:"rated"`
	Satisfied  int            `json:"satisfied"` // 满意 + 基本满意
	Overdue    int            `json:"overdue"`   // open and red now
	// Rates in percent (two decimals); nil when nothing to measure.
	OnTimeRate        *float64 `json:"on_time_rate"`
	ReplyRate         *float64 `json:"reply_rate"`
	SubstantiatedRate *float64 `json:"substantiated_rate"`
	SatisfactionRate  *float64 `json:"satisfaction_rate"`
	// Below lists the floors the unit misses.
	Below []string `json:"below"`
}

// Rates fills the rates and the floors missed.
func (s *UnitStats) Rates(f ComplaintFloors) {
	pct := func(n, d int) *float64 {
		if d == 0 {
			return nil
		}
		v := Round2(float64(n) * 100 / float64(d))
		return &v
	}
	s.OnTimeRate = pct(s.OnTime, s.Due)
	s.ReplyRate = pct(s.Replied, s.Concluded)
	s.SubstantiatedRate = pct(s.True, s.Concluded)
	s.SatisfactionRate = pct(s.Satisfied, s.Rated)
	s.Below = nil
	if s.OnTimeRate != nil && *s.OnTimeRate < f.OnTime {
		s.Below = append(s.Below, "on_time")
	}
	if s.ReplyRate != nil && *s.ReplyRate < f.Reply {
		s.Below = append(s.Below, "reply")
	}
	if s.SatisfactionRate != nil && *s.SatisfactionRate < f.Satisfaction {
		s.Below = append(s.Below, "satisfaction")
	}
}

// ComplaintStats is the league table over a period.
type ComplaintStats struct {
	From       Date            `json:"from"`
	To         Date            `json:"to"`
	Floors     ComplaintFloors `json:"floors"`
	ByCategory map[string]int  `json:"by_category"`
	Units      []*UnitStats    `json:"units"`
	Total      UnitStats       `json:"total"`
}

// Duplicate is a likely duplicate of a case.
type Duplicate struct {
	ID         int64           `json:"id"`
	Code       string          `json:"code"`
	Status     ComplaintStatus `json:"status"`
	Summary    string          `json:"summary"`
	Similarity float64         `json:"similarity"` // 0–1
	ReceivedAt time.Time       `json:"received_at"`
}

// DuplicateThreshold is the similarity from which a case is suggested as a
// likely duplicate.
const DuplicateThreshold = 0.45

// Similarity compares two texts by their character bigrams (Jaccard
// index), which suits Chinese, where words are not separated by spaces.
// Punctuation and spaces are ignored; case is folded.
func Similarity(a, b string) float64 {
	x, y := bigrams(a), bigrams(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	inter := 0
	for g := range x {
		if y[g] {
			inter++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

func bigrams(s string) map[[2]rune]bool {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := make(map[[2]rune]bool, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out[[2]rune{rs[i], rs[i+1]}] = true
	}
	return out
}

// ComplaintService is the complaint column.
type ComplaintService interface {
	// Categories lists the categories (active ones unless all).
	Categories(ctx context.Context, all bool) ([]*ComplaintCategory, error)
	// SaveCategory changes a category's names and deadlines (a desk handler
	// or the office at the top unit). EINVALID, EFORBIDDEN, ENOTFOUND.
	// version is the one the caller read (0: unchecked); EPRECONDITION
	// when it changed since.
	SaveCategory(ctx context.Context, c ComplaintCategory, version int64) (*ComplaintCategory, error)
	// Submit files a public complaint; no actor needed. The files must
	// already be in the blob store. EINVALID.
	Submit(ctx context.Context, in ComplaintInput, files []*Attachment) (*Receipt, error)
	// Track opens a case with its code and secret (the reporter's view).
	// ENOTFOUND for a wrong code or secret alike.
	Track(ctx context.Context, code, secret string) (*PublicCase, error)
	// ReporterStep lets the reporter rate, reopen or add a message
	// (action "message"). EINVALID, ECONFLICT, ENOTFOUND.
	ReporterStep(ctx context.Context, code, secret, action string, in StepInput) (*PublicCase, error)
	// FindComplaints lists the cases in the actor's reach, newest first.
	FindComplaints(ctx context.Context, f ComplaintFilter) ([]*Complaint, int, error)
	// FindComplaint returns one case with the actions the actor may take.
	FindComplaint(ctx context.Context, id int64) (*Complaint, error)
	// ComplaintEvents lists a page of a case's timeline, oldest first,
	// and how many events it has.
	ComplaintEvents(ctx context.Context, id int64, p Page) ([]*ComplaintEvent, int, error)
	// Step takes a workflow step on a case. EINVALID, ECONFLICT, EFORBIDDEN.
	Step(ctx context.Context, id int64, action string, in StepInput) (*Complaint, error)
	// RevealReporter shows the reporter's identity to a desk handler (or a
	// unit handler when the dispatch allowed it), with a reason; each reveal
	// is audited. EFORBIDDEN, EINVALID.
	RevealReporter(ctx context.Context, id int64, reason string) (*Reporter, error)
	// Duplicates suggests likely duplicates of a case.
	Duplicates(ctx context.Context, id int64) ([]*Duplicate, error)
	// Floors and SaveFloors read and set the league table's floors.
	Floors(ctx context.Context) (ComplaintFloors, error)
	// SaveFloors checks version like SaveCategory.
	SaveFloors(ctx context.Context, f ComplaintFloors, version int64) error
	// Stats computes the league table over the actor's reach.
	Stats(ctx context.Context, from, to Date) (*ComplaintStats, error)
	// PublicCases lists cases for Open311, newest first: never the
	// identity; the text only of the cases the actor in ctx may read (as
	// FindComplaint), so an anonymous caller gets none.
	PublicCases(ctx context.Context, f PublicFilter) ([]*PublicCase, error)
	// PublicCase returns one case for Open311 by id, with the text as
	// PublicCases gives it. ENOTFOUND.
	PublicCase(ctx context.Context, id int64) (*PublicCase, error)
	// ComplaintFile returns an attachment of a case the actor may read, or
	// that the reporter (code and secret) owns. ENOTFOUND.
	ComplaintFile(ctx context.Context, id, fileID int64, code, secret string) (*Attachment, error)
	// SweepComplaints runs the daily reminders (催办) and escalations; it
	// returns how many notices it sent.
	SweepComplaints(ctx context.Context) (int, error)
	// Rekey re-seals every reporter identity with the current key; it
	// returns how many it re-sealed.
	Rekey(ctx context.Context) (int, error)
	// PurgeReporters deletes the identity of reporters whose case ended
	// (closed, declined or merged) before the cut-off, auditing each batch;
	// it returns how many it purged.
	PurgeReporters(ctx context.Context, before time.Time) (int, error)
}

// PublicFilter selects cases for Open311's GET requests.
type PublicFilter struct {
	IDs []int64
	// Code is a tracking code: Open311's token for a request.
	Code       string
	Categories []string
	// From and To bound the time of receipt, both included.
	From, To time.Time
	Open     *bool
	Limit    int // at most (and by default) 1000
}
