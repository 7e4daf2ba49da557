package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
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

// TestImportFiguresAsRefresh: the import derives its new items' figures
// in memory and writes them with the rows; they are what the store's own
// derivation (refresh, through RefreshFigures) writes for the same items.
// The sheet mixes a planned quantity, a falling target, a checklist with
// a step done, an item without targets and one past its deadline.
func TestImportFiguresAsRefresh(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.moe.ID, Name: "导入指标", StartsOn: "2026-01-01", EndsOn: "2026-12-31", AsOf: "2026-06-20"})
		if err != nil {
			t.Fatal(err)
		}
		plan := []shishi.PlanPoint{{Period: "2026-03", Value: shishi.DecimalOf(20)}, {Period: "2026-06", Value: shishi.DecimalOf(50)}, {Period: "2026-12", Value: shishi.DecimalOf(100)}}
		rows := []shishi.ItemRow{
			{Row: 3, Code: "F-1", Title: "计划数量", LeadUnit: w.zz.Name, CoopUnits: []string{w.js.Name}, Deadline: "2026-12-31", Public: true,
				Targets: []shishi.TargetRow{{Row: 3, Input: shishi.TargetInput{Name: "数量", Unit: "个", Target: shishi.DecimalOf(100), Plan: plan}},
					{Row: 4, Input: shishi.TargetInput{Name: "等待天数", Unit: "天", Baseline: shishi.DecimalOf(30), Target: shishi.DecimalOf(10), Down: true, Weight: 3}}}},
			{Row: 5, Code: "F-2", Title: "节点", LeadUnit: w.ly.Name, Deadline: "2026-09-30",
				Targets: []shishi.TargetRow{{Row: 5, Input: shishi.TargetInput{Name: "步骤", Kind: shishi.TargetMilestone, Milestones: []shishi.Milestone{
					{Title: "印发通知", Due: "2026-03-31", DoneOn: "2026-03-20"}, {Title: "完成验收", Due: "2026-09-30"}}}}}},
			{Row: 6, Title: "没有指标", LeadUnit: w.js.Name, Deadline: "2026-12-31"},
			{Row: 7, Code: "F-4", Title: "已过期限", LeadUnit: w.zz.Name, Deadline: "2026-03-31",
				Targets: []shishi.TargetRow{{Row: 7, Input: shishi.TargetInput{Name: "数量", Target: shishi.DecimalOf(5), Plan: plan[:1]}}}},
		}
		if n, err := w.db.ImportItems(w.sys, c.ID, rows); err != nil || n != 4 {
			t.Fatalf("import: %d, %v %v", n, err, shishi.ErrorFields(err))
		}
		figures := func() string {
			var out []string
			for _, q := range []string{
				`SELECT id, code, status, completion, rag, overdue, missing, missing_count, last_period, forecast, figures_on, report_from FROM items WHERE campaign_id = $1 ORDER BY id`,
				`SELECT t.id, t.position, t.kind, t.target, t.actual, t.completion, t.plan,
					(SELECT count(*) FROM milestones m WHERE m.target_id = t.id) FROM targets t JOIN items i ON i.id = t.item_id WHERE i.campaign_id = $1 ORDER BY t.id`,
			} {
				rs, err := w.db.SQL().QueryContext(ctx, q, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				cols, _ := rs.Columns()
				for rs.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rs.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					out = append(out, fmt.Sprint(vals...))
				}
				rs.Close()
			}
			return strings.Join(out, "\n")
		}
		imported := figures()
		if !strings.Contains(imported, "2026-06-20") {
			t.Fatalf("figures not derived as of the campaign's day:\n%s", imported)
		}
		// Each is marked for the next derivation, which writes its list card.
		var marked int
		if err := w.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM items WHERE campaign_id = $1 AND figures_until = ''`, c.ID).Scan(&marked); err != nil || marked != 4 {
			t.Fatalf("imported items marked for derivation: %d %v", marked, err)
		}
		if _, err := w.db.SQL().ExecContext(ctx, `UPDATE items SET figures_until = '', rag = '', completion = NULL WHERE campaign_id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := w.db.RefreshFigures(w.sys); err != nil || n < 4 {
			t.Fatalf("refresh: %d %v", n, err)
		}
		if derived := figures(); derived != imported {
			t.Errorf("imported figures differ from the store's derivation:\nimported:\n%s\nderived:\n%s", imported, derived)
		}
		// Each new item reads back with its coop unit, targets and plan.
		items, _, err := w.db.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID, Limit: 10})
		if err != nil || len(items) != 4 {
			t.Fatalf("list: %d %v", len(items), err)
		}
		for _, it := range items {
			if it.Code == "F-1" && (len(it.CoopUnits) != 1 || it.CoopUnits[0].ID != w.js.ID || len(it.Targets) != 2 || len(it.Targets[0].Plan) != 3 || !it.Public) {
				t.Errorf("F-1 read back as %+v", it)
			}
			if it.Code == "F-2" && (len(it.Targets) != 1 || len(it.Targets[0].Milestones) != 2 || it.Targets[0].Milestones[0].DoneOn != "2026-03-20") {
				t.Errorf("F-2 read back as %+v", it)
			}
		}
		if b, _, err := w.db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}

// TestImportCodeTaken: a sheet's code the campaign already uses is a
// fault at its row and column, and nothing of the sheet is stored.
func TestImportCodeTaken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.moe.ID, Name: "编号", StartsOn: "2026-01-01", EndsOn: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		row := func(r int, code string) shishi.ItemRow {
			return shishi.ItemRow{Row: r, Code: code, Title: "事项" + code, LeadUnit: w.zz.Name, Deadline: "2026-12-31"}
		}
		if _, err := w.db.ImportItems(w.sys, c.ID, []shishi.ItemRow{row(3, "A-1")}); err != nil {
			t.Fatal(err)
		}
		_, err = w.db.ImportItems(w.sys, c.ID, []shishi.ItemRow{row(3, "A-2"), row(4, "A-1")})
		f := shishi.ErrorFields(err)
		if shishi.ErrorCode(err) != shishi.EINVALID || len(f) != 1 || f[0].Row != 4 || f[0].Field != "事项编号" {
			t.Fatalf("taken code: %v %+v", err, f)
		}
		if _, n, err := w.db.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID, Limit: 10}); err != nil || n != 1 {
			t.Fatalf("after a refused sheet the campaign has %d items (%v), want 1", n, err)
		}
	})
}

// TestImportWebhooks: an imported item's audit entry is a webhook event
// like any other item.create: a subscription on Zhengzhou gets one
// delivery for the item led there, none for the one led in Luoyang, and
// the chain verifies.
func TestImportWebhooks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ha := w.as(t, w.haAdmin)
		h, err := w.db.CreateWebhook(ha, shishi.WebhookInput{UnitID: w.zz.ID, URL: "https://hooks.example.org/x", Events: []string{"item.*"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.moe.ID, Name: "推送", StartsOn: "2026-01-01", EndsOn: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		rows := []shishi.ItemRow{
			{Row: 3, Code: "W-1", Title: "郑州事项", LeadUnit: w.js.Name, Deadline: "2026-12-31"},
			{Row: 4, Code: "W-2", Title: "洛阳事项", LeadUnit: w.ly.Name, Deadline: "2026-12-31"},
		}
		if _, err := w.db.ImportItems(w.sys, c.ID, rows); err != nil {
			t.Fatal(err)
		}
		ds, n, err := w.db.FindDeliveries(ha, shishi.DeliveryFilter{WebhookID: h.ID})
		if err != nil || n != 1 || ds[0].Event != "item.create" || !strings.Contains(string(ds[0].Payload), "W-1") {
			t.Fatalf("deliveries: %d %+v %v", n, ds, err)
		}
		if b, _, err := w.db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}
