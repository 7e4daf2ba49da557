package server

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
)

// TestParseO311: the resource and format come from the path; anything
// else is not found. (The answers themselves are checked end to end in
// internal/e2e, on real databases.)
func TestParseO311(t *testing.T) {
	for _, c := range []struct {
		path, resource, name string
		xml, ok              bool
	}{
		{"/open311/v2/discovery.xml", "discovery", "discovery", true, true},
		{"/open311/v2/services.json", "services", "services", false, true},
		{"/open311/v2/services/teacher-pay.xml", "service", "teacher-pay", true, true},
		{"/open311/v2/requests/12.json", "request", "12", false, true},
		{"/open311/v2/tokens/JB12345678.json", "token", "JB12345678", false, true},
		{"/open311/v2/services.csv", "", "", true, false},
		{"/open311/v2/services", "", "", true, false},
		{"/open311/v2/requests/.json", "", "", false, false},
		{"/open311/v2/requests/1/2.json", "", "", false, false},
		{"/open311/v2/users.json", "", "", false, false},
		{"/open311/v1/services.json", "", "", true, false},
	} {
		got, ok := parseO311(c.path)
		if ok != c.ok || (ok && (got.resource != c.resource || got.name != c.name || got.xml != c.xml)) {
			t.Errorf("%s: %+v %v", c.path, got, ok)
		}
	}
}

// TestO311Filter: the standard's defaults (the last 90 days, at most a
// 90-day range) and its formats; errors name the argument.
func TestO311Filter(t *testing.T) {
	now := mustTime(t, "2026-03-02T02:00:00Z")
	cats := map[string]*shishi.ComplaintCategory{"fees": {Code: "fees"}, "other": {Code: "other"}}
	for _, c := range []struct {
		query    string
		field    string // the error's field, or ""
		from, to string
		ids      int
	}{
		{query: "", from: "2025-12-02T02:00:00Z", to: "2026-03-02T02:00:00Z"},
		{query: "start_date=2026-01-01T00:00:00%2B08:00", from: "2025-12-31T16:00:00Z", to: "2026-03-31T16:00:00Z"},
		{query: "end_date=2026-02-01", from: "2025-11-03T15:59:59.999999999Z", to: "2026-02-01T15:59:59.999999999Z"},
		{query: "start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z&status=open&service_code=fees,other", from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"},
		{query: "service_request_id=3,4,5&start_date=nonsense", ids: 3},
		{query: "service_request_id=3,x", field: "service_request_id"},
		{query: "start_date=2026-13-01", field: "start_date"},
		{query: "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", field: "end_date"},
		{query: "start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", field: "end_date"},
		{query: "status=pending", field: "status"},
		{query: "service_code=nope", field: "service_code"},
	} {
		f, err := o311Filter(httptest.NewRequest("GET", "/open311/v2/requests.json?"+c.query, nil), now, cats)
		if c.field != "" {
			if fs := shishi.ErrorFields(err); len(fs) == 0 || fs[0].Field != c.field {
				t.Errorf("%s: %v, want an error on %s", c.query, err, c.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if len(f.IDs) != c.ids || (c.ids == 0 && (f.From.UTC().Format(time.RFC3339Nano) != c.from || f.To.UTC().Format(time.RFC3339Nano) != c.to)) {
			t.Errorf("%s: %+v", c.query, f)
		}
	}
}

func TestPersonNameAndDeadline(t *testing.T) {
	for _, c := range [][3]string{{"小明", "王", "王小明"}, {"John", "Smith", "John Smith"}, {"", "", ""}, {"", "李", "李"}} {
		if got := personName(c[0], c[1]); got != c[2] {
			t.Errorf("personName(%q, %q) = %q", c[0], c[1], got)
		}
	}
	if got := endOfDay("2026-03-09"); got != "2026-03-09T23:59:59+08:00" {
		t.Errorf("endOfDay %s", got)
	}
	if got := endOfDay(""); got != "" {
		t.Errorf("endOfDay of no deadline %q", got)
	}
}
