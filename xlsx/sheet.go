package xlsx

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// sheetRows streams the rows of one worksheet of an .xlsx with a small
// scanner of the sheet's XML instead of excelize's row iterator: profiled
// on a 100,000-row ledger, excelize spent 14 s of CPU in encoding/xml's
// tokenizer and in applying number formats to every cell, against a
// second or two for this. A cell reads as excelize reads it where the
// item list cares: shared and inline strings (runs joined, phonetic runs
// left out, _xHHHH_ escapes decoded), numbers shown to 15 significant
// digits, booleans as TRUE/FALSE, percent formats as the percentage
// ("50%"). Other number formats give the raw value (a date is its serial
// number, which parseDate reads; excelize gave "12-31-21" for Excel's
// default date format). Memory is the zipped file, the shared strings and
// one row.
type sheetRows struct {
	sst  []string
	pct  []int // per style index: -1, or the decimals of a percent format
	rc   io.ReadCloser
	s    *xmlScan
	row  int
	cols []string
	bad  bool // a cell of the row could not be read
	err  error
	done bool
}

// Limits against a crafted file: the shared strings are held in memory.
const (
	maxSharedBytes = 256 << 20
	maxSharedCount = 4 << 20
	maxColumn      = 16384 // XFD, Excel's last column
	maxRowNumber   = 1048576
)

var errSheet = errors.New("xlsx: malformed worksheet")

// workbookParts are the parts of a workbook a reader needs: its sheets
// in the workbook's order with their names, the shared strings and the
// styles (nil when absent).
type workbookParts struct {
	names       []string
	sheets      []*zip.File
	sst, styles *zip.File
}

func readWorkbook(z *zip.Reader) (*workbookParts, error) {
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[f.Name] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(files["xl/workbook.xml"], &wb); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoWorkbook, err)
	}
	if len(wb.Sheets) == 0 {
		return nil, errNoSheet
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(files["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	partOf := func(target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(target, "/")
		}
		return path.Join("xl", target)
	}
	byID := map[string]string{}
	sst, styles := "xl/sharedStrings.xml", "xl/styles.xml"
	for _, r := range rels.Rel {
		byID[r.ID] = partOf(r.Target)
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sst = partOf(r.Target)
		case strings.HasSuffix(r.Type, "/styles"):
			styles = partOf(r.Target)
		}
	}
	p := &workbookParts{sst: files[sst], styles: files[styles]}
	for _, s := range wb.Sheets {
		p.names = append(p.names, s.Name)
		p.sheets = append(p.sheets, files[byID[s.RID]])
	}
	return p, nil
}

// openSheet opens the workbook's sheet that pick chooses from the sheet
// names (in the workbook's order).
func openSheet(z *zip.Reader, pick func(names []string) int) (*sheetRows, error) {
	p, err := readWorkbook(z)
	if err != nil {
		return nil, err
	}
	sheet := p.sheets[pick(p.names)]
	if sheet == nil {
		return nil, errors.New("xlsx: sheet not found")
	}
	sr := &sheetRows{}
	if f := p.sst; f != nil {
		if sr.sst, err = readShared(f); err != nil {
			return nil, err
		}
	}
	if f := p.styles; f != nil {
		if sr.pct, err = readPercentStyles(f); err != nil {
			return nil, err
		}
	}
	if sr.rc, err = sheet.Open(); err != nil {
		return nil, err
	}
	sr.s = newXMLScan(sr.rc)
	return sr, nil
}

var (
	errNoSheet    = errors.New("xlsx: the workbook has no sheet")
	errNoWorkbook = errors.New("xlsx: no readable workbook part")
)

// Close releases the sheet's stream.
func (r *sheetRows) Close() error { return r.rc.Close() }

// Err is the error that ended the rows early, if any.
func (r *sheetRows) Err() error { return r.err }

// Row is the current row's number (1-based, as Excel numbers it).
func (r *sheetRows) Row() int { return r.row }

// Next moves to the next row present in the sheet. Its cells are valid
// until the next call.
func (r *sheetRows) Next() bool {
	if r.done {
		return false
	}
	if err := r.next(); err != nil {
		r.done = true
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	return true
}

// Columns is the current row's cells by column, "" where none; an error
// when one of them could not be read (a shared string that is not in the
// table), as excelize's Columns.
func (r *sheetRows) Columns() ([]string, error) {
	if r.bad {
		return nil, errBadCell
	}
	return r.cols, nil
}

var errBadCell = errors.New("xlsx: a cell refers to a shared string that is not there")

func (r *sheetRows) next() error {
	s := r.s
	// To the next <row>.
	for {
		kind, name, attrs, err := s.tag()
		if err != nil {
			return err
		}
		if kind == tagEnd && string(name) == "sheetData" {
			return io.EOF
		}
		if kind == tagEnd || string(name) != "row" {
			continue
		}
		num := r.row + 1
		if v, ok := attr(attrs, "r"); ok {
			n, err := strconv.Atoi(string(v))
			if err != nil || n < 1 || n > maxRowNumber {
				return errSheet
			}
			num = max(n, r.row+1)
		}
		r.row = num
		r.cols, r.bad = r.cols[:0], false
		if kind == tagEmpty {
			return nil
		}
		return r.cells()
	}
}

// cells reads a row's cells up to </row>.
func (r *sheetRows) cells() error {
	s := r.s
	col := 0
	for {
		kind, name, attrs, err := s.tag()
		if err != nil {
			return err
		}
		if kind == tagEnd && string(name) == "row" {
			return nil
		}
		if kind == tagEnd || string(name) != "c" {
			continue
		}
		col++
		var typ []byte
		style, ref := -1, 0
		eachAttr(attrs, func(name, val []byte) bool {
			switch string(name) {
			case "r":
				if ref = columnOf(val); ref < 1 || ref > maxColumn {
					ref = -1
				}
			case "t":
				typ = val
			case "s":
				if n, err := strconv.Atoi(string(val)); err == nil {
					style = n
				}
			}
			return true
		})
		if ref < 0 {
			return errSheet
		}
		col = max(ref, col)
		var val string
		if kind == tagStart {
			if val, err = r.cellValue(string(typ), style); err != nil {
				return err
			}
		}
		for len(r.cols) < col-1 {
			r.cols = append(r.cols, "")
		}
		if len(r.cols) < col {
			r.cols = append(r.cols, val)
		} else {
			r.cols[col-1] = val
		}
	}
}

// cellValue reads a cell's content up to </c> and reads it as its type.
func (r *sheetRows) cellValue(typ string, style int) (string, error) {
	s := r.s
	var v, inline []byte
	hasInline := false
	for {
		kind, name, _, err := s.tag()
		if err != nil {
			return "", err
		}
		switch {
		case kind == tagEnd && string(name) == "c":
			switch typ {
			case "s":
				i, err := strconv.Atoi(strings.TrimSpace(string(v)))
				if err != nil || i < 0 || i >= len(r.sst) {
					r.bad = r.bad || len(v) > 0
					return "", nil
				}
				return r.sst[i], nil
			case "inlineStr":
				if hasInline {
					return bstrUnmarshal(string(inline)), nil
				}
				return string(v), nil
			case "str", "e":
				return string(v), nil
			case "b":
				switch string(v) {
				case "1":
					return "TRUE", nil
				case "0":
					return "FALSE", nil
				}
				return string(v), nil
			case "d":
				d, _, _ := strings.Cut(string(v), "T")
				return d, nil
			}
			return r.number(string(v), style), nil
		case kind == tagStart && string(name) == "v":
			if v, err = s.text(v[:0], "v"); err != nil {
				return "", err
			}
		case kind == tagStart && string(name) == "is":
			hasInline = true
			if inline, err = s.richText(inline[:0], "is"); err != nil {
				return "", err
			}
		case kind == tagStart && string(name) == "f":
			if _, err := s.text(nil, "f"); err != nil {
				return "", err
			}
		}
	}
}

// number reads a numeric cell as excelize shows it: 15 significant
// digits, and a percent format's percentage.
func (r *sheetRows) number(v string, style int) string {
	if strings.Contains(v, "_") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	if style > 0 && style < len(r.pct) && r.pct[style] >= 0 {
		return strconv.FormatFloat(f*100, 'f', r.pct[style], 64) + "%"
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if len(plain)-strings.Count(plain, ".") > 15 && !withinPrecision(v) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return plain
}

// withinPrecision: an integer literal of at most 15 significant digits.
func withinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// columnOf is the 1-based column of a cell reference ("AB12" → 28), 0 when
// it names none.
func columnOf(ref []byte) int {
	n := 0
	for i, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		case c >= '0' && c <= '9' && i > 0:
			return n
		default:
			return 0
		}
		if n > maxColumn {
			return 0
		}
	}
	return 0
}

// readShared reads the shared strings table.
func readShared(f *zip.File) ([]string, error) {
	if f.UncompressedSize64 > maxSharedBytes {
		return nil, errors.New("xlsx: shared strings too large")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScan(io.LimitReader(rc, maxSharedBytes))
	var out []string
	var buf []byte
	for {
		kind, name, _, err := s.tag()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if kind != tagStart || string(name) != "si" {
			if kind == tagEmpty && string(name) == "si" {
				out = append(out, "")
			}
			continue
		}
		if len(out) >= maxSharedCount {
			return nil, errors.New("xlsx: too many shared strings")
		}
		if buf, err = s.richText(buf[:0], "si"); err != nil {
			return nil, err
		}
		out = append(out, bstrUnmarshal(string(buf)))
	}
}

// readPercentStyles reads, per cell style, the decimals of its number
// format when it is a percent format (-1 otherwise): built-in 9 (0%) and
// 10 (0.00%), and custom formats with a % outside quotes.
func readPercentStyles(f *zip.File) ([]int, error) {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := decodePartMax(f, &st, 16<<20); err != nil {
		return nil, err
	}
	pct := map[int]int{9: 0, 10: 2}
	for _, n := range st.NumFmts {
		if d, ok := percentFormat(n.Code); ok {
			pct[n.ID] = d
		} else {
			delete(pct, n.ID)
		}
	}
	out := make([]int, len(st.Xfs))
	for i, x := range st.Xfs {
		out[i] = -1
		if d, ok := pct[x.NumFmtID]; ok {
			out[i] = d
		}
	}
	return out, nil
}

// percentFormat reports whether a format code's first section shows a
// percentage, and its decimals.
func percentFormat(code string) (int, bool) {
	code, _, _ = strings.Cut(code, ";")
	quoted, pct, decimals, afterPoint := false, false, 0, false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\':
			i++
		case c == '%':
			pct = true
		case c == '.':
			afterPoint = true
		case afterPoint && (c == '0' || c == '#' || c == '?'):
			decimals++
		}
	}
	return min(decimals, 15), pct
}

// bstrUnmarshal decodes the _xHHHH_ escapes Excel writes for characters
// XML 1.0 cannot carry (_x005F_ is a literal underscore), as excelize does.
func bstrUnmarshal(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			n, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if n == 0x5F {
				b.WriteByte('_')
			} else {
				b.WriteRune(rune(n))
			}
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
