package chart

import "math"

// Bar is one row of a bar chart: a label (for example a key item), its
// value, its colour (empty: Blue; a status colour such as Green or Amber
// makes the chart double as a RAG list) and an optional link to drill down
// to the item.
type Bar struct {
	Label  string
	Value  float64
	Colour string
	Href   string
}

// Bar sizes. Rows are as tall as a compact table row so that a list of
// items reads like the table it summarises.
const (
	barsWidth  = 640
	barRow     = 32
	barHeight  = 14
	barPad     = 8
	labelFont  = 13
	valueFont  = 12
	labelMaxEm = 16 // about 16 CJK characters, then "…"
)

// Bars draws horizontal bars, one per item, in the given order: the label
// on the left (cut with "…" at about 16 CJK characters; the full label is in
// the tooltip), a bar whose length is Value relative to max, and the value
// written at the bar's end by format.
//
// max is the value of a full bar; zero (or less) means the largest value,
// so counts fill the width while percentages can pass 100. A value above
// max draws a full bar but prints its real value: the bar must stay inside
// the chart, the number must stay true. Negative values draw no bar. A NaN
// or infinite value draws no bar and prints "—".
//
// format nil writes a percentage with two decimals ("48.06%"). Its result
// is escaped like every other text. When Href is set, the row is a link;
// only relative and http(s) links are kept. The height follows from the
// number of bars; width zero gives 640.
func Bars(title string, bars []Bar, max float64, format func(float64) string, width int) string {
	w := float64(dim(width, barsWidth, 240))
	if format == nil {
		format = formatPercent
	}

	// The scale: the caller's max, else the largest value, else 1.
	full, ok := clean(max)
	if !ok || full <= 0 {
		full = 0
		for _, b := range bars {
			if v, ok := clean(b.Value); ok {
				full = math.Max(full, v)
			}
		}
	}
	if full <= 0 {
		full = 1
	}

	// Columns: labels, bars, values. The label column takes what the
	// labels need up to 40% of the width; values get what they need.
	labelEm := math.Min(labelMaxEm, math.Floor(w*0.4/labelFont))
	labels := make([]string, len(bars))
	values := make([]string, len(bars))
	labelW, valueW := 0.0, 0.0
	for i, b := range bars {
		labels[i] = truncate(b.Label, labelEm)
		labelW = math.Max(labelW, textWidth(labels[i], labelFont))
		if v, ok := clean(b.Value); ok {
			values[i] = format(v)
		} else {
			values[i] = "—"
		}
		valueW = math.Max(valueW, textWidth(values[i], valueFont))
	}
	barX := barPad + math.Ceil(labelW) + 16
	barMax := w - barPad - math.Min(math.Ceil(valueW)+14, w*0.25) - barX
	if barMax < 40 {
		barMax = 40
	}

	h := float64(2*barPad + barRow*len(bars))
	if len(bars) == 0 {
		h = 80
	}
	var c svg
	c.open("bars", w, h, title)
	c.printf(`<rect width="%s" height="%s" fill="%s"/>`+"\n", num(w), num(h), background)
	if len(bars) == 0 {
		c.noData(w/2, h/2)
		return c.close()
	}

	// The axis at zero. There is no mark at max: a value written at the end
	// of a shorter bar would cross it, and a full bar shows max by itself.
	c.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
		num(barX-0.5), num(barPad), num(barX-0.5), num(h-barPad), axisColour)

	for i, b := range bars {
		top := barPad + float64(i*barRow)
		mid := top + barRow/2
		href, link := safeHref(b.Href)
		if link {
			c.printf(`<a href="%s">`+"\n", esc(href))
		}
		c.printf("<g><title>%s</title>\n", esc(b.Label+"："+values[i]))
		if link {
			// An invisible rectangle makes the whole row clickable, not
			// only the glyphs and the bar.
			c.printf(`<rect x="0" y="%s" width="%s" height="%s" fill="%s" opacity="0"/>`+"\n",
				num(top), num(w), num(barRow), background)
		}
		labelColour := inkColour
		if link {
			labelColour = Blue
		}
		c.text(barPad, mid+4.5, "start", labelFont, labelColour, esc(labels[i]))

		length := 0.0
		if v, ok := clean(b.Value); ok && v > 0 {
			length = math.Min(v/full, 1) * barMax
		}
		if length > 0 {
			c.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s"/>`+"\n",
				num(barX), num(mid-barHeight/2), num(math.Max(length, 1)), num(barHeight), colour(b.Colour, Blue))
		}
		c.text(barX+length+6, mid+4, "start", valueFont, inkColour, esc(values[i]))
		c.printf("</g>\n")
		if link {
			c.printf("</a>\n")
		}
	}
	return c.close()
}
