package shishi

import (
	"fmt"
	"time"
)

// Date is a calendar day ("2021-12-31") with no time zone: deadlines and
// campaign dates are days as Chinese offices write them.
type Date string

// ParseDate checks s is a real YYYY-MM-DD day.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Format("2006-01-02") != s {
		return "", fmt.Errorf("not a date YYYY-MM-DD: %q", s)
	}
	return Date(s), nil
}

// Valid reports whether d is a real day.
func (d Date) Valid() bool { _, err := ParseDate(string(d)); return err == nil }

// Time is the day at midnight UTC (for arithmetic only).
func (d Date) Time() time.Time {
	t, _ := time.Parse("2006-01-02", string(d))
	return t
}

// Period is the month the day falls in.
func (d Date) Period() Period {
	if len(d) < 7 {
		return ""
	}
	return Period(d[:7])
}

// DateOf returns the calendar day of t in Beijing time.
func DateOf(t time.Time) Date {
	return Date(t.In(Beijing).Format("2006-01-02"))
}

// Beijing is the time zone every date and deadline is read in.
var Beijing = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Period is a reporting month ("2021-10"): the 月报告制度 files one report
// per item per month.
type Period string

// ParsePeriod checks s is a real YYYY-MM month.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return "", fmt.Errorf("not a month YYYY-MM: %q", s)
	}
	return Period(s), nil
}

// Valid reports whether p is a real month.
func (p Period) Valid() bool { _, err := ParsePeriod(string(p)); return err == nil }

// Start is the first day of the month.
func (p Period) Start() Date { return Date(string(p) + "-01") }

// End is the last day of the month.
func (p Period) End() Date {
	t, _ := time.Parse("2006-01", string(p))
	return Date(t.AddDate(0, 1, -1).Format("2006-01-02"))
}

// Next is the following month.
func (p Period) Next() Period {
	t, _ := time.Parse("2006-01", string(p))
	return Period(t.AddDate(0, 1, 0).Format("2006-01"))
}

// Periods lists the months from a to b inclusive (empty when b is before a).
func Periods(a, b Period) []Period {
	var out []Period
	for p := a; p <= b && len(out) < 1200; p = p.Next() {
		out = append(out, p)
	}
	return out
}

// DueDate is when the report of p is due: day due of the next month.
func (p Period) DueDate(due int) Date {
	t, _ := time.Parse("2006-01", string(p))
	return Date(t.AddDate(0, 1, due-1).Format("2006-01-02"))
}
