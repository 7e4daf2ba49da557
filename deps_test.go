package shishi_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/shishi-edu/shishi"

// layers is the dependency rule of DESIGN.md, written down: what each of our
// packages may import of ours. A package missing here fails the test, so a
// new package must be placed in the rule when it is created.
var layers = map[string][]string{
	"":                  {},   // the domain: nothing of ours
	"secret":            {""}, // leaves: the domain only
	"demo":              {""}, //
	"workday":           {""}, //
	"vc":                {""}, //
	"xlsx":              {""}, //
	"pdf":               {""}, //
	"chart":             {""}, //
	"blob":              {""},
	"webhook":           {""},
	"mailer":            {""},
	"internal/testdb":   {},                       // test helper: nothing of ours
	"internal/testsmtp": {},                       // test helper: nothing of ours
	"sqlstore":          {"", "leaf"},             // root and leaves, never server or jobs
	"server":            {"", "leaf"},             // root and leaves, never sqlstore or jobs
	"jobs":              {"", "leaf"},             // root and leaves, never sqlstore or server
	"internal/app":      {"*"},                    // the wiring sees everything
	"cmd/shishi":        {"*"},                    //
	"internal/e2e":      {"*"},                    //
	"bench/load":        {},                       // an outside client: HTTP only
	"bench/certs":       {"*"},                    // sets up a data directory like the CLI
	"bench/gen":         {"", "sqlstore", "leaf"}, // the dataset generator and store probes: writes through the store and straight into its tables
	"briefpdf":          {""},                     // the briefing's PDF (a leaf)
	"certpdf":           {"", "briefpdf"},         // the certificate's PDF: shares briefpdf's embedded font
}

var leaves = map[string]bool{"blob": true, "secret": true, "demo": true, "workday": true, "vc": true, "xlsx": true, "pdf": true, "chart": true, "webhook": true, "mailer": true, "briefpdf": true, "certpdf": true}

func allowed(pkg, dep string) bool {
	for _, a := range layers[pkg] {
		if a == "*" || a == dep || (a == "leaf" && leaves[dep]) {
			return true
		}
	}
	return false
}

func TestDependencyRule(t *testing.T) {
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = ""
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == module {
				imports[pkg][""] = true
			} else if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[pkg][rest] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		if _, ok := layers[p]; !ok {
			t.Errorf("package %q is not placed in the dependency rule (deps_test.go)", p)
			continue
		}
		for dep := range imports[p] {
			if !allowed(p, dep) {
				t.Errorf("package %q imports %q: the dependency rule of DESIGN.md forbids it", p, dep)
			}
		}
	}
	if len(pkgs) < 5 {
		t.Fatalf("found only %d packages; is the walk broken?", len(pkgs))
	}
}

// TestDependencyRuleCatches proves the check can fail: a store importing
// the server is refused.
func TestDependencyRuleCatches(t *testing.T) {
	if allowed("sqlstore", "server") || allowed("", "secret") || allowed("secret", "sqlstore") || !allowed("sqlstore", "secret") {
		t.Fatal("the rule table does not say what DESIGN.md says")
	}
	if _, err := os.Stat("go.mod"); err != nil {
		t.Fatal("run from the module root")
	}
}
