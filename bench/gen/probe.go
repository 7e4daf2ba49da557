package gen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/workday"
	"github.com/shishi-edu/shishi/xlsx"
)

// The store probes of the performance issue's targets, on a dataset made
// by Generate (with users), run in process by `shishi probe`: the server's
// load run (bench/load) is an outside client and calls the command.

// timing is the spread of one probe's iterations.
type timing struct {
	n             int
	p50, p99, avg time.Duration
}

func (t timing) ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// measure runs fn n times (after one warm-up call) and sorts the times.
func measure(n int, fn func(i int) error) (timing, error) {
	if err := fn(-1); err != nil {
		return timing{}, err
	}
	ds := make([]time.Duration, 0, n)
	var sum time.Duration
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := fn(i); err != nil {
			return timing{}, err
		}
		d := time.Since(start)
		ds = append(ds, d)
		sum += d
	}
	slices.Sort(ds)
	return timing{n: n, p50: ds[n/2], p99: ds[min(n-1, n*99/100)], avg: sum / time.Duration(n)}, nil
}

// storeEnv is a generated dataset opened in this process.
type storeEnv struct {
	db                      *sqlstore.DB
	sys, office, province   context.Context
	campaign, provinceID    int64
	items                   int
	tier, unit, provinceTop int64
}

func openStore(ctx context.Context, dir string) (*storeEnv, error) {
	keys, err := secret.LoadKeyring("", filepath.Join(dir, "master.keys"), false)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "shishi.db"), keys)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	cal, err := workday.New(nil)
	if err != nil {
		return nil, err
	}
	db.Calendar, db.PublicURL = cal, "http://127.0.0.1:8080"
	e := &storeEnv{db: db, sys: shishi.WithActor(ctx, shishi.SystemActor())}
	actor := func(login string) (context.Context, int64, error) {
		var id int64
		if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM users WHERE login = $1`, login).Scan(&id); err != nil {
			return nil, 0, fmt.Errorf("user %s (generate with --users): %w", login, err)
		}
		u, err := db.FindUser(e.sys, id)
		if err != nil {
			return nil, 0, err
		}
		return shishi.WithActor(ctx, &shishi.Actor{UserID: u.ID, Login: u.Login, UnitID: u.UnitID, Grants: u.Grants}), u.UnitID, nil
	}
	if e.office, _, err = actor("gen-office"); err != nil {
		return nil, err
	}
	if e.province, e.provinceID, err = actor("gen-province"); err != nil {
		return nil, err
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT c.id, (SELECT count(*) FROM items WHERE campaign_id = c.id), (SELECT min(id) FROM tiers WHERE campaign_id = c.id)
		FROM campaigns c ORDER BY c.id LIMIT 1`).Scan(&e.campaign, &e.items, &e.tier); err != nil {
		return nil, err
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM units WHERE code = '410101'`).Scan(&e.unit); err != nil {
		return nil, err
	}
	return e, nil
}

// Row is one line of the targets table (bench/load prints it).
type Row struct {
	Target   string `json:"target"`
	Figure   string `json:"figure"`
	Baseline string `json:"baseline"`
	Ratio    string `json:"ratio"`
	Met      string `json:"met"`
	Note     string `json:"note"`
}

// Probe measures the targets that are store calls: the item list
// page (with its raw-SELECT floor), the province roll-up and the cockpit's
// store calls, item creation at 1,000 and at the dataset's item count,
// the import of a 100,000-row ledger, bulk issuance.
func Probe(ctx context.Context, dir string, iters int, log io.Writer) ([]Row, error) {
	start := time.Now()
	e, err := openStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "opened and migrated in %s\n", time.Since(start).Round(time.Millisecond))
	defer e.db.Close()
	var rows []Row
	fmt.Fprintf(log, "store probes on %s: campaign %d with %d items\n", dir, e.campaign, e.items)

	step := func(what string) { fmt.Fprintf(log, "  %s  %s …\n", time.Now().Format("15:04:05"), what) }
	step("item list page")
	// Item list page of 50, filtered, as the ministry's office.
	list, err := measure(iters, func(int) error {
		_, _, err := e.db.FindItems(e.office, shishi.ItemFilter{CampaignID: e.campaign, Status: shishi.StatusInProgress, Limit: 50})
		return err
	})
	if err != nil {
		return nil, err
	}
	floor, err := measure(iters, func(int) error {
		r, err := e.db.SQL().QueryContext(ctx, `SELECT id, title, status, rag FROM items WHERE campaign_id = $1 ORDER BY id LIMIT 50`, e.campaign)
		if err != nil {
			return err
		}
		for r.Next() {
		}
		r.Close()
		return r.Err()
	})
	if err != nil {
		return nil, err
	}
	rows = append(rows, Row{"item list page of 50, status filter (store, office)", fmt.Sprintf("p50 %.2f ms, p99 %.2f ms", list.ms(list.p50), list.ms(list.p99)),
		fmt.Sprintf("raw SELECT of 50 rows p50 %.2f ms", floor.ms(floor.p50)), fmt.Sprintf("%.1f× floor", float64(list.p50)/float64(floor.p50)),
		yes(list.p99 < 20*time.Millisecond) + " (p99 < 20 ms)", ""})
	// The same page as the API reads it: the items' stored list cards.
	cards, err := measure(iters, func(int) error {
		_, _, err := e.db.FindItemCards(e.office, shishi.ItemFilter{CampaignID: e.campaign, Status: shishi.StatusInProgress, Limit: 50})
		return err
	})
	if err != nil {
		return nil, err
	}
	rows = append(rows, Row{"the same page from the list cards (store, office; what the API serves)", fmt.Sprintf("p50 %.2f ms, p99 %.2f ms", cards.ms(cards.p50), cards.ms(cards.p99)),
		fmt.Sprintf("raw SELECT of 50 rows p50 %.2f ms", floor.ms(floor.p50)), fmt.Sprintf("%.1f× floor", float64(cards.p50)/float64(floor.p50)),
		yes(cards.p99 < 20*time.Millisecond) + " (p99 < 20 ms)", ""})

	// The live roll-up of a province's subtree (Summarise, as the API's
	// filters ask for it), as the ministry's office: no target of its own
	// since the cockpit reads the stored roll-up; beside it for scale.
	step("province roll-up")
	sum, err := measure(iters, func(int) error {
		_, err := e.db.Summarise(e.office, shishi.ItemFilter{CampaignID: e.campaign, UnitID: e.provinceID})
		return err
	})
	if err != nil {
		return nil, err
	}
	rows = append(rows, Row{"live roll-up of a province subtree (Summarise, unit = province; no target of its own: the cockpit reads the stored roll-up)", fmt.Sprintf("p50 %.1f ms, p99 %.1f ms", sum.ms(sum.p50), sum.ms(sum.p99)),
		"—", "—", "—", ""})
	// The cockpit as the province's office sees it (the page's store
	// calls): the campaign, the roll-up of the province's subtree that the
	// ledger.rollups job keeps, and the first 100 red or overdue items of
	// the subtree. The job's own run is timed beside it.
	step("province cockpit")
	cockpit, err := measure(iters, func(int) error {
		if _, err := e.db.FindCampaign(e.province, e.campaign); err != nil {
			return err
		}
		r, err := e.db.Cockpit(e.province, e.campaign, 0)
		if err != nil {
			return err
		}
		_, _, err = e.db.FindItems(e.province, shishi.ItemFilter{CampaignID: e.campaign, UnitID: r.UnitID, Flagged: true, Limit: 100, NoTotal: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	rows = append(rows, Row{"province cockpit's store calls as the province office (campaign, stored roll-up of its subtree, 100 flagged items)", fmt.Sprintf("p50 %.1f ms, p99 %.1f ms", cockpit.ms(cockpit.p50), cockpit.ms(cockpit.p99)),
		"50 ms", fmt.Sprintf("%.2f× target", float64(cockpit.p50)/float64(50*time.Millisecond)), yes(cockpit.p50 < 50*time.Millisecond), ""})
	step("cockpit roll-ups job")
	start = time.Now()
	nr, err := e.db.RefreshRollups(e.sys)
	if err != nil {
		return nil, err
	}
	rollupTook := time.Since(start)
	rows = append(rows, Row{fmt.Sprintf("the ledger.rollups job: every campaign counted by unit subtree (%d roll-ups), every %s", nr, shishi.RollupEvery), fmt.Sprintf("%.2f s", rollupTook.Seconds()),
		shishi.RollupEvery.String(), fmt.Sprintf("%.3f× its period", rollupTook.Seconds()/shishi.RollupEvery.Seconds()), "—", ""})

	// Item creation: p99 in a campaign of 1,000 items against the dataset's.
	step("item create")
	small, err := e.db.CreateCampaign(e.sys, shishi.CampaignInput{UnitID: e.provinceID, Name: "压测：一千事项活动", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"压测"}})
	if err != nil {
		return nil, err
	}
	item := func(tier int64, code string) shishi.ItemInput {
		return shishi.ItemInput{TierID: tier, Code: code, Title: "压测事项 " + code, LeaderName: "测试", LeadUnitID: e.unit, Deadline: "2026-12-31",
			Targets: []shishi.TargetInput{{Name: "数量", Unit: "个", Target: shishi.DecimalOf(100)}}}
	}
	for i := 0; i < 1000-200; i++ {
		if _, err := e.db.CreateItem(e.office, small.ID, item(small.Tiers[0].ID, "S-"+strconv.Itoa(i))); err != nil {
			return nil, err
		}
	}
	mk := func(camp, tier int64, prefix string) (timing, error) {
		return measure(200, func(i int) error {
			_, err := e.db.CreateItem(e.office, camp, item(tier, prefix+strconv.Itoa(i+1)))
			return err
		})
	}
	at1k, err := mk(small.ID, small.Tiers[0].ID, "T-")
	if err != nil {
		return nil, err
	}
	atN, err := mk(e.campaign, e.tier, "PROBE-")
	if err != nil {
		return nil, err
	}
	r := float64(atN.p99) / float64(at1k.p99)
	rows = append(rows, Row{fmt.Sprintf("item create p99 at %d items vs at 1,000", e.items), fmt.Sprintf("p99 %.2f ms (p50 %.2f)", atN.ms(atN.p99), atN.ms(atN.p50)),
		fmt.Sprintf("p99 %.2f ms (p50 %.2f) at 1,000", at1k.ms(at1k.p99), at1k.ms(at1k.p50)), fmt.Sprintf("%.2f×", r), yes(r <= 1.5) + " (≤ 1.5×)", ""})

	step("ledger import")
	// Import of a 100,000-row ledger: the dataset's first 100,000 items,
	// exported as the ledger export writes them, into a fresh campaign.
	var items []*shishi.Item
	for after := int64(0); len(items) < 100_000; {
		page, _, err := e.db.FindItems(e.sys, shishi.ItemFilter{CampaignID: e.campaign, After: after, Limit: 500, NoTotal: true})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		items = append(items, page...)
		after = page[len(page)-1].ID
	}
	items = items[:min(len(items), 100_000)]
	camp, err := e.db.FindCampaign(e.sys, e.campaign)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := xlsx.WriteLedger(&buf, camp, items); err != nil {
		return nil, err
	}
	into, err := e.db.CreateCampaign(e.sys, shishi.CampaignInput{UnitID: e.provinceID, Name: "压测：导入活动", StartsOn: "2025-11-01", EndsOn: "2026-12-31"})
	if err != nil {
		return nil, err
	}
	start = time.Now()
	parsed, err := xlsx.ReadItems(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, err
	}
	read := time.Since(start)
	n, err := e.db.ImportItems(e.sys, into.ID, parsed)
	if err != nil {
		for i, f := range shishi.ErrorFields(err) {
			if i < 5 {
				fmt.Fprintf(log, "    row %d %s: %s\n", f.Row, f.Field, f.Message)
			}
		}
		return nil, err
	}
	took := time.Since(start)
	rows = append(rows, Row{fmt.Sprintf("import of a %d-row ledger .xlsx (%.1f MiB)", n, float64(buf.Len())/(1<<20)), fmt.Sprintf("%.1f s (reading %.1f s)", took.Seconds(), read.Seconds()),
		"15 s", fmt.Sprintf("%.2f× target", took.Seconds()/15), yes(took < 15*time.Second && n >= 100_000), ""})

	step("bulk issuance")
	// Bulk issuance against the generic json-gold RDFC route, both through
	// IssueBulk in this process on the same cores (GenericCanonical is
	// the command line's --generic): wall time and this process's CPU
	// time (user + system) each. The ratio that decides is CPU time a
	// credential, as scripts/bench-credentials.sh measures it: other
	// sessions' load moves wall time more than CPU time.
	issue := func(generic bool, from, n int) (wall, cpu time.Duration, err error) {
		e.db.GenericCanonical = generic
		defer func() { e.db.GenericCanonical = false }()
		c0, t0 := cpuTime(), time.Now()
		_, err = e.db.IssueBulk(e.sys, "cet4", ScoreRows(from, from+n), nil)
		return time.Since(t0), cpuTime() - c0, err
	}
	const bulk, generic = 10_000, 1_000
	sw, sc, err := issue(false, 10_000_000, bulk)
	if err != nil {
		return nil, err
	}
	gw, gc, err := issue(true, 10_000_000+bulk, generic)
	if err != nil {
		return nil, err
	}
	perCred := func(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }
	cpuRatio := perCred(gc, generic) / perCred(sc, bulk)
	wallRatio := (bulk / sw.Seconds()) / (generic / gw.Seconds())
	rows = append(rows, Row{fmt.Sprintf("credential bulk issuance ≥ 10× generic (IssueBulk, %d CET reports; generic: the same IssueBulk by json-gold's route, %d reports)", bulk, generic),
		fmt.Sprintf("%.0f /s wall, %.0f µs CPU a credential", bulk/sw.Seconds(), perCred(sc, bulk)),
		fmt.Sprintf("generic %.0f /s wall, %.0f µs CPU a credential", generic/gw.Seconds(), perCred(gc, generic)),
		fmt.Sprintf("%.1f× by CPU time (%.1f× by wall time)", cpuRatio, wallRatio), yes(cpuRatio >= 10), ""})
	return rows, nil
}

// cpuTime is this process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func yes(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
