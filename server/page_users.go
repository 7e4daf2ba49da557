package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

type usersData struct {
	Options []unitOption
	Users   []*shishi.User
	Total   int
	Query   string
	Next    string
	CanEdit bool
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderUsers(w, r, v, http.StatusOK)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	if !v.Actor.Has(shishi.RoleAdmin) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员可以管理用户 / only an administrator manages users")
	}
	v.Title, v.Nav = v.L.T("users.title"), "users"
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	d := usersData{Query: strings.TrimSpace(r.URL.Query().Get("q")), CanEdit: true}
	f := shishi.UserFilter{Query: d.Query, After: after, Limit: 50, Role: shishi.Role(r.URL.Query().Get("role"))}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = ""
	}
	users, total, err := s.Users.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	d.Users, d.Total = users, total
	all, err := s.Units.UnitTree(r.Context())
	if err != nil {
		return err
	}
	d.Options = unitOptions(buildTree(all, v.L))
	if len(users) == f.Limit {
		d.Next = strconv.FormatInt(users[len(users)-1].ID, 10)
	}
	v.Data = d
	s.render(w, r, status, "users", v)
	return nil
}

// formGrants reads the role checkboxes: "role" values, granted at the
// user's own unit.
func formGrants(f map[string][]string) []shishi.Grant {
	var g []shishi.Grant
	for _, r := range f["role"] {
		g = append(g, shishi.Grant{Role: shishi.Role(r)})
	}
	return g
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, v *view) error {
	f := r.PostForm
	unitID, _ := strconv.ParseInt(strings.TrimSpace(f.Get("unit_id")), 10, 64)
	in := shishi.UserInput{Login: f.Get("login"), Name: f.Get("name"), Email: f.Get("email"), UnitID: unitID, Password: f.Get("password"), Grants: formGrants(f)}
	u, err := s.Users.CreateUser(r.Context(), in)
	if err == nil {
		http.Redirect(w, r, "/app/users/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	if shishi.ErrorCode(err) != shishi.EINVALID {
		return err
	}
	r.PostForm.Del("password")
	formError(v, r, err)
	return s.renderUsers(w, r, v, http.StatusUnprocessableEntity)
}

type userData struct {
	User    *shishi.User
	Has     map[shishi.Role]bool
	Tokens  []*shishi.Token
	CanEdit bool
	Self    bool
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderUser(w, r, v, http.StatusOK)
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	u, err := s.Users.FindUser(r.Context(), id)
	if err != nil {
		return err
	}
	d := userData{User: u, Has: map[shishi.Role]bool{}, CanEdit: v.Actor.Has(shishi.RoleAdmin), Self: u.ID == v.Actor.UserID}
	for _, g := range u.Grants {
		d.Has[g.Role] = true
	}
	if d.Tokens, _, err = s.Auth.FindTokens(r.Context(), id, shishi.Page{}); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = u.Name, "users", d
	s.render(w, r, status, "user", v)
	return nil
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	var p shishi.UserPatch
	switch f.Get("action") {
	case "roles":
		g := formGrants(f)
		p.Grants = &g
	case "disable", "enable":
		b := f.Get("action") == "disable"
		p.Disabled = &b
	case "unlock":
		p.Unlock = true
	case "password":
		pw := f.Get("password")
		p.Password = &pw
	case "unit":
		n, _ := strconv.ParseInt(strings.TrimSpace(f.Get("unit_id")), 10, 64)
		p.UnitID = &n
	default:
		name, email := f.Get("name"), f.Get("email")
		p.Name, p.Email = &name, &email
	}
	if _, err = s.Users.UpdateUser(r.Context(), id, version, p); err == nil {
		http.Redirect(w, r, "/app/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	if c := shishi.ErrorCode(err); c != shishi.EINVALID && c != shishi.EPRECONDITION {
		return err
	}
	r.PostForm.Del("password")
	formError(v, r, err)
	return s.renderUser(w, r, v, Status(err))
}
