package server

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/briefpdf"
	"github.com/shishi-edu/shishi/chart"
)

// Briefings (简报): the office generates one for a campaign and a month
// from the live ledger, edits the text around the figures and publishes
// it; the public reads it as a page, a PDF and in the Atom feed.

func (s *Server) briefingRoutes(h func(string, http.HandlerFunc)) {
	h("GET /briefings", s.limit(s.apiLim, s.briefingArchive))
	h("GET /briefings.atom", s.limit(s.apiLim, s.briefingFeed))
	h("GET /briefings/{id}", s.limit(s.apiLim, s.briefingPage))
	h("GET /briefings/{id}/pdf", s.limit(s.apiLim, s.briefingPDF))
	h("GET /app/portal", s.page(s.portalOffice))
	h("POST /app/portal/briefings", s.page(s.briefingGenerate))
	h("GET /app/briefings/{id}", s.page(s.briefingEditPage))
	h("POST /app/briefings/{id}", s.page(s.briefingPost))
	h("GET /app/briefings/{id}/pdf", s.page(func(w http.ResponseWriter, r *http.Request, v *view) error {
		b, err := s.officeBriefing(r)
		if err != nil {
			return err
		}
		return s.writePDF(w, b)
	}))
}

type briefingData struct {
	B      *shishi.Briefing
	ByTier template.HTML
	Donut  template.HTML
	Edit   bool
	PDF    string
}

func (s *Server) briefingData(l lang, b *shishi.Briefing, edit bool) briefingData {
	d := briefingData{B: b, Edit: edit, PDF: fmt.Sprintf("/briefings/%d/pdf", b.ID)}
	if edit {
		d.PDF = fmt.Sprintf("/app/briefings/%d/pdf", b.ID)
	}
	var bars []chart.Bar
	for _, t := range b.Figures.Tiers {
		if t.Completion != nil {
			bars = append(bars, chart.Bar{Label: t.Name, Value: *t.Completion})
		}
	}
	if len(bars) > 0 {
		d.ByTier = template.HTML(chart.Bars(l.T("cockpit.by_tier"), bars, 100, nil, 640))
	}
	k := b.Figures.Key
	d.Donut = template.HTML(chart.Donut(l.T("ledger.rag"), []chart.Part{
		{Label: shishi.RAGGreen.Label(l.EN), Value: float64(k.Green), Colour: chart.Green},
		{Label: shishi.RAGAmber.Label(l.EN), Value: float64(k.Amber), Colour: chart.Amber},
		{Label: shishi.RAGRed.Label(l.EN), Value: float64(k.Red), Colour: chart.Red},
	}, l.Num(k.Public), 180))
	return d
}

func (s *Server) briefingArchive(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.briefings")
	bs, _, err := s.Briefings.PublishedBriefings(r.Context(), shishi.Page{})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = bs
	s.render(w, r, http.StatusOK, "briefings", v)
}

func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "portal.briefings")
	b, err := s.publishedBriefing(r)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Title, v.Data = b.Title, s.briefingData(v.L, b, false)
	s.render(w, r, http.StatusOK, "briefing", v)
}

func (s *Server) publishedBriefing(r *http.Request) (*shishi.Briefing, error) {
	id, err := idParam(r)
	if err != nil {
		return nil, err
	}
	return s.Briefings.PublishedBriefing(r.Context(), id)
}

func (s *Server) briefingPDF(w http.ResponseWriter, r *http.Request) {
	b, err := s.publishedBriefing(r)
	if err == nil {
		err = s.writePDF(w, b)
	}
	if err != nil {
		s.fail(w, r, s.publicView(r, "portal.briefings"), err)
	}
}

func (s *Server) writePDF(w http.ResponseWriter, b *shishi.Briefing) error {
	out, err := briefpdf.Render(b, s.cfg.PublicURL)
	if err != nil {
		return shishi.Internal(err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="briefing-%d-%s.pdf"`, b.ID, b.Period))
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write(out)
	return nil
}

// The Atom feed (RFC 4287) of published briefings.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Author    atomPerson `xml:"author"`
	Links     []atomLink `xml:"link"`
	Summary   string     `xml:"summary"`
}

func (s *Server) briefingFeed(w http.ResponseWriter, r *http.Request) {
	bs, _, err := s.Briefings.PublishedBriefings(r.Context(), shishi.Page{Limit: 50})
	if err != nil {
		s.fail(w, r, s.publicView(r, "portal.briefings"), err)
		return
	}
	base := strings.TrimRight(s.cfg.PublicURL, "/")
	f := atomFeed{Title: "实事 · 工作简报 / Briefings", ID: base + "/briefings", Author: atomPerson{Name: "实事 Shishi"},
		Links:   []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/briefings.atom"}, {Rel: "alternate", Type: "text/html", Href: base + "/briefings"}},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	for i, b := range bs {
		at := b.UpdatedAt
		if b.PublishedAt != nil {
			at = *b.PublishedAt
		}
		if i == 0 {
			f.Updated = at.Format(time.RFC3339)
		}
		page := fmt.Sprintf("%s/briefings/%d", base, b.ID)
		f.Entries = append(f.Entries, atomEntry{Title: b.Title, ID: page, Updated: b.UpdatedAt.Format(time.RFC3339), Published: at.Format(time.RFC3339),
			Author:  atomPerson{Name: b.CampaignName},
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page}, {Rel: "enclosure", Type: "application/pdf", Href: page + "/pdf"}},
			Summary: b.Intro})
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(w, r, s.publicView(r, "portal.briefings"), shishi.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}

// The office's side.

type portalOfficeData struct {
	Campaigns []*shishi.Campaign
	Briefings []*shishi.Briefing
	Months    []shishi.Period
	Extra     portalOfficeExtra // nominations and satisfaction floors
}

func (s *Server) portalOffice(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderPortalOffice(w, r, v, http.StatusOK)
}

func (s *Server) renderPortalOffice(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	ctx := r.Context()
	cs, _, err := s.Campaigns.FindCampaigns(ctx, shishi.Page{})
	if err != nil {
		return err
	}
	d := portalOfficeData{}
	for _, c := range cs {
		if v.Actor.Has(shishi.RoleOffice) {
			d.Campaigns = append(d.Campaigns, c)
		}
	}
	if d.Briefings, err = s.Briefings.FindBriefings(ctx); err != nil {
		return err
	}
	today := shishi.DateOf(s.now()).Period()
	for _, c := range d.Campaigns {
		for _, p := range shishi.Periods(c.StartsOn.Period(), min(c.EndsOn.Period(), today)) {
			if len(d.Months) == 0 || d.Months[len(d.Months)-1] < p {
				d.Months = append(d.Months, p)
			}
		}
	}
	if d.Extra, err = s.officeExtra(r, d.Campaigns); err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("nav.portal"), "portal", d
	s.render(w, r, status, "portal_office", v)
	return nil
}

func (s *Server) briefingGenerate(w http.ResponseWriter, r *http.Request, v *view) error {
	cid, _ := strconv.ParseInt(r.PostForm.Get("campaign"), 10, 64)
	b, err := s.Briefings.GenerateBriefing(r.Context(), cid, shishi.Period(r.PostForm.Get("period")))
	if err != nil {
		if shishi.ErrorCode(err) == shishi.EINVALID {
			formError(v, r, err)
			return s.renderPortalOffice(w, r, v, Status(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/app/briefings/%d", b.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) officeBriefing(r *http.Request) (*shishi.Briefing, error) {
	id, err := idParam(r)
	if err != nil {
		return nil, err
	}
	return s.Briefings.FindBriefing(r.Context(), id)
}

func (s *Server) briefingEditPage(w http.ResponseWriter, r *http.Request, v *view) error {
	b, err := s.officeBriefing(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" {
		v.Flash = v.L.T("saved")
	}
	return s.renderBriefingEdit(w, r, v, b, http.StatusOK)
}

func (s *Server) renderBriefingEdit(w http.ResponseWriter, r *http.Request, v *view, b *shishi.Briefing, status int) error {
	v.Title, v.Nav, v.Data = b.Title, "portal", s.briefingData(v.L, b, true)
	s.render(w, r, status, "briefing", v)
	return nil
}

func (s *Server) briefingPost(w http.ResponseWriter, r *http.Request, v *view) error {
	b, err := s.officeBriefing(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	switch f.Get("action") {
	case "save":
		_, err = s.Briefings.EditBriefing(r.Context(), b.ID, shishi.BriefingText{Title: f.Get("title"), Intro: f.Get("intro"), Closing: f.Get("closing")}, version)
	case "publish":
		_, err = s.Briefings.PublishBriefing(r.Context(), b.ID)
	case "regenerate":
		_, err = s.Briefings.GenerateBriefing(r.Context(), b.CampaignID, b.Period)
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
	}
	if err != nil {
		if code := shishi.ErrorCode(err); code == shishi.EINVALID || code == shishi.ECONFLICT {
			formError(v, r, err)
			return s.renderBriefingEdit(w, r, v, b, Status(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/app/briefings/%d?saved=1", b.ID), http.StatusSeeOther)
	return nil
}
