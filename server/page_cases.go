package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The public side of online services, no login: the catalogue of what can
// be applied for, and the gallery of selected typical cases (典型案例),
// which shows a case's title, its unit and the answers its form marks
// public — nothing personal.

func (s *Server) casesRoutes(h func(string, http.HandlerFunc)) {
	h("GET /services", s.limit(s.apiLim, s.publicServices))
	h("GET /cases", s.limit(s.apiLim, s.publicCases))
	h("GET /cases/{id}", s.limit(s.apiLim, s.publicCase))
}

func (s *Server) publicServices(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "svc.public_title")
	ss, err := s.Online.FindServices(r.Context(), shishi.ServiceFilter{})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = ss
	s.render(w, r, http.StatusOK, "public_services", v)
}

type casesData struct {
	Cases []*shishi.Showcase
	Total int
	Kind  string
}

func (s *Server) publicCases(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "cases.title")
	f := shishi.ShowcaseFilter{Limit: 100}
	if k := shishi.UnitKind(r.URL.Query().Get("kind")); k == shishi.UnitCounty || k == shishi.UnitSchool {
		f.UnitKind = k
	}
	if n, err := strconv.ParseInt(r.URL.Query().Get("service"), 10, 64); err == nil && n > 0 {
		f.ServiceID = n
	}
	cs, total, err := s.Showcases.FindShowcases(r.Context(), f)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = casesData{Cases: cs, Total: total, Kind: string(f.UnitKind)}
	s.render(w, r, http.StatusOK, "cases", v)
}

func (s *Server) publicCase(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "cases.title")
	id, err := idParam(r)
	var c *shishi.Showcase
	if err == nil {
		c, err = s.Showcases.FindShowcase(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Title, v.Data = c.Title, c
	s.render(w, r, http.StatusOK, "case", v)
}
