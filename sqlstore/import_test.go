package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestImportAuditChain: an import writes every item's audit entry and its
// own through one statement cache that keeps the chain's head; the chain
// verifies, and a refused sheet leaves it as it was.
func TestImportAuditChain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.moe.ID, Name: "导入", StartsOn: "2026-01-01", EndsOn: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		seq0, _, err := w.db.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows []shishi.ItemRow
		for i := 1; i <= 5; i++ {
			rows = append(rows, shishi.ItemRow{Row: i + 1, Code: fmt.Sprint("I-", i), Title: fmt.Sprint("导入事项", i), LeadUnit: w.zz.Name, Deadline: "2026-12-31",
				Targets: []shishi.TargetRow{{Row: i + 1, Input: shishi.TargetInput{Name: "数量", Unit: "个", Target: shishi.DecimalOf(10)}}}})
		}
		if n, err := w.db.ImportItems(w.sys, c.ID, rows); err != nil || n != 5 {
			t.Fatalf("import: %d, %v", n, err)
		}
		seq1, _, _ := w.db.AuditHead(ctx)
		if seq1-seq0 < 6 {
			t.Errorf("audit head moved %d entries, want at least 6 (5 items and the import)", seq1-seq0)
		}
		if b, _, err := w.db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain after import: %+v %v", b, err)
		}
		// A refused sheet (an unknown unit on its last row) stores nothing.
		rows[4].LeadUnit = "没有这个单位"
		for i := range rows {
			rows[i].Code = fmt.Sprint("J-", i)
		}
		if _, err := w.db.ImportItems(w.sys, c.ID, rows); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Fatalf("bad sheet: %v, want EINVALID", err)
		}
		if seq2, _, _ := w.db.AuditHead(ctx); seq2 != seq1 {
			t.Errorf("a refused import moved the audit head from %d to %d", seq1, seq2)
		}
		if b, _, err := w.db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain after a refused import: %+v %v", b, err)
		}
	})
}
