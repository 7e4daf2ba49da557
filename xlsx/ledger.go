package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
)

// WriteLedger writes a campaign's ledger (台账): one line per target (an
// item without targets has one line), the item's columns on its first
// line, then the derived figures (current value, completion, RAG, status)
// and the planned trajectory by month. The header row is frozen, columns
// sized, completion cells filled by RAG colour. ReadItems accepts the file
// again: it reads the list's columns and ignores the derived ones.
func WriteLedger(w io.Writer, c *shishi.Campaign, items []*shishi.Item) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "台账"
	f.SetSheetName("Sheet1", sheet)
	months := shishi.Periods(c.StartsOn.Period(), c.EndsOn.Period())
	if len(months) > 60 {
		months = months[:60]
	}
	head := []string{colSeq, colCode, colTitle, colTier, colLeader, colLead, colCoop, colDesc, colDeadline, colPublic,
		colTarget, colKind, colBaseline, colValue, colUnit, colDirection, colWeight, colMilestone, "当前值", "完成率", "预警", "状态", "预计完成"}
	for _, m := range months {
		head = append(head, "计划 "+string(m))
	}
	widths := map[string]float64{colSeq: 6, colCode: 10, colTitle: 36, colTier: 18, colLeader: 14, colLead: 22, colCoop: 24, colDesc: 40,
		colDeadline: 12, colPublic: 8, colTarget: 24, colMilestone: 36, "状态": 10, "预计完成": 12}
	title := fmt.Sprintf("%s 台账（数据截至 %s）", c.Name, c.AsOf)
	if c.AsOf == "" {
		title = c.Name + " 台账"
	}
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	for i, h := range head {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		wd, ok := widths[h]
		if !ok {
			wd = 11
		}
		if err := f.SetColWidth(sheet, col, col, wd); err != nil {
			return err
		}
	}
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D3F72"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: borders()})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: borders()})
	fills := map[shishi.RAG]int{}
	for r, colour := range map[shishi.RAG]string{shishi.RAGGreen: "C8E6C9", shishi.RAGAmber: "FFE0B2", shishi.RAGRed: "FFCDD2", shishi.RAGNone: "ECEFF1"} {
		fills[r], _ = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}, Border: borders(), NumFmt: 2})
	}
	last, _ := excelize.CoordinatesToCellName(len(head), 2)
	_ = f.SetCellStyle(sheet, "A1", "A1", titleStyle)
	_ = f.SetCellStyle(sheet, "A2", last, headStyle)
	_ = f.SetRowHeight(sheet, 2, 30)
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, Split: false, XSplit: 3, YSplit: 2, TopLeftCell: "D3", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	row := 3
	for n, it := range items {
		lines := it.Targets
		if len(lines) == 0 {
			lines = []shishi.Target{{}}
		}
		first := row
		for k, t := range lines {
			vals := make([]any, len(head))
			if k == 0 {
				coop := make([]string, len(it.CoopUnits))
				for i, u := range it.CoopUnits {
					coop[i] = u.Name
				}
				pub := "否"
				if it.Public {
					pub = "是"
				}
				copy(vals, []any{n + 1, it.Code, it.Title, it.TierName, it.LeaderName, it.LeadUnit.Name, strings.Join(coop, "、"), it.Description, string(it.Deadline), pub})
				vals[21] = it.Status.Label(false)
				if it.Forecast != "" {
					vals[22] = string(it.Forecast)
				}
			}
			if t.Name != "" {
				vals[10] = t.Name
				vals[14] = t.Unit
				if t.Down {
					vals[15] = "越小越好"
				}
				if t.Weight > 1 {
					vals[16] = t.Weight
				}
				if t.Kind == shishi.TargetMilestone {
					vals[11] = "里程碑"
					var ms []string
					for _, m := range t.Milestones {
						line := string(m.Due) + " " + m.Title
						if m.DoneOn != "" {
							line += " [完成 " + string(m.DoneOn) + "]"
						}
						ms = append(ms, line)
					}
					vals[17] = strings.Join(ms, "\n")
				} else {
					vals[11] = "数量"
					vals[12] = t.Baseline.Float()
					vals[13] = t.Target.Float()
					for i, m := range months {
						if p, ok := planAt(t.Plan, m); ok {
							vals[23+i] = p.Float()
						}
					}
				}
				if t.Actual != nil {
					vals[18] = t.Actual.Float()
				}
				vals[19] = t.Completion
				vals[20] = it.RAG.Label(false)
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
				return err
			}
			a, _ := excelize.CoordinatesToCellName(1, row)
			b, _ := excelize.CoordinatesToCellName(len(head), row)
			_ = f.SetCellStyle(sheet, a, b, wrap)
			if t.Name != "" {
				cc, _ := excelize.CoordinatesToCellName(20, row)
				rc, _ := excelize.CoordinatesToCellName(21, row)
				_ = f.SetCellStyle(sheet, cc, rc, fills[it.RAG])
			}
			row++
		}
		// An item's own columns span its target lines, as offices lay it
		// out; the merged cells read back blank below the first line.
		if row-first > 1 {
			for _, col := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 22, 23} {
				a, _ := excelize.CoordinatesToCellName(col, first)
				b, _ := excelize.CoordinatesToCellName(col, row-1)
				_ = f.MergeCell(sheet, a, b)
			}
		}
	}
	if row > 3 {
		_ = f.AutoFilter(sheet, fmt.Sprintf("A2:%s", last[:len(last)-1]+fmt.Sprint(row-1)), nil)
	}
	return f.Write(w)
}

// planAt is the plan point of exactly month m, if the plan has one.
func planAt(plan []shishi.PlanPoint, m shishi.Period) (shishi.Decimal, bool) {
	for _, p := range plan {
		if p.Period == m {
			return p.Value, true
		}
	}
	return 0, false
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "D0D4DA", Style: 1})
	}
	return b
}
