package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shishi-edu/shishi"
)

// ClaimRun implements shishi.ScheduleService with one conditional UPDATE:
// whichever process's statement matches the row first holds the lease.
func (d *DB) ClaimRun(ctx context.Context, name string, every, lease time.Duration) (bool, error) {
	now := d.now()
	if _, err := d.db.ExecContext(ctx, `INSERT INTO job_runs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return false, shishi.Internal(err)
	}
	res, err := d.db.ExecContext(ctx, `UPDATE job_runs SET lease_until = $1
		WHERE name = $2 AND (lease_until IS NULL OR lease_until < $3) AND (last_run_at IS NULL OR last_run_at <= $4)`,
		now.Add(lease), name, now, now.Add(-every))
	if err != nil {
		return false, shishi.Internal(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishRun implements shishi.ScheduleService.
func (d *DB) FinishRun(ctx context.Context, name string, runErr error) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	_, err := d.db.ExecContext(ctx, `UPDATE job_runs SET last_run_at = $1, lease_until = NULL, last_error = $2 WHERE name = $3`, d.now(), msg, name)
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// SendReminders implements shishi.ReminderService. For each item in
// progress it tells the lead unit's operators of months due and not
// reported (催报) and of a deadline within soon (催办); a notice's dedup key
// (item, subject, month) keeps it to one per user however often this runs.
//
// It runs at every start-up and daily over every item of every campaign,
// so it reads what it needs only: the items' stored figures (brought to
// today first, they are what a list shows), without the targets, plans and
// milestones a list page attaches; and it writes a page of 500 items in
// one transaction, each campaign's settings and each lead unit's operators
// read once a page. The notices are the same as item by item.
func (d *DB) SendReminders(ctx context.Context, soon time.Duration) (int, error) {
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	// The reminders read the stored figures: bring them to today first.
	if _, err := d.RefreshFigures(sys); err != nil {
		return 0, err
	}
	campaigns := map[int64]*shishi.Campaign{}
	var after int64
	sent := 0
	for {
		var q args
		page, err := d.loadItems(sys, d.read(), `SELECT `+itemCols+itemFrom+`WHERE i.status = `+q.add(string(shishi.StatusInProgress))+
			` AND i.id > `+q.add(after)+` ORDER BY i.id LIMIT 500`, q)
		if err != nil {
			return sent, err
		}
		type due struct {
			item int64
			unit int64
			msgs [][3]string // text, dedup, kind
		}
		var dues []due
		for _, r := range page {
			it := r.Item
			after = it.ID
			var msgs [][3]string
			for _, p := range it.Missing {
				msgs = append(msgs, [3]string{fmt.Sprintf("催报：“%s”%s 月进展尚未填报。", it.Title, p), fmt.Sprintf("missing:%d:%s", it.ID, p), "reminder"})
			}
			c, ok := campaigns[it.CampaignID]
			if !ok {
				if c, err = d.campaignSettings(sys, d.db, it.CampaignID); err != nil {
					return sent, err
				}
				campaigns[it.CampaignID] = c
			}
			asOf := d.asOf(c)
			if !it.Overdue && it.Deadline.Valid() && it.Deadline.Time().Sub(asOf.Time()) <= soon {
				msgs = append(msgs, [3]string{fmt.Sprintf("催办：“%s”将于 %s 到期，当前完成 %s。", it.Title, it.Deadline, pct(it.Completion)), fmt.Sprintf("deadline:%d:%s", it.ID, it.Deadline), "reminder"})
			}
			if it.Overdue {
				msgs = append(msgs, [3]string{fmt.Sprintf("督办：“%s”已超过完成时限 %s，当前完成 %s。", it.Title, it.Deadline, pct(it.Completion)), fmt.Sprintf("overdue:%d:%s", it.ID, it.Deadline), "reminder"})
			}
			if len(msgs) > 0 {
				dues = append(dues, due{it.ID, it.LeadUnit.ID, msgs})
			}
		}
		if len(dues) > 0 {
			// Notices only: no list total reads them.
			n := 0
			err = d.txOutsideLists(ctx, func(tx *sql.Tx) error {
				n = 0
				operators := map[int64][]int64{}
				for _, du := range dues {
					users, ok := operators[du.unit]
					if !ok {
						var err error
						if users, err = d.operatorsOf(ctx, tx, du.unit, true); err != nil {
							return err
						}
						operators[du.unit] = users
					}
					for _, u := range users {
						for _, m := range du.msgs {
							wrote, err := d.notify(ctx, tx, u, m[2], du.item, m[0], m[1])
							if err != nil {
								return err
							}
							if wrote {
								n++
							}
						}
					}
				}
				return nil
			})
			if err != nil {
				return sent, err
			}
			sent += n
		}
		if len(page) < 500 {
			return sent, nil
		}
	}
}

func pct(c *float64) string {
	if c == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", *c)
}

var (
	_ shishi.ScheduleService = (*DB)(nil)
	_ shishi.ReminderService = (*DB)(nil)
)
