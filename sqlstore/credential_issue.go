package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/vc"
)

// issuing holds what signing credentials of one type needs, loaded once
// per transaction.
type issuing struct {
	typ     *shishi.CredentialType
	issuer  *shishi.Issuer
	signers []vc.Signer
	now     time.Time
	insert  *sql.Stmt
	// localContext serves the type's context to json-gold (the generic
	// route only).
	localContext func(string) ([]byte, bool)
}

func (d *DB) startIssuing(ctx context.Context, tx *sql.Tx, typeCode string) (*issuing, error) {
	t, err := d.findType(ctx, tx, typeCode, false)
	if err != nil {
		return nil, err
	}
	// Issuing takes the issuer role itself (an admin manages issuers but
	// does not sign certificates).
	var q args
	var ok int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM issuers i JOIN units u ON u.id = i.unit_id WHERE i.id = `+q.add(t.IssuerID)+
		` AND `+reach(shishi.ActorFrom(ctx), "u.path", &q, shishi.RoleIssuer), q...).Scan(&ok); err != nil {
		return nil, shishi.Internal(err)
	} else if ok == 0 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "type", Message: "没有这个证书类型，或无权签发 / no such credential type, or not yours to issue: " + typeCode})
	}
	i, err := d.findIssuer(ctx, tx, t.IssuerID, false)
	if err != nil {
		return nil, err
	}
	s, err := d.signers(ctx, tx, i)
	if err != nil {
		return nil, err
	}
	stmt, err := tx.PrepareContext(ctx, credentialInsertCols+`($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	is := &issuing{typ: t, issuer: i, signers: s, now: d.now(), insert: stmt}
	if d.GenericCanonical {
		tc := typeContext(t)
		is.localContext = func(u string) ([]byte, bool) { return tc, u == t.ContextURL }
	}
	return is, nil
}

// checked is one row of input made ready to sign.
type checked struct {
	claims vc.Subject
	holder string
	idHash string
}

// check validates input values against the type; faults name the field.
func (d *DB) check(t *shishi.CredentialType, values map[string]string, row int) (*checked, []shishi.FieldError) {
	var faults []shishi.FieldError
	for k := range values {
		if t.Field(k) == nil {
			faults = append(faults, shishi.FieldError{Field: k, Row: row, Message: "该证书类型没有这个字段 / no such field in this type"})
		}
	}
	c := &checked{}
	for _, f := range t.Fields {
		v, msg := f.CheckValue(values[f.Key])
		if msg != "" {
			faults = append(faults, shishi.FieldError{Field: f.Key, Row: row, Message: msg})
			continue
		}
		if v == nil {
			continue
		}
		switch f.Kind {
		case shishi.FieldIDNumber:
			id := v.(string)
			c.idHash = d.keys.KeyedHash(hashIDNumber, id)
			v = shishi.MaskIDNumber(id)
		case shishi.FieldName:
			c.holder = v.(string)
		}
		c.claims = append(c.claims, vc.Claim{Key: f.Key, Value: v, Date: f.Kind == shishi.FieldDate})
	}
	return c, faults
}

func newUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func statusListURL(base string, issuerID int64, purpose string, seq int) string {
	return fmt.Sprintf("%s/status/%d/%s/%d", base, issuerID, purpose, seq)
}

// signed is one credential built and signed, ready to be stored.
type signed struct {
	number, holder, idHash, subject, doc, key string
	serial, index                             int64
	version                                   int
	claims                                    vc.Subject
	until                                     *time.Time
}

// build makes and signs one credential without touching the database, so
// the bulk path can run it on every core; serial, version and the status
// index are allocated by the caller.
func (d *DB) build(is *issuing, c *checked, serial int64, version int, index int64) (*signed, error) {
	num := shishi.CertNumber{TypeCode: is.typ.NumberCode, IssuerCode: is.issuer.CreditCode, Serial: serial, Version: version}.String()
	base := is.issuer.BaseURL
	seq, pos := int(index/vc.StatusListLength)+1, int(index%vc.StatusListLength)
	cred := &vc.Credential{
		Context:           []string{vc.ContextV2, is.typ.ContextURL},
		ID:                "urn:uuid:" + newUUID(),
		Type:              []string{"VerifiableCredential", is.typ.Code},
		Issuer:            vc.IssuerRef{ID: is.issuer.DID, Name: is.issuer.UnitName},
		Name:              is.typ.Name,
		CertificateNumber: num,
		ValidFrom:         vc.Timestamp(is.now),
		CredentialSubject: c.claims,
		CredentialStatus: []vc.StatusEntry{
			vc.NewStatusEntry(statusListURL(base, is.issuer.ID, purposeRevoke, seq), purposeRevoke, pos),
			vc.NewStatusEntry(statusListURL(base, is.issuer.ID, purposeSuspend, seq), purposeSuspend, pos),
		},
		Vocab: vc.TypeVocab(base, is.typ.Code),
	}
	out := &signed{number: num, holder: c.holder, idHash: c.idHash, serial: serial, version: version, index: index, claims: c.claims}
	if is.typ.ValidDays > 0 {
		u := is.now.Truncate(time.Second).AddDate(0, 0, is.typ.ValidDays)
		out.until = &u
		cred.ValidUntil = vc.Timestamp(u)
	}
	var doc []byte
	var err error
	if d.GenericCanonical {
		doc, err = vc.SignGenericCredential(cred, is.now, &vc.Loader{Local: is.localContext}, is.signers...)
	} else if err = cred.Sign(is.now, is.signers...); err == nil {
		doc, err = cred.MarshalJSON() // not json.Marshal, which would validate the output again
	}
	if err != nil {
		return nil, shishi.Invalid(shishi.FieldError{Field: "subject", Message: "无法签发 / cannot sign: " + err.Error()})
	}
	subject, _ := json.Marshal(c.claims)
	out.doc, out.subject = string(doc), string(subject)
	out.key = d.accessKey(num)
	return out, nil
}

// values are the columns of credentialInsertCols for one credential.
func (s *signed) values(is *issuing) []any {
	return []any{s.number, is.typ.ID, is.issuer.ID, is.issuer.UnitID, s.serial, s.version, s.holder, s.idHash,
		s.subject, s.doc, string(shishi.CredentialValid), s.index, keyHash(s.key), is.now.Truncate(time.Second), s.until, is.now.Truncate(time.Second)}
}

const credentialInsertCols = `INSERT INTO credentials (number, type_id, issuer_id, unit_id, serial, version, holder_name, id_hash,
		subject, vc, status, status_index, key_hash, valid_from, valid_until, issued_at) VALUES `

// sign builds, signs and stores one credential.
func (d *DB) sign(ctx context.Context, tx *sql.Tx, is *issuing, c *checked, serial int64, version int, index int64) (*shishi.Issued, error) {
	s, err := d.build(is, c, serial, version, index)
	if err != nil {
		return nil, err
	}
	var id int64
	if err := is.insert.QueryRowContext(ctx, s.values(is)...).Scan(&id); err != nil {
		if isUnique(err) {
			return nil, shishi.Errorf(shishi.ECONFLICT, "证书编号已存在 / the certificate number exists: %s", s.number)
		}
		return nil, shishi.Internal(err)
	}
	out := &shishi.Credential{ID: id, Number: s.number, Type: is.typ.Code, TypeName: is.typ.Name, IssuerID: is.issuer.ID, Issuer: is.issuer.UnitName,
		Holder: c.holder, Status: shishi.CredentialValid, Subject: subjectMap(c.claims), ValidFrom: is.now.Truncate(time.Second), ValidUntil: s.until, Version: 1}
	return &shishi.Issued{Credential: out, Key: s.key}, nil
}

// accessKey is a credential's access key: with the number it opens every
// field (the QR code carries both). It is a keyed hash of the number, not
// drawn at random, so the issuer can print the certificate's PDF with its
// QR code again later; only its plain hash is stored, so a copy of the
// database alone opens nothing. 16 characters of the code alphabet (80
// bits; 256 is a multiple of 32, so no character is favoured).
func (d *DB) accessKey(number string) string {
	h, _ := hex.DecodeString(d.keys.KeyedHash(hashAccessKey, number))
	b := make([]byte, 16)
	for i := range b {
		b[i] = codeAlphabet[int(h[i])%len(codeAlphabet)]
	}
	return string(b)
}

func keyHash(key string) string {
	s := sha256.Sum256([]byte("shishi-credential-key:" + normCode(key)))
	return hex.EncodeToString(s[:])
}

func subjectMap(claims vc.Subject) map[string]any {
	m := make(map[string]any, len(claims))
	for _, c := range claims {
		m[c.Key] = c.Value
	}
	return m
}

// allocate takes n serials of the type and n status indexes of the issuer.
func (d *DB) allocate(ctx context.Context, tx *sql.Tx, is *issuing, n int64) (serial, index int64, err error) {
	if err := tx.QueryRowContext(ctx, `UPDATE credential_types SET next_serial = next_serial + $1 WHERE id = $2 RETURNING next_serial - $1`,
		n, is.typ.ID).Scan(&serial); err != nil {
		return 0, 0, shishi.Internal(err)
	}
	if err := tx.QueryRowContext(ctx, `UPDATE issuers SET next_status_index = next_status_index + $1 WHERE id = $2 RETURNING next_status_index - $1`,
		n, is.issuer.ID).Scan(&index); err != nil {
		return 0, 0, shishi.Internal(err)
	}
	if serial+n-1 > 99999999 {
		return 0, 0, shishi.Errorf(shishi.ECONFLICT, "该类型证书顺序号已用尽 / the serials of this type are used up")
	}
	// The lists the new indexes fall in exist from now on.
	for seq := index/vc.StatusListLength + 1; seq <= (index+n-1)/vc.StatusListLength+1; seq++ {
		for _, p := range []string{purposeRevoke, purposeSuspend} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_lists (issuer_id, purpose, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				is.issuer.ID, p, seq); err != nil {
				return 0, 0, shishi.Internal(err)
			}
		}
	}
	return serial, index, nil
}

// Issue implements shishi.CredentialService.
func (d *DB) Issue(ctx context.Context, typeCode string, subject map[string]string) (*shishi.Issued, error) {
	var out *shishi.Issued
	err := d.tx(ctx, func(tx *sql.Tx) (err error) {
		out, err = d.issueTx(ctx, tx, typeCode, subject)
		return err
	})
	return out, err
}

// issueTx signs one credential inside tx, so another unit of work (the
// delivery of an online service) issues it atomically with its own change.
func (d *DB) issueTx(ctx context.Context, tx *sql.Tx, typeCode string, subject map[string]string) (*shishi.Issued, error) {
	is, err := d.startIssuing(ctx, tx, typeCode)
	if err != nil {
		return nil, err
	}
	defer is.insert.Close()
	c, faults := d.check(is.typ, subject, 0)
	if len(faults) > 0 {
		for i := range faults {
			faults[i].Field = "subject." + faults[i].Field
		}
		return nil, shishi.Invalid(faults...)
	}
	serial, index, err := d.allocate(ctx, tx, is, 1)
	if err != nil {
		return nil, err
	}
	out, err := d.sign(ctx, tx, is, c, serial, 1, index)
	if err != nil {
		return nil, err
	}
	return out, d.appendAudit(ctx, tx, "credential.issue", "credential", out.Credential.ID, &is.issuer.UnitID,
		map[string]any{"number": out.Credential.Number, "type": typeCode})
}

const credCols = `c.id, c.number, t.code, t.name, c.issuer_id, u.name, c.holder_name, c.status, c.subject, c.valid_from, c.valid_until,
	c.reason, r.number, c.row_version`

const credFrom = ` FROM credentials c JOIN credential_types t ON t.id = c.type_id JOIN units u ON u.id = c.unit_id
	LEFT JOIN credentials r ON r.id = c.replaced_by `

func scanCredential(s interface{ Scan(...any) error }) (*shishi.Credential, error) {
	var c shishi.Credential
	var subject string
	var until sql.NullTime
	var replaced sql.NullString
	if err := s.Scan(&c.ID, &c.Number, &c.Type, &c.TypeName, &c.IssuerID, &c.Issuer, &c.Holder, &c.Status, &subject, &c.ValidFrom, &until,
		&c.Reason, &replaced, &c.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(subject), &c.Subject); err != nil {
		return nil, err
	}
	for k, v := range c.Subject {
		if f, ok := v.(float64); ok {
			c.Subject[k] = int64(f)
		}
	}
	c.ValidFrom, c.ValidUntil, c.ReplacedBy = c.ValidFrom.UTC(), nullTime(until), replaced.String
	return &c, nil
}

func credReach(a *shishi.Actor, q *args) string {
	return reach(a, "u.path", q, shishi.RoleIssuer)
}

// FindCredentials implements shishi.CredentialService.
func (d *DB) FindCredentials(ctx context.Context, f shishi.CredentialFilter) ([]*shishi.Credential, int, error) {
	var q args
	where := credReach(shishi.ActorFrom(ctx), &q)
	if f.Type != "" {
		where += " AND t.code = " + q.add(f.Type)
	}
	if f.Status != "" {
		where += " AND c.status = " + q.add(string(f.Status))
	}
	if f.Q != "" {
		where += " AND (c.number = " + q.add(shishi.NormalizeCertNumber(f.Q)) + " OR c.holder_name = " + q.add(strings.TrimSpace(f.Q)) + ")"
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT COUNT(*)`+credFrom+` WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND c.id < " + q.add(f.After)
	}
	rows, err := d.read().QueryContext(ctx, `SELECT `+credCols+credFrom+` WHERE `+where+` ORDER BY c.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// FindCredential implements shishi.CredentialService.
func (d *DB) FindCredential(ctx context.Context, id int64) (*shishi.Credential, error) {
	return d.findCredential(ctx, d.read(), id)
}

func (d *DB) findCredential(ctx context.Context, db queryer, id int64) (*shishi.Credential, error) {
	var q args
	c, err := scanCredential(db.QueryRowContext(ctx, `SELECT `+credCols+credFrom+` WHERE c.id = `+q.add(id)+` AND `+credReach(shishi.ActorFrom(ctx), &q), q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这份证书，或无权查看 / no such credential")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return c, nil
}

// CredentialVC implements shishi.CredentialService.
func (d *DB) CredentialVC(ctx context.Context, id int64) ([]byte, error) {
	var q args
	var doc string
	err := d.read().QueryRowContext(ctx, `SELECT c.vc`+credFrom+` WHERE c.id = `+q.add(id)+` AND `+credReach(shishi.ActorFrom(ctx), &q), q...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这份证书，或无权查看 / no such credential")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return []byte(doc), nil
}

// StatusListCredential implements shishi.CredentialService: the list is
// derived from the credentials' statuses and signed again only when a
// status in it changed since it was last signed.
func (d *DB) StatusListCredential(ctx context.Context, issuerID int64, purpose string, seq int) ([]byte, error) {
	status := map[string]shishi.CredentialStatus{purposeRevoke: shishi.CredentialRevoked, purposeSuspend: shishi.CredentialSuspended}[purpose]
	if status == "" {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个状态列表 / no such status list")
	}
	var version, signedVersion int64
	var signed string
	err := d.read().QueryRowContext(ctx, `SELECT version, signed, signed_version FROM status_lists WHERE issuer_id = $1 AND purpose = $2 AND seq = $3`,
		issuerID, purpose, seq).Scan(&version, &signed, &signedVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个状态列表 / no such status list")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if signedVersion == version {
		return []byte(signed), nil
	}
	i, err := d.findIssuer(ctx, d.read(), issuerID, false)
	if err != nil {
		return nil, err
	}
	lo := int64(seq-1) * vc.StatusListLength
	rows, err := d.read().QueryContext(ctx, `SELECT status_index FROM credentials WHERE issuer_id = $1 AND status = $2 AND status_index >= $3 AND status_index < $4`,
		issuerID, string(status), lo, lo+vc.StatusListLength)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	bits := make([]byte, vc.StatusListLength/8)
	for rows.Next() {
		var idx int64
		if err := rows.Scan(&idx); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		vc.SetBit(bits, int(idx-lo), true)
	}
	rows.Close()
	s, err := d.signers(ctx, d.read(), i)
	if err != nil {
		return nil, err
	}
	url := statusListURL(i.BaseURL, i.ID, purpose, seq)
	doc := vc.StatusListCredential(url, i.DID, purpose, bits, d.now())
	if err := vc.SignGeneric(doc, d.now(), &vc.Loader{}, s...); err != nil {
		return nil, shishi.Internal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	// Keep it unless a status changed meanwhile (then the next read signs again).
	if _, err := d.db.ExecContext(ctx, `UPDATE status_lists SET signed = $1, signed_version = $2 WHERE issuer_id = $3 AND purpose = $4 AND seq = $5 AND version = $2`,
		string(b), version, issuerID, purpose, seq); err != nil {
		return nil, shishi.Internal(err)
	}
	return b, nil
}
