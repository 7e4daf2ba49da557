package sqlstore_test

// Benchmarks of the campaign ledger at scale: listing, one item, the
// campaign-wide roll-up and report filing, each next to a raw-SQL floor
// measured in the same run, so that the figures in BENCHMARKS.md are ratios
// and not absolute timings of a noisy machine.
//
//	go test ./sqlstore -run XXX -bench . -benchtime 20x
//	SHISHI_BENCH_ITEMS=100000 go test ./sqlstore -run XXX -bench . -benchtime 20x -timeout 60m
//
// At 100,000 items the RAG filter and the roll-up take 10–80 s an
// iteration; BENCHMARKS.md gives the split commands that produced its
// figures.
//
// The data set is written once per database and process by seedScale,
// directly with SQL (the service methods audit every row, far too slow for a
// million reports), and shared by every benchmark: SHISHI_BENCH_ITEMS items
// (default 2000) with ten monthly reports each. PostgreSQL runs when
// SHISHI_TEST_PG names a server (scripts/test.sh starts one).
// SHISHI_BENCH_KEEP=1 keeps the databases (the SQLite file, the PostgreSQL
// database) for a look with sqlite3 or psql.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
)

// benchReportsPerItem: ten monthly reports an item, 2021-03 … 2021-12, so
// that 100,000 items carry 1,000,000 reports.
const benchReportsPerItem = 10

// benchNow is the store's clock during the benchmarks: reports for
// 2021-03 … 2021-11 are due, December's may be filed.
var benchNow = time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC)

func benchItems() int {
	if s := os.Getenv("SHISHI_BENCH_ITEMS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 2000
}

// TestMain only adds clean-up: the seeded databases outlive any one
// benchmark (seeding 100,000 items is expensive), so they are removed when
// the whole run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	benchDBs.mu.Lock()
	for i := len(benchDBs.cleanup) - 1; i >= 0; i-- {
		benchDBs.cleanup[i]()
	}
	benchDBs.mu.Unlock()
	os.Exit(code)
}

// benchSlot seeds one database once per process.
type benchSlot struct {
	once sync.Once
	env  *benchEnv
}

var benchDBs struct {
	mu      sync.Mutex
	slots   map[string]*benchSlot
	cleanup []func()
}

func benchAtExit(f func()) {
	benchDBs.mu.Lock()
	benchDBs.cleanup = append(benchDBs.cleanup, f)
	benchDBs.mu.Unlock()
}

// benchEnv is a seeded database and who looks at it.
type benchEnv struct {
	name  string
	db    *sqlstore.DB
	scale *benchScale
	// office runs the campaign (RoleOffice at the ministry, the campaign's
	// unit); operator is a city's operator (RoleOperator), who sees the
	// public items and its subtree's; sys is the system actor.
	office, operator, sys context.Context
	// filable: in-progress items led in the operator's subtree, with their
	// target; fileCtx files for them.
	filable, filableTarget []int64
	fileCtx                context.Context
	next                   int // rotates FileReport over filable
	logged                 sync.Once
}

// onDatabases runs fn on SQLite and, when SHISHI_TEST_PG is set, on
// PostgreSQL, each with its shared seeded database.
func onDatabases(b *testing.B, fn func(b *testing.B, e *benchEnv)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, benchEnvFor(b, "sqlite")) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(testdb.EnvPG) == "" {
			b.Skip(testdb.EnvPG + " is not set; PostgreSQL benchmarks skipped (scripts/test.sh sets it)")
		}
		fn(b, benchEnvFor(b, "postgres"))
	})
}

func benchEnvFor(b *testing.B, name string) *benchEnv {
	benchDBs.mu.Lock()
	if benchDBs.slots == nil {
		benchDBs.slots = map[string]*benchSlot{}
	}
	s := benchDBs.slots[name]
	if s == nil {
		s = &benchSlot{}
		benchDBs.slots[name] = s
	}
	benchDBs.mu.Unlock()
	s.once.Do(func() { s.env = newBenchEnv(b, name) })
	if s.env == nil {
		b.Fatalf("%s: seeding failed in an earlier benchmark", name)
	}
	return s.env
}

// benchDSN makes a database that lives until TestMain ends: a SQLite file
// in a temporary directory, or a new PostgreSQL database on the server of
// SHISHI_TEST_PG (testdb.Postgres would drop it when the first benchmark
// ends).
func benchDSN(tb testing.TB, name string) string {
	if name == "sqlite" {
		dir, err := os.MkdirTemp("", "shishi-bench-")
		if err != nil {
			tb.Fatal(err)
		}
		if os.Getenv("SHISHI_BENCH_KEEP") != "" {
			fmt.Fprintf(os.Stderr, "bench-seed: SHISHI_BENCH_KEEP is set: the SQLite database stays in %s\n", dir)
		} else {
			benchAtExit(func() { os.RemoveAll(dir) })
		}
		return filepath.Join(dir, "shishi.db")
	}
	base := os.Getenv(testdb.EnvPG)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", testdb.EnvPG, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	dbName := fmt.Sprintf("shishi_bench_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.Exec(`CREATE DATABASE ` + dbName); err != nil {
		admin.Close()
		tb.Fatalf("create bench database: %v", err)
	}
	if os.Getenv("SHISHI_BENCH_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "bench-seed: SHISHI_BENCH_KEEP is set: the PostgreSQL database %s stays\n", dbName)
		admin.Close()
	} else {
		benchAtExit(func() {
			_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`)
			admin.Close()
		})
	}
	u.Path = "/" + dbName
	return u.String()
}

// newBenchEnv opens and migrates a database, builds the test world's unit
// tree (as newWorld does; newWorld takes a *testing.T), seeds the scale
// data and creates the actors.
func newBenchEnv(tb testing.TB, name string) *benchEnv {
	ctx := context.Background()
	keys, err := secret.ParseKeyring(secret.NewKeyringText("k1"))
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sqlstore.Open(ctx, benchDSN(tb, name), keys)
	if err != nil {
		tb.Fatal(err)
	}
	benchAtExit(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	db.Now = func() time.Time { return benchNow }
	e := &benchEnv{name: name, db: db, sys: shishi.WithActor(ctx, shishi.SystemActor())}
	units := map[string]*shishi.Unit{}
	for _, u := range []struct{ parent, code, name string }{
		{"", "moe", "教育部"}, {"moe", "ha", "河南省教育厅"}, {"ha", "ha-zz", "郑州市教育局"},
		{"ha-zz", "ha-zz-js", "郑州市金水区教育局"}, {"ha", "ha-ly", "洛阳市教育局"}, {"moe", "bj", "北京市教育委员会"},
	} {
		in := shishi.UnitInput{Code: u.code, Name: u.name, Kind: shishi.UnitProvince}
		switch {
		case u.parent == "":
			in.Kind = shishi.UnitMinistry
		case u.parent != "moe":
			in.Kind = shishi.UnitCity
		}
		if p := units[u.parent]; p != nil {
			in.ParentID = &p.ID
		}
		x, err := db.CreateUnit(e.sys, in)
		if err != nil {
			tb.Fatalf("create unit %s: %v", u.code, err)
		}
		units[u.code] = x
	}

	start := time.Now()
	e.scale = seedScale(tb, db, benchItems(), benchReportsPerItem)
	seeding := time.Since(start)
	// seedScale writes rows straight with SQL, past the store, so the
	// stored figures are derived afterwards, as after migration 0008 on an
	// existing database: every item, 500 to a transaction.
	start = time.Now()
	derived, err := db.RefreshFigures(e.sys)
	if err != nil || derived != e.scale.Items {
		tb.Fatalf("derive figures: %d of %d items, %v", derived, e.scale.Items, err)
	}
	deriving := time.Since(start)

	user := func(login string, unit int64, role shishi.Role) context.Context {
		u, err := db.CreateUser(e.sys, shishi.UserInput{Login: login, Name: login, UnitID: unit, Password: "Correct-Horse-42", Grants: []shishi.Grant{{Role: role}}})
		if err != nil {
			tb.Fatalf("create user %s: %v", login, err)
		}
		return shishi.WithActor(ctx, &shishi.Actor{UserID: u.ID, Login: u.Login, UnitID: u.UnitID, Grants: u.Grants})
	}
	e.office = user("bench-office", units["moe"].ID, shishi.RoleOffice)
	city := e.scale.Cities[0]
	e.operator = user("bench-op", city, shishi.RoleOperator)
	var cityPath string
	if err := db.SQL().QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, city).Scan(&cityPath); err != nil {
		tb.Fatal(err)
	}
	inCity := map[int64]bool{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT id FROM units WHERE path LIKE $1`, cityPath+"%")
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		inCity[id] = true
	}
	rows.Close()
	sc := e.scale
	for i := range sc.Items {
		if sc.Status[i] == shishi.StatusInProgress && inCity[sc.Lead[i]] {
			e.filable = append(e.filable, sc.FirstItem+int64(i))
			e.filableTarget = append(e.filableTarget, sc.FirstTarget+int64(i))
		}
	}
	e.fileCtx = e.operator
	if len(e.filable) == 0 { // a tiny scale: the office files instead
		e.fileCtx = e.office
		for i := range sc.Items {
			if sc.Status[i] == shishi.StatusInProgress {
				e.filable = append(e.filable, sc.FirstItem+int64(i))
				e.filableTarget = append(e.filableTarget, sc.FirstTarget+int64(i))
			}
		}
	}
	if len(e.filable) == 0 {
		tb.Fatal("no in-progress item to file reports for")
	}

	// The one-row commit of BenchmarkBaselineCommit.
	ddl := `CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at TIMESTAMP NOT NULL)`
	if db.Postgres() {
		ddl = `CREATE TABLE bench_commit (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)`
	}
	if _, err := db.SQL().ExecContext(ctx, ddl); err != nil {
		tb.Fatal(err)
	}

	// Settle the database as a running system would be: PostgreSQL's
	// autovacuum analyses freshly loaded tables; SQLite's WAL is
	// checkpointed. (The store never runs ANALYZE on SQLite, so neither do
	// we: the planner works without statistics, as in production.)
	if db.Postgres() {
		if _, err := db.SQL().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			tb.Fatal(err)
		}
	} else if _, err := db.SQL().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	var size int64
	if db.Postgres() {
		_ = db.SQL().QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
	} else {
		var pages, pageSize int64
		_ = db.SQL().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
		_ = db.SQL().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize)
		size = pages * pageSize
	}
	fmt.Fprintf(os.Stderr, "bench-seed %s: %d items, %d reports, %d units in %s (seedScale only); figures derived in %s; database %.1f MiB; %d filable items (%s)\n",
		name, sc.Items, sc.Reports, len(sc.Units), seeding.Round(time.Millisecond), deriving.Round(time.Millisecond), float64(size)/(1<<20), len(e.filable), shishi.ActorFrom(e.fileCtx).Login)
	return e
}

// benchScale is what seedScale wrote. Item i (0-based) has id FirstItem+i
// and its one target has id FirstTarget+i.
type benchScale struct {
	Campaign    int64
	Tiers       []int64
	Units       []int64 // the units made for the scale (cities, then their counties)
	Cities      []int64
	Items       int
	Reports     int
	FirstItem   int64
	FirstTarget int64
	Status      []shishi.ItemStatus
	Lead        []int64
}

// Words for titles: a title query ("食堂") matches about one item in twelve.
var (
	benchAreas   = []string{"农村教师周转宿舍", "学校食堂", "校舍安全", "课后服务", "教师培训", "学生营养改善", "校车安全", "心理健康教育", "智慧教育平台", "职业教育实训基地", "普惠性幼儿园", "特殊教育资源教室"}
	benchActions = []string{"建设", "改造", "提升", "推进", "保障", "完善"}
	benchLeaders = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
)

// seedScale writes one campaign under the world's ministry (the root
// unit), three tiers, 300 units (30 cities under the world's provinces, 9
// counties each) and items items led by those units, each with one quantity
// target, a ten-point plan (2021-03 … 2021-12) and reportsPerItem monthly
// reports from 2021-03 with one value each. It writes with SQL in large
// transactions of multi-row prepared INSERTs, with ids chosen here (and
// PostgreSQL's identity sequences moved past them). About 30 % of items are
// internal (public = false); 85 % are in progress, 5 % ask for closure,
// 10 % are closed; each item progresses at its own pace, so the RAG
// spreads over green, amber and red; 5 % are past their deadline. Reports
// are accepted, except some of the last two months' (submitted, awaiting
// review) and 1 % returned. The generator is deterministic (fixed seed).
func seedScale(tb testing.TB, db *sqlstore.DB, items, reportsPerItem int) *benchScale {
	tb.Helper()
	ctx := context.Background()
	sdb := db.SQL()
	rng := rand.New(rand.NewPCG(2021, 12))
	created := time.Date(2021, 3, 1, 8, 0, 0, 0, time.UTC)
	fatal := func(what string, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("seedScale: %s: %v", what, err)
		}
	}
	maxID := func(table string) int64 {
		var n int64
		fatal("max id of "+table, sdb.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&n))
		return n
	}

	// The world: its root (the ministry) and the units one level below it
	// (provinces), under which the cities go.
	type unitRow struct {
		id    int64
		path  string
		depth int
	}
	var root *unitRow
	var provinces []unitRow
	rows, err := sdb.QueryContext(ctx, `SELECT id, path, depth FROM units ORDER BY depth, id`)
	fatal("units", err)
	for rows.Next() {
		var u unitRow
		fatal("units", rows.Scan(&u.id, &u.path, &u.depth))
		switch {
		case root == nil:
			r := u
			root = &r
		case u.depth == 1:
			provinces = append(provinces, u)
		}
	}
	rows.Close()
	if root == nil {
		tb.Fatal("seedScale: no units: build the world first")
	}
	if len(provinces) == 0 {
		provinces = []unitRow{*root}
	}

	sc := &benchScale{Items: items}
	tx, err := sdb.BeginTx(ctx, nil)
	fatal("begin", err)
	ins := newBenchInserter(tx, "units", "id, parent_id, code, name, kind, path, depth, created_at, updated_at")
	var vals []any
	next := maxID("units")
	for c := 0; c < 30; c++ {
		p := provinces[c%len(provinces)]
		next++
		city := unitRow{next, p.path + strconv.FormatInt(next, 10) + "/", p.depth + 1}
		vals = append(vals, city.id, p.id, fmt.Sprintf("bench-c%02d", c), fmt.Sprintf("基准第%02d市教育局", c), string(shishi.UnitCity), city.path, city.depth, created, created)
		sc.Units, sc.Cities = append(sc.Units, city.id), append(sc.Cities, city.id)
		for k := 0; k < 9; k++ {
			next++
			vals = append(vals, next, city.id, fmt.Sprintf("bench-c%02d-%d", c, k), fmt.Sprintf("基准第%02d市第%d县教育局", c, k), string(shishi.UnitCounty),
				city.path+strconv.FormatInt(next, 10)+"/", city.depth+1, created, created)
			sc.Units = append(sc.Units, next)
		}
	}
	fatal("insert units", ins.insert(ctx, vals))
	ins.close()
	fatal("insert campaign", tx.QueryRowContext(ctx, `INSERT INTO campaigns (unit_id, name, description, starts_on, ends_on, as_of, amber_below, red_below, report_due, created_at, updated_at)
		VALUES ($1, $2, '', '2021-03-01', '2022-06-30', '', 90, 70, 5, $3, $3) RETURNING id`, root.id, "基准测试“我为群众办实事”实践活动", created).Scan(&sc.Campaign))
	for i, name := range []string{"部党组层面重点事项", "司局层面重点事项", "直属单位重点事项"} {
		var id int64
		fatal("insert tier", tx.QueryRowContext(ctx, `INSERT INTO tiers (campaign_id, name, position) VALUES ($1, $2, $3) RETURNING id`, sc.Campaign, name, i+1).Scan(&id))
		sc.Tiers = append(sc.Tiers, id)
	}
	fatal("commit units", tx.Commit())

	periods := []shishi.Period{"2021-03"}
	for len(periods) < max(10, reportsPerItem) {
		periods = append(periods, periods[len(periods)-1].Next())
	}
	sc.FirstItem, sc.FirstTarget = maxID("items")+1, maxID("targets")+1
	reportID := maxID("reports")
	sc.Status, sc.Lead = make([]shishi.ItemStatus, items), make([]int64, items)

	const perTx, perGroup = 5000, 50
	var itemVals, coopVals, targetVals, reportVals, valueVals []any
	for txStart := 0; txStart < items; txStart += perTx {
		tx, err := sdb.BeginTx(ctx, nil)
		fatal("begin", err)
		insItems := newBenchInserter(tx, "items", "id, campaign_id, tier_id, code, title, leader_name, lead_unit_id, deadline, public, status, report_from, version, created_at, updated_at")
		insCoop := newBenchInserter(tx, "item_units", "item_id, unit_id")
		insTargets := newBenchInserter(tx, "targets", "id, item_id, position, name, kind, unit, baseline, target, down, weight, plan")
		insReports := newBenchInserter(tx, "reports", "id, item_id, period, version, narrative, status, review_comment, reviewed_by, reviewed_at, submitted_by, submitted_at, late")
		insValues := newBenchInserter(tx, "report_values", "report_id, target_id, value")
		for g := txStart; g < min(txStart+perTx, items); g += perGroup {
			itemVals, coopVals, targetVals, reportVals, valueVals = itemVals[:0], coopVals[:0], targetVals[:0], reportVals[:0], valueVals[:0]
			for i := g; i < min(g+perGroup, items); i++ {
				id, tid := sc.FirstItem+int64(i), sc.FirstTarget+int64(i)
				tier := sc.Tiers[2]
				switch x := rng.IntN(10); {
				case x == 0:
					tier = sc.Tiers[0]
				case x < 4:
					tier = sc.Tiers[1]
				}
				lead := sc.Units[rng.IntN(len(sc.Units))]
				deadline := "2022-06-30"
				if rng.IntN(20) == 0 {
					deadline = "2021-10-31"
				}
				public := rng.Float64() >= 0.30
				status, pace := shishi.StatusInProgress, 0.5+0.65*rng.Float64()
				switch x := rng.Float64(); {
				case x >= 0.90:
					status, pace = shishi.StatusClosed, 1
				case x >= 0.85:
					status = shishi.StatusClosureRequested
				}
				sc.Status[i], sc.Lead[i] = status, lead
				title := benchAreas[rng.IntN(len(benchAreas))] + benchActions[rng.IntN(len(benchActions))] + "（" + strconv.Itoa(i+1) + "）"
				itemVals = append(itemVals, id, sc.Campaign, tier, fmt.Sprintf("B-%06d", i+1), title, benchLeaders[rng.IntN(len(benchLeaders))],
					lead, deadline, public, string(status), "2021-03", 1, created, created)
				if rng.IntN(5) == 0 {
					if coop := sc.Units[rng.IntN(len(sc.Units))]; coop != lead {
						coopVals = append(coopVals, id, coop)
					}
				}
				units := int64(100 + rng.IntN(9900))
				plan := make([]shishi.PlanPoint, 10)
				for k := range plan {
					plan[k] = shishi.PlanPoint{Period: periods[k], Value: shishi.DecimalOf(units * int64(k+1) / 10)}
				}
				targetVals = append(targetVals, tid, id, 1, "完成数量", string(shishi.TargetQuantity), "个", int64(0), int64(shishi.DecimalOf(units)), false, 1, sqlstore.FoldPlan(plan))
				for k := 0; k < reportsPerItem; k++ {
					reportID++
					p := periods[k]
					v := shishi.DecimalOf(int64(math.Round(float64(units) * pace * float64(k+1) / 10)))
					day := 1 + rng.IntN(8)
					submitted := p.Start().Time().AddDate(0, 1, day-1).Add(9 * time.Hour)
					if submitted.After(benchNow) {
						submitted = benchNow.Add(-time.Duration(1+rng.IntN(72)) * time.Hour)
					}
					late := shishi.DateOf(submitted) > p.DueDate(5)
					rs, comment, reviewer, reviewed := shishi.ReportAccepted, "", "bench-office", sql.NullTime{Time: submitted.Add(48 * time.Hour), Valid: true}
					if reviewed.Time.After(benchNow) {
						reviewed.Time = benchNow
					}
					switch x := rng.Float64(); {
					case k >= reportsPerItem-2 && x < 0.3:
						rs, reviewer, reviewed = shishi.ReportSubmitted, "", sql.NullTime{}
					case x > 0.99:
						rs, comment = shishi.ReportReturned, "数据与佐证不符，请核实 / figures do not match the evidence"
					}
					reportVals = append(reportVals, reportID, id, string(p), 1, "按计划推进，本月完成情况见数值。", string(rs), comment, reviewer, reviewed, "bench-op", submitted, late)
					valueVals = append(valueVals, reportID, tid, int64(v))
					sc.Reports++
				}
			}
			// In dependency order: foreign keys are checked per statement.
			fatal("insert items", insItems.insert(ctx, itemVals))
			fatal("insert item_units", insCoop.insert(ctx, coopVals))
			fatal("insert targets", insTargets.insert(ctx, targetVals))
			fatal("insert reports", insReports.insert(ctx, reportVals))
			fatal("insert report_values", insValues.insert(ctx, valueVals))
		}
		for _, in := range []*benchInserter{insItems, insCoop, insTargets, insReports, insValues} {
			in.close()
		}
		fatal("commit items", tx.Commit())
	}
	if db.Postgres() {
		for _, t := range []string{"units", "items", "targets", "reports"} {
			_, err := sdb.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT max(id) FROM `+t+`))`)
			fatal("setval "+t, err)
		}
	}
	return sc
}

// benchInserter writes rows with multi-row INSERT statements of up to
// about 1000 parameters, prepared once per size in its transaction.
type benchInserter struct {
	tx    *sql.Tx
	head  string
	ncol  int
	max   int
	stmts map[int]*sql.Stmt
}

func newBenchInserter(tx *sql.Tx, table, cols string) *benchInserter {
	n := strings.Count(cols, ",") + 1
	return &benchInserter{tx: tx, head: "INSERT INTO " + table + " (" + cols + ") VALUES ", ncol: n, max: max(1, 1000/n), stmts: map[int]*sql.Stmt{}}
}

func (in *benchInserter) insert(ctx context.Context, vals []any) error {
	for len(vals) > 0 {
		rows := min(in.max, len(vals)/in.ncol)
		st := in.stmts[rows]
		if st == nil {
			var b strings.Builder
			b.WriteString(in.head)
			for r := 0; r < rows; r++ {
				if r > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('(')
				for c := 0; c < in.ncol; c++ {
					if c > 0 {
						b.WriteString(", ")
					}
					b.WriteString("$" + strconv.Itoa(r*in.ncol+c+1))
				}
				b.WriteByte(')')
			}
			var err error
			if st, err = in.tx.PrepareContext(ctx, b.String()); err != nil {
				return err
			}
			in.stmts[rows] = st
		}
		if _, err := st.ExecContext(ctx, vals[:rows*in.ncol]...); err != nil {
			return err
		}
		vals = vals[rows*in.ncol:]
	}
	return nil
}

func (in *benchInserter) close() {
	for _, st := range in.stmts {
		st.Close()
	}
}

// benchActors are the viewers of the list benchmarks.
func (e *benchEnv) actors() []struct {
	name string
	ctx  context.Context
} {
	return []struct {
		name string
		ctx  context.Context
	}{{"office", e.office}, {"system", e.sys}, {"operator", e.operator}}
}

// ---------------------------------------------------------------- list ---

// loopTimed runs fn as the benchmark's loop and reports, besides the
// mean, the median and the 99th percentile of the iterations (with 20
// iterations the 99th is the slowest).
func loopTimed(b *testing.B, fn func()) {
	var ds []time.Duration
	for b.Loop() {
		t0 := time.Now()
		fn()
		ds = append(ds, time.Since(t0))
	}
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(math.Ceil(q*float64(len(ds))))-1)]) / 1e6
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkItemList: one page of 50 of the campaign's list, as the ledger
// page asks for it (a page from the middle of the list), for the office,
// the system actor and a city's operator; with a title query; and with the
// RAG filter, which evaluates every item of the campaign in memory. The
// floor is a raw SELECT of the same 50 item rows.
func BenchmarkItemList(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		sc := e.scale
		after := sc.FirstItem + int64(sc.Items/2) - 1
		// The floor: the page's 50 rows by primary key. With the campaign
		// as a condition too (one campaign here, so the same rows) the
		// planner picks items_campaign and sorts the whole campaign.
		for _, f := range []struct{ name, where string }{
			{"floor-raw-select-50", `i.id > $1 AND $2 > 0`},
			{"floor-raw-select-50-campaign", `i.id > $1 AND i.campaign_id = $2`},
		} {
			b.Run(f.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					n, err := rawItemRows(ctx, e.db, `SELECT `+rawItemCols+` FROM items i WHERE `+f.where+` ORDER BY i.id LIMIT 50`, after, sc.Campaign)
					if err != nil || n != min(50, sc.Items-sc.Items/2) {
						b.Fatalf("raw page: %d rows, %v", n, err)
					}
				}
			})
		}
		for _, a := range e.actors() {
			b.Run(a.name+"/page", func(b *testing.B) {
				b.ReportAllocs()
				loopTimed(b, func() {
					list, total, err := e.db.FindItems(a.ctx, shishi.ItemFilter{CampaignID: sc.Campaign, After: after, Limit: 50})
					if err != nil || len(list) == 0 || total == 0 {
						b.Fatalf("page: %d items of %d, %v", len(list), total, err)
					}
				})
			})
		}
		for _, a := range e.actors()[:2] {
			b.Run(a.name+"/q", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					list, total, err := e.db.FindItems(a.ctx, shishi.ItemFilter{CampaignID: sc.Campaign, Query: "食堂", Limit: 50})
					if err != nil || len(list) == 0 || total == 0 {
						b.Fatalf("query: %d items of %d, %v", len(list), total, err)
					}
				}
			})
		}
		b.Run("office/rag-red", func(b *testing.B) {
			b.ReportAllocs()
			loopTimed(b, func() {
				list, total, err := e.db.FindItems(e.office, shishi.ItemFilter{CampaignID: sc.Campaign, HasRAG: true, RAG: shishi.RAGRed, Limit: 50})
				if err != nil || len(list) == 0 || total == 0 {
					b.Fatalf("rag: %d items of %d, %v", len(list), total, err)
				}
			})
		})
		// Filters combined: a city's subtree (lead or cooperating unit),
		// red, the page after the middle item.
		b.Run("office/unit-rag-red", func(b *testing.B) {
			b.ReportAllocs()
			loopTimed(b, func() {
				_, total, err := e.db.FindItems(e.office, shishi.ItemFilter{CampaignID: sc.Campaign, UnitID: sc.Cities[0], HasRAG: true, RAG: shishi.RAGRed, After: after, Limit: 50})
				if err != nil || total == 0 {
					b.Fatalf("unit and rag: %d, %v", total, err)
				}
			})
		})
	})
}

const rawItemCols = `i.id, i.campaign_id, i.tier_id, i.parent_id, i.code, i.title, i.description, i.leader_name, i.lead_unit_id,
	i.deadline, i.public, i.status, i.report_from, i.version, i.created_at, i.updated_at`

// rawItemRows runs a query of rawItemCols and scans every row.
func rawItemRows(ctx context.Context, db *sqlstore.DB, query string, args ...any) (int, error) {
	rows, err := db.SQL().QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var it shishi.Item
		var parent sql.NullInt64
		var from string
		if err := rows.Scan(&it.ID, &it.CampaignID, &it.TierID, &parent, &it.Code, &it.Title, &it.Description, &it.LeaderName, &it.LeadUnit.ID,
			&it.Deadline, &it.Public, &it.Status, &from, &it.Version, &it.CreatedAt, &it.UpdatedAt); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// ----------------------------------------------------------------- get ---

// BenchmarkItemGet: one item with its figures, by id, for the office; the
// floor is a raw SELECT of the item's row.
func BenchmarkItemGet(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		sc := e.scale
		rng := rand.New(rand.NewPCG(7, 7))
		ids := make([]int64, 1000)
		for i := range ids {
			ids[i] = sc.FirstItem + int64(rng.IntN(sc.Items))
		}
		b.Run("floor-raw-select-1", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if n, err := rawItemRows(ctx, e.db, `SELECT `+rawItemCols+` FROM items i WHERE i.id = $1`, ids[i%len(ids)]); err != nil || n != 1 {
					b.Fatalf("raw get: %d rows, %v", n, err)
				}
				i++
			}
		})
		b.Run("office", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if it, err := e.db.FindItem(e.office, ids[i%len(ids)]); err != nil || len(it.Targets) != 1 {
					b.Fatalf("get: %+v, %v", it, err)
				}
				i++
			}
		})
	})
}

// -------------------------------------------------------------- roll-up ---

// benchSummary is what the ledger pages count (server/page_ledger.go).
type benchSummary struct {
	Items, Overdue, Missing, Closed int
	RAG                             map[string]int
	Avg                             float64
}

// benchRollup is what summarise in server/page_ledger.go does: one
// Summarise over the stored figures.
func benchRollup(ctx context.Context, items shishi.ItemService, campaign int64) (*benchSummary, error) {
	s, err := items.Summarise(ctx, shishi.ItemFilter{CampaignID: campaign})
	if err != nil {
		return nil, err
	}
	sum := &benchSummary{Items: s.Items, Overdue: s.Overdue, Missing: s.Missing, Closed: s.Closed, Avg: s.Avg, RAG: map[string]int{}}
	for rag, n := range s.RAG {
		key := string(rag)
		if key == "" {
			key = "none"
		}
		if n > 0 {
			sum.RAG[key] += n
		}
	}
	return sum, nil
}

// benchPageAll was summarise before the figures were stored: every item
// of the campaign, 500 a page, then the counts. The ledger export still
// reads every item this way.
func benchPageAll(ctx context.Context, items shishi.ItemService, campaign int64) (*benchSummary, error) {
	list, _, err := items.FindItems(ctx, shishi.ItemFilter{CampaignID: campaign, Limit: 500, NoTotal: true})
	if err != nil {
		return nil, err
	}
	for len(list)%500 == 0 && len(list) > 0 {
		more, _, err := items.FindItems(ctx, shishi.ItemFilter{CampaignID: campaign, After: list[len(list)-1].ID, Limit: 500, NoTotal: true})
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			break
		}
		list = append(list, more...)
	}
	sum := &benchSummary{RAG: map[string]int{}}
	var total float64
	var rated int
	for _, it := range list {
		sum.Items++
		rag := string(it.RAG)
		if rag == "" {
			rag = "none"
		}
		sum.RAG[rag]++
		if it.Overdue {
			sum.Overdue++
		}
		if len(it.Missing) > 0 {
			sum.Missing++
		}
		if it.Status == shishi.StatusClosed {
			sum.Closed++
		}
		if it.Completion != nil {
			total += *it.Completion
			rated++
		}
	}
	if rated > 0 {
		sum.Avg = shishi.Round2(total / float64(rated))
	}
	return sum, nil
}

// BenchmarkRollup: the campaign-wide summary the ledger pages compute on
// every view, for the office. Two floors: a raw scan of the campaign's
// item rows (what a roll-up over stored figures would read) and a raw scan
// of every item's reports and values (the least the derivation must read).
func BenchmarkRollup(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		sc := e.scale
		b.Run("floor-scan-items", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, err := e.db.SQL().QueryContext(ctx, `SELECT id, status, deadline, public FROM items WHERE campaign_id = $1`, sc.Campaign)
				if err != nil {
					b.Fatal(err)
				}
				n := map[string]int{}
				for rows.Next() {
					var id int64
					var status, deadline string
					var public bool
					if err := rows.Scan(&id, &status, &deadline, &public); err != nil {
						b.Fatal(err)
					}
					n[status]++
				}
				rows.Close()
				if n[string(shishi.StatusInProgress)] == 0 {
					b.Fatal("no items scanned")
				}
			}
		})
		b.Run("floor-scan-reports", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, err := e.db.SQL().QueryContext(ctx, `SELECT r.item_id, r.period, r.version, r.status, rv.target_id, rv.value
					FROM items i JOIN reports r ON r.item_id = i.id LEFT JOIN report_values rv ON rv.report_id = r.id WHERE i.campaign_id = $1`, sc.Campaign)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					var item, version int64
					var period, status string
					var tid, v sql.NullInt64
					if err := rows.Scan(&item, &period, &version, &status, &tid, &v); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if n < sc.Reports {
					b.Fatalf("%d report rows, want %d", n, sc.Reports)
				}
			}
		})
		b.Run("office/summarise", func(b *testing.B) {
			b.ReportAllocs()
			loopTimed(b, func() {
				sum, err := benchRollup(e.office, e.db, sc.Campaign)
				if err != nil || sum.Items != sc.Items {
					b.Fatalf("roll-up: %+v, %v", sum, err)
				}
				e.logged.Do(func() {
					fmt.Fprintf(os.Stderr, "bench-rollup %s: %d items: green %d, amber %d, red %d, none %d; overdue %d, missing reports %d, closed %d; average completion %.2f %%\n",
						e.name, sum.Items, sum.RAG["green"], sum.RAG["amber"], sum.RAG["red"], sum.RAG["none"], sum.Overdue, sum.Missing, sum.Closed, sum.Avg)
				})
			})
		})
		// The same counts from every item read through FindItems: must
		// agree with Summarise.
		b.Run("office/page-all", func(b *testing.B) {
			b.ReportAllocs()
			want, err := benchRollup(e.office, e.db, sc.Campaign)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				sum, err := benchPageAll(e.office, e.db, sc.Campaign)
				if err != nil || fmt.Sprint(*sum) != fmt.Sprint(*want) {
					b.Fatalf("paged roll-up: %+v, Summarise %+v, %v", sum, want, err)
				}
			}
		})
	})
}

// ------------------------------------------------------------- writing ---

// BenchmarkBaselineCommit: one single-row INSERT committed in its own
// transaction through the store's pool (SQLite: WAL, synchronous=FULL,
// immediate transactions, as sqlstore.Open sets them): the floor of any
// write.
func BenchmarkBaselineCommit(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		b.Run("commit-1-row", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tx, err := e.db.SQL().BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO bench_commit (v, at) VALUES ($1, $2)`, "月报", benchNow); err != nil {
					tx.Rollback()
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkItemCreate: the office adds an item with a target and a plan
// to the seeded campaign; its cost should not grow with the campaign.
func BenchmarkItemCreate(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		sc := e.scale
		b.Run("office", func(b *testing.B) {
			b.ReportAllocs()
			loopTimed(b, func() {
				e.next++
				in := shishi.ItemInput{TierID: sc.Tiers[1], Title: fmt.Sprintf("新增事项（%d）", e.next), LeadUnitID: sc.Units[e.next%len(sc.Units)], Deadline: "2022-06-30",
					Targets: []shishi.TargetInput{{Name: "完成数量", Unit: "个", Target: shishi.DecimalOf(100), Plan: []shishi.PlanPoint{{Period: "2022-01", Value: shishi.DecimalOf(50)}, {Period: "2022-06", Value: shishi.DecimalOf(100)}}}}}
				if it, err := e.db.CreateItem(e.office, sc.Campaign, in); err != nil || it.RAG != shishi.RAGNone {
					b.Fatalf("create: %+v, %v", it, err)
				}
			})
		})
	})
}

// BenchmarkFileReport: a lead unit's operator files a correction (a new
// version, with a reason) of December's report, each iteration for the
// next of its in-progress items. Compare with BenchmarkBaselineCommit.
func BenchmarkFileReport(b *testing.B) {
	onDatabases(b, func(b *testing.B, e *benchEnv) {
		b.Run("correction", func(b *testing.B) {
			b.ReportAllocs()
			loopTimed(b, func() {
				k := e.next % len(e.filable)
				e.next++
				in := shishi.ReportInput{Period: "2021-12", Narrative: "更正本月完成数。", Reason: "录入有误，予以更正 / typing error corrected",
					Values: []shishi.ReportValue{{TargetID: e.filableTarget[k], Value: shishi.DecimalOf(int64(50 + e.next%50))}}}
				r, err := e.db.FileReport(e.fileCtx, e.filable[k], in)
				if err != nil || r.Version < 2 {
					b.Fatalf("file: %+v, %v", r, err)
				}
			})
		})
	})
}
