package server

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/chart"
)

func (s *Server) complaintPageRoutes(h func(string, http.HandlerFunc)) {
	h("GET /app/complaints", s.page(s.complaintsPage))
	h("GET /app/complaints/stats", s.page(s.complaintStatsPage))
	h("POST /app/complaints/stats", s.page(s.complaintFloorsUpdate))
	h("GET /app/complaints/{id}", s.page(s.complaintPage))
	h("POST /app/complaints/{id}", s.page(s.complaintAction))
	h("GET /app/complaints/{id}/files/{file}", s.page(func(w http.ResponseWriter, r *http.Request, v *view) error { return s.complaintFile(w, r) }))
	// The public column: no account, its own tighter limit.
	h("GET /complaints", s.publicSubmitForm)
	h("POST /complaints", s.limit(s.publicLim, s.publicSubmit))
	h("GET /complaints/track", s.publicTrackForm)
	h("POST /complaints/track", s.limit(s.publicLim, s.publicTrack))
}

type inboxData struct {
	Items  []*shishi.Complaint
	Total  int
	Counts map[string]int
	Cats   []*shishi.ComplaintCategory
	Filter shishi.ComplaintFilter
	All    bool
	Next   string
	Query  string // the filter as a query string, for the export link
}

// complaintsPage is the handlers' inbox: open cases by colour, newest
// first, with the filters of the API.
func (s *Server) complaintsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := complaintFilter(r)
	if err != nil {
		return err
	}
	all := r.URL.Query().Get("all") == "1"
	if f.Status == "" && !all {
		f.Open = true
	}
	cs, total, err := s.Complaints.FindComplaints(r.Context(), f)
	if err != nil {
		return err
	}
	d := inboxData{Items: cs, Total: total, Counts: map[string]int{}, Filter: f, All: all}
	for _, c := range []shishi.Colour{shishi.ColourRed, shishi.ColourYellow, shishi.ColourGreen} {
		_, n, err := s.Complaints.FindComplaints(r.Context(), shishi.ComplaintFilter{Colour: c, Limit: 1, Category: f.Category, UnitID: f.UnitID})
		if err != nil {
			return err
		}
		d.Counts[string(c)] = n
	}
	if d.Cats, err = s.Complaints.Categories(r.Context(), true); err != nil {
		return err
	}
	if len(cs) == f.Limit && len(cs) > 0 {
		q := r.URL.Query()
		q.Set("cursor", encodeCursor(cs[len(cs)-1].ID))
		d.Next = q.Encode()
	}
	q := r.URL.Query()
	q.Del("cursor")
	d.Query = q.Encode()
	v.Title, v.Nav, v.Data = v.L.T("complaints.inbox"), "complaints", d
	s.render(w, r, http.StatusOK, "complaints", v)
	return nil
}

type caseData struct {
	C          *shishi.Complaint
	Events     []*shishi.ComplaintEvent
	Duplicates []*shishi.Duplicate
	Units      []*shishi.Unit // where the desk may dispatch
	Reporter   *shishi.Reporter
	Can        map[string]bool
}

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.showComplaint(w, r, v, nil, http.StatusOK)
}

func (s *Server) showComplaint(w http.ResponseWriter, r *http.Request, v *view, rep *shishi.Reporter, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Complaints.FindComplaint(r.Context(), id)
	if err != nil {
		return err
	}
	d := caseData{C: c, Reporter: rep, Can: map[string]bool{}}
	for _, a := range c.Can {
		d.Can[a] = true
	}
	if d.Events, _, err = s.Complaints.ComplaintEvents(r.Context(), id, shishi.Page{}); err != nil {
		return err
	}
	if d.Can["merge"] {
		if d.Duplicates, err = s.Complaints.Duplicates(r.Context(), id); err != nil {
			return err
		}
	}
	if d.Can["dispatch"] || d.Can["forward"] {
		// The units below the desk, for the dispatch form: the unit
		// concerned's own chain first, then the rest by tree order.
		us, _, err := s.Units.FindUnits(r.Context(), shishi.UnitFilter{Under: &c.Desk.ID, Limit: 500})
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.ID != c.Desk.ID {
				d.Units = append(d.Units, u)
			}
		}
	}
	v.Title = c.Code + " · " + c.CategoryName
	v.Nav, v.Data = "complaints", d
	s.render(w, r, status, "complaint", v)
	return nil
}

// complaintAction takes a step from the case page's forms.
func (s *Server) complaintAction(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	action := f.Get("action")
	if action == "reveal" {
		rep, err := s.Complaints.RevealReporter(r.Context(), id, f.Get("reason"))
		if err != nil {
			formError(v, r, err)
			return s.showComplaint(w, r, v, nil, Status(err))
		}
		v.Flash = v.L.T("complaint.revealed")
		return s.showComplaint(w, r, v, rep, http.StatusOK)
	}
	in := shishi.StepInput{Note: f.Get("note"), Conclusion: shishi.Conclusion(f.Get("conclusion")), Into: f.Get("into"),
		RevealToUnit: f.Get("reveal_to_unit") == "on"}
	if x := f.Get("unit_id"); x != "" {
		in.UnitID, _ = strconv.ParseInt(x, 10, 64)
	}
	if x := f.Get("days"); x != "" {
		in.Days, _ = strconv.Atoi(x)
	}
	if _, err := s.Complaints.Step(r.Context(), id, action, in); err != nil {
		formError(v, r, err)
		return s.showComplaint(w, r, v, nil, Status(err))
	}
	http.Redirect(w, r, "/app/complaints/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(action), http.StatusSeeOther)
	return nil
}

type statsData struct {
	St    *shishi.ComplaintStats
	Cats  []*shishi.ComplaintCategory
	Chart template.HTML
	Edit  bool
}

// complaintStatsPage is the league table with its floors and a bar chart
// of volume by category.
func (s *Server) complaintStatsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	from, to := statsPeriod(r, s.now())
	st, err := s.Complaints.Stats(r.Context(), from, to)
	if err != nil {
		return err
	}
	cats, err := s.Complaints.Categories(r.Context(), true)
	if err != nil {
		return err
	}
	var bars []chart.Bar
	for _, c := range cats {
		if n := st.ByCategory[c.Code]; n > 0 {
			bars = append(bars, chart.Bar{Label: c.Label(v.L.EN), Value: float64(n)})
		}
	}
	d := statsData{St: st, Cats: cats, Chart: template.HTML(chart.Bars(v.L.T("complaints.by_category"), bars, 0, func(x float64) string { return v.L.Num(int(x)) }, 0)),
		Edit: v.Actor.Has(shishi.RoleOffice) || v.Actor.Has(shishi.RoleHandler)}
	v.Title, v.Nav, v.Data = v.L.T("complaints.stats"), "complaints", d
	s.render(w, r, http.StatusOK, "complaint_stats", v)
	return nil
}

func (s *Server) complaintFloorsUpdate(w http.ResponseWriter, r *http.Request, v *view) error {
	num := func(k string) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(r.PostForm.Get(k)), 64)
		if err != nil {
			return -1
		}
		return x
	}
	f := shishi.ComplaintFloors{OnTime: num("on_time"), Reply: num("reply"), Satisfaction: num("satisfaction")}
	// The version the form was drawn from: a stale form is refused, not
	// silently written over a colleague's change.
	ver, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err := s.Complaints.SaveFloors(r.Context(), f, ver); err != nil {
		return err
	}
	http.Redirect(w, r, "/app/complaints/stats?saved=1", http.StatusSeeOther)
	return nil
}
