package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IRIs of the vocabularies a credential uses.
const (
	rdfType     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	credNS      = "https://www.w3.org/2018/credentials#"
	statusNS    = "https://www.w3.org/ns/credentials/status#"
	secNS       = "https://w3id.org/security#"
	xsdNS       = "http://www.w3.org/2001/XMLSchema#"
	schemaName  = "https://schema.org/name"
	dcCreated   = "http://purl.org/dc/terms/created"
	xsdDateTime = xsdNS + "dateTime"
	xsdDate     = xsdNS + "date"
	xsdInteger  = xsdNS + "integer"
)

// Claim is one field of the credential subject. Value is a string or an
// int64; Date marks a string as an xsd:date.
type Claim struct {
	Key   string
	Value any
	Date  bool
}

// Subject is the credential subject: the claims in the type's order, with
// no id (the holder has no DID), so it is the document's one blank node.
type Subject []Claim

// MarshalJSON writes the claims in order.
func (s Subject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.Key)
		v, err := json.Marshal(c.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// IssuerRef names the issuer by DID, with its name.
type IssuerRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// StatusEntry is a BitstringStatusListEntry.
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// NewStatusEntry points at index of the list credential at listURL.
func NewStatusEntry(listURL, purpose string, index int) StatusEntry {
	i := strconv.Itoa(index)
	return StatusEntry{ID: listURL + "#" + i, Type: "BitstringStatusListEntry", StatusPurpose: purpose, StatusListIndex: i, StatusListCredential: listURL}
}

// Credential is the credential document Shishi issues. Its shape is fixed
// (this is what lets Canonical write the canonical form directly); the
// type's context, served at Context[1], defines TypeTerm, the subject's
// keys and certificateNumber under Vocab.
type Credential struct {
	Context           []string      `json:"@context"`
	ID                string        `json:"id"`
	Type              []string      `json:"type"`
	Issuer            IssuerRef     `json:"issuer"`
	Name              string        `json:"name"`
	CertificateNumber string        `json:"certificateNumber"`
	ValidFrom         string        `json:"validFrom"`
	ValidUntil        string        `json:"validUntil,omitempty"`
	CredentialSubject Subject       `json:"credentialSubject"`
	CredentialStatus  []StatusEntry `json:"credentialStatus"`
	Proof             Proofs        `json:"proof,omitempty"`
	// Vocab is the IRI prefix of the type's terms ("…/contexts/cet4#").
	Vocab string `json:"-"`
}

// TypeContextURL and TypeVocab are where a type's context is served and
// the prefix of the IRIs it defines.
func TypeContextURL(base, code string) string { return base + "/contexts/" + code + "/v1" }
func TypeVocab(base, code string) string      { return base + "/contexts/" + code + "#" }

// FieldDef describes one term of a type's context.
type FieldDef struct {
	Key  string
	Kind string // "integer", "date", else a string
}

// TypeContext writes the JSON-LD context of a credential type: every term
// the credential uses beyond the VC 2.0 context is defined here, protected,
// so no term is undefined and none can be redefined.
func TypeContext(base, code string, fields []FieldDef) []byte {
	vocab := TypeVocab(base, code)
	var b bytes.Buffer
	q := func(s string) string { j, _ := json.Marshal(s); return string(j) }
	b.WriteString("{\n  \"@context\": {\n    \"@protected\": true,\n")
	fmt.Fprintf(&b, "    %s: %s,\n", q(code), q(vocab+code))
	fmt.Fprintf(&b, "    \"certificateNumber\": %s", q(vocab+"certificateNumber"))
	for _, f := range fields {
		switch f.Kind {
		case "integer":
			fmt.Fprintf(&b, ",\n    %s: {\"@id\": %s, \"@type\": %s}", q(f.Key), q(vocab+f.Key), q(xsdInteger))
		case "date":
			fmt.Fprintf(&b, ",\n    %s: {\"@id\": %s, \"@type\": %s}", q(f.Key), q(vocab+f.Key), q(xsdDate))
		default:
			fmt.Fprintf(&b, ",\n    %s: %s", q(f.Key), q(vocab+f.Key))
		}
	}
	b.WriteString("\n  }\n}\n")
	return b.Bytes()
}

// Check refuses what the fixed shape cannot hold: relative or odd IRIs,
// control characters, values of other types.
func (c *Credential) Check() error {
	for _, iri := range []string{c.ID, c.Issuer.ID, c.Vocab} {
		if !goodIRI(iri) {
			return fmt.Errorf("vc: not an absolute IRI: %q", iri)
		}
	}
	if len(c.Context) != 2 || c.Context[0] != ContextV2 || len(c.Type) != 2 || c.Type[0] != "VerifiableCredential" {
		return errors.New("vc: unexpected context or type")
	}
	for _, s := range []string{c.Issuer.Name, c.Name, c.CertificateNumber} {
		if strings.ContainsFunc(s, isControl) || !utf8.ValidString(s) {
			return errors.New("vc: control character or invalid UTF-8")
		}
	}
	if _, err := time.Parse(time.RFC3339, c.ValidFrom); err != nil {
		return errors.New("vc: validFrom")
	}
	if c.ValidUntil != "" {
		if _, err := time.Parse(time.RFC3339, c.ValidUntil); err != nil {
			return errors.New("vc: validUntil")
		}
	}
	for _, s := range c.CredentialStatus {
		if !goodIRI(s.ID) || !goodIRI(s.StatusListCredential) || strings.ContainsFunc(s.StatusPurpose, isControl) {
			return errors.New("vc: status entry")
		}
	}
	for _, cl := range c.CredentialSubject {
		switch v := cl.Value.(type) {
		case string:
			if strings.ContainsFunc(v, isControl) || !utf8.ValidString(v) {
				return fmt.Errorf("vc: control character or invalid UTF-8 in %s", cl.Key)
			}
		case int64:
		default:
			return fmt.Errorf("vc: claim %s is a %T", cl.Key, cl.Value)
		}
	}
	return nil
}

// goodIRI: absolute, and nothing N-Quads would have to escape.
func goodIRI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || s == "" {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r <= 0x20 || r == 0x7f || strings.ContainsRune("<>\"{}|^`\\", r)
	})
}

// Canonical writes the RDFC-1.0 canonical N-Quads of the credential
// without its proof, directly from the fixed shape: the one blank node
// (the subject) is necessarily _:c14n0, so canonicalization reduces to
// writing each quad and sorting. The tests and a fuzz target hold it byte
// for byte to the generic route (Canonicalize).
func (c *Credential) Canonical() string {
	var q quads
	id := "<" + c.ID + ">"
	q.add(id, rdfType, iri(credNS+"VerifiableCredential"))
	q.add(id, rdfType, iri(c.Vocab+c.Type[1]))
	q.add(id, c.Vocab+"certificateNumber", lit(c.CertificateNumber, ""))
	q.add(id, schemaName, lit(c.Name, ""))
	q.add(id, credNS+"issuer", iri(c.Issuer.ID))
	q.add(iri(c.Issuer.ID), schemaName, lit(c.Issuer.Name, ""))
	q.add(id, credNS+"validFrom", lit(c.ValidFrom, xsdDateTime))
	if c.ValidUntil != "" {
		q.add(id, credNS+"validUntil", lit(c.ValidUntil, xsdDateTime))
	}
	q.add(id, credNS+"credentialSubject", "_:c14n0")
	for _, s := range c.CredentialStatus {
		sid := iri(s.ID)
		q.add(id, credNS+"credentialStatus", sid)
		q.add(sid, rdfType, iri(statusNS+"BitstringStatusListEntry"))
		q.add(sid, statusNS+"statusPurpose", lit(s.StatusPurpose, ""))
		q.add(sid, statusNS+"statusListIndex", lit(s.StatusListIndex, ""))
		q.add(sid, statusNS+"statusListCredential", iri(s.StatusListCredential))
	}
	for _, cl := range c.CredentialSubject {
		switch v := cl.Value.(type) {
		case int64:
			q.add("_:c14n0", c.Vocab+cl.Key, lit(strconv.FormatInt(v, 10), xsdInteger))
		case string:
			dt := ""
			if cl.Date {
				dt = xsdDate
			}
			q.add("_:c14n0", c.Vocab+cl.Key, lit(v, dt))
		}
	}
	return q.String()
}

// proofConfigCanonical is the canonical form of a proof's configuration
// (the proof without proofValue, under the credential's contexts): the
// proof node is the one blank node.
func proofConfigCanonical(p *Proof) string {
	var q quads
	b := "_:c14n0"
	q.add(b, rdfType, iri(secNS+"DataIntegrityProof"))
	q.add(b, secNS+"cryptosuite", lit(p.Cryptosuite, secNS+"cryptosuiteString"))
	q.add(b, dcCreated, lit(p.Created, xsdDateTime))
	q.add(b, secNS+"verificationMethod", iri(p.VerificationMethod))
	q.add(b, secNS+"proofPurpose", iri(secNS+p.ProofPurpose))
	return q.String()
}

type quads []string

func (q *quads) add(s, p, o string) { *q = append(*q, s+" <"+p+"> "+o+" .\n") }

func (q quads) String() string {
	sort.Strings(q)
	n := 0
	for _, l := range q {
		n += len(l)
	}
	var b strings.Builder
	b.Grow(n) // one allocation: growing was 6.5 % of bulk issuance's CPU
	for i, l := range q {
		if i > 0 && l == q[i-1] {
			continue // a dataset is a set
		}
		b.WriteString(l)
	}
	return b.String()
}

func iri(s string) string { return "<" + s + ">" }

// lit writes a literal as canonical N-Quads do: only \ " LF and CR are
// escaped (control characters never get this far).
func lit(s, datatype string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('"')
	if datatype != "" {
		b.WriteString("^^<" + datatype + ">")
	}
	return b.String()
}
