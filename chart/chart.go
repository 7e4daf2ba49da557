// Package chart renders the back office's charts as server-side SVG: a line
// chart of plan against actual, horizontal bars of item completion, a donut
// of status counts and a slim progress bar for tables.
//
// Why server-side SVG: the pages are served with the CSP `style-src 'self'`
// and no script is needed to read a figure, so the charts work with
// JavaScript off, print cleanly and are checked byte for byte by golden
// tests. Every function returns one complete <svg> element as a string; the
// caller wraps it in template.HTML. For that to be safe the package keeps
// three promises, each enforced by the tests:
//
//   - Every text that comes from the caller (titles, labels, units, links,
//     formatted values) is XML-escaped, so a unit name cannot inject markup.
//   - There is no style attribute and no <style> element, only presentation
//     attributes, so the CSP needs no 'unsafe-inline'. There are no ids
//     either, so many charts can share a page.
//   - The output is deterministic and never holds NaN or Inf: numbers are
//     written with one fixed format and bad inputs are cleaned first.
//
// The package is a leaf: it imports the standard library only.
package chart

import (
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Colours used for status (RAG: red, amber, green; grey for "not started")
// and for series. They are darker than the usual web palette so that white
// text and thin lines stay legible in print and pass WCAG contrast on white.
const (
	Green     = "#2e7d32"
	Amber     = "#b26a00"
	Red       = "#c62828"
	Grey      = "#8f959e"
	Blue      = "#2b5797"
	LightBlue = "#9db7e0"
)

// The quiet colours of the frame: ink for values, a softer ink for axis
// labels, and two greys for the grid and the axis line. They are kept apart
// from the status colours so that colour on a chart always means data.
const (
	inkColour   = "#1f2329"
	mutedColour = "#646a73"
	gridColour  = "#e8eaed"
	axisColour  = "#bfc4cc"
	trackColour = "#eceef1"
	background  = "#ffffff"
)

// fontFamily puts the system CJK fonts first: Windows offices have Microsoft
// YaHei, Macs have PingFang, Linux desktops have Noto. Single quotes inside
// keep the attribute free of escaped double quotes.
const fontFamily = `'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif`

// palette colours series and parts that come without a colour, in order, so
// that the same call always gives the same picture.
var palette = []string{Blue, Grey, Green, Amber, Red, LightBlue}

// maxMagnitude bounds every value before arithmetic. No count or amount on a
// campaign comes near it, and keeping values far from the float64 limits
// means an axis rounded up to a nice number can never overflow to Inf.
const maxMagnitude = 1e15

// clean turns a caller's value into one that is safe to compute with: NaN
// and ±Inf are reported as not usable (the caller treats them as missing or
// zero) and finite values are clamped to ±maxMagnitude.
func clean(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return math.Max(-maxMagnitude, math.Min(maxMagnitude, v)), true
}

// niceMax rounds v up to the next "nice" number 1, 2, 2.5 or 5 × 10^n, the
// values people use when they draw an axis by hand: ticks on such steps read
// at a glance (0, 2,000, 4,000 …) where 0, 1,682, 3,364 would not. Zero,
// negative and non-finite inputs give 1, so a caller always gets a usable
// scale.
func niceMax(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 1
	}
	exp := int(math.Floor(math.Log10(v)))
	p := math.Pow10(exp)
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		// The tolerance absorbs float noise such as 0.1*3, so that a
		// value already nice is not pushed up a whole step.
		if c := m * p; c >= v*(1-1e-9) {
			if math.IsInf(c, 0) {
				return v
			}
			return c
		}
	}
	return v // not reached: 10^(exp+1) > v always
}

// axis is a value scale from lo to hi in n equal steps.
type axis struct {
	lo, hi, step float64
	n            int
	decimals     int // decimals that every tick label needs, e.g. 1 for 2.5
}

// niceAxis chooses a scale that holds min and max and always includes zero,
// because bars and cumulative lines read wrongly on a cut-off axis. It aims
// at five steps of a nice size and accepts three to six.
func niceAxis(min, max float64) axis {
	lo, hi := math.Min(0, min), math.Max(0, max)
	if hi-lo <= 0 {
		hi = 1
	}
	step := niceMax((hi - lo) / 5)
	var a axis
	for range 8 {
		a = axis{
			lo:   math.Floor(lo/step+1e-9) * step,
			hi:   math.Ceil(hi/step-1e-9) * step,
			step: step,
		}
		a.n = int(math.Round((a.hi - a.lo) / step))
		if a.n <= 6 {
			break
		}
		step = niceMax(step * 1.01)
	}
	if a.n < 1 {
		a.n, a.hi = 1, a.lo+step
	}
	a.decimals = decimalsFor(step)
	return a
}

// tick is the value of the i-th tick, computed from lo rather than by
// repeated addition so that float error does not accumulate.
func (a axis) tick(i int) float64 { return a.lo + float64(i)*a.step }

// decimalsFor is the number of decimals that shows step exactly: 0 for
// 2,000, 1 for 2.5, 2 for 0.25.
func decimalsFor(step float64) int {
	for d := 0; d <= 10; d++ {
		x := step * math.Pow10(d)
		if math.Abs(x-math.Round(x)) <= 1e-6*x {
			return d
		}
	}
	return 10
}

// formatNumber writes v with the given decimals and a comma between
// thousands ("7,000", "1,234.50"), as Chinese official statistics do. It
// never writes "-0". Non-finite values, which callers filter out, are shown
// as a dash rather than "NaN".
func formatNumber(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.ContainsAny(s, "123456789") {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// formatValue writes a data value the way a reader expects it: whole
// numbers without decimals ("3,364"), others with up to two ("12.5").
func formatValue(v float64) string {
	if math.Abs(v-math.Round(v)) < 1e-9 {
		return formatNumber(math.Round(v), 0)
	}
	s := formatNumber(v, 2)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatPercent is the default value format of Bars and the label of
// Progress: two decimals and a percent sign, "48.06%", matching the figures
// in the campaign's official reports.
func formatPercent(v float64) string { return formatNumber(v, 2) + "%" }

// num writes a coordinate with at most one decimal. One decimal is finer
// than a screen pixel at any sensible size and keeps the golden files
// short. A non-finite coordinate becomes 0: a wrong point is better than an
// attribute that breaks the whole drawing.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// esc XML-escapes a caller's text for use in element content or in a
// double-quoted attribute. encoding/xml also replaces invalid UTF-8 and
// characters that XML forbids (such as U+0000) with U+FFFD, which keeps the
// output well-formed whatever the database holds.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// colourPattern accepts #rgb, #rgba, #rrggbb, #rrggbbaa and plain colour
// names; anything else (url(...), var(...), quotes) is not a colour.
var colourPattern = regexp.MustCompile(`^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20})$`)

// colour returns c if it is a plain colour and the fallback otherwise, so a
// caller's colour can neither break the markup nor pull in a resource.
func colour(c, fallback string) string {
	if colourPattern.MatchString(c) {
		return c
	}
	return fallback
}

// safeHref keeps links that stay on the web: relative paths, fragments,
// queries and http(s) URLs. Escaping alone would let "javascript:…"
// through, and html/template cannot check a URL inside a string the
// caller has already declared safe, so the check is made here.
func safeHref(h string) (string, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return "", false
	}
	scheme, _, found := strings.Cut(h, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return h, true // no scheme: relative
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		return h, true
	}
	return "", false
}

// runeWidth estimates how wide a character is in em at the chart's fonts.
// Exact metrics depend on the reader's font, so layout leaves some slack;
// the estimate only has to keep labels from colliding.
func runeWidth(r rune) float64 {
	switch {
	case r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
		r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 ||
		r >= 0xffe0 && r <= 0xffe6 || r >= 0x20000):
		return 1 // CJK and full-width forms
	case r == '…' || r == '—':
		return 1
	case strings.ContainsRune("il.,:;|!'1 ", r):
		return 0.32
	case r >= 'A' && r <= 'Z' || r == 'm' || r == 'w' || r == '%':
		return 0.7
	case r < 0x80:
		return 0.56
	default:
		return 0.62
	}
}

// textWidth estimates the width in px of s at the given font size.
func textWidth(s string, fontSize float64) float64 {
	var w float64
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * fontSize
}

// truncate shortens s to at most maxEm em (a CJK character is 1 em, a Latin
// letter about half) and marks the cut with "…". Whole characters are kept,
// so the result is valid UTF-8 whenever s is.
func truncate(s string, maxEm float64) string {
	var w float64
	for i, r := range s {
		w += runeWidth(r)
		if w > maxEm {
			// Make room for the ellipsis, one em wide.
			cut := s[:i]
			for textWidth(cut, 1)+1 > maxEm && cut != "" {
				_, size := lastRune(cut)
				cut = cut[:len(cut)-size]
			}
			return cut + "…"
		}
	}
	return s
}

// lastRune returns the last rune of s and its size in bytes.
func lastRune(s string) (rune, int) {
	var r rune
	size := 0
	for i, c := range s {
		r, size = c, len(s)-i
	}
	return r, size
}

// dim returns a caller's size in px, the default when it is zero or
// negative, and at least min, so that every chart keeps room to draw.
func dim(v, def, min int) int {
	if v <= 0 {
		v = def
	}
	if v < min {
		v = min
	}
	if v > 10000 {
		v = 10000
	}
	return v
}

// svg collects the markup of one chart.
type svg struct{ b strings.Builder }

// open writes the root element: the fixed size (a stylesheet may override
// it, for example width:100%), the viewBox, role="img" and an aria-label so
// a screen reader announces the chart as one picture with its title, and a
// white background so the chart looks the same on any page colour.
func (s *svg) open(kind string, w, h float64, label string) {
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" font-family="%s">`,
		kind, num(w), num(h), num(w), num(h), esc(label), fontFamily)
	s.printf("\n<title>%s</title>\n", esc(label))
}

// close ends the root element.
func (s *svg) close() string {
	s.b.WriteString("</svg>\n")
	return s.b.String()
}

// printf appends markup. The format strings are the package's own; every
// caller's text passes through esc, and every number through num or
// formatNumber, before it reaches here (go vet checks that only strings
// are passed to %s).
func (s *svg) printf(format string, args ...any) {
	fmt.Fprintf(&s.b, format, args...)
}

// text writes a text element at (x, y) with the given anchor, size and
// colour; content must already be escaped.
func (s *svg) text(x, y float64, anchor string, size float64, fill, content string) {
	s.printf(`<text x="%s" y="%s" text-anchor="%s" font-size="%s" fill="%s">%s</text>`+"\n",
		num(x), num(y), anchor, num(size), fill, content)
}

// noData writes the centred notice shown when there is nothing to draw, so
// an empty chart says so instead of looking broken.
func (s *svg) noData(cx, cy float64) {
	s.text(cx, cy+4, "middle", 13, mutedColour, "暂无数据")
}
