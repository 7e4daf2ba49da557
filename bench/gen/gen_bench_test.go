package gen_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/shishi-edu/shishi/bench/gen"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// BenchmarkGenerate times Generate on SQLite and PostgreSQL at
// SHISHI_GEN_SCALE (default 0.01) and reports each stage in seconds:
//
//	SHISHI_TEST_PKGS=./bench/gen bash scripts/test.sh -run '^$' -bench Generate -benchtime 1x
func BenchmarkGenerate(b *testing.B) {
	scale := 0.01
	if s := os.Getenv("SHISHI_GEN_SCALE"); s != "" {
		var err error
		if scale, err = strconv.ParseFloat(s, 64); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				dsn := testdb.SQLite(b)
				if name == "postgres" {
					dsn = testdb.Postgres(b)
				}
				db := open(b, dsn)
				b.StartTimer()
				res, err := gen.Generate(context.Background(), db, gen.Options{Scale: scale})
				if err != nil {
					b.Fatal(err)
				}
				for _, s := range res.Stages {
					b.ReportMetric(s.Took.Seconds(), s.Name+"-s")
				}
			}
		})
	}
}
