package vc

import (
	"strconv"
	"unicode/utf8"
)

// MarshalJSON writes the credential by hand, in the order of its struct
// fields: encoding/json's reflection and the re-validation of Subject's
// output were a tenth of a bulk issuance's time. TestCredentialJSON holds
// it to encoding/json's reading of the struct.
func (c *Credential) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2048)
	b = append(b, `{"@context":`...)
	b = appendStrings(b, c.Context)
	b = appendField(b, "id", c.ID)
	b = append(b, `,"type":`...)
	b = appendStrings(b, c.Type)
	b = append(b, `,"issuer":{"id":`...)
	b = appendString(b, c.Issuer.ID)
	b = appendField(b, "name", c.Issuer.Name)
	b = append(b, '}')
	b = appendField(b, "name", c.Name)
	b = appendField(b, "certificateNumber", c.CertificateNumber)
	b = appendField(b, "validFrom", c.ValidFrom)
	if c.ValidUntil != "" {
		b = appendField(b, "validUntil", c.ValidUntil)
	}
	b = append(b, `,"credentialSubject":{`...)
	for i, cl := range c.CredentialSubject {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, cl.Key)
		b = append(b, ':')
		switch v := cl.Value.(type) {
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case string:
			b = appendString(b, v)
		default:
			return nil, errClaimType(cl)
		}
	}
	b = append(b, `},"credentialStatus":[`...)
	for i, s := range c.CredentialStatus {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendString(b, s.ID)
		b = appendField(b, "type", s.Type)
		b = appendField(b, "statusPurpose", s.StatusPurpose)
		b = appendField(b, "statusListIndex", s.StatusListIndex)
		b = appendField(b, "statusListCredential", s.StatusListCredential)
		b = append(b, '}')
	}
	b = append(b, ']')
	if len(c.Proof) > 0 {
		b = append(b, `,"proof":`...)
		if len(c.Proof) > 1 {
			b = append(b, '[')
		}
		for i, p := range c.Proof {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendString(b, p.Type)
			b = appendField(b, "cryptosuite", p.Cryptosuite)
			b = appendField(b, "created", p.Created)
			b = appendField(b, "verificationMethod", p.VerificationMethod)
			b = appendField(b, "proofPurpose", p.ProofPurpose)
			if p.ProofValue != "" {
				b = appendField(b, "proofValue", p.ProofValue)
			}
			b = append(b, '}')
		}
		if len(c.Proof) > 1 {
			b = append(b, ']')
		}
	}
	return append(b, '}'), nil
}

type claimTypeError struct{ key string }

func (e claimTypeError) Error() string {
	return "vc: claim " + e.key + " is neither a string nor an int64"
}

func errClaimType(c Claim) error { return claimTypeError{c.Key} }

func appendField(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes a JSON string as encoding/json does: ", \ and
// control characters escaped, <, > and & as \u003c… (HTML-safe), U+2028
// and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
