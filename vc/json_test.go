package vc

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// plainCredential is Credential without its MarshalJSON: what
// encoding/json writes of the struct.
type plainCredential Credential

// randomText mixes what names and notes hold with what JSON must escape.
func randomText(r *rand.Rand) string { return pick(r, textPieces) }

var textPieces = []string{"张", "三", "Zoë", " ", `"`, `\`, "<", ">", "&", "\u2028", "\u2029", "\t", "\n", "\r", "\b", "\f", "\x01", "\x7f",
	"\xff", "é", "𠀀", "😀", "'", "/", "a", "9", "\u00a0", "\ufeff", "\u0085"}

// printablePieces leave out what Check refuses (control characters,
// invalid UTF-8).
var printablePieces = []string{"张", "三", "Zoë", " ", `"`, `\`, "<", ">", "&", "\u2028", "\u2029", "é", "𠀀", "😀", "'", "/", "a", "9",
	"\u00a0", "\ufeff", "\u0085", "^^", "@", "_:b0", "<http://x>", "#", "%20", "\u3000", "．"}

func pick(r *rand.Rand, pieces []string) string {
	var b []byte
	for n := r.IntN(12); n > 0; n-- {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return string(b)
}

// TestCredentialJSON: the hand-written JSON is byte for byte what
// encoding/json writes of the struct, over many random credentials, with
// and without validUntil, with one proof and with a proof set.
func TestCredentialJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	k, doc := testKey()
	for i := 0; i < 3000; i++ {
		c := testCredential(randomText(r), randomText(r), r.Int64N(2e12)-1e12)
		c.Issuer.Name = randomText(r)
		if i%2 == 0 {
			c.ValidUntil = "2031-08-25T00:00:00Z"
		}
		switch i % 3 {
		case 1:
			c.Proof = Proofs{{Type: "DataIntegrityProof", Cryptosuite: SuiteEdDSA, Created: "2021-08-25T08:00:00Z", VerificationMethod: doc.ID + "#key-1", ProofPurpose: "assertionMethod", ProofValue: "z" + randomText(r)}}
		case 2:
			if c.Check() == nil {
				if err := c.Sign(time.Unix(0, 0), Ed25519Signer{Key: k, VM: doc.ID + "#key-1"}, Ed25519Signer{Key: k, VM: doc.ID + "#key-2"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal((*plainCredential)(c))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("hand-written:\n%s\nencoding/json:\n%s", got, want)
		}
	}
	if _, err := json.Marshal(&Credential{CredentialSubject: Subject{{Key: "x", Value: 1.5}}}); err == nil {
		t.Fatal("a float claim was written")
	}
}

// TestCanonicalRandom holds the specialised canonical form to json-gold's
// generic RDFC-1.0 output over many random credentials: random text in
// every string (whatever Check lets through), claims left out at random,
// scores across the integer range, with and without validUntil, status
// indexes anywhere in a list.
func TestCanonicalRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	l := testLoader()
	checked := 0
	text := func() string { return pick(r, printablePieces) }
	for i := 0; i < 600; i++ {
		c := testCredential(text(), text(), r.Int64N(2e12)-1e12)
		c.Issuer.Name = text()
		c.Name = text()
		c.CertificateNumber = text()
		var keep Subject
		for _, cl := range c.CredentialSubject {
			if cl.Key == "fullName" || r.IntN(4) > 0 {
				keep = append(keep, cl)
			}
		}
		c.CredentialSubject = keep
		if r.IntN(2) == 0 {
			c.ValidUntil = Timestamp(time.Unix(r.Int64N(4e9), 0))
		}
		c.ValidFrom = Timestamp(time.Unix(r.Int64N(4e9), 0))
		idx := r.IntN(StatusListLength)
		c.CredentialStatus = []StatusEntry{NewStatusEntry(testBase+"/status/1/revocation/1", "revocation", idx),
			NewStatusEntry(testBase+"/status/1/suspension/1", "suspension", idx)}
		if c.Check() != nil {
			continue // control characters: refused before signing
		}
		checked++
		raw, _ := json.Marshal(c)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		want, err := Canonicalize(m, l)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Canonical(); got != want {
			t.Fatalf("case %d: specialised:\n%s\ngeneric:\n%s", i, got, want)
		}
	}
	if checked < 590 {
		t.Fatalf("only %d of 600 random credentials were checkable", checked)
	}
	t.Logf("%d random credentials canonicalized identically", checked)
}
