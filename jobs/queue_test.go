package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/jobs"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
)

func openDB(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	keys, _ := secret.ParseKeyring(secret.NewKeyringText("k1"))
	db, err := sqlstore.Open(context.Background(), dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

var sys = shishi.WithActor(context.Background(), shishi.SystemActor())

// TestQueueTwoProcesses: two queues on one database (two server processes)
// work 200 jobs between them; each job runs once and ends done.
func TestQueueTwoProcesses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, b := openDB(t, dsn), openDB(t, dsn)
		for i := 0; i < 200; i++ {
			if _, err := a.Enqueue(sys, shishi.JobInput{Kind: "test.count"}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		runs := map[int64]int{}
		all := make(chan struct{})
		h := func(ctx context.Context, j *shishi.Job) error {
			mu.Lock()
			defer mu.Unlock()
			runs[j.ID]++
			if len(runs) == 200 {
				select {
				case <-all:
				default:
					close(all)
				}
			}
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		var waits []func()
		for _, db := range []*sqlstore.DB{a, b} {
			q := &jobs.Queue{Store: db, Workers: 3, Poll: 10 * time.Millisecond}
			q.Handle("test.count", h)
			waits = append(waits, q.Start(ctx))
		}
		<-all
		cancel()
		for _, w := range waits {
			w()
		}
		for id, n := range runs {
			if n != 1 {
				t.Errorf("job %d ran %d times", id, n)
			}
		}
		if _, n, _ := a.FindJobs(sys, shishi.JobFilter{Status: shishi.JobDone}); n != 200 {
			t.Fatalf("%d jobs done, want 200", n)
		}
	})
}

// TestQueueRetries: a failing job runs again after its backoff, a panic
// counts as a failure, a permanent error makes a dead letter at once, and
// spent attempts too.
func TestQueueRetries(t *testing.T) {
	db := openDB(t, testdb.SQLite(t))
	var mu sync.Mutex
	var waits []int
	q := &jobs.Queue{Store: db, Backoff: func(n int) time.Duration { mu.Lock(); defer mu.Unlock(); waits = append(waits, n); return 0 }}
	fails := map[string]int{}
	q.Handle("test.flaky", func(ctx context.Context, j *shishi.Job) error {
		fails["flaky"]++
		switch fails["flaky"] {
		case 1:
			return errors.New("down")
		case 2:
			panic("boom")
		}
		return nil
	})
	q.Handle("test.bad", func(ctx context.Context, j *shishi.Job) error {
		return jobs.Permanent(errors.New("no such notice"))
	})
	q.Handle("test.never", func(ctx context.Context, j *shishi.Job) error { return errors.New("never") })
	flaky, _ := db.Enqueue(sys, shishi.JobInput{Kind: "test.flaky"})
	bad, _ := db.Enqueue(sys, shishi.JobInput{Kind: "test.bad"})
	never, _ := db.Enqueue(sys, shishi.JobInput{Kind: "test.never", MaxAttempts: 2})
	for i := 0; i < 10 && q.RunOnce(sys) > 0; i++ {
	}
	status := func(id int64) *shishi.Job {
		js, _, _ := db.FindJobs(sys, shishi.JobFilter{Limit: 500})
		for _, j := range js {
			if j.ID == id {
				return j
			}
		}
		t.Fatalf("job %d gone", id)
		return nil
	}
	if j := status(flaky.ID); j.Status != shishi.JobDone || j.Attempts != 3 {
		t.Errorf("flaky: %s after %d attempts", j.Status, j.Attempts)
	}
	if j := status(bad.ID); j.Status != shishi.JobDead || j.Attempts != 1 || j.LastError != "no such notice" {
		t.Errorf("permanent: %s after %d attempts (%s)", j.Status, j.Attempts, j.LastError)
	}
	if j := status(never.ID); j.Status != shishi.JobDead || j.Attempts != 2 || j.LastError != "never" {
		t.Errorf("never: %s after %d attempts", j.Status, j.Attempts)
	}
	if len(waits) < 3 || waits[0] != 1 {
		t.Errorf("backoff asked for attempts %v", waits)
	}
}

func TestBackoff(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := jobs.Backoff(n)
		base := 30 * time.Second << (n - 1)
		if base > 6*time.Hour {
			base = 6 * time.Hour
		}
		if d < base || d > base+base/10 || d < prev-prev/10 {
			t.Fatalf("attempt %d: %s (base %s)", n, d, base)
		}
		prev = d
	}
}
