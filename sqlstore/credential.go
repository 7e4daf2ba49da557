package sqlstore

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/vc"
)

// Keyring purposes of module E.
const (
	sealIssuerKey  = "issuer-signing-key" // an issuer's private key
	hashIDNumber   = "credential-id-number"
	hashAccessKey  = "credential-access-key"
	algEd25519     = "Ed25519"
	algSM2         = "SM2"
	purposeRevoke  = "revocation"
	purposeSuspend = "suspension"
)

var _ shishi.CredentialService = (*DB)(nil)

// publicBase checks the configured public URL: absolute http(s), no query,
// nothing that would need escaping inside an IRI.
func (d *DB) publicBase() (string, error) {
	base := strings.TrimRight(d.PublicURL, "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" ||
		strings.ContainsAny(base, " <>\"{}|\\^`") {
		return "", shishi.Internal(errors.New("sqlstore: public URL not configured or not an absolute http(s) URL: " + d.PublicURL))
	}
	return base, nil
}

const issuerCols = `i.id, i.unit_id, u.name, i.credit_code, i.did, i.base_url, i.sm2, i.created_at`

func scanIssuer(s interface{ Scan(...any) error }) (*shishi.Issuer, error) {
	var i shishi.Issuer
	if err := s.Scan(&i.ID, &i.UnitID, &i.UnitName, &i.CreditCode, &i.DID, &i.BaseURL, &i.SM2, &i.CreatedAt); err != nil {
		return nil, err
	}
	i.CreatedAt = i.CreatedAt.UTC()
	return &i, nil
}

// issuerReach: the issuer role (or admin) over the issuer's unit.
func issuerReach(a *shishi.Actor, q *args) string {
	return reach(a, "u.path", q, shishi.RoleIssuer, shishi.RoleAdmin)
}

// CreateIssuer implements shishi.CredentialService.
func (d *DB) CreateIssuer(ctx context.Context, unitID int64, sm2 bool) (*shishi.Issuer, error) {
	base, err := d.publicBase()
	if err != nil {
		return nil, err
	}
	var id int64
	err = d.tx(ctx, func(tx *sql.Tx) error {
		u, err := d.findUnit(ctx, tx, unitID, shishi.RoleAdmin, shishi.RoleIssuer)
		if err != nil {
			return err
		}
		if !shishi.ValidCreditCode(u.CreditCode) {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "该单位没有有效的统一社会信用代码，无法写入证书编号 / the unit has no valid unified social credit code for certificate numbers"})
		}
		now := d.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO issuers (unit_id, base_url, credit_code, sm2, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			unitID, base, u.CreditCode, sm2, now).Scan(&id); err != nil {
			if isUnique(err) {
				return shishi.Errorf(shishi.ECONFLICT, "该单位已是签发机构 / the unit is already an issuer")
			}
			return shishi.Internal(err)
		}
		did, err := vc.DIDWeb(base, "issuers", strconv.FormatInt(id, 10))
		if err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE issuers SET did = $1 WHERE id = $2`, did, id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.addKey(ctx, tx, id, algEd25519, 1, now); err != nil {
			return err
		}
		if sm2 {
			if err := d.addKey(ctx, tx, id, algSM2, 1, now); err != nil {
				return err
			}
		}
		return d.appendAudit(ctx, tx, "issuer.create", "issuer", id, &unitID, map[string]any{"did": did, "sm2": sm2})
	})
	if err != nil {
		return nil, err
	}
	return d.FindIssuer(ctx, id)
}

// addKey makes a fresh key n of alg, sealed under the master keys: an
// Ed25519 key is "key-n", an SM2 key "sm2-n" (its second proof's method).
func (d *DB) addKey(ctx context.Context, tx *sql.Tx, issuerID int64, alg string, n int, now time.Time) error {
	var private, public []byte
	keyID := "key-" + strconv.Itoa(n)
	switch alg {
	case algEd25519:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return shishi.Internal(err)
		}
		private, public = priv.Seed(), pub
	case algSM2:
		var err error
		if private, public, err = vc.NewSM2Key(); err != nil {
			return shishi.Internal(err)
		}
		keyID = "sm2-" + strconv.Itoa(n)
	}
	sealed, err := d.keys.Seal(sealIssuerKey, private)
	if err != nil {
		return shishi.Internal(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO issuer_keys (issuer_id, key_id, alg, public_key, private_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		issuerID, keyID, alg, vc.Multikey(alg, public), sealed, now)
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// RotateKey implements shishi.CredentialService.
func (d *DB) RotateKey(ctx context.Context, issuerID int64) (*shishi.Issuer, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		i, err := d.findIssuer(ctx, tx, issuerID, true)
		if err != nil {
			return err
		}
		now := d.now()
		if _, err := tx.ExecContext(ctx, `UPDATE issuer_keys SET retired_at = $1 WHERE issuer_id = $2 AND retired_at IS NULL`, now, issuerID); err != nil {
			return shishi.Internal(err)
		}
		// Each algorithm the issuer signs with gets its next key.
		count := map[string]int{}
		for _, k := range i.Keys {
			count[k.Alg]++
		}
		algs := []string{algEd25519}
		if i.SM2 {
			algs = append(algs, algSM2)
		}
		added := []string{}
		for _, alg := range algs {
			n := count[alg] + 1
			if err := d.addKey(ctx, tx, issuerID, alg, n, now); err != nil {
				return err
			}
			added = append(added, alg+" "+strconv.Itoa(n))
		}
		return d.appendAudit(ctx, tx, "issuer.rotate_key", "issuer", issuerID, &i.UnitID, map[string]any{"keys": added})
	})
	if err != nil {
		return nil, err
	}
	return d.FindIssuer(ctx, issuerID)
}

// FindIssuers implements shishi.CredentialService.
func (d *DB) FindIssuers(ctx context.Context, p shishi.Page) ([]*shishi.Issuer, int, error) {
	var q args
	from := ` FROM issuers i JOIN units u ON u.id = i.unit_id WHERE ` + issuerReach(shishi.ActorFrom(ctx), &q)
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("i.id", false).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT `+issuerCols+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	out := []*shishi.Issuer{}
	for rows.Next() {
		i, err := scanIssuer(rows)
		if err != nil {
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	for _, i := range out {
		if err := d.loadKeys(ctx, d.read(), i); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// FindIssuer implements shishi.CredentialService.
func (d *DB) FindIssuer(ctx context.Context, id int64) (*shishi.Issuer, error) {
	return d.findIssuer(ctx, d.read(), id, true)
}

// findIssuer reads an issuer; scoped to the actor's reach, or not (the
// published DID document and signing, whose callers checked access).
func (d *DB) findIssuer(ctx context.Context, db queryer, id int64, scoped bool) (*shishi.Issuer, error) {
	var q args
	where := "i.id = " + q.add(id)
	if scoped {
		where += " AND " + issuerReach(shishi.ActorFrom(ctx), &q)
	}
	i, err := scanIssuer(db.QueryRowContext(ctx, `SELECT `+issuerCols+` FROM issuers i JOIN units u ON u.id = i.unit_id WHERE `+where, q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个签发机构 / no such issuer")
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return i, d.loadKeys(ctx, db, i)
}

func (d *DB) loadKeys(ctx context.Context, db queryer, i *shishi.Issuer) error {
	rows, err := db.QueryContext(ctx, `SELECT key_id, alg, public_key, created_at, retired_at FROM issuer_keys WHERE issuer_id = $1 ORDER BY created_at, key_id`, i.ID)
	if err != nil {
		return shishi.Internal(err)
	}
	defer rows.Close()
	i.Keys = nil
	for rows.Next() {
		var k shishi.IssuerKey
		var retired sql.NullTime
		if err := rows.Scan(&k.ID, &k.Alg, &k.Public, &k.CreatedAt, &retired); err != nil {
			return shishi.Internal(err)
		}
		k.CreatedAt, k.RetiredAt = k.CreatedAt.UTC(), nullTime(retired)
		i.Keys = append(i.Keys, k)
	}
	return rows.Err()
}

// signers opens the issuer's current keys: Ed25519 first (the proof every
// verifier checks), then SM2 when the issuer also signs with it.
func (d *DB) signers(ctx context.Context, db queryer, i *shishi.Issuer) ([]vc.Signer, error) {
	rows, err := db.QueryContext(ctx, `SELECT key_id, alg, private_sealed FROM issuer_keys WHERE issuer_id = $1 AND retired_at IS NULL`, i.ID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var ed, sm []vc.Signer
	for rows.Next() {
		var keyID, alg, sealed string
		if err := rows.Scan(&keyID, &alg, &sealed); err != nil {
			return nil, shishi.Internal(err)
		}
		secret, err := d.keys.Open(sealIssuerKey, sealed)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		vm := i.DID + "#" + keyID
		switch alg {
		case algEd25519:
			ed = append(ed, vc.Ed25519Signer{Key: ed25519.NewKeyFromSeed(secret), VM: vm})
		case algSM2:
			k, err := vc.SM2PrivateKey(secret)
			if err != nil {
				return nil, shishi.Internal(err)
			}
			sm = append(sm, vc.SM2Signer{Key: k, VM: vm})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	if len(ed) != 1 || len(sm) > 1 {
		return nil, shishi.Internal(errors.New("sqlstore: issuer " + strconv.FormatInt(i.ID, 10) + " has no single current Ed25519 key"))
	}
	return append(ed, sm...), nil
}

// DIDDocument implements shishi.CredentialService: every key the issuer
// ever had, so what a retired key signed still verifies.
func (d *DB) DIDDocument(ctx context.Context, issuerID int64) ([]byte, error) {
	i, err := d.findIssuer(ctx, d.read(), issuerID, false)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(didDocument(i), "", "  ")
}

func didDocument(i *shishi.Issuer) *vc.DIDDocument {
	var keys [][2]string
	for _, k := range i.Keys {
		keys = append(keys, [2]string{k.ID, k.Public})
	}
	return vc.NewDIDDocument(i.DID, keys)
}

const typeCols = `t.id, t.issuer_id, t.code, t.name, t.name_en, t.number_code, t.valid_days, t.fields, t.created_at, i.base_url`

func scanType(s interface{ Scan(...any) error }) (*shishi.CredentialType, error) {
	var t shishi.CredentialType
	var fields, base string
	if err := s.Scan(&t.ID, &t.IssuerID, &t.Code, &t.Name, &t.NameEn, &t.NumberCode, &t.ValidDays, &fields, &t.CreatedAt, &base); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ContextURL = vc.TypeContextURL(base, t.Code)
	return &t, nil
}

// CreateType implements shishi.CredentialService.
func (d *DB) CreateType(ctx context.Context, t *shishi.CredentialType) (*shishi.CredentialType, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	fields, _ := json.Marshal(t.Fields)
	err := d.tx(ctx, func(tx *sql.Tx) error {
		i, err := d.findIssuer(ctx, tx, t.IssuerID, true)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO credential_types (issuer_id, code, name, name_en, number_code, valid_days, fields, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, t.IssuerID, t.Code, t.Name, t.NameEn, t.NumberCode, t.ValidDays, string(fields), d.now()).Scan(&id); err != nil {
			if isUnique(err) {
				return shishi.Invalid(shishi.FieldError{Field: "code", Message: "类型代码已被使用 / the code is taken"})
			}
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "credential_type.create", "credential_type", id, &i.UnitID, map[string]any{"code": t.Code, "name": t.Name})
	})
	d.types.forget() // even on an error: the commit may have landed
	if err != nil {
		return nil, err
	}
	return d.FindType(ctx, t.Code)
}

// FindTypes implements shishi.CredentialService: the types of issuers in reach.
func (d *DB) FindTypes(ctx context.Context, p shishi.Page) ([]*shishi.CredentialType, int, error) {
	var q args
	from := ` FROM credential_types t JOIN issuers i ON i.id = t.issuer_id JOIN units u ON u.id = i.unit_id WHERE ` + issuerReach(shishi.ActorFrom(ctx), &q)
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("t.id", false).page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT `+typeCols+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.CredentialType{}
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// FindType implements shishi.CredentialService.
func (d *DB) FindType(ctx context.Context, code string) (*shishi.CredentialType, error) {
	return d.findType(ctx, d.read(), code, true)
}

func (d *DB) findType(ctx context.Context, db queryer, code string, scoped bool) (*shishi.CredentialType, error) {
	var q args
	where := "t.code = " + q.add(code)
	if scoped {
		where += " AND " + issuerReach(shishi.ActorFrom(ctx), &q)
	}
	t, err := scanType(db.QueryRowContext(ctx, `SELECT `+typeCols+` FROM credential_types t JOIN issuers i ON i.id = t.issuer_id
		JOIN units u ON u.id = i.unit_id WHERE `+where, q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Invalid(shishi.FieldError{Field: "type", Message: "没有这个证书类型，或无权签发 / no such credential type, or not yours to issue: " + code})
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return t, nil
}

// TypeContext implements shishi.CredentialService.
func (d *DB) TypeContext(ctx context.Context, code string) ([]byte, error) {
	t, err := d.findType(ctx, d.read(), code, false)
	if err != nil {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有这个证书类型 / no such credential type")
	}
	return typeContext(t), nil
}

func typeContext(t *shishi.CredentialType) []byte {
	defs := make([]vc.FieldDef, len(t.Fields))
	for i, f := range t.Fields {
		defs[i] = vc.FieldDef{Key: f.Key, Kind: string(f.Kind)}
	}
	return vc.TypeContext(typeBase(t), t.Code, defs)
}

// rekeyIssuerKeys re-seals the issuers' private keys under the current
// master key (part of Rekey; their table has no single id column).
func (d *DB) rekeyIssuerKeys(ctx context.Context) (int, error) {
	n := 0
	err := d.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT issuer_id, key_id, private_sealed FROM issuer_keys WHERE private_sealed NOT LIKE $1`, d.keys.CurrentID()+":%")
		if err != nil {
			return shishi.Internal(err)
		}
		type row struct {
			issuer      int64
			key, sealed string
		}
		var rs []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.issuer, &r.key, &r.sealed); err != nil {
				rows.Close()
				return shishi.Internal(err)
			}
			rs = append(rs, r)
		}
		rows.Close()
		for _, r := range rs {
			plain, err := d.keys.Open(sealIssuerKey, r.sealed)
			if err != nil {
				return shishi.Internal(errors.New("sqlstore: rekey issuer key " + r.key + ": " + err.Error()))
			}
			sealed, err := d.keys.Seal(sealIssuerKey, plain)
			if err != nil {
				return shishi.Internal(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE issuer_keys SET private_sealed = $1 WHERE issuer_id = $2 AND key_id = $3`, sealed, r.issuer, r.key); err != nil {
				return shishi.Internal(err)
			}
		}
		n = len(rs)
		if n == 0 {
			return nil
		}
		return d.appendAudit(shishi.WithActor(ctx, shishi.SystemActor()), tx, "keys.rekey", "issuer_keys", 0, nil, map[string]any{"rows": n, "key": d.keys.CurrentID()})
	})
	return n, err
}
