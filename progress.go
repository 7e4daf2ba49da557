package shishi

import (
	"math"
	"sort"
	"time"
)

// Observation is a target's reported value for a month (the latest
// version of that month's report that was not returned).
type Observation struct {
	Period Period
	Value  Decimal
}

// CompletionOf is the share of the way from baseline to target that value
// has come, in percent (not capped: over-fulfilment shows as above 100).
func (t *Target) CompletionOf(value Decimal) float64 {
	span := float64(t.Target - t.Baseline)
	if span == 0 {
		return 0
	}
	c := float64(value-t.Baseline) / span * 100
	if c < 0 {
		c = 0
	}
	return Round2(c)
}

// Planned is what the trajectory planned by the end of month p: the last
// plan point at or before p, the baseline before the first.
func (t *Target) Planned(p Period) (Decimal, bool) {
	v, ok := t.Baseline, false
	for _, pt := range t.Plan {
		if pt.Period <= p {
			v, ok = pt.Value, true
		}
	}
	return v, ok
}

// Evaluate derives an item's figures as of a day: each target's actual and
// completion, the item's completion (weighted, each target capped at 100 %),
// its RAG against the trajectory with the campaign's thresholds, a forecast
// from the recent trend, and whether it is overdue. obs holds each target's
// observations by target id, in any order.
func Evaluate(it *Item, obs map[int64][]Observation, asOf Date, amberBelow, redBelow int) {
	ref := asOf.Period()
	it.Overdue = it.Status != StatusClosed && it.Status != StatusDraft && it.Deadline.Valid() && asOf > it.Deadline
	var wsum, csum float64
	worst := RAGGreen
	var forecast Date
	for i := range it.Targets {
		t := &it.Targets[i]
		os := append([]Observation(nil), obs[t.ID]...)
		sort.Slice(os, func(a, b int) bool { return os[a].Period < os[b].Period })
		// Only what was reported by the reference month counts.
		for len(os) > 0 && os[len(os)-1].Period > ref {
			os = os[:len(os)-1]
		}
		t.History = make([]PlanPoint, 0, len(os))
		for _, o := range os {
			t.History = append(t.History, PlanPoint{Period: o.Period, Value: o.Value})
		}
		var comp float64
		rag := RAGGreen
		switch t.Kind {
		case TargetMilestone:
			done, due := 0, 0
			for _, m := range t.Milestones {
				if m.DoneOn != "" && m.DoneOn <= asOf {
					done++
				}
				if m.Due <= asOf {
					due++
				}
			}
			if len(t.Milestones) > 0 {
				comp = Round2(float64(done) / float64(len(t.Milestones)) * 100)
			}
			// A checklist counts its steps: target is how many, actual how
			// many are done.
			a := DecimalOf(int64(done))
			t.Actual, t.Target = &a, t.Steps()
			if due > 0 {
				rag = judge(float64(done)/float64(due)*100, amberBelow, redBelow)
			}
		default:
			if len(os) == 0 {
				t.Actual = nil
				comp = 0
			} else {
				last := os[len(os)-1]
				v := last.Value
				t.Actual = &v
				comp = t.CompletionOf(v)
				if it.LastPeriod < last.Period {
					it.LastPeriod = last.Period
				}
			}
			// Against the plan for the last full month before the as-of day.
			prev := Period(asOf.Time().AddDate(0, 0, -asOf.Time().Day()).Format("2006-01"))
			if planned, ok := t.Planned(prev); ok && planned != t.Baseline {
				want := t.CompletionOf(planned)
				if want > 0 {
					rag = judge(comp/want*100, amberBelow, redBelow)
				}
			}
			if f := forecastDate(t, os); f != "" && (forecast == "" || f > forecast) {
				forecast = f
			}
		}
		t.Completion = comp
		w := float64(t.Weight)
		if w <= 0 {
			w = 1
		}
		wsum += w
		csum += w * math.Min(comp, 100)
		worst = worse(worst, rag)
	}
	if wsum > 0 {
		c := Round2(csum / wsum)
		it.Completion = &c
	} else {
		it.Completion = nil
	}
	switch {
	case it.Status == StatusDraft:
		it.RAG = RAGNone
	case it.Status == StatusClosed:
		it.RAG = RAGGreen
	case it.Overdue && (it.Completion == nil || *it.Completion < 100):
		it.RAG = RAGRed
	case len(it.Targets) == 0:
		it.RAG = RAGNone
	default:
		it.RAG = worst
	}
	if it.Completion != nil && *it.Completion >= 100 {
		forecast = ""
	}
	it.Forecast = forecast
}

// Steps is how many steps a milestone target has: Evaluate reports it as
// the target's Target, the steps done as its Actual.
func (t *Target) Steps() Decimal { return DecimalOf(int64(len(t.Milestones))) }

// FiguresChangeOn is the first day after asOf on which an item's derived
// figures (Evaluate, MissingPeriods, RollUp) can change with nothing filed
// or edited: the first of the next month (a new plan point is due, a new
// month's reports count), the day the last month's report falls due (it
// becomes missing), the day after the deadline (overdue), and a milestone's
// due or done day. A store that keeps the figures re-derives them by then.
func FiguresChangeOn(it *Item, asOf Date, dueDay int) Date {
	ref := asOf.Period()
	next := ref.Next().Start()
	consider := func(d Date) {
		if d > asOf && d < next && d.Valid() {
			next = d
		}
	}
	prev := Period(asOf.Time().AddDate(0, 0, -asOf.Time().Day()).Format("2006-01"))
	consider(prev.DueDate(dueDay))
	if it.Deadline.Valid() {
		consider(Date(it.Deadline.Time().AddDate(0, 0, 1).Format("2006-01-02")))
	}
	for _, t := range it.Targets {
		for _, m := range t.Milestones {
			consider(m.Due)
			consider(m.DoneOn)
		}
	}
	return next
}

func judge(share float64, amberBelow, redBelow int) RAG {
	switch {
	case share < float64(redBelow):
		return RAGRed
	case share < float64(amberBelow):
		return RAGAmber
	}
	return RAGGreen
}

func worse(a, b RAG) RAG {
	rank := map[RAG]int{RAGGreen: 0, RAGNone: 0, RAGAmber: 1, RAGRed: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// forecastDate extends the trend of the last three observations to the
// target: the day it would be reached, or "" when the trend does not lead
// there (flat, backwards, or more than ten years away).
func forecastDate(t *Target, os []Observation) Date {
	if len(os) < 2 {
		return ""
	}
	if len(os) > 3 {
		os = os[len(os)-3:]
	}
	first, last := os[0], os[len(os)-1]
	months := monthsBetween(first.Period, last.Period)
	if months <= 0 {
		return ""
	}
	slope := float64(last.Value-first.Value) / float64(months)
	remaining := float64(t.Target - last.Value)
	if t.Down {
		slope, remaining = -slope, -remaining
	}
	if remaining <= 0 {
		return last.Period.End()
	}
	if slope <= 0 {
		return ""
	}
	need := math.Ceil(remaining / slope)
	if need > 120 {
		return ""
	}
	end, _ := time.Parse("2006-01", string(last.Period))
	return Date(end.AddDate(0, int(need)+1, -1).Format("2006-01-02"))
}

func monthsBetween(a, b Period) int {
	ta, _ := time.Parse("2006-01", string(a))
	tb, _ := time.Parse("2006-01", string(b))
	return (tb.Year()-ta.Year())*12 + int(tb.Month()) - int(ta.Month())
}

// MissingPeriods lists the months from the item's first reporting month to
// the last month due by asOf that have no report.
func MissingPeriods(start Period, asOf Date, dueDay int, reported map[Period]bool) []Period {
	var out []Period
	for _, p := range Periods(start, asOf.Period()) {
		if p.DueDate(dueDay) > asOf {
			break
		}
		if !reported[p] {
			out = append(out, p)
		}
	}
	return out
}

// RollUp derives a parent item's figures from its children when the
// parent has no targets of its own (a provincial item split into city
// items). Quantity targets of the same name, unit and direction are summed
// — 3364 dormitories built of 7000 is the sum of the cities' counts, not
// the average of their percentages — and milestone checklists are carried
// over. The parent's RAG is the worst of its children's; it is overdue
// when any open child is. Draft children do not count yet.
func RollUp(parent *Item, children []*Item) {
	if len(parent.Targets) > 0 || len(children) == 0 {
		return
	}
	type key struct {
		name, unit string
		down       bool
	}
	idx := map[key]int{}
	var targets []Target
	worst, rated := RAGGreen, false
	for _, c := range children {
		if c.Status == StatusDraft {
			continue
		}
		if c.RAG != RAGNone {
			worst, rated = worse(worst, c.RAG), true
		}
		parent.Overdue = parent.Overdue || c.Overdue
		for _, t := range c.Targets {
			if t.Kind == TargetMilestone {
				m := t
				m.ID, m.Weight = 0, 1
				targets = append(targets, m)
				continue
			}
			// A child that has not reported stands at its baseline.
			actual := t.Baseline
			if t.Actual != nil {
				actual = *t.Actual
			}
			k := key{t.Name, t.Unit, t.Down}
			i, ok := idx[k]
			if !ok {
				zero := Decimal(0)
				idx[k], i = len(targets), len(targets)
				targets = append(targets, Target{Name: t.Name, Kind: TargetQuantity, Unit: t.Unit, Down: t.Down, Weight: 1,
					Actual: &zero, Plan: []PlanPoint{}, History: []PlanPoint{}})
			}
			s := &targets[i]
			s.Baseline += t.Baseline
			s.Target += t.Target
			*s.Actual += actual
		}
	}
	var wsum, csum float64
	for i := range targets {
		t := &targets[i]
		if t.Kind == TargetQuantity {
			t.Completion = t.CompletionOf(*t.Actual)
		}
		wsum++
		csum += math.Min(t.Completion, 100)
	}
	parent.Targets = targets
	if wsum > 0 {
		c := Round2(csum / wsum)
		parent.Completion = &c
	}
	switch {
	case parent.Status == StatusDraft:
		parent.RAG = RAGNone
	case parent.Status == StatusClosed:
		parent.RAG = RAGGreen
	case rated:
		parent.RAG = worst
	}
}
