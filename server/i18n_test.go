package server

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestCatalogCoversTemplates: every key a template asks for is in the
// catalogue, so no page shows a raw key like "ledger.export".
func TestCatalogCoversTemplates(t *testing.T) {
	re := regexp.MustCompile(`\.L\.T "([a-z0-9_.]+)"`)
	names, _ := fs.Glob(assets, "templates/*.html")
	n := 0
	for _, name := range names {
		b, _ := fs.ReadFile(assets, name)
		for _, m := range re.FindAllSubmatch(b, -1) {
			n++
			if _, ok := catalog[string(m[1])]; !ok {
				t.Errorf("%s: key %q missing from the catalogue", name, m[1])
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d keys found; is the pattern broken?", n)
	}
	for k, v := range catalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("key %q lacks a language", k)
		}
	}
}
