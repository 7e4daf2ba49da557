package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

// Online services (module F). The contract: GET /api/v1/services (each
// with id, code, name, owner_unit), GET /api/v1/applications?service=
// &status=, POST /api/v1/applications and the step actions POST
// /api/v1/applications/{id}:ACTION.

// formBody changes a service's form: the fields of the next version.
type formBody struct {
	Fields []shishi.FormField `json:"fields"`
}

func (s *Server) serviceRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/services", ID: "listServices", Tag: "services", Public: true,
		Summary: "The catalogue of online services (网上办事): id, code, name, owner_unit, who may apply, window, workflow and current form",
		Params:  listParams(param{Name: "owner_unit", In: "query", Type: "integer"}, param{Name: "applicants", In: "query", Type: "string", Desc: "public or units"}),
		Resp:    shishi.Service{}, List: true, handle: s.listServices})
	s.api(&operation{Method: "POST", Path: "/api/v1/services", ID: "createService", Tag: "services",
		Summary: "Set up a service (the owner unit's office): form fields, workflow steps with roles and working days, rubric",
		Body:    shishi.ServiceInput{}, Resp: shishi.Service{}, Status: http.StatusCreated, handle: s.createService})
	s.api(&operation{Method: "GET", Path: "/api/v1/services/{id}", ID: "getService", Tag: "services", Public: true, Summary: "A service with its current form",
		Params: []param{pathID()}, Resp: shishi.Service{}, handle: s.getService})
	s.api(&operation{Method: "GET", Path: "/api/v1/services/{id}/form", ID: "getServiceForm", Tag: "services", Public: true,
		Summary: "One version of a service's form (the current one without version)",
		Params:  []param{pathID(), {Name: "version", In: "query", Type: "integer"}}, Resp: shishi.Form{}, handle: s.getServiceForm})
	s.api(&operation{Method: "PUT", Path: "/api/v1/services/{id}/form", ID: "changeServiceForm", Tag: "services",
		Summary: "Change the form: a new version; applications keep the version they were submitted under",
		Params:  []param{pathID()}, Body: formBody{}, Resp: shishi.Service{}, handle: s.changeServiceForm})
	s.api(&operation{Method: "GET", Path: "/api/v1/services/{id}/ranking", ID: "serviceRanking", Tag: "services",
		Summary: "Applications ranked by trimmed mean score (the owner's side), with mean, trimmed mean and unnamed totals",
		Params:  listParams(pathID(), param{Name: "stage", In: "query", Type: "string", Desc: "review (default) or acceptance"}),
		Resp:    shishi.Ranked{}, List: true, handle: s.serviceRanking})
	s.api(&operation{Method: "GET", Path: "/api/v1/service-overview", ID: "serviceOverview", Tag: "services",
		Summary: "For the services the caller's office owns: applications per step and how many are overdue",
		Params:  listParams(), Resp: shishi.StepCount{}, List: true, handle: s.serviceOverview})
	s.api(&operation{Method: "POST", Path: "/api/v1/service-files", ID: "uploadServiceFile", Tag: "services", Upload: true,
		Summary: "Upload a file for a file field (multipart/form-data, field file): answers name it by {name, sha256, size}",
		Resp:    shishi.FileAnswer{}, Status: http.StatusCreated, handle: s.uploadServiceFile})
	appParams := listParams(param{Name: "service", In: "query", Type: "integer"},
		param{Name: "status", In: "query", Type: "string", Desc: "draft, returned, check, review, decision, delivery, acceptance, closed, rejected, withdrawn"},
		param{Name: "mine", In: "query", Type: "boolean", Desc: "only the caller's (or its unit's) applications"},
		param{Name: "overdue", In: "query", Type: "boolean", Desc: "only those past their step's deadline"})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications", ID: "listApplications", Tag: "services",
		Summary: "Applications in reach: the caller's own, its unit's, those of services its office owns, those given it to review",
		Params:  appParams, Resp: shishi.Application{}, List: true, handle: s.listApplications})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications.xlsx", ID: "exportApplications", Tag: "services",
		Summary: "The same list as .xlsx, with each application's review scores (mean, trimmed mean, rank) for the owner's side",
		Params:  appParams[:4], handle: s.exportApplications})
	s.api(&operation{Method: "POST", Path: "/api/v1/applications", ID: "createApplication", Tag: "services",
		Summary: "Apply: a draft, or with submit true a submission; an invalid one names every bad field and stores nothing",
		Body:    shishi.ApplicationInput{}, Resp: shishi.Application{}, Status: http.StatusCreated, handle: s.createApplication})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications/{id}", ID: "getApplication", Tag: "services",
		Summary: "An application with its answers, step and deadline; the owner's side also sees its scores and rank",
		Params:  []param{pathID()}, Resp: shishi.Application{}, ETag: true, handle: s.getApplication})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/applications/{id}", ID: "updateApplication", Tag: "services",
		Summary: "Save a draft's or a returned application's title or answers (the applicant): a new version is kept",
		Params:  []param{pathID()}, Body: shishi.ApplicationPatch{}, Resp: shishi.Application{}, handle: s.updateApplication})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications/{id}/versions", ID: "applicationVersions", Tag: "services",
		Summary: "Every kept version of the answers, with the form version of each", Params: listParams(pathID()),
		Resp: shishi.AppVersion{}, List: true, handle: s.applicationVersions})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications/{id}/history", ID: "applicationHistory", Tag: "services",
		Summary: "What happened to an application, oldest first", Params: listParams(pathID()),
		Resp: shishi.AppEvent{}, List: true, handle: s.applicationHistory})
	s.api(&operation{Method: "GET", Path: "/api/v1/applications/{id}/files/{hash}", ID: "getApplicationFile", Tag: "services",
		Summary: "A file given in one of the application's file answers (any version), by its SHA-256",
		Params:  []param{pathID(), {Name: "hash", In: "path", Type: "string", Required: true}}, handle: s.applicationFile})
	for _, t := range shishi.AppTransitions {
		action := t.Action
		by := "the applicant"
		if t.By == shishi.ByStep {
			by = "whoever acts at the step"
		}
		sum := "Application step: " + action + " (by " + by
		if t.NeedsNote {
			sum += "; note required"
		}
		switch action {
		case "assign":
			sum += "; pool_id: reviewers without a conflict, as many as the step needs"
		case "deliver":
			sum += "; method mail with carrier and tracking, or certificate with the certificate's subject"
		}
		s.api(&operation{Method: "POST", Path: "/api/v1/applications/{id}:" + action, ID: "application_" + action, Tag: "services", Summary: sum + ")",
			Params: []param{pathID()}, Body: shishi.AppAction{}, Resp: shishi.Application{},
			handle: func(w http.ResponseWriter, r *http.Request) error { return s.actOnApplication(w, r, action) }})
	}
	s.api(&operation{Method: "GET", Path: "/api/v1/reviewer-pools", ID: "listReviewerPools", Tag: "services", Summary: "Reviewer pools of units in reach, with members and declared conflicts",
		Params: listParams(), Resp: shishi.Pool{}, List: true, handle: s.listReviewerPools})
	s.api(&operation{Method: "POST", Path: "/api/v1/reviewer-pools", ID: "createReviewerPool", Tag: "services",
		Summary: "Form a reviewer pool (an office): experts from any unit, each with the units they declare a conflict with",
		Body:    shishi.PoolInput{}, Resp: shishi.Pool{}, Status: http.StatusCreated, handle: s.createReviewerPool})
	s.api(&operation{Method: "GET", Path: "/api/v1/reviews", ID: "listReviews", Tag: "services",
		Summary: "Reviews: the caller's own (the workbench) or an application's (the owner's side); reviewers never see each other's names",
		Params: listParams(param{Name: "application", In: "query", Type: "integer"}, param{Name: "mine", In: "query", Type: "boolean"},
			param{Name: "open", In: "query", Type: "boolean", Desc: "not yet scored"}),
		Resp: shishi.Review{}, List: true, handle: s.listReviews})
	s.api(&operation{Method: "POST", Path: "/api/v1/reviews/{id}:score", ID: "scoreReview", Tag: "services",
		Summary: "Score an assigned review by the rubric (each criterion 0–max) with a comment; the last score moves the application on",
		Params:  []param{pathID()}, Body: shishi.ScoreInput{}, Resp: shishi.Review{}, handle: s.scoreReview})
}

func boolParam(r *http.Request, v *shishi.Validator, name string) bool {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	}
	v.Add(name, "须为 true 或 false / must be true or false")
	return false
}

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	var v shishi.Validator
	f := shishi.ServiceFilter{OwnerUnitID: positive(r, &v, "owner_unit"), Applicants: shishi.Applicants(r.URL.Query().Get("applicants"))}
	v.Check(f.Applicants == "" || f.Applicants.Valid(), "applicants", "须为 public 或 units / must be public or units")
	if err := v.Err(); err != nil {
		return err
	}
	ss, err := s.Online.FindServices(r.Context(), f)
	if err != nil {
		return err
	}
	return writeCut(w, ss, p, func(x *shishi.Service) int64 { return x.ID })
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request) error {
	var in shishi.ServiceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	x, err := s.Online.CreateService(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/services/"+strconv.FormatInt(x.ID, 10))
	return writeJSON(w, http.StatusCreated, x)
}

func (s *Server) getService(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	x, err := s.Online.FindService(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}

func (s *Server) getServiceForm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var v shishi.Validator
	version := positive(r, &v, "version")
	if err := v.Err(); err != nil {
		return err
	}
	if version == 0 {
		x, err := s.Online.FindService(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, x.Form)
	}
	f, err := s.Online.FindForm(r.Context(), id, int(version))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) changeServiceForm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b formBody
	if err := decode(r, &b); err != nil {
		return err
	}
	x, err := s.Online.ChangeForm(r.Context(), id, b.Fields)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}

func stageParam(r *http.Request) (shishi.StepKind, error) {
	switch st := shishi.StepKind(r.URL.Query().Get("stage")); st {
	case "":
		return shishi.StepReview, nil
	case shishi.StepReview, shishi.StepAcceptance:
		return st, nil
	}
	return "", shishi.Invalid(shishi.FieldError{Field: "stage", Message: "须为 review 或 acceptance / must be review or acceptance"})
}

func (s *Server) serviceRanking(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	id, err := idParam(r)
	if err != nil {
		return err
	}
	stage, err := stageParam(r)
	if err != nil {
		return err
	}
	rs, err := s.Online.Ranking(r.Context(), id, stage)
	if err != nil {
		return err
	}
	return writeCut(w, rs, p, func(x shishi.Ranked) int64 { return x.Application.ID })
}

func (s *Server) serviceOverview(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	cs, err := s.Online.ServiceOverview(r.Context())
	if err != nil {
		return err
	}
	return writeCut(w, cs, p, func(x shishi.StepCount) int64 { return x.Service.ID })
}

func (s *Server) uploadServiceFile(w http.ResponseWriter, r *http.Request) error {
	e, err := s.oneUpload(w, r)
	if err != nil {
		return err
	}
	f, err := s.keepServiceFile(r.Context(), e)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, f)
}

// keepServiceFile notes that the actor uploaded a stored file for an
// application (the API upload and the apply page alike): the store lets
// an application name only files its acting user uploaded.
func (s *Server) keepServiceFile(ctx context.Context, e shishi.Evidence) (shishi.FileAnswer, error) {
	f := shishi.FileAnswer{Name: e.Name, SHA256: e.Hash, Size: e.Size}
	return f, s.Online.RecordUpload(ctx, f)
}

// appFilter reads the list filters of applications.
func appFilter(r *http.Request) (shishi.ApplicationFilter, error) {
	var v shishi.Validator
	f := shishi.ApplicationFilter{ServiceID: positive(r, &v, "service"), Status: shishi.AppStatus(r.URL.Query().Get("status")),
		Mine: boolParam(r, &v, "mine"), Overdue: boolParam(r, &v, "overdue")}
	v.Check(f.Status == "" || f.Status.Valid(), "status", "未知状态 / unknown status")
	return f, v.Err()
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f, err := appFilter(r)
	if err != nil {
		return err
	}
	f.After, f.Limit = after, limit
	xs, total, err := s.Online.FindApplications(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, xs, total, limit, func(x *shishi.Application) int64 { return x.ID })
}

func (s *Server) createApplication(w http.ResponseWriter, r *http.Request) error {
	var in shishi.ApplicationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	x, err := s.Online.CreateApplication(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+strconv.FormatInt(x.ID, 10))
	return writeJSON(w, http.StatusCreated, x)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	x, err := s.Online.FindApplication(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(x.ID, int64(x.Version)))
	return writeJSON(w, http.StatusOK, x)
}

func (s *Server) updateApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var p shishi.ApplicationPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	x, err := s.Online.UpdateApplication(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}

func (s *Server) applicationVersions(w http.ResponseWriter, r *http.Request) error {
	return cutUnder(w, r, s.Online.ApplicationVersions, func(x shishi.AppVersion) int64 { return int64(x.Version) })
}

func (s *Server) applicationHistory(w http.ResponseWriter, r *http.Request) error {
	return cutUnder(w, r, s.Online.ApplicationHistory, func(x shishi.AppEvent) int64 { return x.ID })
}

func (s *Server) actOnApplication(w http.ResponseWriter, r *http.Request, action string) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.AppAction
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	x, err := s.Online.ActOnApplication(r.Context(), id, action, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}

func (s *Server) listReviewerPools(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	ps, err := s.Online.FindPools(r.Context())
	if err != nil {
		return err
	}
	return writeCut(w, ps, p, func(x *shishi.Pool) int64 { return x.ID })
}

func (s *Server) createReviewerPool(w http.ResponseWriter, r *http.Request) error {
	var in shishi.PoolInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Online.CreatePool(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, p)
}

func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	var v shishi.Validator
	f := shishi.ReviewFilter{ApplicationID: positive(r, &v, "application"), Mine: boolParam(r, &v, "mine"), Open: boolParam(r, &v, "open")}
	if err := v.Err(); err != nil {
		return err
	}
	rs, err := s.Online.FindReviews(r.Context(), f)
	if err != nil {
		return err
	}
	return writeCut(w, rs, p, func(x *shishi.Review) int64 { return x.ID })
}

func (s *Server) scoreReview(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.ScoreInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rv, err := s.Online.ScoreReview(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

// exportApplications writes the filtered applications, with each one's
// review scores where the caller may see them, as .xlsx.
func (s *Server) exportApplications(w http.ResponseWriter, r *http.Request) error {
	f, err := appFilter(r)
	if err != nil {
		return err
	}
	buf, err := s.applicationsXLSX(r, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="applications.xlsx"; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B8%8E%E8%AF%84%E5%88%86.xlsx`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf)
	return err
}

// applicationsXLSX reads every page of the list and the owner's rankings.
func (s *Server) applicationsXLSX(r *http.Request, f shishi.ApplicationFilter) ([]byte, error) {
	ctx := r.Context()
	var all []*shishi.Application
	f.Limit = 500
	for {
		xs, _, err := s.Online.FindApplications(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, xs...)
		if len(xs) < f.Limit || len(all) >= 100000 {
			break
		}
		f.After = xs[len(xs)-1].ID
	}
	scores := map[int64]shishi.ScoreSummary{}
	seen := map[int64]bool{}
	for _, x := range all {
		if seen[x.Service.ID] {
			continue
		}
		seen[x.Service.ID] = true
		rs, err := s.Online.Ranking(ctx, x.Service.ID, shishi.StepReview)
		if shishi.ErrorCode(err) == shishi.ENOTFOUND {
			continue // not the owner's side: no scores
		} else if err != nil {
			return nil, err
		}
		for _, rk := range rs {
			scores[rk.Application.ID] = rk.Score
		}
	}
	cols := []xlsx.Column{{Head: "编号", Width: 8}, {Head: "服务", Width: 18}, {Head: "申报名称", Width: 36}, {Head: "申报单位 / 申请人", Width: 24},
		{Head: "状态", Width: 12}, {Head: "表单版本", Width: 8}, {Head: "办理期限", Width: 12}, {Head: "逾期", Width: 6}, {Head: "提交时间", Width: 18},
		{Head: "评审专家数", Width: 8}, {Head: "平均分", Width: 8}, {Head: "去掉最高最低后平均分", Width: 12}, {Head: "排名", Width: 6}, {Head: "各专家总分", Width: 24}}
	rows := make([][]any, 0, len(all))
	for _, x := range all {
		who := x.Applicant.Name
		if x.Unit != nil {
			who = x.Unit.Name
		}
		submitted := ""
		if x.SubmittedAt != nil {
			submitted = x.SubmittedAt.In(shishi.Beijing).Format("2006-01-02 15:04")
		}
		late := ""
		if x.Overdue {
			late = "是"
		}
		row := []any{x.ID, x.Service.Name, x.Title, who, x.Status.Label(false), x.FormVersion, string(x.Due), late, submitted}
		if sc, ok := scores[x.ID]; ok {
			totals := make([]string, len(sc.Totals))
			for i, t := range sc.Totals {
				totals[i] = strconv.FormatFloat(t, 'f', -1, 64)
			}
			row = append(row, sc.Scored, sc.Mean, sc.Trimmed, sc.Rank, strings.Join(totals, "、"))
		} else {
			row = append(row, "", "", "", "", "")
		}
		rows = append(rows, row)
	}
	var buf bytes.Buffer
	if err := xlsx.WriteTable(&buf, "申报", fmt.Sprintf("网上办事申报与评分（%d 件）", len(all)), cols, rows); err != nil {
		return nil, shishi.Internal(err)
	}
	return buf.Bytes(), nil
}

// applicationFile serves a file an application's answers name, to whoever
// may read the application: the hash must appear in one of its versions,
// so a reader cannot fetch other uploads by guessing hashes.
func (s *Server) applicationFile(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	hash := strings.ToLower(r.PathValue("hash"))
	x, err := s.Online.FindApplication(r.Context(), id)
	if err != nil {
		return err
	}
	vs, err := s.Online.ApplicationVersions(r.Context(), id)
	if err != nil {
		return err
	}
	forms := map[int]*shishi.Form{}
	for i := len(vs) - 1; i >= 0; i-- {
		form, ok := forms[vs[i].FormVersion]
		if !ok {
			if form, err = s.Online.FindForm(r.Context(), x.Service.ID, vs[i].FormVersion); err != nil {
				return err
			}
			forms[vs[i].FormVersion] = form
		}
		for _, f := range form.FileRefs(vs[i].Answers) {
			if f.File.SHA256 == hash {
				return s.sendBlob(w, r, hash, "file-"+hash[:12], f.File.Name, "application/octet-stream")
			}
		}
	}
	return shishi.Errorf(shishi.ENOTFOUND, "申请中没有这个文件 / no such file in the application")
}
