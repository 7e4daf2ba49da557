package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

func (s *Server) supervisionRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/groups", ID: "listGroups", Tag: "supervision", Summary: "Supervision groups the caller runs or belongs to: id, kind, name, unit_count",
		Params: listParams(param{Name: "kind", In: "query", Type: "string", Desc: "inspection (督查组) or guidance (指导组)"}),
		Resp:   shishi.Group{}, List: true, handle: s.listGroups})
	s.api(&operation{Method: "POST", Path: "/api/v1/groups", ID: "createGroup", Tag: "supervision", Summary: "Form a group (the sending unit's office); members from any unit, covered units in its subtree",
		Body: shishi.GroupInput{}, Resp: shishi.Group{}, Status: http.StatusCreated, handle: s.createGroup})
	s.api(&operation{Method: "GET", Path: "/api/v1/groups/{id}", ID: "getGroup", Tag: "supervision", Summary: "A group with its members, covered units and open findings by colour",
		Params: []param{pathID()}, Resp: shishi.Group{}, ETag: true, handle: s.getGroup})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/groups/{id}", ID: "updateGroup", Tag: "supervision",
		Summary: "Rename a group or change its leader, members or covered units (the sending unit's office; If-Match honoured)",
		Params:  []param{pathID()}, Body: shishi.GroupPatch{}, Resp: shishi.Group{}, ETag: true, handle: s.updateGroup})
	reportParams := []param{pathID(), {Name: "from", In: "query", Type: "string", Desc: "YYYY-MM-DD; default the 1st of this month"},
		{Name: "to", In: "query", Type: "string", Desc: "YYYY-MM-DD; default today"}}
	s.api(&operation{Method: "GET", Path: "/api/v1/groups/{id}/report", ID: "groupReport", Tag: "supervision", Summary: "The group's supervision report for a period, by covered unit",
		Params: reportParams, Resp: shishi.SupervisionReport{}, handle: s.groupReport})
	s.api(&operation{Method: "GET", Path: "/api/v1/groups/{id}/report.xlsx", ID: "groupReportXLSX", Tag: "supervision", Summary: "The same report as a formatted .xlsx",
		Params: reportParams, handle: s.groupReportXLSX})
	s.api(&operation{Method: "GET", Path: "/api/v1/visits", ID: "listVisits", Tag: "supervision", Summary: "Visits in reach",
		Params: listParams(param{Name: "group", In: "query", Type: "integer"}, param{Name: "unit", In: "query", Type: "integer", Desc: "the unit's subtree"},
			param{Name: "from", In: "query", Type: "string"}, param{Name: "to", In: "query", Type: "string"}),
		Resp: shishi.Visit{}, List: true, handle: s.listVisits})
	s.api(&operation{Method: "POST", Path: "/api/v1/visits", ID: "createVisit", Tag: "supervision", Summary: "Plan a visit of a covered unit (with record and visited_on: a visit done)",
		Body: shishi.VisitInput{}, Resp: shishi.Visit{}, Status: http.StatusCreated, handle: s.createVisit})
	s.api(&operation{Method: "GET", Path: "/api/v1/visits/{id}", ID: "getVisit", Tag: "supervision", Summary: "A visit with its record and files",
		Params: []param{pathID()}, Resp: shishi.Visit{}, handle: s.getVisit})
	s.api(&operation{Method: "POST", Path: "/api/v1/visits/{id}:record", ID: "recordVisit", Tag: "supervision",
		Summary: "Write a planned visit's record (JSON, or multipart/form-data with the same fields and up to 10 files in field file)",
		Params:  []param{pathID()}, Body: shishi.VisitRecord{}, Resp: shishi.Visit{}, handle: s.recordVisit})
	s.api(&operation{Method: "GET", Path: "/api/v1/findings", ID: "listFindings", Tag: "supervision", Summary: "Findings in reach: id, status, colour (green, yellow, red; empty once signed off), deadline",
		Params: listParams(param{Name: "group", In: "query", Type: "integer"}, param{Name: "unit", In: "query", Type: "integer", Desc: "the unit's subtree"},
			param{Name: "status", In: "query", Type: "string", Desc: "raised, rectifying, signoff_requested, signed_off"},
			param{Name: "colour", In: "query", Type: "string", Desc: "green, yellow, red (open findings; a signed-off one has none)"}, param{Name: "visit", In: "query", Type: "integer"},
			param{Name: "item", In: "query", Type: "integer", Desc: "raised against this item"}),
		Resp: shishi.Finding{}, List: true, handle: s.listFindings})
	s.api(&operation{Method: "POST", Path: "/api/v1/findings", ID: "raiseFinding", Tag: "supervision",
		Summary: "Raise a finding from a visit, against an item or a covered unit; its rectification is due in days working days",
		Body:    shishi.FindingInput{}, Resp: shishi.Finding{}, Status: http.StatusCreated, handle: s.raiseFinding})
	s.api(&operation{Method: "GET", Path: "/api/v1/findings/{id}", ID: "getFinding", Tag: "supervision", Summary: "A finding with its derived colour",
		Params: []param{pathID()}, Resp: shishi.Finding{}, ETag: true, handle: s.getFinding})
	s.api(&operation{Method: "GET", Path: "/api/v1/findings/{id}/history", ID: "findingHistory", Tag: "supervision", Summary: "A finding's history with the files of each step",
		Params: listParams(pathID()), Resp: shishi.FindingEvent{}, List: true, handle: s.findingHistory})
	for _, t := range shishi.FindingTransitions {
		action := t.Action
		by := "the unit that must rectify"
		if t.By == shishi.ByGroup {
			by = "the group"
		}
		sum := "Rectification: " + strings.ReplaceAll(action, "_", " ") + " (by " + by
		if t.NeedsNote {
			sum += "; note required"
		}
		if t.Files {
			sum += "; evidence files by multipart/form-data field file"
		}
		s.api(&operation{Method: "POST", Path: "/api/v1/findings/{id}:" + action, ID: "finding_" + action, Tag: "supervision", Summary: sum + "); If-Match honoured, 412 when stale",
			Params: []param{pathID()}, Body: noteBody{}, Resp: shishi.Finding{}, ETag: true,
			handle: func(w http.ResponseWriter, r *http.Request) error { return s.actOnFinding(w, r, action) }})
	}
	s.api(&operation{Method: "GET", Path: "/api/v1/attachments/{id}", ID: "getAttachment", Tag: "supervision", Summary: "The bytes of a visit's or a rectification's file",
		Params: []param{pathID()}, handle: s.downloadAttachment})
}

// supFilter reads the positive integer query parameters named.
func positive(r *http.Request, v *shishi.Validator, name string) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	v.Check(err == nil && n > 0, name, "须为正整数 / must be a positive integer")
	return n
}

func dateParam(r *http.Request, v *shishi.Validator, name string) shishi.Date {
	d := shishi.Date(r.URL.Query().Get(name))
	v.Check(d == "" || d.Valid(), name, "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	return d
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	kind := shishi.GroupKind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Valid() {
		return shishi.Invalid(shishi.FieldError{Field: "kind", Message: "须为 inspection 或 guidance / must be inspection or guidance"})
	}
	gs, total, err := s.Supervision.FindGroups(r.Context(), shishi.GroupFilter{Kind: kind, After: after, Limit: limit})
	if err != nil {
		return err
	}
	return writeList(w, gs, total, limit, func(g *shishi.Group) int64 { return g.ID })
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in shishi.GroupInput
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.Supervision.CreateGroup(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/groups/"+strconv.FormatInt(g.ID, 10))
	return writeJSON(w, http.StatusCreated, g)
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.Supervision.FindGroup(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(g.ID, g.Version))
	return writeJSON(w, http.StatusOK, g)
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var p shishi.GroupPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	g, err := s.Supervision.UpdateGroup(r.Context(), id, ifMatch(r, id), p)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(g.ID, g.Version))
	return writeJSON(w, http.StatusOK, g)
}

// reportPeriod reads from and to, by default this month up to today.
func (s *Server) reportPeriod(r *http.Request) (shishi.Date, shishi.Date, error) {
	var v shishi.Validator
	from, to := dateParam(r, &v, "from"), dateParam(r, &v, "to")
	if err := v.Err(); err != nil {
		return "", "", err
	}
	today := s.Supervision.Today()
	if to == "" {
		to = today
	}
	if from == "" {
		from = to.Period().Start()
	}
	return from, to, nil
}

func (s *Server) report(r *http.Request) (*shishi.SupervisionReport, error) {
	id, err := idParam(r)
	if err != nil {
		return nil, err
	}
	from, to, err := s.reportPeriod(r)
	if err != nil {
		return nil, err
	}
	return s.Supervision.SupervisionReport(r.Context(), id, from, to)
}

func (s *Server) groupReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.report(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (s *Server) groupReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.report(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := xlsx.WriteSupervisionReport(&buf, rep); err != nil {
		return shishi.Internal(err)
	}
	name := fmt.Sprintf("supervision-%d-%s-%s.xlsx", rep.Group.ID, rep.From, rep.To)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(rep.Group.Name+"工作报告-"+string(rep.From)+"-"+string(rep.To)+".xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) listVisits(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	var v shishi.Validator
	f := shishi.VisitFilter{GroupID: positive(r, &v, "group"), UnitID: positive(r, &v, "unit"), From: dateParam(r, &v, "from"), To: dateParam(r, &v, "to"), After: after, Limit: limit}
	if err := v.Err(); err != nil {
		return err
	}
	vs, total, err := s.Supervision.FindVisits(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, vs, total, limit, func(v *shishi.Visit) int64 { return v.ID })
}

func (s *Server) createVisit(w http.ResponseWriter, r *http.Request) error {
	var in shishi.VisitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Supervision.CreateVisit(r.Context(), in, nil)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/visits/"+strconv.FormatInt(v.ID, 10))
	return writeJSON(w, http.StatusCreated, v)
}

func (s *Server) getVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	v, err := s.Supervision.FindVisit(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// maxAttachments bounds one request's files together.
const maxAttachments = 3 * shishi.MaxSupervisionFile

// formOrJSON reads an action's fields from a JSON body into v, or from a
// multipart form (fields of the same names, files in field "file") into
// form; files are put in the blob store first, so a refused file stops
// the action before anything is written.
func (s *Server) formOrJSON(w http.ResponseWriter, r *http.Request, v any) (form url.Values, files []shishi.SupervisionFile, err error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if r.ContentLength == 0 {
			return nil, nil, nil
		}
		return nil, nil, decode(r, v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachments+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return nil, nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "表单无法解析或文件过大（合计不超过 60 MiB）/ unreadable form or files too large (60 MiB in all)"})
	}
	files, err = s.storeAttachments(r, "file")
	return r.MultipartForm.Value, files, err
}

// storeAttachments puts a form's files into the blob store.
func (s *Server) storeAttachments(r *http.Request, field string) ([]shishi.SupervisionFile, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []shishi.SupervisionFile
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if len(out) == 10 {
			return nil, shishi.Invalid(shishi.FieldError{Field: "files", Message: "一次最多上传 10 个文件 / at most 10 files at once"})
		}
		e, err := s.storeUpload(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, shishi.SupervisionFile{Name: e.Name, Hash: e.Hash, Mime: e.Mime, Size: e.Size})
	}
	return out, nil
}

func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.VisitRecord
	form, files, err := s.formOrJSON(w, r, &in)
	if err != nil {
		return err
	}
	if form != nil {
		in = shishi.VisitRecord{VisitedOn: shishi.Date(form.Get("visited_on")), Participants: form.Get("participants"), Record: form.Get("record")}
	}
	v, err := s.Supervision.RecordVisit(r.Context(), id, in, files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// findingFilter reads the contract's finding filters.
func findingFilter(r *http.Request) (shishi.FindingFilter, error) {
	var v shishi.Validator
	q := r.URL.Query()
	f := shishi.FindingFilter{GroupID: positive(r, &v, "group"), UnitID: positive(r, &v, "unit"), VisitID: positive(r, &v, "visit"), ItemID: positive(r, &v, "item"),
		Status: shishi.FindingStatus(q.Get("status")), Colour: shishi.Colour(q.Get("colour"))}
	v.Check(f.Status == "" || f.Status.Valid(), "status", "须为 raised、rectifying、signoff_requested 或 signed_off / unknown status")
	v.Check(f.Colour == "" || f.Colour.Valid(), "colour", "须为 green、yellow 或 red / must be green, yellow or red")
	return f, v.Err()
}

func (s *Server) listFindings(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	f.After, f.Limit = after, limit
	fs, total, err := s.Supervision.FindFindings(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, fs, total, limit, func(f *shishi.Finding) int64 { return f.ID })
}

func (s *Server) raiseFinding(w http.ResponseWriter, r *http.Request) error {
	var in shishi.FindingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.Supervision.RaiseFinding(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/findings/"+strconv.FormatInt(f.ID, 10))
	return writeJSON(w, http.StatusCreated, f)
}

func (s *Server) getFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f, err := s.Supervision.FindFinding(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(f.ID, f.Version))
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) findingHistory(w http.ResponseWriter, r *http.Request) error {
	return listUnder(w, r, s.Supervision.FindingHistory, func(e shishi.FindingEvent) int64 { return e.ID })
}

func (s *Server) actOnFinding(w http.ResponseWriter, r *http.Request, action string) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b noteBody
	form, files, err := s.formOrJSON(w, r, &b)
	if err != nil {
		return err
	}
	if form != nil {
		b.Note = form.Get("note")
	}
	f, err := s.Supervision.ActOnFinding(r.Context(), id, action, b.Note, files, ifMatch(r, id))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(f.ID, f.Version))
	return writeJSON(w, http.StatusOK, f)
}

// downloadAttachment serves a visit's or a rectification's file like
// evidence: an attachment with its sniffed type, sandboxed.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	a, err := s.Supervision.GetSupervisionFile(r.Context(), id)
	if err != nil {
		return err
	}
	return s.sendBlob(w, r, a.Hash, "file-"+strconv.FormatInt(a.ID, 10), a.Name, a.Mime)
}
