package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

type moveBody struct {
	ParentID int64 `json:"parent_id"`
}

func (s *Server) unitRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/units", ID: "listUnits", Tag: "units", Summary: "List units in reach",
		Params: listParams(
			param{Name: "parent", In: "query", Type: "integer", Desc: "direct children of this unit"},
			param{Name: "code", In: "query", Type: "string", Desc: "exactly this unit code"},
			param{Name: "unit", In: "query", Type: "integer", Desc: "the whole subtree of this unit (the `unit` filter of every list)"},
			param{Name: "under", In: "query", Type: "integer", Desc: "the older name of `unit`"},
			param{Name: "kind", In: "query", Type: "string"},
			param{Name: "q", In: "query", Type: "string", Desc: "search name, English name or code"}),
		Resp: shishi.Unit{}, List: true, handle: s.listUnits})
	s.api(&operation{Method: "POST", Path: "/api/v1/units", ID: "createUnit", Tag: "units", Summary: "Create a unit under a parent",
		Body: shishi.UnitInput{}, Resp: shishi.Unit{}, Status: http.StatusCreated, ETag: true, handle: s.createUnit})
	s.api(&operation{Method: "GET", Path: "/api/v1/units/{id}", ID: "getUnit", Tag: "units", Summary: "Get a unit",
		Params: []param{pathID()}, Resp: shishi.Unit{}, ETag: true, handle: s.getUnit})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/units/{id}", ID: "updateUnit", Tag: "units", Summary: "Rename, reclassify or move a unit (If-Match honoured)",
		Params: []param{pathID()}, Body: shishi.UnitPatch{}, Resp: shishi.Unit{}, ETag: true, handle: s.updateUnit})
	s.api(&operation{Method: "POST", Path: "/api/v1/units/{id}:move", ID: "moveUnit", Tag: "units", Summary: "Move a unit (and its subtree) under another parent",
		Params: []param{pathID()}, Body: moveBody{}, Resp: shishi.Unit{}, ETag: true, handle: s.moveUnit})
	s.api(&operation{Method: "GET", Path: "/api/v1/units/{id}/history", ID: "unitHistory", Tag: "units", Summary: "What changed on a unit",
		Params: listParams(pathID()), Resp: shishi.UnitChange{}, List: true, handle: s.unitHistory})
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f := shishi.UnitFilter{Limit: limit, After: after, Query: r.URL.Query().Get("q"), Kind: shishi.UnitKind(r.URL.Query().Get("kind")),
		Code: r.URL.Query().Get("code")}
	if f.Kind != "" && !f.Kind.Valid() {
		return shishi.Invalid(shishi.FieldError{Field: "kind", Message: "未知的单位类型 / unknown unit kind"})
	}
	if f.ParentID, err = queryID(r, "parent"); err != nil {
		return err
	}
	if f.Under, err = queryID(r, "unit"); err != nil {
		return err
	}
	under, err := queryID(r, "under")
	if err != nil {
		return err
	}
	if under != nil && f.Under != nil && *under != *f.Under {
		return shishi.Invalid(shishi.FieldError{Field: "under", Message: "与 unit 不一致 / differs from unit"})
	}
	if f.Under == nil {
		f.Under = under
	}
	units, total, err := s.Units.FindUnits(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, units, total, limit, func(u *shishi.Unit) int64 { return u.ID })
}

func writeUnit(w http.ResponseWriter, status int, u *shishi.Unit) error {
	w.Header().Set("ETag", etag(u.ID, u.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/units/"+strconv.FormatInt(u.ID, 10))
	}
	return writeJSON(w, status, u)
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) error {
	var in shishi.UnitInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Units.CreateUnit(r.Context(), in)
	if err != nil {
		return err
	}
	return writeUnit(w, http.StatusCreated, u)
}

func (s *Server) getUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	u, err := s.Units.FindUnit(r.Context(), id)
	if err != nil {
		return err
	}
	return writeUnit(w, http.StatusOK, u)
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var p shishi.UnitPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	u, err := s.Units.UpdateUnit(r.Context(), id, ifMatch(r, id), p)
	if err != nil {
		return err
	}
	return writeUnit(w, http.StatusOK, u)
}

func (s *Server) moveUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b moveBody
	if err := decode(r, &b); err != nil {
		return err
	}
	u, err := s.Units.UpdateUnit(r.Context(), id, ifMatch(r, id), shishi.UnitPatch{ParentID: &b.ParentID})
	if err != nil {
		return err
	}
	return writeUnit(w, http.StatusOK, u)
}

func (s *Server) unitHistory(w http.ResponseWriter, r *http.Request) error {
	return listUnder(w, r, s.Units.UnitHistory, func(c shishi.UnitChange) int64 { return c.ID })
}
