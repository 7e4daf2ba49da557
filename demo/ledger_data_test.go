package demo

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shishi-edu/shishi"
)

// ledgerUnits maps every unit code of World() to the codes on its path
// from the root (itself included).
func ledgerUnits() map[string][]string {
	out := map[string][]string{}
	var walk func(u UnitSpec, path []string)
	walk = func(u UnitSpec, path []string) {
		p := append(append([]string(nil), path...), u.Code)
		out[u.Code] = p
		for _, c := range u.Children {
			walk(c, p)
		}
	}
	walk(World(), nil)
	return out
}

func within(paths map[string][]string, code, root string) bool {
	for _, c := range paths[code] {
		if c == root {
			return true
		}
	}
	return false
}

func TestLedgerShape(t *testing.T) {
	cs := Ledger()
	if len(cs) != 2 {
		t.Fatalf("campaigns = %d, want 2", len(cs))
	}
	moe, ha := cs[0], cs[1]
	if moe.UnitCode != "moe" || moe.Name != "教育部“我为群众办实事”实践活动（2021年）" {
		t.Errorf("first campaign = %s (%s), want the Ministry's", moe.Name, moe.UnitCode)
	}
	if moe.StartsOn != "2021-03-01" || moe.EndsOn != "2021-12-31" || moe.AsOf != "2021-12-21" {
		t.Errorf("ministry dates = %s..%s as of %s", moe.StartsOn, moe.EndsOn, moe.AsOf)
	}
	wantTiers := []struct {
		name string
		n    int
	}{{"部党组层面重点事项", 12}, {"司局和直属单位重点事项", 135}, {"年内完成的重点民生项目", 17}}
	if len(moe.Tiers) != len(wantTiers) {
		t.Fatalf("ministry tiers = %d, want 3", len(moe.Tiers))
	}
	for i, w := range wantTiers {
		if moe.Tiers[i].Name != w.name || len(moe.Tiers[i].Items) != w.n {
			t.Errorf("ministry tier %d = %s with %d items, want %s with %d", i, moe.Tiers[i].Name, len(moe.Tiers[i].Items), w.name, w.n)
		}
	}
	if ha.UnitCode != "ha" || ha.Name != "河南省教育厅“我为群众办实事”实践活动（2021年）" {
		t.Errorf("second campaign = %s (%s), want Henan's", ha.Name, ha.UnitCode)
	}
	if ha.StartsOn != "2021-05-01" || ha.EndsOn != "2021-12-31" || ha.AsOf != "2021-10-20" {
		t.Errorf("henan dates = %s..%s as of %s", ha.StartsOn, ha.EndsOn, ha.AsOf)
	}
	if len(ha.Tiers) != 1 || ha.Tiers[0].Name != "厅机关办实事重点事项" || len(ha.Tiers[0].Items) != 10 {
		t.Fatalf("henan tiers = %+v, want one tier of 10 items", len(ha.Tiers))
	}
	if first := ha.Tiers[0].Items[0].Title; first != "促进全省青年大学生充分就业" {
		t.Errorf("henan first item = %s", first)
	}
}

func TestLedgerValid(t *testing.T) {
	paths := ledgerUnits()
	reports := map[string]bool{"accepted": true, "returned": true, "submitted": true}
	text := func(where, field, s string, min, max int) {
		if n := utf8.RuneCountInString(s); n < min || n > max {
			t.Errorf("%s: %s has %d characters, want %d–%d", where, field, n, min, max)
		}
	}
	decimal := func(where, s string) shishi.Decimal {
		d, err := shishi.ParseDecimal(s)
		if err != nil {
			t.Errorf("%s: %q: %v", where, s, err)
		}
		return d
	}
	for _, c := range Ledger() {
		for _, d := range []shishi.Date{c.StartsOn, c.EndsOn, c.AsOf} {
			if !d.Valid() {
				t.Errorf("%s: invalid date %q", c.Name, d)
			}
		}
		if _, ok := paths[c.UnitCode]; !ok {
			t.Errorf("%s: unknown unit %q", c.Name, c.UnitCode)
		}
		if !(c.StartsOn <= c.AsOf && c.AsOf <= c.EndsOn) {
			t.Errorf("%s: as-of %s outside %s..%s", c.Name, c.AsOf, c.StartsOn, c.EndsOn)
		}
		codes := map[string]bool{}
		for _, tier := range c.Tiers {
			for _, it := range tier.Items {
				w := c.UnitCode + "/" + it.Code
				text(w, "code", it.Code, 1, 32)
				text(w, "title", it.Title, 1, 200)
				text(w, "description", it.Description, 0, 5000)
				text(w, "leader", it.Leader, 1, 64)
				if codes[it.Code] {
					t.Errorf("%s: duplicate item code", w)
				}
				codes[it.Code] = true
				seen := map[string]bool{}
				for _, u := range append([]string{it.LeadUnit}, it.Coop...) {
					if _, ok := paths[u]; !ok {
						t.Errorf("%s: unknown unit %q", w, u)
					} else if !within(paths, u, c.UnitCode) {
						t.Errorf("%s: unit %q is outside %s", w, u, c.UnitCode)
					}
					if seen[u] {
						t.Errorf("%s: unit %q repeated", w, u)
					}
					seen[u] = true
				}
				if !it.Deadline.Valid() || it.Deadline < c.StartsOn || it.Deadline > c.EndsOn {
					t.Errorf("%s: deadline %q not a day within the campaign", w, it.Deadline)
				}
				if !it.Status.Valid() {
					t.Errorf("%s: status %q", w, it.Status)
				}
				if len(it.Targets) == 0 || len(it.Targets) > 50 {
					t.Errorf("%s: %d targets", w, len(it.Targets))
				}
				nQty, sawMilestone := 0, false
				for j, tg := range it.Targets {
					tw := fmt.Sprintf("%s targets[%d]", w, j)
					text(tw, "name", tg.Name, 1, 200)
					text(tw, "unit", tg.Unit, 0, 20)
					if len(tg.Milestones) > 0 {
						sawMilestone = true
						for _, m := range tg.Milestones {
							text(tw, "milestone", m.Title, 1, 200)
							if !m.Due.Valid() {
								t.Errorf("%s: milestone due %q", tw, m.Due)
							}
							if m.DoneOn != "" && (!m.DoneOn.Valid() || m.DoneOn > c.AsOf || m.DoneOn < c.StartsOn) {
								t.Errorf("%s: milestone done on %q, outside %s..%s", tw, m.DoneOn, c.StartsOn, c.AsOf)
							}
						}
						continue
					}
					if sawMilestone {
						t.Errorf("%s: quantity target after a milestone checklist", tw)
					}
					nQty++
					base, goal := decimal(tw, tg.Baseline), decimal(tw, tg.Target)
					if base == goal || tg.Down != (goal < base) {
						t.Errorf("%s: baseline %s, target %s, down %v", tw, tg.Baseline, tg.Target, tg.Down)
					}
					if len(tg.Plan) == 0 {
						t.Errorf("%s: no plan", tw)
					}
					last := shishi.Period("")
					for _, p := range tg.Plan {
						if !p.Period.Valid() || p.Period <= last {
							t.Errorf("%s: plan month %q not after %q", tw, p.Period, last)
						}
						last = p.Period
						decimal(tw, p.Value)
					}
					if last != "" && last > it.Deadline.Period() {
						t.Errorf("%s: plan runs to %s, past the deadline %s", tw, last, it.Deadline)
					}
				}
				if (it.Status == shishi.StatusDraft || it.Status == shishi.StatusApproved) && len(it.Reports) > 0 {
					t.Errorf("%s: a %s item takes no reports", w, it.Status)
				}
				last := shishi.Period("")
				for _, r := range it.Reports {
					rw := fmt.Sprintf("%s report %s", w, r.Period)
					if !r.Period.Valid() || r.Period <= last {
						t.Errorf("%s: month not after %q", rw, last)
					}
					last = r.Period
					if r.Period < c.StartsOn.Period() || r.Period > c.AsOf.Period() {
						t.Errorf("%s: outside %s..%s", rw, c.StartsOn.Period(), c.AsOf.Period())
					}
					text(rw, "narrative", r.Narrative, 1, 10000)
					if len(r.Values) > nQty {
						t.Errorf("%s: %d values for %d quantity targets", rw, len(r.Values), nQty)
					}
					for j, v := range r.Values {
						if v == "" {
							continue
						}
						if d := decimal(rw, v); d < 0 && !it.Targets[j].Down {
							t.Errorf("%s: negative value %s", rw, v)
						}
					}
					if !reports[r.Status] {
						t.Errorf("%s: status %q", rw, r.Status)
					}
					if r.Status == "returned" && strings.TrimSpace(r.Comment) == "" {
						t.Errorf("%s: returned without a comment", rw)
					}
					if r.Correction != "" {
						text(rw, "correction", r.Correction, 2, 1000)
						if r.Status == "returned" {
							t.Errorf("%s: a returned report is not corrected (file the next version instead)", rw)
						}
					}
				}
			}
		}
	}
}

// TestLedgerDormitory pins the figures of Henan's report: 7000 rural
// teacher dormitories, all begun, 3364 built (48.06 %).
func TestLedgerDormitory(t *testing.T) {
	ha := Ledger()[1]
	for _, it := range ha.Tiers[0].Items {
		begun, built := -1, -1
		for j, tg := range it.Targets {
			switch tg.Name {
			case "农村教师周转宿舍开工":
				begun = j
			case "农村教师周转宿舍建成":
				built = j
			}
		}
		if built < 0 {
			continue
		}
		if begun < 0 || it.Targets[begun].Target != "7000" || it.Targets[built].Target != "7000" {
			t.Fatalf("%s: dormitory targets %+v", it.Code, it.Targets)
		}
		latest := it.Reports[len(it.Reports)-1]
		if latest.Period != "2021-09" || latest.Values[built] != "3364" || latest.Values[begun] != "7000" {
			t.Errorf("%s: latest report %s = %v, want 2021-09 with 7000 begun and 3364 built", it.Code, latest.Period, latest.Values)
		}
		plan := it.Targets[built].Plan
		if plan[0].Period != "2021-05" || plan[len(plan)-1].Period != "2021-12" || plan[len(plan)-1].Value != "7000" {
			t.Errorf("%s: built plan %v, want 2021-05..2021-12 reaching 7000", it.Code, plan)
		}
		if !strings.Contains(latest.Narrative, "48.06%") {
			t.Errorf("%s: latest narrative %q", it.Code, latest.Narrative)
		}
		return
	}
	t.Fatal("no dormitory item in Henan's tier")
}

// ledgerEval derives an item's progress the way the store does: the newest
// version of each month that was not returned counts.
func ledgerEval(c CampaignSpec, spec ItemSpec) (*shishi.Item, []shishi.Period) {
	it := &shishi.Item{Code: spec.Code, Status: spec.Status, Deadline: spec.Deadline}
	for j, tg := range spec.Targets {
		x := shishi.Target{ID: int64(j + 1), Name: tg.Name, Kind: shishi.TargetQuantity, Weight: 1, Down: tg.Down}
		if len(tg.Milestones) > 0 {
			x.Kind = shishi.TargetMilestone
			for _, m := range tg.Milestones {
				x.Milestones = append(x.Milestones, shishi.Milestone{Title: m.Title, Due: m.Due, DoneOn: m.DoneOn})
			}
		} else {
			x.Baseline, _ = shishi.ParseDecimal(tg.Baseline)
			x.Target, _ = shishi.ParseDecimal(tg.Target)
			for _, p := range tg.Plan {
				v, _ := shishi.ParseDecimal(p.Value)
				x.Plan = append(x.Plan, shishi.PlanPoint{Period: p.Period, Value: v})
			}
		}
		it.Targets = append(it.Targets, x)
	}
	obs := map[int64][]shishi.Observation{}
	reported := map[shishi.Period]bool{}
	for _, r := range spec.Reports {
		if r.Status == "returned" {
			continue
		}
		reported[r.Period] = true
		for j, v := range r.Values {
			if v != "" {
				d, _ := shishi.ParseDecimal(v)
				obs[int64(j+1)] = append(obs[int64(j+1)], shishi.Observation{Period: r.Period, Value: d})
			}
		}
	}
	shishi.Evaluate(it, obs, c.AsOf, 90, 70)
	var missing []shishi.Period
	if it.Status == shishi.StatusInProgress || it.Status == shishi.StatusApproved {
		missing = shishi.MissingPeriods(c.StartsOn.Period(), c.AsOf, 5, reported)
	}
	return it, missing
}

// TestLedgerProgress checks the demo shows what it is meant to show at the
// as-of dates (green, amber and red items, missing and returned reports)
// and logs the counts.
func TestLedgerProgress(t *testing.T) {
	cs := Ledger()
	for _, c := range cs {
		rag := map[shishi.RAG]int{}
		for _, tier := range c.Tiers {
			status := map[shishi.ItemStatus]int{}
			tierRAG := map[string]int{}
			var missing, returned, corrected, internal int
			for _, spec := range tier.Items {
				it, miss := ledgerEval(c, spec)
				status[spec.Status]++
				rag[it.RAG]++
				tierRAG[string(it.RAG)]++
				if len(miss) > 0 && spec.Status == shishi.StatusInProgress {
					missing++
				}
				if !spec.Public {
					internal++
				}
				for _, r := range spec.Reports {
					if r.Status == "returned" {
						returned++
					}
					if r.Correction != "" {
						corrected++
					}
				}
			}
			t.Logf("%s / %s: %d items; status %v; RAG %v; in progress with missing reports %d; returned %d; corrected %d; internal %d",
				c.UnitCode, tier.Name, len(tier.Items), sorted(status), sorted(tierRAG), missing, returned, corrected, internal)
		}
		for _, r := range []shishi.RAG{shishi.RAGGreen, shishi.RAGAmber, shishi.RAGRed} {
			if rag[r] == 0 {
				t.Errorf("%s: no %s item", c.UnitCode, r)
			}
		}
	}

	// The Ministry's department tier shows every kind of trouble.
	moe := cs[0]
	var missing, returned, corrected int
	for _, spec := range moe.Tiers[1].Items {
		if _, miss := ledgerEval(moe, spec); len(miss) > 0 && spec.Status == shishi.StatusInProgress {
			missing++
		}
		for _, r := range spec.Reports {
			if r.Status == "returned" {
				returned++
			}
			if r.Correction != "" {
				corrected++
			}
		}
	}
	if missing < 8 || returned < 5 || corrected < 3 {
		t.Errorf("ministry tier 2: %d items missing reports, %d returned, %d corrected; want ≥8, ≥5, ≥3", missing, returned, corrected)
	}
	// Tiers 1 and 3 report every month.
	for _, tier := range []TierSpec{moe.Tiers[0], moe.Tiers[2]} {
		for _, spec := range tier.Items {
			if _, miss := ledgerEval(moe, spec); len(miss) > 0 {
				t.Errorf("ministry %s: missing reports %v", spec.Code, miss)
			}
		}
	}

	// Henan: the dormitories are amber, one item is red, two missed September.
	ha := cs[1]
	var red, late []string
	for _, spec := range ha.Tiers[0].Items {
		it, miss := ledgerEval(ha, spec)
		if it.RAG == shishi.RAGRed {
			red = append(red, spec.Code)
		}
		if len(miss) > 0 {
			late = append(late, fmt.Sprintf("%s%v", spec.Code, miss))
		}
		if spec.Code == "HA-06" {
			if it.RAG != shishi.RAGAmber {
				t.Errorf("HA-06 (dormitories) RAG = %q, want amber", it.RAG)
			}
			if got := it.Targets[2].Completion; got != 48.06 {
				t.Errorf("HA-06 dormitories built completion = %v, want 48.06", got)
			}
		}
	}
	if len(red) != 1 {
		t.Errorf("henan red items = %v, want exactly one", red)
	}
	if len(late) != 2 || !strings.Contains(strings.Join(late, " "), "2021-09") {
		t.Errorf("henan items missing reports = %v, want two missing 2021-09", late)
	}
}

func sorted[K ~string](m map[K]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ")
		}
		name := k
		if name == "" {
			name = "none"
		}
		fmt.Fprintf(&b, "%s=%d", name, m[K(k)])
	}
	return b.String()
}
