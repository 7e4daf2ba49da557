package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shishi-edu/shishi"
)

// LedgerServices are what the ledger demo writes through.
type LedgerServices struct {
	Units     shishi.UnitService
	Campaigns shishi.CampaignService
	Items     shishi.ItemService
	Reports   shishi.ReportService
	// SetClock moves the store's clock so that reports carry the dates they
	// would have had in 2021 (on time or late); the zero time restores the
	// real clock.
	SetClock func(time.Time)
}

// SeedLedger creates the demo campaigns of Ledger() and drives each item
// through its reports and lifecycle to the state the spec names.
func SeedLedger(ctx context.Context, svc LedgerServices, progress func(done, total int)) error {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	defer svc.SetClock(time.Time{})
	specs := Ledger()
	total, done := 0, 0
	for _, c := range specs {
		for _, t := range c.Tiers {
			total += len(t.Items)
		}
	}
	unitIDs := map[string]int64{}
	unit := func(code string) (int64, error) {
		if id, ok := unitIDs[code]; ok {
			return id, nil
		}
		us, _, err := svc.Units.FindUnits(ctx, shishi.UnitFilter{Code: code, Limit: 1})
		if err != nil {
			return 0, err
		}
		if len(us) != 1 {
			return 0, fmt.Errorf("demo ledger: no unit %q", code)
		}
		unitIDs[code] = us[0].ID
		return us[0].ID, nil
	}
	for _, cs := range specs {
		uid, err := unit(cs.UnitCode)
		if err != nil {
			return err
		}
		svc.SetClock(beijingTime(cs.StartsOn, 9))
		in := shishi.CampaignInput{UnitID: uid, Name: cs.Name, Description: cs.Description, StartsOn: cs.StartsOn, EndsOn: cs.EndsOn, AsOf: cs.AsOf}
		for _, t := range cs.Tiers {
			in.Tiers = append(in.Tiers, t.Name)
		}
		c, err := svc.Campaigns.CreateCampaign(ctx, in)
		if err != nil {
			return fmt.Errorf("demo campaign %s: %w", cs.Name, err)
		}
		for ti, ts := range cs.Tiers {
			for _, is := range ts.Items {
				if err := seedItem(ctx, svc, c, c.Tiers[ti].ID, is, unit); err != nil {
					return fmt.Errorf("demo item %s %s: %w", is.Code, is.Title, err)
				}
				done++
				if progress != nil {
					progress(done, total)
				}
			}
		}
	}
	return nil
}

func beijingTime(d shishi.Date, hour int) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, shishi.Beijing).UTC()
}

func seedItem(ctx context.Context, svc LedgerServices, c *shishi.Campaign, tierID int64, is ItemSpec, unit func(string) (int64, error)) error {
	lead, err := unit(is.LeadUnit)
	if err != nil {
		return err
	}
	in := shishi.ItemInput{TierID: tierID, Code: is.Code, Title: is.Title, Description: is.Description, LeaderName: is.Leader,
		LeadUnitID: lead, Deadline: is.Deadline, Public: is.Public}
	for _, code := range is.Coop {
		id, err := unit(code)
		if err != nil {
			return err
		}
		in.CoopUnitIDs = append(in.CoopUnitIDs, id)
	}
	var quantity []int // indexes of quantity targets
	for i, ts := range is.Targets {
		t := shishi.TargetInput{Name: ts.Name, Unit: ts.Unit, Down: ts.Down}
		if len(ts.Milestones) > 0 {
			t.Kind = shishi.TargetMilestone
			for _, m := range ts.Milestones {
				t.Milestones = append(t.Milestones, shishi.Milestone{Title: m.Title, Due: m.Due, DoneOn: m.DoneOn})
			}
		} else {
			t.Kind = shishi.TargetQuantity
			if t.Baseline, err = shishi.ParseDecimal(ts.Baseline); ts.Baseline != "" && err != nil {
				return err
			}
			if t.Target, err = shishi.ParseDecimal(ts.Target); err != nil {
				return err
			}
			for _, p := range ts.Plan {
				v, err := shishi.ParseDecimal(p.Value)
				if err != nil {
					return err
				}
				t.Plan = append(t.Plan, shishi.PlanPoint{Period: p.Period, Value: v})
			}
			quantity = append(quantity, i)
		}
		in.Targets = append(in.Targets, t)
	}
	svc.SetClock(beijingTime(c.StartsOn, 9))
	it, err := svc.Items.CreateItem(ctx, c.ID, in)
	if err != nil {
		return err
	}
	if is.Status == shishi.StatusDraft {
		return nil
	}
	if _, err := svc.Items.TransitionItem(ctx, it.ID, "approve", "", 0); err != nil {
		return err
	}
	last := c.StartsOn
	for n, rs := range is.Reports {
		// Reports are filed by the due day (the 5th); every seventh comes
		// late, on the 9th.
		day := 3
		if (int(it.ID)+n)%7 == 0 {
			day = 9
		}
		when := shishi.Date(fmt.Sprintf("%s-%02d", rs.Period.Next(), day))
		svc.SetClock(beijingTime(when, 10))
		last = when
		values := func(scale int64) ([]shishi.ReportValue, error) {
			var out []shishi.ReportValue
			for k, s := range rs.Values {
				if s == "" || k >= len(quantity) {
					continue
				}
				v, err := shishi.ParseDecimal(s)
				if err != nil {
					return nil, err
				}
				out = append(out, shishi.ReportValue{TargetID: it.Targets[quantity[k]].ID, Value: v * shishi.Decimal(scale) / 100})
			}
			return out, nil
		}
		in := shishi.ReportInput{Period: rs.Period, Narrative: rs.Narrative}
		if rs.Correction != "" {
			// The first version carried a slip the unit then corrected.
			if in.Values, err = values(95); err != nil {
				return err
			}
			if _, err := svc.Reports.FileReport(ctx, it.ID, in); err != nil {
				return err
			}
			in.Reason = rs.Correction
		}
		if in.Values, err = values(100); err != nil {
			return err
		}
		r, err := svc.Reports.FileReport(ctx, it.ID, in)
		if err != nil {
			return err
		}
		switch rs.Status {
		case "accepted":
			_, err = svc.Reports.ReviewReport(ctx, r.ID, true, "")
		case "returned":
			_, err = svc.Reports.ReviewReport(ctx, r.ID, false, rs.Comment)
		}
		if err != nil {
			return err
		}
	}
	svc.SetClock(beijingTime(last, 15))
	var steps []string
	switch is.Status {
	case shishi.StatusInProgress:
		if len(is.Reports) == 0 {
			steps = []string{"start"}
		}
	case shishi.StatusClosureRequested:
		steps = []string{"start", "request_closure"}
	case shishi.StatusClosed:
		steps = []string{"start", "request_closure", "close"}
	}
	for _, s := range steps {
		cur, err := svc.Items.FindItem(ctx, it.ID)
		if err != nil {
			return err
		}
		if s == "start" && cur.Status != shishi.StatusApproved {
			continue
		}
		note := ""
		if s == "request_closure" {
			note = "各项指标已完成，佐证材料已上传，申请办结。"
		}
		if _, err := svc.Items.TransitionItem(ctx, it.ID, s, note, 0); err != nil {
			return err
		}
	}
	return nil
}
