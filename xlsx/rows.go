package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shishi-edu/shishi"
)

// Rows reads a table row by row, so a bulk issuance of any length streams
// through without the file's rows held in memory: an .xlsx sheet through
// excelize's row iterator, a .csv through encoding/csv. CSV files saved by
// Excel in China are often GB18030, not UTF-8: a file whose first 64 KiB
// are not UTF-8 is read as GB18030. A UTF-8 byte-order mark is dropped.
type Rows struct {
	header []string
	row    int
	next   func() ([]string, error)
	close  func() error
}

// MaxCells bounds one row's width and one cell's length.
const (
	maxCols = 100
	maxCell = 1000
)

// OpenRows opens r as .xlsx (a zip archive, sniffed) or else as CSV and
// reads its header row.
func OpenRows(r io.Reader) (*Rows, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	var rows *Rows
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(br)
		if err != nil {
			return nil, bad(0, "无法读取 .xlsx 文件 / unreadable .xlsx file")
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, bad(0, "文件中没有工作表 / the file has no sheet")
		}
		it, err := f.Rows(sheets[0])
		if err != nil {
			f.Close()
			return nil, bad(0, "无法读取工作表 / unreadable sheet")
		}
		rows = &Rows{next: func() ([]string, error) {
			if !it.Next() {
				if err := it.Error(); err != nil {
					return nil, bad(0, "工作表损坏 / damaged sheet")
				}
				return nil, io.EOF
			}
			return it.Columns()
		}, close: func() error { it.Close(); return f.Close() }}
	} else {
		var src io.Reader = br
		if !utf8.Valid(trimPartial(head)) {
			src = simplifiedchinese.GB18030.NewDecoder().Reader(br)
		}
		c := csv.NewReader(src)
		c.FieldsPerRecord = -1
		c.LazyQuotes = true
		c.ReuseRecord = false
		rows = &Rows{next: func() ([]string, error) {
			rec, err := c.Read()
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, bad(pe.Line, "CSV 格式错误 / malformed CSV: "+pe.Err.Error())
			}
			return rec, err
		}, close: func() error { return nil }}
	}
	h, err := rows.read()
	if err == io.EOF {
		rows.Close()
		return nil, bad(1, "文件为空 / the file is empty")
	} else if err != nil {
		rows.Close()
		return nil, err
	}
	if len(h) > 0 {
		h[0] = strings.TrimPrefix(h[0], "\ufeff")
	}
	rows.header = h
	return rows, nil
}

// trimPartial drops a UTF-8 sequence cut off at the end of a peek.
func trimPartial(b []byte) []byte {
	for i := 0; i < 3 && len(b) > 0; i++ {
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

func bad(row int, msg string) error {
	return shishi.Invalid(shishi.FieldError{Field: "file", Row: row, Message: msg})
}

func (r *Rows) read() ([]string, error) {
	rec, err := r.next()
	if err != nil {
		return nil, err
	}
	r.row++
	if len(rec) > maxCols {
		return nil, bad(r.row, "列数过多 / too many columns")
	}
	for i, c := range rec {
		if len(c) > maxCell {
			return nil, bad(r.row, "单元格过长 / a cell is too long")
		}
		if !utf8.ValidString(c) {
			rec[i] = strings.ToValidUTF8(c, "\uFFFD")
		}
	}
	return rec, nil
}

// Header is the first row.
func (r *Rows) Header() []string { return r.header }

// Next returns the next row and its number (the header is row 1).
func (r *Rows) Next() (int, []string, error) {
	rec, err := r.read()
	return r.row, rec, err
}

// Close releases the file.
func (r *Rows) Close() error { return r.close() }

var _ shishi.RowSource = (*Rows)(nil)
