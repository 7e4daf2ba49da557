package gen_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/bench/gen"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/xlsx"
)

// BenchmarkImportLedger times the import of a ledger .xlsx of
// SHISHI_IMPORT_ITEMS items (default 100,000; one target line each, as
// the national dataset's items) into a fresh campaign, on SQLite and
// PostgreSQL: xlsx.ReadItems and ImportItems apart, each by wall clock and
// by this process's CPU time (the machine's cores are shared and noisy;
// CPU time moves less). The units come from gen.Generate at
// SHISHI_GEN_SCALE (default 0.01: 8,711 units); the ledger is written by
// xlsx.WriteLedger from items made like the generator's (a 14-month plan,
// a fifth with a cooperating unit), so the file is the one the
// performance target names without the four-minute dataset:
//
//	SHISHI_TEST_PKGS=./bench/gen bash scripts/test.sh -run '^$' -bench ImportLedger -benchtime 1x
//	go test ./bench/gen -run '^$' -bench ImportLedger/sqlite -benchtime 1x -cpuprofile /tmp/imp-cpu.prof
func BenchmarkImportLedger(b *testing.B) {
	scale, n := 0.01, 100_000
	if s := os.Getenv("SHISHI_GEN_SCALE"); s != "" {
		var err error
		if scale, err = strconv.ParseFloat(s, 64); err != nil {
			b.Fatal(err)
		}
	}
	if s := os.Getenv("SHISHI_IMPORT_ITEMS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var dsn string
			if name == "postgres" {
				if os.Getenv(testdb.EnvPG) == "" {
					b.Skip(testdb.EnvPG + " is not set (scripts/test.sh sets it)")
				}
				dsn = testdb.Postgres(b)
			} else {
				dsn = testdb.SQLite(b)
			}
			ctx := context.Background()
			db := open(b, dsn)
			res, err := gen.Generate(ctx, db, gen.Options{Scale: scale, CredentialScale: 0.00001})
			if err != nil {
				b.Fatal(err)
			}
			sys := shishi.WithActor(ctx, shishi.SystemActor())
			file := ledgerFile(b, db, sys, res.Campaign, n)
			for b.Loop() {
				b.StopTimer()
				into, err := db.CreateCampaign(sys, shishi.CampaignInput{UnitID: 1, Name: fmt.Sprint("导入压测 ", time.Now().UnixNano()), StartsOn: "2025-11-01", EndsOn: "2026-12-31"})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c0, t0 := cpuTime(), time.Now()
				rows, err := xlsx.ReadItems(bytes.NewReader(file))
				if err != nil {
					b.Fatal(err)
				}
				c1, t1 := cpuTime(), time.Now()
				got, err := db.ImportItems(sys, into.ID, rows)
				if err != nil {
					b.Fatal(err)
				}
				c2, t2 := cpuTime(), time.Now()
				if got != n {
					b.Fatalf("imported %d items, want %d", got, n)
				}
				b.ReportMetric(float64(len(file))/(1<<20), "MiB")
				b.ReportMetric(t1.Sub(t0).Seconds(), "read-s")
				b.ReportMetric((c1 - c0).Seconds(), "read-cpu-s")
				b.ReportMetric(t2.Sub(t1).Seconds(), "import-s")
				b.ReportMetric((c2 - c1).Seconds(), "import-cpu-s")
				b.ReportMetric(t2.Sub(t0).Seconds(), "total-s")
			}
			if brk, _, err := db.VerifyAudit(ctx); err != nil || brk != nil {
				b.Fatalf("audit chain after the import: %+v %v", brk, err)
			}
		})
	}
}

// ledgerFile writes a ledger of n items led by the generated units, as
// the ledger export writes a campaign of the dataset: one quantity target
// with a 14-month plan, its figures and RAG, a fifth with a cooperating
// unit, 30 % internal.
func ledgerFile(b *testing.B, db *sqlstore.DB, sys context.Context, campaign int64, n int) []byte {
	b.Helper()
	ctx := context.Background()
	var units []shishi.UnitRef
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, name FROM units WHERE kind IN ('province', 'city', 'county', 'school') ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var u shishi.UnitRef
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			b.Fatal(err)
		}
		units = append(units, u)
	}
	rows.Close()
	c, err := db.FindCampaign(sys, campaign)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 100))
	months := shishi.Periods(c.StartsOn.Period(), c.EndsOn.Period())
	rags := []shishi.RAG{shishi.RAGGreen, shishi.RAGAmber, shishi.RAGRed}
	items := make([]*shishi.Item, n)
	for i := range items {
		units0 := int64(100 + rng.IntN(9900))
		done := shishi.DecimalOf(units0 * int64(rng.IntN(101)) / 100)
		completion := float64(rng.IntN(10001)) / 100
		t := shishi.Target{Name: "完成数量", Kind: shishi.TargetQuantity, Unit: "个", Target: shishi.DecimalOf(units0), Weight: 1, Actual: &done, Completion: completion}
		for k, m := range months {
			t.Plan = append(t.Plan, shishi.PlanPoint{Period: m, Value: shishi.DecimalOf(units0 * int64(k+1) / int64(len(months)))})
		}
		it := &shishi.Item{Code: fmt.Sprintf("L-%07d", i+1), Title: fmt.Sprintf("学校食堂改造提升（%d）", i+1), TierName: "市县及学校事项",
			LeaderName: "张伟", LeadUnit: units[rng.IntN(len(units))], Deadline: c.EndsOn, Public: rng.IntN(10) >= 3,
			Status: shishi.StatusInProgress, Targets: []shishi.Target{t}, Completion: &completion, RAG: rags[rng.IntN(len(rags))]}
		if rng.IntN(5) == 0 {
			if coop := units[rng.IntN(len(units))]; coop.ID != it.LeadUnit.ID {
				it.CoopUnits = []shishi.UnitRef{coop}
			}
		}
		items[i] = it
	}
	var buf bytes.Buffer
	if err := xlsx.WriteLedger(&buf, c, items); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// cpuTime is this process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
