package vc

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"
)

// TestSM3Vector: the proof's hashing is SM3 (GB/T 32905's example "abc").
func TestSM3Vector(t *testing.T) {
	got := sm3Data("abc", "abc")
	want, _ := hex.DecodeString("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
	if !bytes.Equal(got[:32], want) || !bytes.Equal(got[32:], want) {
		t.Fatalf("SM3(abc) = %x", got[:32])
	}
}

// TestSM2ProofSet: a credential signed by Ed25519 and SM2 carries both
// proofs, Ed25519 first; the generic verifier checks both; an altered
// field fails both; an SM2 proof whose key is not SM2 fails.
func TestSM2ProofSet(t *testing.T) {
	k, _ := testKey()
	priv, pub, err := NewSM2Key()
	if err != nil {
		t.Fatal(err)
	}
	sk, err := SM2PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	did, _ := DIDWeb(testBase, "issuers", "1")
	doc := NewDIDDocument(did, [][2]string{{"key-1", Multikey("Ed25519", []byte(k.Public().(ed25519.PublicKey)))}, {"sm2-1", Multikey("SM2", pub)}})
	c := testCredential("张三", "备注", 425)
	if err := c.Sign(time.Unix(0, 0), Ed25519Signer{Key: k, VM: did + "#key-1"}, SM2Signer{Key: sk, VM: did + "#sm2-1"}); err != nil {
		t.Fatal(err)
	}
	if len(c.Proof) != 2 || c.Proof[0].Cryptosuite != SuiteEdDSA || c.Proof[1].Cryptosuite != SuiteSM2 {
		t.Fatalf("proofs %+v", c.Proof)
	}
	raw, _ := json.Marshal(c)
	got, err := Verify(raw, testLoader(), doc.Resolve)
	if err != nil || !got.OK || len(got.Proofs) != 2 || !got.Proofs[1].OK {
		t.Fatalf("verify: %+v %v", got, err)
	}
	bad := bytes.Replace(raw, []byte(`"totalScore":425`), []byte(`"totalScore":426`), 1)
	got, _ = Verify(bad, testLoader(), doc.Resolve)
	if got.OK || got.Proofs[0].OK || got.Proofs[1].OK {
		t.Fatalf("altered: %+v", got.Proofs)
	}
	// The SM2 proof pointed at the Ed25519 key fails, alone.
	var m map[string]any
	json.Unmarshal(raw, &m)
	m["proof"].([]any)[1].(map[string]any)["verificationMethod"] = did + "#key-1"
	swapped, _ := json.Marshal(m)
	got, _ = Verify(swapped, testLoader(), doc.Resolve)
	if got.OK || !got.Proofs[0].OK || got.Proofs[1].OK {
		t.Fatalf("wrong key type: %+v", got.Proofs)
	}
	// The generic signer makes the same Ed25519 proof and an SM2 proof that verifies.
	m = map[string]any{}
	json.Unmarshal(raw, &m)
	if err := SignGeneric(m, time.Unix(0, 0), testLoader(), Ed25519Signer{Key: k, VM: did + "#key-1"}, SM2Signer{Key: sk, VM: did + "#sm2-1"}); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(m)
	if got, err := Verify(again, testLoader(), doc.Resolve); err != nil || !got.OK || len(got.Proofs) != 2 {
		t.Fatalf("generic SM2: %+v %v", got, err)
	}
	if _, err := SM2PrivateKey(make([]byte, 32)); err == nil {
		t.Fatal("a zero scalar made a key")
	}
}
