package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/shishi-edu/shishi"
)

// campaignWide are the roles that, held over a campaign's unit, see all of
// its items: the office runs it, leaders and supervisors oversee it.
var campaignWide = []shishi.Role{shishi.RoleOffice, shishi.RoleLeader, shishi.RoleSupervisor}

// campaignReach: the actor sees the campaign as a whole, or has an item of
// it in reach as lead or cooperating unit.
func campaignReach(pg bool, a *shishi.Actor, q *args) string {
	if a.IsSystem() {
		return "1=1"
	}
	// The items are reached from the actor's units (each unit's items by
	// the lead-unit index), not the campaign's items tested against a list
	// of the actor's units: a province's list holds 17,000 units at
	// national scale, and building it took longer than finding an item.
	cond := "(" + reach(a, "cu.path", q, campaignWide...)
	for _, more := range []string{" JOIN items ci ON ci.lead_unit_id = ru.id", " JOIN item_units ciu ON ciu.unit_id = ru.id JOIN items ci ON ci.id = ciu.item_id"} {
		if from, ok := reachedFrom(pg, a, q, more, " AND ci.campaign_id = c.id"); ok {
			cond += " OR EXISTS (SELECT 1 " + from + ")"
		}
	}
	return cond + ")"
}

const campaignCols = `c.id, c.unit_id, cu.name, c.name, c.description, c.starts_on, c.ends_on, c.as_of, c.amber_below, c.red_below, c.report_due, c.version, c.created_at, 0`

// withCounts fills in a campaign's item count and its tiers with theirs:
// counts over a national campaign read hundreds of thousands of index
// entries, so outside a transaction they come through the count cache.
func (d *DB) withCounts(ctx context.Context, db queryer, c *shishi.Campaign) error {
	var err error
	if c.ItemCount, err = d.cachedCount(ctx, db, `SELECT count(*) FROM items i WHERE i.campaign_id = $1`, args{c.ID}); err != nil {
		return shishi.Internal(err)
	}
	c.Tiers, err = d.tiers(ctx, db, c.ID)
	return err
}

// cachedCount runs a count through the count cache when db is the store's
// reader, and straight on db (a transaction sees its own writes) otherwise.
func (d *DB) cachedCount(ctx context.Context, db queryer, query string, q args) (int, error) {
	if _, ok := db.(readDB); ok {
		return d.count(ctx, query, q)
	}
	var n int
	err := db.QueryRowContext(ctx, query, q...).Scan(&n)
	return n, err
}

func scanCampaign(s interface{ Scan(...any) error }) (*shishi.Campaign, error) {
	var c shishi.Campaign
	if err := s.Scan(&c.ID, &c.UnitID, &c.UnitName, &c.Name, &c.Description, &c.StartsOn, &c.EndsOn, &c.AsOf, &c.AmberBelow, &c.RedBelow, &c.ReportDue, &c.Version, &c.CreatedAt, &c.ItemCount); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// FindCampaigns implements shishi.CampaignService.
func (d *DB) FindCampaigns(ctx context.Context, p shishi.Page) ([]*shishi.Campaign, int, error) {
	var q args
	from := ` FROM campaigns c JOIN units cu ON cu.id = c.unit_id WHERE ` + campaignReach(d.postgres, shishi.ActorFrom(ctx), &q)
	total, err := count(ctx, d.read(), from, q)
	if err != nil {
		return nil, 0, err
	}
	cond, tail := campaignOrder.page(p, &q)
	rows, err := d.db.QueryContext(ctx, `SELECT `+campaignCols+from+cond+tail, q...)
	if err != nil {
		return nil, 0, shishi.Internal(err)
	}
	out := []*shishi.Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, 0, shishi.Internal(err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, shishi.Internal(err)
	}
	for _, c := range out {
		if err := d.withCounts(ctx, d.read(), c); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// campaignOrder lists the latest campaign first.
var campaignOrder = order{cols: []string{"c.starts_on", "c.id"}, table: "campaigns", keys: []string{"starts_on", "id"}, desc: true}

// FindCampaign implements shishi.CampaignService.
func (d *DB) FindCampaign(ctx context.Context, id int64) (*shishi.Campaign, error) {
	return d.findCampaign(ctx, d.read(), id)
}

func (d *DB) findCampaign(ctx context.Context, db queryer, id int64) (*shishi.Campaign, error) {
	var q args
	c, err := scanCampaign(db.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns c JOIN units cu ON cu.id = c.unit_id WHERE c.id = `+q.add(id)+` AND `+campaignReach(d.postgres, shishi.ActorFrom(ctx), &q), q...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "活动不存在或无权访问 / campaign %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	if err := d.withCounts(ctx, db, c); err != nil {
		return nil, err
	}
	return c, nil
}

// tiers lists a campaign's tiers with the number of items in each (all
// items: the count is the list as the office made it).
func (d *DB) tiers(ctx context.Context, db queryer, campaignID int64) ([]shishi.Tier, error) {
	rows, err := db.QueryContext(ctx, `SELECT t.id, t.name, t.position FROM tiers t WHERE t.campaign_id = $1 ORDER BY t.position`, campaignID)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	out := []shishi.Tier{}
	for rows.Next() {
		var t shishi.Tier
		if err := rows.Scan(&t.ID, &t.Name, &t.Position); err != nil {
			rows.Close()
			return nil, shishi.Internal(err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, shishi.Internal(err)
	}
	for i := range out {
		if out[i].ItemCount, err = d.cachedCount(ctx, db, `SELECT count(*) FROM items i WHERE i.tier_id = $1 AND i.parent_id IS NULL`, args{out[i].ID}); err != nil {
			return nil, shishi.Internal(err)
		}
	}
	return out, nil
}

// isOffice reports whether the actor runs the campaign (RoleOffice over
// its unit).
func (d *DB) isOffice(ctx context.Context, db queryer, campaignID int64) (bool, error) {
	return d.hasCampaignRole(ctx, db, campaignID, shishi.RoleOffice)
}

// hasCampaignRole reports whether the actor holds one of roles over the
// campaign's unit.
func (d *DB) hasCampaignRole(ctx context.Context, db queryer, campaignID int64, roles ...shishi.Role) (bool, error) {
	a := shishi.ActorFrom(ctx)
	if a.IsSystem() {
		return true, nil
	}
	var q args
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM campaigns c JOIN units cu ON cu.id = c.unit_id WHERE c.id = `+q.add(campaignID)+` AND `+reach(a, "cu.path", &q, roles...), q...).Scan(&n)
	if err != nil {
		return false, shishi.Internal(err)
	}
	return n > 0, nil
}

// campaignSettings reads what deriving an item's figures needs of its
// campaign (the first month, the as-of day, the thresholds, the due day),
// without reach and without the item counts of findCampaign: callers have
// checked the item's reach already.
func (d *DB) campaignSettings(ctx context.Context, db queryer, id int64) (*shishi.Campaign, error) {
	var c shishi.Campaign
	err := db.QueryRowContext(ctx, `SELECT id, unit_id, starts_on, ends_on, as_of, amber_below, red_below, report_due FROM campaigns WHERE id = $1`, id).
		Scan(&c.ID, &c.UnitID, &c.StartsOn, &c.EndsOn, &c.AsOf, &c.AmberBelow, &c.RedBelow, &c.ReportDue)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "活动不存在 / campaign %d not found", id)
	} else if err != nil {
		return nil, shishi.Internal(err)
	}
	return &c, nil
}

// CreateCampaign implements shishi.CampaignService.
func (d *DB) CreateCampaign(ctx context.Context, in shishi.CampaignInput) (*shishi.Campaign, error) {
	a := shishi.ActorFrom(ctx)
	if in.UnitID == 0 && a != nil {
		in.UnitID = a.UnitID
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *shishi.Campaign
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := d.findUnit(ctx, tx, in.UnitID, shishi.RoleOffice); err != nil {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有该单位的活动办可以创建实践活动 / only the unit's campaign office creates campaigns")
		}
		now := d.now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaigns (unit_id, name, description, starts_on, ends_on, as_of, amber_below, red_below, report_due, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			in.UnitID, in.Name, in.Description, string(in.StartsOn), string(in.EndsOn), string(in.AsOf), in.AmberBelow, in.RedBelow, in.ReportDue, now).Scan(&id); err != nil {
			return shishi.Internal(err)
		}
		for i, t := range in.Tiers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tiers (campaign_id, name, position) VALUES ($1, $2, $3)`, id, t, i+1); err != nil {
				return shishi.Internal(err)
			}
		}
		if err := d.appendAudit(ctx, tx, "campaign.create", "campaign", id, &in.UnitID, in); err != nil {
			return err
		}
		var err error
		out, err = d.findCampaign(shishi.WithActor(ctx, shishi.SystemActor()), tx, id)
		return err
	})
	return out, err
}

// asOf is the day a campaign's figures are computed for.
func (d *DB) asOf(c *shishi.Campaign) shishi.Date {
	today := shishi.DateOf(d.Now())
	if c.AsOf != "" && c.AsOf < today {
		return c.AsOf
	}
	return today
}
