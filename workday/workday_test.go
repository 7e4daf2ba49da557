package workday

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
)

func mustNew(t *testing.T, file string) *Calendar {
	t.Helper()
	var c *Calendar
	var err error
	if file == "" {
		c, err = New(nil)
	} else {
		c, err = New(strings.NewReader(file))
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIsWorkdayOfficial(t *testing.T) {
	c := mustNew(t, "")
	cases := []struct {
		day  shishi.Date
		want bool
	}{
		// 2021 National Day: 10-01..07 off, Sunday 09-26 and Saturday 10-09 worked.
		{"2021-09-25", false}, // Saturday
		{"2021-09-26", true},  // Sunday, 调休
		{"2021-09-30", true},
		{"2021-10-01", false},
		{"2021-10-04", false}, // Monday inside the week
		{"2021-10-07", false},
		{"2021-10-08", true},
		{"2021-10-09", true},  // Saturday, 调休
		{"2021-10-10", false}, // Sunday
		// 2021 Spring Festival: 02-11..17 off, Sunday 02-07 and Saturday 02-20 worked.
		{"2021-02-07", true},
		{"2021-02-10", true},
		{"2021-02-11", false},
		{"2021-02-17", false},
		{"2021-02-18", true},
		{"2021-02-20", true},
		// 2024 Spring Festival 02-10..17 off; 02-04 and 02-18 (Sun) worked.
		{"2024-02-04", true},
		{"2024-02-09", true},
		{"2024-02-10", false},
		{"2024-02-17", false},
		{"2024-02-18", true},
		// 2024 National Day 10-01..07 off; 09-29 (Sun) and 10-12 (Sat) worked.
		{"2024-09-29", true},
		{"2024-10-07", false},
		{"2024-10-12", true},
		// 2025 Spring Festival 01-28..02-04 off; 01-26 (Sun), 02-08 (Sat) worked.
		{"2025-01-26", true},
		{"2025-01-28", false},
		{"2025-02-04", false},
		{"2025-02-08", true},
		// 2025 National Day and Mid-Autumn 10-01..08 off; 09-28, 10-11 worked.
		{"2025-09-28", true},
		{"2025-10-08", false},
		{"2025-10-11", true},
		// Plain weeks.
		{"2021-11-15", true}, // Monday
		{"2021-11-20", false},
		// Invalid dates are never working days.
		{"2021-02-30", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := c.IsWorkday(tc.day); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestHoliday(t *testing.T) {
	c := mustNew(t, "")
	if n, ok := c.Holiday("2021-10-03"); !ok || n != "国庆节" {
		t.Errorf("Holiday(2021-10-03) = %q, %v", n, ok)
	}
	if n, ok := c.Holiday("2021-02-12"); !ok || n != "春节" {
		t.Errorf("Holiday(2021-02-12) = %q, %v", n, ok)
	}
	if n, ok := c.Holiday("2025-10-06"); !ok || n != "国庆中秋" {
		t.Errorf("Holiday(2025-10-06) = %q, %v", n, ok)
	}
	for _, d := range []shishi.Date{"2021-09-26", "2021-10-08", "2021-10-10", "bad"} {
		if n, ok := c.Holiday(d); ok {
			t.Errorf("Holiday(%s) = %q, true; want none", d, n)
		}
	}
}

func TestAdd(t *testing.T) {
	c := mustNew(t, "")
	cases := []struct {
		d    shishi.Date
		n    int
		want shishi.Date
	}{
		{"2021-09-30", 1, "2021-10-08"},
		{"2021-09-30", 2, "2021-10-09"}, // the make-up Saturday
		{"2021-09-30", 3, "2021-10-11"},
		{"2021-09-24", 1, "2021-09-26"},  // Friday -> make-up Sunday
		{"2021-10-01", 0, "2021-10-08"},  // n=0 on a holiday: next working day
		{"2021-09-30", 0, "2021-09-30"},  // n=0 on a working day: itself
		{"2021-10-05", 1, "2021-10-08"},  // from inside the week
		{"2021-10-08", -1, "2021-09-30"}, // back across the week
		{"2021-10-11", -3, "2021-09-30"},
		{"2021-09-28", 15, "2021-10-25"}, // 09-29, 30, 10-08, 09, 11..15, 18..22, 25
		{"2021-11-15", 5, "2021-11-22"},  // plain week
		{"2021-11-22", -5, "2021-11-15"},
		{"2021-02-10", 1, "2021-02-18"}, // Spring Festival
		{"2025-09-30", 1, "2025-10-09"},
		{"2021-02-30", 1, ""},
	}
	for _, tc := range cases {
		if got := c.Add(tc.d, tc.n); got != tc.want {
			t.Errorf("Add(%s, %d) = %s, want %s", tc.d, tc.n, got, tc.want)
		}
	}
}

func TestBetween(t *testing.T) {
	c := mustNew(t, "")
	cases := []struct {
		a, b shishi.Date
		want int
	}{
		{"2021-09-30", "2021-10-08", 1},
		{"2021-09-30", "2021-10-09", 2},
		{"2021-09-30", "2021-10-07", 0},
		{"2021-09-30", "2021-09-30", 0},
		{"2021-10-09", "2021-09-30", 0}, // b before a
		{"2021-11-15", "2021-11-22", 5},
		{"2021-09-24", "2021-10-11", 8}, // 09-26..30, 10-08, 10-09, 10-11
		{"2021-01-01", "2021-12-31", 250},
		{"bad", "2021-10-09", 0},
	}
	for _, tc := range cases {
		if got := c.Between(tc.a, tc.b); got != tc.want {
			t.Errorf("Between(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	// Between undoes Add.
	for _, d := range []shishi.Date{"2021-09-30", "2021-10-03", "2024-12-31", "2025-01-25"} {
		for n := 1; n <= 30; n++ {
			if got := c.Between(d, c.Add(d, n)); got != n {
				t.Errorf("Between(%s, Add(%s, %d)) = %d", d, d, n, got)
			}
		}
	}
}

func TestCovers(t *testing.T) {
	c := mustNew(t, "")
	for y := 2002; y <= 2026; y++ {
		if !c.Covers(y) {
			t.Errorf("Covers(%d) = false", y)
		}
	}
	for _, y := range []int{1999, 2001, 2031} {
		if c.Covers(y) {
			t.Errorf("Covers(%d) = true", y)
		}
	}
	ys := c.Years()
	if len(ys) == 0 || ys[0] != 2002 {
		t.Errorf("Years() = %v", ys)
	}
}

// A fictional 2031 arrangement: National Day week off, two make-up days.
const file2031 = "\uFEFF# 2031 年国庆节（虚构）\n" +
	"\n" +
	"2031-09-28 work 国庆节调休\n" +
	"2031-10-01 off 国庆节\n" +
	"2031-10-02\toff\t国庆节\n" +
	"2031-10-03 off 国庆节   # comment after an entry\n" +
	"2031-10-06 off 国庆节\n" +
	"2031-10-07 off 国庆节\n" +
	"   2031-10-11 work 国庆节调休  \n" +
	"2021-10-08 off 临时放假 测试\n" // overrides a library working day

func TestOverrides(t *testing.T) {
	c := mustNew(t, file2031)
	if !c.Covers(2031) {
		t.Error("Covers(2031) = false after the override file")
	}
	if c.Covers(2030) {
		t.Error("Covers(2030) = true")
	}
	for d, want := range map[shishi.Date]bool{
		"2031-09-27": false, // Saturday
		"2031-09-28": true,  // Sunday, make-up
		"2031-09-30": true,
		"2031-10-01": false,
		"2031-10-03": false, // Friday
		"2031-10-06": false, // Monday
		"2031-10-08": true,
		"2031-10-11": true, // Saturday, make-up
		"2021-10-08": false,
		"2021-10-09": true, // library still applies elsewhere
	} {
		if got := c.IsWorkday(d); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", d, got, want)
		}
	}
	if got := c.Add("2031-09-30", 1); got != "2031-10-08" {
		t.Errorf("Add(2031-09-30, 1) = %s", got)
	}
	// 09-28 Sun, 29, 30, then 10-08 Wed, 09, 10 and Saturday 10-11.
	if got := c.Between("2031-09-26", "2031-10-11"); got != 7 {
		t.Errorf("Between(2031-09-26, 2031-10-11) = %d, want 7", got)
	}
	if n, ok := c.Holiday("2031-10-03"); !ok || n != "国庆节" {
		t.Errorf("Holiday(2031-10-03) = %q, %v", n, ok)
	}
	if n, ok := c.Holiday("2021-10-08"); !ok || n != "临时放假 测试" {
		t.Errorf("Holiday(2021-10-08) = %q, %v", n, ok)
	}
	// The default calendar is not changed by another's overrides.
	if !mustNew(t, "").IsWorkday("2021-10-08") {
		t.Error("overrides leaked into a fresh calendar")
	}
}

func TestBadLines(t *testing.T) {
	file := "# header\n" + // 1
		"2031-10-01 off 国庆节\n" + // 2 ok
		"2031-13-01 off 国庆节\n" + // 3 bad month
		"2031-10-02 holiday 国庆节\n" + // 4 bad kind
		"2031-10-03 off\n" + // 5 no name
		"2031-10-04\n" + // 6 no kind
		"\n" + // 7
		"2031-10-01 work 重复\n" + // 8 duplicate of line 2
		"31-10-05 off 国庆节\n" + // 9 bad date form
		"2031-10-06 off \x01名称\n" + // 10 control character
		"2031-10-07 off \xff\n" + // 11 not UTF-8
		"2031-10-08 off ok\n" // 12 ok
	_, err := New(strings.NewReader(file))
	if err == nil {
		t.Fatal("bad file accepted")
	}
	var e *shishi.Error
	if !errors.As(err, &e) || shishi.ErrorCode(err) != shishi.EINVALID {
		t.Fatalf("error %v is not shishi.Invalid", err)
	}
	var rows []int
	for _, f := range shishi.ErrorFields(err) {
		if f.Field != "line" || f.Message == "" {
			t.Errorf("fault %+v", f)
		}
		rows = append(rows, f.Row)
	}
	want := []int{3, 4, 5, 6, 8, 9, 10, 11}
	if len(rows) != len(want) {
		t.Fatalf("faults on rows %v, want %v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Fatalf("faults on rows %v, want %v", rows, want)
		}
	}
	if f := shishi.ErrorFields(err)[4]; !strings.Contains(f.Message, "2") {
		t.Errorf("duplicate fault does not name the first line: %q", f.Message)
	}
}

func TestLongLine(t *testing.T) {
	file := "2031-10-01 off 国庆节\n2031-10-02 off " + strings.Repeat("长", 30000) + "\n"
	_, err := New(strings.NewReader(file))
	fs := shishi.ErrorFields(err)
	if len(fs) != 1 || fs[0].Row != 2 {
		t.Fatalf("long line: %v %+v", err, fs)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(file2031)
	f.Add("2031-10-01 off 国庆节\n2031-10-01 work x\n")
	f.Add("2031-02-29 off x\n#\n\t\n2031-01-01 work  a  b  \r\n")
	f.Add("2031-01-01 off a#b\n2031-01-02 work \u00a0x\u0085\n")
	f.Fuzz(func(t *testing.T, data string) {
		c, err := New(strings.NewReader(data)) // must not panic
		if err == nil && c == nil {
			t.Fatal("nil calendar without error")
		}
		if err != nil && len(shishi.ErrorFields(err)) == 0 {
			t.Fatalf("error without line faults: %v", err)
		}
		for _, line := range strings.Split(data, "\n") {
			e, ok, err := parseLine(line)
			if err != nil || !ok {
				continue
			}
			again, ok2, err2 := parseLine(e.String())
			if err2 != nil || !ok2 || again != e {
				t.Fatalf("%q parsed as %+v, printed %q, reparsed as %+v, %v, %v", line, e, e.String(), again, ok2, err2)
			}
			if _, err := New(strings.NewReader(e.String())); err != nil {
				t.Fatalf("accepted line %q rejected as a file: %v", e.String(), err)
			}
		}
	})
}

// TestWatch: a running server follows the override file.
func TestWatch(t *testing.T) {
	path := t.TempDir() + "/holidays.txt"
	w, err := Watch(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Add("2030-01-31", 1); got != "2030-02-01" {
		t.Fatalf("without a file: %s", got)
	}
	if err := os.WriteFile(path, []byte("2030-02-01 off 测试假日\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := w.Add("2030-01-31", 1); got != "2030-02-04" {
		t.Fatalf("after the file appeared: %s", got)
	}
	var bad error
	w.OnError = func(err error) { bad = err }
	if err := os.WriteFile(path, []byte("2030-02-01 maybe\n# longer so the size changes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := w.Add("2030-01-31", 1); got != "2030-02-04" || bad == nil {
		t.Fatalf("a bad file replaced the calendar: %s, error %v", got, bad)
	}
	if _, err := Watch(t.TempDir(), 0); err == nil {
		t.Fatal("a directory read as a calendar")
	}
}
