package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
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
