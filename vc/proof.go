package vc

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// SuiteEdDSA is the Data Integrity cryptosuite of every credential's first
// proof: RDFC-1.0 canonicalization, SHA-256, Ed25519.
const SuiteEdDSA = "eddsa-rdfc-2022"

// Proof is a DataIntegrityProof.
type Proof struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// Proofs is a proof set: written as one object when it holds one proof,
// as an array otherwise; either form is read.
type Proofs []Proof

// MarshalJSON implements json.Marshaler.
func (p Proofs) MarshalJSON() ([]byte, error) {
	if len(p) == 1 {
		return json.Marshal(p[0])
	}
	return json.Marshal([]Proof(p))
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *Proofs) UnmarshalJSON(b []byte) error {
	var one Proof
	if err := json.Unmarshal(b, &one); err == nil {
		*p = Proofs{one}
		return nil
	}
	var many []Proof
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*p = many
	return nil
}

// Signer makes one proof: the Ed25519 key of an issuer, or its SM2 key.
type Signer interface {
	Suite() string
	Method() string // the verification method: did#key-n
	// Sign signs the canonical proof configuration and document.
	Sign(config, doc string) ([]byte, error)
}

// Ed25519Signer signs with eddsa-rdfc-2022.
type Ed25519Signer struct {
	Key ed25519.PrivateKey
	VM  string
}

func (s Ed25519Signer) Suite() string  { return SuiteEdDSA }
func (s Ed25519Signer) Method() string { return s.VM }

// Sign signs SHA-256(config) ‖ SHA-256(doc), as eddsa-rdfc-2022 says.
func (s Ed25519Signer) Sign(config, doc string) ([]byte, error) {
	return ed25519.Sign(s.Key, hashData(config, doc)), nil
}

func hashData(config, doc string) []byte {
	a, b := sha256.Sum256([]byte(config)), sha256.Sum256([]byte(doc))
	return append(a[:], b[:]...)
}

// Timestamp writes t as the proofs and validity dates do (UTC, seconds).
func Timestamp(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

func newProof(s Signer, created time.Time) Proof {
	return Proof{Type: "DataIntegrityProof", Cryptosuite: s.Suite(), Created: Timestamp(created), VerificationMethod: s.Method(), ProofPurpose: "assertionMethod"}
}

// Sign adds one proof per signer to the credential, each over the
// credential without proofs (a proof set, not a chain), using the
// specialised canonical form.
func (c *Credential) Sign(created time.Time, signers ...Signer) error {
	if err := c.Check(); err != nil {
		return err
	}
	c.Proof = nil
	doc := c.Canonical()
	for _, s := range signers {
		p := newProof(s, created)
		sig, err := s.Sign(proofConfigCanonical(&p), doc)
		if err != nil {
			return err
		}
		p.ProofValue = "z" + base58Encode(sig)
		c.Proof = append(c.Proof, p)
	}
	return nil
}

// SignGeneric signs any JSON-LD document by the generic route: json-gold
// canonicalizes the document and each proof configuration. It serves the
// status list credentials and is the baseline the benchmark measures.
func SignGeneric(doc map[string]any, created time.Time, l *Loader, signers ...Signer) error {
	delete(doc, "proof")
	canon, err := Canonicalize(doc, l)
	if err != nil {
		return err
	}
	var proofs []any
	for _, s := range signers {
		p := newProof(s, created)
		conf, err := Canonicalize(proofConfig(&p, doc["@context"]), l)
		if err != nil {
			return err
		}
		sig, err := s.Sign(conf, canon)
		if err != nil {
			return err
		}
		p.ProofValue = "z" + base58Encode(sig)
		proofs = append(proofs, p)
	}
	if len(proofs) == 1 {
		doc["proof"] = proofs[0]
	} else {
		doc["proof"] = proofs
	}
	return nil
}

// SignGenericCredential signs c by the generic route and returns its JSON:
// the baseline the bulk benchmark compares the specialised route with.
// The proof values are the same bytes as Sign's (Ed25519 is
// deterministic, and the canonical forms are equal).
func SignGenericCredential(c *Credential, created time.Time, l *Loader, signers ...Signer) ([]byte, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	c.Proof = nil
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if err := SignGeneric(m, created, l, signers...); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func proofConfig(p *Proof, context any) map[string]any {
	return map[string]any{"@context": context, "type": p.Type, "cryptosuite": p.Cryptosuite, "created": p.Created,
		"verificationMethod": p.VerificationMethod, "proofPurpose": p.ProofPurpose}
}

// PublicKey is a verification method resolved from a DID document.
type PublicKey struct {
	Alg        string // "Ed25519" or "SM2"
	Key        []byte
	Controller string
}

// Resolver finds the public key of a verification method ("did…#key-1").
type Resolver func(vm string) (*PublicKey, error)

// Verifiers checks a signature of another suite (SM2); keyed by suite.
var Verifiers = map[string]func(pub *PublicKey, config, doc string, sig []byte) error{
	SuiteEdDSA: func(pub *PublicKey, config, doc string, sig []byte) error {
		if pub.Alg != "Ed25519" || len(pub.Key) != ed25519.PublicKeySize {
			return errors.New("the verification method is not an Ed25519 key")
		}
		if !ed25519.Verify(pub.Key, hashData(config, doc), sig) {
			return errors.New("signature does not match")
		}
		return nil
	},
}

// ProofResult is the outcome of one proof.
type ProofResult struct {
	Suite  string `json:"cryptosuite"`
	Method string `json:"verification_method"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// Checked is a credential whose proofs were checked.
type Checked struct {
	Doc    map[string]any
	Issuer string
	Proofs []ProofResult
	// OK: at least one proof, and every proof of a known suite holds.
	OK     bool
	Status []StatusEntry
	// ValidFrom and ValidUntil as written (may be empty).
	ValidFrom, ValidUntil string
}

// MaxDocument bounds a credential file presented for verification.
const MaxDocument = 1 << 20

// Verify checks a presented credential by the generic route, as any
// verifier would: the proof set is taken off, the document and each
// proof configuration canonicalized, each signature checked against the
// key its verification method resolves to, which must belong to the
// credential's issuer. Status is not looked at here (see StatusBit).
func Verify(raw []byte, l *Loader, resolve Resolver) (*Checked, error) {
	if len(raw) > MaxDocument {
		return nil, errors.New("vc: document larger than 1 MiB")
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return nil, errors.New("vc: not a JSON object")
	}
	if err := noControl(doc); err != nil {
		return nil, err
	}
	c := &Checked{Doc: doc, Issuer: issuerID(doc["issuer"])}
	c.ValidFrom, _ = doc["validFrom"].(string)
	c.ValidUntil, _ = doc["validUntil"].(string)
	if st, ok := doc["credentialStatus"]; ok {
		b, _ := json.Marshal(st)
		var many []StatusEntry
		var one StatusEntry
		if json.Unmarshal(b, &many) == nil {
			c.Status = many
		} else if json.Unmarshal(b, &one) == nil {
			c.Status = []StatusEntry{one}
		}
	}
	var proofs Proofs
	if p, ok := doc["proof"]; ok {
		b, _ := json.Marshal(p)
		if err := json.Unmarshal(b, &proofs); err != nil {
			return nil, errors.New("vc: malformed proof")
		}
	}
	if len(proofs) == 0 {
		return nil, errors.New("vc: the document has no proof")
	}
	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	canon, err := Canonicalize(unsecured, l)
	if err != nil {
		return nil, err
	}
	c.OK = true
	for _, p := range proofs {
		r := ProofResult{Suite: p.Cryptosuite, Method: p.VerificationMethod}
		r.OK, r.Error = checkProof(&p, doc["@context"], canon, c.Issuer, l, resolve)
		if !r.OK {
			c.OK = false
		}
		c.Proofs = append(c.Proofs, r)
	}
	return c, nil
}

func checkProof(p *Proof, context any, canon, issuer string, l *Loader, resolve Resolver) (bool, string) {
	check, ok := Verifiers[p.Cryptosuite]
	switch {
	case p.Type != "DataIntegrityProof":
		return false, "unknown proof type " + p.Type
	case !ok:
		return false, "unknown cryptosuite " + p.Cryptosuite
	case p.ProofPurpose != "assertionMethod":
		return false, "proof purpose is not assertionMethod"
	case !strings.HasPrefix(p.ProofValue, "z"):
		return false, "proofValue is not base58btc multibase"
	}
	sig, err := base58Decode(p.ProofValue[1:])
	if err != nil {
		return false, "proofValue: " + err.Error()
	}
	pub, err := resolve(p.VerificationMethod)
	if err != nil {
		return false, "verification method: " + err.Error()
	}
	if pub.Controller != issuer {
		return false, "the key does not belong to the issuer"
	}
	conf, err := Canonicalize(proofConfig(p, context), l)
	if err != nil {
		return false, err.Error()
	}
	if err := check(pub, conf, canon, sig); err != nil {
		return false, err.Error()
	}
	return true, ""
}

func issuerID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["id"].(string)
		return s
	}
	return ""
}
