package shishi

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// Online services (网上办事, module F). A Service is a catalogue entry: an
// owner unit, who may apply, an application window, a form (service_form.go)
// and a workflow, both defined as data. An Application moves through the
// workflow's steps; expert review and its rubric are in service_review.go.

// Applicants says who may apply for a service.
type Applicants string

const (
	ApplicantsPublic Applicants = "public" // people with a public account
	ApplicantsUnits  Applicants = "units"  // units, through their operators
)

// Valid reports whether a is known.
func (a Applicants) Valid() bool { return a == ApplicantsPublic || a == ApplicantsUnits }

// Label names who may apply.
func (a Applicants) Label(en bool) string {
	return label(map[Applicants][2]string{ApplicantsPublic: {"个人", "The public"}, ApplicantsUnits: {"单位", "Units"}}[a], string(a), en)
}

// StepKind is one step a workflow may have. The steps always run in this
// order; a workflow names the ones it uses.
type StepKind string

const (
	StepCheck      StepKind = "check"      // 形式审查
	StepReview     StepKind = "review"     // 专家评审
	StepDecision   StepKind = "decision"   // 审批决定
	StepDelivery   StepKind = "delivery"   // 办结送达
	StepAcceptance StepKind = "acceptance" // 验收
)

// StepKinds lists the steps in workflow order.
var StepKinds = []StepKind{StepCheck, StepReview, StepDecision, StepDelivery, StepAcceptance}

var stepNames = map[StepKind][2]string{
	StepCheck: {"形式审查", "Formal check"}, StepReview: {"专家评审", "Expert review"}, StepDecision: {"审批决定", "Decision"},
	StepDelivery: {"办结送达", "Delivery"}, StepAcceptance: {"验收", "Acceptance"},
}

// Label names the step.
func (k StepKind) Label(en bool) string { return label(stepNames[k], string(k), en) }

func (k StepKind) order() int {
	for i, x := range StepKinds {
		if x == k {
			return i
		}
	}
	return -1
}

// WorkflowStep is one step of a service's workflow: who acts (a role held
// over the service's owner unit), the working days it may take and, for
// review and acceptance, how many experts score.
type WorkflowStep struct {
	Kind      StepKind `json:"kind"`
	Role      Role     `json:"role"`
	Days      int      `json:"days"`
	Reviewers int      `json:"reviewers,omitempty"`
}

// Workflow is the ordered steps of a service.
type Workflow []WorkflowStep

// Step returns the step of kind, or nil.
func (w Workflow) Step(k StepKind) *WorkflowStep {
	for i := range w {
		if w[i].Kind == k {
			return &w[i]
		}
	}
	return nil
}

// First returns the first step's kind.
func (w Workflow) First() StepKind { return w[0].Kind }

// Next returns the step after k, or "" when k is the last.
func (w Workflow) Next(k StepKind) StepKind {
	for i := range w {
		if w[i].Kind == k && i+1 < len(w) {
			return w[i+1].Kind
		}
	}
	return ""
}

func (w Workflow) check(v *Validator) {
	if len(w) == 0 {
		v.Add("workflow", "至少一个步骤 / at least one step")
	}
	last := -1
	for i, s := range w {
		p := "workflow[" + itoa(i) + "]."
		if o := s.Kind.order(); o < 0 {
			v.Add(p+"kind", "须为 check、review、decision、delivery 或 acceptance / must be check, review, decision, delivery or acceptance")
		} else if o <= last {
			v.Add(p+"kind", "步骤重复或顺序不对（形式审查→评审→决定→送达→验收）/ repeated or out of order (check → review → decision → delivery → acceptance)")
		} else {
			last = o
		}
		v.Check(s.Role.Valid() && s.Role != RoleAdmin && s.Role != RoleAuditor, p+"role", "须为办理角色，如 office / must be an acting role such as office")
		v.Check(s.Days >= 1 && s.Days <= 250, p+"days", "时限须为 1–250 个工作日 / must be 1–250 working days")
		if s.Kind == StepReview || s.Kind == StepAcceptance {
			v.Check(s.Reviewers >= 1 && s.Reviewers <= 15, p+"reviewers", "评审专家人数须为 1–15 / 1–15 reviewers")
		} else {
			v.Check(s.Reviewers == 0, p+"reviewers", "只有评审和验收步骤有专家 / only review and acceptance have reviewers")
		}
	}
}

// DeliveryMethod is how a decided application reaches the applicant.
type DeliveryMethod string

const (
	DeliverMail        DeliveryMethod = "mail"        // 邮寄, with carrier and tracking number
	DeliverCertificate DeliveryMethod = "certificate" // 电子证书, issued through module E
)

// Label names the method.
func (m DeliveryMethod) Label(en bool) string {
	return label(map[DeliveryMethod][2]string{DeliverMail: {"邮寄", "Mail"}, DeliverCertificate: {"电子证书", "E-certificate"}}[m], string(m), en)
}

// Service is a catalogue entry (网上办事服务).
type Service struct {
	ID          int64      `json:"id"`
	Code        string     `json:"code"`
	Name        string     `json:"name"`
	NameEn      string     `json:"name_en,omitempty"`
	Description string     `json:"description"`
	OwnerUnit   UnitRef    `json:"owner_unit"`
	Applicants  Applicants `json:"applicants"`
	// OpensOn and ClosesOn bound the application window; empty is open.
	OpensOn  Date     `json:"opens_on,omitempty"`
	ClosesOn Date     `json:"closes_on,omitempty"`
	Workflow Workflow `json:"workflow"`
	Rubric   Rubric   `json:"rubric,omitempty"`
	// CredentialType is the module E type issued on delivery by
	// certificate; empty when delivery is by mail.
	CredentialType string `json:"credential_type,omitempty"`
	// Showcase marks a case selection (典型案例遴选): the selected
	// applications feed the public gallery.
	Showcase  bool      `json:"showcase"`
	Form      Form      `json:"form"` // the current version
	CreatedAt time.Time `json:"created_at"`
}

// Open reports whether day lies in the application window.
func (s *Service) Open(day Date) bool {
	return (s.OpensOn == "" || day >= s.OpensOn) && (s.ClosesOn == "" || day <= s.ClosesOn)
}

// ServiceRef names a service.
type ServiceRef struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

var serviceCodeRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// ServiceInput creates a service.
type ServiceInput struct {
	Code           string      `json:"code"`
	Name           string      `json:"name"`
	NameEn         string      `json:"name_en"`
	Description    string      `json:"description"`
	OwnerUnitID    int64       `json:"owner_unit_id"`
	Applicants     Applicants  `json:"applicants"`
	OpensOn        Date        `json:"opens_on"`
	ClosesOn       Date        `json:"closes_on"`
	Workflow       Workflow    `json:"workflow"`
	Rubric         Rubric      `json:"rubric"`
	CredentialType string      `json:"credential_type"`
	Showcase       bool        `json:"showcase"`
	Fields         []FormField `json:"fields"`
}

// Validate checks a service; every fault is reported at once.
func (in *ServiceInput) Validate() error {
	var v Validator
	in.Name, in.NameEn, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEn), strings.TrimSpace(in.Description)
	v.Check(serviceCodeRE.MatchString(in.Code), "code", "须为 2–40 位小写字母、数字或连字符，以字母开头 / 2–40 lower-case letters, digits or '-'")
	checkText(&v, "name", in.Name, 1, 100)
	checkText(&v, "name_en", in.NameEn, 0, 200)
	checkText(&v, "description", in.Description, 0, 5000)
	v.Check(in.OwnerUnitID > 0, "owner_unit_id", "必须指定主管单位 / an owner unit is required")
	v.Check(in.Applicants.Valid(), "applicants", "须为 public（个人）或 units（单位）/ must be public or units")
	v.Check(in.OpensOn == "" || in.OpensOn.Valid(), "opens_on", "须为 YYYY-MM-DD / must be a date")
	v.Check(in.ClosesOn == "" || in.ClosesOn.Valid(), "closes_on", "须为 YYYY-MM-DD / must be a date")
	if in.OpensOn != "" && in.ClosesOn != "" && in.ClosesOn < in.OpensOn {
		v.Add("closes_on", "截止日期早于开始日期 / closes before it opens")
	}
	in.Workflow.check(&v)
	if in.Workflow.Step(StepReview) != nil || in.Workflow.Step(StepAcceptance) != nil {
		in.Rubric.check(&v)
	} else {
		v.Check(len(in.Rubric) == 0, "rubric", "没有评审步骤的服务不需要评分标准 / a service without review has no rubric")
	}
	if in.Workflow.Step(StepDelivery) == nil {
		v.Check(in.CredentialType == "", "credential_type", "没有送达步骤 / the workflow has no delivery step")
	}
	form := Form{Fields: in.Fields}
	if err := form.Check(); err != nil {
		v.fields = append(v.fields, ErrorFields(err)...)
	}
	return v.Err()
}

// ServiceFilter selects services.
type ServiceFilter struct {
	OwnerUnitID int64
	Applicants  Applicants
	Showcase    *bool
}

// AppStatus is where an application stands: a draft, at one of the
// workflow's steps (the StepKind), or finished one way or another.
type AppStatus string

const (
	AppDraft     AppStatus = "draft"     // 草稿
	AppReturned  AppStatus = "returned"  // 退回补正
	AppWithdrawn AppStatus = "withdrawn" // 已撤回
	AppRejected  AppStatus = "rejected"  // 未通过
	AppClosed    AppStatus = "closed"    // 已办结
)

var appStatusNames = map[AppStatus][2]string{
	AppDraft: {"草稿", "Draft"}, AppReturned: {"退回补正", "Returned for correction"}, AppWithdrawn: {"已撤回", "Withdrawn"},
	AppRejected: {"未通过", "Not approved"}, AppClosed: {"已办结", "Closed"},
}

// AppStatuses lists every status in display order.
var AppStatuses = []AppStatus{AppDraft, AppReturned, AppStatus(StepCheck), AppStatus(StepReview), AppStatus(StepDecision),
	AppStatus(StepDelivery), AppStatus(StepAcceptance), AppClosed, AppRejected, AppWithdrawn}

// Valid reports whether s is known.
func (s AppStatus) Valid() bool { return s.Step() != "" || appStatusNames[s][0] != "" }

// Step returns the workflow step the status is, or "".
func (s AppStatus) Step() StepKind {
	if StepKind(s).order() >= 0 {
		return StepKind(s)
	}
	return ""
}

// Label names the status.
func (s AppStatus) Label(en bool) string {
	if k := s.Step(); k != "" {
		return k.Label(en)
	}
	return label(appStatusNames[s], string(s), en)
}

// Delivery records how a decided application was delivered.
type Delivery struct {
	Method   DeliveryMethod `json:"method"`
	Carrier  string         `json:"carrier,omitempty"`
	Tracking string         `json:"tracking,omitempty"`
	// CertNumber is the number of the e-certificate issued.
	CertNumber   string    `json:"cert_number,omitempty"`
	CredentialID int64     `json:"credential_id,omitempty"`
	At           time.Time `json:"at"`
}

// Application is one 申请 / 申报 for a service. Answers are checked
// against FormVersion, the form it was submitted under.
type Application struct {
	ID          int64           `json:"id"`
	Service     ServiceRef      `json:"service"`
	Unit        *UnitRef        `json:"unit"` // the applying unit; nil for a person
	Applicant   UserRef         `json:"applicant"`
	Title       string          `json:"title"`
	Status      AppStatus       `json:"status"`
	FormVersion int             `json:"form_version"`
	Answers     json.RawMessage `json:"answers"`
	Version     int             `json:"version"` // of the answers: every save and submission adds one
	// Due is when the current step should be done; Overdue is derived.
	Due         Date          `json:"due,omitempty"`
	Overdue     bool          `json:"overdue"`
	Note        string        `json:"note,omitempty"` // the last comment (a return's reasons, a decision)
	Delivery    *Delivery     `json:"delivery,omitempty"`
	Score       *ScoreSummary `json:"score,omitempty"`
	Selected    bool          `json:"selected"` // a showcase chosen for the gallery
	SubmittedAt *time.Time    `json:"submitted_at,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// ApplicationInput creates an application; with Submit it is submitted at
// once and must be complete.
type ApplicationInput struct {
	ServiceID int64           `json:"service_id"`
	UnitID    int64           `json:"unit_id"` // for unit services: the applying unit (the operator's own when 0)
	Title     string          `json:"title"`
	Answers   json.RawMessage `json:"answers"`
	Submit    bool            `json:"submit"`
}

// Validate checks what does not need the service.
func (in *ApplicationInput) Validate() error {
	var v Validator
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.ServiceID > 0, "service_id", "必须指定服务 / a service is required")
	checkText(&v, "title", in.Title, 1, 200)
	return v.Err()
}

// ApplicationPatch changes a draft's (or a returned application's) title
// or answers; a new version is kept.
type ApplicationPatch struct {
	Title   *string         `json:"title"`
	Answers json.RawMessage `json:"answers"`
}

// AppAction is what a step action carries: a note (required to return or
// reject), the pool and count for an assignment, a delivery.
type AppAction struct {
	Note string `json:"note"`
	// assign
	PoolID int64 `json:"pool_id"`
	// deliver
	Method   DeliveryMethod    `json:"method"`
	Carrier  string            `json:"carrier"`
	Tracking string            `json:"tracking"`
	Subject  map[string]string `json:"subject"` // the certificate's fields
}

// Who acts on an application.
const (
	ByApplicant = "applicant" // the applicant, or an operator of the applying unit
	ByStep      = "step"      // the current step's role over the owner unit
)

// AppTransition is an action on an application.
type AppTransition struct {
	Action    string
	From      []AppStatus
	By        string
	NeedsNote bool
}

// AppTransitions lists every action. Where each leads depends on the
// service's workflow (the next step, or closed after the last).
var AppTransitions = []AppTransition{
	{Action: "submit", From: []AppStatus{AppDraft, AppReturned}, By: ByApplicant},
	{Action: "withdraw", From: []AppStatus{AppDraft, AppReturned, AppStatus(StepCheck), AppStatus(StepReview)}, By: ByApplicant},
	{Action: "return", From: []AppStatus{AppStatus(StepCheck), AppStatus(StepDecision)}, By: ByStep, NeedsNote: true},
	{Action: "pass", From: []AppStatus{AppStatus(StepCheck)}, By: ByStep},
	{Action: "assign", From: []AppStatus{AppStatus(StepReview), AppStatus(StepAcceptance)}, By: ByStep},
	{Action: "approve", From: []AppStatus{AppStatus(StepDecision)}, By: ByStep},
	{Action: "reject", From: []AppStatus{AppStatus(StepCheck), AppStatus(StepDecision), AppStatus(StepAcceptance)}, By: ByStep, NeedsNote: true},
	{Action: "deliver", From: []AppStatus{AppStatus(StepDelivery)}, By: ByStep},
	{Action: "accept", From: []AppStatus{AppStatus(StepAcceptance)}, By: ByStep},
}

// AppActions lists the action names.
func AppActions() []string {
	out := make([]string, len(AppTransitions))
	for i, t := range AppTransitions {
		out[i] = t.Action
	}
	return out
}

// FindAppTransition returns the transition for action from status:
// EINVALID for an unknown action, ECONFLICT when not from this status.
func FindAppTransition(action string, from AppStatus) (AppTransition, error) {
	for _, t := range AppTransitions {
		if t.Action != action {
			continue
		}
		for _, f := range t.From {
			if f == from {
				return t, nil
			}
		}
		return t, Errorf(ECONFLICT, "申请当前为“%s”，不能执行该操作 / an application that is %s cannot %s", from.Label(false), from, action)
	}
	return AppTransition{}, Invalid(FieldError{Field: "action", Message: "未知操作 / unknown action: " + action})
}

// Check validates what the action carries.
func (a *AppAction) Check(t AppTransition) error {
	var v Validator
	a.Note, a.Carrier, a.Tracking = strings.TrimSpace(a.Note), strings.TrimSpace(a.Carrier), strings.TrimSpace(a.Tracking)
	checkText(&v, "note", a.Note, b2i(t.NeedsNote), 5000)
	switch t.Action {
	case "assign":
		v.Check(a.PoolID > 0, "pool_id", "必须指定专家库 / a reviewer pool is required")
	case "deliver":
		switch a.Method {
		case DeliverMail:
			checkText(&v, "carrier", a.Carrier, 1, 50)
			checkText(&v, "tracking", a.Tracking, 1, 50)
		case DeliverCertificate:
			v.Check(len(a.Subject) > 0, "subject", "必须填写证书内容 / the certificate's fields are required")
		default:
			v.Add("method", "须为 mail（邮寄）或 certificate（电子证书）/ must be mail or certificate")
		}
	}
	return v.Err()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ApplicationFilter selects applications; the store intersects it with
// the actor's reach (applicant side, owner side, or assigned reviewer).
type ApplicationFilter struct {
	ServiceID int64
	Status    AppStatus
	Mine      bool // only the actor's own applications (or its unit's)
	Overdue   bool
	Selected  *bool
	After     int64
	Limit     int
}

// AppVersion is one kept version of an application's answers.
type AppVersion struct {
	Version     int             `json:"version"`
	FormVersion int             `json:"form_version"`
	Title       string          `json:"title"`
	Answers     json.RawMessage `json:"answers"`
	Status      AppStatus       `json:"status"` // the status it was saved in
	By          string          `json:"by"`
	At          time.Time       `json:"at"`
}

// AppEvent is one line of an application's history.
type AppEvent struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	From   AppStatus `json:"from,omitempty"`
	To     AppStatus `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// StepCount is one line of the office overview.
type StepCount struct {
	Service ServiceRef        `json:"service"`
	Counts  map[AppStatus]int `json:"counts"`
	Overdue int               `json:"overdue"`
}

// ServiceService runs module F. Every method is scoped to the actor.
type ServiceService interface {
	// FindServices lists the catalogue: public, no reach needed.
	FindServices(ctx context.Context, f ServiceFilter) ([]*Service, error)
	// FindService returns a service with its current form. ENOTFOUND.
	FindService(ctx context.Context, id int64) (*Service, error)
	// FindForm returns one version of a service's form. ENOTFOUND.
	FindForm(ctx context.Context, serviceID int64, version int) (*Form, error)
	// CreateService: the office over the owner unit. EINVALID, EFORBIDDEN, ECONFLICT.
	CreateService(ctx context.Context, in ServiceInput) (*Service, error)
	// ChangeForm makes a new form version; applications keep theirs.
	// EINVALID, EFORBIDDEN, ENOTFOUND.
	ChangeForm(ctx context.Context, serviceID int64, fields []FormField) (*Service, error)
	// CreateApplication stores a draft, or submits at once; an invalid
	// submission names every bad field and stores nothing. EINVALID,
	// EFORBIDDEN, ENOTFOUND, ECONFLICT (window closed).
	CreateApplication(ctx context.Context, in ApplicationInput) (*Application, error)
	// UpdateApplication saves a draft's or a returned application's
	// answers as a new version. EINVALID, ECONFLICT, ENOTFOUND.
	UpdateApplication(ctx context.Context, id int64, p ApplicationPatch) (*Application, error)
	// FindApplications lists applications in reach. EINVALID.
	FindApplications(ctx context.Context, f ApplicationFilter) ([]*Application, int, error)
	// FindApplication returns one application in reach. ENOTFOUND.
	FindApplication(ctx context.Context, id int64) (*Application, error)
	// ActOnApplication takes a step action (see AppTransitions). EINVALID,
	// ECONFLICT, EFORBIDDEN, ENOTFOUND.
	ActOnApplication(ctx context.Context, id int64, action string, in AppAction) (*Application, error)
	// RecordUpload notes that the actor uploaded a file (audited once per
	// user and file): an application may only name files its acting user
	// uploaded or that an earlier version of it already named.
	// EUNAUTHORIZED.
	RecordUpload(ctx context.Context, f FileAnswer) error
	// ApplicationVersions lists every kept version, oldest first.
	ApplicationVersions(ctx context.Context, id int64) ([]AppVersion, error)
	// ApplicationHistory lists what happened, oldest first.
	ApplicationHistory(ctx context.Context, id int64) ([]AppEvent, error)
	// ServiceOverview counts applications per step for the services the
	// actor's office owns, with the overdue ones.
	ServiceOverview(ctx context.Context) ([]StepCount, error)
	ReviewService
}
