package server

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/shishi-edu/shishi"
)

type profileData struct {
	User      *shishi.User
	Tokens    []*shishi.Token
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
	if d.Tokens, err = s.Auth.FindTokens(ctx, u.ID); err != nil {
		return err
	}
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
		if plain, _, err = s.Auth.CreateToken(ctx, v.Actor.UserID, f.Get("name"), "", shishi.DefaultTokenLimit); err == nil {
			d.NewToken = plain
			return s.renderProfile(w, r, v, http.StatusCreated, d)
		}
	case "mail_prefs":
		_, err = s.Mail.SetMailPrefs(ctx, shishi.MailPrefs{Kinds: f["kinds"], Lang: f.Get("lang")})
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
	return s.renderProfile(w, r, v, Status(err), d)
}
