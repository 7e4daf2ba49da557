package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shishi-edu/shishi"
)

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// cleanName keeps a file name short, printable and free of paths.
func cleanName(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, n)
	if utf8.RuneCountInString(n) > 120 {
		n = string([]rune(n)[:120])
	}
	if n == "" || n == "." || n == "/" {
		n = "file"
	}
	return n
}

// AttachEvidence implements shishi.EvidenceService.
func (d *DB) AttachEvidence(ctx context.Context, reportID int64, e shishi.Evidence) (*shishi.Evidence, error) {
	if !hashRE.MatchString(e.Hash) || e.Size <= 0 || e.Size > shishi.MaxEvidence || e.Mime == "" {
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "文件记录无效 / invalid file record"})
	}
	e.Name = cleanName(e.Name)
	var out *shishi.Evidence
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := d.findReport(ctx, tx, reportID)
		if err != nil {
			return err
		}
		it, err := d.findItem(ctx, tx, r.ItemID)
		if err != nil {
			return err
		}
		if ok, err := d.canOperate(ctx, tx, it); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有牵头单位填报员或活动办可以上传佐证材料 / only the lead unit's operator or the office uploads evidence")
		}
		if r.Status != shishi.ReportSubmitted {
			return shishi.Errorf(shishi.ECONFLICT, "报告已审核，不能再添加佐证材料；请提交更正版本 / the report was reviewed; file a correction to add evidence")
		}
		a := shishi.ActorFrom(ctx)
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO evidence (report_id, name, hash, mime, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			reportID, e.Name, e.Hash, e.Mime, e.Size, a.Login, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "evidence.attach", "report", reportID, &it.LeadUnit.ID, map[string]any{"name": e.Name, "sha256": e.Hash, "size": e.Size}); err != nil {
			return err
		}
		out = &shishi.Evidence{ID: id, ReportID: reportID, ItemID: r.ItemID, Period: r.Period, Name: e.Name, Hash: e.Hash, Mime: e.Mime, Size: e.Size, UploadedBy: a.Login, UploadedAt: now}
		return nil
	})
	return out, err
}

const (
	evidenceFrom = ` FROM evidence ev JOIN reports r ON r.id = ev.report_id JOIN items i ON i.id = r.item_id JOIN campaigns c ON c.id = i.campaign_id
	JOIN units cu ON cu.id = c.unit_id JOIN units lu ON lu.id = i.lead_unit_id `
	evidenceSelect = `SELECT ev.id, ev.report_id, r.item_id, r.period, ev.name, ev.hash, ev.mime, ev.size, ev.uploaded_by, ev.uploaded_at` + evidenceFrom
)

func (d *DB) scanEvidence(ctx context.Context, query string, q args) ([]*shishi.Evidence, error) {
	rows, err := d.read().QueryContext(ctx, query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	var out []*shishi.Evidence
	for rows.Next() {
		var e shishi.Evidence
		if err := rows.Scan(&e.ID, &e.ReportID, &e.ItemID, &e.Period, &e.Name, &e.Hash, &e.Mime, &e.Size, &e.UploadedBy, &e.UploadedAt); err != nil {
			return nil, shishi.Internal(err)
		}
		e.UploadedAt = e.UploadedAt.UTC()
		out = append(out, &e)
	}
	return out, rows.Err()
}

// FindEvidence implements shishi.EvidenceService. Evidence is staff-only:
// a public item's summary shows, its files do not.
func (d *DB) FindEvidence(ctx context.Context, itemID int64, p shishi.Page) ([]*shishi.Evidence, int, error) {
	var q args
	where := `WHERE r.item_id = ` + q.add(itemID) + ` AND ` + staffItemReach(d.postgres, shishi.ActorFrom(ctx), &q)
	total, err := count(ctx, d.read(), evidenceFrom+where, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("ev.id", true).page(p, &q)
	es, err := d.scanEvidence(ctx, evidenceSelect+where+cond+tail, q)
	if es == nil {
		es = []*shishi.Evidence{}
	}
	return es, total, err
}

// GetEvidence implements shishi.EvidenceService.
func (d *DB) GetEvidence(ctx context.Context, id int64) (*shishi.Evidence, error) {
	var q args
	es, err := d.scanEvidence(ctx, evidenceSelect+`WHERE ev.id = `+q.add(id)+` AND `+staffItemReach(d.postgres, shishi.ActorFrom(ctx), &q), q)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "佐证材料不存在或无权访问 / evidence %d not found", id)
	}
	return es[0], nil
}

var _ shishi.EvidenceService = (*DB)(nil)
