package server

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/shishi-edu/shishi"
)

// The portal's JSON beside its pages (PRODUCT.md module G): published
// briefings, the public's ratings per item and per unit, and a proposal
// followed by its code. Read-only and public where the pages are public;
// every call has the per-address API limit of the pages, and the lookup
// by code the tighter public one, as the tracking page has. Nothing here
// names a person: ratings are counted, never listed, and a proposal shows
// what its page shows.

// publicBriefing is a published briefing with the addresses of its page
// and its PDF.
type publicBriefing struct {
	Briefing *shishi.Briefing `json:"briefing"`
	URL      string           `json:"url"`
	PDF      string           `json:"pdf_url"`
}

// itemRatings sums up the public's ratings of one item.
type itemRatings struct {
	ItemID  int64                `json:"item_id"`
	Ratings shishi.RatingSummary `json:"ratings"`
}

// unitRatings sums up the ratings of a lead unit's public items.
type unitRatings struct {
	Unit    string               `json:"unit"`
	Ratings shishi.RatingSummary `json:"ratings"`
}

// campaignRatings is the ratings of a campaign's public items by lead unit.
type campaignRatings struct {
	CampaignID int64         `json:"campaign_id"`
	Units      []unitRatings `json:"units"`
}

func (s *Server) portalAPIRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/public/briefings", ID: "listPublicBriefings", Tag: "portal", Public: true,
		Summary: "Published briefings, latest first (public), each with its page and PDF", Params: listParams(),
		Resp: publicBriefing{}, List: true, handle: s.listPublicBriefings})
	s.api(&operation{Method: "GET", Path: "/api/v1/public/briefings/{id}", ID: "getPublicBriefing", Tag: "portal", Public: true,
		Summary: "One published briefing with its figures (public); a draft does not exist", Params: []param{pathID()},
		Resp: publicBriefing{}, handle: s.getPublicBriefing})
	s.api(&operation{Method: "GET", Path: "/api/v1/public/items/{id}/ratings", ID: "getItemRatings", Tag: "portal", Public: true,
		Summary: "The public's satisfaction with a public item: count, average, rate (public; no single rating is shown)", Params: []param{pathID()},
		Resp: itemRatings{}, handle: s.getItemRatings})
	s.api(&operation{Method: "GET", Path: "/api/v1/public/campaigns/{id}/ratings", ID: "getCampaignRatings", Tag: "portal", Public: true,
		Summary: "The public's satisfaction with a campaign's public items, by lead unit (public)", Params: []param{pathID()},
		Resp: campaignRatings{}, handle: s.getCampaignRatings})
	s.api(&operation{Method: "GET", Path: "/api/v1/public/nominations/{code}", ID: "trackNomination", Tag: "portal", Public: true, Strict: true,
		Summary: "Follow a proposal (群众点单) by the code its proposer was given (public, tighter limit)",
		Params:  []param{{Name: "code", In: "path", Type: "string", Required: true}}, Resp: shishi.Nomination{}, handle: s.trackNominationAPI})
}

func (s *Server) publicBriefing(b *shishi.Briefing) publicBriefing {
	page := fmt.Sprintf("%s/briefings/%d", s.cfg.PublicURL, b.ID)
	return publicBriefing{Briefing: b, URL: page, PDF: page + "/pdf"}
}

func (s *Server) listPublicBriefings(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	bs, total, err := s.Briefings.PublishedBriefings(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]publicBriefing, len(bs))
	for i, b := range bs {
		out[i] = s.publicBriefing(b)
	}
	return writeList(w, out, total, p.Limit, func(b publicBriefing) int64 { return b.Briefing.ID })
}

func (s *Server) getPublicBriefing(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	b, err := s.Briefings.PublishedBriefing(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.publicBriefing(b))
}

func (s *Server) getItemRatings(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	sum, err := s.Ratings.ItemRatings(r.Context(), id) // not found unless public
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, itemRatings{ItemID: id, Ratings: *sum})
}

func (s *Server) getCampaignRatings(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, _, err := s.Portal.PublicCampaign(r.Context(), id); err != nil {
		return err
	}
	byUnit, err := s.Ratings.UnitRatings(r.Context(), id)
	if err != nil {
		return err
	}
	out := campaignRatings{CampaignID: id, Units: []unitRatings{}}
	for u, sum := range byUnit {
		out.Units = append(out.Units, unitRatings{Unit: u, Ratings: sum})
	}
	sort.Slice(out.Units, func(i, j int) bool { return out.Units[i].Unit < out.Units[j].Unit })
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) trackNominationAPI(w http.ResponseWriter, r *http.Request) error {
	n, err := s.Nominations.TrackNomination(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}
