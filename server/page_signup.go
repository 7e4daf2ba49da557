package server

import (
	"net/http"
	"net/url"
	"strings"

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
	h("POST /signup/resend", s.limit(s.publicLim, s.resend))
}

// accountRoutes are the same steps in the API.
func (s *Server) accountRoutes() {
	s.api(&operation{Method: "POST", Path: "/api/v1/accounts", ID: "signUp", Tag: "services", Public: true, Strict: true,
		Summary: "Sign up for a public applicant account with an e-mail and a password; the verification code is mailed (valid 24 hours). " +
			"An address that has an account is mailed that instead, and the answer is the same",
		Body: shishi.SignUpInput{}, Resp: shishi.SignUpReceipt{}, Status: http.StatusAccepted, handle: s.apiSignUp})
	s.api(&operation{Method: "POST", Path: "/api/v1/account-verifications", ID: "verifyEmail", Tag: "services", Public: true, Strict: true,
		Summary: "Verify a public account's e-mail with the e-mail and the code sent to it; then it may apply. After 5 wrong codes a new one must be requested",
		Body:    shishi.VerifyInput{}, Resp: shishi.User{}, handle: s.apiVerifyEmail})
	s.api(&operation{Method: "POST", Path: "/api/v1/account-verifications:resend", ID: "resendVerification", Tag: "services", Public: true, Strict: true,
		Summary: "Mail a new verification code to an unverified account (the old code stops working); the answer is the same for any address",
		Body:    shishi.ResendInput{}, Resp: shishi.SignUpReceipt{}, Status: http.StatusAccepted, handle: s.apiResend})
}

// receipt is the one answer to a sign-up or a request for a new code,
// whatever the address: it reveals no account.
func receipt(email string) shishi.SignUpReceipt {
	return shishi.SignUpReceipt{Email: strings.ToLower(strings.TrimSpace(email)),
		Message: "请查收邮件：验证码 24 小时内有效；如该邮箱已有账户，邮件会告知 / check your mail: the code is valid for 24 hours; if the address has an account, the mail says so"}
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

// publicStep runs one step of the sign-up pages: the public form read,
// then do; a fault is shown beside its field on page, an internal error as
// the error page. It reports whether do succeeded.
func (s *Server) publicStep(w http.ResponseWriter, r *http.Request, v *view, page string, do func() error) bool {
	err := readPublicForm(w, r)
	if err == nil {
		err = do()
	}
	if err == nil {
		return true
	}
	if shishi.ErrorCode(err) == shishi.EINTERNAL {
		s.fail(w, r, v, err)
		return false
	}
	formError(v, r, err)
	v.Form.Del("password")
	s.render(w, r, Status(err), page, v)
	return false
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.signup")
	if !s.publicStep(w, r, v, "signup", func() error {
		return s.Accounts.SignUp(r.Context(), shishi.SignUpInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password")})
	}) {
		return
	}
	// The same page whether or not the address had an account.
	v.Flash, v.Form = v.L.T("acct.sent"), url.Values{"email": {r.PostForm.Get("email")}}
	s.render(w, r, http.StatusAccepted, "signup_verify", v)
}

// verifyForm is where the mailed link lands: it fills in the e-mail and
// the code and verifies nothing; only the POST does, so a mail client's
// link preview cannot use the code up.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.verify")
	v.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "signup_verify", v)
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.verify")
	if !s.publicStep(w, r, v, "signup_verify", func() error {
		_, err := s.Accounts.VerifyEmail(r.Context(), shishi.VerifyInput{Email: r.PostForm.Get("email"), Code: r.PostForm.Get("code")})
		return err
	}) {
		return
	}
	v.Flash, v.Data = v.L.T("acct.verified"), true
	s.render(w, r, http.StatusOK, "signup_verify", v)
}

func (s *Server) resend(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "acct.verify")
	if !s.publicStep(w, r, v, "signup_verify", func() error { return s.Accounts.ResendCode(r.Context(), r.PostForm.Get("email")) }) {
		return
	}
	v.Flash, v.Form = v.L.T("acct.resent"), url.Values{"email": {r.PostForm.Get("email")}}
	s.render(w, r, http.StatusAccepted, "signup_verify", v)
}

func (s *Server) apiSignUp(w http.ResponseWriter, r *http.Request) error {
	var in shishi.SignUpInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Accounts.SignUp(r.Context(), in); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, receipt(in.Email))
}

func (s *Server) apiVerifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in shishi.VerifyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Accounts.VerifyEmail(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

func (s *Server) apiResend(w http.ResponseWriter, r *http.Request) error {
	var in shishi.ResendInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.Accounts.ResendCode(r.Context(), in.Email); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, receipt(in.Email))
}
