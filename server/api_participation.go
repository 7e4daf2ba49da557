package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The portal's writes beside its pages (PRODUCT.md module G): the office
// drafts, edits and publishes briefings, decides the public's proposals
// and sets a campaign's satisfaction floor; the public rates a completed
// item and proposes one. Each calls the store method its page calls, so
// the rules, the reach and the audit entry are the same. The two public
// writes take the tighter per-address limit of their pages (Strict) and
// pass the caller's address to the store, which counts its own per-client
// throttle in the database as it does for the pages.

// generateBody names the campaign and the month of a briefing.
type generateBody struct {
	CampaignID int64         `json:"campaign_id"`
	Period     shishi.Period `json:"period"`
}

// mergeBody names the proposal a proposal joins.
type mergeBody struct {
	Into int64 `json:"into"`
}

// declineBody says why a proposal is not taken up.
type declineBody struct {
	Reason string `json:"reason"`
}

// adoptBody places a proposal as an item of a tier, led by a unit.
type adoptBody struct {
	TierID     int64 `json:"tier_id"`
	LeadUnitID int64 `json:"lead_unit_id"`
}

func (s *Server) participationAPIRoutes() {
	s.api(&operation{Method: "POST", Path: "/api/v1/briefings", ID: "generateBriefing", Tag: "portal", Status: http.StatusCreated,
		Summary: "Draft a campaign's briefing for a month from the live ledger, or refresh the figures of its draft (the campaign office); 409 once published",
		Body:    generateBody{}, Resp: shishi.Briefing{}, ETag: true, handle: s.generateBriefing})
	s.api(&operation{Method: "GET", Path: "/api/v1/briefings", ID: "listBriefings", Tag: "portal",
		Summary: "Briefings of the campaigns the caller's office runs, drafts included, newest first", Params: listParams(),
		Resp: shishi.Briefing{}, List: true, handle: s.listBriefings})
	s.api(&operation{Method: "GET", Path: "/api/v1/briefings/{id}", ID: "getBriefing", Tag: "portal",
		Summary: "A briefing, draft or published, for its campaign office", Params: []param{pathID()},
		Resp: shishi.Briefing{}, ETag: true, handle: s.getBriefing})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/briefings/{id}", ID: "editBriefing", Tag: "portal",
		Summary: "Change a draft's title, intro and closing (the campaign office); If-Match honoured (412 when stale), 409 once published",
		Params:  []param{pathID()}, Body: shishi.BriefingText{}, Resp: shishi.Briefing{}, ETag: true, handle: s.editBriefing})
	s.api(&operation{Method: "POST", Path: "/api/v1/briefings/{id}:publish", ID: "publishBriefing", Tag: "portal",
		Summary: "Publish a draft (the campaign office); it then shows on the portal, in the PDF and the feed",
		Params:  []param{pathID()}, Resp: shishi.Briefing{}, handle: s.publishBriefing})

	s.api(&operation{Method: "GET", Path: "/api/v1/nominations", ID: "listNominations", Tag: "portal",
		Summary: "Proposals to the campaigns the caller's office runs, newest first (status=received: those waiting)",
		Params: listParams(param{Name: "campaign", In: "query", Type: "integer"},
			param{Name: "status", In: "query", Type: "string", Desc: "received, merged, declined or adopted"}),
		Resp: shishi.Nomination{}, List: true, handle: s.listNominations})
	s.api(&operation{Method: "POST", Path: "/api/v1/nominations/{id}:merge", ID: "mergeNomination", Tag: "portal",
		Summary: "Merge a waiting proposal into another proposal of the same campaign (the campaign office)",
		Params:  []param{pathID()}, Body: mergeBody{}, Resp: shishi.Nomination{}, handle: s.triage("merge")})
	s.api(&operation{Method: "POST", Path: "/api/v1/nominations/{id}:decline", ID: "declineNomination", Tag: "portal",
		Summary: "Decline a waiting proposal with the reason its proposer reads (the campaign office)",
		Params:  []param{pathID()}, Body: declineBody{}, Resp: shishi.Nomination{}, handle: s.triage("decline")})
	s.api(&operation{Method: "POST", Path: "/api/v1/nominations/{id}:adopt", ID: "adoptNomination", Tag: "portal",
		Summary: "Adopt a waiting proposal as an item of a tier of its campaign, led by a unit (the campaign office)",
		Params:  []param{pathID()}, Body: adoptBody{}, Resp: shishi.Nomination{}, handle: s.triage("adopt")})

	s.api(&operation{Method: "GET", Path: "/api/v1/campaigns/{id}/rating-floor", ID: "getRatingFloor", Tag: "portal",
		Summary: "A campaign's satisfaction floor: the lowest satisfied rate in percent, and the ratings needed before it counts (zero: none set)",
		Params:  []param{pathID()}, Resp: shishi.RatingFloor{}, handle: s.getRatingFloor})
	s.api(&operation{Method: "PUT", Path: "/api/v1/campaigns/{id}/rating-floor", ID: "setRatingFloor", Tag: "portal",
		Summary: "Set a campaign's satisfaction floor (the campaign office)",
		Params:  []param{pathID()}, Body: shishi.RatingFloor{}, Resp: shishi.RatingFloor{}, handle: s.setRatingFloor})

	s.api(&operation{Method: "POST", Path: "/api/v1/public/items/{id}/ratings", ID: "rateItem", Tag: "portal", Public: true, Strict: true, Status: http.StatusCreated,
		Summary: "Rate a public item once its closure is requested (public, tighter limit): one rating per person and item a month, a few a day per address",
		Params:  []param{pathID()}, Body: shishi.RatingInput{}, Resp: shishi.ItemRating{}, handle: s.rateItemAPI})
	s.api(&operation{Method: "POST", Path: "/api/v1/public/nominations", ID: "nominate", Tag: "portal", Public: true, Strict: true, Status: http.StatusCreated,
		Summary: "Propose an item for a public campaign (群众点单; public, tighter limit); the answer's code follows it",
		Body:    shishi.NominationInput{}, Resp: shishi.Nomination{}, handle: s.nominateAPI})
}

func writeBriefing(w http.ResponseWriter, status int, b *shishi.Briefing) error {
	w.Header().Set("ETag", etag(b.ID, b.Version))
	return writeJSON(w, status, b)
}

func (s *Server) generateBriefing(w http.ResponseWriter, r *http.Request) error {
	var in generateBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.CampaignID <= 0 {
		return shishi.Invalid(shishi.FieldError{Field: "campaign_id", Message: "请选择实践活动 / choose a campaign"})
	}
	b, err := s.Briefings.GenerateBriefing(r.Context(), in.CampaignID, in.Period)
	if err != nil {
		return err
	}
	return writeBriefing(w, http.StatusCreated, b)
}

func (s *Server) listBriefings(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	bs, total, err := s.Briefings.ListBriefings(r.Context(), p)
	if err != nil {
		return err
	}
	return writeList(w, bs, total, p.Limit, func(b *shishi.Briefing) int64 { return b.ID })
}

func (s *Server) listNominations(w http.ResponseWriter, r *http.Request) error {
	var v shishi.Validator
	var f shishi.NominationFilter
	if c := r.URL.Query().Get("campaign"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		v.Check(err == nil && n > 0, "campaign", "须为正整数 / must be a positive integer")
		f.CampaignID = n
	}
	switch f.Status = shishi.NominationStatus(r.URL.Query().Get("status")); f.Status {
	case "", shishi.NominationReceived, shishi.NominationMerged, shishi.NominationDeclined, shishi.NominationAdopted:
	default:
		v.Add("status", "须为 received、merged、declined 或 adopted / must be received, merged, declined or adopted")
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	ns, total, err := s.Nominations.ListNominations(r.Context(), f, p)
	if err != nil {
		return err
	}
	return writeList(w, ns, total, p.Limit, func(n *shishi.Nomination) int64 { return n.ID })
}

func (s *Server) getBriefing(w http.ResponseWriter, r *http.Request) error {
	b, err := s.officeBriefing(r)
	if err != nil {
		return err
	}
	return writeBriefing(w, http.StatusOK, b)
}

func (s *Server) editBriefing(w http.ResponseWriter, r *http.Request) error {
	b, err := s.officeBriefing(r)
	if err != nil {
		return err
	}
	var in shishi.BriefingText
	if err := decode(r, &in); err != nil {
		return err
	}
	// An If-Match other than the version just read is stale (412);
	// without one the edit is of that version. The store refuses the edit
	// if the draft changes in between (409).
	if v := ifMatch(r, b.ID); v != 0 && v != b.Version {
		return shishi.Errorf(shishi.EPRECONDITION, "简报已被他人修改，请重新读取 / the briefing changed since it was read (ETag %s)", etag(b.ID, b.Version))
	}
	if b, err = s.Briefings.EditBriefing(r.Context(), b.ID, in, b.Version); err != nil {
		return err
	}
	return writeBriefing(w, http.StatusOK, b)
}

func (s *Server) publishBriefing(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	b, err := s.Briefings.PublishBriefing(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// triage handles one of the office's decisions on a proposal; each reads
// only its own fields, so a body cannot mix a merge with an adoption.
func (s *Server) triage(action string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		t := shishi.NominationTriage{Action: action}
		switch action {
		case "merge":
			var b mergeBody
			err = decode(r, &b)
			t.Into = b.Into
		case "decline":
			var b declineBody
			err = decode(r, &b)
			t.Reason = b.Reason
		case "adopt":
			var b adoptBody
			err = decode(r, &b)
			t.TierID, t.LeadUnitID = b.TierID, b.LeadUnitID
		}
		if err != nil {
			return err
		}
		n, err := s.Nominations.TriageNomination(r.Context(), id, t)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, n)
	}
}

func (s *Server) getRatingFloor(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Campaigns.FindCampaign(r.Context(), id); err != nil {
		return err
	}
	f, err := s.Ratings.RatingFloor(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) setRatingFloor(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var f shishi.RatingFloor
	if err := decode(r, &f); err != nil {
		return err
	}
	if err := s.Ratings.SetRatingFloor(r.Context(), id, f); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) rateItemAPI(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.RatingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rt, err := s.Ratings.RateItem(r.Context(), id, clientIP(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rt)
}

func (s *Server) nominateAPI(w http.ResponseWriter, r *http.Request) error {
	var in shishi.NominationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.Nominations.Nominate(r.Context(), clientIP(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, n)
}
