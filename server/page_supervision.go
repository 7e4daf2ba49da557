package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

func (s *Server) supervisionPageRoutes(h func(string, http.HandlerFunc)) {
	h("GET /app/supervision", s.page(s.groupsPage))
	h("POST /app/supervision/groups", s.page(s.groupCreate))
	h("GET /app/supervision/groups/{id}", s.page(s.groupPage))
	h("POST /app/supervision/groups/{id}", s.page(s.groupPost))
	h("GET /app/supervision/groups/{id}/report", s.page(s.reportPage))
	h("GET /app/supervision/groups/{id}/report.xlsx", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.groupReportXLSX(w, r) }))
	h("GET /app/supervision/visits/{id}", s.page(s.visitPage))
	h("POST /app/supervision/visits/{id}", s.page(s.visitPost))
	h("GET /app/supervision/findings/{id}", s.page(s.findingPage))
	h("POST /app/supervision/findings/{id}", s.page(s.findingPost))
	h("GET /app/supervision/rectification", s.page(s.rectificationPage))
	h("GET /app/supervision/files/{id}", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.downloadAttachment(w, r) }))
}

// Labels of supervision's enumerations.
func (l lang) GroupKind(k shishi.GroupKind) string         { return k.Label(l.EN) }
func (l lang) FindingStatus(s shishi.FindingStatus) string { return s.Label(l.EN) }
func (l lang) Severity(s shishi.Severity) string           { return s.Label(l.EN) }
func (l lang) VisitStatus(s shishi.VisitStatus) string     { return s.Label(l.EN) }

type groupsData struct {
	Groups []*shishi.Group
	Kind   string
	Total  int
	Office bool
	Open   map[shishi.Colour]int
}

func (s *Server) groupsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderGroups(w, r, v, http.StatusOK)
}

func (s *Server) renderGroups(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	kind := shishi.GroupKind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Valid() {
		kind = ""
	}
	gs, total, err := s.Supervision.FindGroups(r.Context(), shishi.GroupFilter{Kind: kind, Limit: 500})
	if err != nil {
		return err
	}
	d := groupsData{Groups: gs, Kind: string(kind), Total: total, Office: v.Actor.Has(shishi.RoleOffice), Open: map[shishi.Colour]int{}}
	for _, g := range gs {
		for c, n := range g.Open {
			d.Open[c] += n
		}
	}
	v.Title, v.Nav, v.Data = v.L.T("nav.supervision"), "supervision", d
	s.render(w, r, status, "supervision", v)
	return nil
}

// splitList reads logins or codes separated by commas, 、 or white space.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
}

// groupCreate forms a group from the office's form: people by login and
// units by code, as an office writes them down.
func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request, v *view) error {
	f := r.PostForm
	in := shishi.GroupInput{Kind: shishi.GroupKind(f.Get("kind")), Name: f.Get("name"), Theme: f.Get("theme")}
	if !v.Actor.Has(shishi.RoleOffice) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以组建督导组 / only a campaign office forms groups")
	}
	var bad shishi.Validator
	in.LeaderID, in.MemberIDs, in.UnitIDs = s.groupPeople(r, &bad)
	in.OwnerUnitID = v.Actor.UnitID
	for _, g := range v.Actor.Grants {
		if g.Role == shishi.RoleOffice {
			in.OwnerUnitID = g.UnitID
			break
		}
	}
	err := bad.Err()
	var g *shishi.Group
	if err == nil {
		g, err = s.Supervision.CreateGroup(r.Context(), in)
	}
	target := ""
	if g != nil {
		target = fmt.Sprintf("/app/supervision/groups/%d?saved=1", g.ID)
	}
	return s.settle(w, r, v, err, target, func(w http.ResponseWriter, r *http.Request, v *view, status int) error {
		formFields(v)
		return s.renderGroups(w, r, v, status)
	})
}

// formFields shows the store's faults of ids on the form's fields of
// logins and codes.
func formFields(v *view) {
	for from, to := range map[string]string{"leader_id": "leader", "member_ids": "members", "unit_ids": "units"} {
		if m, ok := v.Fields[from]; ok {
			v.Fields[to] = m
		}
	}
}

// groupPeople reads a group form's leader and members by login and its
// units by code. People come from any unit, so logins are looked up as
// the system; the store still decides whether this office may form or
// change the group. Empty fields give 0 and nil.
func (s *Server) groupPeople(r *http.Request, bad *shishi.Validator) (leader int64, members, units []int64) {
	f := r.PostForm
	sys := shishi.WithActor(r.Context(), shishi.SystemActor())
	user := func(login string) int64 {
		u, err := s.Auth.FindUserByLogin(sys, strings.ToLower(strings.TrimSpace(login)))
		if err != nil {
			return 0
		}
		return u.ID
	}
	if l := strings.TrimSpace(f.Get("leader")); l != "" {
		if leader = user(l); leader == 0 {
			bad.Add("leader", "没有这个登录名："+l+" / no such login: "+l)
		}
	}
	for _, l := range splitList(f.Get("members")) {
		if id := user(l); id == 0 {
			bad.Add("members", "没有这个登录名："+l+" / no such login: "+l)
		} else {
			members = append(members, id)
		}
	}
	for _, c := range splitList(f.Get("units")) {
		us, _, err := s.Units.FindUnits(r.Context(), shishi.UnitFilter{Code: strings.ToLower(c), Limit: 1})
		if err != nil || len(us) != 1 {
			bad.Add("units", "没有这个单位代码："+c+" / no such unit code: "+c)
			continue
		}
		units = append(units, us[0].ID)
	}
	return leader, members, units
}

// groupEdit changes a group from the office's form on the group page.
func (s *Server) groupEdit(r *http.Request, id int64) error {
	f := r.PostForm
	var bad shishi.Validator
	name, theme := f.Get("name"), f.Get("theme")
	p := shishi.GroupPatch{Name: &name, Theme: &theme}
	leader, members, units := s.groupPeople(r, &bad)
	if leader > 0 {
		p.LeaderID = &leader
	}
	if members != nil {
		p.MemberIDs = &members
	}
	if units != nil {
		p.UnitIDs = &units
	}
	if err := bad.Err(); err != nil {
		return err
	}
	_, err := s.Supervision.UpdateGroup(r.Context(), id, formID(f.Get("version")), p)
	return err
}

// unitLine is a covered unit on the group board.
type unitLine struct {
	Unit      shishi.UnitRef
	Visits    int
	Open      map[shishi.Colour]int
	SignedOff int
}

type groupData struct {
	Group    *shishi.Group
	Lines    []*unitLine
	Visits   []*shishi.Visit
	Findings []*shishi.Finding
	Acts     bool // the viewer acts for the group (member or its office)
	Office   bool // the viewer may change the group
	Today    shishi.Date
	From     shishi.Date
	// The change form's values: logins and unit codes.
	Members, UnitCodes string
}

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderGroup(w, r, v, http.StatusOK)
}

func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	g, err := s.Supervision.FindGroup(ctx, id)
	if err != nil {
		return err
	}
	d := groupData{Group: g, Today: s.Supervision.Today()}
	d.From = d.Today.Period().Start()
	if d.Visits, _, err = s.Supervision.FindVisits(ctx, shishi.VisitFilter{GroupID: id, Limit: 500}); err != nil {
		return err
	}
	if d.Findings, _, err = s.Supervision.FindFindings(ctx, shishi.FindingFilter{GroupID: id, Limit: 500}); err != nil {
		return err
	}
	// Board lines: each covered unit with what happened in its subtree,
	// counted by the unit the group's report attributes it to.
	from, to := shishi.Date("2000-01-01"), d.Today
	if rep, err := s.Supervision.SupervisionReport(ctx, id, from, to); err == nil {
		for _, l := range rep.Lines {
			d.Lines = append(d.Lines, &unitLine{Unit: l.Unit, Visits: l.Visits, Open: l.Open, SignedOff: l.SignedOff})
		}
	} else {
		return err
	}
	for _, m := range g.Members {
		d.Acts = d.Acts || m.ID == v.Actor.UserID
	}
	d.Office = v.Actor.Has(shishi.RoleOffice)
	d.Acts = d.Acts || d.Office
	if d.Office {
		var logins, codes []string
		for _, m := range g.Members {
			logins = append(logins, m.Login)
		}
		for _, u := range g.Units {
			if x, err := s.Units.FindUnit(ctx, u.ID); err == nil {
				codes = append(codes, x.Code)
			}
		}
		d.Members, d.UnitCodes = strings.Join(logins, " "), strings.Join(codes, " ")
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = g.Name, "supervision", d
	s.render(w, r, status, "group", v)
	return nil
}

// formFiles stores a page form's files in field "files".
func (s *Server) formFiles(r *http.Request) ([]shishi.SupervisionFile, error) {
	return s.storeAttachments(r, "files")
}

func formDays(f string) int {
	n, err := strconv.Atoi(strings.TrimSpace(f))
	if err != nil {
		return 0
	}
	return n
}

func formID(f string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
	return n
}

// groupPost plans or records a visit, or raises a finding, from the board.
func (s *Server) groupPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	target := ""
	switch f.Get("action") {
	case "visit":
		in := shishi.VisitInput{GroupID: id, UnitID: formID(f.Get("unit_id")), PlannedOn: shishi.Date(f.Get("planned_on")),
			Participants: f.Get("participants"), Record: f.Get("record")}
		if in.Record != "" {
			in.VisitedOn = in.PlannedOn
		}
		var files []shishi.SupervisionFile
		if files, err = s.formFiles(r); err == nil {
			var vis *shishi.Visit
			if vis, err = s.Supervision.CreateVisit(r.Context(), in, files); err == nil {
				target = fmt.Sprintf("/app/supervision/visits/%d?saved=1", vis.ID)
			}
		}
	case "finding":
		in := shishi.FindingInput{GroupID: id, UnitID: formID(f.Get("unit_id"))}
		if item := formID(f.Get("item_id")); item > 0 {
			in.ItemID = &item
		}
		target, err = s.raise(r, in)
	case "edit":
		err = s.groupEdit(r, id)
		target = fmt.Sprintf("/app/supervision/groups/%d?saved=1", id)
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
	}
	return s.settle(w, r, v, err, target, func(w http.ResponseWriter, r *http.Request, v *view, status int) error {
		formFields(v)
		return s.renderGroup(w, r, v, status)
	})
}

type visitData struct {
	Visit    *shishi.Visit
	Group    *shishi.Group
	Findings []*shishi.Finding
	Acts     bool
}

func (s *Server) visitPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderVisit(w, r, v, http.StatusOK)
}

func (s *Server) renderVisit(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	vis, err := s.Supervision.FindVisit(ctx, id)
	if err != nil {
		return err
	}
	d := visitData{Visit: vis}
	if g, err := s.Supervision.FindGroup(ctx, vis.Group.ID); err == nil {
		d.Group = g
		for _, m := range g.Members {
			d.Acts = d.Acts || m.ID == v.Actor.UserID
		}
		d.Acts = d.Acts || v.Actor.Has(shishi.RoleOffice)
	}
	if d.Findings, _, err = s.Supervision.FindFindings(ctx, shishi.FindingFilter{VisitID: id, Limit: 500}); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("sup.visit")+" · "+vis.Unit.Name, "supervision", d
	s.render(w, r, status, "visit", v)
	return nil
}

// visitPost writes the record of a visit, or raises a finding from it.
func (s *Server) visitPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	target := fmt.Sprintf("/app/supervision/visits/%d?saved=1", id)
	switch f.Get("action") {
	case "record":
		var files []shishi.SupervisionFile
		if files, err = s.formFiles(r); err == nil {
			_, err = s.Supervision.RecordVisit(r.Context(), id, shishi.VisitRecord{VisitedOn: shishi.Date(f.Get("visited_on")), Participants: f.Get("participants"), Record: f.Get("record")}, files)
		}
	case "finding":
		target, err = s.raise(r, shishi.FindingInput{VisitID: &id})
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
	}
	return s.settle(w, r, v, err, target, s.renderVisit)
}

type findingData struct {
	Finding *shishi.Finding
	History []shishi.FindingEvent
	Actions []shishi.FindingTransition
}

func (s *Server) findingPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderFinding(w, r, v, http.StatusOK)
}

func (s *Server) renderFinding(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f, err := s.Supervision.FindFinding(ctx, id)
	if err != nil {
		return err
	}
	d := findingData{Finding: f}
	if d.History, _, err = s.Supervision.FindingHistory(ctx, id, shishi.Page{}); err != nil {
		return err
	}
	// Buttons for what the viewer's side may do; the store decides for
	// certain and refuses the rest with a clear message.
	member := v.Actor.Has(shishi.RoleOffice)
	if g, err := s.Supervision.FindGroup(ctx, f.Group.ID); err == nil {
		for _, m := range g.Members {
			member = member || m.ID == v.Actor.UserID
		}
	}
	unit := v.Actor.Has(shishi.RoleOperator) || v.Actor.Has(shishi.RoleLeader)
	for _, t := range shishi.FindingTransitions {
		if (t.By == shishi.ByGroup && !member) || (t.By == shishi.ByUnit && !unit) {
			continue
		}
		for _, from := range t.From {
			if from == f.Status {
				d.Actions = append(d.Actions, t)
			}
		}
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = fmt.Sprintf("%s #%d · %s", v.L.T("sup.finding"), f.ID, f.Unit.Name), "supervision", d
	s.render(w, r, status, "finding", v)
	return nil
}

func (s *Server) findingPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	files, err := s.formFiles(r)
	if err == nil {
		// The version the page showed: a stale form is refused.
		ver, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		_, err = s.Supervision.ActOnFinding(r.Context(), id, r.PostForm.Get("action"), r.PostForm.Get("note"), files, ver)
	}
	return s.settle(w, r, v, err, fmt.Sprintf("/app/supervision/findings/%d?saved=1", id), s.renderFinding)
}

// settle ends a form post: on success a redirect to target; a refusal
// (bad input, a step out of turn, a wrong role, a stale form) goes back to the page
// with the message and the fields; anything else is an error page.
func (s *Server) settle(w http.ResponseWriter, r *http.Request, v *view, err error, target string,
	page func(http.ResponseWriter, *http.Request, *view, int) error) error {
	if err == nil {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	switch shishi.ErrorCode(err) {
	case shishi.EINVALID, shishi.EFORBIDDEN, shishi.ECONFLICT, shishi.EPRECONDITION:
	default:
		return err
	}
	formError(v, r, err)
	return page(w, r, v, Status(err))
}

// raise raises a finding from a form and names the page to go to.
func (s *Server) raise(r *http.Request, in shishi.FindingInput) (string, error) {
	f := r.PostForm
	in.Severity, in.Description, in.Days = shishi.Severity(f.Get("severity")), f.Get("description"), formDays(f.Get("days"))
	fd, err := s.Supervision.RaiseFinding(r.Context(), in)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/app/supervision/findings/%d?saved=1", fd.ID), nil
}

type rectificationData struct {
	Unit     *shishi.Unit
	Findings []*shishi.Finding
	Total    int
	Colour   string
	Status   string
	Open     map[shishi.Colour]int
}

// rectificationPage is a unit's rectification list (整改台账): the
// findings against it and its subtree, by colour, most urgent first.
func (s *Server) rectificationPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	unitID := v.Actor.UnitID
	if n := formID(r.URL.Query().Get("unit")); n > 0 {
		unitID = n
	}
	u, err := s.Units.FindUnit(ctx, unitID)
	if err != nil {
		return err
	}
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	f.UnitID, f.GroupID, f.Limit = u.ID, 0, 500
	fs, total, err := s.Supervision.FindFindings(ctx, f)
	if err != nil {
		return err
	}
	d := rectificationData{Unit: u, Findings: fs, Total: total, Colour: string(f.Colour), Status: string(f.Status), Open: map[shishi.Colour]int{}}
	all, _, err := s.Supervision.FindFindings(ctx, shishi.FindingFilter{UnitID: u.ID, Limit: 500})
	if err != nil {
		return err
	}
	for _, x := range all {
		d.Open[x.Colour]++
	}
	rank := map[shishi.Colour]int{shishi.ColourRed: 0, shishi.ColourYellow: 1, shishi.ColourGreen: 2, shishi.ColourNone: 3}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		return rank[a.Colour] < rank[b.Colour] || rank[a.Colour] == rank[b.Colour] && a.Deadline < b.Deadline
	})
	v.Title, v.Nav, v.Data = v.L.T("sup.rectification")+" · "+v.L.Name(u.Name, u.NameEN), "supervision", d
	s.render(w, r, http.StatusOK, "rectification", v)
	return nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, v *view) error {
	rep, err := s.report(r)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = rep.Group.Name+" · "+v.L.T("sup.report"), "supervision", rep
	s.render(w, r, http.StatusOK, "supreport", v)
	return nil
}

// chipData feeds the "colours" and "colour" partials.
type chipData struct {
	L      lang
	Open   map[shishi.Colour]int
	Colour shishi.Colour
}

// findingsData feeds the "findings" table; raiseData the "raise" form.
type findingsData struct {
	L        lang
	Findings []*shishi.Finding
}

type raiseData struct {
	V     *view
	Units []shishi.UnitRef
}

func init() {
	funcs["colours"] = func() []shishi.Colour {
		return []shishi.Colour{shishi.ColourRed, shishi.ColourYellow, shishi.ColourGreen}
	}
	funcs["chips"] = func(l lang, open map[shishi.Colour]int) chipData { return chipData{L: l, Open: open} }
	funcs["chip"] = func(l lang, c shishi.Colour) chipData { return chipData{L: l, Colour: c} }
	funcs["findingsOf"] = func(l lang, fs []*shishi.Finding) findingsData { return findingsData{L: l, Findings: fs} }
	funcs["raiseOf"] = func(v *view, units []shishi.UnitRef) raiseData { return raiseData{V: v, Units: units} }
	funcs["n"] = func(m map[shishi.Colour]int, c string) int { return m[shishi.Colour(c)] }
	funcs["groupKinds"] = func() []shishi.GroupKind { return shishi.GroupKinds }
	funcs["severities"] = func() []shishi.Severity { return shishi.Severities }
	funcs["findingStatuses"] = func() []shishi.FindingStatus { return shishi.FindingStatuses }
	funcs["allColours"] = func() []shishi.Colour { return shishi.WarningColours }
	funcs["sevOf"] = func(s string) shishi.Severity { return shishi.Severity(s) }
	funcs["fstatusOf"] = func(s string) shishi.FindingStatus { return shishi.FindingStatus(s) }
	funcs["supActionKey"] = func(a string) string { return "sup.action." + a }
	for k, v := range supervisionCatalog {
		catalog[k] = v
	}
}

// supervisionCatalog is module C's part of the catalogue.
var supervisionCatalog = map[string][2]string{
	"sup.groups":                 {"督导组", "Groups"},
	"sup.item_findings":          {"督查督导发现的问题", "Supervision findings"},
	"sup.edit":                   {"调整督导组", "Change the group"},
	"sup.edit.submit":            {"保存调整", "Save changes"},
	"sup.status":                 {"状态", "Status"},
	"sup.signed_chip":            {"已销号", "Signed off"},
	"sup.all":                    {"全部", "All"},
	"sup.kind":                   {"类别", "Kind"},
	"sup.name":                   {"组名", "Name"},
	"sup.theme":                  {"督导主题", "Theme"},
	"sup.owner":                  {"派出单位", "Sent by"},
	"sup.leader":                 {"组长", "Leader"},
	"sup.members":                {"成员", "Members"},
	"sup.units":                  {"督导单位", "Units covered"},
	"sup.unit_count":             {"督导单位数", "Units"},
	"sup.open":                   {"未销号问题", "Open findings"},
	"sup.legend":                 {"三色督办：绿色为正常推进，黄色为距整改时限 3 个工作日内，红色为已逾期并提级督办。", "Three colours: green on time, yellow within 3 working days of the deadline, red overdue and escalated."},
	"sup.create":                 {"组建督导组", "Form a group"},
	"sup.create.leader":          {"组长登录名", "Leader's login"},
	"sup.create.members":         {"成员登录名（逗号或空格分隔）", "Members' logins (comma or space separated)"},
	"sup.create.units":           {"督导单位代码（逗号或空格分隔）", "Unit codes covered (comma or space separated)"},
	"sup.create.submit":          {"组建", "Form the group"},
	"sup.rectification":          {"整改台账", "Rectification list"},
	"sup.my_rectification":       {"本单位整改台账", "My unit's rectification"},
	"sup.visits":                 {"走访记录", "Visits"},
	"sup.visit":                  {"走访", "Visit"},
	"sup.visit.date":             {"走访日期", "Date"},
	"sup.visit.plan":             {"安排走访 / 填写走访记录", "Plan or record a visit"},
	"sup.visit.plan_help":        {"只填日期为计划走访；填写记录即为已走访。", "A date alone plans a visit; with a record it is done."},
	"sup.visit.record":           {"走访记录", "Record"},
	"sup.visit.record_form":      {"填写走访记录", "Write the record"},
	"sup.visit.participants":     {"参加人员", "Participants"},
	"sup.visit.files":            {"附件（图片、PDF、Office 文档，每个不超过 20 MiB，最多 10 个）", "Files (images, PDF, Office; 20 MiB each, at most 10)"},
	"sup.visit.save":             {"保存", "Save"},
	"sup.findings":               {"问题清单", "Findings"},
	"sup.finding":                {"问题", "Finding"},
	"sup.finding.raise":          {"反馈问题", "Raise a finding"},
	"sup.finding.unit":           {"整改单位", "Unit to rectify"},
	"sup.finding.severity":       {"严重程度", "Severity"},
	"sup.finding.description":    {"问题描述", "Description"},
	"sup.finding.days":           {"整改时限（工作日）", "Working days to rectify"},
	"sup.finding.item":           {"关联事项编号（可选）", "Item id (optional)"},
	"sup.finding.raised_on":      {"发现日期", "Raised on"},
	"sup.finding.deadline":       {"整改时限", "Deadline"},
	"sup.finding.status":         {"整改状态", "Status"},
	"sup.finding.colour":         {"预警", "Warning"},
	"sup.finding.plan":           {"整改方案", "Plan"},
	"sup.finding.escalated":      {"提级督办", "Escalated to"},
	"sup.finding.signed":         {"销号日期", "Signed off"},
	"sup.finding.group":          {"督导组", "Group"},
	"sup.finding.from_visit":     {"来源走访", "From visit"},
	"sup.finding.item_ref":       {"关联事项", "Item"},
	"sup.finding.history":        {"整改过程", "History"},
	"sup.finding.actions":        {"办理", "Actions"},
	"sup.finding.note":           {"说明", "Note"},
	"sup.finding.files":          {"佐证材料（可多选）", "Evidence files (several allowed)"},
	"sup.workdays":               {"个工作日", "working days"},
	"sup.report":                 {"督导工作报告", "Supervision report"},
	"sup.report.period":          {"统计期间", "Period"},
	"sup.report.from":            {"起", "From"},
	"sup.report.to":              {"止", "To"},
	"sup.report.show":            {"生成报告", "Show"},
	"sup.report.xlsx":            {"导出 Excel", "Download .xlsx"},
	"sup.report.print":           {"打印", "Print"},
	"sup.report.as_of":           {"数据截至", "As of"},
	"sup.report.visits":          {"走访次数", "Visits"},
	"sup.report.found":           {"发现问题", "Findings"},
	"sup.report.signed":          {"已销号", "Signed off"},
	"sup.report.on_time":         {"按期销号", "On time"},
	"sup.report.escalated":       {"提级督办", "Escalated"},
	"sup.report.total":           {"合计", "Total"},
	"sup.none_groups":            {"没有可查看的督导组。", "No group to show."},
	"sup.action.plan":            {"提交整改方案", "Submit the plan"},
	"sup.action.progress":        {"报送整改进展", "Report progress"},
	"sup.action.request_signoff": {"申请销号", "Request sign-off"},
	"sup.action.sign_off":        {"审核销号", "Sign off"},
	"sup.action.return":          {"退回重新整改", "Return"},
	"sup.action.raise":           {"反馈问题", "Raised"},
	"sup.action.escalate":        {"提级督办", "Escalated"},
}
