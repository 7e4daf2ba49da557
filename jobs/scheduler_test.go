package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/jobs"
)

// TestSchedulerRunsOncePerPeriod: two schedulers on one database (two
// server processes) run a due job once between them; it is not due again
// until its period has passed; a failed run is recorded and retried next
// period.
func TestSchedulerRunsOncePerPeriod(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		a, b := openDB(t, dsn), openDB(t, dsn)
		now := time.Date(2021, 10, 1, 0, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		a.Now, b.Now = clock, clock
		var runs atomic.Int32
		fail := false
		job := jobs.Job{Name: "test.job", Every: time.Hour, Run: func(context.Context) error {
			runs.Add(1)
			if fail {
				return errors.New("boom")
			}
			return nil
		}}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		sa, sb := &jobs.Scheduler{Store: a, Log: log}, &jobs.Scheduler{Store: b, Log: log}
		sa.Add(job)
		sb.Add(job)
		done := make(chan int, 2)
		go func() { done <- sa.RunDue(context.Background()) }()
		go func() { done <- sb.RunDue(context.Background()) }()
		if n := <-done + <-done; n != 1 || runs.Load() != 1 {
			t.Fatalf("two schedulers ran the job %d times (%d runs)", n, runs.Load())
		}
		now = now.Add(30 * time.Minute)
		if sa.RunDue(context.Background()) != 0 {
			t.Fatal("ran again within its period")
		}
		now, fail = now.Add(time.Hour), true
		if sb.RunDue(context.Background()) != 1 {
			t.Fatal("did not run after its period")
		}
		now, fail = now.Add(time.Hour), false
		if sa.RunDue(context.Background()) != 1 || runs.Load() != 3 {
			t.Fatalf("after a failure: %d runs", runs.Load())
		}
	})
}
