package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

type trackBody struct {
	Code   string `json:"code"`
	Secret string `json:"secret"`
}

type reporterStepBody struct {
	Code   string        `json:"code"`
	Secret string        `json:"secret"`
	Action string        `json:"action"` // rate, reopen, message
	Note   string        `json:"note"`
	Rating shishi.Rating `json:"rating"`
}

type revealBody struct {
	Reason string `json:"reason"`
}

// complaintActions are the staff steps, each an "{id}:action" operation.
var complaintActions = []string{"accept", "decline", "forward", "dispatch", "sign", "return", "conclude", "rectify", "reply", "close",
	"merge", "request_extension", "approve_extension", "reject_extension", "remind"}

func (s *Server) complaintRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/complaint-categories", ID: "listComplaintCategories", Tag: "complaints", Public: true,
		Summary: "Complaint categories with their deadlines in working days (public)", Resp: shishi.ComplaintCategory{}, List: true, handle: s.listCategories})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/complaint-categories/{code}", ID: "updateComplaintCategory", Tag: "complaints",
		Summary: "Change a category's names and deadlines (the desk or the office at the top unit); If-Match \"code-version\" honoured, 412 when stale",
		Params:  []param{{Name: "code", In: "path", Type: "string", Required: true}}, Body: shishi.ComplaintCategory{}, Resp: shishi.ComplaintCategory{}, ETag: true, handle: s.updateCategory})
	s.api(&operation{Method: "POST", Path: "/api/v1/complaints", ID: "submitComplaint", Tag: "complaints", Public: true, Strict: true, Status: http.StatusCreated,
		Summary: "Submit a complaint without an account: JSON, or multipart/form-data with the same fields and `files` (images, PDF). Answers the tracking code and secret.",
		Body:    shishi.ComplaintInput{}, Resp: shishi.Receipt{}, handle: s.submitComplaint})
	s.api(&operation{Method: "POST", Path: "/api/v1/complaints/track", ID: "trackComplaint", Tag: "complaints", Public: true, Strict: true,
		Summary: "The reporter's view of a case, by tracking code and secret", Body: trackBody{}, Resp: shishi.PublicCase{}, handle: s.trackComplaint})
	s.api(&operation{Method: "POST", Path: "/api/v1/complaints/track/steps", ID: "reporterStep", Tag: "complaints", Public: true, Strict: true,
		Summary: "The reporter rates the outcome, reopens a closed case once, or adds a message", Body: reporterStepBody{}, Resp: shishi.PublicCase{}, handle: s.reporterStep})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints", ID: "listComplaints", Tag: "complaints", Summary: "Cases in the caller's reach, newest first",
		Params: listParams(param{Name: "status", In: "query", Type: "string"}, param{Name: "colour", In: "query", Type: "string", Desc: "green, yellow or red"},
			param{Name: "category", In: "query", Type: "string"}, param{Name: "unit", In: "query", Type: "integer", Desc: "concerned or assigned unit, with its subtree"},
			param{Name: "open", In: "query", Type: "boolean"}, param{Name: "q", In: "query", Type: "string"}),
		Resp: shishi.Complaint{}, List: true, handle: s.listComplaints})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints.xlsx", ID: "exportComplaints", Tag: "complaints",
		Summary: "The filtered inbox as .xlsx (no reporter identity)", Params: []param{{Name: "status", In: "query", Type: "string"}, {Name: "colour", In: "query", Type: "string"}},
		handle: s.exportComplaints})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints/stats", ID: "complaintStats", Tag: "complaints",
		Summary: "League table per unit over a period: volume by category, on-time, reply, substantiation and satisfaction rates against the floors",
		Params:  []param{{Name: "from", In: "query", Type: "string"}, {Name: "to", In: "query", Type: "string"}}, Resp: shishi.ComplaintStats{}, handle: s.complaintStats})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaint-floors", ID: "getComplaintFloors", Tag: "complaints", Summary: "The floors of the league table, in percent",
		Resp: shishi.ComplaintFloors{}, ETag: true, handle: s.getFloors})
	s.api(&operation{Method: "PUT", Path: "/api/v1/complaint-floors", ID: "setComplaintFloors", Tag: "complaints", Summary: "Set the floors (the office or the desk at the top unit); If-Match honoured, 412 when stale",
		Body: shishi.ComplaintFloors{}, Resp: shishi.ComplaintFloors{}, ETag: true, handle: s.setFloors})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints/{id}", ID: "getComplaint", Tag: "complaints", Summary: "One case, with `can`: the steps the caller may take",
		Params: []param{pathID()}, Resp: shishi.Complaint{}, ETag: true, handle: s.getComplaint})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints/{id}/events", ID: "listComplaintEvents", Tag: "complaints", Summary: "A case's timeline, oldest first",
		Params: listParams(pathID()), Resp: shishi.ComplaintEvent{}, List: true, handle: s.listComplaintEvents})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints/{id}/duplicates", ID: "listComplaintDuplicates", Tag: "complaints",
		Summary: "Likely duplicates: recent cases about the same unit with similar text, most similar first (at most 10)", Params: listParams(pathID()), Resp: shishi.Duplicate{}, List: true, handle: s.listDuplicates})
	s.api(&operation{Method: "GET", Path: "/api/v1/complaints/{id}/files/{file}", ID: "getComplaintFile", Tag: "complaints", Summary: "Download an attachment",
		Params: []param{pathID(), {Name: "file", In: "path", Type: "integer", Required: true}}, handle: s.complaintFile})
	s.api(&operation{Method: "POST", Path: "/api/v1/complaints/{id}:reveal", ID: "revealReporter", Tag: "complaints",
		Summary: "Reveal the reporter's identity (the desk, or the unit when the dispatch allows it); the reason is audited",
		Params:  []param{pathID()}, Body: revealBody{}, Resp: shishi.Reporter{}, handle: s.revealReporter})
	for _, action := range complaintActions {
		action := action
		st := stepByAction(action)
		s.api(&operation{Method: "POST", Path: "/api/v1/complaints/{id}:" + action, ID: "complaint_" + action, Tag: "complaints",
			Summary: st.Label[1] + " (" + st.Label[0] + "); If-Match honoured, 412 when stale", Params: []param{pathID()}, Body: shishi.StepInput{}, Resp: shishi.Complaint{}, ETag: true,
			handle: func(w http.ResponseWriter, r *http.Request) error { return s.complaintStep(w, r, action) }})
	}
}

func stepByAction(action string) shishi.ComplaintStep {
	for _, st := range shishi.ComplaintSteps {
		if st.Action == action {
			return st
		}
	}
	panic("no complaint step " + action)
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Complaints.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listBody[*shishi.ComplaintCategory]{Items: cs, Total: len(cs)})
}

func (s *Server) updateCategory(w http.ResponseWriter, r *http.Request) error {
	var c shishi.ComplaintCategory
	if err := decode(r, &c); err != nil {
		return err
	}
	if c.Code != "" && c.Code != r.PathValue("code") {
		return shishi.Invalid(shishi.FieldError{Field: "code", Message: "与路径不符 / differs from the path"})
	}
	c.Code = r.PathValue("code")
	out, err := s.Complaints.SaveCategory(r.Context(), c, ifMatchKey(r, c.Code))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etagKey(out.Code, out.Version))
	return writeJSON(w, http.StatusOK, out)
}

// readComplaint reads a submission as JSON or as a multipart form (the
// public page and API clients with files). Files go to the blob store,
// sniffed and size-limited; only images and PDF are accepted.
func (s *Server) readComplaint(r *http.Request) (shishi.ComplaintInput, []*shishi.Attachment, error) {
	var in shishi.ComplaintInput
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return in, nil, decode(r, &in)
	}
	r.Body = http.MaxBytesReader(nil, r.Body, shishi.MaxAttachments*shishi.MaxAttachmentSize+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		return in, nil, shishi.Invalid(shishi.FieldError{Field: "files", Message: "附件过大或表单无法读取 / files too large or unreadable form"})
	}
	f := r.MultipartForm.Value
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in.Category, in.Place, in.Body = get("category"), get("place"), get("body")
	in.Anonymous = get("anonymous") == "on" || get("anonymous") == "true" || get("anonymous") == "1"
	in.Reporter = shishi.Reporter{Name: get("reporter.name"), Phone: get("reporter.phone"), Email: get("reporter.email")}
	if v := get("unit_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return in, nil, shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "须为单位编号 / must be a unit id"})
		}
		in.UnitID = n
	}
	fhs := r.MultipartForm.File["files"]
	if len(fhs) > shishi.MaxAttachments {
		return in, nil, shishi.Invalid(shishi.FieldError{Field: "files", Message: fmt.Sprintf("最多 %d 个附件 / at most %d files", shishi.MaxAttachments, shishi.MaxAttachments)})
	}
	var files []*shishi.Attachment
	for i, fh := range fhs {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		rd, err := fh.Open()
		if err != nil {
			return in, nil, shishi.Invalid(shishi.FieldError{Field: "files", Row: i + 1, Message: "无法读取附件 / unreadable file"})
		}
		hash, size, mime, err := s.Blobs.Put(rd, fh.Filename, shishi.MaxAttachmentSize)
		rd.Close()
		if err != nil {
			if fe := shishi.ErrorFields(err); len(fe) > 0 {
				return in, nil, shishi.Invalid(shishi.FieldError{Field: "files", Row: i + 1, Message: fe[0].Message})
			}
			return in, nil, err
		}
		if !shishi.AttachmentMimeOK(mime) {
			return in, nil, shishi.Invalid(shishi.FieldError{Field: "files", Row: i + 1, Message: fh.Filename + "：只接受图片（JPEG、PNG、GIF、WebP）和 PDF / images and PDF only (found " + mime + ")"})
		}
		files = append(files, &shishi.Attachment{Hash: hash, Name: fh.Filename, Mime: mime, Size: size})
	}
	return in, files, nil
}

func (s *Server) submitComplaint(w http.ResponseWriter, r *http.Request) error {
	in, files, err := s.readComplaint(r)
	if err != nil {
		return err
	}
	in.Source = "api"
	rc, err := s.Complaints.Submit(r.Context(), in, files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rc)
}

func (s *Server) trackComplaint(w http.ResponseWriter, r *http.Request) error {
	var b trackBody
	if err := decode(r, &b); err != nil {
		return err
	}
	p, err := s.Complaints.Track(r.Context(), b.Code, b.Secret)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) reporterStep(w http.ResponseWriter, r *http.Request) error {
	var b reporterStepBody
	if err := decode(r, &b); err != nil {
		return err
	}
	p, err := s.Complaints.ReporterStep(r.Context(), b.Code, b.Secret, b.Action, shishi.StepInput{Note: b.Note, Rating: b.Rating})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// complaintFilter reads the inbox filters from the query string.
func complaintFilter(r *http.Request) (shishi.ComplaintFilter, error) {
	q := r.URL.Query()
	f := shishi.ComplaintFilter{Status: shishi.ComplaintStatus(q.Get("status")), Colour: shishi.Colour(q.Get("colour")),
		Category: q.Get("category"), Query: q.Get("q"), Open: q.Get("open") == "true" || q.Get("open") == "1"}
	unit, err := queryID(r, "unit")
	if err != nil {
		return f, err
	}
	if unit != nil {
		f.UnitID = *unit
	}
	f.Limit, f.After, err = page(r)
	return f, err
}

func (s *Server) listComplaints(w http.ResponseWriter, r *http.Request) error {
	f, err := complaintFilter(r)
	if err != nil {
		return err
	}
	cs, total, err := s.Complaints.FindComplaints(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, cs, total, f.Limit, func(c *shishi.Complaint) int64 { return c.ID })
}

// exportComplaints writes the inbox as a spreadsheet: the case, its unit,
// status and deadline — never the reporter, who is only "实名" or "匿名".
func (s *Server) exportComplaints(w http.ResponseWriter, r *http.Request) error {
	f, err := complaintFilter(r)
	if err != nil {
		return err
	}
	cols := []xlsx.Column{{Head: "编号", Width: 14}, {Head: "类别", Width: 14}, {Head: "被举报单位", Width: 24}, {Head: "承办单位", Width: 24}, {Head: "状态", Width: 10}, {Head: "时限", Width: 12}, {Head: "预警", Width: 8},
		{Head: "收件时间", Width: 18}, {Head: "核查结论", Width: 10}, {Head: "按期", Width: 6}, {Head: "满意度", Width: 10}, {Head: "举报方式", Width: 8}, {Head: "内容摘要", Width: 60}}
	var rows [][]any
	f.Limit = 500
	for {
		cs, _, err := s.Complaints.FindComplaints(r.Context(), f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			assigned, onTime, way := "", "", "实名"
			if c.Assigned != nil {
				assigned = c.Assigned.Name
			}
			if c.OnTime != nil {
				onTime = map[bool]string{true: "是", false: "否"}[*c.OnTime]
			}
			if c.Anonymous {
				way = "匿名"
			}
			rows = append(rows, []any{c.Code, c.CategoryName, c.Unit.Name, assigned, c.Status.Label(false), string(c.Deadline), colourWord(c.Colour),
				c.ReceivedAt.In(shishi.Beijing).Format("2006-01-02 15:04"), c.Conclusion.Label(false), onTime, ratingWord(c.Rating), way, c.Summary(120)})
		}
		if len(cs) < f.Limit || len(rows) >= 100000 {
			break
		}
		f.After = cs[len(cs)-1].ID
	}
	var buf bytes.Buffer
	title := "举报件清单（导出于 " + time.Now().In(shishi.Beijing).Format("2006年1月2日 15:04") + "）"
	if err := xlsx.WriteTable(&buf, "举报件", title, cols, rows); err != nil {
		return shishi.Internal(err)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="complaints.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func colourWord(c shishi.Colour) string {
	if c == shishi.ColourNone {
		return ""
	}
	return map[shishi.Colour]string{shishi.ColourGreen: "绿", shishi.ColourYellow: "黄", shishi.ColourRed: "红"}[c]
}

func ratingWord(r shishi.Rating) string {
	if r == 0 {
		return ""
	}
	return r.Label(false)
}

func (s *Server) complaintStats(w http.ResponseWriter, r *http.Request) error {
	from, to := statsPeriod(r, s.now())
	st, err := s.Complaints.Stats(r.Context(), from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// statsPeriod reads from and to, defaulting to this year so far.
func statsPeriod(r *http.Request, now time.Time) (shishi.Date, shishi.Date) {
	today := shishi.DateOf(now)
	from, to := shishi.Date(r.URL.Query().Get("from")), shishi.Date(r.URL.Query().Get("to"))
	if from == "" {
		from = shishi.Date(string(today)[:4] + "-01-01")
	}
	if to == "" {
		to = today
	}
	return from, to
}

func (s *Server) getFloors(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Complaints.Floors(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etagKey("floors", f.Version))
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) setFloors(w http.ResponseWriter, r *http.Request) error {
	var f shishi.ComplaintFloors
	if err := decode(r, &f); err != nil {
		return err
	}
	if err := s.Complaints.SaveFloors(r.Context(), f, ifMatchKey(r, "floors")); err != nil {
		return err
	}
	return s.getFloors(w, r)
}

func (s *Server) getComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Complaints.FindComplaint(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.ID, int64(c.Version)))
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) listComplaintEvents(w http.ResponseWriter, r *http.Request) error {
	return listUnder(w, r, s.Complaints.ComplaintEvents, func(e *shishi.ComplaintEvent) int64 { return e.ID })
}

func (s *Server) listDuplicates(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	ds, err := s.Complaints.Duplicates(r.Context(), id)
	if err != nil {
		return err
	}
	// The few (at most ten) likely duplicates are ranked by similarity,
	// which the database does not hold: the page is cut from the ranked list.
	return writeCut(w, ds, p, func(d *shishi.Duplicate) int64 { return d.ID })
}

func (s *Server) complaintFile(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || fid <= 0 {
		return shishi.Errorf(shishi.ENOTFOUND, "没有这个附件 / no such file")
	}
	a, err := s.Complaints.ComplaintFile(r.Context(), id, fid, "", "")
	if err != nil {
		return err
	}
	return s.sendBlob(w, r, a.Hash, "attachment-"+strconv.FormatInt(a.ID, 10), a.Name, a.Mime)
}

func (s *Server) revealReporter(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b revealBody
	if err := decode(r, &b); err != nil {
		return err
	}
	rep, err := s.Complaints.RevealReporter(r.Context(), id, b.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (s *Server) complaintStep(w http.ResponseWriter, r *http.Request, action string) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.StepInput
	if err := decode(r, &in); err != nil {
		return err
	}
	in.IfVersion = ifMatch(r, id)
	c, err := s.Complaints.Step(r.Context(), id, action, in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.ID, int64(c.Version)))
	return writeJSON(w, http.StatusOK, c)
}
