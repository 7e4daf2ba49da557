package shishi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
)

func TestValidCreditCode(t *testing.T) {
	for _, ok := range []string{"91350100M000100Y43", "12100000400000624D"} {
		if !shishi.ValidCreditCode(ok) {
			t.Errorf("%s refused", ok)
		}
	}
	for _, bad := range []string{"", "91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43", "91350100m000100y43"} {
		if shishi.ValidCreditCode(bad) {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := map[string]bool{
		"Correct-Horse-42": true, "abcdefghij": false, "Abcdefghij": false, "Abcdefghi1": true,
		"short1A!": false, "admin-Pass-1": false, strings.Repeat("aA1", 100): false,
	}
	for pw, want := range cases {
		var v shishi.Validator
		shishi.ValidatePassword(&v, "password", pw, "admin")
		if got := v.Err() == nil; got != want {
			t.Errorf("%q: ok=%v, want %v (%v)", pw, got, want, v.Err())
		}
	}
}

func TestUnitInputReportsEveryField(t *testing.T) {
	in := shishi.UnitInput{Code: "Bad Code", Name: "", Kind: "x", CreditCode: "123"}
	err := in.Validate()
	got := map[string]bool{}
	for _, f := range shishi.ErrorFields(err) {
		got[f.Field] = true
	}
	for _, f := range []string{"code", "name", "kind", "credit_code"} {
		if !got[f] {
			t.Errorf("field %s not reported: %v", f, err)
		}
	}
	if shishi.ErrorCode(err) != shishi.EINVALID {
		t.Fatalf("code %s", shishi.ErrorCode(err))
	}
}

func TestAuditDigest(t *testing.T) {
	unit := int64(7)
	e := shishi.AuditEntry{Seq: 1, At: time.Date(2021, 12, 21, 9, 41, 0, 0, time.UTC), ActorLogin: "admin", Action: "unit.create",
		Entity: "unit", EntityID: "7", UnitID: &unit, Detail: `{"name":"教育部"}`, PrevHash: shishi.AuditGenesis}
	key := []byte("k")
	h := e.Digest(key)
	if len(h) != 64 || h != e.Digest(key) {
		t.Fatalf("digest %q not stable", h)
	}
	// Every field counts, and fields cannot be shifted into each other.
	mutations := []func(x *shishi.AuditEntry){
		func(x *shishi.AuditEntry) { x.Detail = `{"name":"教育部 "}` },
		func(x *shishi.AuditEntry) { x.Seq = 2 },
		func(x *shishi.AuditEntry) { x.At = x.At.Add(time.Microsecond) },
		func(x *shishi.AuditEntry) { x.ActorLogin, x.IP = "admi", "n" },
		func(x *shishi.AuditEntry) { x.UnitID = nil },
		func(x *shishi.AuditEntry) { x.PrevHash = strings.Repeat("1", 64) },
	}
	for i, m := range mutations {
		x := e
		m(&x)
		if x.Digest(key) == h {
			t.Errorf("mutation %d does not change the digest", i)
		}
	}
	if e.Digest([]byte("other")) == h {
		t.Error("the key does not matter")
	}
}

func FuzzUnitInputValidate(f *testing.F) {
	f.Add("moe", "教育部", "ministry", "")
	f.Add("", "\x00", "planet", "91350100M000100Y43")
	f.Fuzz(func(t *testing.T, code, name, kind, cc string) {
		in := shishi.UnitInput{Code: code, Name: name, Kind: shishi.UnitKind(kind), CreditCode: cc}
		err := in.Validate()
		if err == nil {
			// Whatever passes is clean: no control characters, sane lengths.
			if in.Name == "" || len([]rune(in.Name)) > 100 || strings.ContainsAny(in.Name, "\x00\n\r\t") {
				t.Fatalf("accepted name %q", in.Name)
			}
			if cc := in.CreditCode; cc != "" && !shishi.ValidCreditCode(cc) {
				t.Fatalf("accepted credit code %q", cc)
			}
		} else if shishi.ErrorCode(err) != shishi.EINVALID || len(shishi.ErrorFields(err)) == 0 {
			t.Fatalf("error without fields: %v", err)
		}
	})
}
