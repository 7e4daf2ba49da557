package shishi_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/workday"
)

// TestComplaintDeadlines: deadlines count working days on the official
// calendar of 2025 and 2026, skipping holidays and counting make-up
// working days (调休).
func TestComplaintDeadlines(t *testing.T) {
	cal, err := workday.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		from shishi.Date
		days int
		want shishi.Date
		why  string
	}{
		{"2025-01-24", 5, "2025-02-07", "Spring Festival 01-28..02-04 off; Sunday 01-26 worked"},
		{"2025-04-30", 1, "2025-05-06", "Labour Day 05-01..05 off"},
		{"2025-09-26", 3, "2025-09-30", "Sunday 09-28 worked"},
		{"2025-09-30", 2, "2025-10-10", "National Day and Mid-Autumn 10-01..08 off"},
		{"2025-12-31", 1, "2026-01-04", "New Year 01-01..03 off; Sunday 01-04 worked"},
		{"2026-02-13", 1, "2026-02-14", "Saturday 02-14 worked"},
		{"2026-02-13", 3, "2026-02-25", "Spring Festival 02-15..23 off"},
		{"2026-03-03", 30, "2026-04-15", "Qingming 04-04..06 off"},
		{"2026-05-08", 1, "2026-05-09", "Saturday 05-09 worked"},
		{"2026-06-18", 1, "2026-06-22", "Dragon Boat 06-19..21 off"},
		{"2026-09-24", 1, "2026-09-28", "Mid-Autumn 09-25..27 off"},
		{"2026-09-30", 1, "2026-10-08", "National Day 10-01..07 off"},
		{"2026-09-30", 3, "2026-10-10", "Saturday 10-10 worked"},
		{"2026-11-20", 5, "2026-11-27", "a plain week"},
	}
	for _, tc := range cases {
		got := cal.Add(tc.from, tc.days)
		if got != tc.want {
			t.Errorf("%s + %d working days = %s, want %s (%s)", tc.from, tc.days, got, tc.want, tc.why)
			continue
		}
		// The colour follows the same calendar: green while more than the
		// margin is left, yellow within it, red the day after.
		cat := shishi.ComplaintCategory{WarnDays: 2}
		warn := shishi.WarnFrom(cal, got, cat.Warn(tc.days))
		if c := shishi.ColourOf(shishi.ComplaintVerifying, got, warn, tc.from); tc.days > 2*cat.Warn(tc.days) && c != shishi.ColourGreen {
			t.Errorf("%s on the day of receipt: %s", tc.from, c)
		}
		if c := shishi.ColourOf(shishi.ComplaintVerifying, got, warn, got); c != shishi.ColourYellow {
			t.Errorf("%s on the deadline: %s", got, c)
		}
		if c := shishi.ColourOf(shishi.ComplaintVerifying, got, warn, shishi.DateOf(got.Time().AddDate(0, 0, 1).Add(12*3600e9))); c != shishi.ColourRed {
			t.Errorf("%s the day after: %s", got, c)
		}
		if left := shishi.DaysLeft(cal, got, tc.from); left != tc.days {
			t.Errorf("days left on %s: %d, want %d", tc.from, left, tc.days)
		}
	}
	if c := shishi.ColourOf(shishi.ComplaintReplied, "2026-01-05", "2026-01-01", "2026-02-01"); c != shishi.ColourNone {
		t.Errorf("a replied case has colour %s", c)
	}
}

func TestComplaintSteps(t *testing.T) {
	// Every step starts from a real status and ends in one; only the
	// reporter rates and reopens.
	for _, st := range shishi.ComplaintSteps {
		if len(st.From) == 0 {
			t.Errorf("%s: no source status", st.Action)
		}
		for _, f := range st.From {
			if !f.Valid() {
				t.Errorf("%s: from %q", st.Action, f)
			}
		}
		if st.To != "" && !st.To.Valid() {
			t.Errorf("%s: to %q", st.Action, st.To)
		}
		if (st.Action == "rate" || st.Action == "reopen") != (st.By == shishi.SideReporter) {
			t.Errorf("%s: by %d", st.Action, st.By)
		}
	}
	if _, err := shishi.FindComplaintStep("reply", shishi.ComplaintReceived); shishi.ErrorCode(err) != shishi.ECONFLICT {
		t.Errorf("reply to a received case: %v", err)
	}
	if _, err := shishi.FindComplaintStep("teleport", shishi.ComplaintReceived); shishi.ErrorCode(err) != shishi.EINVALID {
		t.Errorf("unknown action: %v", err)
	}
}

func TestSimilarity(t *testing.T) {
	a := "金水区实验小学以资料费名义向每名学生收取300元，没有开具任何票据。"
	b := "金水区实验小学向每名学生收取资料费300元，不开票据。"
	c := "某培训机构周末违规开展学科类培训，地点在商场五楼。"
	if s := shishi.Similarity(a, b); s < shishi.DuplicateThreshold {
		t.Errorf("near duplicates score %.2f", s)
	}
	if s := shishi.Similarity(a, c); s >= shishi.DuplicateThreshold {
		t.Errorf("different complaints score %.2f", s)
	}
	if s := shishi.Similarity(a, a); s != 1 {
		t.Errorf("self similarity %.2f", s)
	}
	if s := shishi.Similarity("", a); s != 0 {
		t.Errorf("empty text %.2f", s)
	}
}

func TestUnitStatsRates(t *testing.T) {
	s := shishi.UnitStats{Concluded: 4, OnTime: 3, Due: 4, Replied: 4, True: 1, Rated: 3, Satisfied: 2}
	s.Rates(shishi.ComplaintFloors{OnTime: 90, Reply: 95, Satisfaction: 85})
	if *s.OnTimeRate != 75 || *s.ReplyRate != 100 || *s.SubstantiatedRate != 25 || *s.SatisfactionRate != 66.67 {
		t.Fatalf("rates %v %v %v %v", *s.OnTimeRate, *s.ReplyRate, *s.SubstantiatedRate, *s.SatisfactionRate)
	}
	if len(s.Below) != 2 || s.Below[0] != "on_time" || s.Below[1] != "satisfaction" {
		t.Fatalf("below %v", s.Below)
	}
	var empty shishi.UnitStats
	empty.Rates(shishi.ComplaintFloors{OnTime: 90})
	if empty.OnTimeRate != nil || len(empty.Below) != 0 {
		t.Fatalf("no cases yet, but rates %v below %v", empty.OnTimeRate, empty.Below)
	}
}

// FuzzComplaintInput: validation never panics, and what it accepts is
// within bounds and valid UTF-8.
func FuzzComplaintInput(f *testing.F) {
	f.Add("fees", "金水区", "某校以资料费名义收费三百元不开票据", "王小明", "13812345678", "a@b.cn", false)
	f.Add("", "", "短", "", "call me", "x", true)
	f.Add("other", "\x00", "\xff\xfe 足够长的一段文字内容啊啊", "", "", "", false)
	f.Fuzz(func(t *testing.T, cat, place, body, name, phone, email string, anon bool) {
		in := shishi.ComplaintInput{Category: cat, Place: place, Body: body, Anonymous: anon,
			Reporter: shishi.Reporter{Name: name, Phone: phone, Email: email}}
		if err := in.Validate(); err != nil {
			if shishi.ErrorCode(err) != shishi.EINVALID || len(shishi.ErrorFields(err)) == 0 {
				t.Fatalf("error without fields: %v", err)
			}
			return
		}
		n := utf8.RuneCountInString(in.Body)
		if !utf8.ValidString(in.Body) || n < 10 || n > 5000 || in.Category == "" {
			t.Fatalf("accepted %q", in.Body)
		}
		if in.Anonymous && !in.Reporter.Empty() {
			t.Fatalf("anonymous input keeps an identity")
		}
	})
}

// TestComplaintInputCategory: a category code with a control character,
// bad UTF-8 or past 50 characters is refused with the field named before
// it reaches the store (on PostgreSQL such a text fails the query itself).
func TestComplaintInputCategory(t *testing.T) {
	for _, cat := range []string{"fe\x00es", "fe\xffes", strings.Repeat("类", 51)} {
		in := shishi.ComplaintInput{Category: cat, UnitCode: "ha-zz", Body: "某校违规收费，请核查处理。", Anonymous: true}
		err := in.Validate()
		if f := shishi.ErrorFields(err); shishi.ErrorCode(err) != shishi.EINVALID || len(f) != 1 || f[0].Field != "category" {
			t.Errorf("category %q: %v", cat, err)
		}
	}
	in := shishi.ComplaintInput{Category: "fees", UnitCode: "ha-zz", Body: "某校违规收费，请核查处理。", Anonymous: true}
	if err := in.Validate(); err != nil {
		t.Errorf("a good category: %v", err)
	}
}
