package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

// Online services in the back office: the catalogue with the caller's own
// applications (the applicant's dashboard), form filling with each fault
// beside its field, an application's page with its step actions, the
// reviewer's workbench and the office's overview.

func (s *Server) servicePageRoutes(h func(string, http.HandlerFunc)) {
	h("GET /app/services", s.page(s.servicesPage))
	h("GET /app/services/overview", s.page(s.serviceOverviewPage))
	h("GET /app/services/export.xlsx", s.page(s.serviceExportPage))
	h("GET /app/services/{id}/apply", s.page(s.applyPage))
	h("POST /app/services/{id}/apply", s.page(s.applyPost))
	h("GET /app/applications/{id}", s.page(s.applicationPage))
	h("POST /app/applications/{id}", s.page(s.applicationPost))
	h("GET /app/applications/{id}/edit", s.page(s.editPage))
	h("GET /app/applications/{id}/files/{hash}", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.applicationFile(w, r) }))
	h("POST /app/applications/{id}/edit", s.page(s.editPost))
	h("GET /app/reviews", s.page(s.workbenchPage))
	h("POST /app/reviews/{id}", s.page(s.scorePost))
}

// Labels of the services' enumerations.
func (l lang) AppStatus(s shishi.AppStatus) string     { return s.Label(l.EN) }
func (l lang) StepKind(k shishi.StepKind) string       { return k.Label(l.EN) }
func (l lang) Applicants(a shishi.Applicants) string   { return a.Label(l.EN) }
func (l lang) FieldType(t shishi.FormFieldType) string { return t.Label(l.EN) }
func (l lang) Delivery(m shishi.DeliveryMethod) string { return m.Label(l.EN) }
func (l lang) FieldLabel(f shishi.FormField) string    { return l.Name(f.Label, f.LabelEn) }
func (l lang) ServiceName(x *shishi.Service) string    { return l.Name(x.Name, x.NameEn) }
func (l lang) Score(f float64) string                  { return strconv.FormatFloat(f, 'f', -1, 64) }
func (l lang) ScorePtr(f *float64) string              { return scoreText(f) }

// Day shows the Beijing date of an instant.
func (l lang) Day(t time.Time) string { return l.Date(shishi.DateOf(t)) }

func scoreText(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func init() {
	// dict passes several values to a template: dict "K" v "K2" v2.
	funcs["dict"] = func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	}
	funcs["appStatuses"] = func() []shishi.AppStatus { return shishi.AppStatuses }
	// answer reads an answer as text for a form's value attribute.
	funcs["answer"] = func(vals map[string]any, key string) string { return answerText(vals[key]) }
	funcs["chosen"] = func(vals map[string]any, key, opt string) bool {
		xs, _ := vals[key].([]any)
		for _, x := range xs {
			if x == opt {
				return true
			}
		}
		return answerText(vals[key]) == opt
	}
	funcs["files"] = func(vals map[string]any, key string) []shishi.FileAnswer {
		var out []shishi.FileAnswer
		b, _ := json.Marshal(vals[key])
		_ = json.Unmarshal(b, &out)
		return out
	}
	funcs["rowsOf"] = func(vals map[string]any, key string) []map[string]any {
		xs, _ := vals[key].([]any)
		var out []map[string]any
		for _, x := range xs {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		// Three blank rows to add to.
		return append(out, map[string]any{}, map[string]any{}, map[string]any{})
	}
	funcs["faultsUnder"] = func(fields map[string]string, prefix string) []string {
		var out []string
		for k, m := range fields {
			if strings.HasPrefix(k, prefix+"[") {
				out = append(out, k[len(prefix):]+" "+m)
			}
		}
		sort.Strings(out)
		return out
	}
}

func answerText(x any) string {
	switch v := x.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case []any:
		parts := make([]string, 0, len(v))
		for _, p := range v {
			parts = append(parts, answerText(p))
		}
		return strings.Join(parts, "、")
	}
	b, _ := json.Marshal(x)
	return string(b)
}

type servicesData struct {
	Services []*shishi.Service
	Mine     []*shishi.Application
	MineN    int
	Reviews  int // open reviews on the caller's workbench
	Owner    bool
}

func (s *Server) servicesPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	ss, err := s.Online.FindServices(ctx, shishi.ServiceFilter{})
	if err != nil {
		return err
	}
	mine, n, err := s.Online.FindApplications(ctx, shishi.ApplicationFilter{Mine: true, Limit: 50})
	if err != nil {
		return err
	}
	rs, err := s.Online.FindReviews(ctx, shishi.ReviewFilter{Mine: true, Open: true})
	if err != nil {
		return err
	}
	ov, err := s.Online.ServiceOverview(ctx)
	if err != nil {
		return err
	}
	v.Title, v.Nav = v.L.T("svc.title"), "services"
	v.Data = servicesData{Services: ss, Mine: mine, MineN: n, Reviews: len(rs), Owner: len(ov) > 0 || v.Actor.Has(shishi.RoleOffice)}
	s.render(w, r, http.StatusOK, "services", v)
	return nil
}

type applyData struct {
	Service *shishi.Service
	Form    *shishi.Form
	App     *shishi.Application // editing a draft or a returned application
	Values  map[string]any
	Title   string
}

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	x, err := s.Online.FindService(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderApply(w, r, v, http.StatusOK, applyData{Service: x, Form: &x.Form, Values: map[string]any{}})
}

func (s *Server) renderApply(w http.ResponseWriter, r *http.Request, v *view, status int, d applyData) error {
	v.Title, v.Nav, v.Data = v.L.ServiceName(d.Service), "services", d
	s.render(w, r, status, "apply", v)
	return nil
}

// answersFromForm turns a filled form into answers: text inputs as
// given, choices by value, files uploaded into the blob store (a field
// with no new file keeps what the draft had), table rows from their cells
// (blank rows left out). The store checks the result.
func (s *Server) answersFromForm(r *http.Request, form *shishi.Form, kept map[string]any) (map[string]any, error) {
	f := r.PostForm
	out := map[string]any{}
	for _, fd := range form.Fields {
		name := "a." + fd.Key
		switch fd.Type {
		case shishi.FormMulti:
			if xs := f[name]; len(xs) > 0 {
				out[fd.Key] = xs
			}
		case shishi.FormFile:
			var files []shishi.FileAnswer
			if r.MultipartForm != nil {
				for _, fh := range r.MultipartForm.File[name] {
					if fh.Size == 0 && fh.Filename == "" {
						continue
					}
					e, err := s.storeUpload(fh)
					if err != nil {
						return nil, shishi.Invalid(shishi.FieldError{Field: "answers." + fd.Key, Message: shishi.ErrorMessage(err)})
					}
					file, err := s.keepServiceFile(r.Context(), e)
					if err != nil {
						return nil, err
					}
					files = append(files, file)
				}
			}
			if len(files) > 0 {
				out[fd.Key] = files
			} else if k, ok := kept[fd.Key]; ok {
				out[fd.Key] = k
			}
		case shishi.FormTable:
			n, _ := strconv.Atoi(f.Get(name + ".rows"))
			var rows []map[string]any
			for i := 1; i <= n && i <= 500; i++ {
				row := map[string]any{}
				for _, c := range fd.Columns {
					if c.Type == shishi.FormMulti {
						if xs := f[fmt.Sprintf("%s.%d.%s", name, i, c.Key)]; len(xs) > 0 {
							row[c.Key] = xs
						}
					} else if val := strings.TrimSpace(f.Get(fmt.Sprintf("%s.%d.%s", name, i, c.Key))); val != "" {
						row[c.Key] = val
					}
				}
				if len(row) > 0 {
					rows = append(rows, row)
				}
			}
			if len(rows) > 0 {
				out[fd.Key] = rows
			}
		default:
			if val := f.Get(name); strings.TrimSpace(val) != "" {
				out[fd.Key] = val
			}
		}
	}
	return out, nil
}

func (s *Server) applyPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	x, err := s.Online.FindService(r.Context(), id)
	if err != nil {
		return err
	}
	vals, err := s.answersFromForm(r, &x.Form, nil)
	var app *shishi.Application
	if err == nil {
		b, _ := json.Marshal(vals)
		app, err = s.Online.CreateApplication(r.Context(), shishi.ApplicationInput{ServiceID: id, Title: r.PostForm.Get("title"), Answers: b,
			Submit: r.PostForm.Get("submit") != ""})
	}
	target := ""
	if app != nil {
		target = fmt.Sprintf("/app/applications/%d?saved=1", app.ID)
	}
	return s.settle(w, r, v, err, target, func(w http.ResponseWriter, r *http.Request, v *view, status int) error {
		return s.renderApply(w, r, v, status, applyData{Service: x, Form: &x.Form, Values: vals, Title: r.PostForm.Get("title")})
	})
}

// editData loads an application the caller may change, with its form.
func (s *Server) editData(r *http.Request) (applyData, error) {
	id, err := idParam(r)
	if err != nil {
		return applyData{}, err
	}
	app, err := s.Online.FindApplication(r.Context(), id)
	if err != nil {
		return applyData{}, err
	}
	svc, err := s.Online.FindService(r.Context(), app.Service.ID)
	if err != nil {
		return applyData{}, err
	}
	form := &svc.Form
	if app.Status == shishi.AppReturned {
		if form, err = s.Online.FindForm(r.Context(), svc.ID, app.FormVersion); err != nil {
			return applyData{}, err
		}
	}
	d := applyData{Service: svc, Form: form, App: app, Values: map[string]any{}, Title: app.Title}
	_ = json.Unmarshal(app.Answers, &d.Values)
	return d, nil
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := s.editData(r)
	if err != nil {
		return err
	}
	return s.renderApply(w, r, v, http.StatusOK, d)
}

// editPost saves the answers as a new version and, with submit, submits.
func (s *Server) editPost(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := s.editData(r)
	if err != nil {
		return err
	}
	vals, err := s.answersFromForm(r, d.Form, d.Values)
	if err == nil {
		b, _ := json.Marshal(vals)
		title := r.PostForm.Get("title")
		if _, err = s.Online.UpdateApplication(r.Context(), d.App.ID, shishi.ApplicationPatch{Title: &title, Answers: b}); err == nil && r.PostForm.Get("submit") != "" {
			_, err = s.Online.ActOnApplication(r.Context(), d.App.ID, "submit", shishi.AppAction{})
		}
		d.Values, d.Title = vals, title
	}
	return s.settle(w, r, v, err, fmt.Sprintf("/app/applications/%d?saved=1", d.App.ID), func(w http.ResponseWriter, r *http.Request, v *view, status int) error {
		return s.renderApply(w, r, v, status, d)
	})
}

type applicationData struct {
	App       *shishi.Application
	Service   *shishi.Service
	Form      *shishi.Form
	Values    map[string]any
	History   []shishi.AppEvent
	Versions  []shishi.AppVersion
	Reviews   []*shishi.Review
	Pools     []*shishi.Pool
	Actions   []string // the step actions the caller may take now
	Applicant bool
}

func (s *Server) applicationPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderApplication(w, r, v, http.StatusOK)
}

func (s *Server) renderApplication(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	ctx := r.Context()
	id, err := idParam(r)
	if err != nil {
		return err
	}
	app, err := s.Online.FindApplication(ctx, id)
	if err != nil {
		return err
	}
	svc, err := s.Online.FindService(ctx, app.Service.ID)
	if err != nil {
		return err
	}
	d := applicationData{App: app, Service: svc, Values: map[string]any{}}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("svc.saved")
	}
	if d.Form, err = s.Online.FindForm(ctx, svc.ID, app.FormVersion); err != nil {
		return err
	}
	_ = json.Unmarshal(app.Answers, &d.Values)
	if d.History, err = s.Online.ApplicationHistory(ctx, id); err != nil {
		return err
	}
	if d.Versions, err = s.Online.ApplicationVersions(ctx, id); err != nil {
		return err
	}
	if d.Reviews, err = s.Online.FindReviews(ctx, shishi.ReviewFilter{ApplicationID: id}); err != nil {
		return err
	}
	d.Applicant = app.Applicant.ID == v.Actor.UserID || (app.Unit != nil && v.Actor.Has(shishi.RoleOperator))
	owner := app.Score != nil || v.Actor.Has(shishi.RoleOffice)
	for _, t := range shishi.AppTransitions {
		if _, err := shishi.FindAppTransition(t.Action, app.Status); err != nil {
			continue
		}
		if (t.By == shishi.ByApplicant && d.Applicant) || (t.By == shishi.ByStep && owner) {
			d.Actions = append(d.Actions, t.Action)
		}
	}
	if owner {
		if d.Pools, err = s.Online.FindPools(ctx); err != nil {
			return err
		}
	}
	v.Title, v.Nav, v.Data = app.Title, "services", d
	s.render(w, r, status, "application", v)
	return nil
}

// applicationPost takes a step action from the application's page.
func (s *Server) applicationPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := shishi.AppAction{Note: f.Get("note"), Method: shishi.DeliveryMethod(f.Get("method")), Carrier: f.Get("carrier"), Tracking: f.Get("tracking")}
	in.PoolID, _ = strconv.ParseInt(f.Get("pool_id"), 10, 64)
	if subj := strings.TrimSpace(f.Get("subject")); subj != "" {
		in.Subject = map[string]string{}
		for _, line := range strings.Split(subj, "\n") {
			if k, val, ok := strings.Cut(line, "="); ok {
				in.Subject[strings.TrimSpace(k)] = strings.TrimSpace(val)
			}
		}
	}
	_, err = s.Online.ActOnApplication(r.Context(), id, f.Get("action"), in)
	return s.settle(w, r, v, err, fmt.Sprintf("/app/applications/%d?saved=1", id), s.renderApplication)
}

type workbenchItem struct {
	Review *shishi.Review
	Rubric shishi.Rubric
}

type workbenchData struct {
	Open []workbenchItem // to score, each with its rubric
	Done []*shishi.Review
}

func (s *Server) workbenchPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderWorkbench(w, r, v, http.StatusOK)
}

func (s *Server) renderWorkbench(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	ctx := r.Context()
	rs, err := s.Online.FindReviews(ctx, shishi.ReviewFilter{Mine: true})
	if err != nil {
		return err
	}
	var d workbenchData
	rubrics := map[int64]shishi.Rubric{} // by service
	for _, rv := range rs {
		if rv.ScoredAt != nil {
			d.Done = append(d.Done, rv)
			continue
		}
		app, err := s.Online.FindApplication(ctx, rv.Application.ID)
		if err != nil {
			return err
		}
		if app.Status.Step() != rv.Stage {
			continue // moved on without this score
		}
		if _, ok := rubrics[app.Service.ID]; !ok {
			svc, err := s.Online.FindService(ctx, app.Service.ID)
			if err != nil {
				return err
			}
			rubrics[app.Service.ID] = svc.Rubric
		}
		d.Open = append(d.Open, workbenchItem{Review: rv, Rubric: rubrics[app.Service.ID]})
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("svc.saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("svc.workbench"), "services", d
	s.render(w, r, status, "reviews", v)
	return nil
}

func (s *Server) scorePost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	in := shishi.ScoreInput{Scores: map[string]int{}, Comment: r.PostForm.Get("comment")}
	var bad shishi.Validator
	for k, vals := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "s."); ok {
			n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
			if err != nil {
				bad.Add("scores."+key, "须为整数 / must be a whole number")
				continue
			}
			in.Scores[key] = n
		}
	}
	err = bad.Err()
	if err == nil {
		_, err = s.Online.ScoreReview(r.Context(), id, in)
	}
	return s.settle(w, r, v, err, "/app/reviews?saved=1", s.renderWorkbench)
}

type overviewData struct {
	Counts   []shishi.StepCount
	Overdue  []*shishi.Application
	Statuses []shishi.AppStatus
}

func (s *Server) serviceOverviewPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	cs, err := s.Online.ServiceOverview(ctx)
	if err != nil {
		return err
	}
	late, _, err := s.Online.FindApplications(ctx, shishi.ApplicationFilter{Overdue: true, Limit: 200})
	if err != nil {
		return err
	}
	v.Title, v.Nav = v.L.T("svc.overview"), "services"
	v.Data = overviewData{Counts: cs, Overdue: late, Statuses: shishi.AppStatuses[1:]}
	s.render(w, r, http.StatusOK, "services_overview", v)
	return nil
}

func (s *Server) serviceExportPage(w http.ResponseWriter, r *http.Request, _ *view) error {
	return s.exportApplications(w, r)
}
