package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// Who uploaded which file of online services. Files are stored by content
// hash and served to an application's readers when its answers name them,
// so a hash alone must not be a key: an application may only name a file
// its acting user uploaded, or one an earlier version of the same
// application already named (a colleague at the applying unit keeps the
// files that are there).

// RecordUpload implements shishi.ServiceService.
func (d *DB) RecordUpload(ctx context.Context, f shishi.FileAnswer) error {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return nil // the system hands in no uploads of its own
	}
	if a == nil || a.UserID == 0 {
		return shishi.Errorf(shishi.EUNAUTHORIZED, "请先登录 / sign in to upload")
	}
	if len(f.SHA256) != 64 || f.Size < 0 {
		return shishi.Invalid(shishi.FieldError{Field: "file", Message: "文件哈希或大小无效 / bad file hash or size"})
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO service_uploads (user_id, sha256, size, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, sha256) DO NOTHING`, a.UserID, f.SHA256, f.Size, d.now())
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // uploaded before: nothing changes
		}
		var unit *int64
		if a.UnitID > 0 {
			unit = &a.UnitID
		}
		return d.appendAudit(ctx, tx, "service.upload", "user", a.UserID, unit, map[string]any{"sha256": f.SHA256, "size": f.Size, "name": f.Name})
	})
}

// checkUploads adds a fault to v for every file the answers name that the
// actor did not upload and that no earlier version of application id (0
// for a new one) named. The system actor (the demo loader) is exempt.
func (d *DB) checkUploads(ctx context.Context, tx *sql.Tx, v *shishi.Validator, serviceID, id int64, form *shishi.Form, answers json.RawMessage) error {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return nil
	}
	refs := form.FileRefs(answers)
	if len(refs) == 0 {
		return nil
	}
	kept := map[string]bool{}
	if id > 0 {
		var err error
		if kept, err = d.versionFiles(ctx, tx, serviceID, id); err != nil {
			return err
		}
	}
	for _, r := range refs {
		if kept[r.File.SHA256] {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM service_uploads WHERE user_id = $1 AND sha256 = $2`, a.UserID, r.File.SHA256).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if n == 0 {
			i := strconv.Itoa(r.N)
			v.Add(r.Field, "第 "+i+" 个文件须由本人上传 / file "+i+" was not uploaded by you")
		}
	}
	return nil
}

// versionFiles is the set of file hashes the kept versions of application
// id name, each read with the form version it was saved under.
func (d *DB) versionFiles(ctx context.Context, tx *sql.Tx, serviceID, id int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT form_version, answers FROM application_versions WHERE application_id = $1`, id)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	type kept struct {
		form    int
		answers string
	}
	var vs []kept
	for rows.Next() {
		var k kept
		if err := rows.Scan(&k.form, &k.answers); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		vs = append(vs, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	forms := map[int]*shishi.Form{}
	out := map[string]bool{}
	for _, k := range vs {
		f, ok := forms[k.form]
		if !ok {
			if f, err = d.findForm(ctx, tx, serviceID, k.form); err != nil {
				return nil, err
			}
			forms[k.form] = f
		}
		for _, r := range f.FileRefs(json.RawMessage(k.answers)) {
			out[r.File.SHA256] = true
		}
	}
	return out, nil
}
