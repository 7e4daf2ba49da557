package sqlstore_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestStoredFigures: the figures the store keeps on items and targets
// equal what the domain derives afresh from the reports (FindItem runs
// shishi.Evaluate, MissingPeriods and RollUp), after every kind of write —
// a new item, lifecycle moves, filing, correcting, accepting and returning
// reports, target and plan changes, milestones done — and after the clock
// crosses a due day, a month, a milestone and a deadline and the refresh
// job has run. Lists, filters and Summarise read the stored figures.
func TestStoredFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		now := time.Date(2021, 6, 3, 2, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		sys := w.sys
		c, err := w.db.CreateCampaign(sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "河南", StartsOn: "2021-05-01", EndsOn: "2021-12-31", Tiers: []string{"厅机关", "民生项目"}})
		if err != nil {
			t.Fatal(err)
		}
		plan := func(vals ...string) []shishi.PlanPoint {
			var out []shishi.PlanPoint
			p := shishi.Period("2021-05")
			for _, v := range vals {
				out = append(out, shishi.PlanPoint{Period: p, Value: d(t, v)})
				p = p.Next()
			}
			return out
		}
		create := func(in shishi.ItemInput) *shishi.Item {
			t.Helper()
			if in.TierID == 0 {
				in.TierID = c.Tiers[0].ID
			}
			it, err := w.db.CreateItem(sys, c.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return it
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		// A: a quantity with a plan and an early deadline; B: a checklist;
		// P: split into C1 and C2 (two targets, one weighted), no targets of
		// its own; D stays a draft.
		a := create(shishi.ItemInput{Title: "A 周转宿舍", LeaderName: "张伟", LeadUnitID: w.zz.ID, Deadline: "2021-09-30",
			Targets: []shishi.TargetInput{{Name: "建成", Unit: "套", Target: d(t, "1000"), Plan: plan("100", "300", "500", "700", "900", "1000")}}})
		miles := []shishi.Milestone{{Title: "印发方案", Due: "2021-06-15"}, {Title: "完成招标", Due: "2021-07-15"}, {Title: "竣工验收", Due: "2021-08-15"}}
		b := create(shishi.ItemInput{Title: "B 清单", LeaderName: "王芳", LeadUnitID: w.ly.ID, Deadline: "2021-12-31", TierID: c.Tiers[1].ID,
			Targets: []shishi.TargetInput{{Name: "步骤", Kind: shishi.TargetMilestone, Milestones: miles}}})
		p := create(shishi.ItemInput{Title: "P 全省", LeadUnitID: w.ha.ID, Deadline: "2021-12-31"})
		c1 := create(shishi.ItemInput{Title: "C1 郑州", LeaderName: "张伟", ParentID: &p.ID, LeadUnitID: w.zz.ID, Deadline: "2021-12-31",
			Targets: []shishi.TargetInput{{Name: "建成", Unit: "套", Target: d(t, "3000"), Plan: plan("500", "1000", "1500", "2000", "2500", "3000")}}})
		c2 := create(shishi.ItemInput{Title: "C2 洛阳", ParentID: &p.ID, LeadUnitID: w.ly.ID, Deadline: "2021-08-31",
			Targets: []shishi.TargetInput{{Name: "建成", Unit: "套", Target: d(t, "4000"), Plan: plan("400", "800")},
				{Name: "等待天数", Unit: "天", Baseline: d(t, "30"), Target: d(t, "10"), Down: true, Weight: 2}}})
		create(shishi.ItemInput{Title: "D 草稿", LeadUnitID: w.zz.ID, Deadline: "2021-12-31", Targets: []shishi.TargetInput{{Name: "x", Target: d(t, "10")}}})

		check := func(step string) {
			t.Helper()
			checkStoredFigures(t, w, c.ID, step)
		}
		check("created")
		for _, it := range []*shishi.Item{a, b, p, c1, c2} {
			_, err := w.db.TransitionItem(sys, it.ID, "approve", "", 0)
			must(err)
		}
		check("approved")
		file := func(it *shishi.Item, period, reason string, vals ...string) *shishi.Report {
			t.Helper()
			in := shishi.ReportInput{Period: shishi.Period(period), Narrative: "月报", Reason: reason}
			for i, v := range vals {
				in.Values = append(in.Values, shishi.ReportValue{TargetID: it.Targets[i].ID, Value: d(t, v)})
			}
			r, err := w.db.FileReport(sys, it.ID, in)
			must(err)
			return r
		}
		file(a, "2021-05", "", "120")
		check("A reports May")
		file(c1, "2021-05", "", "500")
		r := file(c2, "2021-05", "", "100", "28")
		check("children report May")
		_, err = w.db.ReviewReport(sys, r.ID, true, "")
		must(err)
		check("C2 May accepted")

		// May's reports fell due on 5 June: P's children and B are in
		// progress or approved; missing months appear once refreshed.
		now = time.Date(2021, 6, 6, 2, 0, 0, 0, time.UTC)
		if n, err := w.db.RefreshFigures(sys); err != nil || n == 0 {
			t.Fatalf("refresh after the due day: %d, %v", n, err)
		}
		check("6 June")
		ra := file(a, "2021-05", "数字有误", "90")
		check("A May corrected")
		_, err = w.db.ReviewReport(sys, ra.ID, false, "与佐证不符")
		must(err)
		check("A correction returned")
		r = file(c1, "2021-06", "", "1200")
		_, err = w.db.ReviewReport(sys, r.ID, true, "同意")
		must(err)
		check("C1 June accepted")
		miles[0].DoneOn = "2021-06-04"
		_, err = w.db.UpdateTarget(sys, b.ID, b.Targets[0].ID, shishi.TargetInput{Name: "步骤", Kind: shishi.TargetMilestone, Milestones: miles})
		must(err)
		check("B first step done")
		_, err = w.db.UpdateTarget(sys, a.ID, a.Targets[0].ID, shishi.TargetInput{Name: "建成", Unit: "套", Target: d(t, "1200"), Plan: plan("200", "400", "600", "800", "1000", "1200")})
		must(err)
		check("A target raised")
		if _, err := w.db.UpdateTarget(sys, a.ID, a.Targets[0].ID, shishi.TargetInput{Name: "建成", Kind: shishi.TargetMilestone, Milestones: miles}); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Fatalf("a target changes kind: %v", err)
		}

		for _, day := range []string{"2021-07-01", "2021-07-06", "2021-07-16"} {
			now, _ = time.Parse("2006-01-02", day)
			_, err := w.db.RefreshFigures(sys)
			must(err)
			check(day)
		}
		file(a, "2021-06", "", "700")
		file(c2, "2021-06", "", "900", "20")
		check("June reports")
		_, err = w.db.TransitionItem(sys, a.ID, "request_closure", "已完成建设", 0)
		must(err)
		check("A asks for closure")
		_, err = w.db.TransitionItem(sys, a.ID, "close", "", 0)
		must(err)
		check("A closed")
		_, err = w.db.TransitionItem(sys, a.ID, "reopen", "回头看发现问题", 0)
		must(err)
		check("A reopened")
		_, err = w.db.TransitionItem(sys, p.ID, "start", "", 0)
		must(err)
		check("P started")
		// C2's deadline (31 August) and A's (30 September) pass.
		for _, day := range []string{"2021-09-01", "2021-10-02"} {
			now, _ = time.Parse("2006-01-02", day)
			_, err := w.db.RefreshFigures(sys)
			must(err)
			check(day)
		}
		it, err := w.db.FindItem(sys, p.ID)
		must(err)
		if !it.Overdue || it.RAG != shishi.RAGRed {
			t.Fatalf("P should be overdue through C2: %+v", it)
		}
	})
}

// checkStoredFigures compares the stored figures of every item of the
// campaign (read straight from the tables, and through FindItems,
// Summarise and the RAG filter) with FindItem's fresh derivation.
func checkStoredFigures(t *testing.T, w *world, campaign int64, step string) {
	t.Helper()
	sys, db := w.sys, w.db.SQL()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%s: %s", step, fmt.Sprintf(format, a...))
	}
	fresh := map[int64]*shishi.Item{}
	rows, err := db.Query(`SELECT id, completion, rag, overdue, missing, last_period, forecast FROM items WHERE campaign_id = $1 ORDER BY id`, campaign)
	if err != nil {
		t.Fatal(err)
	}
	type stored struct {
		id                                 int64
		completion                         sql.NullInt64
		rag, missing, lastPeriod, forecast string
		overdue                            bool
	}
	var all []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.id, &s.completion, &s.rag, &s.overdue, &s.missing, &s.lastPeriod, &s.forecast); err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	rows.Close()
	for _, s := range all {
		it, err := w.db.FindItem(sys, s.id)
		if err != nil {
			t.Fatal(err)
		}
		fresh[s.id] = it
		var missing []string
		for _, p := range it.Missing {
			missing = append(missing, string(p))
		}
		want := stored{id: s.id, rag: string(it.RAG), overdue: it.Overdue, missing: strings.Join(missing, ","), lastPeriod: string(it.LastPeriod), forecast: string(it.Forecast)}
		if it.Completion != nil {
			want.completion = sql.NullInt64{Int64: int64(*it.Completion*100 + 0.5), Valid: true}
		}
		if s != want {
			fail("item %d (%s): stored %+v, derived %+v", s.id, it.Title, s, want)
		}
		for _, tg := range it.Targets {
			if tg.ID == 0 {
				continue
			}
			var actual sql.NullInt64
			var completion int64
			if err := db.QueryRow(`SELECT actual, completion FROM targets WHERE id = $1`, tg.ID).Scan(&actual, &completion); err != nil {
				t.Fatal(err)
			}
			if actual.Valid != (tg.Actual != nil) || (tg.Actual != nil && shishi.Decimal(actual.Int64) != *tg.Actual) || float64(completion)/100 != tg.Completion {
				fail("target %d of item %d: stored %v %d, derived %v %v", tg.ID, s.id, actual, completion, tg.Actual, tg.Completion)
			}
		}
	}
	// The list shows the stored figures.
	list, total, err := w.db.FindItems(sys, shishi.ItemFilter{CampaignID: campaign, Limit: 500})
	if err != nil || total != len(fresh) {
		fail("list: %d of %d, %v", len(list), total, err)
	}
	for _, it := range list {
		f := fresh[it.ID]
		if fmt.Sprint(it.Completion != nil, deref(it.Completion), it.RAG, it.Overdue, it.Missing, it.LastPeriod, it.Forecast, len(it.Targets)) !=
			fmt.Sprint(f.Completion != nil, deref(f.Completion), f.RAG, f.Overdue, f.Missing, f.LastPeriod, f.Forecast, len(f.Targets)) {
			fail("listed item %d: %+v, derived %+v", it.ID, it, f)
		}
		for i, tg := range it.Targets {
			ft := f.Targets[i]
			if fmt.Sprint(tg.Actual != nil, derefD(tg.Actual), tg.Completion, tg.Target) != fmt.Sprint(ft.Actual != nil, derefD(ft.Actual), ft.Completion, ft.Target) {
				fail("listed item %d target %d: %+v, derived %+v", it.ID, i, tg, ft)
			}
		}
	}
	// Summarise and the RAG filter count the same.
	sum, err := w.db.Summarise(sys, shishi.ItemFilter{CampaignID: campaign})
	if err != nil {
		t.Fatal(err)
	}
	want := shishi.Summary{RAG: map[shishi.RAG]int{}}
	var total100 float64
	var rated int
	for _, it := range fresh {
		want.Items++
		want.RAG[it.RAG]++
		if it.Overdue {
			want.Overdue++
		}
		if len(it.Missing) > 0 {
			want.Missing++
		}
		if it.Status == shishi.StatusClosed {
			want.Closed++
		}
		if it.Completion != nil {
			total100 += *it.Completion
			rated++
		}
	}
	if rated > 0 {
		want.Avg = shishi.Round2(total100 / float64(rated))
	}
	if sum.Items != want.Items || sum.Overdue != want.Overdue || sum.Missing != want.Missing || sum.Closed != want.Closed || sum.Avg != want.Avg ||
		fmt.Sprint(sum.RAG[shishi.RAGGreen], sum.RAG[shishi.RAGAmber], sum.RAG[shishi.RAGRed], sum.RAG[shishi.RAGNone]) !=
			fmt.Sprint(want.RAG[shishi.RAGGreen], want.RAG[shishi.RAGAmber], want.RAG[shishi.RAGRed], want.RAG[shishi.RAGNone]) {
		fail("summary %+v, derived %+v", sum, want)
	}
	// The roll-ups by tier, lead unit and leader.
	type group struct{ items, red, due, rated int }
	byTier, byUnit, byLeader := map[int64]group{}, map[int64]group{}, map[string]group{}
	for _, it := range fresh {
		add := func(g group) group {
			g.items++
			if it.RAG == shishi.RAGRed {
				g.red++
			}
			if it.Overdue || len(it.Missing) > 0 {
				g.due++
			}
			if it.Completion != nil {
				g.rated++
			}
			return g
		}
		byTier[it.TierID], byUnit[it.LeadUnit.ID], byLeader[it.LeaderName] = add(byTier[it.TierID]), add(byUnit[it.LeadUnit.ID]), add(byLeader[it.LeaderName])
	}
	got := func(rows []shishi.SummaryRow, key func(shishi.SummaryRow) string) string {
		m := map[string]group{}
		for _, r := range rows {
			m[key(r)] = group{r.Items, r.Red, r.Due, r.Rated}
		}
		return fmt.Sprint(m)
	}
	wantOf := func(n int, key func(int) string, g func(int) group) string {
		m := map[string]group{}
		for i := 0; i < n; i++ {
			m[key(i)] = g(i)
		}
		return fmt.Sprint(m)
	}
	var tierIDs, unitIDs []int64
	var leaders []string
	for id := range byTier {
		tierIDs = append(tierIDs, id)
	}
	for id := range byUnit {
		unitIDs = append(unitIDs, id)
	}
	for l := range byLeader {
		leaders = append(leaders, l)
	}
	if got(sum.ByTier, func(r shishi.SummaryRow) string { return fmt.Sprint(r.ID) }) != wantOf(len(tierIDs), func(i int) string { return fmt.Sprint(tierIDs[i]) }, func(i int) group { return byTier[tierIDs[i]] }) ||
		got(sum.ByUnit, func(r shishi.SummaryRow) string { return fmt.Sprint(r.ID) }) != wantOf(len(unitIDs), func(i int) string { return fmt.Sprint(unitIDs[i]) }, func(i int) group { return byUnit[unitIDs[i]] }) ||
		got(sum.ByLeader, func(r shishi.SummaryRow) string { return r.Label }) != wantOf(len(leaders), func(i int) string { return leaders[i] }, func(i int) group { return byLeader[leaders[i]] }) {
		fail("roll-ups: tiers %+v units %+v leaders %+v; derived %v %v %v", sum.ByTier, sum.ByUnit, sum.ByLeader, byTier, byUnit, byLeader)
	}
	for _, rag := range []shishi.RAG{shishi.RAGGreen, shishi.RAGAmber, shishi.RAGRed, shishi.RAGNone} {
		_, n, err := w.db.FindItems(sys, shishi.ItemFilter{CampaignID: campaign, HasRAG: true, RAG: rag})
		if err != nil || n != want.RAG[rag] {
			fail("RAG %q filter: %d, derived %d, %v", rag, n, want.RAG[rag], err)
		}
	}
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func derefD(v *shishi.Decimal) shishi.Decimal {
	if v == nil {
		return 0
	}
	return *v
}
