package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// WriteRows writes a plain sheet: a header row, then n rows made one at a
// time by row. It goes through excelize's stream writer, so a sheet of a
// hundred thousand rows (the bulk issuance benchmark's input) is written
// without holding its cells in memory.
func WriteRows(w io.Writer, header []string, n int, row func(i int) []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	put := func(r int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, vals)
	}
	if err := put(1, header); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := put(i+2, row(i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
