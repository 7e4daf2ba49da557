package sqlstore

import (
	"context"

	"github.com/shishi-edu/shishi"
)

// SupervisionReport implements shishi.SupervisionService: the group's
// visits (by the day visited, or planned) and the findings raised in the
// period, summed by covered unit (a school counts under its university).
func (d *DB) SupervisionReport(ctx context.Context, groupID int64, from, to shishi.Date) (*shishi.SupervisionReport, error) {
	var v shishi.Validator
	v.Check(from.Valid(), "from", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(to.Valid(), "to", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if from.Valid() && to.Valid() && to < from {
		v.Add("to", "结束日期不能早于开始日期 / must not be before from")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	g, err := d.FindGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	rep := &shishi.SupervisionReport{Group: g, From: from, To: to, AsOf: d.Today(), Visits: []*shishi.Visit{}, Findings: []*shishi.Finding{}}
	for after := int64(0); ; {
		vs, _, err := d.FindVisits(ctx, shishi.VisitFilter{GroupID: groupID, From: from, To: to, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		rep.Visits = append(rep.Visits, vs...)
		if len(vs) < 500 {
			break
		}
		after = vs[len(vs)-1].ID
	}
	for after := int64(0); ; {
		fs, _, err := d.FindFindings(ctx, shishi.FindingFilter{GroupID: groupID, From: from, To: to, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		rep.Findings = append(rep.Findings, fs...)
		if len(fs) < 500 {
			break
		}
		after = fs[len(fs)-1].ID
	}
	// The covered unit each visited or found unit belongs to.
	rows, err := d.read().QueryContext(ctx, `SELECT x.id, gu.unit_id FROM sup_group_units gu JOIN units c ON c.id = gu.unit_id JOIN units x ON x.path LIKE c.path || '%'
		WHERE gu.group_id = $1 AND (x.id IN (SELECT unit_id FROM findings WHERE group_id = $1) OR x.id IN (SELECT unit_id FROM sup_visits WHERE group_id = $1))`, groupID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	under := map[int64]int64{}
	for rows.Next() {
		var x, c int64
		if err := rows.Scan(&x, &c); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		under[x] = c
	}
	rows.Close()
	lines := map[int64]*shishi.ReportLine{}
	newLine := func(u shishi.UnitRef) *shishi.ReportLine {
		return &shishi.ReportLine{Unit: u, Severity: map[string]int{}, Open: map[shishi.Colour]int{shishi.ColourGreen: 0, shishi.ColourYellow: 0, shishi.ColourRed: 0}}
	}
	for _, u := range g.Units {
		lines[u.ID] = newLine(u)
	}
	rep.Total = *newLine(shishi.UnitRef{Name: "合计"})
	line := func(unit int64) *shishi.ReportLine {
		if l, ok := lines[under[unit]]; ok {
			return l
		}
		return &shishi.ReportLine{Severity: map[string]int{}, Open: map[shishi.Colour]int{}} // a unit no longer covered: counted in the total only
	}
	for _, vis := range rep.Visits {
		if vis.Status == shishi.VisitDone {
			line(vis.Unit.ID).Visits++
			rep.Total.Visits++
		}
	}
	for _, f := range rep.Findings {
		for _, l := range []*shishi.ReportLine{line(f.Unit.ID), &rep.Total} {
			l.Findings++
			l.Severity[string(f.Severity)]++
			if f.Status == shishi.FindingSignedOff {
				l.SignedOff++
				if f.SignedOffAt != nil && shishi.DateOf(*f.SignedOffAt) <= f.Deadline {
					l.OnTime++
				}
			} else {
				l.Open[f.Colour]++
			}
			if f.EscalatedAt != nil {
				l.Escalated++
			}
		}
	}
	for _, u := range g.Units {
		rep.Lines = append(rep.Lines, *lines[u.ID])
	}
	return rep, nil
}

var (
	_ shishi.SupervisionService = (*DB)(nil)
	_ shishi.EscalationService  = (*DB)(nil)
)
