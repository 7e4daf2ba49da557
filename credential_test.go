package shishi

import (
	"strings"
	"testing"
)

func TestCertNumber(t *testing.T) {
	n := CertNumber{TypeCode: "CET4", IssuerCode: "12100000400010253E", Serial: 42, Version: 1}
	s := n.String()
	if !strings.HasPrefix(s, "1.2.156.3005.2.CET4.12100000400010253E.00000042.001.") {
		t.Fatal(s)
	}
	got, err := ParseCertNumber(" " + strings.ToLower(s) + " ")
	if err != nil || got != n {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	// Every single-character change is caught.
	swaps, missed := 0, 0
	for i := 15; i < len(s); i++ {
		if s[i] == '.' {
			continue
		}
		for _, c := range mod36Chars {
			if byte(c) == s[i] {
				continue
			}
			typo := s[:i] + string(c) + s[i+1:]
			if _, err := ParseCertNumber(typo); err == nil {
				t.Fatalf("typo %s accepted", typo)
			}
		}
		if i+1 < len(s) && s[i+1] != '.' && s[i] != s[i+1] {
			swaps++
			swap := s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
			if _, err := ParseCertNumber(swap); err == nil {
				missed++
			}
		}
	}
	// MOD 37,36 is a hybrid system: it catches every substitution and
	// nearly every swap of neighbours.
	if missed*10 > swaps {
		t.Fatalf("%d of %d swaps missed", missed, swaps)
	}
	for _, bad := range []string{"", "1.2.156.3005.2", "CET4.12100000400012345X.00000042.001.X", strings.Repeat("9", 200)} {
		if _, err := ParseCertNumber(bad); ErrorCode(err) != EINVALID {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	// A well-formed number whose issuer part fails GB 32100's own check
	// character is refused, naming why.
	fake := CertNumber{TypeCode: "CET4", IssuerCode: "12100000400012345X", Serial: 42, Version: 1}.String()
	if _, err := ParseCertNumber(fake); ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "unified social credit code") {
		t.Fatalf("bad issuer code: %v", err)
	}
	zero := CertNumber{TypeCode: "CET4", IssuerCode: "12100000400010253E", Serial: 0, Version: 1}.String()
	if _, err := ParseCertNumber(zero); ErrorCode(err) != EINVALID {
		t.Fatalf("serial 0: %v", err)
	}
	// Full-width input is normalised.
	fw := strings.NewReplacer("1", "１", ".", "．").Replace(s)
	if _, err := ParseCertNumber(fw); err != nil {
		t.Fatalf("full-width: %v", err)
	}
}

func TestIDNumber(t *testing.T) {
	for _, ok := range []string{"11010519491231002X", "440524188001010014", "E12345678", "G1234567"} {
		if !ValidIDNumber(ok) {
			t.Errorf("%s refused", ok)
		}
	}
	for _, bad := range []string{"110105194912310021", "1234", "11010519491231002", "ABC-123"} {
		if ValidIDNumber(bad) {
			t.Errorf("%s accepted", bad)
		}
	}
	if m := MaskIDNumber("11010519491231002X"); m != "1101**********002X" {
		t.Fatal(m)
	}
}

func TestCredentialTypeValidate(t *testing.T) {
	ct := &CredentialType{Code: "cet4", Name: "四级", NumberCode: "CET4", Fields: []CredentialField{
		{Key: "fullName", Label: "姓名", Kind: FieldName}, {Key: "idNumber", Label: "证件号码", Kind: FieldIDNumber}}}
	if err := ct.Validate(); err != nil {
		t.Fatal(err)
	}
	ct.Fields = append(ct.Fields, CredentialField{Key: "name", Label: "x", Kind: FieldText}, CredentialField{Key: "fullName", Label: "y", Kind: FieldName})
	fields := map[string]bool{}
	for _, f := range ErrorFields(ct.Validate()) {
		fields[f.Field] = true
	}
	if !fields["fields[2].key"] || !fields["fields[3].key"] || !fields["fields"] {
		t.Fatalf("faults: %v", ErrorFields(ct.Validate()))
	}
	f := CredentialField{Key: "score", Kind: FieldInteger, Required: true}
	if v, msg := f.CheckValue(" 425 "); v != int64(425) || msg != "" {
		t.Fatal(v, msg)
	}
	if _, msg := f.CheckValue("4x"); msg == "" {
		t.Fatal("4x accepted")
	}
	f.Kind = FieldText
	if _, msg := f.CheckValue("a\x00b"); msg == "" {
		t.Fatal("control character accepted")
	}
}

func FuzzParseCertNumber(f *testing.F) {
	f.Add(CertNumber{TypeCode: "CET4", IssuerCode: "12100000400010253E", Serial: 42, Version: 1}.String())
	f.Add("1.2.156.3005.2.A.000000000000000000.00000001.001.0")
	f.Add("１．２")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseCertNumber(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if n.String() != NormalizeCertNumber(s) {
			t.Fatalf("%q parsed to %q", s, n.String())
		}
		// What parses has every part in range: the issuer a credit code.
		if !ValidCreditCode(n.IssuerCode) || n.Serial < 1 || n.Serial > 99999999 || n.Version < 1 || n.Version > 999 || n.TypeCode == "" {
			t.Fatalf("%q parsed to %+v", s, n)
		}
	})
}
