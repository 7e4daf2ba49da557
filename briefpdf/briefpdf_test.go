package briefpdf

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"github.com/shishi-edu/shishi"
)

// Text extracts the text of a PDF, page by page, through its ToUnicode
// maps: what a reader who copies from the file gets.
func Text(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(tr); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestRender(t *testing.T) {
	actual, c := shishi.DecimalOf(3364), 48.06
	avg := 62.5
	b := &shishi.Briefing{ID: 7, CampaignName: "河南省教育厅“我为群众办实事”实践活动", Period: "2021-10", Title: "工作简报（2021年10月）",
		Intro: "截至2021年10月20日，全省农村教师周转宿舍建设加快推进。\n第二段。", Closing: "下一步，继续抓好落实。"}
	b.Figures = shishi.BriefingFigures{AsOf: "2021-10-20", Key: shishi.CampaignFigures{Public: 10, Completion: &avg},
		Tiers: []shishi.BriefingGroup{{Name: "厅机关办实事重点事项", Items: 10, Completion: &avg}},
		Items: []shishi.BriefingItem{{ID: 1, Title: "补齐乡村教育短板", LeadUnit: "河南省教育厅", Deadline: "2021-12-31", Status: shishi.StatusInProgress,
			Targets: []shishi.BriefingTarget{{Name: "农村教师周转宿舍建成", Unit: "套", Target: shishi.DecimalOf(7000), Actual: &actual, Completion: c, Period: "2021-09", Version: 1}}}}}
	// Enough items to need a second page.
	for i := 0; i < 40; i++ {
		b.Figures.Items = append(b.Figures.Items, b.Figures.Items[0])
	}
	out, err := Render(b, "http://portal.example")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", out[:16])
	}
	text := Text(t, out)
	for _, want := range []string{"工作简报（2021年10月）", "3364 / 7000 套（48.06 %）", "2021-09 月报第 1 版", "第二段。", "下一步，继续抓好落实。", "厅机关办实事重点事项", "62.50 %"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// The font is a subset: far smaller than the 5 MB collection.
	if len(out) > 400<<10 {
		t.Errorf("PDF of %d bytes: the font is not subset", len(out))
	}
}

func TestFirstFace(t *testing.T) {
	f, err := face()
	if err != nil || string(f[:4]) != "\x00\x01\x00\x00" {
		t.Fatalf("face: %v %q", err, f[:4])
	}
	for _, bad := range [][]byte{nil, []byte("ttcf"), []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff")} {
		if _, err := firstFace(bad); err == nil {
			t.Errorf("firstFace(%q) took it", bad)
		}
	}
}
