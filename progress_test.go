package shishi_test

import (
	"testing"

	"github.com/shishi-edu/shishi"
)

func dec(t *testing.T, s string) shishi.Decimal {
	t.Helper()
	d, err := shishi.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The seed's dormitory figure: 3364 of 7000 built is 48.06 %.
func TestDormitoryCompletion(t *testing.T) {
	tg := shishi.Target{ID: 1, Name: "农村教师周转宿舍建成", Unit: "套", Baseline: 0, Target: dec(t, "7000"), Weight: 1}
	if c := tg.CompletionOf(dec(t, "3364")); c != 48.06 {
		t.Fatalf("completion %v, want 48.06", c)
	}
	it := &shishi.Item{Status: shishi.StatusInProgress, Deadline: "2021-12-31", Targets: []shishi.Target{tg}}
	it.Targets[0].Plan = []shishi.PlanPoint{{Period: "2021-06", Value: dec(t, "1000")}, {Period: "2021-09", Value: dec(t, "3500")}, {Period: "2021-12", Value: dec(t, "7000")}}
	obs := map[int64][]shishi.Observation{1: {{Period: "2021-07", Value: dec(t, "1800")}, {Period: "2021-08", Value: dec(t, "2600")}, {Period: "2021-09", Value: dec(t, "3364")}}}
	shishi.Evaluate(it, obs, "2021-10-20", 90, 70)
	if it.Completion == nil || *it.Completion != 48.06 || it.Targets[0].Actual == nil || *it.Targets[0].Actual != dec(t, "3364") {
		t.Fatalf("item completion %v actual %v", it.Completion, it.Targets[0].Actual)
	}
	// Planned 3500 by September, reached 3364: 96 % of plan → green.
	if it.RAG != shishi.RAGGreen {
		t.Fatalf("RAG %s", it.RAG)
	}
	// The trend (782 a month) reaches 7000 five months on: end of February 2022.
	if it.Forecast != "2022-02-28" {
		t.Fatalf("forecast %s", it.Forecast)
	}
	// Evaluated after the deadline and unfinished, it is overdue and red.
	shishi.Evaluate(it, obs, "2022-01-10", 90, 70)
	if !it.Overdue || it.RAG != shishi.RAGRed {
		t.Fatalf("after deadline: overdue %v RAG %s", it.Overdue, it.RAG)
	}
}

func TestRAGThresholds(t *testing.T) {
	tg := shishi.Target{ID: 1, Target: dec(t, "100"), Plan: []shishi.PlanPoint{{Period: "2021-09", Value: dec(t, "50")}}}
	for v, want := range map[string]shishi.RAG{"50": shishi.RAGGreen, "45": shishi.RAGGreen, "44": shishi.RAGAmber, "35": shishi.RAGAmber, "34": shishi.RAGRed} {
		it := &shishi.Item{Status: shishi.StatusInProgress, Deadline: "2022-12-31", Targets: []shishi.Target{tg}}
		shishi.Evaluate(it, map[int64][]shishi.Observation{1: {{Period: "2021-09", Value: dec(t, v)}}}, "2021-10-15", 90, 70)
		if it.RAG != want {
			t.Errorf("actual %s of planned 50: %s, want %s", v, it.RAG, want)
		}
	}
	// Drafts are not rated; closed items are green.
	it := &shishi.Item{Status: shishi.StatusDraft, Targets: []shishi.Target{tg}}
	shishi.Evaluate(it, nil, "2021-10-15", 90, 70)
	if it.RAG != shishi.RAGNone {
		t.Fatalf("draft RAG %s", it.RAG)
	}
}

// Weighted item completion caps each target at 100 %: over-fulfilling one
// target (特岗教师 1.7万 against 1.5万) does not hide another's shortfall.
func TestWeightedCompletion(t *testing.T) {
	it := &shishi.Item{Status: shishi.StatusInProgress, Deadline: "2021-12-31", Targets: []shishi.Target{
		{ID: 1, Target: dec(t, "15000"), Weight: 1},
		{ID: 2, Target: dec(t, "100"), Weight: 3},
	}}
	shishi.Evaluate(it, map[int64][]shishi.Observation{1: {{Period: "2021-08", Value: dec(t, "1.7万")}}, 2: {{Period: "2021-08", Value: dec(t, "50")}}}, "2021-09-10", 90, 70)
	if it.Targets[0].Completion != 113.33 || *it.Completion != 62.5 {
		t.Fatalf("target %v item %v", it.Targets[0].Completion, *it.Completion)
	}
	// A falling target: waiting days from 20 down to 5, now 8 → 80 %.
	down := shishi.Target{Baseline: dec(t, "20"), Target: dec(t, "5"), Down: true}
	if c := down.CompletionOf(dec(t, "8")); c != 80 {
		t.Fatalf("down %v", c)
	}
}

func TestMissingPeriods(t *testing.T) {
	got := shishi.MissingPeriods("2021-06", "2021-10-20", 5, map[shishi.Period]bool{"2021-06": true, "2021-08": true})
	want := []shishi.Period{"2021-07", "2021-09"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("missing %v, want %v", got, want)
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]string{"7000": "7000", "48.06": "48.06", "1,700": "1700", "2.5万": "25000", "340万": "3400000", "-3.5": "-3.5", "0.0001": "0.0001"} {
		if d, err := shishi.ParseDecimal(in); err != nil || d.String() != want {
			t.Errorf("%q: %v %v, want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "0.00001", "1e5", "99999999999999999999", "--1", "万"} {
		if _, err := shishi.ParseDecimal(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"7000", "48.06", "2.5万", "-1", "1,234.5678", "9e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := shishi.ParseDecimal(s)
		if err != nil {
			return
		}
		// What parses prints back to a form that parses to the same value.
		d2, err := shishi.ParseDecimal(d.String())
		if err != nil || d2 != d {
			t.Fatalf("%q → %s → %v %v", s, d, d2, err)
		}
	})
}

// Count targets roll up by summing counts: two cities building 3000 and
// 4000 dormitories, with 2000 and 1364 built, are 3364 of 7000 = 48.06 %,
// not the 50.38 % average of 66.67 % and 34.10 %.
func TestRollUpSumsCounts(t *testing.T) {
	a1, a2 := dec(t, "2000"), dec(t, "1364")
	zz := &shishi.Item{Title: "郑州", Status: shishi.StatusInProgress, RAG: shishi.RAGGreen, Targets: []shishi.Target{{Name: "周转宿舍建成", Unit: "套", Kind: shishi.TargetQuantity, Target: dec(t, "3000"), Actual: &a1}}}
	ly := &shishi.Item{Title: "洛阳", Status: shishi.StatusInProgress, RAG: shishi.RAGAmber, Overdue: true, Targets: []shishi.Target{{Name: "周转宿舍建成", Unit: "套", Kind: shishi.TargetQuantity, Target: dec(t, "4000"), Actual: &a2}}}
	draft := &shishi.Item{Title: "草稿", Status: shishi.StatusDraft, Targets: []shishi.Target{{Name: "周转宿舍建成", Unit: "套", Kind: shishi.TargetQuantity, Target: dec(t, "999")}}}
	p := &shishi.Item{Status: shishi.StatusInProgress}
	shishi.RollUp(p, []*shishi.Item{zz, ly, draft})
	if len(p.Targets) != 1 || p.Targets[0].Target != dec(t, "7000") || *p.Targets[0].Actual != dec(t, "3364") || p.Targets[0].Completion != 48.06 {
		t.Fatalf("rolled-up target %+v", p.Targets)
	}
	if *p.Completion != 48.06 || p.RAG != shishi.RAGAmber || !p.Overdue {
		t.Fatalf("parent completion %v RAG %s overdue %v", *p.Completion, p.RAG, p.Overdue)
	}
	// A parent with targets of its own keeps them.
	own := &shishi.Item{Targets: []shishi.Target{{Name: "x"}}}
	shishi.RollUp(own, []*shishi.Item{zz})
	if len(own.Targets) != 1 || own.Targets[0].Name != "x" {
		t.Fatal("own targets replaced")
	}
}

// TestFiguresChangeOn: the next day the figures can change by time alone.
func TestFiguresChangeOn(t *testing.T) {
	it := &shishi.Item{Deadline: "2021-06-20", Targets: []shishi.Target{{Kind: shishi.TargetMilestone, Milestones: []shishi.Milestone{{Due: "2021-06-12"}, {Due: "2021-05-01", DoneOn: "2021-06-09"}}}}}
	for _, c := range []struct{ asOf, want shishi.Date }{
		{"2021-06-03", "2021-06-05"}, // May's report falls due
		{"2021-06-05", "2021-06-09"}, // a step is done
		{"2021-06-09", "2021-06-12"}, // a step falls due
		{"2021-06-12", "2021-06-21"}, // the deadline has passed
		{"2021-06-21", "2021-07-01"}, // a new month
		{"2021-12-31", "2022-01-01"},
	} {
		if got := shishi.FiguresChangeOn(it, c.asOf, 5); got != c.want {
			t.Errorf("as of %s: %s, want %s", c.asOf, got, c.want)
		}
	}
}
