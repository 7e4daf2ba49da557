package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
)

// colourFills are the three-colour warning fills (and grey for signed off).
var colourFills = map[shishi.Colour]string{shishi.ColourGreen: "C8E6C9", shishi.ColourYellow: "FFF59D", shishi.ColourRed: "FFCDD2", shishi.ColourNone: "ECEFF1"}

// warning names a colour in the sheet; a signed-off finding has none.
func warning(c shishi.Colour) string {
	if c == shishi.ColourNone {
		return "—"
	}
	return c.Label(false)
}

// WriteSupervisionReport writes a group's report for a period (督导工作
// 报告): a summary sheet by covered unit with the total, the findings with
// their three-colour warning, and the visits. Headers are frozen, columns
// sized, warnings filled in their colour.
func WriteSupervisionReport(w io.Writer, rep *shishi.SupervisionReport) error {
	f := excelize.NewFile()
	defer f.Close()
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D3F72"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: borders()})
	cell, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: borders()})
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: borders()})
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	fills := map[shishi.Colour]int{}
	for c, rgb := range colourFills {
		fills[c], _ = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{rgb}}, Border: borders()})
	}
	g := rep.Group
	table := func(sheet string, top int, head []string, widths []float64, rows [][]any, style func(row, col int) int) error {
		for i, h := range head {
			c, _ := excelize.CoordinatesToCellName(i+1, top)
			if err := f.SetCellValue(sheet, c, h); err != nil {
				return err
			}
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(sheet, col, col, widths[i]); err != nil {
				return err
			}
		}
		a, _ := excelize.CoordinatesToCellName(1, top)
		b, _ := excelize.CoordinatesToCellName(len(head), top)
		_ = f.SetCellStyle(sheet, a, b, headStyle)
		for r, vals := range rows {
			for c, v := range vals {
				name, _ := excelize.CoordinatesToCellName(c+1, top+1+r)
				if err := f.SetCellValue(sheet, name, v); err != nil {
					return err
				}
				_ = f.SetCellStyle(sheet, name, name, style(r, c))
			}
		}
		return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: top, TopLeftCell: fmt.Sprintf("A%d", top+1), ActivePane: "bottomLeft"})
	}

	const summary = "督导报告"
	f.SetSheetName("Sheet1", summary)
	_ = f.SetCellValue(summary, "A1", fmt.Sprintf("%s工作报告（%s 至 %s）", g.Name, rep.From, rep.To))
	_ = f.SetCellStyle(summary, "A1", "A1", titleStyle)
	var members []string
	for _, m := range g.Members {
		members = append(members, m.Name)
	}
	info := [][2]string{{"类别", g.Kind.Label(false)}, {"督导主题", g.Theme}, {"派出单位", g.OwnerUnit.Name}, {"组长", g.Leader.Name},
		{"成员", strings.Join(members, "、")}, {"督导单位数", fmt.Sprint(g.UnitCount)}, {"数据截至", string(rep.AsOf)}}
	for i, kv := range info {
		_ = f.SetCellValue(summary, fmt.Sprintf("A%d", i+2), kv[0])
		_ = f.SetCellValue(summary, fmt.Sprintf("B%d", i+2), kv[1])
	}
	top := len(info) + 3
	head := []string{"序号", "单位", "走访次数", "发现问题", "一般", "较重", "严重", "已销号", "按期销号", "整改中·绿", "整改中·黄", "整改中·红", "提级督办"}
	line := func(n any, l shishi.ReportLine) []any {
		return []any{n, l.Unit.Name, l.Visits, l.Findings, l.Severity["minor"], l.Severity["major"], l.Severity["serious"], l.SignedOff, l.OnTime,
			l.Open[shishi.ColourGreen], l.Open[shishi.ColourYellow], l.Open[shishi.ColourRed], l.Escalated}
	}
	var rows [][]any
	for i, l := range rep.Lines {
		rows = append(rows, line(i+1, l))
	}
	rows = append(rows, line("", rep.Total))
	last := len(rows) - 1
	err := table(summary, top, head, []float64{6, 30, 10, 10, 8, 8, 8, 10, 10, 10, 10, 10, 10}, rows, func(r, c int) int {
		switch {
		case r == last:
			return bold
		case c == 9 && rows[r][c] != 0:
			return fills[shishi.ColourGreen]
		case c == 10 && rows[r][c] != 0:
			return fills[shishi.ColourYellow]
		case c == 11 && rows[r][c] != 0:
			return fills[shishi.ColourRed]
		}
		return cell
	})
	if err != nil {
		return err
	}

	const findings = "问题清单"
	if _, err := f.NewSheet(findings); err != nil {
		return err
	}
	rows = nil
	for _, x := range rep.Findings {
		esc := ""
		if x.EscalatedTo != nil {
			esc = x.EscalatedTo.Name
		}
		signed := ""
		if x.SignedOffAt != nil {
			signed = string(shishi.DateOf(*x.SignedOffAt))
		}
		rows = append(rows, []any{x.ID, x.Unit.Name, x.Severity.Label(false), x.Description, string(x.RaisedOn), x.Days, string(x.Deadline),
			x.Status.Label(false), warning(x.Colour), esc, signed})
	}
	err = table(findings, 1, []string{"编号", "整改单位", "严重程度", "问题描述", "发现日期", "时限（工作日）", "整改时限", "状态", "预警", "提级至", "销号日期"},
		[]float64{8, 26, 10, 48, 12, 10, 12, 12, 12, 20, 12}, rows, func(r, c int) int {
			if c == 8 {
				return fills[rep.Findings[r].Colour]
			}
			return cell
		})
	if err != nil {
		return err
	}

	const visits = "走访记录"
	if _, err := f.NewSheet(visits); err != nil {
		return err
	}
	rows = nil
	for _, v := range rep.Visits {
		day := v.VisitedOn
		if day == "" {
			day = v.PlannedOn
		}
		rows = append(rows, []any{string(day), v.Unit.Name, v.Status.Label(false), v.Participants, v.Record, v.FindingCount})
	}
	err = table(visits, 1, []string{"日期", "单位", "状态", "参加人员", "走访记录", "发现问题"}, []float64{12, 26, 10, 24, 60, 10}, rows, func(int, int) int { return cell })
	if err != nil {
		return err
	}
	return f.Write(w)
}
