package sqlstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// BenchmarkComplaintSubmit: 64 clients submit public complaints at once
// (b.SetParallelism(32) on 2 cores), each answered only after its commit,
// against the floor of one writer committing single rows through the
// same driver with synchronous=FULL ("fsync"), measured in the same run:
//
//	go test -run '^$' -bench BenchmarkComplaintSubmit -benchtime 3s ./sqlstore
//
// The ratio of the two ns/op is the group commit's gain.
func BenchmarkComplaintSubmit(b *testing.B) {
	dbs := map[string]func(testing.TB) string{"sqlite": testdb.SQLite, "postgres": testdb.Postgres}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			w := newComplaintWorld(b, dbs[name](b))
			ctx := context.Background()
			if _, err := w.db.SQL().Exec(`CREATE TABLE bench_fsync (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			b.Run("fsync-single-writer", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					tx, err := w.db.SQL().BeginTx(ctx, nil)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := tx.Exec(`INSERT INTO bench_fsync (id, v) VALUES ($1, $2)`, i+b.N*7, "举报"); err != nil {
						b.Fatal(err)
					}
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("submit-64-clients", func(b *testing.B) {
				var n atomic.Int64
				b.SetParallelism(32)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						if _, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Anonymous: true,
							Body: fmt.Sprintf("压力测试举报 %d：某校违规收取资料费。", i)}, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		})
	}
}
