package main

import (
	"testing"
	"time"
)

// TestShortBy checks that the targets table names the part of an HTTP
// target a run missed: a list page that meets its ratio but not its p99
// must not be reported as short of its ratio.
func TestShortBy(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name       string
		ratio      float64
		errs       int
		p99, limit time.Duration
		want       string
	}{
		{"met", 0.10, 0, 12 * ms, 20 * ms, ""},
		{"met, no p99 limit", 2.1, 0, 50 * ms, 0, ""},
		{"p99 only", 0.096, 0, 31200 * time.Microsecond, 20 * ms, "p99 1.56× the 20 ms"},
		{"p99 on the limit", 0.096, 0, 20 * ms, 20 * ms, "p99 1.00× the 20 ms"},
		{"ratio only", 0.03, 0, 5 * ms, 20 * ms, "ratio 0.50 of the 0.06× wanted"},
		{"errors", 0.10, 3, 5 * ms, 20 * ms, "3 errors"},
		{"all three", 0.03, 1, 40 * ms, 20 * ms, "ratio 0.50 of the 0.06× wanted; 1 errors; p99 2.00× the 20 ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := shortBy(c.ratio, 0.06, c.errs, c.p99, c.limit); got != c.want {
				t.Errorf("shortBy = %q, want %q", got, c.want)
			}
		})
	}
}

// TestPacedVerdict checks that a paced run's p99 counts only when the
// pacer kept the rate asked for and nothing failed.
func TestPacedVerdict(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name            string
		sent            float64
		errs            int
		p99             time.Duration
		wantMet, wantNo string
	}{
		{"kept, fast", 3170, 0, 11 * ms, "p99 yes", ""},
		{"kept within 2 %", 3120, 0, 11 * ms, "p99 yes", ""},
		{"fell behind", 2500, 0, 11 * ms, "p99 **no**", "sent 2500/s of the 3176/s asked"},
		{"slow", 3176, 0, 25 * ms, "p99 **no**", "p99 1.25× the 20 ms"},
		{"errors", 3176, 2, 11 * ms, "p99 **no**", "2 errors"},
	} {
		t.Run(c.name, func(t *testing.T) {
			met, note := pacedVerdict(c.sent, 3176, c.errs, c.p99, 20*ms)
			if met != c.wantMet || note != c.wantNo {
				t.Errorf("pacedVerdict = %q, %q; want %q, %q", met, note, c.wantMet, c.wantNo)
			}
		})
	}
}
