package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// TestWriteRowsRoundTrip: what WriteRows writes, OpenRows reads back row
// for row, with the row numbers a bulk issuance reports.
func TestWriteRowsRoundTrip(t *testing.T) {
	var b bytes.Buffer
	row := func(i int) []string { return []string{fmt.Sprintf("考生%d", i), fmt.Sprint(400 + i), "2021年6月"} }
	if err := WriteRows(&b, []string{"姓名", "总分", "考试时间"}, 1500, row); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRows(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !slices.Equal(r.Header(), []string{"姓名", "总分", "考试时间"}) {
		t.Fatalf("header %v", r.Header())
	}
	got := drain(t, r)
	if len(got) != 1500 {
		t.Fatalf("%d rows", len(got))
	}
	for i, g := range got {
		if !slices.Equal(g, row(i)) {
			t.Fatalf("row %d: %v", i, g)
		}
	}
}

// TestEstimateRows: the cheap count of a progress bar's end matches the
// rows of an .xlsx written by a stream writer (whose dimension says A1)
// and by a plain one, and counts a CSV's lines.
func TestEstimateRows(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.xlsx")
	f, _ := os.Create(p)
	if err := WriteRows(f, []string{"姓名"}, 12345, func(i int) []string { return []string{fmt.Sprint("考生", i)} }); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if n, err := EstimateRows(p); err != nil || n != 12345 {
		t.Fatalf("xlsx: %d %v", n, err)
	}
	p2 := filepath.Join(dir, "b.xlsx")
	os.WriteFile(p2, sheet(t, []any{"姓名", "总分"}, []any{"张三", 425}, []any{"李四", 710}), 0o600)
	if n, err := EstimateRows(p2); err != nil || n != 2 {
		t.Fatalf("plain xlsx: %d %v", n, err)
	}
	p3 := filepath.Join(dir, "c.csv")
	os.WriteFile(p3, []byte("姓名,总分\n张三,425\n李四,710"), 0o600)
	if n, err := EstimateRows(p3); err != nil || n != 2 {
		t.Fatalf("csv: %d %v", n, err)
	}
	p4 := filepath.Join(dir, "d.xlsx")
	os.WriteFile(p4, []byte("PK\x03\x04 not a zip"), 0o600)
	if _, err := EstimateRows(p4); err == nil {
		t.Fatal("a broken zip was counted")
	}
}

// TestCountRowTagsLongNames: a tag name of maxTagName bytes or more is no
// row tag whether a chunk's end cuts it or not, and a '<' inside such a
// name is still read (the fuzzer found both: a 60-byte prefix before
// ":row" counted whole and not in chunks).
func TestCountRowTagsLongNames(t *testing.T) {
	long := strings.Repeat("0", 60)
	for _, c := range []struct {
		text string
		want int
	}{
		{"<" + long + ":row ", 0},
		{"<" + long[:50] + ":row ", 1},
		{"<" + long + "<row r=\"1\">", 1},
		{"<" + long + long + "<x:row/><row>", 2},
	} {
		for _, size := range []int{1, 7, 55, 64, len(c.text) + 64} {
			got, err := countRowTagsBy(iotest.OneByteReader(strings.NewReader(c.text)), size)
			if err != nil || got != c.want {
				t.Errorf("%q in chunks of %d: %d (%v), want %d", c.text, size, got, err, c.want)
			}
		}
	}
}

// FuzzCountRowTags: counting in chunks of any size, with tags cut at
// every boundary, gives the count of the whole text at once.
func FuzzCountRowTags(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1"/></row><x:row r="2"/><rows/><row>`), uint8(3))
	f.Add([]byte(`<<row <row/<row>`), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, size uint8) {
		if len(b) > 4096 {
			return
		}
		want, err := countRowTagsBy(bytes.NewReader(b), len(b)+64)
		if err != nil {
			t.Fatal(err)
		}
		got, err := countRowTagsBy(iotest.OneByteReader(bytes.NewReader(b)), int(size)%64+1)
		if err != nil || got != want {
			t.Fatalf("chunks of %d: %d, whole: %d (%v)", int(size)%64+1, got, want, err)
		}
	})
}
