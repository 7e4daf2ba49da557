package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/shishi-edu/shishi"
)

// me is the answer of GET /api/v1/me.
type me struct {
	ID     int64          `json:"id"`
	Login  string         `json:"login"`
	Name   string         `json:"name"`
	UnitID int64          `json:"unit_id"`
	Grants []shishi.Grant `json:"grants"`
}

type tokenBody struct {
	Name      string `json:"name"`
	Scope     string `json:"scope"`
	ExpiresIn int    `json:"expires_in_days"`
	// Grants limit the token (scope "grants") to these roles, each at a
	// unit inside the user's reach for it (unit_id 0: the user's own).
	Grants []tokenGrant `json:"grants,omitempty"`
}

type tokenGrant struct {
	Role   shishi.Role `json:"role"`
	UnitID int64       `json:"unit_id"`
}

type tokenCreated struct {
	Token  string        `json:"token"`
	Detail *shishi.Token `json:"detail"`
}

func (s *Server) userRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/me", ID: "getMe", Tag: "users", Summary: "The caller's account and grants",
		Resp: me{}, handle: s.getMe})
	s.api(&operation{Method: "GET", Path: "/api/v1/users", ID: "listUsers", Tag: "users", Summary: "List users in the administrator's reach",
		Params: listParams(
			param{Name: "unit", In: "query", Type: "integer", Desc: "users of this unit's subtree"},
			param{Name: "role", In: "query", Type: "string"},
			param{Name: "q", In: "query", Type: "string"}),
		Resp: shishi.User{}, List: true, handle: s.listUsers})
	s.api(&operation{Method: "POST", Path: "/api/v1/users", ID: "createUser", Tag: "users", Summary: "Create a user",
		Body: shishi.UserInput{}, Resp: shishi.User{}, Status: http.StatusCreated, ETag: true, handle: s.createUser})
	s.api(&operation{Method: "GET", Path: "/api/v1/users/{id}", ID: "getUser", Tag: "users", Summary: "Get a user",
		Params: []param{pathID()}, Resp: shishi.User{}, ETag: true, handle: s.getUser})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/users/{id}", ID: "updateUser", Tag: "users", Summary: "Change a user: name, unit, roles, disable, reset password, unlock (If-Match honoured)",
		Params: []param{pathID()}, Body: shishi.UserPatch{}, Resp: shishi.User{}, ETag: true, handle: s.updateUser})
	s.api(&operation{Method: "POST", Path: "/api/v1/users/{id}:move", ID: "moveUser", Tag: "users", Summary: "Move a user to another unit",
		Params: []param{pathID()}, Body: moveUserBody{}, Resp: shishi.User{}, ETag: true, handle: s.moveUser})
	s.api(&operation{Method: "GET", Path: "/api/v1/users/{id}/tokens", ID: "listTokens", Tag: "tokens", Summary: "A user's API tokens, newest first (never their secrets)",
		Params: listParams(pathID()), Resp: shishi.Token{}, List: true, handle: s.listTokens})
	s.api(&operation{Method: "POST", Path: "/api/v1/users/{id}/tokens", ID: "createToken", Tag: "tokens", Summary: "Create an API token, optionally limited to some of the user's grants (role at unit); the secret is in the answer only",
		Params: []param{pathID()}, Body: tokenBody{}, Resp: tokenCreated{}, Status: http.StatusCreated, handle: s.createToken})
	s.api(&operation{Method: "POST", Path: "/api/v1/tokens/{id}:revoke", ID: "revokeToken", Tag: "tokens", Summary: "Revoke an API token",
		Params: []param{pathID()}, handle: s.revokeToken, Status: http.StatusNoContent})
}

type moveUserBody struct {
	UnitID int64 `json:"unit_id"`
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	a := shishi.ActorFrom(r.Context())
	g := a.Grants
	if g == nil {
		g = []shishi.Grant{}
	}
	return writeJSON(w, http.StatusOK, me{ID: a.UserID, Login: a.Login, Name: a.Name, UnitID: a.UnitID, Grants: g})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f := shishi.UserFilter{Limit: limit, After: after, Query: r.URL.Query().Get("q"), Role: shishi.Role(r.URL.Query().Get("role"))}
	if f.Role != "" && !f.Role.Valid() {
		return shishi.Invalid(shishi.FieldError{Field: "role", Message: "未知角色 / unknown role"})
	}
	if f.UnitID, err = queryID(r, "unit"); err != nil {
		return err
	}
	users, total, err := s.Users.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, users, total, limit, func(u *shishi.User) int64 { return u.ID })
}

func writeUser(w http.ResponseWriter, status int, u *shishi.User) error {
	w.Header().Set("ETag", etag(u.ID, u.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	}
	if u.Grants == nil {
		u.Grants = []shishi.Grant{}
	}
	return writeJSON(w, status, u)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var in shishi.UserInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Users.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusCreated, u)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	u, err := s.Users.FindUser(r.Context(), id)
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusOK, u)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var p shishi.UserPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	u, err := s.Users.UpdateUser(r.Context(), id, ifMatch(r, id), p)
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusOK, u)
}

func (s *Server) moveUser(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b moveUserBody
	if err := decode(r, &b); err != nil {
		return err
	}
	u, err := s.Users.UpdateUser(r.Context(), id, ifMatch(r, id), shishi.UserPatch{UnitID: &b.UnitID})
	if err != nil {
		return err
	}
	return writeUser(w, http.StatusOK, u)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	ts, total, err := s.Auth.FindTokens(r.Context(), id, shishi.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return writeList(w, ts, total, limit, func(t *shishi.Token) int64 { return t.ID })
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b tokenBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.ExpiresIn < 0 || b.ExpiresIn > 5*365 {
		return shishi.Invalid(shishi.FieldError{Field: "expires_in_days", Message: "须为 0–1825 天（0 为默认 365 天）/ must be 0–1825 days (0: 365)"})
	}
	ttl := shishi.DefaultTokenLimit
	if b.ExpiresIn > 0 {
		ttl = time.Duration(b.ExpiresIn) * 24 * time.Hour
	}
	in := shishi.TokenInput{Name: b.Name, Scope: b.Scope, TTL: ttl}
	for _, g := range b.Grants {
		in.Grants = append(in.Grants, shishi.Grant{Role: g.Role, UnitID: g.UnitID})
	}
	plain, t, err := s.Auth.MintToken(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenCreated{Token: plain, Detail: t})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
