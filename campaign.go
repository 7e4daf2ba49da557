package shishi

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Campaign is a 实践活动 run by an office: its lists (tiers) of key items,
// the RAG thresholds it judges progress by, the day reports are due.
type Campaign struct {
	ID          int64  `json:"id"`
	UnitID      int64  `json:"unit_id"` // the office's unit: the campaign belongs to its subtree
	UnitName    string `json:"unit_name"`
	Name        string `json:"name"`
	Description string `json:"description"`
	StartsOn    Date   `json:"starts_on"`
	EndsOn      Date   `json:"ends_on"`
	// AsOf freezes the ledger's derived figures at a reporting date
	// (数据截止日期); empty means today.
	AsOf Date `json:"as_of,omitempty"`
	// AmberBelow and RedBelow: an item whose progress is below this share
	// (percent) of what its trajectory planned by now is amber or red.
	AmberBelow int       `json:"amber_below"`
	RedBelow   int       `json:"red_below"`
	ReportDue  int       `json:"report_due_day"` // reports of a month are due on this day of the next
	Tiers      []Tier    `json:"tiers"`
	ItemCount  int       `json:"item_count"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
}

// Tier is one list of a campaign (部党组层面重点事项 …).
type Tier struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Position  int    `json:"position"`
	ItemCount int    `json:"item_count"`
}

// CampaignInput creates a campaign. Tiers are named in order.
type CampaignInput struct {
	UnitID      int64    `json:"unit_id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	StartsOn    Date     `json:"starts_on"`
	EndsOn      Date     `json:"ends_on"`
	AsOf        Date     `json:"as_of"`
	AmberBelow  int      `json:"amber_below"`
	RedBelow    int      `json:"red_below"`
	ReportDue   int      `json:"report_due_day"`
	Tiers       []string `json:"tiers"`
}

// Validate checks a campaign and fills defaults (thresholds 90 / 70,
// reports due on the 5th).
func (in *CampaignInput) Validate() error {
	var v Validator
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	checkText(&v, "name", in.Name, 1, 200)
	checkText(&v, "description", in.Description, 0, 5000)
	v.Check(in.StartsOn.Valid(), "starts_on", "开始日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(in.EndsOn.Valid(), "ends_on", "结束日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if in.StartsOn.Valid() && in.EndsOn.Valid() && in.EndsOn < in.StartsOn {
		v.Add("ends_on", "结束日期不能早于开始日期 / must not be before the start")
	}
	if in.AsOf != "" && !in.AsOf.Valid() {
		v.Add("as_of", "数据截止日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	}
	if in.AmberBelow == 0 && in.RedBelow == 0 {
		in.AmberBelow, in.RedBelow = 90, 70
	}
	v.Check(in.RedBelow > 0 && in.RedBelow < in.AmberBelow && in.AmberBelow <= 100, "amber_below", "须满足 0 < 红灯阈值 < 黄灯阈值 ≤ 100 / need 0 < red_below < amber_below ≤ 100")
	if in.ReportDue == 0 {
		in.ReportDue = 5
	}
	v.Check(in.ReportDue >= 1 && in.ReportDue <= 28, "report_due_day", "须为 1–28 / must be 1–28")
	if len(in.Tiers) == 0 {
		in.Tiers = []string{"重点事项"}
	}
	seen := map[string]bool{}
	for i, t := range in.Tiers {
		t = strings.TrimSpace(t)
		in.Tiers[i] = t
		if t == "" || utf8.RuneCountInString(t) > 100 || hasControl(t) {
			v.Add("tiers", "清单层级名称须为 1–100 个字符 / tier names must be 1–100 characters")
		} else if seen[t] {
			v.Add("tiers", "清单层级名称重复 / duplicate tier name: "+t)
		}
		seen[t] = true
	}
	v.Check(len(in.Tiers) <= 20, "tiers", "最多 20 个层级 / at most 20 tiers")
	return v.Err()
}

func checkText(v *Validator, field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "编码无效 / invalid UTF-8")
	case n < min && min == 1:
		v.Add(field, "不能为空 / is required")
	case n < min || n > max:
		v.Add(field, "长度须为 "+itoa(min)+"–"+itoa(max)+" 个字符 / must be "+itoa(min)+"–"+itoa(max)+" characters")
	case strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && r != '\r' && r != '\t' && isControl(r) }):
		v.Add(field, "含有控制字符 / contains control characters")
	}
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// CampaignService manages campaigns. A campaign belongs to the office's
// unit; its office (RoleOffice over that unit) runs it.
type CampaignService interface {
	// FindCampaigns lists a page of the campaigns the actor takes part
	// in, latest start first, and how many there are.
	FindCampaigns(ctx context.Context, p Page) ([]*Campaign, int, error)
	// FindCampaign returns one with its tiers. ENOTFOUND.
	FindCampaign(ctx context.Context, id int64) (*Campaign, error)
	// CreateCampaign: RoleOffice over in.UnitID (the actor's unit when 0).
	// EINVALID, EFORBIDDEN.
	CreateCampaign(ctx context.Context, in CampaignInput) (*Campaign, error)
}
