package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// Ratings (满意度) and nominations (群众点单): the two forms through which
// the public writes to the portal. Both are under the tight public limit
// per address, and the store counts its own per-client throttle in the
// database (it survives a restart).

func (s *Server) participationRoutes(h func(string, http.HandlerFunc)) {
	h("POST /items/{id}/rate", s.limit(s.publicLim, s.rateItem))
	h("GET /nominations", s.limit(s.apiLim, s.nominationForm))
	h("POST /nominations", s.limit(s.publicLim, s.nominate))
	h("GET /nominations/track", s.limit(s.publicLim, s.nominationTrack))
	h("POST /app/portal/nominations/{id}", s.page(s.nominationTriage))
	h("POST /app/portal/floor", s.page(s.ratingFloorUpdate))
}

func (s *Server) rateItem(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.title")
	id, err := idParam(r)
	if err == nil {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err = r.ParseForm(); err != nil {
			err = shishi.Invalid(shishi.FieldError{Field: "form", Message: "表单无法解析 / unreadable form"})
		}
	}
	if err == nil {
		score, _ := strconv.Atoi(r.PostForm.Get("score"))
		_, err = s.Ratings.RateItem(r.Context(), id, clientIP(r), shishi.RatingInput{Score: score, Comment: r.PostForm.Get("comment")})
	}
	status := http.StatusOK
	if err != nil {
		if code := shishi.ErrorCode(err); code == shishi.ENOTFOUND || code == shishi.EINTERNAL {
			s.fail(w, r, v, err)
			return
		}
		formError(v, r, err)
		status = Status(err)
	} else {
		v.Flash = v.L.T("rating.thanks")
	}
	s.renderPortalItem(w, r, v, status)
}

type nominationData struct {
	Campaigns []*shishi.CampaignFigures
	Receipt   *shishi.Nomination
}

func (s *Server) nominationForm(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.nominate")
	s.renderNominationForm(w, r, v, nil, http.StatusOK)
}

func (s *Server) renderNominationForm(w http.ResponseWriter, r *http.Request, v *view, n *shishi.Nomination, status int) {
	cs, err := s.Portal.PublicCampaigns(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = nominationData{Campaigns: cs, Receipt: n}
	s.render(w, r, status, "nominate", v)
}

func (s *Server) nominate(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.nominate")
	err := readPublicForm(w, r)
	if err == nil {
		cid, _ := strconv.ParseInt(r.PostForm.Get("campaign_id"), 10, 64)
		var n *shishi.Nomination
		if n, err = s.Nominations.Nominate(r.Context(), clientIP(r), shishi.NominationInput{CampaignID: cid, Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body")}); err == nil {
			v.Title = v.L.T("nomination.received")
			s.renderNominationForm(w, r, v, n, http.StatusCreated)
			return
		}
	}
	formError(v, r, err)
	s.renderNominationForm(w, r, v, nil, Status(err))
}

func (s *Server) nominationTrack(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "nomination.track")
	code := r.URL.Query().Get("code")
	status := http.StatusOK
	var n *shishi.Nomination
	if code != "" {
		var err error
		if n, err = s.Nominations.TrackNomination(r.Context(), code); err != nil {
			v.Error, status = v.L.Msg(shishi.ErrorMessage(err)), Status(err)
		}
	}
	v.Form = r.URL.Query()
	v.Data = n
	s.render(w, r, status, "nomination_track", v)
}

// The office's side, on /app/portal.

type portalOfficeExtra struct {
	Nominations []*shishi.Nomination
	Floors      map[int64]shishi.RatingFloor
}

func (s *Server) officeExtra(r *http.Request, cs []*shishi.Campaign) (portalOfficeExtra, error) {
	x := portalOfficeExtra{Floors: map[int64]shishi.RatingFloor{}}
	var err error
	if x.Nominations, err = s.Nominations.FindNominations(r.Context()); err != nil {
		return x, err
	}
	for _, c := range cs {
		if x.Floors[c.ID], err = s.Ratings.RatingFloor(r.Context(), c.ID); err != nil {
			return x, err
		}
	}
	return x, nil
}

func (s *Server) nominationTriage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	num := func(k string) int64 { n, _ := strconv.ParseInt(f.Get(k), 10, 64); return n }
	_, err = s.Nominations.TriageNomination(r.Context(), id, shishi.NominationTriage{Action: f.Get("action"), Into: num("into"), Reason: f.Get("reason"),
		TierID: num("tier_id"), LeadUnitID: num("lead_unit_id")})
	if err != nil {
		if code := shishi.ErrorCode(err); code == shishi.EINVALID || code == shishi.ECONFLICT {
			formError(v, r, err)
			return s.renderPortalOffice(w, r, v, Status(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/app/portal?done=%d#nominations", id), http.StatusSeeOther)
	return nil
}

func (s *Server) ratingFloorUpdate(w http.ResponseWriter, r *http.Request, v *view) error {
	f := r.PostForm
	cid, _ := strconv.ParseInt(f.Get("campaign"), 10, 64)
	floor, err1 := strconv.Atoi(f.Get("floor"))
	minCount, err2 := strconv.Atoi(f.Get("min_count"))
	var err error
	if err1 != nil || err2 != nil {
		err = shishi.Invalid(shishi.FieldError{Field: "floor", Message: "须为整数 / must be whole numbers"})
	} else {
		err = s.Ratings.SetRatingFloor(r.Context(), cid, shishi.RatingFloor{Floor: floor, MinCount: minCount})
	}
	if err != nil {
		if shishi.ErrorCode(err) == shishi.EINVALID {
			formError(v, r, err)
			return s.renderPortalOffice(w, r, v, Status(err))
		}
		return err
	}
	http.Redirect(w, r, "/app/portal?saved=1#floors", http.StatusSeeOther)
	return nil
}
