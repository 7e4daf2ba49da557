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
	"io"
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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO credentials (number, type_id, issuer_id, unit_id, serial, version, holder_name, id_hash,
		subject, vc, status, status_index, key_hash, valid_from, valid_until, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14) RETURNING id`)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	return &issuing{typ: t, issuer: i, signers: s, now: d.now(), insert: stmt}, nil
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

// sign builds, signs and stores one credential; serial, version and the
// status index are allocated by the caller.
func (d *DB) sign(ctx context.Context, tx *sql.Tx, is *issuing, c *checked, serial int64, version int, index int64) (*shishi.Issued, error) {
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
	var until *time.Time
	if is.typ.ValidDays > 0 {
		u := is.now.Truncate(time.Second).AddDate(0, 0, is.typ.ValidDays)
		until = &u
		cred.ValidUntil = vc.Timestamp(u)
	}
	if err := cred.Sign(is.now, is.signers...); err != nil {
		return nil, shishi.Invalid(shishi.FieldError{Field: "subject", Message: "无法签发 / cannot sign: " + err.Error()})
	}
	doc, err := json.Marshal(cred)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	subject, _ := json.Marshal(c.claims)
	key := randomCode(16)
	var id int64
	if err := is.insert.QueryRowContext(ctx, num, is.typ.ID, is.issuer.ID, is.issuer.UnitID, serial, version, c.holder, c.idHash,
		string(subject), string(doc), string(shishi.CredentialValid), index, keyHash(key), is.now.Truncate(time.Second), until).Scan(&id); err != nil {
		if isUnique(err) {
			return nil, shishi.Errorf(shishi.ECONFLICT, "证书编号已存在 / the certificate number exists: %s", num)
		}
		return nil, shishi.Internal(err)
	}
	out := &shishi.Credential{ID: id, Number: num, Type: is.typ.Code, TypeName: is.typ.Name, IssuerID: is.issuer.ID, Issuer: is.issuer.UnitName,
		Holder: c.holder, Status: shishi.CredentialValid, Subject: subjectMap(c.claims), ValidFrom: is.now.Truncate(time.Second), ValidUntil: until, Version: 1}
	return &shishi.Issued{Credential: out, Key: key}, nil
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

// maxFaults bounds the faults a bad file reports.
const maxFaults = 200

// IssueBulk implements shishi.CredentialService. The file streams through
// one transaction: each row is checked, signed and inserted as it comes;
// after the first bad row nothing more is signed, but the rest is still
// checked so every fault is listed, and the transaction is rolled back.
// One audit entry records the batch (its count and number range).
func (d *DB) IssueBulk(ctx context.Context, typeCode string, rows shishi.RowSource, progress func(int)) (int, error) {
	var n int
	err := d.tx(ctx, func(tx *sql.Tx) error {
		is, err := d.startIssuing(ctx, tx, typeCode)
		if err != nil {
			return err
		}
		defer is.insert.Close()
		cols, faults := mapHeader(is.typ, rows.Header())
		if len(faults) > 0 {
			return shishi.Invalid(faults...)
		}
		serial, index, err := d.allocate(ctx, tx, is, 1)
		if err != nil {
			return err
		}
		var first, last string
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			row, values, err := rows.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				return err
			}
			in := map[string]string{}
			blank := true
			for i, key := range cols {
				if i < len(values) && key != "" {
					in[key] = values[i]
					blank = blank && strings.TrimSpace(values[i]) == ""
				}
			}
			if blank {
				continue
			}
			c, bad := d.check(is.typ, in, row)
			if len(bad) > 0 || len(faults) > 0 {
				faults = append(faults, bad...)
				if len(faults) >= maxFaults {
					faults = append(faults[:maxFaults], shishi.FieldError{Field: "file", Row: row, Message: "错误过多，其余行未检查 / too many faults; the rest was not checked"})
					break
				}
				continue
			}
			got, err := d.sign(ctx, tx, is, c, serial+int64(n), 1, index+int64(n))
			if err != nil {
				if fe := shishi.ErrorFields(err); len(fe) > 0 {
					fe[0].Row = row
					faults = append(faults, fe...)
					continue
				}
				return err
			}
			if first == "" {
				first = got.Credential.Number
			}
			last = got.Credential.Number
			n++
			if progress != nil {
				progress(n)
			}
		}
		if len(faults) > 0 {
			return shishi.Invalid(faults...)
		}
		if n == 0 {
			return shishi.Invalid(shishi.FieldError{Field: "file", Message: "文件中没有数据行 / the file has no data rows"})
		}
		// The first serial and index were taken above; take the rest.
		if n > 1 {
			if _, _, err := d.allocate(ctx, tx, is, int64(n-1)); err != nil {
				return err
			}
		}
		return d.appendAudit(ctx, tx, "credential.bulk_issue", "credential_type", is.typ.ID, &is.issuer.UnitID,
			map[string]any{"type": typeCode, "count": n, "first": first, "last": last})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// mapHeader matches the header row to the type's fields by key or label.
func mapHeader(t *shishi.CredentialType, header []string) ([]string, []shishi.FieldError) {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var faults []shishi.FieldError
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		for _, f := range t.Fields {
			if h == f.Key || h == f.Label || (f.LabelEn != "" && strings.EqualFold(h, f.LabelEn)) {
				cols[i] = f.Key
			}
		}
		switch {
		case cols[i] == "":
			faults = append(faults, shishi.FieldError{Field: h, Row: 1, Message: "表头不是该证书类型的字段 / the header names no field of this type"})
		case seen[cols[i]]:
			faults = append(faults, shishi.FieldError{Field: h, Row: 1, Message: "表头重复 / the column is given twice"})
		}
		seen[cols[i]] = true
	}
	for _, f := range t.Fields {
		if (f.Required || f.Kind == shishi.FieldName) && !seen[f.Key] {
			faults = append(faults, shishi.FieldError{Field: f.Label, Row: 1, Message: "缺少必填列 / a required column is missing"})
		}
	}
	return cols, faults
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
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*)`+credFrom+` WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND c.id < " + q.add(f.After)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+credCols+credFrom+` WHERE `+where+` ORDER BY c.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q...)
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
	return d.findCredential(ctx, d.db, id)
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
	err := d.db.QueryRowContext(ctx, `SELECT c.vc`+credFrom+` WHERE c.id = `+q.add(id)+` AND `+credReach(shishi.ActorFrom(ctx), &q), q...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这份证书，或无权查看 / no such credential")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return []byte(doc), nil
}

// ChangeStatus implements shishi.CredentialService.
func (d *DB) ChangeStatus(ctx context.Context, id int64, action shishi.StatusAction, reason string) (*shishi.Credential, error) {
	var v shishi.Validator
	reason = strings.TrimSpace(reason)
	checkReason(&v, reason)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var result int64 = id
	err := d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCredential(ctx, tx, id)
		if err != nil {
			return err
		}
		var to shishi.CredentialStatus
		switch {
		case action == shishi.ActionRevoke && (c.Status == shishi.CredentialValid || c.Status == shishi.CredentialSuspended):
			to = shishi.CredentialRevoked
		case action == shishi.ActionSuspend && c.Status == shishi.CredentialValid:
			to = shishi.CredentialSuspended
		case action == shishi.ActionResume && c.Status == shishi.CredentialSuspended:
			to = shishi.CredentialValid
		case action == shishi.ActionReissue && c.ReplacedBy == "" && c.Status != shishi.CredentialRevoked:
			to = shishi.CredentialRevoked
		case action != shishi.ActionRevoke && action != shishi.ActionSuspend && action != shishi.ActionResume && action != shishi.ActionReissue:
			return shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action: " + string(action)})
		default:
			return shishi.Errorf(shishi.ECONFLICT, "证书当前状态为“%s”，不能执行该操作 / a %s credential cannot be %sd", c.Status.Label(false), c.Status, action)
		}
		var unitID, issuerID, index int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id, issuer_id, status_index FROM credentials WHERE id = $1`, id).Scan(&unitID, &issuerID, &index); err != nil {
			return shishi.Internal(err)
		}
		detail := map[string]any{"number": c.Number, "from": c.Status, "to": to, "reason": reason}
		if action == shishi.ActionReissue {
			newID, num, err := d.reissue(ctx, tx, c)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE credentials SET replaced_by = $1 WHERE id = $2`, newID, id); err != nil {
				return shishi.Internal(err)
			}
			detail["new_number"], result = num, newID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE credentials SET status = $1, reason = $2, row_version = row_version + 1 WHERE id = $3`,
			string(to), reason, id); err != nil {
			return shishi.Internal(err)
		}
		// The signed lists of this index are stale from now on.
		if _, err := tx.ExecContext(ctx, `UPDATE status_lists SET version = version + 1 WHERE issuer_id = $1 AND seq = $2`,
			issuerID, index/vc.StatusListLength+1); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "credential."+string(action), "credential", id, &unitID, detail)
	})
	if err != nil {
		return nil, err
	}
	return d.FindCredential(ctx, result)
}

func checkReason(v *shishi.Validator, reason string) {
	switch {
	case reason == "":
		v.Add("reason", "请填写原因 / a reason is required")
	case len([]rune(reason)) > 500:
		v.Add("reason", "原因不能超过 500 字 / at most 500 characters")
	case strings.ContainsFunc(reason, func(r rune) bool { return r < 0x20 && r != '\n' }):
		v.Add("reason", "含有控制字符 / contains control characters")
	}
}

// reissue signs the same content again under the same serial with the
// next version, with the issuer's current key and a fresh status index.
func (d *DB) reissue(ctx context.Context, tx *sql.Tx, c *shishi.Credential) (int64, string, error) {
	is, err := d.startIssuing(ctx, tx, c.Type)
	if err != nil {
		return 0, "", err
	}
	defer is.insert.Close()
	var serial int64
	var version int
	var idHash string
	if err := tx.QueryRowContext(ctx, `SELECT serial, version, id_hash FROM credentials WHERE id = $1`, c.ID).Scan(&serial, &version, &idHash); err != nil {
		return 0, "", shishi.Internal(err)
	}
	var claims vc.Subject
	for _, f := range is.typ.Fields {
		if v, ok := c.Subject[f.Key]; ok {
			claims = append(claims, vc.Claim{Key: f.Key, Value: v, Date: f.Kind == shishi.FieldDate})
		}
	}
	if version >= 999 {
		return 0, "", shishi.Errorf(shishi.ECONFLICT, "版本号已用尽 / no version left")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE issuers SET next_status_index = next_status_index + 1 WHERE id = $1`, is.issuer.ID); err != nil {
		return 0, "", shishi.Internal(err)
	}
	var index int64
	if err := tx.QueryRowContext(ctx, `SELECT next_status_index - 1 FROM issuers WHERE id = $1`, is.issuer.ID).Scan(&index); err != nil {
		return 0, "", shishi.Internal(err)
	}
	for _, p := range []string{purposeRevoke, purposeSuspend} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO status_lists (issuer_id, purpose, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			is.issuer.ID, p, index/vc.StatusListLength+1); err != nil {
			return 0, "", shishi.Internal(err)
		}
	}
	got, err := d.sign(ctx, tx, is, &checked{claims: claims, holder: c.Holder, idHash: idHash}, serial, version+1, index)
	if err != nil {
		return 0, "", err
	}
	return got.Credential.ID, got.Credential.Number, nil
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
	err := d.db.QueryRowContext(ctx, `SELECT version, signed, signed_version FROM status_lists WHERE issuer_id = $1 AND purpose = $2 AND seq = $3`,
		issuerID, purpose, seq).Scan(&version, &signed, &signedVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个状态列表 / no such status list")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if signedVersion == version {
		return []byte(signed), nil
	}
	i, err := d.findIssuer(ctx, d.db, issuerID, false)
	if err != nil {
		return nil, err
	}
	lo := int64(seq-1) * vc.StatusListLength
	rows, err := d.db.QueryContext(ctx, `SELECT status_index FROM credentials WHERE issuer_id = $1 AND status = $2 AND status_index >= $3 AND status_index < $4`,
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
	s, err := d.signers(ctx, d.db, i)
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
