package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/shishi-edu/shishi"
)

// The public portal reads as nobody: the actor in the context is replaced
// by none, so itemReach lets through public items only, whoever asks.
func public(ctx context.Context) context.Context { return shishi.WithActor(ctx, nil) }

// PublicCampaigns implements shishi.PortalService.
func (d *DB) PublicCampaigns(ctx context.Context) ([]*shishi.CampaignFigures, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT `+campaignCols+` FROM campaigns c JOIN units cu ON cu.id = c.unit_id
		WHERE EXISTS (SELECT 1 FROM items i WHERE i.campaign_id = c.id AND i.public = $1) ORDER BY c.starts_on DESC, c.id DESC`, true)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	var cs []*shishi.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	out := make([]*shishi.CampaignFigures, 0, len(cs))
	for _, c := range cs {
		n, err := d.count(ctx, `SELECT count(*) FROM items i WHERE i.campaign_id = $1`, args{c.ID})
		if err != nil {
			return nil, shishi.Internal(err)
		}
		c.ItemCount = n
		f, _, err := d.publicCampaign(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// PublicCampaign implements shishi.PortalService.
func (d *DB) PublicCampaign(ctx context.Context, id int64) (*shishi.CampaignFigures, []*shishi.Item, error) {
	c, err := d.findCampaign(shishi.WithActor(ctx, shishi.SystemActor()), d.db, id)
	if err != nil {
		return nil, nil, err
	}
	f, items, err := d.publicCampaign(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if f.Public == 0 && len(items) == 0 {
		return nil, nil, shishi.Errorf(shishi.ENOTFOUND, "活动不存在 / campaign %d not found", id)
	}
	return f, items, nil
}

func (d *DB) publicCampaign(ctx context.Context, c *shishi.Campaign) (*shishi.CampaignFigures, []*shishi.Item, error) {
	items, err := d.publicItems(ctx, shishi.ItemFilter{CampaignID: c.ID})
	if err != nil {
		return nil, nil, err
	}
	f := &shishi.CampaignFigures{Campaign: c, AsOf: d.asOf(c)}
	f.Figure(items)
	return f, items, nil
}

// publicItems pages through every public item matching f that is past
// its draft.
func (d *DB) publicItems(ctx context.Context, f shishi.ItemFilter) ([]*shishi.Item, error) {
	ctx = public(ctx)
	f.PublicOnly, f.Limit = true, 500
	var out []*shishi.Item
	for {
		page, _, err := d.FindItems(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, it := range page {
			// A draft is not approved yet: not a promise to publish.
			if it.Status != shishi.StatusDraft {
				out = append(out, it)
			}
		}
		if len(page) < f.Limit {
			return out, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// PublicItem implements shishi.PortalService.
func (d *DB) PublicItem(ctx context.Context, id int64) (*shishi.PublicItem, error) {
	ctx = public(ctx)
	it, err := d.FindItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if !it.Public || it.Status == shishi.StatusDraft {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "事项不存在 / item %d not found", id)
	}
	p := &shishi.PublicItem{Item: it, Events: []shishi.PublicEvent{}, Reports: []shishi.PublicReport{}, Children: []*shishi.Item{}}
	if p.Campaign, err = d.findCampaign(shishi.WithActor(ctx, shishi.SystemActor()), d.db, it.CampaignID); err != nil {
		return nil, err
	}
	if it.ChildCount > 0 {
		if p.Children, err = d.publicItems(ctx, shishi.ItemFilter{ParentID: &it.ID}); err != nil {
			return nil, err
		}
	}
	rows, err := d.read().QueryContext(ctx, `SELECT at, from_status, to_status FROM item_events WHERE item_id = $1 AND to_status <> '' ORDER BY id`, id)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	for rows.Next() {
		var e shishi.PublicEvent
		if err := rows.Scan(&e.At, &e.From, &e.To); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		e.At = e.At.UTC()
		p.Events = append(p.Events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	if p.Reports, err = d.publicReports(ctx, it); err != nil {
		return nil, err
	}
	return p, nil
}

// publicReports lists an item's report versions, newest month first, each
// with its values and the number of its evidence files; in each month the
// newest version not returned is the current one, as the figures take it.
func (d *DB) publicReports(ctx context.Context, it *shishi.Item) ([]shishi.PublicReport, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT r.id, r.period, r.version, r.status, r.submitted_at, r.reason,
		(SELECT count(*) FROM evidence e WHERE e.report_id = r.id)
		FROM reports r WHERE r.item_id = $1 ORDER BY r.period DESC, r.version DESC`, it.ID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []shishi.PublicReport{}
	byID := map[int64]int{}
	current := map[shishi.Period]bool{}
	for rows.Next() {
		var r shishi.PublicReport
		if err := rows.Scan(&r.ID, &r.Period, &r.Version, &r.Status, &r.SubmittedAt, &r.Reason, &r.Evidence); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		r.SubmittedAt, r.Values = r.SubmittedAt.UTC(), []shishi.PublicValue{}
		if r.Status != shishi.ReportReturned && !current[r.Period] {
			r.Current, current[r.Period] = true, true
		}
		byID[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	vrows, err := d.read().QueryContext(ctx, `SELECT rv.report_id, t.id, t.name, t.unit, rv.value FROM report_values rv
		JOIN targets t ON t.id = rv.target_id JOIN reports r ON r.id = rv.report_id WHERE r.item_id = $1 ORDER BY rv.report_id, t.position`, it.ID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer vrows.Close()
	for vrows.Next() {
		var id int64
		var v shishi.PublicValue
		if err := vrows.Scan(&id, &v.TargetID, &v.Target, &v.Unit, &v.Value); err != nil {
			return nil, shishi.Internal(err)
		}
		if i, ok := byID[id]; ok {
			out[i].Values = append(out[i].Values, v)
		}
	}
	return out, vrows.Err()
}

// PublicComplaintStats implements shishi.PortalService: the league table
// over all cases, which holds counts and rates only.
func (d *DB) PublicComplaintStats(ctx context.Context, from, to shishi.Date) (*shishi.ComplaintStats, error) {
	return d.Stats(shishi.WithActor(ctx, shishi.SystemActor()), from, to)
}

// currentReport returns the id and version of the report behind an item's
// figure for a month: the newest version not returned.
func (d *DB) currentReport(ctx context.Context, db queryer, itemID int64, p shishi.Period) (int64, int, error) {
	var id int64
	var v int
	err := db.QueryRowContext(ctx, `SELECT id, version FROM reports WHERE item_id = $1 AND period = $2 AND status <> $3 ORDER BY version DESC LIMIT 1`,
		itemID, string(p), string(shishi.ReportReturned)).Scan(&id, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, shishi.Internal(err)
	}
	return id, v, nil
}

var _ shishi.PortalService = (*DB)(nil)
