package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The public complaint column (“互联网+教育督导”举报专栏): submit without an
// account, then follow the case with the tracking code and secret. The
// secret travels only in POST bodies, never in a URL (URLs end up in logs
// and browser history). Cross-origin posts are refused by the router's
// cross-origin protection; both forms are under the public rate limit.

type submitData struct {
	Cats    []*shishi.ComplaintCategory
	Receipt *shishi.Receipt
}

func (s *Server) publicView(r *http.Request, title string) *view {
	v := &view{L: langOf(r), Public: true}
	v.Title = v.L.T(title)
	return v
}

func (s *Server) publicSubmitForm(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "public.submit")
	s.renderSubmit(w, r, v, nil, http.StatusOK)
}

func (s *Server) renderSubmit(w http.ResponseWriter, r *http.Request, v *view, rc *shishi.Receipt, status int) {
	cats, err := s.Complaints.Categories(r.Context(), false)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = submitData{Cats: cats, Receipt: rc}
	s.render(w, r, status, "public_submit", v)
}

func (s *Server) publicSubmit(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "public.submit")
	in, files, err := s.readComplaint(r)
	if err == nil && r.FormValue("website") != "" {
		// The honeypot field is hidden from people; only robots fill it.
		err = shishi.Invalid(shishi.FieldError{Field: "form", Message: "提交未被接受 / the submission was not accepted"})
	}
	if err == nil {
		in.Source = "web"
		var rc *shishi.Receipt
		if rc, err = s.Complaints.Submit(r.Context(), in, files); err == nil {
			v.Title = v.L.T("public.received")
			s.renderSubmit(w, r, v, rc, http.StatusCreated)
			return
		}
	}
	if r.MultipartForm != nil {
		r.PostForm = r.MultipartForm.Value
	}
	formError(v, r, err)
	s.renderSubmit(w, r, v, nil, Status(err))
}

type trackData struct {
	Code, Secret string
	Case         *shishi.PublicCase
}

func (s *Server) publicTrackForm(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "public.track")
	v.Data = trackData{}
	s.render(w, r, http.StatusOK, "public_track", v)
}

// publicTrack shows the case and takes the reporter's steps: a message,
// a rating, a reopening.
func (s *Server) publicTrack(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "public.track")
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, v, shishi.Invalid(shishi.FieldError{Field: "form", Message: "表单无法解析 / unreadable form"}))
		return
	}
	f := r.PostForm
	d := trackData{Code: f.Get("code"), Secret: f.Get("secret")}
	var p *shishi.PublicCase
	var err error
	switch action := f.Get("action"); action {
	case "":
		p, err = s.Complaints.Track(r.Context(), d.Code, d.Secret)
	default:
		rating, _ := strconv.Atoi(f.Get("rating"))
		p, err = s.Complaints.ReporterStep(r.Context(), d.Code, d.Secret, action, shishi.StepInput{Note: f.Get("note"), Rating: shishi.Rating(rating)})
		if err != nil && shishi.ErrorCode(err) != shishi.ENOTFOUND {
			formError(v, r, err)
			p, _ = s.Complaints.Track(r.Context(), d.Code, d.Secret)
		} else if err == nil {
			v.Flash = v.L.T("public.step_done")
		}
	}
	status := http.StatusOK
	if err != nil {
		status = Status(err)
		if v.Error == "" {
			formError(v, r, err)
		}
	}
	d.Case = p
	v.Data = d
	s.render(w, r, status, "public_track", v)
}
