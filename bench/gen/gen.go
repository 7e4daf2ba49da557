// Package gen writes a deterministic national-scale dataset straight into
// a Shishi database (SQLite or PostgreSQL), for the benchmarks and load
// runs of the performance issue: the unit tree of 31 provinces down to
// their schools, one national campaign with its items and a year of
// monthly reports, complaints and certificates.
//
// At scale 1 it writes about 530,000 units, 1,000,000 items (each with one
// quantity target and its plan), 12,000,000 reports, 1,000,000 complaints
// and 10,000,000 credentials. Everything scales with Scale except the 31
// provinces, their 341 cities and 3,069 counties.
//
// Rows a real deployment would write through the store one at a time
// (cities, counties, schools, items, reports, complaints) go in with bulk
// statements in large transactions; the few whose writing carries logic
// worth keeping (the ministry and the provinces, the campaign, the issuer
// and its keys, the credential types, the users) go through the store. The
// credentials themselves go through the store's bulk issuance, so each is
// really signed; the items' derived figures are derived by the store after
// the load (RefreshFigures), so they are what the store itself computes.
//
// The data is the same on every run for the same scale: a fixed seed, ids
// chosen here, and the store's clock held at the dataset's day (AsOf).
// Only what the store draws from crypto/rand differs (credential UUIDs and
// keys, the issuer's key).
package gen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/workday"
)

// Full-scale counts (scale 1).
const (
	Schools      = 527_000
	Items        = 1_000_000
	ReportMonths = 12
	Complaints   = 1_000_000
	Credentials  = 10_000_000

	citiesPerProvince = 11
	countiesPerCity   = 9
)

// AsOf is the dataset's day: the campaign's figures are frozen at it, the
// store's clock is held at it while generating, and complaints and reports
// are dated before it.
var AsOf = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// Options says how much to write.
type Options struct {
	Scale float64
	// CredentialScale, when above 0, scales the credentials apart (they
	// take most of the time and space: each is signed, about 3 KB).
	CredentialScale float64
	// Password, when set, creates the users Users lists with it.
	Password string
	// Progress, when set, draws a progress bar for one stage; it returns
	// the bar's update and done functions.
	Progress func(stage string) (update func(done, total int), done func())
}

// Counts is what the options ask for.
type Counts struct {
	Units, Schools, Items, Reports, Complaints, Credentials int
}

// CountsFor is what Generate writes at scale.
func CountsFor(scale float64) Counts {
	n := func(full int) int { return int(math.Round(float64(full) * scale)) }
	c := Counts{Schools: n(Schools), Items: n(Items), Complaints: n(Complaints), Credentials: n(Credentials)}
	c.Units = 1 + 1 + 31 + 31*citiesPerProvince + 31*citiesPerProvince*countiesPerCity + c.Schools
	c.Reports = c.Items * ReportMonths
	return c
}

// Result is what Generate wrote and how long each stage took.
type Result struct {
	Counts
	Campaign int64
	Users    []string // logins created (with Options.Password)
	Stages   []Stage
}

// Stage is one timed step of the load.
type Stage struct {
	Name string
	Took time.Duration
}

// Generate fills an empty database (migrated, without units). It refuses
// a database that already has units: ids are chosen here.
func Generate(ctx context.Context, db *sqlstore.DB, o Options) (*Result, error) {
	if o.Scale <= 0 || o.Scale > 10 || o.CredentialScale < 0 || o.CredentialScale > 10 {
		return nil, shishi.Invalid(shishi.FieldError{Field: "scale", Message: "规模须大于 0 且不超过 10 / scale must be above 0 and at most 10"})
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	if _, n, err := db.FindUnits(sys, shishi.UnitFilter{Limit: 1}); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, shishi.Errorf(shishi.ECONFLICT, "数据库已有单位，生成器只写入空库 / the database already has units: gen writes into an empty database only")
	}
	cal, err := workday.New(nil)
	if err != nil {
		return nil, err
	}
	if db.Calendar == nil {
		db.Calendar = cal
	}
	clock := db.Now
	db.Now = func() time.Time { return AsOf }
	defer func() { db.Now = clock }()

	g := &generator{db: db, sys: sys, o: o, cal: cal, rng: rand.New(rand.NewPCG(2026, 11)), res: &Result{Counts: CountsFor(o.Scale)}}
	if o.CredentialScale > 0 {
		g.res.Credentials = CountsFor(o.CredentialScale).Credentials
	}
	for _, st := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"units", g.units},
		{"items", g.items},
		{"figures", g.figures},
		{"complaints", g.complaints},
		{"credentials", g.credentials},
		{"users", g.users},
		{"settle", g.settle},
	} {
		start := time.Now()
		if err := st.fn(ctx); err != nil {
			return g.res, fmt.Errorf("gen %s: %w", st.name, err)
		}
		g.res.Stages = append(g.res.Stages, Stage{st.name, time.Since(start)})
	}
	return g.res, nil
}

type generator struct {
	db  *sqlstore.DB
	sys context.Context
	o   Options
	cal shishi.Calendar
	rng *rand.Rand
	res *Result

	root      int64
	issuer    int64
	provinces []unitRow
	cities    []unitRow
	counties  []unitRow
	schools   []unitRow
}

type unitRow struct {
	id     int64
	code   string
	name   string
	path   string
	parent int // index of the parent in the level above
}

// progress returns the stage's bar, or no-ops.
func (g *generator) progress(stage string) (func(done, total int), func()) {
	if g.o.Progress == nil {
		return func(int, int) {}, func() {}
	}
	return g.o.Progress(stage)
}

// settle leaves the database as a running system would find it:
// PostgreSQL's statistics gathered and its identity sequences past the ids
// written here, and the cockpit's roll-ups counted (the server's job
// would count them within minutes of starting).
func (g *generator) settle(ctx context.Context) error {
	if g.db.Postgres() {
		if _, err := g.db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
	}
	_, err := g.db.RefreshRollups(g.sys)
	return err
}

// sequences moves PostgreSQL's identity sequences of tables past the ids
// written here, so the store's next insert takes a fresh one.
func (g *generator) sequences(ctx context.Context, tables ...string) error {
	if !g.db.Postgres() {
		return nil
	}
	for _, t := range tables {
		if _, err := g.db.SQL().ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(max(id), 1) FROM `+t+`))`); err != nil {
			return err
		}
	}
	return nil
}

// maxID is the highest id of a table (0 when empty).
func (g *generator) maxID(ctx context.Context, table string) (int64, error) {
	var n int64
	err := g.db.SQL().QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&n)
	return n, err
}
