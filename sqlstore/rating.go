package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/shishi-edu/shishi"
)

// clientKey turns a client's address into an opaque key: an HMAC with a
// key derived from the master keys, so the table holds nothing that names
// or locates a person, yet the same address always gives the same key.
func (d *DB) clientKey(client string) (string, error) {
	k, err := d.keys.Derive(d.keys.CurrentID(), "portal.client")
	if err != nil {
		return "", shishi.Internal(err)
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(client))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// RateItem implements shishi.RatingService. The throttle is counted in the
// database, so it holds across restarts and across servers.
func (d *DB) RateItem(ctx context.Context, itemID int64, client string, in shishi.RatingInput) (*shishi.ItemRating, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	key, err := d.clientKey(client)
	if err != nil {
		return nil, err
	}
	var out *shishi.ItemRating
	err = d.tx(ctx, func(tx *sql.Tx) error {
		var public bool
		var status string
		var lead int64
		err := tx.QueryRowContext(ctx, `SELECT public, status, lead_unit_id FROM items WHERE id = $1`, itemID).Scan(&public, &status, &lead)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (!public || shishi.ItemStatus(status) == shishi.StatusDraft)) {
			return shishi.Errorf(shishi.ENOTFOUND, "事项不存在 / item %d not found", itemID)
		} else if err != nil {
			return shishi.Internal(err)
		}
		if !shishi.Rateable(shishi.ItemStatus(status)) {
			return shishi.Errorf(shishi.ECONFLICT, "事项申请办结后才能评价 / an item can be rated once its closure is requested")
		}
		now := d.now()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM item_ratings WHERE client = $1 AND created_at > $2`, key, now.Add(-24*time.Hour)).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if n >= shishi.RatingsPerDay {
			return shishi.Errorf(shishi.ETOOMANY, "今天的评价次数已达上限，请明天再试 / too many ratings from you today; try again tomorrow")
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM item_ratings WHERE item_id = $1 AND client = $2 AND created_at > $3`, itemID, key, now.Add(-shishi.RatingWindow)).Scan(&n); err != nil {
			return shishi.Internal(err)
		}
		if n > 0 {
			return shishi.Errorf(shishi.ECONFLICT, "您已评价过该事项（30 天内每人一次）/ you rated this item already (once in 30 days)")
		}
		r := &shishi.ItemRating{ItemID: itemID, Score: in.Score, Comment: in.Comment, CreatedAt: now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO item_ratings (item_id, score, comment, client, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			itemID, in.Score, in.Comment, key, now).Scan(&r.ID); err != nil {
			return shishi.Internal(err)
		}
		out = r
		return d.appendAudit(ctx, tx, "item.rate", "item", itemID, &lead, map[string]any{"rating": r.ID, "score": in.Score})
	})
	return out, err
}

func (d *DB) ratingSummary(ctx context.Context, db queryer, itemID int64) (shishi.RatingSummary, error) {
	var s shishi.RatingSummary
	var total int
	err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(score), 0), coalesce(sum(CASE WHEN score >= $2 THEN 1 ELSE 0 END), 0) FROM item_ratings WHERE item_id = $1`,
		itemID, shishi.Satisfied).Scan(&s.Count, &total, &s.Satisfied)
	if err != nil {
		return s, shishi.Internal(err)
	}
	s.Sum(total)
	return s, nil
}

// ItemRatings implements shishi.RatingService.
func (d *DB) ItemRatings(ctx context.Context, itemID int64) (*shishi.RatingSummary, error) {
	if _, err := d.PublicItem(ctx, itemID); err != nil {
		return nil, err
	}
	s, err := d.ratingSummary(ctx, d.read(), itemID)
	return &s, err
}

// UnitRatings implements shishi.RatingService.
func (d *DB) UnitRatings(ctx context.Context, campaignID int64) (map[string]shishi.RatingSummary, error) {
	rows, err := d.read().QueryContext(ctx, `SELECT u.name, count(*), sum(r.score), sum(CASE WHEN r.score >= $3 THEN 1 ELSE 0 END)
		FROM item_ratings r JOIN items i ON i.id = r.item_id JOIN units u ON u.id = i.lead_unit_id
		WHERE i.campaign_id = $1 AND i.public = $2 GROUP BY u.name`, campaignID, true, shishi.Satisfied)
	if err != nil {
		return nil, shishi.Internal(err)
	}
	defer rows.Close()
	out := map[string]shishi.RatingSummary{}
	for rows.Next() {
		var name string
		var s shishi.RatingSummary
		var total int
		if err := rows.Scan(&name, &s.Count, &total, &s.Satisfied); err != nil {
			return nil, shishi.Internal(err)
		}
		s.Sum(total)
		out[name] = s
	}
	return out, rows.Err()
}

// RatingFloor implements shishi.RatingService.
func (d *DB) RatingFloor(ctx context.Context, campaignID int64) (shishi.RatingFloor, error) {
	return d.ratingFloor(ctx, d.read(), campaignID)
}

func (d *DB) ratingFloor(ctx context.Context, db queryer, campaignID int64) (shishi.RatingFloor, error) {
	var f shishi.RatingFloor
	err := db.QueryRowContext(ctx, `SELECT floor, min_count FROM rating_floors WHERE campaign_id = $1`, campaignID).Scan(&f.Floor, &f.MinCount)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, shishi.Internal(err)
	}
	return f, nil
}

// SetRatingFloor implements shishi.RatingService.
func (d *DB) SetRatingFloor(ctx context.Context, campaignID int64, f shishi.RatingFloor) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return d.tx(ctx, func(tx *sql.Tx) error {
		c, err := d.findCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if ok, err := d.isOffice(ctx, tx, campaignID); err != nil {
			return err
		} else if !ok {
			return shishi.Errorf(shishi.EFORBIDDEN, "只有活动办可以设定满意度要求 / only the campaign office sets the satisfaction floor")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rating_floors WHERE campaign_id = $1`, campaignID); err != nil {
			return shishi.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rating_floors (campaign_id, floor, min_count) VALUES ($1, $2, $3)`, campaignID, f.Floor, f.MinCount); err != nil {
			return shishi.Internal(err)
		}
		return d.appendAudit(ctx, tx, "campaign.rating_floor", "campaign", campaignID, &c.UnitID, f)
	})
}

// checkSatisfaction refuses to close an item whose ratings miss its
// campaign's floor.
func (d *DB) checkSatisfaction(ctx context.Context, tx *sql.Tx, it *shishi.Item) error {
	f, err := d.ratingFloor(ctx, tx, it.CampaignID)
	if err != nil || f.Floor == 0 {
		return err
	}
	s, err := d.ratingSummary(ctx, tx, it.ID)
	if err != nil {
		return err
	}
	return f.Check(s)
}

var _ shishi.RatingService = (*DB)(nil)
