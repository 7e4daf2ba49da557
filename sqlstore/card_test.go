package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestItemCards: the item list read from the stored list cards is, byte for
// byte, the list FindItems reads the long way, after every kind of write
// that changes what a list shows; an item whose card was dropped (its
// unit renamed) or never written (imported) is listed the long way and
// gets its card at the next derivation.
func TestItemCards(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		now := time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		sys, zz := w.sys, w.as(t, w.zzOp)
		c, err := w.db.CreateCampaign(sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "河南", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"重点事项"}})
		if err != nil {
			t.Fatal(err)
		}
		tier := c.Tiers[0].ID
		cards := func() int {
			var n int
			if err := w.db.SQL().QueryRow(`SELECT count(*) FROM item_cards c JOIN items i ON i.id = c.item_id WHERE i.campaign_id = $1`, c.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// same compares the two lists for several filters and viewers, and
		// returns the office's whole list as JSON.
		same := func(step string) string {
			t.Helper()
			var whole string
			for _, x := range []struct {
				ctx context.Context
				f   shishi.ItemFilter
			}{
				{sys, shishi.ItemFilter{CampaignID: c.ID}},
				{sys, shishi.ItemFilter{CampaignID: c.ID, Status: shishi.StatusInProgress}},
				{sys, shishi.ItemFilter{CampaignID: c.ID, UnitID: w.ly.ID}},
				{sys, shishi.ItemFilter{CampaignID: c.ID, Limit: 2}},
				{sys, shishi.ItemFilter{CampaignID: c.ID, Limit: 2, After: 2}},
				{zz, shishi.ItemFilter{CampaignID: c.ID}},
				{zz, shishi.ItemFilter{CampaignID: c.ID, HasRAG: true, RAG: shishi.RAGRed}},
			} {
				items, total, err := w.db.FindItems(x.ctx, x.f)
				if err != nil {
					t.Fatalf("%s: FindItems %+v: %v", step, x.f, err)
				}
				got, gotTotal, err := w.db.FindItemCards(x.ctx, x.f)
				if err != nil {
					t.Fatalf("%s: FindItemCards %+v: %v", step, x.f, err)
				}
				if gotTotal != total || len(got) != len(items) {
					t.Fatalf("%s: %+v: cards %d of %d, items %d of %d", step, x.f, len(got), gotTotal, len(items), total)
				}
				for i, it := range items {
					for k := range it.Targets {
						it.Targets[k].History = []shishi.PlanPoint{}
					}
					want, err := json.Marshal(it)
					if err != nil {
						t.Fatal(err)
					}
					if got[i].ID != it.ID || string(got[i].JSON) != string(want) {
						t.Fatalf("%s: %+v: item %d\ncard %s\nlist %s", step, x.f, it.ID, got[i].JSON, want)
					}
					if x.f == (shishi.ItemFilter{CampaignID: c.ID}) && x.ctx == sys {
						whole += string(want) + "\n"
					}
				}
			}
			return whole
		}
		plan := []shishi.PlanPoint{{Period: "2026-03", Value: shishi.DecimalOf(20)}, {Period: "2026-06", Value: shishi.DecimalOf(50)}, {Period: "2026-12", Value: shishi.DecimalOf(100)}}
		parent, err := w.db.CreateItem(sys, c.ID, shishi.ItemInput{TierID: tier, Code: "P", Title: "全省<宿舍>&", LeadUnitID: w.ha.ID, Deadline: "2026-12-31", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		a, err := w.db.CreateItem(sys, c.ID, shishi.ItemInput{TierID: tier, ParentID: &parent.ID, Code: "A", Title: "郑州", LeadUnitID: w.zz.ID, CoopUnitIDs: []int64{w.ly.ID},
			Deadline: "2026-12-31", Targets: []shishi.TargetInput{{Name: "数量", Unit: "个", Target: shishi.DecimalOf(100), Plan: plan},
				{Name: "等待天数", Unit: "天", Baseline: shishi.DecimalOf(30), Target: shishi.DecimalOf(10), Down: true, Weight: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		miles := []shishi.Milestone{{Title: "印发通知", Due: "2026-03-31", DoneOn: "2026-03-20"}, {Title: "完成验收", Due: "2026-09-30"}}
		b, err := w.db.CreateItem(sys, c.ID, shishi.ItemInput{TierID: tier, ParentID: &parent.ID, Code: "B", Title: "洛阳", LeadUnitID: w.ly.ID, Deadline: "2026-05-31",
			Targets: []shishi.TargetInput{{Name: "步骤", Kind: shishi.TargetMilestone, Milestones: miles}}})
		if err != nil {
			t.Fatal(err)
		}
		if n := cards(); n != 3 {
			t.Fatalf("cards after creating 3 items: %d", n)
		}
		same("created")
		for _, id := range []int64{a.ID, b.ID} {
			if _, err := w.db.TransitionItem(sys, id, "approve", "", 0); err != nil {
				t.Fatal(err)
			}
		}
		same("approved")
		r, err := w.db.FileReport(zz, a.ID, shishi.ReportInput{Period: "2026-06", Narrative: "月报", Values: []shishi.ReportValue{{TargetID: a.Targets[0].ID, Value: shishi.DecimalOf(55)}}})
		if err != nil {
			t.Fatal(err)
		}
		filed := same("filed")
		if _, err := w.db.ReviewReport(sys, r.ID, false, "数字有误"); err != nil {
			t.Fatal(err)
		}
		if returned := same("returned"); returned == filed {
			t.Fatal("returning the only report changed no list card")
		}
		if _, err := w.db.UpdateTarget(sys, b.ID, b.Targets[0].ID, shishi.TargetInput{Name: "步骤", Kind: shishi.TargetMilestone,
			Milestones: append(miles, shishi.Milestone{Title: "总结", Due: "2026-05-31"})}); err != nil {
			t.Fatal(err)
		}
		same("target changed")
		// A new day: the refresh job re-derives and rewrites the cards.
		now = now.AddDate(0, 2, 0)
		if _, err := w.db.RefreshFigures(sys); err != nil {
			t.Fatal(err)
		}
		same("two months on")
		// Renaming a co-operating unit drops the cards that name it; the
		// list names the unit anew at once, the long way.
		name := "洛阳市教育局（更名）"
		if _, err := w.db.UpdateUnit(sys, w.ly.ID, 0, shishi.UnitPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if n := cards(); n != 1 { // the parent's only
			t.Fatalf("cards after renaming the unit of two items: %d", n)
		}
		if renamed := same("unit renamed"); !strings.Contains(renamed, name) {
			t.Fatalf("the list does not name the renamed unit: %s", renamed)
		}
		// The import makes the figures job due at once: it has run (not
		// due for an hour) before the import, and is due after it.
		if ok, err := w.db.ClaimRun(sys, shishi.FiguresJob, time.Hour, time.Minute); err != nil || !ok {
			t.Fatalf("claim the figures job: %v %v", ok, err)
		}
		if err := w.db.FinishRun(sys, shishi.FiguresJob, nil); err != nil {
			t.Fatal(err)
		}
		if ok, err := w.db.ClaimRun(sys, shishi.FiguresJob, time.Hour, time.Minute); err != nil || ok {
			t.Fatalf("the figures job due again right after it ran: %v %v", ok, err)
		}
		// Imported items have no card until their first derivation.
		rows := []shishi.ItemRow{{Row: 3, Code: "I-1", Title: "导入", LeadUnit: w.zz.Name, CoopUnits: []string{w.js.Name}, Deadline: "2026-12-31", Public: true,
			Targets: []shishi.TargetRow{{Row: 3, Input: shishi.TargetInput{Name: "数量", Unit: "个", Target: shishi.DecimalOf(100), Plan: plan}}}}}
		if n, err := w.db.ImportItems(sys, c.ID, rows); err != nil || n != 1 {
			t.Fatalf("import: %d %v", n, err)
		}
		same("imported")
		if ok, err := w.db.ClaimRun(sys, shishi.FiguresJob, time.Hour, time.Minute); err != nil || !ok {
			t.Fatalf("the figures job is not due after the import: %v %v", ok, err)
		}
		if _, err := w.db.RefreshFigures(sys); err != nil {
			t.Fatal(err)
		}
		if n := cards(); n != 4 {
			t.Fatalf("cards after the derivation: %d, want 4", n)
		}
		same("derived again")
	})
}
