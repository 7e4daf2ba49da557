package chart

import (
	"math"
	"strings"
)

// Point is one x label with a value; Missing marks no value (a gap in a
// line), for example a month not reported yet. NaN and ±Inf values are
// treated as missing too.
type Point struct {
	Label   string
	Value   float64
	Missing bool
}

// Series is a named line or bar series. Dashed draws the line dashed and
// without dots, the convention for a plan or target; a solid series is an
// actual and gets a dot on every reported value, so a reader can tell a
// measured month from an interpolated stretch of line.
type Series struct {
	Name   string
	Colour string // empty: a colour from the palette, by position
	Points []Point
	Dashed bool
}

// Line sizes and the frame's typography.
const (
	lineWidth   = 640
	lineHeight  = 280
	tickFont    = 11
	legendFont  = 12
	legendRow   = 20
	legendFirst = 18 // baseline of the first legend row
)

// plotted is a series resolved onto the chart's x slots.
type plotted struct {
	name, colour string
	dashed       bool
	vals         []float64
	ok           []bool
}

// Line draws a line chart with several series over the same x labels (for
// example months "2021-03" … "2021-12"): a plan dashed, the actual solid
// with a dot on each value and its latest value written beside it. The y
// axis runs from min(0, smallest value) to a nice maximum in 3–6 steps of
// 1, 2, 2.5 or 5 × 10^n, with thousands separators; the legend sits at the
// top right and the unit (for example "套") at the top of the y axis.
//
// The x labels are the union of the series' labels in order of first
// appearance, so an actual that stops at 2021-10 lines up with a plan that
// runs to 2021-12 without padding. width and height are the viewBox in px;
// zero gives 640×280.
func Line(title, unit string, series []Series, width, height int) string {
	w, h := float64(dim(width, lineWidth, 240)), float64(dim(height, lineHeight, 160))

	// Resolve the x slots and each series' values on them.
	var labels []string
	slot := map[string]int{} // lookup only: never ranged over, so order stays fixed
	for _, s := range series {
		for _, p := range s.Points {
			if _, seen := slot[p.Label]; !seen {
				slot[p.Label] = len(labels)
				labels = append(labels, p.Label)
			}
		}
	}
	lines := make([]plotted, len(series))
	lo, hi, have := 0.0, 0.0, false
	for i, s := range series {
		l := plotted{
			name:   s.Name,
			colour: colour(s.Colour, palette[i%len(palette)]),
			dashed: s.Dashed,
			vals:   make([]float64, len(labels)),
			ok:     make([]bool, len(labels)),
		}
		for _, p := range s.Points {
			v, ok := clean(p.Value)
			if p.Missing || !ok {
				continue
			}
			// A label repeated within one series: the last value wins, as
			// a later correction of the same month would.
			j := slot[p.Label]
			l.vals[j], l.ok[j] = v, true
			if !have {
				lo, hi, have = v, v, true
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		lines[i] = l
	}
	ax := niceAxis(lo, hi)

	var c svg
	c.open("line", w, h, title)
	c.printf("<desc>%s</desc>\n", esc(lineSummary(unit, labels, lines)))
	c.printf(`<rect width="%s" height="%s" fill="%s"/>`+"\n", num(w), num(h), background)

	// The left margin fits the widest tick label or the unit.
	tickLabels := make([]string, ax.n+1)
	left := textWidth(unit, tickFont)
	for i := range tickLabels {
		tickLabels[i] = formatNumber(ax.tick(i), ax.decimals)
		left = math.Max(left, textWidth(tickLabels[i], tickFont))
	}
	left = math.Min(math.Ceil(left)+20, w/3)
	right := w - 16

	// Legend rows at the top right; they decide where the plot starts.
	rows := layoutLegend(lines, left, right)
	top := 30.0
	if len(rows) > 0 {
		top = legendFirst + float64(len(rows)-1)*legendRow + 26
	}
	bottom := h - 30
	if bottom-top < 40 {
		top = bottom - 40
	}
	y := func(v float64) float64 { return bottom - (v-ax.lo)/(ax.hi-ax.lo)*(bottom-top) }

	// Grid and tick labels; the zero line is the axis and a little darker.
	for i, t := range tickLabels {
		v := ax.tick(i)
		gy := math.Round(y(v)) + 0.5 // on the pixel grid: a crisp 1px line
		stroke := gridColour
		if math.Abs(v) < ax.step/2 {
			stroke = axisColour
		}
		c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(left), num(gy), num(right), num(gy), stroke)
		c.text(left-8, gy+4, "end", tickFont, mutedColour, t)
	}
	if unit != "" {
		c.text(left-8, top-12, "end", tickFont, mutedColour, esc(unit))
	}
	c.legend(rows)

	n := len(labels)
	if n == 0 || !have {
		c.noData((left+right)/2, (top+bottom)/2)
	}
	band := (right - left) / math.Max(1, float64(n))
	x := func(i int) float64 { return left + band*(float64(i)+0.5) }

	// X labels: every k-th one when they would collide, always from the
	// first so that a run of months stays regular.
	widest := 0.0
	short := make([]string, n)
	for i, l := range labels {
		short[i] = truncate(l, 10)
		widest = math.Max(widest, textWidth(short[i], tickFont))
	}
	every := max(1, int(math.Ceil((widest+10)/band)))
	for i := 0; i < n; i += every {
		c.text(x(i), bottom+18, "middle", tickFont, mutedColour, esc(short[i]))
	}

	for _, l := range lines {
		c.series(l, labels, unit, band >= 10, x, y)
	}
	return c.close()
}

// series draws one line: a path broken at missing values, dots, and for an
// actual its latest value, which is the figure a reader looks for first.
// With dots false (points closer than a dot's width, where dots would merge
// into a thick smear) only isolated values and the latest one get a dot.
func (c *svg) series(l plotted, labels []string, unit string, dots bool, x func(int) float64, y func(float64) float64) {
	var d strings.Builder
	pen := false
	for i, ok := range l.ok {
		if !ok {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		if d.Len() > 0 {
			d.WriteByte(' ')
		}
		d.WriteString(cmd + num(x(i)) + " " + num(y(l.vals[i])))
		pen = true
	}
	if d.Len() > 0 {
		dash := ""
		if l.dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		c.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"%s/>`+"\n",
			d.String(), l.colour, dash)
	}

	last := -1
	for i, ok := range l.ok {
		if !ok {
			continue
		}
		last = i
		alone := (i == 0 || !l.ok[i-1]) && (i == len(l.ok)-1 || !l.ok[i+1])
		latest := !l.dashed && i == lastOK(l.ok)
		if !alone && (l.dashed || !dots && !latest) {
			continue // a plan is a line; only an isolated value needs a mark
		}
		// The tooltip names month, series and value: hovering a dot is
		// the quickest way to read an exact figure.
		tip := strings.TrimSpace(labels[i] + " " + l.name + " " + formatValue(l.vals[i]) + unit)
		c.printf(`<circle cx="%s" cy="%s" r="3.5" fill="%s" stroke="%s" stroke-width="1.5"><title>%s</title></circle>`+"\n",
			num(x(i)), num(y(l.vals[i])), l.colour, background, esc(tip))
	}
	if last >= 0 && !l.dashed {
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="12" font-weight="600" fill="%s">%s</text>`+"\n",
			num(x(last)), num(y(l.vals[last])-10), l.colour, esc(formatValue(l.vals[last])))
	}
}

// lastOK is the index of the last reported value, or -1.
func lastOK(ok []bool) int {
	for i := len(ok) - 1; i >= 0; i-- {
		if ok[i] {
			return i
		}
	}
	return -1
}

// legendItem is one series in the legend, placed at x on a row.
type legendItem struct {
	x     float64
	label string // escaped and shortened
	line  plotted
}

// layoutLegend places the named series in rows, right-aligned between
// left and right, wrapping when a row is full. Unnamed series are left out:
// a swatch without a name explains nothing.
func layoutLegend(lines []plotted, left, right float64) [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	var used float64
	flush := func() {
		if len(row) == 0 {
			return
		}
		shift := right - used
		for i := range row {
			row[i].x += shift
		}
		rows = append(rows, row)
		row, used = nil, 0
	}
	for _, l := range lines {
		if strings.TrimSpace(l.name) == "" {
			continue
		}
		name := truncate(l.name, 16)
		iw := 26 + textWidth(name, legendFont)
		gap := 0.0
		if len(row) > 0 {
			gap = 20
		}
		if len(row) > 0 && used+gap+iw > right-left {
			flush()
			gap = 0
		}
		row = append(row, legendItem{x: used + gap, label: esc(name), line: l})
		used += gap + iw
	}
	flush()
	return rows
}

// legend draws the legend rows: a short stroke in the series' style
// (dashed for a plan, with a dot for an actual) and the name.
func (c *svg) legend(rows [][]legendItem) {
	for r, row := range rows {
		by := legendFirst + float64(r)*legendRow
		for _, it := range row {
			ly := by - 4
			dash := ""
			if it.line.dashed {
				dash = ` stroke-dasharray="6 4"`
			}
			c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`+"\n",
				num(it.x), num(ly), num(it.x+20), num(ly), it.line.colour, dash)
			if !it.line.dashed {
				c.printf(`<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", num(it.x+10), num(ly), it.line.colour)
			}
			c.text(it.x+26, by, "start", legendFont, inkColour, it.label)
		}
	}
}

// lineSummary is the chart's text alternative for screen readers: each
// series with its latest value ("实际 2021-10 3,364套").
func lineSummary(unit string, labels []string, lines []plotted) string {
	var parts []string
	for _, l := range lines {
		for i := len(l.ok) - 1; i >= 0; i-- {
			if l.ok[i] {
				parts = append(parts, strings.TrimSpace(l.name+" "+labels[i]+" "+formatValue(l.vals[i])+unit))
				break
			}
		}
	}
	if len(parts) == 0 {
		return "暂无数据"
	}
	return strings.Join(parts, "；")
}
