package vc

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const testBase = "http://127.0.0.1:8080"

var testFields = []FieldDef{{Key: "fullName"}, {Key: "idNumber"}, {Key: "totalScore", Kind: "integer"}, {Key: "examDate", Kind: "date"}, {Key: "note"}}

func testLoader() *Loader {
	ctx := TypeContext(testBase, "cet4", testFields)
	return &Loader{Local: func(u string) ([]byte, bool) {
		if u == TypeContextURL(testBase, "cet4") {
			return ctx, true
		}
		return nil, false
	}}
}

func testCredential(name, note string, score int64) *Credential {
	did, _ := DIDWeb(testBase, "issuers", "1")
	list := testBase + "/status/1/1"
	c := &Credential{
		Context: []string{ContextV2, TypeContextURL(testBase, "cet4")},
		ID:      "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
		Type:    []string{"VerifiableCredential", "cet4"},
		Issuer:  IssuerRef{ID: did, Name: "教育部教育考试院"},
		Name:    "全国大学英语四级考试成绩报告单", CertificateNumber: "1.2.156.3005.2.CET4.12100000400000000X.00000001.001.Q",
		ValidFrom: "2021-08-25T00:00:00Z",
		CredentialSubject: Subject{{Key: "fullName", Value: name}, {Key: "idNumber", Value: "4101**********1234"},
			{Key: "totalScore", Value: score}, {Key: "examDate", Value: "2021-06-12", Date: true}, {Key: "note", Value: note}},
		CredentialStatus: []StatusEntry{NewStatusEntry(list, "revocation", 5), NewStatusEntry(testBase+"/status/1/2", "suspension", 5)},
		Vocab:            TypeVocab(testBase, "cet4"),
	}
	return c
}

func generic(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(b, &doc)
	delete(doc, "proof")
	s, err := Canonicalize(doc, testLoader())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCanonicalMatchesGeneric: the specialised canonical form is byte for
// byte what json-gold's generic RDFC-1.0 route gives, for the credential
// and for the proof configuration.
func TestCanonicalMatchesGeneric(t *testing.T) {
	for _, c := range []*Credential{
		testCredential("张三", "", 425),
		testCredential(`王"五\`, "线 1\u2028末", -3),
		testCredential("Zoë O'Brien", "多行\u0085内容 \ufeff", 710),
	} {
		if got, want := c.Canonical(), generic(t, c); got != want {
			t.Fatalf("specialised:\n%s\ngeneric:\n%s", got, want)
		}
		c.ValidUntil = "2031-08-25T00:00:00Z"
		if got, want := c.Canonical(), generic(t, c); got != want {
			t.Fatalf("with validUntil: specialised:\n%s\ngeneric:\n%s", got, want)
		}
	}
	p := Proof{Type: "DataIntegrityProof", Cryptosuite: SuiteEdDSA, Created: "2021-08-25T08:00:00Z", VerificationMethod: "did:web:127.0.0.1%3A8080:issuers:1#key-1", ProofPurpose: "assertionMethod"}
	want, err := Canonicalize(proofConfig(&p, []any{ContextV2, TypeContextURL(testBase, "cet4")}), testLoader())
	if err != nil {
		t.Fatal(err)
	}
	if got := proofConfigCanonical(&p); got != want {
		t.Fatalf("proof config: specialised:\n%s\ngeneric:\n%s", got, want)
	}
}

func testKey() (ed25519.PrivateKey, *DIDDocument) {
	seed := bytes.Repeat([]byte{7}, 32)
	k := ed25519.NewKeyFromSeed(seed)
	did, _ := DIDWeb(testBase, "issuers", "1")
	return k, NewDIDDocument(did, [][2]string{{"key-1", Multikey("Ed25519", k.Public().(ed25519.PublicKey))}})
}

func TestSignVerify(t *testing.T) {
	k, doc := testKey()
	c := testCredential("张三", "", 425)
	if err := c.Sign(time.Date(2021, 8, 25, 8, 0, 0, 0, time.UTC), Ed25519Signer{Key: k, VM: doc.ID + "#key-1"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(c)
	got, err := Verify(raw, testLoader(), doc.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	if !got.OK || len(got.Proofs) != 1 || len(got.Status) != 2 || got.Issuer != doc.ID {
		t.Fatalf("verify: %+v", got)
	}
	// One altered field fails.
	bad := bytes.Replace(raw, []byte(`"totalScore":425`), []byte(`"totalScore":426`), 1)
	if got, err := Verify(bad, testLoader(), doc.Resolve); err != nil || got.OK {
		t.Fatalf("altered score verified: %+v %v", got, err)
	}
	// A key of someone else's fails.
	other := NewDIDDocument("did:web:evil.example", [][2]string{{"key-1", doc.VerificationMethod[0].PublicKeyMultibase}})
	if got, _ := Verify(raw, testLoader(), func(vm string) (*PublicKey, error) {
		return other.Resolve("did:web:evil.example#key-1")
	}); got.OK {
		t.Fatal("a key of another controller verified")
	}
	// The generic signer gives the same proof value (Ed25519 is deterministic).
	m := map[string]any{}
	json.Unmarshal(raw, &m)
	if err := SignGeneric(m, time.Date(2021, 8, 25, 8, 0, 0, 0, time.UTC), testLoader(), Ed25519Signer{Key: k, VM: doc.ID + "#key-1"}); err != nil {
		t.Fatal(err)
	}
	if m["proof"].(Proof).ProofValue != c.Proof[0].ProofValue {
		t.Fatal("generic and specialised signatures differ")
	}
	// Control characters are refused.
	if _, err := Verify([]byte(`{"a":"x\u0001"}`), testLoader(), doc.Resolve); err == nil || !strings.Contains(err.Error(), "control") {
		t.Fatalf("control character: %v", err)
	}
}

func TestStatusList(t *testing.T) {
	bits := make([]byte, StatusListLength/8)
	SetBit(bits, 5, true)
	SetBit(bits, 131071, true)
	got, err := DecodeList(EncodeList(bits))
	if err != nil || !bytes.Equal(got, bits) {
		t.Fatal("round trip", err)
	}
	if !Bit(got, 5) || Bit(got, 6) || !Bit(got, 131071) || bits[0] != 0x04 {
		t.Fatal("bit order")
	}
	k, doc := testKey()
	l := StatusListCredential(testBase+"/status/1/1", doc.ID, "revocation", bits, time.Unix(0, 0))
	if err := SignGeneric(l, time.Unix(0, 0), testLoader(), Ed25519Signer{Key: k, VM: doc.ID + "#key-1"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(l)
	c, err := Verify(raw, testLoader(), doc.Resolve)
	if err != nil || !c.OK {
		t.Fatal("list does not verify", err)
	}
	if on, err := StatusBit(c.Doc, NewStatusEntry(testBase+"/status/1/1", "revocation", 5)); err != nil || !on {
		t.Fatal("bit 5", on, err)
	}
}

func TestBase58(t *testing.T) {
	for _, b := range [][]byte{{}, {0}, {0, 0, 1}, []byte("hello world"), bytes.Repeat([]byte{255}, 64)} {
		got, err := base58Decode(base58Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("%x: %x %v", b, got, err)
		}
	}
	if base58Encode([]byte("hello world")) != "StV1DL6CwTryKyV" {
		t.Fatal("known vector")
	}
	if did, _ := DIDWeb("https://example.com:8443/shishi", "issuers", "3"); did != "did:web:example.com%3A8443:shishi:issuers:3" {
		t.Fatal(did)
	}
}

// FuzzCanonical holds the specialised canonicalizer to the generic one on
// arbitrary names and values.
func FuzzCanonical(f *testing.F) {
	f.Add("张三", "备注", int64(425))
	f.Add(`"\`, "\n\r", int64(-1))
	f.Add("a\u00a0b", "\U0001F600", int64(0))
	f.Fuzz(func(t *testing.T, name, note string, score int64) {
		c := testCredential(name, note, score%1e12)
		if c.Check() != nil {
			return
		}
		if got, want := c.Canonical(), generic(t, c); got != want {
			t.Fatalf("specialised:\n%s\ngeneric:\n%s", got, want)
		}
	})
}

// FuzzVerify feeds arbitrary bytes to the verifier: it must answer, not panic.
func FuzzVerify(f *testing.F) {
	k, doc := testKey()
	c := testCredential("张三", "", 425)
	c.Sign(time.Unix(0, 0), Ed25519Signer{Key: k, VM: doc.ID + "#key-1"})
	raw, _ := json.Marshal(c)
	f.Add(raw)
	f.Add([]byte(`{"proof":[]}`))
	f.Add([]byte(`{"@context":"x","proof":{"proofValue":"z1"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Verify(b, testLoader(), doc.Resolve)
		if err == nil && got.OK && !bytes.Equal(b, raw) {
			// Another serialization of the same credential may verify; a
			// different document must not.
			var m map[string]any
			json.Unmarshal(b, &m)
			if generic(t, m) != generic(t, c) {
				t.Fatalf("a different document verified: %s", b)
			}
		}
	})
}
