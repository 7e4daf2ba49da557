package main

import (
	"strings"
	"testing"
)

// TestGenCLI: `shishi gen` fills an empty database at a tiny scale and
// refuses to fill it twice; bad scales and a probe without a dataset are
// usage errors.
func TestGenCLI(t *testing.T) {
	data := t.TempDir()
	must(t, 2, "", "gen", "--data", data, "--scale", "0")
	must(t, 2, "", "gen", "--data", data, "--scale", "11")
	must(t, 2, "", "gen", "--data", data, "--credential-scale", "-1")
	must(t, 2, "", "probe")
	must(t, 2, "", "probe", "--data", data, "--iters", "0")
	out := must(t, 0, "", "gen", "--data", data, "--scale", "0.0001", "--credential-scale", "0.00001")
	if !strings.Contains(out, "done in") || !strings.Contains(out, "3496 units, 100 items, 1200 reports, 100 complaints, 100 credentials") {
		t.Fatalf("gen output: %s", out)
	}
	if out := must(t, 1, "", "gen", "--data", data, "--scale", "0.0001"); !strings.Contains(out, "empty database") {
		t.Fatalf("second gen: %s", out)
	}
}
