package sqlstore

import (
	"context"
	"sort"

	"github.com/shishi-edu/shishi"
)

// Summarise implements shishi.ItemService: one aggregate over the stored
// figures of the campaign's items in reach, grouped by tier, lead unit and
// leader (the index items_rollup holds every column it reads, in that
// order), folded here into the totals and the three roll-ups.
func (d *DB) Summarise(ctx context.Context, f shishi.ItemFilter) (*shishi.Summary, error) {
	if f.CampaignID <= 0 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "campaign_id", Message: "须指定实践活动 / campaign is required"})
	}
	// As few aggregates as will do, each a count with a FILTER (both
	// dialects): this runs once per item of the campaign. The RAG "none"
	// count and the first status's are what the others leave.
	var q args
	count := func(cond string) string { return "count(*) FILTER (WHERE " + cond + ")" }
	rag := func(r shishi.RAG) string { return count("i.rag = " + q.add(string(r))) }
	// SQLite groups by tier, unit and leader together (the index's order:
	// no sort) and each row counts towards all three roll-ups; PostgreSQL
	// groups each way in one pass (GROUPING SETS), returning a row a tier,
	// a unit and a leader rather than every combination of them.
	set, keys, group := "0", "i.tier_id, i.lead_unit_id, i.leader_name", " GROUP BY i.tier_id, i.lead_unit_id, i.leader_name"
	if d.postgres {
		set = "GROUPING(i.tier_id, i.lead_unit_id, i.leader_name)"
		keys = "COALESCE(i.tier_id, 0), COALESCE(i.lead_unit_id, 0), COALESCE(i.leader_name, '')"
		group = " GROUP BY GROUPING SETS ((i.tier_id), (i.lead_unit_id), (i.leader_name))"
	}
	// The lead unit's name comes with its group (a lookup per group): an
	// IN list of every lead unit's id cost the square of its length to
	// parse and bind, and at national scale (hundreds of thousands of
	// lead units) passed SQLite's limit of 32,766 parameters.
	cols := set + ", " + keys + ", COALESCE((SELECT lu.name FROM units lu WHERE lu.id = i.lead_unit_id), ''), count(*), " +
		rag(shishi.RAGGreen) + ", " + rag(shishi.RAGAmber) + ", " + rag(shishi.RAGRed) + ", " +
		count("i.overdue = "+q.add(true)) + ", " + count("i.missing_count > 0") + ", " +
		count("(i.overdue = "+q.add(true)+" OR i.missing_count > 0)") + ", count(i.completion), COALESCE(sum(i.completion), 0)"
	for _, st := range shishi.ItemStatuses[1:] {
		cols += ", " + count("i.status = "+q.add(string(st)))
	}
	sc, err := d.itemScope(ctx, f)
	if err != nil {
		return nil, err
	}
	where := sc.where(d.postgres, &q, false)
	rows, err := d.read().QueryContext(ctx, `SELECT `+cols+` FROM items i WHERE `+where+group, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	s := &shishi.Summary{RAG: map[shishi.RAG]int{}, ByStatus: map[shishi.ItemStatus]int{}}
	tiers, units, leaders := map[int64]*shishi.SummaryRow{}, map[int64]*shishi.SummaryRow{}, map[string]*shishi.SummaryRow{}
	var sum int64
	var rated int
	for rows.Next() {
		var set int
		var tier, unit int64
		var leader, unitName string
		var n, green, amber, red, overdue, missing, due, withCompletion int
		var completion int64
		byStatus := make([]int, len(shishi.ItemStatuses))
		dest := []any{&set, &tier, &unit, &leader, &unitName, &n, &green, &amber, &red, &overdue, &missing, &due, &withCompletion, &completion}
		for i := range byStatus[1:] {
			dest = append(dest, &byStatus[i+1])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, shishi.Internal(err)
		}
		// GROUPING's bits: 3 = a tier's row, 5 = a unit's, 6 = a leader's;
		// 0 = SQLite's row of all three. Tier rows cover every item once.
		toTier, toUnit, toLeader := set == 0 || set == 3, set == 0 || set == 5, set == 0 || set == 6
		var to [3]*shishi.SummaryRow
		if toTier {
			if tiers[tier] == nil {
				tiers[tier] = &shishi.SummaryRow{ID: tier}
			}
			to[0] = tiers[tier]
		}
		if toUnit {
			if units[unit] == nil {
				units[unit] = &shishi.SummaryRow{ID: unit, Label: unitName}
			}
			to[1] = units[unit]
		}
		if toLeader {
			if leaders[leader] == nil {
				leaders[leader] = &shishi.SummaryRow{Label: leader}
			}
			to[2] = leaders[leader]
		}
		for _, r := range to {
			if r == nil {
				continue
			}
			r.Items += n
			r.Red += red
			r.Due += due
			r.Rated += withCompletion
			r.Sum += fromHundredths(completion)
		}
		if !toTier {
			continue
		}
		none := n - green - amber - red
		byStatus[0] = n
		for _, k := range byStatus[1:] {
			byStatus[0] -= k
		}
		s.Items += n
		s.RAG[shishi.RAGGreen] += green
		s.RAG[shishi.RAGAmber] += amber
		s.RAG[shishi.RAGRed] += red
		s.RAG[shishi.RAGNone] += none
		s.Overdue += overdue
		s.Missing += missing
		for i, st := range shishi.ItemStatuses {
			s.ByStatus[st] += byStatus[i]
		}
		s.Closed = s.ByStatus[shishi.StatusClosed]
		sum += completion
		rated += withCompletion
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	rows.Close()
	if rated > 0 {
		s.Avg = shishi.Round2(fromHundredths(sum) / float64(rated))
	}
	// Names: the campaign's tiers in their order.
	trows, err := d.tierRows(ctx, f.CampaignID)
	if err != nil {
		return nil, err
	}
	for _, t := range trows {
		if r := tiers[t.ID]; r != nil {
			r.Label = t.Label
			s.ByTier = append(s.ByTier, *r)
		}
	}
	for _, r := range units {
		s.ByUnit = append(s.ByUnit, *r)
	}
	for _, r := range leaders {
		s.ByLeader = append(s.ByLeader, *r)
	}
	sort.Slice(s.ByUnit, func(i, j int) bool {
		return s.ByUnit[i].Label < s.ByUnit[j].Label || s.ByUnit[i].Label == s.ByUnit[j].Label && s.ByUnit[i].ID < s.ByUnit[j].ID
	})
	sort.Slice(s.ByLeader, func(i, j int) bool { return s.ByLeader[i].Label < s.ByLeader[j].Label })
	return s, nil
}
