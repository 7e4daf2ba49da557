package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

func d(t *testing.T, s string) shishi.Decimal {
	t.Helper()
	v, err := shishi.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLedger: the Henan office runs a campaign; the dormitory item reaches
// 3364 of 7000 (48.06 %); the lead unit files, corrects, the office
// reviews; fences hold for internal items.
func TestLedger(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		now := time.Date(2021, 10, 3, 2, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		office, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ha-office", Name: "活动办", UnitID: w.ha.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleOffice}}})
		if err != nil {
			t.Fatal(err)
		}
		lyOp, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ly-op", Name: "洛阳", UnitID: w.ly.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleOperator}}})
		if err != nil {
			t.Fatal(err)
		}
		oc, zz, ly := w.as(t, office), w.as(t, w.zzOp), w.as(t, lyOp)
		// Bad input first: nothing is stored.
		if _, err := w.db.CreateCampaign(oc, shishi.CampaignInput{Name: "", StartsOn: "2021-05-01", EndsOn: "2021-02-30"}); code(err) != shishi.EINVALID || len(shishi.ErrorFields(err)) != 2 {
			t.Fatalf("bad campaign: %v", err)
		}
		if _, err := w.db.CreateCampaign(ly, shishi.CampaignInput{Name: "x", StartsOn: "2021-05-01", EndsOn: "2021-12-31"}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("operator creates a campaign: %v", err)
		}
		c, err := w.db.CreateCampaign(oc, shishi.CampaignInput{Name: "河南省教育厅“我为群众办实事”实践活动", StartsOn: "2021-05-01", EndsOn: "2021-12-31", Tiers: []string{"厅机关办实事重点事项"}})
		if err != nil {
			t.Fatal(err)
		}
		tier := c.Tiers[0].ID
		dorm, err := w.db.CreateItem(oc, c.ID, shishi.ItemInput{TierID: tier, Code: "HA-08", Title: "抓好农村教师周转宿舍建设项目", LeadUnitID: w.zz.ID,
			Deadline: "2021-12-31", Public: true, Targets: []shishi.TargetInput{{Name: "周转宿舍建成", Unit: "套", Target: d(t, "7000"),
				Plan: []shishi.PlanPoint{{Period: "2021-06", Value: d(t, "1000")}, {Period: "2021-09", Value: d(t, "3500")}, {Period: "2021-12", Value: d(t, "7000")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		internal, err := w.db.CreateItem(oc, c.ID, shishi.ItemInput{TierID: tier, Code: "HA-09", Title: "洛阳内部事项", LeadUnitID: w.ly.ID, Deadline: "2021-12-31",
			Targets: []shishi.TargetInput{{Name: "x", Target: d(t, "10")}}})
		if err != nil {
			t.Fatal(err)
		}
		// Bad items: errors name the fields, nothing is stored.
		_, err = w.db.CreateItem(oc, c.ID, shishi.ItemInput{TierID: tier, Code: "HA-08", Title: "重复编号", LeadUnitID: w.zz.ID, Deadline: "2021-12-31"})
		if f := shishi.ErrorFields(err); code(err) != shishi.EINVALID || f[0].Field != "code" {
			t.Fatalf("duplicate code: %v", err)
		}
		_, err = w.db.CreateItem(oc, c.ID, shishi.ItemInput{TierID: tier, Title: "坏指标", LeadUnitID: w.zz.ID, Deadline: "2021-13-01",
			Targets: []shishi.TargetInput{{Name: "x", Target: d(t, "0")}}})
		fields := map[string]bool{}
		for _, f := range shishi.ErrorFields(err) {
			fields[f.Field] = true
		}
		if !fields["deadline"] || !fields["targets[0].target"] {
			t.Fatalf("bad item fields: %v", err)
		}
		if _, err := w.db.CreateItem(zz, c.ID, shishi.ItemInput{TierID: tier, Title: "越权", LeadUnitID: w.zz.ID, Deadline: "2021-12-31"}); code(err) == "" {
			t.Fatal("an operator added an item")
		}
		// Fences: Zhengzhou sees its item and the public one, not Luoyang's internal item.
		if _, err := w.db.FindItem(zz, internal.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("zz reads Luoyang's internal item: %v", err)
		}
		if items, total, _ := w.db.FindItems(oc, shishi.ItemFilter{CampaignID: c.ID}); total != 2 || len(items) != 2 {
			t.Fatalf("office sees %d items", total)
		}
		if _, total, _ := w.db.FindItems(zz, shishi.ItemFilter{CampaignID: c.ID}); total != 1 {
			t.Fatalf("zz sees %d items", total)
		}
		// Lifecycle: reports need an approved item; only the office approves.
		if _, err := w.db.FileReport(zz, dorm.ID, shishi.ReportInput{Period: "2021-09", Narrative: "x"}); code(err) != shishi.ECONFLICT {
			t.Fatalf("report on a draft: %v", err)
		}
		if _, err := w.db.TransitionItem(zz, dorm.ID, "approve", "", 0); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("operator approves: %v", err)
		}
		if _, err := w.db.TransitionItem(oc, dorm.ID, "close", "", 0); code(err) != shishi.ECONFLICT {
			t.Fatalf("close a draft: %v", err)
		}
		if _, err := w.db.TransitionItem(oc, dorm.ID, "approve", "", 0); err != nil {
			t.Fatal(err)
		}
		tid := dorm.Targets[0].ID
		file := func(ctx context.Context, p, v, reason string) (*shishi.Report, error) {
			return w.db.FileReport(ctx, dorm.ID, shishi.ReportInput{Period: shishi.Period(p), Narrative: "实施建设进度月报告制度", Reason: reason, Values: []shishi.ReportValue{{TargetID: tid, Value: d(t, v)}}})
		}
		if _, err := file(ly, "2021-09", "3364", ""); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("Luoyang files for Zhengzhou: %v", err)
		}
		if _, err := file(zz, "2021-08", "2600", ""); err != nil {
			t.Fatal(err)
		}
		r, err := file(zz, "2021-09", "3346", "")
		if err != nil {
			t.Fatal(err)
		}
		// A second report for the month needs a reason and becomes version 2.
		if _, err := file(zz, "2021-09", "3364", ""); code(err) != shishi.EINVALID {
			t.Fatalf("correction without reason: %v", err)
		}
		r2, err := file(zz, "2021-09", "3364", "数字录入有误")
		if err != nil || r2.Version != 2 || r.Version != 1 {
			t.Fatalf("correction: %+v %v", r2, err)
		}
		if _, err := w.db.ReviewReport(oc, r.ID, true, ""); code(err) != shishi.ECONFLICT {
			t.Fatalf("review of a superseded version: %v", err)
		}
		if _, err := w.db.ReviewReport(zz, r2.ID, true, ""); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("operator reviews: %v", err)
		}
		if _, err := w.db.ReviewReport(oc, r2.ID, false, ""); code(err) != shishi.EINVALID {
			t.Fatalf("return without comment: %v", err)
		}
		if _, err := w.db.ReviewReport(oc, r2.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
		it, err := w.db.FindItem(zz, dorm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != shishi.StatusInProgress || it.Completion == nil || *it.Completion != 48.06 || it.Targets[0].Completion != 48.06 || *it.Targets[0].Actual != d(t, "3364") {
			t.Fatalf("dormitories: status %s completion %v target %+v", it.Status, it.Completion, it.Targets[0])
		}
		// Reporting since May: May, June, July are due and missing.
		if len(it.Missing) != 3 || it.Missing[0] != "2021-05" {
			t.Fatalf("missing %v", it.Missing)
		}
		hist, _, _ := w.db.ItemHistory(oc, dorm.ID, shishi.Page{})
		if len(hist) != 3 || hist[0].Action != "start" {
			t.Fatalf("history %+v", hist)
		}
		reps, _, _ := w.db.FindReports(oc, shishi.ReportFilter{ItemID: dorm.ID})
		if len(reps) != 3 || reps[0].Version != 2 || reps[0].Status != shishi.ReportAccepted || len(reps[0].Values) != 1 {
			t.Fatalf("reports %+v", reps)
		}
		// RAG filter pages after evaluation.
		if items, total, err := w.db.FindItems(oc, shishi.ItemFilter{CampaignID: c.ID, HasRAG: true, RAG: shishi.RAGGreen}); err != nil || total != 1 || items[0].ID != dorm.ID {
			t.Fatalf("green items: %d %v", total, err)
		}
	})
}

// TestParentRollUp: a provincial item split into city items takes its
// figures from them, summing counts.
func TestParentRollUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.db.Now = func() time.Time { return time.Date(2021, 10, 3, 2, 0, 0, 0, time.UTC) }
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "河南", StartsOn: "2021-09-01", EndsOn: "2021-12-31", Tiers: []string{"重点事项"}})
		if err != nil {
			t.Fatal(err)
		}
		parent, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Title: "全省周转宿舍", LeadUnitID: w.ha.ID, Deadline: "2021-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			unit          *shishi.Unit
			target, built string
		}{{w.zz, "3000", "2000"}, {w.ly, "4000", "1364"}} {
			ch, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, ParentID: &parent.ID, Title: x.unit.Name + "周转宿舍", LeadUnitID: x.unit.ID,
				Deadline: "2021-12-31", Targets: []shishi.TargetInput{{Name: "周转宿舍建成", Unit: "套", Target: d(t, x.target)}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.TransitionItem(w.sys, ch.ID, "approve", "", 0); err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.FileReport(w.sys, ch.ID, shishi.ReportInput{Period: "2021-09", Narrative: "月报", Values: []shishi.ReportValue{{TargetID: ch.Targets[0].ID, Value: d(t, x.built)}}}); err != nil {
				t.Fatal(err)
			}
		}
		p, err := w.db.FindItem(w.sys, parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ChildCount != 2 || len(p.Targets) != 1 || *p.Targets[0].Actual != d(t, "3364") || p.Targets[0].Target != d(t, "7000") || *p.Completion != 48.06 {
			t.Fatalf("parent: %d children, targets %+v, completion %v", p.ChildCount, p.Targets, p.Completion)
		}
		// The tier counts top-level items only.
		if cc, _ := w.db.FindCampaign(w.sys, c.ID); cc.Tiers[0].ItemCount != 1 {
			t.Fatalf("tier count %d", cc.Tiers[0].ItemCount)
		}
	})
}

// TestReminders: the lead unit's operator hears of missing months and an
// approaching deadline once, however often the job runs.
func TestReminders(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.db.Now = func() time.Time { return time.Date(2021, 12, 10, 2, 0, 0, 0, time.UTC) }
		c, _ := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "河南", StartsOn: "2021-09-01", EndsOn: "2021-12-31", Tiers: []string{"重点事项"}})
		it, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Title: "周转宿舍", LeadUnitID: w.zz.ID, Deadline: "2021-12-20",
			Targets: []shishi.TargetInput{{Name: "建成", Target: d(t, "7000")}}})
		if err != nil {
			t.Fatal(err)
		}
		w.db.TransitionItem(w.sys, it.ID, "approve", "", 0)
		w.db.TransitionItem(w.sys, it.ID, "start", "", 0)
		n, err := w.db.SendReminders(context.Background(), 14*24*time.Hour)
		// September, October, November are due and missing; the deadline is near.
		if err != nil || n != 4 {
			t.Fatalf("first run: %d notices, %v", n, err)
		}
		if n, _ := w.db.SendReminders(context.Background(), 14*24*time.Hour); n != 0 {
			t.Fatalf("second run sent %d more", n)
		}
		ns, _, unread, _ := w.db.FindNotices(w.as(t, w.zzOp), shishi.Page{Limit: 10})
		if unread != 4 || !strings.Contains(ns[len(ns)-1].Text+ns[0].Text, "催") {
			t.Fatalf("zz's notices: %d unread %+v", unread, ns)
		}
		// Nobody outside the lead unit is told.
		if _, _, unread, _ := w.db.FindNotices(w.as(t, w.admin), shishi.Page{Limit: 10}); unread != 0 {
			t.Fatalf("admin got %d notices", unread)
		}
	})
}
