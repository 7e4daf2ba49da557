package server

import (
	"html/template"
	"net/http"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/chart"
)

// The public portal: what an anonymous visitor gets at /. It reads through
// shishi.PortalService, which answers as the public whoever asks, so a
// signed-in officer browsing these pages sees no more than anyone else.
// Reading pages share the per-address API limit; the forms that write
// (ratings, nominations) have the tighter public one.

func (s *Server) portalRoutes(h func(string, http.HandlerFunc)) {
	h("GET /campaigns/{id}", s.limit(s.apiLim, s.portalCampaign))
	h("GET /items/{id}", s.limit(s.apiLim, s.portalItem))
	h("GET /stats", s.limit(s.apiLim, s.portalStats))
}

type portalHome struct {
	Campaigns []*shishi.CampaignFigures
	Stats     *shishi.ComplaintStats
	Briefings []*shishi.Briefing
}

// portal is the home page: the campaigns with their key figures, the
// newest briefings and the complaint column's totals over the past year.
func (s *Server) portal(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.title")
	ctx := r.Context()
	d := portalHome{}
	var err error
	if d.Campaigns, err = s.Portal.PublicCampaigns(ctx); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Stats, err = s.publicStats(r); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Briefings, _, err = s.Briefings.PublishedBriefings(ctx, shishi.Page{Limit: 5}); err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "portal", v)
}

// publicStats is the complaint league table over the year to today.
func (s *Server) publicStats(r *http.Request) (*shishi.ComplaintStats, error) {
	to := shishi.DateOf(s.now())
	from := shishi.DateOf(s.now().In(shishi.Beijing).AddDate(-1, 0, 1))
	return s.Portal.PublicComplaintStats(r.Context(), from, to)
}

type portalCampaignData struct {
	F        *shishi.CampaignFigures
	Tiers    []portalTier
	Bars     map[int64]template.HTML
	ByTier   template.HTML
	Donut    template.HTML
	Children map[int64][]*shishi.Item
	Ratings  map[string]shishi.RatingSummary // by lead unit
}

type portalTier struct {
	shishi.Tier
	Items []*shishi.Item
}

func (s *Server) portalCampaign(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.title")
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f, items, err := s.Portal.PublicCampaign(r.Context(), id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := portalCampaignData{F: f, Bars: map[int64]template.HTML{}, Children: map[int64][]*shishi.Item{}}
	byTier := map[int64][]*shishi.Item{}
	for _, it := range items {
		if it.Completion != nil {
			d.Bars[it.ID] = template.HTML(chart.Progress(*it.Completion, ragColour(it.RAG), 90))
		}
		if it.ParentID != nil {
			d.Children[*it.ParentID] = append(d.Children[*it.ParentID], it)
			continue
		}
		byTier[it.TierID] = append(byTier[it.TierID], it)
	}
	var bars []chart.Bar
	for _, t := range f.Campaign.Tiers {
		its := byTier[t.ID]
		if len(its) == 0 {
			continue
		}
		d.Tiers = append(d.Tiers, portalTier{Tier: t, Items: its})
		var sum float64
		n := 0
		for _, it := range its {
			if it.Completion != nil {
				sum += *it.Completion
				n++
			}
		}
		if n > 0 {
			bars = append(bars, chart.Bar{Label: t.Name, Value: sum / float64(n)})
		}
	}
	if len(bars) > 0 {
		d.ByTier = template.HTML(chart.Bars(v.L.T("cockpit.by_tier"), bars, 100, nil, 640))
	}
	d.Donut = template.HTML(chart.Donut(v.L.T("ledger.rag"), []chart.Part{
		{Label: shishi.RAGGreen.Label(v.L.EN), Value: float64(f.Green), Colour: chart.Green},
		{Label: shishi.RAGAmber.Label(v.L.EN), Value: float64(f.Amber), Colour: chart.Amber},
		{Label: shishi.RAGRed.Label(v.L.EN), Value: float64(f.Red), Colour: chart.Red},
	}, v.L.Num(f.Public), 180))
	if d.Ratings, err = s.Ratings.UnitRatings(r.Context(), f.Campaign.ID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Title, v.Data = f.Campaign.Name, d
	s.render(w, r, http.StatusOK, "portal_campaign", v)
}

type portalItemData struct {
	P      *shishi.PublicItem
	Bars   map[int64]template.HTML
	Charts []template.HTML
	// Ratings sums the public's ratings; CanRate: the item takes them.
	Ratings *shishi.RatingSummary
	CanRate bool
}

func (s *Server) portalItem(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.title")
	s.renderPortalItem(w, r, v, http.StatusOK)
}

func (s *Server) renderPortalItem(w http.ResponseWriter, r *http.Request, v *view, status int) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p, err := s.Portal.PublicItem(r.Context(), id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := portalItemData{P: p, Bars: map[int64]template.HTML{}}
	for _, t := range p.Item.Targets {
		d.Bars[t.ID] = template.HTML(chart.Progress(t.Completion, ragColour(p.Item.RAG), 120))
		if t.Kind == shishi.TargetQuantity && (len(t.Plan) > 0 || len(t.History) > 0) {
			d.Charts = append(d.Charts, template.HTML(trajectory(v.L, p.Campaign, t)))
		}
	}
	if d.Ratings, err = s.Ratings.ItemRatings(r.Context(), id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.CanRate = shishi.Rateable(p.Item.Status)
	v.Title, v.Data = p.Item.Title, d
	s.render(w, r, status, "portal_item", v)
}

func (s *Server) portalStats(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.stats")
	st, err := s.publicStats(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	cats, err := s.Complaints.Categories(r.Context(), true)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = portalStatsData{Stats: st, Cats: cats}
	s.render(w, r, http.StatusOK, "portal_stats", v)
}

type portalStatsData struct {
	Stats *shishi.ComplaintStats
	Cats  []*shishi.ComplaintCategory
}
