package gen

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/sqlstore"
)

// Words for titles: a title search for one area ("食堂") matches about one
// item in twelve.
var (
	areas   = []string{"农村教师周转宿舍", "学校食堂", "校舍安全", "课后服务", "教师培训", "学生营养改善", "校车安全", "心理健康教育", "智慧教育平台", "职业教育实训基地", "普惠性幼儿园", "特殊教育资源教室"}
	actions = []string{"建设", "改造", "提升", "推进", "保障", "完善"}
	leaders = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐明", "孙丽"}
)

// The campaign runs from November 2025 to the end of 2026; its plan has a
// point a month, and each item has reported every month up to October 2026
// (whose report was due on 5 November, before AsOf).
const (
	campaignStart = "2025-11-01"
	campaignEnd   = "2026-12-31"
	firstPeriod   = shishi.Period("2025-11")
	planMonths    = 14
	reportDue     = 5
	itemsPerTx    = 2_000
)

// leadUnit picks an item's lead unit: 2 % provinces, 10 % cities, 48 %
// counties, 40 % schools.
func (g *generator) leadUnit() int64 {
	switch x := g.rng.IntN(100); {
	case x < 2:
		return g.provinces[g.rng.IntN(len(g.provinces))].id
	case x < 12:
		return g.cities[g.rng.IntN(len(g.cities))].id
	case x < 60 || len(g.schools) == 0:
		return g.counties[g.rng.IntN(len(g.counties))].id
	}
	return g.schools[g.rng.IntN(len(g.schools))].id
}

// items creates the national campaign through the store and writes its
// items in bulk: each with one quantity target, a 14-point plan and twelve
// monthly reports with one value. About 30 % of items are internal; 85 %
// are in progress, 5 % ask for closure, 10 % are closed; each progresses
// at its own pace, so RAG spreads over green, amber and red; 5 % are past
// their deadline. Reports are accepted, except some of the last two
// months' (submitted, awaiting review) and 1 % returned.
func (g *generator) items(ctx context.Context) error {
	upd, done := g.progress("事项 items")
	defer done()
	c, err := g.db.CreateCampaign(g.sys, shishi.CampaignInput{UnitID: g.root, Name: "全国教育系统“我为群众办实事”实践活动（生成数据）",
		StartsOn: campaignStart, EndsOn: campaignEnd, AsOf: shishi.DateOf(AsOf), ReportDue: reportDue,
		Tiers: []string{"部党组层面重点事项", "省级重点事项", "市县及学校事项"}})
	if err != nil {
		return err
	}
	g.res.Campaign = c.ID
	var tiers []int64
	rows, err := g.db.SQL().QueryContext(ctx, `SELECT id FROM tiers WHERE campaign_id = $1 ORDER BY position`, c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		tiers = append(tiers, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	s, err := newSink(ctx, g.db.SQL(), g.db.Postgres())
	if err != nil {
		return err
	}
	defer s.close(ctx)
	tItems := s.table("items", "id", "campaign_id", "tier_id", "code", "title", "leader_name", "lead_unit_id", "deadline", "public", "status", "report_from", "version", "created_at", "updated_at")
	tCoop := s.table("item_units", "item_id", "unit_id")
	tTargets := s.table("targets", "id", "item_id", "position", "name", "kind", "unit", "baseline", "target", "down", "weight", "plan")
	tReports := s.table("reports", "id", "item_id", "period", "version", "narrative", "status", "review_comment", "reviewed_by", "reviewed_at", "submitted_by", "submitted_at", "late")
	tValues := s.table("report_values", "report_id", "target_id", "value")

	periods := []shishi.Period{firstPeriod}
	for len(periods) < planMonths {
		periods = append(periods, periods[len(periods)-1].Next())
	}
	var firstItem, firstTarget, reportID int64
	for _, x := range []struct {
		table string
		into  *int64
	}{{"items", &firstItem}, {"targets", &firstTarget}, {"reports", &reportID}} {
		if *x.into, err = g.maxID(ctx, x.table); err != nil {
			return err
		}
	}
	created := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	n := g.res.Items
	for i := 0; i < n; i++ {
		id, tid := firstItem+1+int64(i), firstTarget+1+int64(i)
		tier := tiers[2]
		switch x := g.rng.IntN(20); {
		case x == 0:
			tier = tiers[0]
		case x < 5:
			tier = tiers[1]
		}
		lead := g.leadUnit()
		deadline := campaignEnd
		if g.rng.IntN(20) == 0 {
			deadline = "2026-09-30"
		}
		public := g.rng.Float64() >= 0.30
		status, pace := shishi.StatusInProgress, 0.5+0.65*g.rng.Float64()
		switch x := g.rng.Float64(); {
		case x >= 0.90:
			status, pace = shishi.StatusClosed, float64(planMonths)/ReportMonths
		case x >= 0.85:
			status = shishi.StatusClosureRequested
		}
		title := areas[g.rng.IntN(len(areas))] + actions[g.rng.IntN(len(actions))] + "（" + strconv.Itoa(i+1) + "）"
		tItems.add(id, c.ID, tier, fmt.Sprintf("G-%07d", i+1), title, leaders[g.rng.IntN(len(leaders))], lead, deadline, public, string(status), string(firstPeriod), 1, created, created)
		if g.rng.IntN(5) == 0 {
			if coop := g.leadUnit(); coop != lead {
				tCoop.add(id, coop)
			}
		}
		units := int64(100 + g.rng.IntN(9900))
		plan := make([]shishi.PlanPoint, planMonths)
		for k := range plan {
			plan[k] = shishi.PlanPoint{Period: periods[k], Value: shishi.DecimalOf(units * int64(k+1) / planMonths)}
		}
		tTargets.add(tid, id, 1, "完成数量", string(shishi.TargetQuantity), "个", int64(0), int64(shishi.DecimalOf(units)), false, 1, sqlstore.FoldPlan(plan))
		for k := 0; k < ReportMonths; k++ {
			reportID++
			p := periods[k]
			v := shishi.DecimalOf(min(units, int64(math.Round(float64(units)*pace*float64(k+1)/planMonths))))
			submitted := p.Start().Time().AddDate(0, 1, g.rng.IntN(8)).Add(9 * time.Hour)
			late := shishi.DateOf(submitted) > p.DueDate(reportDue)
			rs, comment, reviewer := shishi.ReportAccepted, "", "gen-office"
			reviewed := sql.NullTime{Time: submitted.Add(48 * time.Hour), Valid: true}
			if reviewed.Time.After(AsOf) {
				reviewed.Time = AsOf.Add(-time.Hour)
			}
			switch x := g.rng.Float64(); {
			case k >= ReportMonths-2 && x < 0.3:
				rs, reviewer, reviewed = shishi.ReportSubmitted, "", sql.NullTime{}
			case x > 0.99:
				rs, comment = shishi.ReportReturned, "数据与佐证不符，请核实 / figures do not match the evidence"
			}
			var at any
			if reviewed.Valid {
				at = reviewed.Time
			}
			tReports.add(reportID, id, string(p), 1, "按计划推进，本月完成情况见数值。", string(rs), comment, reviewer, at, "gen-operator", submitted, late)
			tValues.add(reportID, tid, int64(v))
		}
		if (i+1)%itemsPerTx == 0 || i == n-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.flush(ctx); err != nil {
				return err
			}
			upd(i+1, n)
		}
	}
	return g.sequences(ctx, "items", "targets", "reports")
}

// figures derives every item's stored figures with the store's own
// derivation, 500 items a transaction.
func (g *generator) figures(ctx context.Context) error {
	upd, done := g.progress("指标 figures")
	defer done()
	n, err := g.db.RefreshFigures(g.sys)
	if err != nil {
		return err
	}
	if n != g.res.Items {
		return fmt.Errorf("derived the figures of %d items of %d", n, g.res.Items)
	}
	upd(n, n)
	return nil
}
