package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

type noteBody struct {
	Note string `json:"note"`
}

type reviewBody struct {
	Comment string `json:"comment"`
}

// itemTarget is the contract's target form in item answers.
func (s *Server) ledgerRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/campaigns", ID: "listCampaigns", Tag: "ledger", Summary: "Campaigns the caller takes part in, latest start first",
		Params: listParams(), Resp: shishi.Campaign{}, List: true, handle: s.listCampaigns})
	s.api(&operation{Method: "POST", Path: "/api/v1/campaigns", ID: "createCampaign", Tag: "ledger", Summary: "Create a campaign with its tiers (campaign office)",
		Body: shishi.CampaignInput{}, Resp: shishi.Campaign{}, Status: http.StatusCreated, handle: s.createCampaign})
	s.api(&operation{Method: "GET", Path: "/api/v1/campaigns/{id}", ID: "getCampaign", Tag: "ledger", Summary: "A campaign with tiers: [{id, name, item_count}]",
		Params: []param{pathID()}, Resp: shishi.Campaign{}, handle: s.getCampaign})
	s.api(&operation{Method: "GET", Path: "/api/v1/campaigns/{id}/cockpit", ID: "getCockpit", Tag: "ledger",
		Summary: "The cockpit's roll-up of a unit's subtree (unit; default: the whole campaign for its office and leaders, the caller's unit for others), with as_of: counted every 5 minutes",
		Params:  []param{pathID(), {Name: "unit", In: "query", Type: "integer"}}, Resp: shishi.Rollup{}, handle: s.getCockpit})
	s.api(&operation{Method: "POST", Path: "/api/v1/campaigns/{id}/items", ID: "createItem", Tag: "ledger", Summary: "Add an item with its targets (campaign office)",
		Params: []param{pathID()}, Body: shishi.ItemInput{}, Resp: shishi.Item{}, Status: http.StatusCreated, handle: s.createItem})
	s.api(&operation{Method: "GET", Path: "/api/v1/items", ID: "listItems", Tag: "ledger", Summary: "Items in reach with derived completion and RAG",
		Params: listParams(
			param{Name: "campaign", In: "query", Type: "integer"}, param{Name: "tier", In: "query", Type: "integer"},
			param{Name: "unit", In: "query", Type: "integer", Desc: "lead or cooperating unit in this unit's subtree"},
			param{Name: "status", In: "query", Type: "string", Desc: "draft, approved, in_progress, closure_requested, closed"},
			param{Name: "rag", In: "query", Type: "string", Desc: "green, amber, red, none"},
			param{Name: "q", In: "query", Type: "string", Desc: "searches titles"}),
		Resp: shishi.Item{}, List: true, handle: s.listItems})
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}", ID: "getItem", Tag: "ledger", Summary: "An item with targets [{id, name, unit, baseline, target, actual, completion}]",
		Params: []param{pathID()}, Resp: shishi.Item{}, ETag: true, handle: s.getItem})
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}/history", ID: "itemHistory", Tag: "ledger", Summary: "Lifecycle history of an item",
		Params: listParams(pathID()), Resp: shishi.ItemEvent{}, List: true, handle: s.itemHistory})
	for _, t := range shishi.Transitions {
		action := t.Action
		s.api(&operation{Method: "POST", Path: "/api/v1/items/{id}:" + action, ID: "item_" + action, Tag: "ledger",
			Summary: "Lifecycle: " + strings.ReplaceAll(action, "_", " ") + " (note required where the lifecycle asks for one; If-Match honoured, 412 when stale)",
			Params:  []param{pathID()}, Body: noteBody{}, Resp: shishi.Item{}, ETag: true,
			handle: func(w http.ResponseWriter, r *http.Request) error { return s.transitionItem(w, r, action) }})
	}
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}/reports", ID: "listItemReports", Tag: "ledger", Summary: "Every report version of an item, newest first",
		Params: listParams(pathID()), Resp: shishi.Report{}, List: true, handle: s.listItemReports})
	s.api(&operation{Method: "POST", Path: "/api/v1/items/{id}/reports", ID: "fileReport", Tag: "ledger", Summary: "File a monthly report (a second one for the month is a correction with a reason)",
		Params: []param{pathID()}, Body: shishi.ReportInput{}, Resp: shishi.Report{}, Status: http.StatusCreated, handle: s.fileReport})
	s.api(&operation{Method: "GET", Path: "/api/v1/reports", ID: "listReports", Tag: "ledger", Summary: "Reports in reach (e.g. the review queue: status=submitted)",
		Params: listParams(param{Name: "campaign", In: "query", Type: "integer"}, param{Name: "status", In: "query", Type: "string"}),
		Resp:   shishi.Report{}, List: true, handle: s.listReports})
	s.api(&operation{Method: "POST", Path: "/api/v1/reports/{id}:accept", ID: "acceptReport", Tag: "ledger", Summary: "Accept a report (campaign office)",
		Params: []param{pathID()}, Body: reviewBody{}, Resp: shishi.Report{}, handle: func(w http.ResponseWriter, r *http.Request) error { return s.reviewReport(w, r, true) }})
	s.api(&operation{Method: "POST", Path: "/api/v1/reports/{id}:return", ID: "returnReport", Tag: "ledger", Summary: "Return a report with a comment (campaign office)",
		Params: []param{pathID()}, Body: reviewBody{}, Resp: shishi.Report{}, handle: func(w http.ResponseWriter, r *http.Request) error { return s.reviewReport(w, r, false) }})
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	cs, total, err := s.Campaigns.FindCampaigns(r.Context(), p)
	if err != nil {
		return err
	}
	return writeList(w, cs, total, p.Limit, func(c *shishi.Campaign) int64 { return c.ID })
}

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) error {
	var in shishi.CampaignInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Campaigns.CreateCampaign(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+strconv.FormatInt(c.ID, 10))
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Campaigns.FindCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) getCockpit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	unit, err := unitParam(r)
	if err != nil {
		return err
	}
	ru, err := s.Rollups.Cockpit(r.Context(), id, unit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ru)
}

// unitParam reads the optional unit query parameter of a cockpit: a
// unit's id, or 0 when absent.
func unitParam(r *http.Request) (int64, error) {
	u := r.URL.Query().Get("unit")
	if u == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n < 1 {
		return 0, shishi.Invalid(shishi.FieldError{Field: "unit", Message: "须为正整数 / must be a positive integer"})
	}
	return n, nil
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.ItemInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := s.Items.CreateItem(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/items/"+strconv.FormatInt(it.ID, 10))
	return writeJSON(w, http.StatusCreated, it)
}

// itemFilter reads the contract's item filters from a query string.
func itemFilter(r *http.Request) (shishi.ItemFilter, error) {
	q := r.URL.Query()
	var f shishi.ItemFilter
	var v shishi.Validator
	num := func(name string) int64 {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		v.Check(err == nil && n > 0, name, "须为正整数 / must be a positive integer")
		return n
	}
	f.CampaignID, f.TierID, f.UnitID = num("campaign"), num("tier"), num("unit")
	f.Status = shishi.ItemStatus(q.Get("status"))
	v.Check(f.Status == "" || f.Status.Valid(), "status", "未知的事项状态 / unknown status")
	switch rag := q.Get("rag"); rag {
	case "":
	case "green", "amber", "red":
		f.HasRAG, f.RAG = true, shishi.RAG(rag)
	case "none":
		f.HasRAG, f.RAG = true, shishi.RAGNone
	default:
		v.Add("rag", "须为 green、amber、red 或 none / must be green, amber, red or none")
	}
	f.Query = strings.TrimSpace(q.Get("q"))
	v.Check(len([]rune(f.Query)) <= 100, "q", "搜索词过长 / search text too long")
	return f, v.Err()
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f, err := itemFilter(r)
	if err != nil {
		return err
	}
	f.Limit, f.After = limit, after
	cards, total, err := s.Items.FindItemCards(r.Context(), f)
	if err != nil {
		return err
	}
	return writeCards(w, cards, total, limit)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	it, err := s.Items.FindItem(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(it.ID, it.Version))
	return writeJSON(w, http.StatusOK, it)
}

func (s *Server) itemHistory(w http.ResponseWriter, r *http.Request) error {
	return listUnder(w, r, s.Items.ItemHistory, func(e shishi.ItemEvent) int64 { return e.ID })
}

func (s *Server) transitionItem(w http.ResponseWriter, r *http.Request, action string) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b noteBody
	if r.ContentLength != 0 {
		if err := decode(r, &b); err != nil {
			return err
		}
	}
	it, err := s.Items.TransitionItem(r.Context(), id, action, strings.TrimSpace(b.Note), ifMatch(r, id))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(it.ID, it.Version))
	return writeJSON(w, http.StatusOK, it)
}

func (s *Server) listItemReports(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Items.FindItem(r.Context(), id); err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	rs, total, err := s.Reports.FindReports(r.Context(), shishi.ReportFilter{ItemID: id, After: p.After, Limit: p.Limit})
	if err != nil {
		return err
	}
	return writeList(w, rs, total, p.Limit, func(x *shishi.Report) int64 { return x.ID })
}

func (s *Server) fileReport(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.ReportInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rep, err := s.Reports.FileReport(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rep)
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var f shishi.ReportFilter
	var v shishi.Validator
	if c := q.Get("campaign"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		v.Check(err == nil && n > 0, "campaign", "须为正整数 / must be a positive integer")
		f.CampaignID = n
	}
	f.Status = shishi.ReportStatus(q.Get("status"))
	v.Check(f.Status == "" || f.Status == shishi.ReportSubmitted || f.Status == shishi.ReportAccepted || f.Status == shishi.ReportReturned, "status", "须为 submitted、accepted 或 returned / must be submitted, accepted or returned")
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	f.After, f.Limit = p.After, p.Limit
	if err := v.Err(); err != nil {
		return err
	}
	rs, total, err := s.Reports.FindReports(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, rs, total, p.Limit, func(x *shishi.Report) int64 { return x.ID })
}

func (s *Server) reviewReport(w http.ResponseWriter, r *http.Request, accept bool) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b reviewBody
	if r.ContentLength != 0 {
		if err := decode(r, &b); err != nil {
			return err
		}
	}
	rep, err := s.Reports.ReviewReport(r.Context(), id, accept, strings.TrimSpace(b.Comment))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
