package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

func TestNiceMax(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0, 1},
		{-5, 1},
		{math.NaN(), 1},
		{math.Inf(1), 1},
		{math.Inf(-1), 1},
		{1, 1},
		{0.07, 0.1},
		{0.2, 0.2},
		{0.3, 0.5},
		{0.1 * 3, 0.5}, // float noise above 0.3 must not matter
		{1.1, 2},
		{2, 2},
		{2.1, 2.5},
		{2.5, 2.5},
		{3, 5},
		{5, 5},
		{5.01, 10},
		{48.06, 50},
		{100, 100},
		{1400, 2000},
		{3364, 5000},
		{7000, 10000},
		{10000, 10000},
		{1e9, 1e9},
		{1.2e9, 2e9},
		{math.MaxFloat64, math.MaxFloat64}, // cannot round up without overflowing
	}
	for _, tt := range tests {
		if got := niceMax(tt.in); math.Abs(got-tt.want) > 1e-9*tt.want {
			t.Errorf("niceMax(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNiceAxis(t *testing.T) {
	tests := []struct {
		min, max     float64
		lo, hi, step float64
		decimals     int
	}{
		{0, 7000, 0, 8000, 2000, 0}, // the dormitories' plan
		{0, 3364, 0, 4000, 1000, 0}, // the actual alone
		{0, 100, 0, 100, 20, 0},     // percentages
		{0, 0, 0, 1, 0.2, 1},        // all zero: still a scale
		{5, 5, 0, 5, 1, 0},          // a single point: the axis starts at 0
		{-1, 9, -2, 10, 2, 0},       // negative values: the axis goes below 0
		{-30, -10, -30, 0, 10, 0},   // all negative: 0 is the top
		{0, 1e9, 0, 1e9, 2e8, 0},    // huge
		{0, 12, 0, 12.5, 2.5, 1},    // 2.5 steps need a decimal
		{0, 0.03, 0, 0.03, 0.01, 2}, // small: three steps
		{0, 1e15, 0, 1e15, 2e14, 0}, // the clamp limit
		{-1e15, 1e15, -1e15, 1e15, 5e14, 0},
	}
	for _, tt := range tests {
		a := niceAxis(tt.min, tt.max)
		if !near(a.lo, tt.lo) || !near(a.hi, tt.hi) || !near(a.step, tt.step) || a.decimals != tt.decimals {
			t.Errorf("niceAxis(%v, %v) = %v..%v step %v dec %d, want %v..%v step %v dec %d",
				tt.min, tt.max, a.lo, a.hi, a.step, a.decimals, tt.lo, tt.hi, tt.step, tt.decimals)
		}
		if a.n < 3 || a.n > 6 {
			t.Errorf("niceAxis(%v, %v) has %d steps, want 3-6", tt.min, tt.max, a.n)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"},
		{7, 0, "7"},
		{999, 0, "999"},
		{1000, 0, "1,000"},
		{7000, 0, "7,000"},
		{3364, 0, "3,364"},
		{123456, 0, "123,456"},
		{1234567.891, 2, "1,234,567.89"},
		{1e9, 0, "1,000,000,000"},
		{-1234, 0, "-1,234"},
		{-123, 0, "-123"},
		{-0.001, 2, "0.00"}, // never "-0.00"
		{48.06, 2, "48.06"},
		{86.505, 1, "86.5"},
		{2.5, 1, "2.5"},
		{math.NaN(), 0, "—"},
		{math.Inf(1), 2, "—"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v, tt.dec); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.v, tt.dec, got, tt.want)
		}
	}
}

func TestFormatValueAndPercent(t *testing.T) {
	values := []struct {
		v    float64
		want string
	}{
		{3364, "3,364"}, {12.5, "12.5"}, {0.25, "0.25"}, {1.005, "1"}, {-7000, "-7,000"}, {0, "0"},
	}
	for _, tt := range values {
		if got := formatValue(tt.v); got != tt.want {
			t.Errorf("formatValue(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	compact := []struct {
		v    float64
		want string
	}{
		{19, "19"}, {9999, "9,999"}, {34000, "3.4万"}, {1.2e9, "12亿"}, {1.000001e15, "1,000万亿"}, {-5e4, "-5万"},
	}
	for _, tt := range compact {
		if got := compactCN(tt.v); got != tt.want {
			t.Errorf("compactCN(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	percents := []struct {
		v    float64
		want string
	}{
		{48.06, "48.06%"}, {100, "100.00%"}, {86.51, "86.51%"}, {0, "0.00%"}, {1234.5, "1,234.50%"},
	}
	for _, tt := range percents {
		if got := formatPercent(tt.v); got != tt.want {
			t.Errorf("formatPercent(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestNum(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {1.25, "1.2"}, {1.26, "1.3"}, {-0.01, "0"}, {-3.5, "-3.5"}, {math.NaN(), "0"}, {math.Inf(-1), "0"},
	}
	for _, tt := range tests {
		if got := num(tt.v); got != tt.want {
			t.Errorf("num(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"农村教师周转宿舍建设", "农村教师周转宿舍建设"},
		{"一二三四五六七八九十一二三四五六", "一二三四五六七八九十一二三四五六"},  // 16: fits
		{"一二三四五六七八九十一二三四五六七", "一二三四五六七八九十一二三四五…"}, // 17: cut, "…" included in 16
		{"Rural teachers' dormitories programme", "Rural teachers' dormitories p…"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, 16); got != tt.want {
			t.Errorf("truncate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeHref(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"/items/3", "/items/3", true},
		{"items?status=red", "items?status=red", true},
		{"#red", "#red", true},
		{"https://jyt.example.gov.cn/x", "https://jyt.example.gov.cn/x", true},
		{"/a:b", "/a:b", true},
		{"javascript:alert(1)", "", false},
		{" JavaScript:alert(1)", "", false},
		{"data:text/html,x", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := safeHref(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("safeHref(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// dormitories is the example of the campaign's reports: 农村教师周转宿舍,
// 7,000 套 planned from March to December 2021, 3,364 built by October.
func dormitories() []Series {
	months := []string{"2021-03", "2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-09", "2021-10", "2021-11", "2021-12"}
	plan := []float64{500, 1200, 2000, 2800, 3600, 4400, 5200, 6000, 6600, 7000}
	actual := []float64{180, 520, 960, 1430, 1980, 2510, 2950, 3364}
	var p, a []Point
	for i, m := range months {
		p = append(p, Point{Label: m, Value: plan[i]})
		if i < len(actual) {
			a = append(a, Point{Label: m, Value: actual[i]})
		} else {
			a = append(a, Point{Label: m, Missing: true})
		}
	}
	return []Series{
		{Name: "计划", Colour: Grey, Points: p, Dashed: true},
		{Name: "实际完成", Colour: Blue, Points: a},
	}
}

// items are key items with their completion rates.
func items() []Bar {
	return []Bar{
		{Label: "农村教师周转宿舍建设", Value: 48.06, Colour: Amber, Href: "/items/1"},
		{Label: "义务教育薄弱环节改善与能力提升", Value: 100, Colour: Green, Href: "/items/2"},
		{Label: "学前教育普惠性资源扩充及幼儿园保教质量提升工程", Value: 86.51, Colour: Blue, Href: "/items/3"},
	}
}

// statuses are the item counts by RAG status.
func statuses() []Part {
	return []Part{
		{Label: "绿", Value: 12, Colour: Green, Href: "/items?status=green"},
		{Label: "黄", Value: 5, Colour: Amber, Href: "/items?status=amber"},
		{Label: "红", Value: 2, Colour: Red, Href: "/items?status=red"},
		{Label: "灰", Value: 0, Colour: Grey, Href: "/items?status=grey"},
	}
}

// goldens are one example of each function, kept in testdata/ so that a
// change of the drawing shows up as a diff that someone has looked at.
func goldens() []struct{ name, svg string } {
	return []struct{ name, svg string }{
		{"line", Line("农村教师周转宿舍建设进度", "套", dormitories(), 0, 0)},
		{"bars", Bars("重点事项完成率", items(), 100, nil, 0)},
		{"donut", Donut("重点事项进展状态", statuses(), "事项", 0)},
		{"progress", Progress(48.06, Amber, 0)},
	}
}

func TestGolden(t *testing.T) {
	for _, g := range goldens() {
		path := filepath.Join("testdata", g.name+".svg")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(g.svg), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./chart -update to create it)", err)
		}
		if g.svg != string(want) {
			t.Errorf("%s differs from %s; if the change is intended, run go test ./chart -update and look at the result", g.name, path)
		}
	}
}

// TestDeterministic proves two calls give the same bytes, which the golden
// files and HTTP caching rely on.
func TestDeterministic(t *testing.T) {
	a, b := goldens(), goldens()
	for i := range a {
		if a[i].svg != b[i].svg {
			t.Errorf("%s: two calls differ", a[i].name)
		}
	}
}

// edgeCases are the inputs that break naive chart code.
func edgeCases() []struct{ name, svg string } {
	nan, inf := math.NaN(), math.Inf(1)
	pts := func(vs ...float64) []Point {
		var p []Point
		for i, v := range vs {
			p = append(p, Point{Label: "2021-" + strconv.Itoa(i+1), Value: v})
		}
		return p
	}
	return []struct{ name, svg string }{
		{"line/nil", Line("", "", nil, 0, 0)},
		{"line/empty series", Line("t", "套", []Series{{Name: "计划"}}, 0, 0)},
		{"line/all missing", Line("t", "套", []Series{{Name: "a", Points: []Point{{Label: "x", Missing: true}}}}, 0, 0)},
		{"line/all zero", Line("t", "套", []Series{{Name: "a", Points: pts(0, 0, 0)}}, 0, 0)},
		{"line/single point", Line("t", "套", []Series{{Name: "a", Points: pts(42)}, {Name: "p", Dashed: true, Points: pts(40)}}, 0, 0)},
		{"line/negative", Line("t", "元", []Series{{Name: "a", Points: pts(-5, 3, -12, 8)}}, 0, 0)},
		{"line/huge", Line("t", "元", []Series{{Name: "a", Points: pts(1e9, 2e9, 3.3e9)}}, 0, 0)},
		{"line/extreme", Line("t", "", []Series{{Name: "a", Points: pts(math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64)}}, 0, 0)},
		{"line/nan inf", Line("t", "", []Series{{Name: "a", Points: pts(nan, 1, inf, 2, math.Inf(-1))}}, 0, 0)},
		{"line/tiny size", Line("t", "", dormitories(), 1, 1)},
		{"line/negative size", Line("t", "", dormitories(), -5, -5)},
		{"line/many labels", Line("t", "", []Series{{Name: "a", Points: pts(make([]float64, 200)...)}}, 0, 0)},
		{"line/many series", Line("t", "", []Series{{Name: "一"}, {Name: "二"}, {Name: "三"}, {Name: "四"}, {Name: "五"}, {Name: "六"}, {Name: "七", Points: pts(1)}, {Name: strings.Repeat("长", 40), Points: pts(2)}}, 0, 0)},
		{"bars/nil", Bars("", nil, 0, nil, 0)},
		{"bars/all zero", Bars("t", []Bar{{Label: "a"}, {Label: "b"}}, 0, nil, 0)},
		{"bars/over max", Bars("t", []Bar{{Label: "a", Value: 180}, {Label: "b", Value: 50}}, 100, nil, 0)},
		{"bars/negative", Bars("t", []Bar{{Label: "a", Value: -20}, {Label: "b", Value: 50}}, 0, nil, 0)},
		{"bars/huge", Bars("t", []Bar{{Label: "a", Value: 1e9}, {Label: "b", Value: 1}}, 0, formatValue, 0)},
		{"bars/nan inf", Bars("t", []Bar{{Label: "a", Value: nan}, {Label: "b", Value: inf}, {Label: "c", Value: 3}}, nan, nil, 0)},
		{"bars/narrow", Bars("t", items(), 100, nil, 10)},
		{"bars/unsafe colour", Bars("t", []Bar{{Label: "a", Value: 1, Colour: `red" onload="x`}}, 0, nil, 0)},
		{"donut/nil", Donut("", nil, "", 0)},
		{"donut/all zero", Donut("t", []Part{{Label: "绿"}, {Label: "红"}}, "事项", 0)},
		{"donut/one part", Donut("t", []Part{{Label: "绿", Value: 7}, {Label: "红"}}, "事项", 0)},
		{"donut/tiny part", Donut("t", []Part{{Label: "绿", Value: 1e6}, {Label: "红", Value: 1}}, "", 0)},
		{"donut/over half", Donut("t", []Part{{Label: "绿", Value: 3}, {Label: "红", Value: 1}}, "", 0)},
		{"donut/nan inf negative", Donut("t", []Part{{Label: "a", Value: nan}, {Label: "b", Value: inf}, {Label: "c", Value: -3}, {Label: "d", Value: 2}}, "", 0)},
		{"donut/huge", Donut("t", []Part{{Label: "a", Value: 1e9}, {Label: "b", Value: 1e15}}, "元", 0)},
		{"donut/tiny size", Donut("t", statuses(), "事项", 1)},
		{"progress/zero", Progress(0, "", 0)},
		{"progress/over 100", Progress(250, Green, 0)},
		{"progress/negative", Progress(-5, Red, 0)},
		{"progress/nan", Progress(nan, Red, 0)},
		{"progress/inf", Progress(inf, Red, 0)},
		{"progress/sliver", Progress(0.1, Red, 80)},
	}
}

func TestWellFormed(t *testing.T) {
	for _, c := range append(goldens(), edgeCases()...) {
		t.Run(c.name, func(t *testing.T) {
			checkSVG(t, c.svg)
			for _, bad := range []string{"NaN", "Inf", "style", "<script", "javascript:"} {
				if strings.Contains(c.svg, bad) {
					t.Errorf("output contains %q:\n%s", bad, c.svg)
				}
			}
		})
	}
}

func TestClampedValues(t *testing.T) {
	// A value above max draws a full bar but prints the real figure.
	out := Bars("t", []Bar{{Label: "a", Value: 180}, {Label: "b", Value: 100}}, 100, nil, 0)
	if !strings.Contains(out, ">180.00%<") {
		t.Errorf("the real value 180.00%% is not printed:\n%s", out)
	}
	widths := attrValues(t, out, "rect", "width")
	// background, then one bar per row: both full
	if len(widths) != 3 || widths[1] != widths[2] {
		t.Errorf("bars over max should be as long as a full bar, got widths %v", widths)
	}
	// Progress clamps the bar to its track but keeps the real label.
	out = Progress(250, Green, 100)
	if w := attrValues(t, out, "rect", "width"); len(w) != 2 || w[1] != "100" {
		t.Errorf("Progress(250) bar widths %v, want track and bar of 100", w)
	}
	if !strings.Contains(out, `aria-label="250.00%"`) {
		t.Errorf("Progress(250) lost its real value:\n%s", out)
	}
	// A zero part stays in the legend of a donut.
	out = Donut("t", statuses(), "事项", 0)
	if !strings.Contains(out, ">灰</text>") || strings.Count(out, "<path ") != 3 {
		t.Errorf("donut should draw 3 slices and keep 灰 in the legend:\n%s", out)
	}
	if !strings.Contains(out, ">19</text>") {
		t.Errorf("donut total 19 missing:\n%s", out)
	}
}

func TestLineContent(t *testing.T) {
	out := Line("农村教师周转宿舍建设进度", "套", dormitories(), 0, 0)
	for _, want := range []string{
		">8,000</text>", ">6,000</text>", // axis to 8,000 in steps of 2,000
		">套</text>",              // the unit
		">3,364</text>",          // the latest actual
		`stroke-dasharray="6 4"`, // the plan is dashed
		">2021-03</text>", ">2021-12</text>",
		">计划</text>", ">实际完成</text>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("line chart lacks %s", want)
		}
	}
	// 8 actual months get a dot with a tooltip; the plan gets none.
	if n := strings.Count(out, "<circle "); n != 8+1 { // +1: the legend's dot
		t.Errorf("%d circles, want 9", n)
	}
	// A gap: a series with a missing middle value is two subpaths.
	gap := Line("t", "", []Series{{Name: "a", Points: []Point{{Label: "1", Value: 1}, {Label: "2", Missing: true}, {Label: "3", Value: 3}, {Label: "4", Value: 4}}}}, 0, 0)
	for _, d := range attrValues(t, gap, "path", "d") {
		if strings.Count(d, "M") != 2 {
			t.Errorf("path %q should break at the missing value", d)
		}
	}
}

// TestEscaping feeds markup through every text a caller controls.
func TestEscaping(t *testing.T) {
	evil := `<script>&"'`
	outs := map[string]string{
		"line": Line(evil, evil, []Series{{Name: evil, Colour: evil, Points: []Point{{Label: evil, Value: 1}, {Label: "b", Value: 2}}}}, 0, 0),
		"bars": Bars(evil, []Bar{{Label: evil, Value: 1, Colour: evil, Href: `/x?a=1&b="><script>`}}, 0,
			func(float64) string { return evil }, 0),
		"donut":    Donut(evil, []Part{{Label: evil, Value: 1, Colour: evil, Href: `/x?a=1&b="><script>`}}, evil, 0),
		"progress": Progress(1, evil, 0),
	}
	for _, name := range []string{"line", "bars", "donut", "progress"} {
		out := outs[name]
		checkSVG(t, out)
		if strings.Contains(out, "<script") {
			t.Errorf("%s: unescaped markup:\n%s", name, out)
		}
		if name != "progress" && !strings.Contains(out, "&lt;script&gt;&amp;&#34;&#39;") {
			t.Errorf("%s: the label is not escaped as expected:\n%s", name, out)
		}
		// The caller's text survives a round trip through an XML parser.
		if name != "progress" && !strings.Contains(textContent(t, out), evil) {
			t.Errorf("%s: the escaped label does not read back as %q", name, evil)
		}
	}
	if !strings.Contains(outs["bars"], `href="/x?a=1&amp;b=&#34;&gt;&lt;script&gt;"`) {
		t.Errorf("href not escaped:\n%s", outs["bars"])
	}
	// javascript: links are dropped, the row still drawn.
	out := Bars("t", []Bar{{Label: "a", Value: 1, Href: "javascript:alert(1)"}}, 0, nil, 0)
	if strings.Contains(out, "<a ") || strings.Contains(out, "javascript") {
		t.Errorf("javascript link kept:\n%s", out)
	}
}

// FuzzLine feeds random values and labels to Line and checks the result is
// always well-formed XML without NaN or Inf in any number.
func FuzzLine(f *testing.F) {
	f.Add("2021-03", "计划", "套", 500.0, 3364.0, 7000.0, false, 0, 0)
	f.Add("<script>&\"", "\x00\xff", "", math.NaN(), math.Inf(1), -1e300, true, 1, -1)
	f.Add("", "", "]]>", 0.0, 0.0, 0.0, false, 100000, 3)
	f.Fuzz(func(t *testing.T, label, name, unit string, a, b, c float64, missing bool, width, height int) {
		s := []Series{
			{Name: name, Points: []Point{{Label: label, Value: a}, {Label: label + "x", Value: b, Missing: missing}, {Label: "z", Value: c}}},
			{Name: unit, Dashed: true, Colour: name, Points: []Point{{Label: "z", Value: b}, {Label: label, Value: c}}},
		}
		out := Line(label, unit, s, width, height)
		checkSVG(t, out)
		bars := Bars(label, []Bar{{Label: label, Value: a, Href: name}, {Label: name, Value: b}}, c, nil, width)
		checkSVG(t, bars)
		donut := Donut(label, []Part{{Label: label, Value: a, Href: name}, {Label: name, Value: b}, {Label: unit, Value: c}}, unit, width)
		checkSVG(t, donut)
		checkSVG(t, Progress(a, name, width))
	})
}

// checkSVG parses out as XML and checks the promises of the package: one
// <svg> root with a viewBox, role="img", an aria-label and a <title>; no
// style attribute or element, no script; and no NaN or Inf in any
// attribute that holds numbers. (Texts and labels may legitimately contain
// the word "Inf", so only the package's own attributes are checked.)
func checkSVG(t *testing.T, out string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(out))
	depth, roots, sawTitle := 0, 0, false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			switch el.Name.Local {
			case "style", "script", "foreignObject":
				t.Errorf("forbidden element <%s>", el.Name.Local)
			case "title":
				sawTitle = true
			}
			if depth == 1 {
				roots++
				if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root is %v, want svg in the SVG namespace", el.Name)
				}
				for _, want := range []string{"viewBox", "role", "aria-label"} {
					if attr(el, want) == nil {
						t.Errorf("root lacks %s", want)
					}
				}
				if a := attr(el, "role"); a != nil && a.Value != "img" {
					t.Errorf(`role=%q, want "img"`, a.Value)
				}
			}
			for _, a := range el.Attr {
				switch {
				case a.Name.Local == "style" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
					t.Errorf("forbidden attribute %s on <%s>", a.Name.Local, el.Name.Local)
				case a.Name.Local == "aria-label" || a.Name.Local == "href":
					// the caller's text
				case strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf"):
					t.Errorf("%s=%q on <%s>", a.Name.Local, a.Value, el.Name.Local)
				}
				if numeric[a.Name.Local] {
					if _, err := strconv.ParseFloat(a.Value, 64); err != nil {
						t.Errorf("%s=%q on <%s> is not a number", a.Name.Local, a.Value, el.Name.Local)
					}
				}
				if a.Name.Local == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript") {
					t.Errorf("javascript link %q", a.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 || !sawTitle {
		t.Errorf("want one root and a <title>, got %d roots, title %v", roots, sawTitle)
	}
}

// numeric are the attributes that must hold a plain number.
var numeric = map[string]bool{
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true, "cx": true, "cy": true,
	"r": true, "rx": true, "width": true, "height": true, "stroke-width": true, "font-size": true, "opacity": true,
}

func attr(el xml.StartElement, name string) *xml.Attr {
	for i := range el.Attr {
		if el.Attr[i].Name.Local == name {
			return &el.Attr[i]
		}
	}
	return nil
}

// attrValues lists the values of one attribute on every element of a kind,
// in document order.
func attrValues(t *testing.T, out, element, name string) []string {
	t.Helper()
	var vals []string
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == element {
			if a := attr(el, name); a != nil {
				vals = append(vals, a.Value)
			}
		}
	}
	return vals
}

// textContent is all character data of the document, unescaped.
func textContent(t *testing.T, out string) string {
	t.Helper()
	var b bytes.Buffer
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(cd)
		}
	}
	return b.String()
}
