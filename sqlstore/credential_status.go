package sqlstore

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/vc"
)

// Status changes of a credential: revoke, suspend, resume, each with a
// reason and audited; and reissue (换发), which signs the content again —
// with corrected values when given — under the same serial and the next
// version, and revokes the old one with the reason "reissued".

// ReissuedReason is the reason a reissued credential carries.
const ReissuedReason = "reissued"

// errCredentialStale: the credential changed since the caller read it
// (If-Match).
var errCredentialStale = shishi.Errorf(shishi.EPRECONDITION, "证书已被他人处理，请刷新后重试 / the credential was changed by someone else; reload and retry")

// ChangeStatus implements shishi.CredentialService.
func (d *DB) ChangeStatus(ctx context.Context, id int64, action shishi.StatusAction, reason string, version int64) (*shishi.Credential, error) {
	if action == shishi.ActionReissue {
		return d.Reissue(ctx, id, reason, nil, version)
	}
	var v shishi.Validator
	reason = strings.TrimSpace(reason)
	checkReason(&v, reason)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCredential(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return errCredentialStale
		}
		var to shishi.CredentialStatus
		switch {
		case action == shishi.ActionRevoke && (c.Status == shishi.CredentialValid || c.Status == shishi.CredentialSuspended):
			to = shishi.CredentialRevoked
		case action == shishi.ActionSuspend && c.Status == shishi.CredentialValid:
			to = shishi.CredentialSuspended
		case action == shishi.ActionResume && c.Status == shishi.CredentialSuspended:
			to = shishi.CredentialValid
		case action != shishi.ActionRevoke && action != shishi.ActionSuspend && action != shishi.ActionResume:
			return shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action: " + string(action)})
		default:
			return shishi.Errorf(shishi.ECONFLICT, "证书当前状态为“%s”，不能执行该操作 / a %s credential cannot be %sd", c.Status.Label(false), c.Status, action)
		}
		unitID, err := d.setStatus(ctx, tx, c.ID, c.Version, to, reason)
		if err != nil {
			return err
		}
		return d.appendAudit(ctx, tx, "credential."+string(action), "credential", id, &unitID,
			map[string]any{"number": c.Number, "from": c.Status, "to": to, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return d.FindCredential(ctx, id)
}

// setStatus writes a status and marks the signed lists of its index stale.
// The row version read before (version) is compared again in the write: a
// change in between is refused, not overwritten.
func (d *DB) setStatus(ctx context.Context, tx *sql.Tx, id, version int64, to shishi.CredentialStatus, reason string) (unitID int64, err error) {
	var issuerID, index int64
	if err := tx.QueryRowContext(ctx, `SELECT unit_id, issuer_id, status_index FROM credentials WHERE id = $1`, id).Scan(&unitID, &issuerID, &index); err != nil {
		return 0, shishi.Internal(err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE credentials SET status = $1, reason = $2, row_version = row_version + 1 WHERE id = $3 AND row_version = $4`,
		string(to), reason, id, version)
	if err != nil {
		return 0, shishi.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, errCredentialStale
	}
	if _, err := tx.ExecContext(ctx, `UPDATE status_lists SET version = version + 1 WHERE issuer_id = $1 AND seq = $2`,
		issuerID, index/vc.StatusListLength+1); err != nil {
		return 0, shishi.Internal(err)
	}
	return unitID, nil
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

// Reissue implements shishi.CredentialService.
func (d *DB) Reissue(ctx context.Context, id int64, reason string, corrections map[string]string, version int64) (*shishi.Credential, error) {
	var v shishi.Validator
	reason = strings.TrimSpace(reason)
	checkReason(&v, reason)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var newID int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCredential(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return errCredentialStale
		}
		if c.ReplacedBy != "" || c.Status == shishi.CredentialRevoked {
			return shishi.Errorf(shishi.ECONFLICT, "证书当前状态为“%s”，不能换发 / a %s credential cannot be reissued", c.Status.Label(false), c.Status)
		}
		is, err := d.startIssuing(ctx, tx, c.Type)
		if err != nil {
			return err
		}
		defer is.insert.Close()
		var serial int64
		var version int
		var idHash string
		if err := tx.QueryRowContext(ctx, `SELECT serial, version, id_hash FROM credentials WHERE id = $1`, c.ID).Scan(&serial, &version, &idHash); err != nil {
			return shishi.Internal(err)
		}
		if version >= 999 {
			return shishi.Errorf(shishi.ECONFLICT, "版本号已用尽 / no version left")
		}
		content, corrected, err := d.corrected(is.typ, c, idHash, corrections)
		if err != nil {
			return err
		}
		var index int64
		if err := tx.QueryRowContext(ctx, `UPDATE issuers SET next_status_index = next_status_index + 1 WHERE id = $1 RETURNING next_status_index - 1`,
			is.issuer.ID).Scan(&index); err != nil {
			return shishi.Internal(err)
		}
		for _, p := range []string{purposeRevoke, purposeSuspend} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_lists (issuer_id, purpose, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				is.issuer.ID, p, index/vc.StatusListLength+1); err != nil {
				return shishi.Internal(err)
			}
		}
		got, err := d.sign(ctx, tx, is, content, serial, version+1, index)
		if err != nil {
			return err
		}
		newID = got.Credential.ID
		if _, err := tx.ExecContext(ctx, `UPDATE credentials SET replaced_by = $1 WHERE id = $2`, newID, id); err != nil {
			return shishi.Internal(err)
		}
		unitID, err := d.setStatus(ctx, tx, id, c.Version, shishi.CredentialRevoked, ReissuedReason)
		if err != nil {
			return err
		}
		// The corrected fields are named, not their values: the audit
		// chain keeps no personal data.
		return d.appendAudit(ctx, tx, "credential.reissue", "credential", id, &unitID, map[string]any{"number": c.Number, "from": c.Status,
			"to": shishi.CredentialRevoked, "reason": reason, "new_number": got.Credential.Number, "corrected": corrected})
	})
	if err != nil {
		return nil, err
	}
	return d.FindCredential(ctx, newID)
}

// corrected is the old content with the corrections applied, each checked
// as issuance checks it; unchanged values (the masked identity number and
// its hash among them) are kept as they were signed. It returns the keys
// that changed.
func (d *DB) corrected(t *shishi.CredentialType, c *shishi.Credential, idHash string, corrections map[string]string) (*checked, []string, error) {
	var faults []shishi.FieldError
	for k := range corrections {
		if t.Field(k) == nil {
			faults = append(faults, shishi.FieldError{Field: "subject." + k, Message: "该证书类型没有这个字段 / no such field in this type"})
		}
	}
	out := &checked{holder: c.Holder, idHash: idHash}
	changed := []string{}
	for _, f := range t.Fields {
		old, had := c.Subject[f.Key]
		raw, ok := corrections[f.Key]
		if !ok {
			if had {
				out.claims = append(out.claims, vc.Claim{Key: f.Key, Value: old, Date: f.Kind == shishi.FieldDate})
			}
			continue
		}
		v, msg := f.CheckValue(raw)
		if msg != "" {
			faults = append(faults, shishi.FieldError{Field: "subject." + f.Key, Message: msg})
			continue
		}
		switch f.Kind {
		case shishi.FieldIDNumber:
			if v != nil {
				id := v.(string)
				out.idHash = d.keys.KeyedHash(hashIDNumber, id)
				v = shishi.MaskIDNumber(id)
			} else {
				out.idHash = ""
			}
		case shishi.FieldName:
			out.holder = v.(string)
		}
		if v != nil {
			out.claims = append(out.claims, vc.Claim{Key: f.Key, Value: v, Date: f.Kind == shishi.FieldDate})
		}
		if v != old || (f.Kind == shishi.FieldIDNumber && out.idHash != idHash) {
			changed = append(changed, f.Key)
		}
	}
	if len(faults) > 0 {
		sort.Slice(faults, func(i, j int) bool { return faults[i].Field < faults[j].Field })
		return nil, nil, shishi.Invalid(faults...)
	}
	return out, changed, nil
}
