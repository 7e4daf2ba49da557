package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readBoth reads the first sheet of a workbook with the lean reader and
// with excelize's row iterator, each as a map of row number to cells with
// the trailing blanks cut.
func readBoth(t *testing.T, file []byte) (lean, ex map[int][]string) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	sr, err := openSheet(z, func([]string) int { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	lean = map[int][]string{}
	for sr.Next() {
		cells, err := sr.Columns()
		if err != nil {
			t.Fatalf("row %d: %v", sr.Row(), err)
		}
		if c := trimBlank(cells); len(c) > 0 {
			lean[sr.Row()] = c
		}
	}
	if err := sr.Err(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	ex = map[int][]string{}
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			t.Fatalf("excelize row %d: %v", n, err)
		}
		if c := trimBlank(cells); len(c) > 0 {
			ex[n] = c
		}
	}
	return lean, ex
}

// show prints rows in order, each cell quoted.
func show(rows map[int][]string) string {
	var nums []int
	for n := range rows {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var b strings.Builder
	for _, n := range nums {
		fmt.Fprintf(&b, "%d: %q\n", n, rows[n])
	}
	return b.String()
}

func trimBlank(cells []string) []string {
	c := append([]string(nil), cells...)
	for len(c) > 0 && c[len(c)-1] == "" {
		c = c[:len(c)-1]
	}
	return c
}

// TestSheetRowsAsExcelize: the lean reader reads what excelize reads from
// workbooks excelize writes — shared strings with markup characters, line
// breaks, spaces and escapes, numbers at the edge of float precision,
// booleans, rich text, formulas with cached values, percent formats,
// gaps between rows and columns — and from its stream writer's sheets.
func TestSheetRowsAsExcelize(t *testing.T) {
	f := excelize.NewFile()
	const sh = "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "事项名称")
	set("B1", `a<b>&"c"'d'`)
	set("C1", "line 1\nline 2\r\nline 3")
	set("D1", "  leading and trailing  ")
	set("E1", "_x000D_ literal")
	set("F1", "tab\there")
	// Longer than the scanner's 64 KiB buffer once escaped, so that some
	// entity and some CR LF are cut by the buffer's end.
	set("G1", strings.Repeat("&<\r\n中", 6000))
	set("A2", 42)
	set("B2", 3.14159)
	set("C2", 0.1+0.2)
	set("D2", 1e21)
	set("E2", -0.000012)
	set("F2", 12345678901234567)
	set("G2", true)
	set("H2", false)
	set("A5", "after a gap")
	set("Z5", "far column")
	if err := f.SetCellRichText(sh, "A6", []excelize.RichTextRun{{Text: "粗体"}, {Text: "与常规", Font: &excelize.Font{Bold: true}}}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula(sh, "B6", "A2*2"); err != nil {
		t.Fatal(err)
	}
	for i, code := range []int{9, 10} {
		st, err := f.NewStyle(&excelize.Style{NumFmt: code})
		if err != nil {
			t.Fatal(err)
		}
		cell := fmt.Sprintf("%c7", 'A'+i)
		set(cell, 0.4567)
		if err := f.SetCellStyle(sh, cell, cell, st); err != nil {
			t.Fatal(err)
		}
	}
	custom := "0.0%"
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	if err != nil {
		t.Fatal(err)
	}
	set("C7", 0.25)
	if err := f.SetCellStyle(sh, "C7", "C7", st); err != nil {
		t.Fatal(err)
	}
	two, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		t.Fatal(err)
	}
	set("D7", 12.5)
	if err := f.SetCellStyle(sh, "D7", "D7", two); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	lean, ex := readBoth(t, buf.Bytes())
	// A fixed-decimals format ("0.00") is applied by excelize and not by
	// the lean reader: both read as the same number.
	if ex[7][3] != "12.50" || lean[7][3] != "12.5" {
		t.Fatalf("0.00 format: excelize %q, lean %q", ex[7][3], lean[7][3])
	}
	ex[7][3] = lean[7][3]
	if show(lean) != show(ex) {
		t.Fatalf("lean reader:\n%s\nexcelize:\n%s", show(lean), show(ex))
	}
	if lean[7][0] != "46%" || lean[7][1] != "45.67%" || lean[7][2] != "25.0%" {
		t.Fatalf("percent cells: %q", lean[7])
	}

	// The stream writer's sheet (inline strings, no shared table).
	buf.Reset()
	if err := WriteRows(&buf, []string{"编号", "姓名"}, 3, func(i int) []string { return []string{fmt.Sprint("N-", i), "张&三<" + strings.Repeat("长", i)} }); err != nil {
		t.Fatal(err)
	}
	lean, ex = readBoth(t, buf.Bytes())
	if show(lean) != show(ex) || len(lean) != 4 {
		t.Fatalf("stream-written sheet: lean %s, excelize %s", show(lean), show(ex))
	}
}

// TestSheetRowsMarkup: what SpreadsheetML allows and excelize does not
// write — namespace prefixes, comments, CDATA, character references,
// rows and cells without references, a phonetic run, an unknown shared
// string index (the row fails, the sheet reads on), a '>' inside an
// attribute value.
func TestSheetRowsMarkup(t *testing.T) {
	sst := `<?xml version="1.0"?><sst xmlns="x"><si><t>一</t></si><si><r><t>二</t></r><r><t xml:space="preserve"> 三</t></r><rPh><t>er</t></rPh></si><si/></sst>`
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- a comment <row> -->
<x:sheetData>
<x:row r="2" x:note="a > b"><x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t><![CDATA[<raw & text>]]></x:t></x:is></x:c></x:row>
<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>7</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>&#x4E2D;&#25991;&amp;</x:v></x:c></x:row>
<x:row r="5"><x:c t="s"><x:v>9</x:v></x:c></x:row>
<x:row r="6"><x:c r="A6" t="s"><x:v>2</x:v></x:c><x:c r="C6" t="b"><x:v>1</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`
	file := workbook(t, map[string]string{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": sst})
	z, _ := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	sr, err := openSheet(z, func([]string) int { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for sr.Next() {
		cells, err := sr.Columns()
		got = append(got, fmt.Sprintf("%d:%q:%v", sr.Row(), cells, err != nil))
	}
	if sr.Err() != nil {
		t.Fatal(sr.Err())
	}
	want := []string{`2:["" "二 三" "<raw & text>"]:false`, `3:["一" "7" "中文&"]:false`, `5:[]:true`, `6:["" "" "TRUE"]:false`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSheetRowsRefused: a document type declaration, a truncated sheet
// and a cell beyond Excel's last column end the rows with an error.
func TestSheetRowsRefused(t *testing.T) {
	for name, sheet := range map[string]string{
		"doctype":   `<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData><row><c><v>&a;</v></c></row></sheetData></worksheet>`,
		"truncated": `<worksheet><sheetData><row><c><v>1</v></c></row><row><c><v>2`,
		"column":    `<worksheet><sheetData><row><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>`,
	} {
		t.Run(name, func(t *testing.T) {
			file := workbook(t, map[string]string{"xl/worksheets/sheet1.xml": sheet})
			z, _ := zip.NewReader(bytes.NewReader(file), int64(len(file)))
			sr, err := openSheet(z, func([]string) int { return 0 })
			if err != nil {
				t.Fatal(err)
			}
			for sr.Next() {
			}
			if sr.Err() == nil {
				t.Fatal("read without error")
			}
		})
	}
}

// workbook zips a minimal workbook around parts.
func workbook(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	base := map[string]string{
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
	}
	for k, v := range parts {
		base[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range base {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzSheetCell: any text and number written by excelize read back by the
// lean reader as excelize reads them.
func FuzzSheetCell(f *testing.F) {
	f.Add("事项名称", 1.5)
	f.Add("a&b<c>_x0041_\r\n", 0.1+0.2)
	f.Add(" ", 1e300)
	f.Fuzz(func(t *testing.T, s string, n float64) {
		x := excelize.NewFile()
		if err := x.SetCellValue("Sheet1", "A1", s); err != nil {
			return // a value excelize refuses to write
		}
		if err := x.SetCellValue("Sheet1", "B1", n); err != nil {
			return
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			return
		}
		lean, ex := readBoth(t, buf.Bytes())
		if show(lean) != show(ex) {
			t.Fatalf("%q %v: lean %s, excelize %s", s, n, show(lean), show(ex))
		}
	})
}

// FuzzSheetXML: the scanner on any sheet text ends, with rows or an
// error, without a panic.
func FuzzSheetXML(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`)
	f.Add(`<row><c><v>&#1114112;&#x;&bogus;</v></c></row><!-- x --><![CDATA[ y ]]>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		file := workbook(t, map[string]string{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": `<sst><si><t>a</t></si></sst>`})
		z, _ := zip.NewReader(bytes.NewReader(file), int64(len(file)))
		sr, err := openSheet(z, func([]string) int { return 0 })
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; sr.Next(); n++ {
			if n > len(sheet) {
				t.Fatal("more rows than bytes")
			}
			sr.Columns()
		}
	})
}
