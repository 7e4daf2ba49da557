package shishi

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// BriefingStatus: a briefing is drafted by the office, then published.
type BriefingStatus string

const (
	BriefingDraft     BriefingStatus = "draft"
	BriefingPublished BriefingStatus = "published"
)

// Label names the status.
func (s BriefingStatus) Label(en bool) string {
	switch {
	case s == BriefingPublished && en:
		return "Published"
	case s == BriefingPublished:
		return "已发布"
	case en:
		return "Draft"
	}
	return "草稿"
}

// BriefingTarget is one quantity target's figure in a briefing, with the
// report version it was taken from (none for a sum of child items).
type BriefingTarget struct {
	Name       string   `json:"name"`
	Unit       string   `json:"unit"`
	Target     Decimal  `json:"target"`
	Actual     *Decimal `json:"actual"`
	Completion float64  `json:"completion"`
	Period     Period   `json:"period,omitempty"`
	ReportID   int64    `json:"report_id,omitempty"`
	Version    int      `json:"version,omitempty"`
}

// Anchor is the id of the report version on the item's public page.
func (t BriefingTarget) Anchor() string {
	if t.Version == 0 {
		return "report-versions"
	}
	return "report-" + string(t.Period) + "-v" + itoa(t.Version)
}

// Figure writes the figure the way the briefing prints it: "3364 / 7000 套
// (48.06 %)".
func (t BriefingTarget) Figure() string {
	actual := "—"
	if t.Actual != nil {
		actual = t.Actual.String()
	}
	return fmt.Sprintf("%s / %s %s（%.2f %%）", actual, t.Target.String(), t.Unit, t.Completion)
}

// BriefingItem is a public item as a briefing shows it.
type BriefingItem struct {
	ID         int64            `json:"id"`
	Code       string           `json:"code"`
	Title      string           `json:"title"`
	Tier       string           `json:"tier"`
	LeadUnit   string           `json:"lead_unit"`
	Deadline   Date             `json:"deadline"`
	Status     ItemStatus       `json:"status"`
	RAG        RAG              `json:"rag"`
	Overdue    bool             `json:"overdue"`
	Completion *float64         `json:"completion"`
	Targets    []BriefingTarget `json:"targets"`
}

// BriefingGroup is the progress of a tier or a lead unit.
type BriefingGroup struct {
	Name       string   `json:"name"`
	Items      int      `json:"items"`
	Completion *float64 `json:"completion"`
}

// BriefingComplaints are the complaint column's figures for the period.
type BriefingComplaints struct {
	Received         int      `json:"received"`
	Concluded        int      `json:"concluded"`
	OnTimeRate       *float64 `json:"on_time_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

// BriefingFigures are a briefing's figures, taken from the live ledger
// when it is generated and kept with it: a published briefing says what
// was true on its day, and each figure names the report version behind it.
type BriefingFigures struct {
	AsOf       Date               `json:"as_of"`
	Key        CampaignFigures    `json:"key"`
	Tiers      []BriefingGroup    `json:"tiers"`
	Units      []BriefingGroup    `json:"units"`
	Items      []BriefingItem     `json:"items"`
	Attention  []BriefingItem     `json:"attention"` // red or overdue
	Complaints BriefingComplaints `json:"complaints"`
}

// Briefing is a 简报 of a campaign for a month.
type Briefing struct {
	ID           int64           `json:"id"`
	CampaignID   int64           `json:"campaign_id"`
	CampaignName string          `json:"campaign_name"`
	Period       Period          `json:"period"`
	Title        string          `json:"title"`
	Intro        string          `json:"intro"`
	Closing      string          `json:"closing"`
	Figures      BriefingFigures `json:"figures"`
	Status       BriefingStatus  `json:"status"`
	Version      int64           `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	PublishedAt  *time.Time      `json:"published_at,omitempty"`
}

// BriefingAsOf is the day a briefing's figures are computed for: the end
// of its month, or the campaign's reporting date or today when earlier.
func BriefingAsOf(p Period, campaignAsOf, today Date) Date {
	d := p.End()
	if campaignAsOf != "" && campaignAsOf < d {
		d = campaignAsOf
	}
	if today < d {
		d = today
	}
	return d
}

// DraftText is the text a new briefing starts with; the office edits it.
func (b *Briefing) DraftText() {
	y, m := string(b.Period)[:4], strings.TrimPrefix(string(b.Period)[5:], "0")
	b.Title = fmt.Sprintf("%s工作简报（%s年%s月）", b.CampaignName, y, m)
	k := b.Figures.Key
	comp := "—"
	if k.Completion != nil {
		comp = fmt.Sprintf("%.2f%%", *k.Completion)
	}
	b.Intro = fmt.Sprintf("截至%s，本活动公开重点事项%d项，平均完成率%s，已销号%d项；绿灯%d项、黄灯%d项、红灯%d项，逾期%d项。",
		b.Figures.AsOf, k.Public, comp, k.Closed, k.Green, k.Amber, k.Red, k.Overdue)
	b.Closing = ""
}

// BriefingText is what the office edits around the figures.
type BriefingText struct {
	Title   string `json:"title"`
	Intro   string `json:"intro"`
	Closing string `json:"closing"`
}

// Validate checks the text.
func (in *BriefingText) Validate() error {
	var v Validator
	in.Title, in.Intro, in.Closing = strings.TrimSpace(in.Title), strings.TrimSpace(in.Intro), strings.TrimSpace(in.Closing)
	checkText(&v, "title", in.Title, 1, 200)
	checkText(&v, "intro", in.Intro, 0, 10000)
	checkText(&v, "closing", in.Closing, 0, 10000)
	return v.Err()
}

// BriefingService drafts and publishes briefings. The office of a
// campaign (RoleOffice over its unit) writes them; the public reads the
// published ones.
type BriefingService interface {
	// GenerateBriefing drafts the briefing of a campaign for a month from
	// the live ledger, or refreshes the figures of its draft (the text
	// stays). EINVALID (month outside the campaign or in the future),
	// EFORBIDDEN, ECONFLICT (already published).
	GenerateBriefing(ctx context.Context, campaignID int64, p Period) (*Briefing, error)
	// EditBriefing changes a draft's text; version is the one edited.
	// EINVALID, EFORBIDDEN, ENOTFOUND, ECONFLICT (published, or stale).
	EditBriefing(ctx context.Context, id int64, in BriefingText, version int64) (*Briefing, error)
	// PublishBriefing publishes a draft. EFORBIDDEN, ENOTFOUND, ECONFLICT.
	PublishBriefing(ctx context.Context, id int64) (*Briefing, error)
	// FindBriefings lists the briefings of the campaigns the actor runs,
	// drafts included, newest month first.
	FindBriefings(ctx context.Context) ([]*Briefing, error)
	// ListBriefings pages through the same briefings, newest first, and
	// says how many there are (the API's list).
	ListBriefings(ctx context.Context, p Page) ([]*Briefing, int, error)
	// FindBriefing returns one for its office. ENOTFOUND.
	FindBriefing(ctx context.Context, id int64) (*Briefing, error)
	// PublishedBriefings lists a page of the published briefings, newest
	// first, for anyone, and how many there are.
	PublishedBriefings(ctx context.Context, p Page) ([]*Briefing, int, error)
	// PublishedBriefing returns a published briefing. ENOTFOUND (also a draft).
	PublishedBriefing(ctx context.Context, id int64) (*Briefing, error)
}
