package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/vc"
)

// The public side of module E: no account, no actor. Every lookup starts
// from a certificate number whose form and check character hold, so a
// mistyped or invented number never reaches the database; a wrong name or
// key answers exactly like a number that does not exist.

// publicRow is a credential as the public side reads it.
type publicRow struct {
	id       int64
	cred     *shishi.Credential
	typ      *shishi.CredentialType
	vc       string
	keyHash  string
	idHash   string
	replaced bool
}

func (d *DB) publicLookup(ctx context.Context, number string, withVC bool) (*publicRow, error) {
	n, err := shishi.ParseCertNumber(number)
	if err != nil {
		return nil, err
	}
	// One read of the credential; its signed text (~2 KB) only when the
	// answer shows it (not for a query by name).
	var r publicRow
	cols := `SELECT ` + credCols + `, c.key_hash, c.id_hash`
	extra := []any{&r.keyHash, &r.idHash}
	if withVC {
		cols += `, c.vc`
		extra = append(extra, &r.vc)
	}
	r.cred, err = scanCredential(withExtra{d.read().QueryRowContext(ctx, cols+credFrom+` WHERE c.number = $1`, n.String()), extra})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if r.typ, err = d.publicType(ctx, r.cred.Type); err != nil {
		return nil, err
	}
	return &r, nil
}

// withExtra scans a row's leading columns into what a scan function asks
// for and its trailing ones into extra.
type withExtra struct {
	row   *sql.Row
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// view is the public answer: public fields only unless all.
func (r *publicRow) view(now time.Time, all bool) *shishi.PublicCredential {
	c := r.cred
	p := &shishi.PublicCredential{Status: c.Effective(now), Number: c.Number, Type: c.Type, TypeName: c.TypeName, Issuer: c.Issuer,
		ValidUntil: c.ValidUntil, Reason: c.Reason}
	vf := c.ValidFrom
	p.ValidFrom = &vf
	if c.Status == shishi.CredentialRevoked && c.ReplacedBy != "" {
		p.Reason = "已换发 / reissued as " + c.ReplacedBy
	}
	for _, f := range r.typ.Fields {
		v, ok := c.Subject[f.Key]
		if !ok || !(all || f.Public || f.Kind == shishi.FieldName) {
			continue
		}
		p.Fields = append(p.Fields, shishi.PublicField{Key: f.Key, Label: f.Label, LabelEn: f.LabelEn, Value: valueText(v)})
	}
	if all {
		p.VC = []byte(r.vc)
	}
	return p
}

// fullView is every field, the VC, and what the PDF prints: the English
// type name and the QR code's link.
func (d *DB) fullView(r *publicRow) *shishi.PublicCredential {
	p := r.view(d.now(), true)
	p.TypeNameEn = r.typ.NameEn
	p.Link = typeBase(r.typ) + "/verify?" + url.Values{"number": {r.cred.Number}, "key": {d.accessKey(r.cred.Number)}}.Encode()
	return p
}

// typeBase is the public URL the type's issuer was created under.
func typeBase(t *shishi.CredentialType) string {
	return strings.TrimSuffix(t.ContextURL, "/contexts/"+t.Code+"/v1")
}

// CredentialDocument implements shishi.CredentialService.
func (d *DB) CredentialDocument(ctx context.Context, id int64) (*shishi.PublicCredential, error) {
	c, err := d.findCredential(ctx, d.db, id)
	if err != nil {
		return nil, err
	}
	r, err := d.publicLookup(ctx, c.Number, true)
	if err != nil {
		return nil, err
	} else if r == nil {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这份证书，或无权查看 / no such credential")
	}
	return d.fullView(r), nil
}

func valueText(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var notFound = &shishi.PublicCredential{Status: shishi.CredentialNotFound}

// QueryCredential implements shishi.CredentialService.
func (d *DB) QueryCredential(ctx context.Context, number, name string) (*shishi.PublicCredential, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, shishi.Invalid(shishi.FieldError{Field: "name", Message: "请输入姓名 / enter the name"})
	}
	r, err := d.publicLookup(ctx, number, false)
	if err != nil {
		return nil, err
	}
	if r == nil || subtle.ConstantTimeCompare([]byte(r.cred.Holder), []byte(name)) != 1 {
		return notFound, nil
	}
	return r.view(d.now(), false), nil
}

// OpenCredential implements shishi.CredentialService.
func (d *DB) OpenCredential(ctx context.Context, number, key string) (*shishi.PublicCredential, error) {
	r, err := d.publicLookup(ctx, number, true)
	if err != nil {
		return nil, err
	}
	if r == nil || subtle.ConstantTimeCompare([]byte(r.keyHash), []byte(keyHash(key))) != 1 {
		return notFound, nil
	}
	return d.fullView(r), nil
}

// holderProof finds the credential a holder proves with number, name and
// identity number; the identity number is compared as a keyed hash.
func (d *DB) holderProof(ctx context.Context, number, name, idNumber string) (*publicRow, error) {
	r, err := d.publicLookup(ctx, number, true)
	if err != nil {
		return nil, err
	}
	id := shishi.NormalizeIDNumber(idNumber)
	if r == nil || r.idHash == "" || subtle.ConstantTimeCompare([]byte(r.cred.Holder), []byte(strings.TrimSpace(name))) != 1 ||
		subtle.ConstantTimeCompare([]byte(r.idHash), []byte(d.keys.KeyedHash(hashIDNumber, id))) != 1 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "证书编号、姓名与证件号码不匹配 / the number, name and identity number do not match a credential")
	}
	return r, nil
}

func holderCodeHash(code string) string {
	s := sha256.Sum256([]byte("shishi-holder-code:" + normCode(code)))
	return hex.EncodeToString(s[:])
}

// CreateHolderCode implements shishi.CredentialService.
func (d *DB) CreateHolderCode(ctx context.Context, number, name, idNumber string, days int) (*shishi.HolderCode, error) {
	if days < 1 || days > 365 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "days", Message: "有效期须为 1–365 天 / must be 1–365 days"})
	}
	r, err := d.holderProof(ctx, number, name, idNumber)
	if err != nil {
		return nil, err
	}
	now := d.now()
	code := randomCode(16) // 80 bits
	h := &shishi.HolderCode{Code: code, Number: r.cred.Number, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), CreatedAt: now}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM holder_codes WHERE credential_id = $1 AND closed_at IS NULL AND expires_at > $2`,
			r.cred.ID, now).Scan(&open); err != nil {
			return shishi.Internal(err)
		}
		if open >= 10 {
			return shishi.Errorf(shishi.ECONFLICT, "有效的验证码已有 10 个，请先关闭不用的 / ten codes are open; close one first")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO holder_codes (credential_id, code_hash, hint, expires_at, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			r.cred.ID, holderCodeHash(code), code[12:], h.ExpiresAt, now).Scan(&h.ID); err != nil {
			return shishi.Internal(err)
		}
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM credentials WHERE id = $1`, r.cred.ID).Scan(&unitID); err != nil {
			return shishi.Internal(err)
		}
		audit := shishi.WithActor(ctx, &shishi.Actor{Login: "holder", IP: ipOf(ctx)})
		return d.appendAudit(audit, tx, "credential.holder_code", "credential", r.cred.ID, &unitID, map[string]any{"days": days, "code_id": h.ID})
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// HolderCodes implements shishi.CredentialService.
func (d *DB) HolderCodes(ctx context.Context, number, name, idNumber string) ([]*shishi.HolderCode, error) {
	r, err := d.holderProof(ctx, number, name, idNumber)
	if err != nil {
		return nil, err
	}
	rows, err := d.read().QueryContext(ctx, `SELECT id, hint, expires_at, closed_at, created_at FROM holder_codes WHERE credential_id = $1 ORDER BY id DESC`, r.cred.ID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.HolderCode
	for rows.Next() {
		h := &shishi.HolderCode{Number: r.cred.Number}
		var hint string
		var closed sql.NullTime
		if err := rows.Scan(&h.ID, &hint, &h.ExpiresAt, &closed, &h.CreatedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		h.Code, h.ExpiresAt, h.ClosedAt, h.CreatedAt = "************"+hint, h.ExpiresAt.UTC(), nullTime(closed), h.CreatedAt.UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// CloseHolderCode implements shishi.CredentialService.
func (d *DB) CloseHolderCode(ctx context.Context, number, name, idNumber string, codeID int64) error {
	r, err := d.holderProof(ctx, number, name, idNumber)
	if err != nil {
		return err
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE holder_codes SET closed_at = $1 WHERE id = $2 AND credential_id = $3 AND closed_at IS NULL`, d.now(), codeID, r.cred.ID)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return shishi.Errorf(shishi.ENOTFOUND, "没有这个验证码，或已关闭 / no such open code")
		}
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM credentials WHERE id = $1`, r.cred.ID).Scan(&unitID); err != nil {
			return shishi.Internal(err)
		}
		audit := shishi.WithActor(ctx, &shishi.Actor{Login: "holder", IP: ipOf(ctx)})
		return d.appendAudit(audit, tx, "credential.holder_code_close", "credential", r.cred.ID, &unitID, map[string]any{"code_id": codeID})
	})
}

// UseHolderCode implements shishi.CredentialService.
func (d *DB) UseHolderCode(ctx context.Context, code string) (*shishi.PublicCredential, error) {
	c := normCode(code)
	if len(c) != 16 || strings.Trim(c, codeAlphabet) != "" {
		return nil, shishi.Invalid(shishi.FieldError{Field: "code", Message: "验证码应为 16 位字母数字 / the code has 16 letters and digits"})
	}
	var number string
	err := d.read().QueryRowContext(ctx, `SELECT c.number FROM holder_codes h JOIN credentials c ON c.id = h.credential_id
		WHERE h.code_hash = $1 AND h.closed_at IS NULL AND h.expires_at > $2`, holderCodeHash(c), d.now()).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound, nil
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	r, err := d.publicLookup(ctx, number, true)
	if err != nil || r == nil {
		return notFound, err
	}
	return d.fullView(r), nil
}

// VerifyCredential implements shishi.CredentialService. It verifies as an
// outside verifier would, but resolves offline from this server's own
// records: the DID document of an issuer here, the contexts of its types,
// its signed status lists.
func (d *DB) VerifyCredential(ctx context.Context, raw []byte) (*shishi.Verification, error) {
	loader := &vc.Loader{Local: func(url string) ([]byte, bool) {
		code, ok := d.contextCode(ctx, url)
		if !ok {
			return nil, false
		}
		b, err := d.TypeContext(ctx, code)
		return b, err == nil
	}}
	resolve := func(vm string) (*vc.PublicKey, error) {
		did, _, _ := strings.Cut(vm, "#")
		i, err := d.issuerByDID(ctx, did)
		if err != nil {
			return nil, err
		}
		return didDocument(i).Resolve(vm)
	}
	c, err := vc.Verify(raw, loader, resolve)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "is not known here") {
			return &shishi.Verification{Status: shishi.CredentialNotFound, Problem: "不是本系统签发的证书 / not issued here: " + msg}, nil
		}
		return &shishi.Verification{Status: shishi.CredentialTampered, Problem: msg}, nil
	}
	v := &shishi.Verification{Status: shishi.CredentialValid, IssuerDID: c.Issuer, ValidUntil: c.ValidUntil}
	v.Number, _ = c.Doc["certificateNumber"].(string)
	v.TypeName, _ = c.Doc["name"].(string)
	if iss, ok := c.Doc["issuer"].(map[string]any); ok {
		v.Issuer, _ = iss["name"].(string)
	}
	for _, p := range c.Proofs {
		v.Proofs = append(v.Proofs, shishi.ProofCheck{Suite: p.Suite, Method: p.Method, OK: p.OK, Error: p.Error})
	}
	if !c.OK {
		v.Status = shishi.CredentialTampered
		for _, p := range c.Proofs {
			if !p.OK {
				v.Problem = p.Error
				if strings.Contains(p.Error, "no such issuer") {
					v.Status = shishi.CredentialNotFound
				}
				break
			}
		}
		return v, nil
	}
	if sub, ok := c.Doc["credentialSubject"].(map[string]any); ok {
		if t, err := d.findTypeByContext(ctx, c.Doc["@context"]); err == nil {
			for _, f := range t.Fields {
				if val, ok := sub[f.Key]; ok {
					if n, ok := val.(float64); ok {
						val = int64(n)
					}
					v.Fields = append(v.Fields, shishi.PublicField{Key: f.Key, Label: f.Label, LabelEn: f.LabelEn, Value: valueText(val)})
				}
			}
		}
	}
	// Status: through the signed lists, as any verifier does.
	for _, e := range c.Status {
		on, err := d.statusBit(ctx, loader, resolve, e)
		if err != nil {
			v.Status, v.Problem = shishi.CredentialTampered, "状态列表 / status list: "+err.Error()
			return v, nil
		}
		if on && e.StatusPurpose == purposeRevoke {
			v.Status = shishi.CredentialRevoked
		} else if on && e.StatusPurpose == purposeSuspend && v.Status == shishi.CredentialValid {
			v.Status = shishi.CredentialSuspended
		}
	}
	if v.Status == shishi.CredentialValid && c.ValidUntil != "" {
		if t, err := time.Parse(time.RFC3339, c.ValidUntil); err == nil && d.now().After(t) {
			v.Status = shishi.CredentialExpired
		}
	}
	return v, nil
}

// statusBit reads one entry from this server's signed list, after
// verifying the list's own proof.
func (d *DB) statusBit(ctx context.Context, l *vc.Loader, resolve vc.Resolver, e vc.StatusEntry) (bool, error) {
	var issuer int64
	var seq int
	var purpose string
	if !d.parseListURL(ctx, e.StatusListCredential, &issuer, &purpose, &seq) {
		return false, errors.New("the status list is not one of this server's")
	}
	b, err := d.StatusListCredential(ctx, issuer, purpose, seq)
	if err != nil {
		return false, err
	}
	lc, err := vc.Verify(b, l, resolve)
	if err != nil || !lc.OK {
		return false, errors.New("the status list does not verify")
	}
	return vc.StatusBit(lc.Doc, e)
}

// parseListURL takes apart base/status/ISSUER/PURPOSE/SEQ of an issuer here.
func (d *DB) parseListURL(ctx context.Context, url string, issuer *int64, purpose *string, seq *int) bool {
	i := strings.LastIndex(url, "/status/")
	if i < 0 {
		return false
	}
	parts := strings.Split(url[i+len("/status/"):], "/")
	if len(parts) != 3 {
		return false
	}
	var err1, err2 error
	*issuer, err1 = strconv.ParseInt(parts[0], 10, 64)
	*purpose = parts[1]
	*seq, err2 = strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return false
	}
	is, err := d.findIssuer(ctx, d.read(), *issuer, false)
	return err == nil && statusListURL(is.BaseURL, is.ID, *purpose, *seq) == url
}

// contextCode finds the type whose context is served at url.
func (d *DB) contextCode(ctx context.Context, url string) (string, bool) {
	rest, ok := strings.CutSuffix(url, "/v1")
	i := strings.LastIndex(rest, "/contexts/")
	if !ok || i < 0 {
		return "", false
	}
	code := rest[i+len("/contexts/"):]
	t, err := d.findType(ctx, d.read(), code, false)
	if err != nil || t.ContextURL != url {
		return "", false
	}
	return code, true
}

func (d *DB) findTypeByContext(ctx context.Context, context any) (*shishi.CredentialType, error) {
	list, _ := context.([]any)
	for _, c := range list {
		if s, ok := c.(string); ok {
			if code, ok := d.contextCode(ctx, s); ok {
				return d.findType(ctx, d.read(), code, false)
			}
		}
	}
	return nil, errors.New("no type")
}

func (d *DB) issuerByDID(ctx context.Context, did string) (*shishi.Issuer, error) {
	var id int64
	err := d.read().QueryRowContext(ctx, `SELECT id FROM issuers WHERE did = $1`, did).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errors.New("no such issuer here: " + did)
	} else if err != nil {
		return nil, err
	}
	return d.findIssuer(ctx, d.read(), id, false)
}
