package chart

import "math"

// Progress sizes: slim enough to sit in a table row next to its figure.
const (
	progressWidth  = 120
	progressHeight = 8
)

// Progress draws a slim horizontal progress bar of percent (0–100) in the
// caller's colour (empty: Blue) on a grey track, width px wide, for table
// cells. It draws no number: the table shows the figure beside it, and the
// bar's title and aria-label carry it ("48.06%") for tooltips and screen
// readers.
//
// The bar is clamped to 0–100 so it never leaves its track, while the
// label keeps the real figure (an over-achieved target reads "112.50%").
// NaN and infinite percents count as 0. width zero gives 120.
func Progress(percent float64, fill string, width int) string {
	w := float64(dim(width, progressWidth, 16))
	p, ok := clean(percent)
	if !ok {
		p = 0
	}
	label := formatPercent(p)

	var c svg
	c.open("progress", w, progressHeight, label)
	r := progressHeight / 2.0
	c.printf(`<rect width="%s" height="%s" rx="%s" fill="%s"/>`+"\n", num(w), num(progressHeight), num(r), trackColour)
	if length := math.Max(0, math.Min(p, 100)) / 100 * w; length > 0 {
		// Round ends look wrong on a sliver; shrink the radius with it.
		c.printf(`<rect width="%s" height="%s" rx="%s" fill="%s"/>`+"\n",
			num(math.Max(length, 1)), num(progressHeight), num(math.Min(r, length/2)), colour(fill, Blue))
	}
	return c.close()
}
