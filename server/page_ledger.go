package server

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/chart"
)

func (s *Server) ledgerPageRoutes(h func(string, http.HandlerFunc)) {
	h("GET /app/ledger", s.page(s.ledgerHome))
	h("GET /app/ledger/{id}", s.page(s.campaignPage))
	h("GET /app/ledger/{id}/cockpit", s.page(s.cockpitPage))
	h("GET /app/ledger/{id}/review", s.page(s.reviewPage))
	h("POST /app/ledger/{id}/import", s.page(s.importPost))
	h("GET /app/ledger/{id}/ledger.xlsx", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.exportLedger(w, r) }))
	h("POST /app/reports/{id}", s.page(s.reviewPost))
	h("GET /app/items/{id}", s.page(s.itemPage))
	h("GET /app/notices", s.page(s.noticesPage))
	h("POST /app/notices", s.page(s.noticesRead))
	h("GET /app/evidence/{id}", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.downloadEvidence(w, r) }))
	h("POST /app/items/{id}", s.page(s.itemPost))
}

// ragColour is the chart colour of a RAG status.
func ragColour(r shishi.RAG) string {
	switch r {
	case shishi.RAGGreen:
		return chart.Green
	case shishi.RAGAmber:
		return chart.Amber
	case shishi.RAGRed:
		return chart.Red
	}
	return chart.Grey
}

func ragKey(r shishi.RAG) string {
	if r == shishi.RAGNone {
		return "none"
	}
	return string(r)
}

// campaignSummary counts a campaign's items by RAG, overdue and missing.
type campaignSummary struct {
	Campaign *shishi.Campaign
	Items    int
	RAG      map[string]int // by RAG, "none" for not rated
	Overdue  int
	Missing  int
	Closed   int
	Avg      float64
	Donut    template.HTML
}

// summarise is the campaign at a glance for the viewer: the roll-up of
// the viewer's scope (the whole campaign for its office and leaders, the
// viewer's own unit's subtree for the others; unit narrows it), kept by
// the ledger.rollups job, so a page reads one row whatever the
// campaign's size.
func (s *Server) summarise(r *http.Request, v *view, c *shishi.Campaign, unit int64) (*campaignSummary, *shishi.Rollup, error) {
	all, err := s.Rollups.Cockpit(r.Context(), c.ID, unit)
	if err != nil {
		return nil, nil, err
	}
	sum := &campaignSummary{Campaign: c, Items: all.Items, RAG: map[string]int{}, Overdue: all.Overdue, Missing: all.Missing, Closed: all.Closed, Avg: all.Avg}
	for rag, n := range all.RAG {
		sum.RAG[ragKey(rag)] += n
	}
	base := fmt.Sprintf("/app/ledger/%d?%srag=", c.ID, unitQuery(all.UnitID))
	sum.Donut = template.HTML(chart.Donut(v.L.T("ledger.rag"), []chart.Part{
		{Label: shishi.RAGGreen.Label(v.L.EN), Value: float64(sum.RAG["green"]), Colour: chart.Green, Href: base + "green"},
		{Label: shishi.RAGAmber.Label(v.L.EN), Value: float64(sum.RAG["amber"]), Colour: chart.Amber, Href: base + "amber"},
		{Label: shishi.RAGRed.Label(v.L.EN), Value: float64(sum.RAG["red"]), Colour: chart.Red, Href: base + "red"},
		{Label: shishi.RAGNone.Label(v.L.EN), Value: float64(sum.RAG["none"]), Colour: chart.Grey, Href: base + "none"},
	}, v.L.T("ledger.items"), 200))
	return sum, all, nil
}

// unitQuery is the list filter "unit=N&" of a roll-up's scope, or nothing
// for the whole campaign.
func unitQuery(unit int64) string {
	if unit == 0 {
		return ""
	}
	return "unit=" + strconv.FormatInt(unit, 10) + "&"
}

func (s *Server) ledgerHome(w http.ResponseWriter, r *http.Request, v *view) error {
	cs, _, err := s.Campaigns.FindCampaigns(r.Context(), shishi.Page{})
	if err != nil {
		return err
	}
	var sums []*campaignSummary
	for _, c := range cs {
		sum, _, err := s.summarise(r, v, c, 0)
		if err != nil {
			return err
		}
		sums = append(sums, sum)
	}
	v.Title, v.Nav, v.Data = v.L.T("nav.ledger"), "ledger", sums
	s.render(w, r, http.StatusOK, "ledger", v)
	return nil
}

type campaignData struct {
	Campaign *shishi.Campaign
	Summary  *campaignSummary
	Items    []*shishi.Item
	Total    int
	Filter   url.Values
	Next     string
	Office   bool
	Tier     int64
	Bars     map[int64]template.HTML
	Units    []shishi.UnitRef // the lead units of the campaign, for the filter
}

func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderCampaign(w, r, v, http.StatusOK)
}

func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := itemFilter(r)
	if err != nil {
		return err
	}
	f.CampaignID, f.Limit = c.ID, 50
	f.After, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	items, total, err := s.Items.FindItems(r.Context(), f)
	if err != nil {
		return err
	}
	sum, all, err := s.summarise(r, v, c, 0)
	if err != nil {
		return err
	}
	// The unit filter offers the scope's units below it (its lead units
	// when counted live, for a unit with none below).
	var units []shishi.UnitRef
	opts := all.ByChild
	if len(opts) == 0 {
		opts = all.ByUnit
	}
	for _, u := range opts {
		units = append(units, shishi.UnitRef{ID: u.ID, Name: u.Label})
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Name < units[j].Name })
	d := campaignData{Units: units, Campaign: c, Summary: sum, Items: items, Total: total, Filter: r.URL.Query(), Tier: f.TierID, Bars: map[int64]template.HTML{}}
	for _, it := range items {
		if it.Completion != nil {
			d.Bars[it.ID] = template.HTML(chart.Progress(*it.Completion, ragColour(it.RAG), 90))
		}
	}
	if len(items) == f.Limit {
		q := r.URL.Query()
		q.Set("after", strconv.FormatInt(items[len(items)-1].ID, 10))
		d.Next = "?" + q.Encode()
	}
	d.Office = v.Actor.Has(shishi.RoleOffice)
	if n := r.URL.Query().Get("imported"); n != "" && v.Error == "" {
		v.Flash = fmt.Sprintf(v.L.T("import.done"), n)
	}
	v.Title, v.Nav, v.Data = c.Name, "ledger", d
	s.render(w, r, status, "campaign", v)
	return nil
}

type cockpitData struct {
	Campaign *shishi.Campaign
	Summary  *campaignSummary
	Rollup   *shishi.Rollup
	Scope    string // the subtree's root unit, "" for the whole campaign
	AsOf     string // when the roll-up was counted, as Beijing reads it
	Drilled  bool   // a unit was asked for: a link leads back
	ByTier   template.HTML
	ByUnit   template.HTML
	Children bool           // ByUnit breaks down by the units below the scope
	Red      []*shishi.Item // the first 100 red or overdue items
	RedTotal int
	ByStatus []statusRow
	ByLeader []leaderRow
	UnitQ    template.URL // "unit=N&" for the drill-down links
}

// statusRow and leaderRow are the cockpit's roll-up tables.
type statusRow struct {
	Status shishi.ItemStatus
	Count  int
}

type leaderRow struct {
	Leader          string
	Items, Red, Due int
	Avg             float64
}

// cockpitPage is the 领导驾驶舱: the campaign at a glance for the viewer's
// scope (the whole campaign for its office and leaders, the viewer's unit
// and the units below it for the others; ?unit= drills down), with a link
// from every chart to the items behind it, and to the cockpit of each unit
// below.
func (s *Server) cockpitPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	unit, err := unitParam(r)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	sum, all, err := s.summarise(r, v, c, unit)
	if err != nil {
		return err
	}
	d := cockpitData{Campaign: c, Summary: sum, Rollup: all, RedTotal: all.Flagged, UnitQ: template.URL(unitQuery(all.UnitID))}
	d.Scope, d.Drilled = all.UnitName, unit != 0
	d.AsOf = all.AsOf.In(shishi.Beijing).Format("2006年1月2日 15:04")
	// The items that need attention: red or overdue, the first of them.
	if d.Red, _, err = s.Items.FindItems(r.Context(), shishi.ItemFilter{CampaignID: c.ID, UnitID: all.UnitID, Flagged: true, Limit: 100, NoTotal: true}); err != nil {
		return err
	}
	for _, st := range shishi.ItemStatuses {
		d.ByStatus = append(d.ByStatus, statusRow{Status: st, Count: all.ByStatus[st]})
	}
	for _, l := range all.ByLeader {
		name := l.Label
		if name == "" {
			name = "—"
		}
		d.ByLeader = append(d.ByLeader, leaderRow{Leader: name, Items: l.Items, Red: l.Red, Due: l.Due, Avg: shishi.Round2(l.Sum / float64(l.Items))})
	}
	sort.Slice(d.ByLeader, func(i, j int) bool {
		a, b := d.ByLeader[i], d.ByLeader[j]
		return a.Red > b.Red || a.Red == b.Red && (a.Avg < b.Avg || a.Avg == b.Avg && a.Leader < b.Leader)
	})
	var tb []chart.Bar
	for _, t := range all.ByTier {
		if t.Rated > 0 {
			tb = append(tb, chart.Bar{Label: t.Label, Value: t.Sum / float64(t.Rated), Href: fmt.Sprintf("/app/ledger/%d?%stier=%d", c.ID, unitQuery(all.UnitID), t.ID)})
		}
	}
	d.ByTier = template.HTML(chart.Bars(v.L.T("cockpit.by_tier"), tb, 100, nil, 640))
	// By the units below the scope, each opening its own cockpit; counted
	// live (a unit with none below), by lead unit, the lowest 15.
	rows, title, max := all.ByChild, v.L.T("cockpit.by_child"), 40
	d.Children = len(rows) > 0
	if !d.Children {
		rows, title, max = all.ByUnit, v.L.T("cockpit.by_unit"), 15
	}
	var ub []chart.Bar
	for _, u := range rows {
		if u.Rated == 0 {
			continue
		}
		avg := u.Sum / float64(u.Rated)
		col := chart.Green
		if avg < 50 {
			col = chart.Amber
		}
		href := fmt.Sprintf("/app/ledger/%d?unit=%d", c.ID, u.ID)
		if d.Children {
			href = fmt.Sprintf("/app/ledger/%d/cockpit?unit=%d", c.ID, u.ID)
		}
		ub = append(ub, chart.Bar{Label: u.Label, Value: avg, Colour: col, Href: href})
	}
	sort.Slice(ub, func(i, j int) bool {
		return ub[i].Value < ub[j].Value || ub[i].Value == ub[j].Value && ub[i].Label < ub[j].Label
	})
	if len(ub) > max {
		ub = ub[:max]
	}
	d.ByUnit = template.HTML(chart.Bars(title, ub, 100, nil, 640))
	v.Title, v.Nav, v.Data = v.L.T("cockpit.title")+" · "+c.Name, "ledger", d
	s.render(w, r, http.StatusOK, "cockpit", v)
	return nil
}

type itemData struct {
	Item     *shishi.Item
	Children []*shishi.Item
	Campaign *shishi.Campaign
	Charts   []template.HTML
	Bars     map[int64]template.HTML
	Reports  []*shishi.Report
	Evidence map[int64][]*shishi.Evidence // by report
	Comments []*shishi.Comment
	Tasks    []*shishi.Task
	Findings []*shishi.Finding
	LeadOps  bool // the viewer may hand out tasks
	History  []shishi.ItemEvent
	Actions  []shishi.Transition
	CanFile  bool
	Office   bool
	Periods  []shishi.Period
	TargetOf map[int64]string
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderItem(w, r, v, http.StatusOK)
}

func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	it, err := s.Items.FindItem(ctx, id)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(ctx, it.CampaignID)
	if err != nil {
		return err
	}
	d := itemData{Item: it, Campaign: c, Bars: map[int64]template.HTML{}, TargetOf: map[int64]string{}}
	for _, t := range it.Targets {
		d.TargetOf[t.ID] = t.Name
		d.Bars[t.ID] = template.HTML(chart.Progress(t.Completion, ragColour(it.RAG), 120))
		if t.Kind != shishi.TargetQuantity || (len(t.Plan) == 0 && len(t.History) == 0) {
			continue
		}
		d.Charts = append(d.Charts, template.HTML(trajectory(v.L, c, t)))
	}
	if it.ChildCount > 0 {
		if d.Children, _, err = s.Items.FindItems(ctx, shishi.ItemFilter{ParentID: &it.ID, Limit: 500}); err != nil {
			return err
		}
	}
	if d.Reports, _, err = s.Reports.FindReports(ctx, shishi.ReportFilter{ItemID: id, Limit: 200}); err != nil {
		return err
	}
	d.Evidence = map[int64][]*shishi.Evidence{}
	if es, _, err := s.Evidence.FindEvidence(ctx, id, shishi.Page{}); err != nil {
		return err
	} else {
		for _, e := range es {
			d.Evidence[e.ReportID] = append(d.Evidence[e.ReportID], e)
		}
	}
	if d.Comments, _, err = s.Coord.FindComments(ctx, id, shishi.Page{}); err != nil {
		return err
	}
	if d.Tasks, _, err = s.Coord.FindTasks(ctx, id, shishi.Page{}); err != nil {
		return err
	}
	if s.Supervision != nil {
		if d.Findings, _, err = s.Supervision.FindFindings(ctx, shishi.FindingFilter{ItemID: id, Limit: 100}); err != nil {
			return err
		}
	}
	d.LeadOps = len(it.CoopUnits) > 0 && (v.Actor.Has(shishi.RoleOperator) || v.Actor.Has(shishi.RoleOffice))
	if d.History, _, err = s.Items.ItemHistory(ctx, id, shishi.Page{}); err != nil {
		return err
	}
	// Buttons only for what the viewer's roles can do; the store decides
	// for certain (an operator elsewhere still gets a clear refusal).
	d.Office = v.Actor.Has(shishi.RoleOffice)
	operates := d.Office || v.Actor.Has(shishi.RoleOperator) || v.Actor.Has(shishi.RoleLeader)
	for _, t := range shishi.Transitions {
		if (t.ByOffice && !d.Office) || (!t.ByOffice && !operates) {
			continue
		}
		for _, f := range t.From {
			if f == it.Status {
				d.Actions = append(d.Actions, t)
			}
		}
	}
	d.CanFile = (it.Status == shishi.StatusApproved || it.Status == shishi.StatusInProgress) && operates
	today := shishi.DateOf(s.now())
	last := today.Period()
	if c.EndsOn.Period() < last {
		last = c.EndsOn.Period()
	}
	d.Periods = shishi.Periods(c.StartsOn.Period(), last)
	for i, j := 0, len(d.Periods)-1; i < j; i, j = i+1, j-1 {
		d.Periods[i], d.Periods[j] = d.Periods[j], d.Periods[i]
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = it.Title, "ledger", d
	s.render(w, r, status, "item", v)
	return nil
}

// trajectory charts a quantity target: the plan dashed, the reported
// values solid, over the campaign's months.
func trajectory(l lang, c *shishi.Campaign, t shishi.Target) string {
	last := c.EndsOn.Period()
	months := shishi.Periods(c.StartsOn.Period(), last)
	plan := chart.Series{Name: l.T("chart.plan"), Colour: chart.LightBlue, Dashed: true}
	actual := chart.Series{Name: l.T("chart.actual"), Colour: chart.Blue}
	hist := map[shishi.Period]shishi.Decimal{}
	for _, h := range t.History {
		hist[h.Period] = h.Value
	}
	for _, m := range months {
		label := string(m)[2:]
		pv, ok := t.Planned(m)
		plan.Points = append(plan.Points, chart.Point{Label: label, Value: pv.Float(), Missing: !ok})
		hv, ok := hist[m]
		actual.Points = append(actual.Points, chart.Point{Label: label, Value: hv.Float(), Missing: !ok})
	}
	target := chart.Series{Name: l.T("chart.target"), Colour: chart.Grey, Dashed: true}
	for _, m := range months {
		target.Points = append(target.Points, chart.Point{Label: string(m)[2:], Value: t.Target.Float()})
	}
	return chart.Line(t.Name, t.Unit, []chart.Series{target, plan, actual}, 640, 260)
}

func (s *Server) itemPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	switch action := f.Get("action"); action {
	case "comment":
		_, err = s.Coord.AddComment(ctx, id, f.Get("body"))
	case "task":
		unit, _ := strconv.ParseInt(f.Get("unit_id"), 10, 64)
		_, err = s.Coord.AddTask(ctx, id, shishi.TaskInput{UnitID: unit, Title: f.Get("title"), Due: shishi.Date(f.Get("due"))})
	case "task_done":
		task, _ := strconv.ParseInt(f.Get("task"), 10, 64)
		_, err = s.Coord.CompleteTask(ctx, task, f.Get("note"))
	case "report":
		in := shishi.ReportInput{Period: shishi.Period(f.Get("period")), Narrative: f.Get("narrative"), Reason: f.Get("reason")}
		var verr shishi.Validator
		for k, vals := range f {
			tid, ok := strings.CutPrefix(k, "value_")
			if !ok || strings.TrimSpace(vals[0]) == "" {
				continue
			}
			n, perr := strconv.ParseInt(tid, 10, 64)
			val, derr := shishi.ParseDecimal(vals[0])
			if perr != nil || derr != nil {
				verr.Add(k, "须为数字（可用“万”）/ must be a number (万 allowed)")
				continue
			}
			in.Values = append(in.Values, shishi.ReportValue{TargetID: n, Value: val})
		}
		sort.Slice(in.Values, func(i, j int) bool { return in.Values[i].TargetID < in.Values[j].TargetID })
		err = verr.Err()
		// Evidence files are stored first: a refused file stops the report.
		var files []shishi.Evidence
		if err == nil && r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["evidence"] {
				if fh.Size == 0 && fh.Filename == "" {
					continue
				}
				e, ferr := s.storeUpload(fh)
				if ferr != nil {
					err = ferr
					break
				}
				files = append(files, e)
			}
		}
		if err == nil && len(files) > 10 {
			err = shishi.Invalid(shishi.FieldError{Field: "evidence", Message: "一次最多上传 10 个文件 / at most 10 files at once"})
		}
		if err == nil {
			var rep *shishi.Report
			if rep, err = s.Reports.FileReport(ctx, id, in); err == nil {
				for _, e := range files {
					if _, err = s.Evidence.AttachEvidence(ctx, rep.ID, e); err != nil {
						break
					}
				}
			}
		}
	default:
		// The version the page showed: a step on an item someone changed
		// meanwhile is refused, not taken on a status the user never saw.
		ver, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		_, err = s.Items.TransitionItem(ctx, id, action, strings.TrimSpace(f.Get("note")), ver)
	}
	if err == nil {
		http.Redirect(w, r, "/app/items/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	if c := shishi.ErrorCode(err); c != shishi.EINVALID && c != shishi.ECONFLICT && c != shishi.EFORBIDDEN && c != shishi.EPRECONDITION {
		return err
	}
	formError(v, r, err)
	return s.renderItem(w, r, v, Status(err))
}

type reviewData struct {
	Campaign *shishi.Campaign
	Reports  []*shishi.Report
	TargetOf map[int64]string
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	rs, _, err := s.Reports.FindReports(r.Context(), shishi.ReportFilter{CampaignID: id, Status: shishi.ReportSubmitted, Limit: 200})
	if err != nil {
		return err
	}
	d := reviewData{Campaign: c, Reports: rs, TargetOf: map[int64]string{}}
	for _, rep := range rs {
		it, err := s.Items.FindItem(r.Context(), rep.ItemID)
		if err != nil {
			return err
		}
		for _, t := range it.Targets {
			d.TargetOf[t.ID] = t.Name + "（" + t.Unit + "）"
		}
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("review.title")+" · "+c.Name, "ledger", d
	s.render(w, r, http.StatusOK, "review", v)
	return nil
}

func (s *Server) reviewPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	rep, err := s.Reports.ReviewReport(r.Context(), id, f.Get("action") == "accept", strings.TrimSpace(f.Get("comment")))
	if err != nil {
		return err
	}
	it, err := s.Items.FindItem(r.Context(), rep.ItemID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/app/ledger/%d/review?saved=1", it.CampaignID), http.StatusSeeOther)
	return nil
}

// importPost takes an item list from the campaign page's upload form.
func (s *Server) importPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	rows, err := readSheetForm(r)
	if err == nil {
		var n int
		if n, err = s.Import.ImportItems(r.Context(), id, rows); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/app/ledger/%d?imported=%d", id, n), http.StatusSeeOther)
			return nil
		}
	}
	if shishi.ErrorCode(err) != shishi.EINVALID {
		return err
	}
	v.Error = v.L.Msg(shishi.ErrorMessage(err))
	v.Faults = shishi.ErrorFields(err)
	r.URL.RawQuery = ""
	return s.renderCampaign(w, r, v, http.StatusUnprocessableEntity)
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ns, _, _, err := s.Coord.FindNotices(r.Context(), shishi.Page{Limit: 200})
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = v.L.T("notices.title"), "notices", ns
	s.render(w, r, http.StatusOK, "notices", v)
	return nil
}

func (s *Server) noticesRead(w http.ResponseWriter, r *http.Request, v *view) error {
	id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if err := s.Coord.ReadNotice(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/app/notices", http.StatusSeeOther)
	return nil
}
