package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

// The back office of module E: the issuer's list, the issue form, bulk
// upload and one credential's page with its status actions.

func (s *Server) credentialPageRoutes(h func(string, http.HandlerFunc)) {
	if s.Credentials == nil {
		return
	}
	h("GET /app/credentials", s.page(s.credentialsPage))
	h("POST /app/credentials", s.page(s.credentialsPost))
	h("GET /app/credentials/{id}", s.page(s.credentialPage))
	h("POST /app/credentials/{id}", s.page(s.credentialPost))
	h("GET /app/credentials/{id}/vc", s.page(s.credentialDownload))
	h("GET /app/credentials/{id}/pdf", s.page(func(w http.ResponseWriter, r *http.Request, _ *view) error { return s.credentialPDF(w, r) }))
}

type credentialsData struct {
	Types   []*shishi.CredentialType
	Type    *shishi.CredentialType
	Issuers []*shishi.Issuer
	List    []*shishi.Credential
	Total   int
	Issued  *shishi.Issued
	Bulk    int
}

func (s *Server) credentialsData(r *http.Request, v *view) (*credentialsData, error) {
	d := &credentialsData{}
	var err error
	if d.Types, _, err = s.Credentials.FindTypes(r.Context(), shishi.Page{}); err != nil {
		return nil, err
	}
	if d.Issuers, _, err = s.Credentials.FindIssuers(r.Context(), shishi.Page{}); err != nil {
		return nil, err
	}
	code := r.FormValue("type")
	for _, t := range d.Types {
		if t.Code == code || (code == "" && d.Type == nil) {
			d.Type = t
		}
	}
	d.List, d.Total, err = s.Credentials.FindCredentials(r.Context(), shishi.CredentialFilter{Q: r.URL.Query().Get("q"), Limit: 50})
	v.Title, v.Nav = v.L.T("nav.credentials"), "credentials"
	return d, err
}

func (s *Server) credentialsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := s.credentialsData(r, v)
	if err != nil {
		return err
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "credentials", v)
	return nil
}

// credentialsPost issues one credential from the form, or a bulk file.
func (s *Server) credentialsPost(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := s.credentialsData(r, v)
	if err != nil {
		return err
	}
	if d.Type == nil {
		return shishi.Invalid(shishi.FieldError{Field: "type", Message: "没有可签发的证书类型 / no type to issue"})
	}
	status := http.StatusCreated
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		var rows *xlsx.Rows
		if rows, err = xlsx.OpenRows(f); err == nil {
			defer rows.Close()
			d.Bulk, err = s.Credentials.IssueBulk(r.Context(), d.Type.Code, rows, nil)
		}
		if err == nil {
			v.Flash = v.L.T("cred.bulk_done")
		}
	} else {
		subject := map[string]string{}
		for _, f := range d.Type.Fields {
			subject[f.Key] = r.PostForm.Get("f_" + f.Key)
		}
		d.Issued, err = s.Credentials.Issue(r.Context(), d.Type.Code, subject)
	}
	if err != nil {
		status = Status(err)
		formError(v, r, err)
		for _, f := range shishi.ErrorFields(err) {
			if f.Row > 0 {
				v.Faults = append(v.Faults, f)
			} else {
				v.Fields["f_"+strings.TrimPrefix(f.Field, "subject.")] = v.L.Msg(f.Message)
			}
		}
	} else if d.List, d.Total, err = s.Credentials.FindCredentials(r.Context(), shishi.CredentialFilter{Limit: 50}); err != nil {
		return err
	}
	v.Data = d
	s.render(w, r, status, "credentials", v)
	return nil
}

type credentialData struct {
	C *shishi.Credential
	T *shishi.CredentialType // its fields: the reissue form's corrections
}

// Value is a field's current value as the reissue form shows it; the
// identity number is stored masked, so its box starts empty.
func (d credentialData) Value(f shishi.CredentialField) string {
	if f.Kind == shishi.FieldIDNumber {
		return ""
	}
	v, ok := d.C.Subject[f.Key]
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

func (s *Server) credentialView(r *http.Request, v *view, c *shishi.Credential) error {
	t, err := s.Credentials.FindType(r.Context(), c.Type)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = c.Number, "credentials", credentialData{C: c, T: t}
	return nil
}

func (s *Server) credentialPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Credentials.FindCredential(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.credentialView(r, v, c); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "credential", v)
	return nil
}

func (s *Server) credentialPost(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	// The version the page showed: a stale form is refused.
	ver, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	action := shishi.StatusAction(r.PostForm.Get("action"))
	var c *shishi.Credential
	if action == shishi.ActionReissue {
		c, err = s.reissueForm(r, id, ver)
	} else {
		c, err = s.Credentials.ChangeStatus(r.Context(), id, action, r.PostForm.Get("reason"), ver)
	}
	if err != nil {
		if code := shishi.ErrorCode(err); code != shishi.EINVALID && code != shishi.ECONFLICT && code != shishi.EPRECONDITION {
			return err
		}
		formError(v, r, err)
		for _, f := range shishi.ErrorFields(err) {
			if strings.HasPrefix(f.Field, "subject.") {
				v.Fields["f_"+strings.TrimPrefix(f.Field, "subject.")] = v.L.Msg(f.Message)
			}
		}
		if c, err = s.Credentials.FindCredential(r.Context(), id); err != nil {
			return err
		}
		if err := s.credentialView(r, v, c); err != nil {
			return err
		}
		v.Form = r.PostForm
		s.render(w, r, http.StatusUnprocessableEntity, "credential", v)
		return nil
	}
	http.Redirect(w, r, "/app/credentials/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// reissueForm reissues with the values of the form that differ from the
// credential's (an empty identity number box keeps the number).
func (s *Server) reissueForm(r *http.Request, id, version int64) (*shishi.Credential, error) {
	c, err := s.Credentials.FindCredential(r.Context(), id)
	if err != nil {
		return nil, err
	}
	t, err := s.Credentials.FindType(r.Context(), c.Type)
	if err != nil {
		return nil, err
	}
	d := credentialData{C: c, T: t}
	corrections := map[string]string{}
	for _, f := range t.Fields {
		got, ok := r.PostForm["f_"+f.Key]
		if !ok || (f.Kind == shishi.FieldIDNumber && strings.TrimSpace(got[0]) == "") {
			continue
		}
		if strings.TrimSpace(got[0]) != d.Value(f) {
			corrections[f.Key] = got[0]
		}
	}
	return s.Credentials.Reissue(r.Context(), id, r.PostForm.Get("reason"), corrections, version)
}

func (s *Server) credentialDownload(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.credentialVC(w, r)
}
