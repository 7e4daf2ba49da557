package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// treeNode is a unit with its children, for the nested tree view.
type treeNode struct {
	*shishi.Unit
	Children  []*treeNode
	Open      bool
	KindLabel string
	// Groups splits a long, mixed list of children by kind (the ministry's
	// departments, affiliates, universities, provinces …) so the tree reads
	// like the organisation chart people know.
	Groups []kindGroup
}

type kindGroup struct {
	Label    string
	Children []*treeNode
}

// groupLimit is how many children a node shows before grouping them.
const groupLimit = 12

// buildTree nests a parents-first list; units whose parent is out of reach
// become roots.
func buildTree(units []*shishi.Unit, l lang) []*treeNode {
	byID := map[int64]*treeNode{}
	var roots []*treeNode
	for _, u := range units {
		n := &treeNode{Unit: u, KindLabel: l.Kind(u.Kind)}
		byID[u.ID] = n
		if u.ParentID != nil {
			if p, ok := byID[*u.ParentID]; ok {
				p.Children = append(p.Children, n)
				continue
			}
		}
		n.Open = true
		roots = append(roots, n)
	}
	for _, n := range byID {
		if len(n.Children) <= groupLimit {
			continue
		}
		idx := map[shishi.UnitKind]int{}
		var groups []kindGroup
		for _, c := range n.Children {
			i, ok := idx[c.Kind]
			if !ok {
				i = len(groups)
				idx[c.Kind] = i
				groups = append(groups, kindGroup{Label: l.Kind(c.Kind)})
			}
			groups[i].Children = append(groups[i].Children, c)
		}
		if len(groups) > 1 {
			n.Groups = groups
		}
	}
	return roots
}

// unitOption is one entry of a unit picker, indented by depth.
type unitOption struct {
	ID    int64
	Label string
}

// unitOptions lists the tree depth-first for a <select>, so a parent is
// picked by name, not typed as an id.
func unitOptions(roots []*treeNode) []unitOption {
	var out []unitOption
	var walk func(ns []*treeNode, depth int)
	walk = func(ns []*treeNode, depth int) {
		for _, n := range ns {
			out = append(out, unitOption{ID: n.ID, Label: strings.Repeat("　", depth) + n.Name})
			walk(n.Children, depth+1)
		}
	}
	walk(roots, 0)
	return out
}

type unitsData struct {
	Options []unitOption
	Tree    []*treeNode
	Results []*shishi.Unit
	Query   string
	Total   int
	CanEdit bool
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderUnits(w, r, v, http.StatusOK)
}

func (s *Server) renderUnits(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	v.Title, v.Nav = v.L.T("units.title"), "units"
	d := unitsData{Query: strings.TrimSpace(r.URL.Query().Get("q")), CanEdit: v.Actor.Has(shishi.RoleAdmin)}
	all, err := s.Units.UnitTree(r.Context())
	if err != nil {
		return err
	}
	d.Tree, d.Total = buildTree(all, v.L), len(all)
	if d.CanEdit {
		d.Options = unitOptions(d.Tree)
	}
	if d.Query != "" {
		res, total, err := s.Units.FindUnits(r.Context(), shishi.UnitFilter{Query: d.Query, Limit: 200})
		if err != nil {
			return err
		}
		d.Results, d.Total = res, total
	}
	if v.Form == nil && r.URL.Query().Get("parent") != "" {
		v.Form = url.Values{"parent_id": {r.URL.Query().Get("parent")}}
	}
	v.Data = d
	s.render(w, r, status, "units", v)
	return nil
}

func formUnitInput(f map[string][]string) (shishi.UnitInput, error) {
	get := func(k string) string {
		if x := f[k]; len(x) > 0 {
			return x[0]
		}
		return ""
	}
	in := shishi.UnitInput{Code: get("code"), Name: get("name"), NameEN: get("name_en"), Kind: shishi.UnitKind(get("kind")), CreditCode: get("credit_code")}
	if p := strings.TrimSpace(get("parent_id")); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return in, shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "上级单位编号须为正整数 / parent id must be a positive integer"})
		}
		in.ParentID = &n
	}
	return in, nil
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request, v *view) error {
	in, err := formUnitInput(r.PostForm)
	if err == nil {
		var u *shishi.Unit
		if u, err = s.Units.CreateUnit(r.Context(), in); err == nil {
			http.Redirect(w, r, "/app/units/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	if shishi.ErrorCode(err) != shishi.EINVALID {
		return err
	}
	formError(v, r, err)
	return s.renderUnits(w, r, v, http.StatusUnprocessableEntity)
}

type unitData struct {
	Options   []unitOption
	Unit      *shishi.Unit
	Ancestors []*shishi.Unit
	Children  []*shishi.Unit
	Users     []*shishi.User
	History   []shishi.UnitChange
	CanEdit   bool
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderUnit(w, r, v, http.StatusOK)
}

func (s *Server) renderUnit(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.Units.FindUnit(ctx, id)
	if err != nil {
		return err
	}
	d := unitData{Unit: u, CanEdit: v.Actor.Has(shishi.RoleAdmin)}
	if d.Ancestors, err = s.Units.UnitAncestors(ctx, id); err != nil {
		return err
	}
	if d.Children, _, err = s.Units.FindUnits(ctx, shishi.UnitFilter{ParentID: &id, Limit: 500}); err != nil {
		return err
	}
	if d.History, _, err = s.Units.UnitHistory(ctx, id, shishi.Page{}); err != nil {
		return err
	}
	if d.CanEdit {
		all, err := s.Units.UnitTree(ctx)
		if err != nil {
			return err
		}
		d.Options = unitOptions(buildTree(all, v.L))
		users, _, err := s.Users.FindUsers(ctx, shishi.UserFilter{UnitID: &id, Limit: 100})
		if err != nil {
			return err
		}
		for _, x := range users {
			if x.UnitID == id {
				d.Users = append(d.Users, x)
			}
		}
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.Name(u.Name, u.NameEN), "units", d
	s.render(w, r, status, "unit", v)
	return nil
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	var p shishi.UnitPatch
	switch f.Get("action") {
	case "move":
		n, perr := strconv.ParseInt(strings.TrimSpace(f.Get("parent_id")), 10, 64)
		if perr != nil || n <= 0 {
			err = shishi.Invalid(shishi.FieldError{Field: "parent_id", Message: "上级单位编号须为正整数 / parent id must be a positive integer"})
		}
		p.ParentID = &n
	default:
		name, nameEN, kind, cc := f.Get("name"), f.Get("name_en"), shishi.UnitKind(f.Get("kind")), f.Get("credit_code")
		p.Name, p.NameEN, p.Kind, p.CreditCode = &name, &nameEN, &kind, &cc
	}
	if err == nil {
		if _, err = s.Units.UpdateUnit(r.Context(), id, version, p); err == nil {
			http.Redirect(w, r, "/app/units/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	if c := shishi.ErrorCode(err); c != shishi.EINVALID && c != shishi.EPRECONDITION {
		return err
	}
	formError(v, r, err)
	return s.renderUnit(w, r, v, Status(err))
}
