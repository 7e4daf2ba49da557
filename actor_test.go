package shishi

import (
	"strings"
	"testing"
)

func TestParseGrant(t *testing.T) {
	if r, u, err := ParseGrant("grant", " operator@ha-zz "); err != nil || r != RoleOperator || u != "ha-zz" {
		t.Fatalf("operator@ha-zz: %v %q %v", r, u, err)
	}
	for _, s := range []string{"", "operator", "operator@", "boss@ha", "@ha", "operator@ha zz", "operator@a@b", "operator@\x00", "operator@" + strings.Repeat("x", 65)} {
		if _, _, err := ParseGrant("grant", s); ErrorCode(err) != EINVALID || ErrorFields(err)[0].Field != "grant" {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// FuzzParseGrant: any text either parses to a known role and a clean
// reference that writes back to the same grant, or is refused as invalid.
func FuzzParseGrant(f *testing.F) {
	for _, s := range []string{"operator@ha-zz", "admin@1", "handler@", "x@y", "operator@\xff", "审计@单位"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, u, err := ParseGrant("grant", s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if !r.Valid() || u == "" || strings.IndexFunc(u, badRefRune) >= 0 {
			t.Fatalf("%q parsed to %q %q", s, r, u)
		}
		if r2, u2, err := ParseGrant("grant", string(r)+"@"+u); err != nil || r2 != r || u2 != u {
			t.Fatalf("%q does not round-trip: %v", s, err)
		}
	})
}
