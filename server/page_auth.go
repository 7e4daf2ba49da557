package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/shishi-edu/shishi"
)

func (s *Server) pageRoutes() {
	cop := http.NewCrossOriginProtection()
	h := func(pattern string, fn http.HandlerFunc) { s.mux.Handle(pattern, cop.Handler(fn)) }
	h("GET /{$}", s.root)
	h("GET /login", s.loginForm)
	h("POST /login", s.limit(s.loginLim, s.login))
	h("GET /login/totp", s.totpForm)
	h("POST /login/totp", s.limit(s.loginLim, s.totp))
	h("POST /logout", s.logout)
	h("GET /lang", s.switchLang)
	h("GET /app", s.page(s.home))
	h("GET /app/m/{module}", s.page(s.module))
	h("GET /app/units", s.page(s.unitsPage))
	h("POST /app/units", s.page(s.unitCreate))
	h("GET /app/units/{id}", s.page(s.unitPage))
	h("POST /app/units/{id}", s.page(s.unitUpdate))
	h("GET /app/users", s.page(s.usersPage))
	h("POST /app/users", s.page(s.userCreate))
	h("GET /app/users/{id}", s.page(s.userPage))
	h("POST /app/users/{id}", s.page(s.userUpdate))
	h("GET /app/profile", s.page(s.profilePage, pageOpts{enrol: true}))
	h("POST /app/profile", s.page(s.profileUpdate, pageOpts{enrol: true}))
	h("GET /app/audit", s.page(s.auditPage))
	h("GET /app/audit/export", s.page(func(w http.ResponseWriter, r *http.Request, v *view) error { return s.exportAudit(w, r) }))
	h("GET /app/integrations", s.page(s.integrationPage))
	h("POST /app/integrations", s.page(s.integrationPost))
	s.ledgerPageRoutes(h)
	s.complaintPageRoutes(h)
	s.credentialPageRoutes(h)
	s.credentialPublicRoutes(h)
	s.supervisionPageRoutes(h)
	s.portalRoutes(h)
	s.briefingRoutes(h)
	s.participationRoutes(h)
	if s.Online != nil {
		s.servicePageRoutes(h)
	}
	if s.Showcases != nil {
		s.casesRoutes(h)
	}
	if s.Accounts != nil {
		s.signupRoutes(h)
	}
}

// root: an anonymous visitor gets the public portal, a signed-in user the
// workbench (the portal stays one click away from its header).
func (s *Server) root(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, _, err := s.Auth.SessionActor(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, "/app", http.StatusSeeOther)
			return
		}
	}
	s.limit(s.apiLim, s.portal)(w, r)
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	to := "zh"
	if r.URL.Query().Get("to") == "en" {
		to = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: to, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	back := r.URL.Query().Get("back")
	if back == "" {
		back = "/app"
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	v := &view{L: langOf(r), NoChrome: true, Form: url.Values{"next": {r.URL.Query().Get("next")}}}
	v.Title = v.L.T("login.title")
	s.render(w, r, http.StatusOK, "login", v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	v := &view{L: langOf(r), NoChrome: true}
	v.Title = v.L.T("login.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		v.Error = v.L.T("csrf")
		s.render(w, r, http.StatusBadRequest, "login", v)
		return
	}
	ctx := shishi.WithActor(r.Context(), &shishi.Actor{Login: "anonymous", IP: clientIP(r)})
	res, err := s.Auth.CheckPassword(ctx, r.PostForm.Get("login"), r.PostForm.Get("password"))
	if err != nil {
		r.PostForm.Del("password")
		formError(v, r, err)
		s.render(w, r, Status(err), "login", v)
		return
	}
	totpOK := !res.NeedTOTP && !res.MustEnrol
	tok, err := s.Auth.CreateSession(ctx, res.User.ID, totpOK)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.setCookie(w, sessionCookie, tok, int(shishi.SessionMaxAge/time.Second))
	next := safeNext(r.PostForm.Get("next"))
	switch {
	case res.NeedTOTP:
		http.Redirect(w, r, "/login/totp?next="+url.QueryEscape(next), http.StatusSeeOther)
	case res.MustEnrol:
		http.Redirect(w, r, "/app/profile", http.StatusSeeOther)
	default:
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// sessionOwingTOTP returns the session token and actor of a session that
// has passed the password step and owes its code.
func (s *Server) sessionOwingTOTP(r *http.Request) (string, *shishi.Actor, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", nil, false
	}
	a, _, err := s.Auth.SessionActor(r.Context(), c.Value)
	if err != nil || a.TOTPOK || !a.TOTPEnrolled {
		return "", nil, false
	}
	return c.Value, a, true
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.sessionOwingTOTP(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	v := &view{L: langOf(r), NoChrome: true, Form: url.Values{"next": {r.URL.Query().Get("next")}}}
	v.Title = v.L.T("totp.title")
	s.render(w, r, http.StatusOK, "totp", v)
}

func (s *Server) totp(w http.ResponseWriter, r *http.Request) {
	tok, a, ok := s.sessionOwingTOTP(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	v := &view{L: langOf(r), NoChrome: true}
	v.Title = v.L.T("totp.title")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	ctx := shishi.WithActor(r.Context(), &shishi.Actor{UserID: a.UserID, Login: a.Login, IP: clientIP(r)})
	if err := s.Auth.CheckTOTP(ctx, a.UserID, r.PostForm.Get("code")); err != nil {
		formError(v, r, err)
		v.Fields = map[string]string{"code": v.Error}
		s.render(w, r, Status(err), "totp", v)
		return
	}
	if err := s.Auth.MarkSessionTOTP(ctx, tok); err != nil {
		s.fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		ctx := r.Context()
		if a, sess, err := s.Auth.SessionActor(ctx, c.Value); err == nil {
			_ = r.ParseForm()
			if r.PostForm.Get("_csrf") != sess.CSRF {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			a.IP = clientIP(r)
			ctx = shishi.WithActor(ctx, a)
		}
		_ = s.Auth.DeleteSession(ctx, c.Value)
	}
	clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
