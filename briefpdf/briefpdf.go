// Package briefpdf renders a briefing (简报) as a PDF with Chinese text.
//
// Why these pieces: github.com/signintech/gopdf is pure Go (the binary
// stays CGO_ENABLED=0), maintained, embeds TrueType fonts as subsets with a
// ToUnicode map (so the PDF is small and its text can be searched and
// copied) and draws the rectangles a bar chart needs. Its font parser reads
// TrueType outlines only: Noto Sans CJK (CFF outlines) is out, and Droid
// Sans Fallback lacks Latin letters and digits. WenQuanYi Micro Hei has
// both CJK and Latin in TrueType outlines under the Apache License 2.0; it
// ships as a TrueType collection, so the first face is cut out of the
// embedded, unmodified file in memory (ttc.go).
//
// The package is a leaf: it imports the domain and libraries only.
package briefpdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/shishi-edu/shishi"
)

// A4 in points, and the margins.
const (
	pageW, pageH = 595.28, 841.89
	margin       = 50.0
	textW        = pageW - 2*margin
)

type doc struct {
	p *gopdf.GoPdf
	y float64
}

// Render writes b as a PDF. base is the portal's address (for the link to
// the web page); it may be empty.
func Render(b *shishi.Briefing, base string) ([]byte, error) {
	font, err := face()
	if err != nil {
		return nil, err
	}
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.SetInfo(gopdf.PdfInfo{Title: b.Title, Subject: b.CampaignName, Creator: "Shishi 实事"})
	if err := p.AddTTFFontData("cjk", font); err != nil {
		return nil, fmt.Errorf("briefpdf: font: %w", err)
	}
	d := &doc{p: p}
	d.page()
	f := b.Figures
	d.text(b.Title, 18, 0x1d3f72)
	d.gap(4)
	link := ""
	if base != "" {
		link = "  " + strings.TrimRight(base, "/") + fmt.Sprintf("/briefings/%d", b.ID)
	}
	d.text(fmt.Sprintf("%s · 数据截至 %s%s", b.CampaignName, f.AsOf, link), 9, 0x5f6670)
	d.gap(10)
	d.paragraphs(b.Intro, 11)
	d.heading("一、主要数据")
	k := f.Key
	d.text(fmt.Sprintf("公开重点事项 %d 项，平均完成率 %s，已销号 %d 项；绿灯 %d 项、黄灯 %d 项、红灯 %d 项，逾期 %d 项。",
		k.Public, pct(k.Completion), k.Closed, k.Green, k.Amber, k.Red, k.Overdue), 11, 0)
	if len(f.Tiers) > 0 {
		d.gap(6)
		d.text("各层级平均完成率", 10, 0x5f6670)
		d.bars(f.Tiers)
	}
	d.heading("二、重点事项进展")
	for _, it := range f.Items {
		d.need(40)
		d.text(fmt.Sprintf("%s  %s", it.Title, pct(it.Completion)), 11, 0x1d3f72)
		d.text(fmt.Sprintf("牵头单位：%s　完成时限：%s　状态：%s", it.LeadUnit, it.Deadline, it.Status.Label(false)), 9, 0x5f6670)
		for _, t := range it.Targets {
			src := ""
			if t.Version > 0 {
				src = fmt.Sprintf("（数据来源：%s 月报第 %d 版）", t.Period, t.Version)
			}
			d.text(fmt.Sprintf("· %s：%s%s", t.Name, t.Figure(), src), 10, 0)
		}
		d.gap(4)
	}
	if len(f.Units) > 0 {
		d.heading("三、各牵头单位进展")
		for _, u := range f.Units {
			d.text(fmt.Sprintf("%s：%d 项，平均完成率 %s", u.Name, u.Items, pct(u.Completion)), 10, 0)
		}
	}
	d.heading("四、需关注事项（红灯或逾期）")
	if len(f.Attention) == 0 {
		d.text("无。", 10, 0)
	}
	for _, it := range f.Attention {
		note := it.RAG.Label(false)
		if it.Overdue {
			note += "，已逾期"
		}
		d.text(fmt.Sprintf("· %s（%s，%s，完成率 %s）", it.Title, it.LeadUnit, note, pct(it.Completion)), 10, 0)
	}
	d.heading("五、举报受理")
	c := f.Complaints
	d.text(fmt.Sprintf("本月受理举报 %d 件，已办结 %d 件，按期办结率 %s，满意率 %s。", c.Received, c.Concluded, pct(c.OnTimeRate), pct(c.SatisfactionRate)), 10, 0)
	if strings.TrimSpace(b.Closing) != "" {
		d.gap(10)
		d.paragraphs(b.Closing, 11)
	}
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("briefpdf: %w", err)
	}
	return buf.Bytes(), nil
}

func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f %%", *p)
}

func (d *doc) page() {
	d.p.AddPage()
	d.y = margin
}

// need starts a new page unless h points are left.
func (d *doc) need(h float64) {
	if d.y+h > pageH-margin {
		d.page()
	}
}

func (d *doc) gap(h float64) { d.y += h }

func (d *doc) heading(s string) {
	d.gap(12)
	d.need(40)
	d.text(s, 13, 0x1d3f72)
	d.gap(2)
}

func (d *doc) colour(rgb int) {
	d.p.SetTextColor(uint8(rgb>>16), uint8(rgb>>8), uint8(rgb))
}

// text writes s wrapped to the text width (CJK text breaks anywhere).
func (d *doc) text(s string, size float64, rgb int) {
	_ = d.p.SetFont("cjk", "", size)
	d.colour(rgb)
	lines, err := d.p.SplitText(s, textW)
	if err != nil || len(lines) == 0 {
		lines = []string{s}
	}
	for _, l := range lines {
		d.need(size * 1.6)
		d.p.SetXY(margin, d.y)
		_ = d.p.Cell(nil, l)
		d.y += size * 1.6
	}
}

// paragraphs writes text whose lines are paragraphs.
func (d *doc) paragraphs(s string, size float64) {
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(para) == "" {
			d.gap(size * 0.6)
			continue
		}
		d.text(para, size, 0)
	}
}

// bars draws a horizontal bar per group: the completion of 100 %.
func (d *doc) bars(gs []shishi.BriefingGroup) {
	const labelW, barW, rowH = 170.0, 230.0, 18.0
	for _, g := range gs {
		d.need(rowH)
		_ = d.p.SetFont("cjk", "", 9)
		d.colour(0)
		label := g.Name
		for w, _ := d.p.MeasureTextWidth(label); w > labelW-8 && len([]rune(label)) > 1; w, _ = d.p.MeasureTextWidth(label + "…") {
			r := []rune(label)
			label = string(r[:len(r)-1])
		}
		if label != g.Name {
			label += "…"
		}
		d.p.SetXY(margin, d.y+3)
		_ = d.p.Cell(nil, label)
		d.p.SetFillColor(0xe6, 0xe9, 0xef)
		d.p.RectFromUpperLeftWithStyle(margin+labelW, d.y+3, barW, 10, "F")
		if g.Completion != nil {
			w := min(max(*g.Completion, 0), 100) / 100 * barW
			d.p.SetFillColor(0x2b, 0x57, 0x97)
			d.p.RectFromUpperLeftWithStyle(margin+labelW, d.y+3, w, 10, "F")
		}
		d.p.SetXY(margin+labelW+barW+6, d.y+3)
		_ = d.p.Cell(nil, pct(g.Completion))
		d.y += rowH
	}
}
