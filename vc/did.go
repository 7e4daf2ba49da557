package vc

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"
)

// Multicodec prefixes of public keys in publicKeyMultibase.
var (
	codecEd25519 = []byte{0xed, 0x01}
	codecSM2     = []byte{0x86, 0x24} // sm2-pub (0x1206) as an unsigned varint
)

// Multikey encodes a public key as publicKeyMultibase.
func Multikey(alg string, pub []byte) string {
	prefix := codecEd25519
	if alg == "SM2" {
		prefix = codecSM2
	}
	return "z" + base58Encode(append(append([]byte{}, prefix...), pub...))
}

// ParseMultikey decodes publicKeyMultibase.
func ParseMultikey(s string) (alg string, pub []byte, err error) {
	if !strings.HasPrefix(s, "z") {
		return "", nil, errors.New("vc: multikey is not base58btc")
	}
	b, err := base58Decode(s[1:])
	if err != nil {
		return "", nil, err
	}
	switch {
	case bytes.HasPrefix(b, codecEd25519) && len(b) == 2+ed25519.PublicKeySize:
		return "Ed25519", b[2:], nil
	case bytes.HasPrefix(b, codecSM2) && len(b) == 2+33:
		return "SM2", b[2:], nil
	}
	return "", nil, errors.New("vc: unknown multikey")
}

// DIDWeb returns the did:web of a path under base: the host (with its
// port percent-encoded) and the path segments joined by colons, so that
// it resolves to base/path/did.json.
func DIDWeb(base string, path ...string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", errors.New("vc: public URL has no host")
	}
	did := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A")
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			did += ":" + seg
		}
	}
	for _, p := range path {
		did += ":" + p
	}
	return did, nil
}

// VerificationMethod is one key of a DID document.
type VerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// DIDDocument is an issuer's DID document.
type DIDDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

// NewDIDDocument lists keys (fragment, multibase); every key stays an
// assertion method after rotation, so what it signed still verifies.
func NewDIDDocument(did string, keys [][2]string) *DIDDocument {
	d := &DIDDocument{Context: []string{ContextDID, ContextMultikey}, ID: did}
	for _, k := range keys {
		vm := VerificationMethod{ID: did + "#" + k[0], Type: "Multikey", Controller: did, PublicKeyMultibase: k[1]}
		d.VerificationMethod = append(d.VerificationMethod, vm)
		d.AssertionMethod = append(d.AssertionMethod, vm.ID)
	}
	return d
}

// Resolve finds a verification method of the document.
func (d *DIDDocument) Resolve(vm string) (*PublicKey, error) {
	for _, m := range d.VerificationMethod {
		if m.ID != vm {
			continue
		}
		asserts := false
		for _, a := range d.AssertionMethod {
			asserts = asserts || a == vm
		}
		if !asserts {
			return nil, errors.New("not an assertion method")
		}
		alg, pub, err := ParseMultikey(m.PublicKeyMultibase)
		if err != nil {
			return nil, err
		}
		return &PublicKey{Alg: alg, Key: pub, Controller: m.Controller}, nil
	}
	return nil, errors.New("no such verification method")
}

// StatusListLength is the number of entries of one status list: the
// 16 KiB minimum the Bitstring Status List recommendation sets, for herd
// privacy.
const StatusListLength = 131072

// EncodeList compresses a bitstring (index 0 is the first byte's most
// significant bit) as encodedList: GZIP, then multibase base64url.
func EncodeList(bits []byte) string {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(bits)
	w.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

// DecodeList reverses EncodeList.
func DecodeList(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "u") {
		return nil, errors.New("vc: encodedList is not base64url multibase")
	}
	z, err := base64.RawURLEncoding.DecodeString(s[1:])
	if err != nil {
		return nil, err
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, 16<<20))
}

// Bit reads entry i of a bitstring.
func Bit(bits []byte, i int) bool {
	return i >= 0 && i/8 < len(bits) && bits[i/8]&(0x80>>(i%8)) != 0
}

// SetBit sets or clears entry i.
func SetBit(bits []byte, i int, on bool) {
	if on {
		bits[i/8] |= 0x80 >> (i % 8)
	} else {
		bits[i/8] &^= 0x80 >> (i % 8)
	}
}

// StatusListCredential builds the unsigned list credential served at url.
func StatusListCredential(url, issuer, purpose string, bits []byte, validFrom time.Time) map[string]any {
	return map[string]any{
		"@context":  []any{ContextV2},
		"id":        url,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    issuer,
		"validFrom": Timestamp(validFrom),
		"credentialSubject": map[string]any{
			"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": EncodeList(bits),
		},
	}
}

// StatusBit reads a credential's entry from a (verified) status list
// credential document.
func StatusBit(list map[string]any, e StatusEntry) (bool, error) {
	sub, _ := list["credentialSubject"].(map[string]any)
	enc, _ := sub["encodedList"].(string)
	if p, _ := sub["statusPurpose"].(string); p != e.StatusPurpose {
		return false, errors.New("vc: status purpose does not match")
	}
	bits, err := DecodeList(enc)
	if err != nil {
		return false, err
	}
	var i int
	if err := json.Unmarshal([]byte(e.StatusListIndex), &i); err != nil || i < 0 || i/8 >= len(bits) {
		return false, errors.New("vc: status index out of range")
	}
	return Bit(bits, i), nil
}
