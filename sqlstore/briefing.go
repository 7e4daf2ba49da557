package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"

	"github.com/shishi-edu/shishi"
)

// GenerateBriefing implements shishi.BriefingService.
func (d *DB) GenerateBriefing(ctx context.Context, campaignID int64, p shishi.Period) (*shishi.Briefing, error) {
	if !p.Valid() {
		return nil, shishi.Invalid(shishi.FieldError{Field: "period", Message: "月份须为 YYYY-MM / must be a month YYYY-MM"})
	}
	var out *shishi.Briefing
	err := d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if ok, err := d.isOffice(ctx, tx, campaignID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以编发简报 / only the campaign office writes briefings")
		}
		today := shishi.DateOf(d.Now())
		if p < c.StartsOn.Period() || p > c.EndsOn.Period() || p.Start() > today {
			return shishi.Invalid(shishi.FieldError{Field: "period", Message: "月份须在活动期间内且不晚于本月 / the month must be within the campaign and not in the future"})
		}
		b := &shishi.Briefing{CampaignID: c.ID, CampaignName: c.Name, Period: p}
		if b.Figures, err = d.briefingFigures(ctx, tx, c, shishi.BriefingAsOf(p, c.AsOf, today)); err != nil {
			return err
		}
		figures, err := json.Marshal(b.Figures)
		if err != nil {
			return shishi.Internal(err)
		}
		var id int64
		var status string
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM briefings WHERE campaign_id = $1 AND period = $2`, c.ID, string(p)).Scan(&id, &status)
		now := d.now()
		switch {
		case errors.Is(err, sql.ErrNoRows):
			b.DraftText()
			err = tx.QueryRowContext(ctx, `INSERT INTO briefings (campaign_id, period, title, intro, closing, figures, status, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				c.ID, string(p), b.Title, b.Intro, b.Closing, string(figures), string(shishi.BriefingDraft), now).Scan(&id)
			if isUnique(err) {
				return shishi.Errorf(shishi.ECONFLICT, "该月简报正在生成，请刷新 / this month's briefing was just generated; reload")
			}
		case err != nil:
		case shishi.BriefingStatus(status) == shishi.BriefingPublished:
			return shishi.Errorf(shishi.ECONFLICT, "该月简报已发布，不能重新生成 / this month's briefing is published and cannot be regenerated")
		default:
			_, err = tx.ExecContext(ctx, `UPDATE briefings SET figures = $1, version = version + 1, updated_at = $2 WHERE id = $3`, string(figures), now, id)
		}
		if err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, "briefing.generate", "briefing", id, &c.UnitID, map[string]any{"campaign": c.ID, "period": p, "as_of": b.Figures.AsOf}); err != nil {
			return err
		}
		out, err = d.briefing(ctx, tx, id, false)
		return err
	})
	return out, err
}

// briefingFigures derives a briefing's figures from the campaign's public
// items as of a day, and the complaint figures of the month.
func (d *DB) briefingFigures(ctx context.Context, tx *sql.Tx, c *shishi.Campaign, asOf shishi.Date) (shishi.BriefingFigures, error) {
	f := shishi.BriefingFigures{AsOf: asOf, Tiers: []shishi.BriefingGroup{}, Units: []shishi.BriefingGroup{}, Items: []shishi.BriefingItem{}, Attention: []shishi.BriefingItem{}}
	var q args
	rows, err := d.loadItems(ctx, tx, `SELECT `+itemCols+itemFrom+`WHERE i.campaign_id = `+q.add(c.ID)+` AND i.public = `+q.add(true)+
		` AND i.status <> `+q.add(string(shishi.StatusDraft))+` ORDER BY i.id`, q)
	if err != nil {
		return f, err
	}
	if err := d.deriveItemsAt(ctx, tx, rows, asOf); err != nil {
		return f, err
	}
	items := make([]*shishi.Item, len(rows))
	for i, r := range rows {
		items[i] = r.Item
	}
	f.Key.Figure(items)
	type acc struct {
		n, rated int
		sum      float64
	}
	tiers, units := map[string]*acc{}, map[string]*acc{}
	var unitNames []string
	for _, it := range items {
		bi := shishi.BriefingItem{ID: it.ID, Code: it.Code, Title: it.Title, Tier: it.TierName, LeadUnit: it.LeadUnit.Name, Deadline: it.Deadline,
			Status: it.Status, RAG: it.RAG, Overdue: it.Overdue, Completion: it.Completion, Targets: []shishi.BriefingTarget{}}
		for _, t := range it.Targets {
			if t.Kind != shishi.TargetQuantity {
				continue
			}
			bt := shishi.BriefingTarget{Name: t.Name, Unit: t.Unit, Target: t.Target, Actual: t.Actual, Completion: t.Completion}
			if n := len(t.History); n > 0 && t.ID > 0 {
				bt.Period = t.History[n-1].Period
				if bt.ReportID, bt.Version, err = d.currentReport(ctx, tx, it.ID, bt.Period); err != nil {
					return f, err
				}
			}
			bi.Targets = append(bi.Targets, bt)
		}
		if it.RAG == shishi.RAGRed || it.Overdue {
			f.Attention = append(f.Attention, bi)
		}
		if it.ParentID != nil {
			continue
		}
		f.Items = append(f.Items, bi)
		for _, g := range []struct {
			m   map[string]*acc
			key string
		}{{tiers, it.TierName}, {units, it.LeadUnit.Name}} {
			a := g.m[g.key]
			if a == nil {
				a = &acc{}
				g.m[g.key] = a
				if g.key == it.LeadUnit.Name {
					unitNames = append(unitNames, g.key)
				}
			}
			a.n++
			if it.Completion != nil {
				a.rated++
				a.sum += *it.Completion
			}
		}
	}
	group := func(name string, a *acc) shishi.BriefingGroup {
		g := shishi.BriefingGroup{Name: name, Items: a.n}
		if a.rated > 0 {
			v := shishi.Round2(a.sum / float64(a.rated))
			g.Completion = &v
		}
		return g
	}
	for _, t := range c.Tiers {
		if a := tiers[t.Name]; a != nil {
			f.Tiers = append(f.Tiers, group(t.Name, a))
		}
	}
	sort.Strings(unitNames)
	for _, u := range unitNames {
		f.Units = append(f.Units, group(u, units[u]))
	}
	p := asOf.Period()
	st, err := d.Stats(shishi.WithActor(ctx, shishi.SystemActor()), p.Start(), asOf)
	if err != nil {
		return f, err
	}
	f.Complaints = shishi.BriefingComplaints{Received: st.Total.Total, Concluded: st.Total.Concluded, OnTimeRate: st.Total.OnTimeRate, SatisfactionRate: st.Total.SatisfactionRate}
	return f, nil
}

const briefingCols = `b.id, b.campaign_id, c.name, b.period, b.title, b.intro, b.closing, b.figures, b.status, b.version, b.created_at, b.updated_at, b.published_at
	FROM briefings b JOIN campaigns c ON c.id = b.campaign_id JOIN units cu ON cu.id = c.unit_id `

func (d *DB) scanBriefings(ctx context.Context, db queryer, query string, q args) ([]*shishi.Briefing, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+briefingCols+query, q...)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := []*shishi.Briefing{}
	for rows.Next() {
		var b shishi.Briefing
		var figures string
		var published sql.NullTime
		if err := rows.Scan(&b.ID, &b.CampaignID, &b.CampaignName, &b.Period, &b.Title, &b.Intro, &b.Closing, &figures, &b.Status, &b.Version,
			&b.CreatedAt, &b.UpdatedAt, &published); err != nil {
			return nil, shishi.Internal(err)
		}
		if err := json.Unmarshal([]byte(figures), &b.Figures); err != nil {
			return nil, shishi.Internal(err)
		}
		b.CreatedAt, b.UpdatedAt, b.PublishedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC(), nullTime(published)
		out = append(out, &b)
	}
	return out, rows.Err()
}

// briefing returns one briefing: a published one for anyone, any for the
// campaign's office.
func (d *DB) briefing(ctx context.Context, db queryer, id int64, published bool) (*shishi.Briefing, error) {
	var q args
	where := `WHERE b.id = ` + q.add(id)
	if published {
		where += ` AND b.status = ` + q.add(string(shishi.BriefingPublished))
	} else {
		where += ` AND ` + reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice)
	}
	bs, err := d.scanBriefings(ctx, db, where, q)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "简报不存在 / briefing %d not found", id)
	}
	return bs[0], nil
}

// FindBriefing implements shishi.BriefingService.
func (d *DB) FindBriefing(ctx context.Context, id int64) (*shishi.Briefing, error) {
	return d.briefing(ctx, d.read(), id, false)
}

// PublishedBriefing implements shishi.BriefingService.
func (d *DB) PublishedBriefing(ctx context.Context, id int64) (*shishi.Briefing, error) {
	return d.briefing(ctx, d.read(), id, true)
}

// FindBriefings implements shishi.BriefingService.
func (d *DB) FindBriefings(ctx context.Context) ([]*shishi.Briefing, error) {
	var q args
	return d.scanBriefings(ctx, d.read(), `WHERE `+reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice)+` ORDER BY b.period DESC, b.id DESC LIMIT 500`, q)
}

// ListBriefings implements shishi.BriefingService.
func (d *DB) ListBriefings(ctx context.Context, p shishi.Page) ([]*shishi.Briefing, int, error) {
	var q args
	where := `WHERE ` + reach(shishi.ActorFrom(ctx), "cu.path", &q, shishi.RoleOffice)
	total, err := count(ctx, d.db, `FROM briefings b JOIN campaigns c ON c.id = b.campaign_id JOIN units cu ON cu.id = c.unit_id `+where, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := byID("b.id", true).page(p, &q)
	bs, err := d.scanBriefings(ctx, d.db, where+cond+tail, q)
	return bs, total, err
}

// PublishedBriefings implements shishi.BriefingService.
func (d *DB) PublishedBriefings(ctx context.Context, p shishi.Page) ([]*shishi.Briefing, int, error) {
	var q args
	where := `WHERE b.status = ` + q.add(string(shishi.BriefingPublished))
	total, err := count(ctx, d.db, `FROM briefings b `+where, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := publishedOrder.page(p, &q)
	bs, err := d.scanBriefings(ctx, d.read(), where+cond+tail, q)
	return bs, total, err
}

// publishedOrder lists the latest published briefing first.
var publishedOrder = order{cols: []string{"b.published_at", "b.id"}, table: "briefings", keys: []string{"published_at", "id"}, desc: true}

// EditBriefing implements shishi.BriefingService.
func (d *DB) EditBriefing(ctx context.Context, id int64, in shishi.BriefingText, version int64) (*shishi.Briefing, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return d.changeBriefing(ctx, id, "briefing.edit", in, func(tx *sql.Tx, b *shishi.Briefing) (sql.Result, error) {
		return tx.ExecContext(ctx, `UPDATE briefings SET title = $1, intro = $2, closing = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6 AND status = $7`,
			in.Title, in.Intro, in.Closing, d.now(), id, version, string(shishi.BriefingDraft))
	})
}

// PublishBriefing implements shishi.BriefingService.
func (d *DB) PublishBriefing(ctx context.Context, id int64) (*shishi.Briefing, error) {
	return d.changeBriefing(ctx, id, "briefing.publish", nil, func(tx *sql.Tx, b *shishi.Briefing) (sql.Result, error) {
		now := d.now()
		return tx.ExecContext(ctx, `UPDATE briefings SET status = $1, published_at = $2, version = version + 1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(shishi.BriefingPublished), now, id, string(shishi.BriefingDraft))
	})
}

// changeBriefing runs one change of a draft by its office, with its audit
// entry; a published or concurrently changed briefing is a conflict.
func (d *DB) changeBriefing(ctx context.Context, id int64, action string, detail any, change func(*sql.Tx, *shishi.Briefing) (sql.Result, error)) (*shishi.Briefing, error) {
	var out *shishi.Briefing
	err := d.tx(ctx, func(tx *sql.Tx) error {
		b, err := d.briefing(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if b.Status != shishi.BriefingDraft {
			return shishi.Errorf(shishi.ECONFLICT, "简报已发布，不能修改 / the briefing is published")
		}
		res, err := change(tx, b)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return shishi.Errorf(shishi.ECONFLICT, "简报已被他人修改，请刷新后重试 / the briefing changed meanwhile; reload")
		}
		var unit int64
		if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM campaigns WHERE id = $1`, b.CampaignID).Scan(&unit); err != nil {
			return shishi.Internal(err)
		}
		if err := d.appendAudit(ctx, tx, action, "briefing", id, &unit, detail); err != nil {
			return err
		}
		out, err = d.briefing(ctx, tx, id, false)
		return err
	})
	return out, err
}

var _ shishi.BriefingService = (*DB)(nil)
