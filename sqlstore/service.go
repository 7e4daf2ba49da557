package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/shishi-edu/shishi"
)

// The service catalogue (module F): services with their form versions.
// The catalogue is public — anyone may read what can be applied for —
// while creating a service or changing its form takes the office over the
// owner unit.

var _ shishi.ServiceService = (*DB)(nil)

const serviceCols = `s.id, s.code, s.name, s.name_en, s.description, s.owner_unit_id, ou.name, s.applicants, s.opens_on, s.closes_on,
	s.workflow, s.rubric, s.credential_type, s.showcase, s.form_version, f.fields, s.created_at`

const serviceFrom = ` FROM services s JOIN units ou ON ou.id = s.owner_unit_id
	JOIN service_forms f ON f.service_id = s.id AND f.version = s.form_version `

func scanService(r interface{ Scan(...any) error }) (*shishi.Service, error) {
	var s shishi.Service
	var wf, rubric, fields string
	if err := r.Scan(&s.ID, &s.Code, &s.Name, &s.NameEn, &s.Description, &s.OwnerUnit.ID, &s.OwnerUnit.Name, &s.Applicants,
		&s.OpensOn, &s.ClosesOn, &wf, &rubric, &s.CredentialType, &s.Showcase, &s.Form.Version, &fields, &s.CreatedAt); err != nil {
		return nil, err
	}
	s.CreatedAt = s.CreatedAt.UTC()
	if err := errors.Join(json.Unmarshal([]byte(wf), &s.Workflow), json.Unmarshal([]byte(rubric), &s.Rubric),
		json.Unmarshal([]byte(fields), &s.Form.Fields)); err != nil {
		return nil, err
	}
	return &s, nil
}

// FindServices implements shishi.ServiceService.
func (d *DB) FindServices(ctx context.Context, f shishi.ServiceFilter) ([]*shishi.Service, error) {
	var q args
	where := "1=1"
	if f.OwnerUnitID > 0 {
		where += " AND s.owner_unit_id = " + q.add(f.OwnerUnitID)
	}
	if f.Applicants != "" {
		where += " AND s.applicants = " + q.add(string(f.Applicants))
	}
	if f.Showcase != nil {
		where += " AND s.showcase = " + q.add(*f.Showcase)
	}
	return d.loadServices(ctx, d.db, `SELECT `+serviceCols+serviceFrom+`WHERE `+where+` ORDER BY s.id`, q)
}

func (d *DB) loadServices(ctx context.Context, db queryer, query string, q args) ([]*shishi.Service, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Service
	for rows.Next() {
		s, err := scanService(rows)
		if err != nil {
			return nil, shishi.Internal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	return out, nil
}

// FindService implements shishi.ServiceService.
func (d *DB) FindService(ctx context.Context, id int64) (*shishi.Service, error) {
	return d.findService(ctx, d.db, id)
}

func (d *DB) findService(ctx context.Context, db queryer, id int64) (*shishi.Service, error) {
	var q args
	ss, err := d.loadServices(ctx, db, `SELECT `+serviceCols+serviceFrom+`WHERE s.id = `+q.add(id), q)
	return first(ss, err, shishi.Errorf(shishi.ENOTFOUND, "服务不存在 / service %d not found", id))
}

// FindForm implements shishi.ServiceService.
func (d *DB) FindForm(ctx context.Context, serviceID int64, version int) (*shishi.Form, error) {
	return d.findForm(ctx, d.db, serviceID, version)
}

func (d *DB) findForm(ctx context.Context, db queryer, serviceID int64, version int) (*shishi.Form, error) {
	var fields string
	err := db.QueryRowContext(ctx, `SELECT fields FROM service_forms WHERE service_id = $1 AND version = $2`, serviceID, version).Scan(&fields)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "表单版本不存在 / form version %d of service %d not found", version, serviceID)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	f := &shishi.Form{Version: version}
	if err := json.Unmarshal([]byte(fields), &f.Fields); err != nil {
		return nil, shishi.Internal(err)
	}
	return f, nil
}

// CreateService implements shishi.ServiceService.
func (d *DB) CreateService(ctx context.Context, in shishi.ServiceInput) (*shishi.Service, error) {
	if a := shishi.ActorFrom(ctx); in.OwnerUnitID == 0 && a != nil {
		in.OwnerUnitID = a.UnitID
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Service
	err := d.tx(ctx, func(tx *sql.Tx) error {
		owner, err := d.findUnit(ctx, tx, in.OwnerUnitID, shishi.RoleOffice)
		if err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有主管单位的活动办可以设立服务 / only the owner unit's office sets up services")
		}
		if in.CredentialType != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM credential_types WHERE code = $1`, in.CredentialType).Scan(&n); err != nil {
				return shishi.Internal(err)
			} else if n == 0 {
				return shishi.Invalid(shishi.FieldError{Field: "credential_type", Message: "证书类型不存在 / no such credential type"})
			}
		}
		wf, _ := json.Marshal(in.Workflow)
		rubric, _ := json.Marshal(in.Rubric)
		if in.Rubric == nil {
			rubric = []byte("[]")
		}
		now := d.now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO services (code, name, name_en, description, owner_unit_id, applicants, opens_on, closes_on,
			workflow, rubric, credential_type, showcase, form_version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) RETURNING id`,
			in.Code, in.Name, in.NameEn, in.Description, owner.ID, string(in.Applicants), string(in.OpensOn), string(in.ClosesOn),
			string(wf), string(rubric), in.CredentialType, in.Showcase, now).Scan(&id)
		if isUnique(err) {
			return shishi.Invalid(shishi.FieldError{Field: "code", Message: "服务代码已被使用 / code already in use"})
		} else if err != nil {
			return shishi.Internal(err)
		}
		if err := d.addForm(ctx, tx, id, 1, in.Fields); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "service.create", "service", id, &owner.ID, map[string]any{"code": in.Code, "name": in.Name}); err != nil {
			return err
		}
		out, err = d.findService(ctx, tx, id)
		return err
	})
	return out, err
}

func (d *DB) addForm(ctx context.Context, tx *sql.Tx, serviceID int64, version int, fields []shishi.FormField) error {
	b, err := json.Marshal(fields)
	if err != nil {
		return shishi.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO service_forms (service_id, version, fields, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		serviceID, version, string(b), actorLogin(ctx), d.now()); err != nil {
		return shishi.Internal(err)
	}
	return nil
}

func actorLogin(ctx context.Context) string {
	if a := shishi.ActorFrom(ctx); a != nil {
		return a.Login
	}
	return "anonymous"
}

// ChangeForm implements shishi.ServiceService: the new fields become the
// next version; applications keep the version they pinned.
func (d *DB) ChangeForm(ctx context.Context, serviceID int64, fields []shishi.FormField) (*shishi.Service, error) {
	form := shishi.Form{Fields: fields}
	if err := form.Check(); err != nil {
		return nil, err
	}
	var out *shishi.Service
	err := d.tx(ctx, func(tx *sql.Tx) error {
		s, err := d.findService(ctx, tx, serviceID)
		if err != nil {
			return err
		}
		if _, err := d.findUnit(ctx, tx, s.OwnerUnit.ID, shishi.RoleOffice); err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有主管单位的活动办可以修改表单 / only the owner unit's office changes the form")
		}
		next := s.Form.Version + 1
		if err := d.addForm(ctx, tx, serviceID, next, form.Fields); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE services SET form_version = $1, updated_at = $2 WHERE id = $3 AND form_version = $4`, next, d.now(), serviceID, s.Form.Version)
		if err != nil {
			return shishi.Internal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.ECONFLICT, "表单已被修改，请刷新 / the form changed meanwhile; reload")
		}
		if err := d.appendAudit(ctx, tx, "service.form", "service", serviceID, &s.OwnerUnit.ID, map[string]any{"version": next, "fields": len(fields)}); err != nil {
			return err
		}
		out, err = d.findService(ctx, tx, serviceID)
		return err
	})
	return out, err
}
