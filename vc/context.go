// Package vc builds and checks W3C Verifiable Credentials 2.0: the
// credential documents Shishi issues, their RDFC-1.0 canonical form, Data
// Integrity proofs with the eddsa-rdfc-2022 cryptosuite (and an SM2
// second proof), Bitstring Status Lists and did:web DID documents. It knows
// nothing of the database: the store hands it keys and values.
package vc

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// The contexts every credential and DID document names. Their text ships
// inside the binary (copied from the W3C's published files), so nothing is
// fetched from the network, ever: a verifier that fetched contexts could be
// fed a different meaning for the same words.
const (
	ContextV2       = "https://www.w3.org/ns/credentials/v2"
	ContextDID      = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
)

//go:embed contexts/*.jsonld
var contextFiles embed.FS

var builtin = map[string]string{
	ContextV2:       "contexts/credentials-v2.jsonld",
	ContextDID:      "contexts/did-v1.jsonld",
	ContextMultikey: "contexts/multikey-v1.jsonld",
}

// BuiltinContext returns the text of a context this package ships.
func BuiltinContext(url string) ([]byte, bool) {
	f, ok := builtin[url]
	if !ok {
		return nil, false
	}
	b, err := contextFiles.ReadFile(f)
	return b, err == nil
}

// Loader resolves JSON-LD contexts offline: the built-in ones, and those
// Local answers (the contexts of this server's credential types). Anything
// else is refused.
type Loader struct {
	Local func(url string) ([]byte, bool)
	cache map[string]any
}

// LoadDocument implements ld.DocumentLoader.
func (l *Loader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	if v, ok := l.cache[url]; ok {
		return &ld.RemoteDocument{DocumentURL: url, Document: v}, nil
	}
	b, ok := BuiltinContext(url)
	if !ok && l.Local != nil {
		b, ok = l.Local(url)
	}
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("context %s is not known here (offline)", url))
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	if l.cache == nil {
		l.cache = map[string]any{}
	}
	l.cache[url] = v
	return &ld.RemoteDocument{DocumentURL: url, Document: v}, nil
}

// Canonicalize returns the RDFC-1.0 canonical N-Quads of a JSON-LD
// document by the generic route: json-gold's expansion and its URDNA2015
// implementation (the same algorithm as RDFC-1.0 with SHA-256). Strings
// with control characters are refused before: json-gold escapes them
// otherwise than RDFC-1.0 does.
func Canonicalize(doc any, l *Loader) (string, error) {
	if err := noControl(doc); err != nil {
		return "", err
	}
	p := ld.NewJsonLdProcessor()
	o := ld.NewJsonLdOptions("")
	o.Algorithm = ld.AlgorithmURDNA2015
	o.Format = "application/n-quads"
	o.ProcessingMode = ld.JsonLd_1_1
	o.SafeMode = true // an undefined term is an error, not silently dropped
	o.DocumentLoader = l
	out, err := p.Normalize(doc, o)
	if err != nil {
		return "", fmt.Errorf("vc: canonicalize: %w", err)
	}
	s, _ := out.(string)
	return s, nil
}

// noControl walks a decoded JSON value and refuses control characters in
// any string, keys included.
func noControl(v any) error {
	switch x := v.(type) {
	case string:
		if strings.ContainsFunc(x, isControl) {
			return fmt.Errorf("vc: control character in %q", truncate(x))
		}
	case []any:
		for _, e := range x {
			if err := noControl(e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := noControl(k); err != nil {
				return err
			}
			if err := noControl(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
