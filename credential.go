package shishi

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Certificates (电子证书 / 证照, module E). An issuer is a unit that holds
// signing keys and is published as a did:web DID document. A credential
// type (证书类型) is a template: its fields, which of them the public
// query shows, its validity and the GB/T 36904 type code of its numbers.
// Each credential is a W3C Verifiable Credential 2.0 signed with an
// eddsa-rdfc-2022 Data Integrity proof and carrying Bitstring Status List
// entries for revocation and suspension (package vc builds and checks
// them).

// FieldKind is what a credential field holds.
type FieldKind string

const (
	FieldName     FieldKind = "name"      // the holder's name: one per type, used by the public query
	FieldIDNumber FieldKind = "id_number" // an identity number: stored as a keyed hash and a mask only
	FieldText     FieldKind = "text"
	FieldInteger  FieldKind = "integer"
	FieldDate     FieldKind = "date" // YYYY-MM-DD
)

var fieldKindNames = map[FieldKind][2]string{
	FieldName: {"姓名", "Name"}, FieldIDNumber: {"证件号码", "Identity number"}, FieldText: {"文本", "Text"},
	FieldInteger: {"整数", "Integer"}, FieldDate: {"日期", "Date"},
}

// Valid reports whether k is a known kind.
func (k FieldKind) Valid() bool { _, ok := fieldKindNames[k]; return ok }

// Label names the kind.
func (k FieldKind) Label(en bool) string { return label(fieldKindNames[k], string(k), en) }

// CredentialField is one field of a credential type.
type CredentialField struct {
	Key      string    `json:"key"` // the JSON-LD term, e.g. "totalScore"
	Label    string    `json:"label"`
	LabelEn  string    `json:"label_en"`
	Kind     FieldKind `json:"kind"`
	Required bool      `json:"required"`
	// Public: shown by the public query (number + name). Others are shown
	// only to whoever holds the credential file or the holder's code.
	Public bool `json:"public"`
}

// CredentialType is a template (证书类型).
type CredentialType struct {
	ID       int64  `json:"id"`
	IssuerID int64  `json:"issuer_id"`
	Code     string `json:"code"` // e.g. "cet4"; the JSON-LD type term and the CLI's --type
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	// NumberCode is the 证照类型代码 written into certificate numbers.
	NumberCode string `json:"number_code"`
	// ValidDays: a credential expires this many days after it is issued;
	// 0 for never.
	ValidDays int               `json:"valid_days"`
	Fields    []CredentialField `json:"fields"`
	// ContextURL is where this server serves the type's JSON-LD context.
	ContextURL string    `json:"context_url"`
	CreatedAt  time.Time `json:"created_at"`
}

// Label names the type.
func (t *CredentialType) Label(en bool) string {
	if en && t.NameEn != "" {
		return t.NameEn
	}
	return t.Name
}

// Field returns the field with key, or nil.
func (t *CredentialType) Field(key string) *CredentialField {
	for i := range t.Fields {
		if t.Fields[i].Key == key {
			return &t.Fields[i]
		}
	}
	return nil
}

// NameField returns the key of the holder's name field.
func (t *CredentialType) NameField() string {
	for _, f := range t.Fields {
		if f.Kind == FieldName {
			return f.Key
		}
	}
	return ""
}

var (
	typeCodeRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	fieldKeyRE   = regexp.MustCompile(`^[a-z][A-Za-z0-9]{0,39}$`)
	numberCodeRE = regexp.MustCompile(`^[0-9A-Z]{1,32}$`)
)

// reservedTerms are the protected terms of the VC 2.0 context and the
// properties this server writes on every credential: a field may not
// redefine them.
var reservedTerms = map[string]bool{
	"id": true, "type": true, "name": true, "description": true, "issuer": true, "validFrom": true, "validUntil": true,
	"credentialSubject": true, "credentialStatus": true, "proof": true, "evidence": true, "holder": true,
	"certificateNumber": true, "digestMultibase": true, "digestSRI": true, "mediaType": true, "confidenceMethod": true,
	"credentialSchema": true, "refreshService": true, "relatedResource": true, "renderMethod": true, "termsOfUse": true,
}

// Validate checks a type's definition.
func (t *CredentialType) Validate() error {
	var v Validator
	v.Check(typeCodeRE.MatchString(t.Code), "code", "须为 2–32 位小写字母、数字或连字符，以字母开头 / 2–32 lower-case letters, digits or '-', starting with a letter")
	checkText(&v, "name", t.Name, 1, 60)
	checkText(&v, "name_en", t.NameEn, 0, 120)
	v.Check(numberCodeRE.MatchString(t.NumberCode), "number_code", "证照类型代码须为 1–32 位数字或大写字母 / the type code must be 1–32 digits or capital letters")
	v.Check(t.ValidDays >= 0 && t.ValidDays <= 36600, "valid_days", "有效期须为 0–36600 天 / validity must be 0–36600 days")
	v.Check(len(t.Fields) >= 1 && len(t.Fields) <= 40, "fields", "须有 1–40 个字段 / must have 1–40 fields")
	seen := map[string]bool{}
	names, ids := 0, 0
	for i, f := range t.Fields {
		p := "fields[" + strconv.Itoa(i) + "]."
		switch {
		case !fieldKeyRE.MatchString(f.Key):
			v.Add(p+"key", "须为字母数字，以小写字母开头 / letters and digits, starting lower-case")
		case reservedTerms[f.Key] || f.Key == t.Code:
			v.Add(p+"key", "与保留字段重名 / clashes with a reserved term: "+f.Key)
		case seen[f.Key]:
			v.Add(p+"key", "字段重复 / given twice: "+f.Key)
		}
		seen[f.Key] = true
		checkText(&v, p+"label", f.Label, 1, 30)
		checkText(&v, p+"label_en", f.LabelEn, 0, 60)
		v.Check(f.Kind.Valid(), p+"kind", "未知字段类型 / unknown kind")
		if f.Kind == FieldName {
			names++
		}
		if f.Kind == FieldIDNumber {
			ids++
		}
	}
	v.Check(names == 1, "fields", "须恰有一个姓名字段 / needs exactly one name field")
	v.Check(ids <= 1, "fields", "至多一个证件号码字段 / at most one identity number field")
	return v.Err()
}

// Issuer is a unit that signs credentials.
type Issuer struct {
	ID         int64  `json:"id"`
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	CreditCode string `json:"credit_code"`
	// DID is the issuer's did:web identifier; its document is served by
	// this server at the path it resolves to.
	DID string `json:"did"`
	// BaseURL is the public URL the issuer was created under: every URL
	// written into its credentials starts with it, so they stay stable.
	BaseURL   string       `json:"base_url"`
	SM2       bool         `json:"sm2"` // also signs with SM2/SM3
	Keys      []IssuerKey  `json:"keys"`
	CreatedAt time.Time    `json:"created_at"`
	Types     []TypeSketch `json:"types,omitempty"`
}

// TypeSketch names a type in lists.
type TypeSketch struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// IssuerKey is one public key of an issuer; private keys never leave the
// store, sealed under the master keys.
type IssuerKey struct {
	ID        string     `json:"id"`  // the fragment of the verification method: "key-1"
	Alg       string     `json:"alg"` // "Ed25519" or "SM2"
	Public    string     `json:"public_key_multibase"`
	CreatedAt time.Time  `json:"created_at"`
	RetiredAt *time.Time `json:"retired_at,omitempty"` // no longer signs; still verifies what it signed
}

// CredentialStatus is where a credential stands.
type CredentialStatus string

const (
	CredentialValid     CredentialStatus = "valid"
	CredentialRevoked   CredentialStatus = "revoked"
	CredentialSuspended CredentialStatus = "suspended"
	CredentialExpired   CredentialStatus = "expired"
	CredentialNotFound  CredentialStatus = "not_found"
	CredentialTampered  CredentialStatus = "tampered" // a presented file whose proof does not hold
)

var credentialStatusNames = map[CredentialStatus][2]string{
	CredentialValid: {"有效", "Valid"}, CredentialRevoked: {"已撤销", "Revoked"}, CredentialSuspended: {"已暂停", "Suspended"},
	CredentialExpired: {"已过期", "Expired"}, CredentialNotFound: {"未找到", "Not found"}, CredentialTampered: {"已被篡改", "Tampered"},
}

// Label names the status.
func (s CredentialStatus) Label(en bool) string {
	return label(credentialStatusNames[s], string(s), en)
}

// Credential is one issued certificate.
type Credential struct {
	ID       int64            `json:"id"`
	Number   string           `json:"number"`
	Type     string           `json:"type"`
	TypeName string           `json:"type_name"`
	IssuerID int64            `json:"issuer_id"`
	Issuer   string           `json:"issuer"`
	Holder   string           `json:"holder"`
	Status   CredentialStatus `json:"status"`
	// Subject holds the values as written into the credential: an
	// identity number appears only masked.
	Subject    map[string]any `json:"subject"`
	ValidFrom  time.Time      `json:"valid_from"`
	ValidUntil *time.Time     `json:"valid_until,omitempty"`
	Reason     string         `json:"reason,omitempty"`
	ReplacedBy string         `json:"replaced_by,omitempty"` // the number of the reissued credential
	Version    int64          `json:"version"`
}

// Effective is the status on a day: a valid credential past its
// validity is expired.
func (c *Credential) Effective(now time.Time) CredentialStatus {
	if c.Status == CredentialValid && c.ValidUntil != nil && now.After(*c.ValidUntil) {
		return CredentialExpired
	}
	return c.Status
}

// PublicCredential is what the public query answers: the status and the
// public fields only.
type PublicCredential struct {
	Status   CredentialStatus `json:"status"`
	Number   string           `json:"number,omitempty"`
	Type     string           `json:"type,omitempty"`
	TypeName string           `json:"type_name,omitempty"`
	Issuer   string           `json:"issuer,omitempty"`
	// Fields lists the public fields in the type's order.
	Fields     []PublicField `json:"fields,omitempty"`
	ValidFrom  *time.Time    `json:"valid_from,omitempty"`
	ValidUntil *time.Time    `json:"valid_until,omitempty"`
	Reason     string        `json:"reason,omitempty"`
	// VC is the signed credential, given only to whoever holds the
	// credential's key (the QR code) or the holder's code.
	VC []byte `json:"-"`
	// Link is the QR code's link (this server's /verify with the number
	// and the access key) and TypeNameEn the type's English name: set with
	// every field, for the certificate's PDF.
	Link       string `json:"-"`
	TypeNameEn string `json:"-"`
}

// PublicField is a labelled value.
type PublicField struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	LabelEn string `json:"label_en"`
	Value   string `json:"value"`
}

// CredentialFilter selects credentials.
type CredentialFilter struct {
	Type   string
	Status CredentialStatus
	Q      string // number or holder name
	After  int64
	Limit  int
}

// Issued is the result of issuing one credential.
type Issued struct {
	Credential *Credential `json:"credential"`
	// Key is the credential's access key: with the number it opens the
	// full credential (the QR code carries both). Answered here and printed
	// in the PDF's QR code; the store keeps only its hash.
	Key string `json:"key"`
}

// HolderCode is a holder-made online verification code (在线验证码).
type HolderCode struct {
	ID int64 `json:"id"`
	// Code is the whole code when it is made, later only its last four
	// characters: it is stored as a hash.
	Code      string     `json:"code"`
	Number    string     `json:"number"`
	ExpiresAt time.Time  `json:"expires_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// StatusAction is a change of a credential's status.
type StatusAction string

const (
	ActionRevoke  StatusAction = "revoke"
	ActionSuspend StatusAction = "suspend"
	ActionResume  StatusAction = "resume"
	ActionReissue StatusAction = "reissue"
)

// RowSource yields the rows of a bulk issuance one at a time, so a file of
// any length streams through: Next returns io.EOF after the last row.
// Row numbers are 1-based, counting the header as row 1.
type RowSource interface {
	Header() []string
	Next() (row int, values []string, err error)
}

// CredentialService issues and manages certificates.
type CredentialService interface {
	// CreateIssuer makes a unit an issuer with a fresh Ed25519 key (and an
	// SM2 key when sm2). Admin or issuer over the unit. EINVALID, ECONFLICT.
	CreateIssuer(ctx context.Context, unitID int64, sm2 bool) (*Issuer, error)
	// FindIssuers lists a page of the issuers in reach, oldest first, and
	// how many there are.
	FindIssuers(ctx context.Context, p Page) ([]*Issuer, int, error)
	FindIssuer(ctx context.Context, id int64) (*Issuer, error)
	// RotateKey adds a new signing key; the old one retires but stays in
	// the DID document, so what it signed still verifies.
	RotateKey(ctx context.Context, issuerID int64) (*Issuer, error)
	CreateType(ctx context.Context, t *CredentialType) (*CredentialType, error)
	// FindTypes lists a page of the credential types in reach, oldest
	// first, and how many there are.
	FindTypes(ctx context.Context, p Page) ([]*CredentialType, int, error)
	FindType(ctx context.Context, code string) (*CredentialType, error)
	// Issue signs one credential. EINVALID with the offending fields.
	Issue(ctx context.Context, typeCode string, subject map[string]string) (*Issued, error)
	// IssueBulk issues every row or none: the rows are checked while
	// they stream in, and any fault (listed with its row) issues nothing.
	// progress, when set, is told of rows read and signed.
	IssueBulk(ctx context.Context, typeCode string, rows RowSource, progress func(done int)) (int, error)
	FindCredentials(ctx context.Context, f CredentialFilter) ([]*Credential, int, error)
	FindCredential(ctx context.Context, id int64) (*Credential, error)
	// CredentialVC returns the signed credential JSON.
	CredentialVC(ctx context.Context, id int64) ([]byte, error)
	// CredentialDocument returns a credential in reach with every field
	// and its QR code's link: what its PDF prints.
	CredentialDocument(ctx context.Context, id int64) (*PublicCredential, error)
	// ChangeStatus revokes, suspends, resumes or reissues with a reason,
	// audited. version is the one the caller read (0: unchecked);
	// EPRECONDITION when it changed since.
	ChangeStatus(ctx context.Context, id int64, action StatusAction, reason string, version int64) (*Credential, error)
	// Reissue (换发) signs the credential again under its serial with the
	// next version, with corrections (field key → value, checked as at
	// issuance; the rest kept as signed) and a reason, audited; the old
	// one is revoked with the reason "reissued". Returns the new one;
	// version as for ChangeStatus.
	Reissue(ctx context.Context, id int64, reason string, corrections map[string]string, version int64) (*Credential, error)

	// The public side: no account.
	// QueryCredential answers number + name; the number is checked before
	// any lookup (EINVALID).
	QueryCredential(ctx context.Context, number, name string) (*PublicCredential, error)
	// OpenCredential answers number + access key (the QR code) with every field and the VC.
	OpenCredential(ctx context.Context, number, key string) (*PublicCredential, error)
	// CreateHolderCode makes a 16-character verification code, after the
	// holder proves the credential with its number, name and identity number.
	CreateHolderCode(ctx context.Context, number, name, idNumber string, days int) (*HolderCode, error)
	// HolderCodes lists the holder's codes (same proof).
	HolderCodes(ctx context.Context, number, name, idNumber string) ([]*HolderCode, error)
	CloseHolderCode(ctx context.Context, number, name, idNumber string, codeID int64) error
	// UseHolderCode answers a code with every field and the VC.
	UseHolderCode(ctx context.Context, code string) (*PublicCredential, error)
	// Published documents, served at the URLs written into credentials.
	DIDDocument(ctx context.Context, issuerID int64) ([]byte, error)
	TypeContext(ctx context.Context, code string) ([]byte, error)
	StatusListCredential(ctx context.Context, issuerID int64, purpose string, seq int) ([]byte, error)
	// VerifyCredential checks a presented credential file: its proofs
	// against the issuer's DID document, then its status lists and
	// validity. EINVALID when it is not a credential at all.
	VerifyCredential(ctx context.Context, raw []byte) (*Verification, error)
}

// Verification is the verdict on a presented credential file.
type Verification struct {
	Status     CredentialStatus `json:"status"`
	Number     string           `json:"number,omitempty"`
	TypeName   string           `json:"type_name,omitempty"`
	Issuer     string           `json:"issuer,omitempty"`
	IssuerDID  string           `json:"issuer_did,omitempty"`
	Fields     []PublicField    `json:"fields,omitempty"`
	Proofs     []ProofCheck     `json:"proofs"`
	ValidUntil string           `json:"valid_until,omitempty"`
	// Problem says why a file is tampered or unknown.
	Problem string `json:"problem,omitempty"`
}

// ProofCheck is the outcome of one proof of a proof set.
type ProofCheck struct {
	Suite  string `json:"cryptosuite"`
	Method string `json:"verification_method"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// CertNumberPrefix is the OID arc of 电子证照 identifiers (GB/T 36904).
const CertNumberPrefix = "1.2.156.3005.2."

// CertNumber is a certificate number after the 电子证照 identifier of
// GB/T 36904: the type code (证照类型代码), the issuer's unified social
// credit code (颁证机构代码), a serial (顺序号), a version (版本号) and an
// ISO 7064 MOD 37,36 check character (校验位) over the characters before
// it, so a mistyped number is caught before any lookup.
type CertNumber struct {
	TypeCode   string
	IssuerCode string
	Serial     int64 // 1–99,999,999
	Version    int   // 1–999; a reissue takes the next
}

// String writes the number: prefix, parts separated by dots, check last.
func (n CertNumber) String() string {
	body := CertNumberPrefix + n.TypeCode + "." + n.IssuerCode + "." + pad(n.Serial, 8) + "." + pad(int64(n.Version), 3)
	return body + "." + string(mod3736(body))
}

func pad(n int64, w int) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < w {
		s = "0" + s
	}
	return s
}

const mod36Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// mod3736 is the ISO/IEC 7064 MOD 37,36 hybrid check character of the
// letters and digits of s (dots are skipped).
func mod3736(s string) byte {
	p := 36
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(mod36Chars, s[i])
		if v < 0 {
			continue
		}
		p = (p + v) % 36
		if p == 0 {
			p = 36
		}
		p = p * 2 % 37
	}
	return mod36Chars[(37-p)%36]
}

var certNumberRE = regexp.MustCompile(`^1\.2\.156\.3005\.2\.([0-9A-Z]{1,32})\.([0-9A-Z]{18})\.([0-9]{8})\.([0-9]{3})\.([0-9A-Z])$`)

// NormalizeCertNumber accepts what people type: spaces, lower case,
// full-width dots and digits.
func NormalizeCertNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ' || r == '\u3000' || r == '\t':
			continue
		case r == '。' || r == '．':
			r = '.'
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r >= 'Ａ' && r <= 'Ｚ':
			r = 'A' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			r = 'A' + (r - 'ａ')
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseCertNumber checks a number's form, its check character, and that
// the issuer part is a unified social credit code (GB 32100, with its own
// check character): all before any lookup.
func ParseCertNumber(s string) (CertNumber, error) {
	s = NormalizeCertNumber(s)
	bad := func(msg string) (CertNumber, error) {
		return CertNumber{}, Invalid(FieldError{Field: "number", Message: msg})
	}
	if s == "" {
		return bad("请输入证书编号 / enter the certificate number")
	}
	if len(s) > 100 || !utf8.ValidString(s) {
		return bad("证书编号格式不正确 / not a certificate number")
	}
	m := certNumberRE.FindStringSubmatch(s)
	if m == nil {
		return bad("证书编号格式不正确（应为 1.2.156.3005.2.类型代码.机构代码.顺序号.版本号.校验位）/ not a certificate number (1.2.156.3005.2.TYPE.ISSUER.SERIAL.VERSION.CHECK)")
	}
	if mod3736(s[:len(s)-2]) != s[len(s)-1] {
		return bad("证书编号校验位不符，请核对是否输错 / the check character does not match: is the number mistyped?")
	}
	if !ValidCreditCode(m[2]) {
		return bad("证书编号中的颁证机构代码不是有效的统一社会信用代码 / the issuer code in the number is not a valid unified social credit code")
	}
	serial, _ := strconv.ParseInt(m[3], 10, 64)
	version, _ := strconv.Atoi(m[4])
	if serial == 0 || version == 0 {
		return bad("证书编号的顺序号和版本号不能为零 / the serial and version of a number start at 1")
	}
	return CertNumber{TypeCode: m[1], IssuerCode: m[2], Serial: serial, Version: version}, nil
}

// ValidIDNumber checks a resident identity number (GB 11643: 17 digits and
// a MOD 11-2 check character) or, for other documents (passports,
// permits), 5–20 letters and digits with at least one letter.
func ValidIDNumber(s string) bool {
	if len(s) == 18 && strings.IndexFunc(s[:17], func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		sum := 0
		for i := 0; i < 17; i++ {
			sum += int(s[i]-'0') * idWeights[i]
		}
		return s[17] == "10X98765432"[sum%11]
	}
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	letters := 0
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r < '0' || r > '9':
			return false
		}
	}
	// A number of digits alone is a resident identity number that failed
	// its check (or an obsolete 15-digit one): mistyped.
	return letters > 0 && !(len(s) == 18 && letters == 1 && s[17] == 'X')
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// NormalizeIDNumber upper-cases and strips spaces.
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "\u3000", "").Replace(strings.TrimSpace(s)))
}

// MaskIDNumber keeps the first and last four characters (two of a short
// number) and stars the rest.
func MaskIDNumber(s string) string {
	k := 4
	if len(s) < 12 {
		k = 2
	}
	if len(s) <= 2*k {
		return strings.Repeat("*", len(s))
	}
	return s[:k] + strings.Repeat("*", len(s)-2*k) + s[len(s)-k:]
}

// CheckValue checks one value of a field and returns it as written into
// the credential: text trimmed, integers as int64, dates as given. Control
// characters are refused: canonicalizers disagree on them.
func (f *CredentialField) CheckValue(raw string) (any, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		if f.Required || f.Kind == FieldName {
			return nil, "不能为空 / is required"
		}
		return nil, ""
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		return nil, "含有控制字符或无效编码 / contains control characters or invalid UTF-8"
	}
	switch f.Kind {
	case FieldName:
		if utf8.RuneCountInString(s) > 50 {
			return nil, "姓名过长 / name too long"
		}
	case FieldText:
		if utf8.RuneCountInString(s) > 200 {
			return nil, "不能超过 200 个字符 / at most 200 characters"
		}
	case FieldIDNumber:
		s = NormalizeIDNumber(s)
		if !ValidIDNumber(s) {
			return nil, "证件号码无效 / not a valid identity number"
		}
	case FieldInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < -1e12 || n > 1e12 {
			return nil, "须为整数 / must be an integer"
		}
		return n, ""
	case FieldDate:
		if _, err := ParseDate(s); err != nil {
			return nil, "须为日期 YYYY-MM-DD / must be a date YYYY-MM-DD"
		}
	}
	return s, ""
}
