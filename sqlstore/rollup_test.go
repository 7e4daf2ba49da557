package sqlstore_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestCockpitRollups: the stored roll-up of every subtree equals what
// Summarise counts live over the same subtree (items led or co-operated
// by its units), the whole campaign's too; units below are broken down;
// the reach of the reader is kept; a roll-up is as of its count.
func TestCockpitRollups(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		school := func(parent *shishi.Unit, code, name string) *shishi.Unit {
			u, err := w.db.CreateUnit(w.sys, shishi.UnitInput{Code: code, Name: name, Kind: shishi.UnitSchool, ParentID: &parent.ID})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		js1 := school(w.js, "ha-zz-js-1", "金水区第一小学")
		ly1 := school(w.ly, "ha-ly-1", "洛阳市第一中学")
		office, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ha-office", Name: "活动办", UnitID: w.ha.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleOffice}}})
		if err != nil {
			t.Fatal(err)
		}
		oc, zz := w.as(t, office), w.as(t, w.zzOp)
		c, err := w.db.CreateCampaign(oc, shishi.CampaignInput{Name: "河南省实践活动", StartsOn: "2021-05-01", EndsOn: "2021-12-31", Tiers: []string{"厅机关", "市县"}})
		if err != nil {
			t.Fatal(err)
		}
		leads := []*shishi.Unit{w.ha, w.zz, w.js, js1, w.ly, ly1, w.bj}
		leaders := []string{"张伟", "王芳", "李娜"}
		rags := []shishi.RAG{shishi.RAGGreen, shishi.RAGAmber, shishi.RAGRed, shishi.RAGNone}
		statuses := shishi.ItemStatuses
		for i := 0; i < 42; i++ {
			in := shishi.ItemInput{TierID: c.Tiers[i%2].ID, Code: fmt.Sprintf("R-%02d", i), Title: fmt.Sprintf("事项 %d", i), LeaderName: leaders[i%3],
				LeadUnitID: leads[i%len(leads)].ID, Deadline: "2021-12-31", Public: i%4 == 0, Targets: []shishi.TargetInput{{Name: "x", Target: d(t, "10")}}}
			if i%5 == 1 {
				in.CoopUnitIDs = []int64{leads[(i+3)%len(leads)].ID}
			}
			if i%7 == 2 {
				in.CoopUnitIDs = append(in.CoopUnitIDs, js1.ID, w.zz.ID)
			}
			it, err := w.db.CreateItem(oc, c.ID, in)
			if err != nil {
				t.Fatal(i, err)
			}
			// Stored figures as the derivation leaves them: both sides of
			// the comparison read these columns.
			var completion any
			if i%3 != 0 {
				completion = int64(i * 237 % 10000)
			}
			if _, err := w.db.SQL().ExecContext(ctx, `UPDATE items SET rag = $1, overdue = $2, missing_count = $3, completion = $4, status = $5 WHERE id = $6`,
				string(rags[i%4]), i%6 == 0, i%5, completion, string(statuses[i%len(statuses)]), it.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.db.RefreshRollups(oc); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("an office refreshes the roll-ups: %v", err)
		}
		if _, err := w.db.RefreshRollups(w.sys); err != nil {
			t.Fatal(err)
		}
		same := func(who string, r *shishi.Rollup, s *shishi.Summary) {
			t.Helper()
			if r.Items != s.Items || r.Overdue != s.Overdue || r.Missing != s.Missing || r.Closed != s.Closed || r.Avg != s.Avg {
				t.Fatalf("%s: roll-up %d/%d/%d/%d/%v, live %d/%d/%d/%d/%v", who, r.Items, r.Overdue, r.Missing, r.Closed, r.Avg, s.Items, s.Overdue, s.Missing, s.Closed, s.Avg)
			}
			for _, g := range rags {
				if r.RAG[g] != s.RAG[g] {
					t.Fatalf("%s: RAG %q %d, live %d", who, g, r.RAG[g], s.RAG[g])
				}
			}
			for _, st := range statuses {
				if r.ByStatus[st] != s.ByStatus[st] {
					t.Fatalf("%s: status %s %d, live %d", who, st, r.ByStatus[st], s.ByStatus[st])
				}
			}
			rows := func(a, b []shishi.SummaryRow, what string) {
				t.Helper()
				key := func(x shishi.SummaryRow) string { return fmt.Sprintf("%d/%s", x.ID, x.Label) }
				sort.Slice(a, func(i, j int) bool { return key(a[i]) < key(a[j]) })
				sort.Slice(b, func(i, j int) bool { return key(b[i]) < key(b[j]) })
				if len(a) != len(b) {
					t.Fatalf("%s %s: %d rows, live %d", who, what, len(a), len(b))
				}
				for i := range a {
					x, y := a[i], b[i]
					if key(x) != key(y) || x.Items != y.Items || x.Red != y.Red || x.Due != y.Due || x.Rated != y.Rated || math.Abs(x.Sum-y.Sum) > 1e-6 {
						t.Fatalf("%s %s: %+v, live %+v", who, what, x, y)
					}
				}
			}
			rows(r.ByTier, s.ByTier, "tiers")
			rows(r.ByLeader, s.ByLeader, "leaders")
		}
		live := func(ctx context.Context, unit int64) *shishi.Summary {
			t.Helper()
			s, err := w.db.Summarise(ctx, shishi.ItemFilter{CampaignID: c.ID, UnitID: unit})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		flagged := func(ctx context.Context, unit int64) int {
			t.Helper()
			_, n, err := w.db.FindItems(ctx, shishi.ItemFilter{CampaignID: c.ID, UnitID: unit, Flagged: true, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Every subtree as the campaign's office sees it: stored for the
		// units with units below, counted live for a school.
		for _, u := range []*shishi.Unit{w.moe, w.ha, w.zz, w.js, w.ly, w.bj, js1, ly1} {
			r, err := w.db.Cockpit(oc, c.ID, u.ID)
			if err != nil {
				t.Fatal(u.Name, err)
			}
			same(u.Name, r, live(oc, u.ID))
			if r.Flagged != flagged(oc, u.ID) || r.UnitName != u.Name {
				t.Fatalf("%s: flagged %d, live %d; name %q", u.Name, r.Flagged, flagged(oc, u.ID), r.UnitName)
			}
			leaf := u.ID == js1.ID || u.ID == ly1.ID || u.ID == w.bj.ID
			if r.Live != leaf {
				t.Fatalf("%s: live %v", u.Name, r.Live)
			}
		}
		// The whole campaign (the office's default), broken down by the
		// units below the campaign's own unit; an item led from outside
		// it (Beijing) counts in the whole only.
		whole, err := w.db.Cockpit(oc, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		same("whole", whole, live(oc, 0))
		if whole.Items != 42 || whole.UnitID != 0 || whole.Live {
			t.Fatalf("whole: %d items, unit %d, live %v", whole.Items, whole.UnitID, whole.Live)
		}
		children := map[int64]int{}
		for _, ch := range whole.ByChild {
			children[ch.ID] = ch.Items
		}
		if len(children) != 2 || children[w.zz.ID] != live(oc, w.zz.ID).Items || children[w.ly.ID] != live(oc, w.ly.ID).Items {
			t.Fatalf("whole by child: %+v", whole.ByChild)
		}
		ha, _ := w.db.Cockpit(oc, c.ID, w.ha.ID)
		if len(ha.ByChild) != 2 || ha.ByChild[0].Label == "" {
			t.Fatalf("Henan by child: %+v", ha.ByChild)
		}
		// Zhengzhou's operator (no campaign-wide role): its own subtree by
		// default, the subtrees below it, nothing beside it.
		own, err := w.db.Cockpit(zz, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if own.UnitID != w.zz.ID {
			t.Fatalf("zz's default scope: %d", own.UnitID)
		}
		same("zz own", own, live(oc, w.zz.ID))
		if _, err := w.db.Cockpit(zz, c.ID, w.js.ID); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*shishi.Unit{w.ly, w.ha, w.moe} {
			if _, err := w.db.Cockpit(zz, c.ID, u.ID); code(err) != shishi.ENOTFOUND {
				t.Fatalf("zz reads %s's roll-up: %v", u.Name, err)
			}
		}
		if _, err := w.db.Cockpit(oc, c.ID, -1); code(err) != shishi.EINVALID {
			t.Fatalf("unit -1: %v", err)
		}
		if _, err := w.db.Cockpit(oc, c.ID+100, 0); code(err) != shishi.ENOTFOUND {
			t.Fatalf("no such campaign: %v", err)
		}
		if _, err := w.db.Cockpit(oc, c.ID, 99999); code(err) != shishi.ENOTFOUND {
			t.Fatalf("no such unit: %v", err)
		}
		// As of its count: a change shows after the next run.
		before := whole.RAG[shishi.RAGRed]
		if _, err := w.db.SQL().ExecContext(ctx, `UPDATE items SET rag = $1 WHERE campaign_id = $2 AND rag <> $1`, string(shishi.RAGRed), c.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := w.db.Cockpit(oc, c.ID, 0); r.RAG[shishi.RAGRed] != before {
			t.Fatalf("roll-up moved without a count: %d", r.RAG[shishi.RAGRed])
		}
		if _, err := w.db.RefreshRollups(w.sys); err != nil {
			t.Fatal(err)
		}
		if r, _ := w.db.Cockpit(oc, c.ID, 0); r.RAG[shishi.RAGRed] != 42 || !r.AsOf.After(whole.AsOf.Add(-1)) {
			t.Fatalf("after the count: %d red, as of %v", r.RAG[shishi.RAGRed], r.AsOf)
		}
	})
}
