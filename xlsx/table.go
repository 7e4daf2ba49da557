package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Column is one column of a plain table: its heading and width.
type Column struct {
	Head  string
	Width float64
}

// WriteTable writes a titled table on one sheet with a frozen, styled
// header row and an auto-filter: the shape of every list export (the
// complaint inbox, league tables). Rows are written in the stream writer,
// so a long export does not hold every cell's style in memory.
func WriteTable(w io.Writer, sheet, title string, cols []Column, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D3F72"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: borders()})
	cellStyle, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: borders()})
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		wd := c.Width
		if wd == 0 {
			wd = 12
		}
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: headStyle, Value: c.Head}
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = excelize.Cell{StyleID: cellStyle, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+3)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if len(cols) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(cols), len(rows)+2)
		if err := f.AutoFilter(sheet, "A2:"+last, nil); err != nil {
			return err
		}
	}
	return f.Write(w)
}
