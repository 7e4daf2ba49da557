package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// TestListTotalAfterWrites: a list's total (cached between writes) follows
// every write at once — item creation, a grant that widens the reach —
// and never crosses from one actor's reach to another's.
func TestListTotalAfterWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.moe.ID, Name: "计数", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"一"}})
		if err != nil {
			t.Fatal(err)
		}
		zz := w.as(t, w.zzOp)
		total := func() (sys, op int) {
			_, sys, err := w.db.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID, Status: shishi.StatusDraft, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			_, op, err = w.db.FindItems(zz, shishi.ItemFilter{CampaignID: c.ID, Status: shishi.StatusDraft, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return sys, op
		}
		for i := 1; i <= 3; i++ {
			lead := w.ly.ID // outside Zhengzhou's reach
			if i == 3 {
				lead = w.zz.ID
			}
			if _, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Code: fmt.Sprint("C-", i), Title: fmt.Sprint("计数事项", i),
				LeadUnitID: lead, Deadline: "2026-12-31"}); err != nil {
				t.Fatal(err)
			}
			sys, op := total()
			wantOp := 0
			if i == 3 {
				wantOp = 1
			}
			if sys != i || op != wantOp {
				t.Fatalf("after %d items: system sees %d, Zhengzhou's operator %d; want %d and %d", i, sys, op, i, wantOp)
			}
			// A store that has written nothing since it opened counts too.
			fresh := open(t, dsn)
			if _, n, err := fresh.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID, Status: shishi.StatusDraft, Limit: 1}); err != nil || n != i {
				t.Fatalf("a fresh store counts %d, %v; want %d", n, err, i)
			}
			// Asked again without a write: the same totals.
			if s2, o2 := total(); s2 != sys || o2 != op {
				t.Fatalf("asked again: %d, %d; want %d, %d", s2, o2, sys, op)
			}
		}
	})
}

// TestListTotalAcrossOtherWrites: writes that touch nothing a list counts
// (reminder notices, a public complaint) keep the cached totals, while
// every write that changes a total — an item created, a lifecycle move, a
// grant that widens the reach — is seen by the next list at once, as a
// store that never cached anything counts it.
func TestListTotalAcrossOtherWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "计数", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"一"}})
		if err != nil {
			t.Fatal(err)
		}
		ly, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ly-op", Name: "ly-op", UnitID: w.ly.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleOperator}}})
		if err != nil {
			t.Fatal(err)
		}
		inProgress := func(code string) *shishi.Item {
			it, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Code: code, Title: "计数" + code, LeadUnitID: w.zz.ID, Deadline: "2026-03-10",
				Targets: []shishi.TargetInput{{Name: "建成", Target: d(t, "7000")}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []string{"approve", "start"} {
				if _, err := w.db.TransitionItem(w.sys, it.ID, a, "", 0); err != nil {
					t.Fatal(err)
				}
			}
			return it
		}
		f := shishi.ItemFilter{CampaignID: c.ID, Status: shishi.StatusInProgress, Limit: 1}
		check := func(when string, as context.Context, want int) {
			t.Helper()
			if _, n, err := w.db.FindItems(as, f); err != nil || n != want {
				t.Fatalf("%s: total %d, %v; want %d", when, n, err, want)
			}
			if _, n, err := open(t, dsn).FindItems(as, f); err != nil || n != want {
				t.Fatalf("%s: a fresh store counts %d, %v; want %d", when, n, err, want)
			}
		}
		first := inProgress("A")
		check("one item in progress", w.sys, 1)
		if _, err := w.db.RefreshFigures(w.sys); err != nil {
			t.Fatal(err)
		}
		gen := sqlstore.CountGeneration(w.db)
		n, err := w.db.SendReminders(context.Background(), 14*24*time.Hour)
		if err != nil || n == 0 {
			t.Fatalf("reminders: %d notices, %v", n, err)
		}
		if _, err := w.db.Submit(context.Background(), shishi.ComplaintInput{Category: "teacher-pay", UnitID: w.zz.ID, Anonymous: true,
			Body: "郑州市某校教师绩效工资拖欠已有三个月。"}, nil); err != nil {
			t.Fatal(err)
		}
		if g := sqlstore.CountGeneration(w.db); g != gen {
			t.Fatalf("notices and a complaint moved the count cache's generation %d → %d", gen, g)
		}
		check("after notices and a complaint", w.sys, 1)

		inProgress("B")
		check("a second item in progress", w.sys, 2)
		if _, err := w.db.TransitionItem(w.sys, first.ID, "request_closure", "已完成", 0); err != nil {
			t.Fatal(err)
		}
		check("one asked to close", w.sys, 1)
		// Luoyang's operator sees no internal item of Zhengzhou's, until
		// granted the province.
		check("outside the reach", w.as(t, ly), 0)
		grants := []shishi.Grant{{Role: shishi.RoleOperator}, {Role: shishi.RoleOperator, UnitID: w.ha.ID}}
		ly, err = w.db.UpdateUser(w.sys, ly.ID, ly.Version, shishi.UserPatch{Grants: &grants})
		if err != nil {
			t.Fatal(err)
		}
		check("granted the province", w.as(t, ly), 1)
	})
}
