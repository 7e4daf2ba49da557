package sqlstore

import (
	"context"
	"database/sql"

	"github.com/shishi-edu/shishi"
)

const visitFrom = ` FROM sup_visits v JOIN sup_groups g ON g.id = v.group_id JOIN units ou ON ou.id = g.owner_unit_id JOIN units vu ON vu.id = v.unit_id `

const visitCols = `v.id, v.group_id, g.kind, g.name, v.unit_id, vu.name, v.status, v.planned_on, v.visited_on, v.participants, v.record, v.created_by, v.created_at,
	(SELECT count(*) FROM findings vf WHERE vf.visit_id = v.id)`

func (d *DB) loadVisits(ctx context.Context, db queryer, query string, q args) ([]*shishi.Visit, error) {
	rows, err := db.QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []*shishi.Visit{}
	byID := map[int64]*shishi.Visit{}
	var ids []int64
	for rows.Next() {
		var v shishi.Visit
		if err := rows.Scan(&v.ID, &v.Group.ID, &v.Group.Kind, &v.Group.Name, &v.Unit.ID, &v.Unit.Name, &v.Status, &v.PlannedOn, &v.VisitedOn,
			&v.Participants, &v.Record, &v.CreatedBy, &v.CreatedAt, &v.FindingCount); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		v.CreatedAt, v.Files = v.CreatedAt.UTC(), []shishi.SupervisionFile{}
		out = append(out, &v)
		byID[v.ID] = &v
		ids = append(ids, v.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	var fq args
	files, err := d.loadFiles(ctx, db, `visit_id IN `+inList(&fq, ids), fq)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		byID[f.owner].Files = append(byID[f.owner].Files, f.SupervisionFile)
	}
	return out, nil
}

type ownedFile struct {
	shishi.SupervisionFile
	owner int64 // the visit or the event
}

func (d *DB) loadFiles(ctx context.Context, db queryer, where string, q args) ([]ownedFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, COALESCE(visit_id, event_id, 0), name, hash, mime, size, uploaded_by, uploaded_at FROM sup_files WHERE `+where+` ORDER BY id`, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []ownedFile
	for rows.Next() {
		var f ownedFile
		if err := rows.Scan(&f.ID, &f.owner, &f.Name, &f.Hash, &f.Mime, &f.Size, &f.UploadedBy, &f.UploadedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		f.UploadedAt = f.UploadedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// FindVisit implements shishi.SupervisionService.
func (d *DB) FindVisit(ctx context.Context, id int64) (*shishi.Visit, error) {
	return d.findVisit(ctx, d.read(), id)
}

func (d *DB) findVisit(ctx context.Context, db queryer, id int64) (*shishi.Visit, error) {
	var q args
	vs, err := d.loadVisits(ctx, db, `SELECT `+visitCols+visitFrom+`WHERE v.id = `+q.add(id)+` AND `+supReach(shishi.ActorFrom(ctx), "vu.path", &q), q)
	return first(vs, err, shishi.Errorf(shishi.ENOTFOUND, "走访记录不存在或无权访问 / visit %d not found", id))
}

// FindVisits implements shishi.SupervisionService.
func (d *DB) FindVisits(ctx context.Context, f shishi.VisitFilter) ([]*shishi.Visit, int, error) {
	var q args
	where := supReach(shishi.ActorFrom(ctx), "vu.path", &q)
	if f.GroupID > 0 {
		where += " AND v.group_id = " + q.add(f.GroupID)
	}
	if f.UnitID > 0 {
		where += " AND vu.path LIKE (SELECT p.path FROM units p WHERE p.id = " + q.add(f.UnitID) + ") || '%'"
	}
	day := "(CASE WHEN v.visited_on <> '' THEN v.visited_on ELSE v.planned_on END)"
	if f.From != "" {
		where += " AND " + day + " >= " + q.add(string(f.From))
	}
	if f.To != "" {
		where += " AND " + day + " <= " + q.add(string(f.To))
	}
	var total int
	if err := d.read().QueryRowContext(ctx, `SELECT count(*)`+visitFrom+`WHERE `+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND v.id > " + q.add(f.After)
	}
	vs, err := d.loadVisits(ctx, d.read(), `SELECT `+visitCols+visitFrom+`WHERE `+where+` ORDER BY v.id LIMIT `+q.add(clampLimit(f.Limit)), q)
	return vs, total, err
}

// CreateVisit implements shishi.SupervisionService.
func (d *DB) CreateVisit(ctx context.Context, in shishi.VisitInput, files []shishi.SupervisionFile) (*shishi.Visit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	var out *shishi.Visit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := d.findGroup(ctx, tx, in.GroupID); err != nil {
			return err
		}
		if ok, err := d.actsForGroup(ctx, tx, in.GroupID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有本组成员或派出单位活动办可以安排走访 / only the group's members or its office arrange visits")
		}
		if ok, err := d.covers(ctx, tx, in.GroupID, in.UnitID); err != nil {
			return err
		} else if !ok {
			return shishi.Invalid(shishi.FieldError{Field: "unit_id", Message: "该单位不在本组督导范围内 / the unit is not covered by the group"})
		}
		status := shishi.VisitPlanned
		if in.Record != "" {
			status = shishi.VisitDone
		}
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sup_visits (group_id, unit_id, status, planned_on, visited_on, participants, record, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, in.GroupID, in.UnitID, string(status), string(in.PlannedOn), string(in.VisitedOn),
			in.Participants, in.Record, shishi.ActorFrom(ctx).Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.addFiles(ctx, tx, id, nil, nil, files); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "visit.create", "visit", id, &in.UnitID, map[string]any{"group": in.GroupID, "status": status, "planned_on": in.PlannedOn, "files": len(files)}); err != nil {
			return err
		}
		var err error
		out, err = d.findVisit(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// RecordVisit implements shishi.SupervisionService.
func (d *DB) RecordVisit(ctx context.Context, id int64, in shishi.VisitRecord, files []shishi.SupervisionFile) (*shishi.Visit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := checkFiles(files); err != nil {
		return nil, err
	}
	var out *shishi.Visit
	err := d.tx(ctx, func(tx *sql.Tx) error {
		v, err := d.findVisit(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := d.actsForGroup(ctx, tx, v.Group.ID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有本组成员可以填写走访记录 / only the group's members record visits")
		}
		res, err := tx.ExecContext(ctx, `UPDATE sup_visits SET status = $1, visited_on = $2, participants = $3, record = $4, updated_at = $5 WHERE id = $6 AND status = $7`,
			string(shishi.VisitDone), string(in.VisitedOn), in.Participants, in.Record, d.now(), id, string(shishi.VisitPlanned))
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.ECONFLICT, "该走访已有记录 / the visit is recorded already")
		}
		if err := d.addFiles(ctx, tx, id, nil, nil, files); err != nil {
			return err
		}
		if err := d.appendAudit(ctx, tx, "visit.record", "visit", id, &v.Unit.ID, map[string]any{"visited_on": in.VisitedOn, "files": len(files)}); err != nil {
			return err
		}
		out, err = d.findVisit(ctx, tx, id)
		return err
	})
	return out, err
}
