package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// TestPlanColumnMigration: migration 0022 folds each target's plan rows
// into its row, in month order, and back down again; a target without a
// plan keeps none.
func TestPlanColumnMigration(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "计划", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"重点事项"}})
		if err != nil {
			t.Fatal(err)
		}
		plan := []shishi.PlanPoint{{Period: "2026-03", Value: shishi.DecimalOf(20)}, {Period: "2026-06", Value: shishi.DecimalOf(50)}, {Period: "2026-12", Value: shishi.DecimalOf(100)}}
		it, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Code: "P", Title: "计划", LeadUnitID: w.zz.ID, Deadline: "2026-12-31",
			Targets: []shishi.TargetInput{{Name: "数量", Target: shishi.DecimalOf(100), Plan: plan}, {Name: "无计划", Target: shishi.DecimalOf(5)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.MigrateTo(ctx, w.db, 21); err != nil {
			t.Fatalf("down to 21: %v", err)
		}
		var rows int
		if err := w.db.SQL().QueryRow(`SELECT count(*) FROM target_plan WHERE target_id = $1`, it.Targets[0].ID).Scan(&rows); err != nil || rows != 3 {
			t.Fatalf("plan rows after going down: %d %v", rows, err)
		}
		// Rows out of month order, as the old table allowed them.
		if _, err := w.db.SQL().Exec(`DELETE FROM target_plan WHERE target_id = $1 AND period = '2026-03'`, it.Targets[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.SQL().Exec(`INSERT INTO target_plan (target_id, period, value) VALUES ($1, '2026-03', 200000)`, it.Targets[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.MigrateTo(ctx, w.db, 22); err != nil {
			t.Fatalf("up to 22: %v", err)
		}
		var folded, none string
		if err := w.db.SQL().QueryRow(`SELECT plan FROM targets WHERE id = $1`, it.Targets[0].ID).Scan(&folded); err != nil || folded != "2026-03:200000,2026-06:500000,2026-12:1000000" {
			t.Fatalf("folded plan %q %v", folded, err)
		}
		if err := w.db.SQL().QueryRow(`SELECT plan FROM targets WHERE id = $1`, it.Targets[1].ID).Scan(&none); err != nil || none != "" {
			t.Fatalf("a target without a plan: %q %v", none, err)
		}
		got, err := w.db.FindItem(w.sys, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]shishi.PlanPoint(nil), plan...); !slices.Equal(got.Targets[0].Plan, want) || len(got.Targets[1].Plan) != 0 {
			t.Fatalf("plans read back: %+v / %+v", got.Targets[0].Plan, got.Targets[1].Plan)
		}
	})
}
