package xlsx

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shishi-edu/shishi"
)

func drain(t *testing.T, r *Rows) [][]string {
	t.Helper()
	var out [][]string
	for {
		_, rec, err := r.Next()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestRows(t *testing.T) {
	x := sheet(t, []any{"姓名", "总分"}, []any{"张三", 425}, []any{"李四", 710})
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("姓名,总分\n张三,425\n")
	for name, in := range map[string][]byte{
		"xlsx":     x,
		"csv-utf8": []byte("\ufeff姓名,总分\r\n张三,425\r\n李四,710\r\n"),
		"csv-gbk":  []byte(gbk),
	} {
		r, err := OpenRows(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h := r.Header(); len(h) != 2 || h[0] != "姓名" {
			t.Fatalf("%s header %q", name, h)
		}
		rows := drain(t, r)
		if len(rows) < 1 || rows[0][0] != "张三" || rows[0][1] != "425" {
			t.Fatalf("%s rows %q", name, rows)
		}
		r.Close()
	}
	if _, err := OpenRows(strings.NewReader("")); shishi.ErrorCode(err) != shishi.EINVALID {
		t.Fatalf("empty: %v", err)
	}
	r, _ := OpenRows(strings.NewReader("a\n\"x\"y\"z\n"))
	if _, _, err := r.Next(); err != nil {
		t.Fatalf("lazy quotes: %v", err)
	}
}

// FuzzRows: any bytes give rows or an EINVALID, never a panic.
func FuzzRows(f *testing.F) {
	f.Add([]byte("姓名,总分\n张三,425\n"))
	f.Add([]byte("\"a\nb\",c\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := OpenRows(bytes.NewReader(b))
		if err != nil {
			if shishi.ErrorCode(err) != shishi.EINVALID {
				t.Fatalf("%v", err)
			}
			return
		}
		defer r.Close()
		for i := 0; i < 1000; i++ {
			_, _, err := r.Next()
			if err == io.EOF {
				return
			} else if err != nil && shishi.ErrorCode(err) != shishi.EINVALID {
				t.Fatalf("%v", err)
			} else if err != nil {
				return
			}
		}
	})
}
