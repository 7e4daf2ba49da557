package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/shishi-edu/shishi"
)

// The public case gallery (典型案例): selected applications of showcase
// services. It needs no account, so it reads only what is public by
// construction: the title, the nominating unit and the text answers the
// form marks public, taken from the form version the case was submitted
// under.

var _ shishi.ShowcaseService = (*DB)(nil)

const showcaseFrom = ` FROM applications a JOIN services s ON s.id = a.service_id JOIN units u ON u.id = a.unit_id
	JOIN service_forms f ON f.service_id = a.service_id AND f.version = a.form_version
	WHERE a.selected = $1 AND s.showcase = $1 `

// FindShowcases implements shishi.ShowcaseService.
func (d *DB) FindShowcases(ctx context.Context, f shishi.ShowcaseFilter) ([]*shishi.Showcase, int, error) {
	q := args{true}
	where := ""
	if f.ServiceID > 0 {
		where += " AND a.service_id = " + q.add(f.ServiceID)
	}
	if f.UnitKind != "" {
		where += " AND u.kind = " + q.add(string(f.UnitKind))
	}
	var total int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*)`+showcaseFrom+where, q...).Scan(&total); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	if f.After > 0 {
		where += " AND a.id < " + q.add(f.After)
	}
	out, err := d.loadShowcases(ctx, where+` ORDER BY a.id DESC LIMIT `+q.add(clampLimit(f.Limit)), q)
	return out, total, err
}

// FindShowcase implements shishi.ShowcaseService.
func (d *DB) FindShowcase(ctx context.Context, id int64) (*shishi.Showcase, error) {
	out, err := d.loadShowcases(ctx, " AND a.id = $2", args{true, id})
	return first(out, err, shishi.Errorf(shishi.ENOTFOUND, "案例不存在 / case %d not found", id))
}

func (d *DB) loadShowcases(ctx context.Context, where string, q args) ([]*shishi.Showcase, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT a.id, s.id, s.code, s.name, a.title, u.id, u.name, u.kind, a.answers, f.fields, a.selected_at`+
		showcaseFrom+where, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Showcase
	for rows.Next() {
		var c shishi.Showcase
		var answers, fields string
		var at sql.NullTime
		if err := rows.Scan(&c.ID, &c.Service.ID, &c.Service.Code, &c.Service.Name, &c.Title, &c.Unit.ID, &c.Unit.Name, &c.UnitKind, &answers, &fields, &at); err != nil {
			return nil, shishi.Internal(err)
		}
		var fs []shishi.FormField
		var as map[string]any
		if err := json.Unmarshal([]byte(fields), &fs); err != nil {
			return nil, shishi.Internal(err)
		}
		if err := json.Unmarshal([]byte(answers), &as); err != nil {
			return nil, shishi.Internal(err)
		}
		c.Texts = []shishi.ShowcaseText{}
		for _, fd := range fs {
			if t, ok := as[fd.Key].(string); ok && fd.Public && fd.Type == shishi.FormText {
				c.Texts = append(c.Texts, shishi.ShowcaseText{Label: fd.Label, Text: t})
			}
		}
		if at.Valid {
			c.SelectedAt = at.Time.UTC()
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}
