package server

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/shishi-edu/shishi"
)

type profileData struct {
	User      *shishi.User
	Tokens    []*shishi.Token
	Options   []unitOption // the unit picker that narrows a new token
	NewToken  string
	TOTPURL   string
	TOTPKey   string
	TOTPQR    template.URL
	MustEnrol bool
	Mail      *shishi.MailPrefs
	MailKinds []string
}

// Mails reports whether notices of kind are mailed.
func (d profileData) Mails(kind string) bool {
	if d.Mail == nil {
		return false
	}
	for _, k := range d.Mail.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderProfile(w, r, v, http.StatusOK, profileData{})
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, v *view, status int, d profileData) error {
	ctx := r.Context()
	u, err := s.Users.FindUser(ctx, v.Actor.UserID)
	if err != nil {
		return err
	}
	d.User = u
	d.MustEnrol = !v.Actor.TOTPOK && !v.Actor.TOTPEnrolled
	if d.Tokens, _, err = s.Auth.FindTokens(ctx, u.ID, shishi.Page{}); err != nil {
		return err
	}
	all, err := s.Units.UnitTree(ctx)
	if err != nil {
		return err
	}
	d.Options = unitOptions(buildTree(all, v.L))
	if s.Mail != nil {
		if d.Mail, err = s.Mail.MailPrefs(ctx); err != nil {
			return err
		}
		d.MailKinds = shishi.MailKinds
	}
	if d.TOTPURL != "" {
		key, err := otp.NewKeyFromURL(d.TOTPURL)
		if err != nil {
			return shishi.Internal(err)
		}
		img, err := key.Image(220, 220)
		if err != nil {
			return shishi.Internal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return shishi.Internal(err)
		}
		d.TOTPKey = key.Secret()
		d.TOTPQR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("profile.title"), "profile", d
	s.render(w, r, status, "profile", v)
	return nil
}

func (s *Server) profileUpdate(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	f := r.PostForm
	var err error
	d := profileData{}
	switch f.Get("action") {
	case "password":
		// The change ends every session of the account; this browser gets
		// a fresh one.
		if err = s.Auth.ChangePassword(ctx, f.Get("old_password"), f.Get("new_password")); err == nil {
			var tok string
			if tok, err = s.Auth.CreateSession(ctx, v.Actor.UserID, v.Actor.TOTPOK); err == nil {
				s.setCookie(w, sessionCookie, tok, int(shishi.SessionMaxAge/time.Second))
			}
		}
	case "totp_setup":
		if v.Actor.TOTPEnrolled {
			return shishi.Errorf(shishi.ECONFLICT, "已启用动态口令 / a second factor is already enrolled")
		}
		if d.TOTPURL, err = s.Auth.TOTPSetup(ctx); err != nil {
			return err
		}
		return s.renderProfile(w, r, v, http.StatusOK, d)
	case "totp_enable":
		if err = s.Auth.TOTPEnable(ctx, f.Get("code")); err == nil {
			if c, cerr := r.Cookie(sessionCookie); cerr == nil {
				err = s.Auth.MarkSessionTOTP(ctx, c.Value)
			}
		}
	case "token_create":
		if !v.Actor.TOTPOK {
			return shishi.Errorf(shishi.EFORBIDDEN, "请先启用动态口令 / enrol a second factor first")
		}
		var plain string
		var in shishi.TokenInput
		if in, err = tokenForm(f); err == nil {
			plain, _, err = s.Auth.MintToken(ctx, v.Actor.UserID, in)
		}
		if err == nil {
			d.NewToken = plain
			return s.renderProfile(w, r, v, http.StatusCreated, d)
		}
	case "mail_prefs":
		ver, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		_, err = s.Mail.SetMailPrefs(ctx, shishi.MailPrefs{Kinds: f["kinds"], Lang: f.Get("lang")}, ver)
	case "token_revoke":
		id, _ := strconv.ParseInt(strings.TrimSpace(f.Get("id")), 10, 64)
		err = s.Auth.RevokeToken(ctx, id)
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
	}
	if err == nil {
		http.Redirect(w, r, "/app/profile?saved=1", http.StatusSeeOther)
		return nil
	}
	if c := shishi.ErrorCode(err); c != shishi.EINVALID {
		return err
	}
	r.PostForm.Del("old_password")
	r.PostForm.Del("new_password")
	formError(v, r, err)
	// The form has one place for the grants' errors: grants[i].unit_id and
	// the like all show there.
	for k, m := range v.Fields {
		if strings.HasPrefix(k, "grants") {
			v.Fields["grants"] = m
		}
	}
	return s.renderProfile(w, r, v, Status(err), d)
}

// tokenForm reads the token form: a name, a lifetime in days (empty for
// the default year), the checked grants ("role@unit") and an optional unit
// that narrows every checked grant to its subtree. No grant checked means
// all of the user's roles, as before grants existed.
func tokenForm(f url.Values) (shishi.TokenInput, error) {
	in := shishi.TokenInput{Name: f.Get("name"), TTL: shishi.DefaultTokenLimit}
	var v shishi.Validator
	if d := strings.TrimSpace(f.Get("days")); d != "" {
		n, err := strconv.Atoi(d)
		v.Check(err == nil && n >= 1 && n <= 5*365, "days", "须为 1–1825 天 / must be 1–1825 days")
		in.TTL = time.Duration(n) * 24 * time.Hour
	}
	var narrow int64
	if u := f.Get("unit"); u != "" {
		n, err := strconv.ParseInt(u, 10, 64)
		v.Check(err == nil && n > 0, "unit", "无效的单位 / invalid unit")
		narrow = n
	}
	for _, g := range f["grant"] {
		role, unit, err := shishi.ParseGrant("grants", g)
		id, nerr := strconv.ParseInt(unit, 10, 64)
		if err != nil || nerr != nil || id <= 0 {
			v.Add("grants", "无效的角色选择 / invalid grant")
			continue
		}
		if narrow > 0 {
			id = narrow
		}
		in.Grants = append(in.Grants, shishi.Grant{Role: role, UnitID: id})
	}
	v.Check(narrow == 0 || len(in.Grants) > 0, "grants", "限定单位时请勾选角色 / check the roles to narrow")
	return in, v.Err()
}
