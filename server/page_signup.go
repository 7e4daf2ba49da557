package server

import (
	"net/http"

	"github.com/shishi-edu/shishi"
)

// Public applicant accounts: sign-up with an e-mail and a password, and
// the page that takes the verification code. Both are public and
// rate-limited per address like the complaint column.

func (s *Server) signupRoutes(h func(string, http.HandlerFunc)) {
	h("GET /signup", s.limit(s.apiLim, s.signupForm))
	h("POST /signup", s.limit(s.publicLim, s.signup))
	h("GET /signup/verify", s.limit(s.apiLim, s.verifyForm))
	h("POST /signup/verify", s.limit(s.publicLim, s.verify))
}

// accountRoutes are the same two steps in the API.
func (s *Server) accountRoutes() {
	s.api(&operation{Method: "POST", Path: "/api/v1/accounts", ID: "signUp", Tag: "services", Public: true, Strict: true,
		Summary: "Sign up for a public applicant account with an e-mail and a password; the verification code is sent to the e-mail",
		Body:    shishi.SignUpInput{}, Resp: shishi.User{}, Status: http.StatusCreated, handle: s.apiSignUp})
	s.api(&operation{Method: "POST", Path: "/api/v1/account-verifications", ID: "verifyEmail", Tag: "services", Public: true, Strict: true,
		Summary: "Verify a public account's e-mail with the code sent to it; then it may apply",
		Body:    shishi.VerifyInput{}, Resp: shishi.User{}, handle: s.apiVerifyEmail})
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signup", s.publicView(r, "acct.signup"))
}

// readPublicForm parses a small public form and refuses what the hidden
// honeypot field (hidden from people; only robots fill it) shows to be a
// robot.
func readPublicForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return shishi.Invalid(shishi.FieldError{Field: "form", Message: "表单无法解析 / unreadable form"})
	}
	if r.PostForm.Get("website") != "" {
		return shishi.Invalid(shishi.FieldError{Field: "form", Message: "提交未被接受 / the submission was not accepted"})
	}
	return nil
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.signup")
	err := readPublicForm(w, r)
	if err == nil {
		_, err = s.Accounts.SignUp(r.Context(), shishi.SignUpInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")})
	}
	if err != nil {
		if shishi.ErrorCode(err) == shishi.EINTERNAL {
			s.fail(w, r, v, err)
			return
		}
		formError(v, r, err)
		v.Form.Del("password")
		s.render(w, r, Status(err), "signup", v)
		return
	}
	v.Flash = v.L.T("acct.sent")
	s.render(w, r, http.StatusCreated, "signup_verify", v)
}

func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.verify")
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "signup_verify", v)
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.verify")
	err := readPublicForm(w, r)
	if err == nil {
		_, err = s.Accounts.VerifyEmail(r.Context(), r.PostForm.Get("code"))
	}
	if err != nil {
		if shishi.ErrorCode(err) == shishi.EINTERNAL {
			s.fail(w, r, v, err)
			return
		}
		formError(v, r, err)
		s.render(w, r, Status(err), "signup_verify", v)
		return
	}
	v.Flash, v.Data = v.L.T("acct.verified"), true
	s.render(w, r, http.StatusOK, "signup_verify", v)
}

func (s *Server) apiSignUp(w http.ResponseWriter, r *http.Request) error {
	var in shishi.SignUpInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Accounts.SignUp(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, u)
}

func (s *Server) apiVerifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in shishi.VerifyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Accounts.VerifyEmail(r.Context(), in.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}
