package server

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/shishi-edu/shishi"
)

// pages holds one template set per page, each parsed with the layout.
type pages struct{ sets map[string]*template.Template }

var funcs = template.FuncMap{
	"printf":   fmt.Sprintf,
	"hasRole":  func(a *shishi.Actor, r string) bool { return a.Has(shishi.Role(r)) },
	"roles":    func() []shishi.Role { return shishi.Roles },
	"kinds":    func() []shishi.UnitKind { return shishi.UnitKinds },
	"statuses": func() []shishi.ItemStatus { return shishi.ItemStatuses },
	"ragKeys":  func() []string { return []string{"green", "amber", "red", "none"} },
	"derefF": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"actionKey": func(a string) string { return "action." + a },
	// The complaint pages.
	"cstatuses": func() []shishi.ComplaintStatus { return shishi.ComplaintStatuses },
	"colourClass": func(c shishi.Colour) string {
		if c == shishi.ColourYellow {
			return "amber"
		}
		return string(c)
	},
	"deref2":    func(p *bool) bool { return p != nil && *p },
	"pct":       func(f float64) float64 { return f * 100 },
	"inc":       func(i int) int { return i + 1 },
	"indent":    func(depth int) string { return strings.Repeat("　", max(depth-1, 0)) },
	"needsNote": func(action string) bool { return stepByAction(action).NeedsNote },
	"below": func(u *shishi.UnitStats, floor string) bool {
		for _, b := range u.Below {
			if b == floor {
				return true
			}
		}
		return false
	},
	"statusOf": func(s string) shishi.ItemStatus { return shishi.ItemStatus(s) },
	"slice5":   func() []int { return []int{5, 4, 3, 2, 1} },
	// lines splits a text into its non-empty lines (paragraphs).
	"lines": func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	},
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
}

func newPages() (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		p.sets[base] = t
	}
	return p, nil
}

// view is what every page template gets.
type view struct {
	L        lang
	Title    string
	Nav      string
	Actor    *shishi.Actor
	CSRF     string
	Demo     bool
	Flash    string
	Error    string
	Fields   map[string]string   // field → message, for forms
	Faults   []shishi.FieldError // row-by-row faults of an uploaded file
	Form     url.Values          // the submitted form, to refill it
	Path     string
	Data     any
	NoChrome bool // login pages: no navigation
	Public   bool // the public column's pages: their own header
	Unread   int  // unread notices, for the header
}

// Field returns the error message of a form field.
func (v *view) Field(name string) string { return v.Fields[name] }

// Value returns a submitted form value.
func (v *view) Value(name string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Get(name)
}

// render writes a page. It renders into a buffer first so a template error
// becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := s.pages.sets[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	v.Demo = s.cfg.Demo
	v.Path = r.URL.Path
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "request_id", requestID(r.Context()), "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows err as a page in the user's language; a form's field errors
// go back to the form instead (see formError).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	code := shishi.ErrorCode(err)
	if code == shishi.EINTERNAL {
		s.log.Error("internal error", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	if code == shishi.EUNAUTHORIZED {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	v.Title = v.L.T("error.title")
	v.Error = v.L.Msg(shishi.ErrorMessage(err))
	v.Data = requestID(r.Context())
	s.render(w, r, Status(err), "error", v)
}

// formError fills v with err's field messages for the form to show.
func formError(v *view, r *http.Request, err error) {
	v.Form = r.PostForm
	v.Error = v.L.Msg(shishi.ErrorMessage(err))
	v.Fields = map[string]string{}
	for _, f := range shishi.ErrorFields(err) {
		v.Fields[f.Field] = v.L.Msg(f.Message)
	}
}

const sessionCookie = "shishi_session"

type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// pageOpts say who may open a page.
type pageOpts struct {
	enrol bool // open while second-factor enrolment is pending
}

// page wraps a back-office handler: it needs a session, checks the CSRF
// token on every POST, sends a user who owes the second factor to give or
// enrol it, and shows errors as pages.
func (s *Server) page(h pageFunc, opts ...pageOpts) http.HandlerFunc {
	var o pageOpts
	if len(opts) > 0 {
		o = opts[0]
	}
	return func(w http.ResponseWriter, r *http.Request) {
		v := &view{L: langOf(r)}
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		a, sess, err := s.Auth.SessionActor(r.Context(), c.Value)
		if err != nil {
			clearCookie(w, sessionCookie)
			s.fail(w, r, v, err)
			return
		}
		if !a.TOTPOK {
			if a.TOTPEnrolled {
				http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
				return
			}
			if !o.enrol {
				http.Redirect(w, r, "/app/profile", http.StatusSeeOther)
				return
			}
		}
		a.IP = clientIP(r)
		a.Language = v.L.Code()
		v.Actor, v.CSRF = a, sess.CSRF
		r = r.WithContext(shishi.WithActor(r.Context(), a))
		if r.Method == http.MethodPost {
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				r.Body = http.MaxBytesReader(w, r.Body, maxSheet+1<<20)
				err = r.ParseMultipartForm(maxSheet)
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxBody)
				err = r.ParseForm()
			}
			if err != nil {
				s.fail(w, r, v, shishi.Invalid(shishi.FieldError{Field: "form", Message: "表单无法解析 / unreadable form"}))
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("_csrf")), []byte(sess.CSRF)) != 1 {
				s.fail(w, r, v, shishi.Errorf(shishi.EFORBIDDEN, "表单已过期，请刷新页面后重试 / the form has expired; reload the page and try again"))
				return
			}
		}
		if s.Coord != nil && r.Method == http.MethodGet {
			if _, _, n, err := s.Coord.FindNotices(r.Context(), shishi.Page{Limit: 1}); err == nil {
				v.Unread = n
			}
		}
		if err := h(w, r, v); err != nil {
			s.fail(w, r, v, err)
		}
	}
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.cfg.PublicURL, "https://")})
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a post-login redirect on this site: a plain local path,
// nothing a browser could read as another host (browsers drop tabs and
// newlines and treat "\\" as "/", so those are refused outright).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\") {
		return "/app"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/app"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") {
		return "/app"
	}
	return next
}
