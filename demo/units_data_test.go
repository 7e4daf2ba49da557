package demo

import (
	"regexp"
	"testing"
)

func TestWorldUnits(t *testing.T) {
	codeRE := regexp.MustCompile(`^[a-z0-9-]+$`)
	allowedKinds := map[string]bool{
		"ministry": true, "department": true, "affiliate": true, "province": true,
		"city": true, "county": true, "school": true, "university": true,
	}

	root := World()
	if root.Code != "moe" || root.Kind != "ministry" {
		t.Fatalf("root = %q (%s), want moe (ministry)", root.Code, root.Kind)
	}

	seen := map[string]string{}
	byKind := map[string]int{}
	tagged := map[string]int{}
	byCode := map[string]UnitSpec{}
	total := 0

	var walk func(u UnitSpec, path string)
	walk = func(u UnitSpec, path string) {
		total++
		byKind[u.Kind]++
		where := path + "/" + u.Code
		if !codeRE.MatchString(u.Code) {
			t.Errorf("%s: code %q does not match %s", where, u.Code, codeRE)
		}
		if prev, dup := seen[u.Code]; dup {
			t.Errorf("%s: duplicate code %q (also at %s)", where, u.Code, prev)
		}
		seen[u.Code] = where
		byCode[u.Code] = u
		if u.Name == "" {
			t.Errorf("%s: empty Name", where)
		}
		if u.NameEN == "" {
			t.Errorf("%s: empty NameEN", where)
		}
		if !allowedKinds[u.Kind] {
			t.Errorf("%s: kind %q not allowed", where, u.Kind)
		}
		for _, tag := range u.Tags {
			tagged[tag]++
		}
		for _, c := range u.Children {
			walk(c, where)
		}
	}
	walk(root, "")

	if got := byKind["province"]; got != 31 {
		t.Errorf("provinces = %d, want 31", got)
	}
	if got := tagged["zhongguan"]; got != 31 {
		t.Errorf("units tagged zhongguan = %d, want 31", got)
	}
	if got := tagged["ministry-university"]; got != 49 {
		t.Errorf("units tagged ministry-university = %d, want 49", got)
	}
	ha, ok := byCode["ha"]
	if !ok {
		t.Fatalf("no unit with code ha")
	}
	cities := 0
	for _, c := range ha.Children {
		if c.Kind == "city" {
			cities++
		}
	}
	if cities != 18 {
		t.Errorf("city children of ha = %d, want 18", cities)
	}
	if _, ok := byCode["ha-zz"]; !ok {
		t.Errorf("no unit with code ha-zz")
	}
	if total < 200 {
		t.Errorf("total units = %d, want >= 200", total)
	}
	t.Logf("total units: %d; by kind: %v", total, byKind)
}
