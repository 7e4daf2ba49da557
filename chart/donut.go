package chart

import (
	"math"
	"strings"
)

// Part is one slice of a donut: a label (for example "绿" or "已完成"), a
// count, its colour (empty: from the palette by position) and an optional
// link to the list behind the count.
type Part struct {
	Label  string
	Value  float64
	Colour string
	Href   string
}

// Donut sizes: the ring is a fifth of the diameter thick, enough to show
// colour clearly while leaving room for the total in the centre.
const (
	donutSize  = 180
	donutRing  = 0.2
	donutRow   = 24
	donutLabel = 13
)

// Donut draws a donut chart of parts (for example the green, amber, red and
// grey item counts), clockwise from twelve o'clock in the given order, with
// the total in the centre over centreLabel and a legend ("绿 12") on the
// right.
//
// Parts with zero value are left out of the ring but kept in the legend: a
// reader must see "红 0", which is news, rather than wonder whether red
// was forgotten. Negative, NaN and infinite values count as zero. When
// every part is zero the ring is an empty grey circle. size is the side of
// the ring's square in px (zero gives 180); the legend adds its width.
func Donut(title string, parts []Part, centreLabel string, size int) string {
	d := float64(dim(size, donutSize, 80))

	values := make([]float64, len(parts))
	total := 0.0
	for i, p := range parts {
		if v, ok := clean(p.Value); ok && v > 0 {
			values[i] = v
			total += v
		}
	}

	// Legend column: swatch, label, value right-aligned in its own column
	// so that the counts line up like a table.
	labels := make([]string, len(parts))
	counts := make([]string, len(parts))
	labelW, countW := 0.0, 0.0
	for i, p := range parts {
		labels[i] = truncate(p.Label, 10)
		counts[i] = formatValue(values[i])
		labelW = math.Max(labelW, textWidth(labels[i], donutLabel))
		countW = math.Max(countW, textWidth(counts[i], donutLabel))
	}
	legendX := d + 16
	legendW := 0.0
	if len(parts) > 0 {
		legendW = 18 + math.Ceil(labelW) + 16 + math.Ceil(countW)
	}
	w := legendX + legendW + 8
	h := math.Max(d, float64(len(parts)*donutRow)+16)

	var c svg
	c.open("donut", w, h, title)
	c.printf("<desc>%s</desc>\n", esc(donutSummary(parts, counts, total, centreLabel)))
	c.printf(`<rect width="%s" height="%s" fill="%s"/>`+"\n", num(w), num(h), background)

	cx, cy := d/2, h/2
	thick := d * donutRing
	r := d/2 - 4 - thick/2 // the ring's centre line; strokes are centred on it
	if total <= 0 {
		c.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"/>`+"\n",
			num(cx), num(cy), num(r), trackColour, num(thick))
	}

	// Slices are stroked arcs. A thin gap separates neighbours so two
	// slices of similar colour stay distinct; a slice too small for the
	// gap is drawn without it, because hiding a non-zero count would lie.
	nonZero := 0
	for _, v := range values {
		if v > 0 {
			nonZero++
		}
	}
	gap := 0.0
	if nonZero > 1 {
		gap = 2 / r
	}
	start := 0.0
	for i, p := range parts {
		v := values[i]
		if v <= 0 {
			continue
		}
		sweep := v / total * 2 * math.Pi
		tip := esc(p.Label + " " + counts[i] + "（" + formatNumber(v/total*100, 1) + "%）")
		href, link := safeHref(p.Href)
		if link {
			c.printf(`<a href="%s">`+"\n", esc(href))
		}
		col := colour(p.Colour, palette[i%len(palette)])
		if nonZero == 1 {
			// One slice is the whole ring, which an arc cannot draw.
			c.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"><title>%s</title></circle>`+"\n",
				num(cx), num(cy), num(r), col, num(thick), tip)
		} else {
			shrink := math.Min(gap/2, sweep/4)
			a0, a1 := start+shrink, start+sweep-shrink
			large := "0"
			if a1-a0 > math.Pi {
				large = "1"
			}
			c.printf(`<path d="M%s %s A%s %s 0 %s 1 %s %s" fill="none" stroke="%s" stroke-width="%s"><title>%s</title></path>`+"\n",
				num(cx+r*math.Sin(a0)), num(cy-r*math.Cos(a0)), num(r), num(r), large,
				num(cx+r*math.Sin(a1)), num(cy-r*math.Cos(a1)), col, num(thick), tip)
		}
		if link {
			c.printf("</a>\n")
		}
		start += sweep
	}

	// The total in the centre, sized to the hole; the label below it.
	// The figure must fit the hole: about 0.56 em per digit, within 80% of
	// the hole's diameter.
	// A figure too long for the hole at 12px is written in 万 or 亿, as
	// Chinese reports do; the exact total stays in the description.
	hole := r - thick/2
	fit := func(s string) float64 { return 1.6 * hole / (0.56 * float64(len([]rune(s)))) }
	centre := formatValue(total)
	if fit(centre) < 12 {
		centre = compactCN(total)
	}
	big := math.Max(10, math.Round(math.Min(d*0.15, fit(centre))))
	if centreLabel != "" {
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="600" fill="%s">%s</text>`+"\n",
			num(cx), num(cy+big*0.2), num(big), inkColour, esc(centre))
		c.text(cx, cy+big*0.2+16, "middle", 12, mutedColour, esc(truncate(centreLabel, 6)))
	} else {
		c.printf(`<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="600" fill="%s">%s</text>`+"\n",
			num(cx), num(cy+big*0.35), num(big), inkColour, esc(centre))
	}

	// Legend rows, vertically centred beside the ring.
	ly := (h-float64(len(parts)*donutRow))/2 + donutRow/2
	for i, p := range parts {
		y := ly + float64(i*donutRow)
		href, link := safeHref(p.Href)
		if link {
			c.printf(`<a href="%s">`+"\n", esc(href))
		}
		col := colour(p.Colour, palette[i%len(palette)])
		c.printf(`<rect x="%s" y="%s" width="10" height="10" rx="2" fill="%s"/>`+"\n", num(legendX), num(y-5), col)
		labelColour := inkColour
		if link {
			labelColour = Blue
		}
		c.text(legendX+18, y+4.5, "start", donutLabel, labelColour, esc(labels[i]))
		c.text(legendX+legendW, y+4.5, "end", donutLabel, inkColour, esc(counts[i]))
		if link {
			c.printf("</a>\n")
		}
	}
	return c.close()
}

// donutSummary is the text alternative: every part with its count, then
// the total ("绿 12，黄 5，红 0，灰 3；合计 20 事项").
func donutSummary(parts []Part, counts []string, total float64, centreLabel string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "，"
		}
		s += p.Label + " " + counts[i]
	}
	if s != "" {
		s += "；"
	}
	return s + "合计 " + formatValue(total) + " " + centreLabel
}

// compactCN writes a large number with the Chinese myriad units, 万 (10^4),
// 亿 (10^8) and 万亿 (10^12), and at most one decimal: "3.4万", "12亿".
func compactCN(v float64) string {
	units := []struct {
		size float64
		name string
	}{{1e12, "万亿"}, {1e8, "亿"}, {1e4, "万"}}
	for _, u := range units {
		if math.Abs(v) >= u.size {
			s := formatNumber(v/u.size, 1)
			return strings.TrimSuffix(s, ".0") + u.name
		}
	}
	return formatValue(v)
}
