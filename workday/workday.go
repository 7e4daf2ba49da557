// Package workday counts working days (工作日) on the official Chinese
// calendar: Monday to Friday, less the public holidays the State Council
// announces each year, plus the weekend days it turns into make-up working
// days (调休上班). Complaint deadlines ("15 个工作日内答复") are counted here.
//
// The official arrangements come from github.com/6tail/lunar-go's
// HolidayUtil (v1.4.6 knows 2002 to 2026). Because the State Council
// publishes next year's arrangement only in November or December, an admin
// can add it — or correct any day — with an override file, read at start-up,
// without a rebuild.
//
// # Override file
//
// UTF-8 text, one day per line:
//
//	# 2027 年部分节假日安排（国办发明电〔2026〕x 号）
//	2027-01-01 off 元旦
//	2027-02-06 work 春节调休
//	2027-02-07 off 春节
//
// Each line is a date YYYY-MM-DD, the word "off" (an official holiday, no
// work even on a weekday) or "work" (a make-up working day, work even on a
// Saturday or Sunday), and a name shown to users. Fields are separated by
// spaces or tabs; the name is the rest of the line and may contain spaces.
// "#" starts a comment, on its own line or after an entry, so a name cannot
// contain "#". Blank lines are ignored, and so is a UTF-8 byte order mark.
// A line of the file replaces whatever the library says about its day; a day
// may appear only once in the file. Every bad line is reported, each as a
// shishi.FieldError with Field "line" and Row its line number (from 1).
//
// A year counts as covered ([Calendar.Covers]) when the library or the file
// lists at least one "off" day in it; for other years the calendar still
// answers, but with plain Monday-to-Friday weeks.
package workday

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/shishi-edu/shishi"
)

// kind says whether an arranged day is off or worked.
type kind bool

const (
	off  kind = false // an official holiday
	work kind = true  // a make-up working day (调休)
)

func (k kind) String() string {
	if k == work {
		return "work"
	}
	return "off"
}

// entry is one arranged day: a line of the override file, or a day the
// library knows.
type entry struct {
	Day  shishi.Date
	Kind kind
	Name string
}

// String is the entry as an override-file line.
func (e entry) String() string { return string(e.Day) + " " + e.Kind.String() + " " + e.Name }

// Calendar answers working-day questions. It is immutable once built and
// safe for concurrent use.
type Calendar struct {
	days    map[int64]entry // by dayNumber: library days overlaid by the file
	covered map[int]bool    // years with at least one official holiday
}

// library is lunar-go's arrangement, read once: its data never changes
// unless someone calls HolidayUtil.Fix, which this project does not.
var library = sync.OnceValue(func() map[shishi.Date]entry {
	m := map[shishi.Date]entry{}
	for y := 2001; y < 2200; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok || h == nil {
				continue
			}
			d, err := shishi.ParseDate(h.GetDay())
			if err != nil {
				continue
			}
			k := off
			if h.IsWork() {
				k = work
			}
			m[d] = entry{Day: d, Kind: k, Name: h.GetName()}
		}
	}
	return m
})

// New builds the calendar from the library's official arrangements overlaid
// by the override file read from extra (nil for none). A malformed file is
// shishi.Invalid with one FieldError{Field: "line", Row: n} per bad line.
func New(extra io.Reader) (*Calendar, error) {
	c := &Calendar{days: map[int64]entry{}, covered: map[int]bool{}}
	for _, e := range library() {
		c.days[dayNumber(e.Day.Time())] = e
	}
	if extra != nil {
		es, err := parse(extra)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			c.days[dayNumber(e.Day.Time())] = e
		}
	}
	for _, e := range c.days {
		if e.Kind == off {
			c.covered[e.Day.Time().Year()] = true
		}
	}
	return c, nil
}

// maxErrors bounds the faults reported for one file.
const maxErrors = 100

// parse reads an override file, reporting every bad line.
func parse(r io.Reader) ([]entry, error) {
	var (
		out    []entry
		faults []shishi.FieldError
		seen   = map[shishi.Date]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		e, ok, err := parseLine(line)
		if err == nil && ok {
			if first, dup := seen[e.Day]; dup {
				err = fmt.Errorf("%s 已在第 %d 行出现 / %s already on line %d", e.Day, first, e.Day, first)
			} else {
				seen[e.Day] = n
			}
		}
		if err != nil {
			if len(faults) < maxErrors {
				faults = append(faults, shishi.FieldError{Field: "line", Row: n, Message: err.Error()})
			}
			continue
		}
		if ok {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		msg := "无法读取 / unreadable: " + err.Error()
		if errors.Is(err, bufio.ErrTooLong) {
			msg = "行过长 / line too long"
		}
		faults = append(faults, shishi.FieldError{Field: "line", Row: n + 1, Message: msg})
	}
	if len(faults) > 0 {
		return nil, shishi.Invalid(faults...)
	}
	return out, nil
}

// parseLine reads one override line: ok is false for a blank or comment
// line.
func parseLine(line string) (e entry, ok bool, err error) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	if !utf8.ValidString(line) {
		return e, false, errors.New("不是 UTF-8 文本 / not UTF-8 text")
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return e, false, nil
	}
	date, rest := cut(line)
	word, name := cut(rest)
	d, derr := shishi.ParseDate(date)
	if derr != nil {
		return e, false, fmt.Errorf("日期须为 YYYY-MM-DD：%q / date must be YYYY-MM-DD: %q", date, date)
	}
	var k kind
	switch word {
	case "off":
		k = off
	case "work":
		k = work
	case "":
		return e, false, errors.New(`缺少 off 或 work / missing "off" or "work"`)
	default:
		return e, false, fmt.Errorf(`第二项须为 off 或 work：%q / second field must be "off" or "work": %q`, word, word)
	}
	if name == "" {
		return e, false, errors.New("缺少名称 / missing name")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return e, false, errors.New("名称含控制字符 / name has a control character")
		}
	}
	return entry{Day: d, Kind: k, Name: name}, true, nil
}

// cut splits s at its first run of white space; s has no leading space.
func cut(s string) (first, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// IsWorkday reports whether d is a working day: Monday to Friday unless an
// official holiday, Saturday or Sunday only when an official make-up working
// day. An invalid date is not a working day.
func (c *Calendar) IsWorkday(d shishi.Date) bool {
	if !d.Valid() {
		return false
	}
	return c.isWorkday(d.Time())
}

func (c *Calendar) isWorkday(t time.Time) bool {
	if e, ok := c.days[dayNumber(t)]; ok {
		return e.Kind == work
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func date(t time.Time) shishi.Date { return shishi.Date(t.Format("2006-01-02")) }

// dayNumber numbers the days of a midnight-UTC time (as shishi.Date.Time
// gives): cheaper map keys than strings when counting long spans.
func dayNumber(t time.Time) int64 { return t.Unix() / 86400 }

// Add returns the date n working days after d, d itself not counted: the
// deadline "n 个工作日内" of something received on d. n = 0 returns d if it
// is a working day, else the next one; a negative n counts back. An invalid
// d returns "".
func (c *Calendar) Add(d shishi.Date, n int) shishi.Date {
	if !d.Valid() {
		return ""
	}
	t := d.Time()
	switch {
	case n == 0:
		for !c.isWorkday(t) {
			t = t.AddDate(0, 0, 1)
		}
	case n > 0:
		for n > 0 {
			t = t.AddDate(0, 0, 1)
			if c.isWorkday(t) {
				n--
			}
		}
	default:
		for n < 0 {
			t = t.AddDate(0, 0, -1)
			if c.isWorkday(t) {
				n++
			}
		}
	}
	return date(t)
}

// Between counts the working days after a up to and including b: the
// working days used of a deadline running from a to b. It is 0 when b is on
// or before a (never negative), and 0 when either date is invalid; so
// Between(d, Add(d, n)) == n for n > 0.
func (c *Calendar) Between(a, b shishi.Date) int {
	if !a.Valid() || !b.Valid() {
		return 0
	}
	n := 0
	end := b.Time()
	for t := a.Time().AddDate(0, 0, 1); !t.After(end); t = t.AddDate(0, 0, 1) {
		if c.isWorkday(t) {
			n++
		}
	}
	return n
}

// Holiday returns the name of the official holiday d falls in ("国庆节"),
// ok false when d is not one. A make-up working day is not a holiday.
func (c *Calendar) Holiday(d shishi.Date) (name string, ok bool) {
	if !d.Valid() {
		return "", false
	}
	e, found := c.days[dayNumber(d.Time())]
	if !found || e.Kind != off {
		return "", false
	}
	return e.Name, true
}

// Covers reports whether the official arrangement of year is known — the
// library or the override file lists at least one holiday in it — so the
// app can warn an admin before next year starts that its dates are missing.
func (c *Calendar) Covers(year int) bool { return c.covered[year] }

// Years lists the covered years in order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.covered))
	for y := range c.covered {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}
