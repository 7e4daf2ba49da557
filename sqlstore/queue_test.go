package sqlstore_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestQueueConcurrentClaims: three workers claim from 300 jobs at once;
// every job is handed out exactly once and ends done.
func TestQueueConcurrentClaims(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		for i := 0; i < 300; i++ {
			if _, err := w.db.Enqueue(w.sys, shishi.JobInput{Kind: "test.x", Payload: map[string]int{"n": i}}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for k := 0; k < 3; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					js, err := w.db.ClaimJobs(w.sys, "w", []string{"test.x"}, 7, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if len(js) == 0 {
						return
					}
					for _, j := range js {
						mu.Lock()
						seen[j.ID]++
						mu.Unlock()
						if err := w.db.CompleteJob(w.sys, j); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != 300 {
			t.Fatalf("%d distinct jobs claimed, want 300", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("job %d claimed %d times", id, n)
			}
		}
		if _, n, _ := w.db.FindJobs(w.sys, shishi.JobFilter{Status: shishi.JobDone}); n != 300 {
			t.Fatalf("%d done", n)
		}
	})
}

// TestQueueLeaseRetryDead: a lost lease fences the old worker out; a
// failure waits for its backoff; spent attempts make a dead letter that an
// admin sees and puts back.
func TestQueueLeaseRetryDead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		kinds := []string{"test.y"}
		j, err := w.db.Enqueue(w.sys, shishi.JobInput{Kind: "test.y", Dedup: "once", MaxAttempts: 3})
		if err != nil || j.Status != shishi.JobQueued {
			t.Fatalf("enqueue: %+v %v", j, err)
		}
		if again, err := w.db.Enqueue(w.sys, shishi.JobInput{Kind: "test.y", Dedup: "once"}); err != nil || again != nil {
			t.Fatalf("dedup: %+v %v", again, err)
		}
		// Worker A claims, then stalls past its lease; B takes the job over.
		a, _ := w.db.ClaimJobs(w.sys, "A", kinds, 5, time.Minute)
		if len(a) != 1 || a[0].Attempts != 1 || a[0].Worker != "A" {
			t.Fatalf("A claims %+v", a)
		}
		if more, _ := w.db.ClaimJobs(w.sys, "B", kinds, 5, time.Minute); len(more) != 0 {
			t.Fatal("B claimed a job A holds")
		}
		now = now.Add(2 * time.Minute)
		b, _ := w.db.ClaimJobs(w.sys, "B", kinds, 5, time.Minute)
		if len(b) != 1 || b[0].Attempts != 2 {
			t.Fatalf("B takes over: %+v", b)
		}
		if err := w.db.CompleteJob(w.sys, a[0]); code(err) != shishi.ECONFLICT {
			t.Fatalf("A completes after losing the lease: %v", err)
		}
		if _, err := w.db.FailJob(w.sys, a[0], errors.New("late"), now); code(err) != shishi.ECONFLICT {
			t.Fatalf("A fails after losing the lease: %v", err)
		}
		// B fails: the job waits for its retry time.
		if dead, err := w.db.FailJob(w.sys, b[0], errors.New("receiver down"), now.Add(time.Hour)); dead || err != nil {
			t.Fatalf("fail: %v %v", dead, err)
		}
		if js, _ := w.db.ClaimJobs(w.sys, "B", kinds, 5, time.Minute); len(js) != 0 {
			t.Fatal("claimed before its retry time")
		}
		now = now.Add(time.Hour)
		c, _ := w.db.ClaimJobs(w.sys, "C", kinds, 5, time.Minute)
		if len(c) != 1 || c[0].Attempts != 3 || c[0].LastError != "receiver down" {
			t.Fatalf("retry: %+v", c)
		}
		// The third attempt was the last: failing it makes a dead letter.
		if dead, err := w.db.FailJob(w.sys, c[0], errors.New("still down"), now.Add(time.Hour)); !dead || err != nil {
			t.Fatalf("last attempt: %v %v", dead, err)
		}
		// The top admin sees it; the Henan admin does not (no unit: top only).
		dl, n, err := w.db.FindJobs(w.as(t, w.admin), shishi.JobFilter{Status: shishi.JobDead})
		if err != nil || n != 1 || dl[0].LastError != "still down" {
			t.Fatalf("dead letters: %d %+v %v", n, dl, err)
		}
		if _, n, _ := w.db.FindJobs(w.as(t, w.haAdmin), shishi.JobFilter{Status: shishi.JobDead}); n != 0 {
			t.Fatalf("Henan admin sees %d unit-less jobs", n)
		}
		if _, _, err := w.db.FindJobs(w.as(t, w.zzOp), shishi.JobFilter{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("operator lists jobs: %v", err)
		}
		if _, err := w.db.RetryJob(w.as(t, w.haAdmin), j.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("Henan admin retries: %v", err)
		}
		r, err := w.db.RetryJob(w.as(t, w.admin), j.ID)
		if err != nil || r.Status != shishi.JobQueued || r.Attempts != 0 {
			t.Fatalf("retry: %+v %v", r, err)
		}
		if _, err := w.db.RetryJob(w.as(t, w.admin), j.ID); code(err) != shishi.ECONFLICT {
			t.Fatalf("retry a queued job: %v", err)
		}
		if es, _, _ := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Action: "job.retry"}); len(es) != 1 {
			t.Fatalf("retry audited %d times", len(es))
		}
		// A job of a Henan unit is the Henan admin's to see.
		if _, err := w.db.Enqueue(w.sys, shishi.JobInput{Kind: "test.z", UnitID: &w.zz.ID}); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := w.db.FindJobs(w.as(t, w.haAdmin), shishi.JobFilter{Kind: "test.z"}); n != 1 {
			t.Fatalf("Henan admin sees %d Zhengzhou jobs", n)
		}
		// A worker that dies on the last attempt leaves a dead letter once
		// its lease runs out.
		if d, _ := w.db.ClaimJobs(w.sys, "D", kinds, 5, time.Minute); len(d) != 1 {
			t.Fatal("D claims nothing")
		}
		now = now.Add(2 * time.Minute)
		for i := 0; i < 2; i++ {
			if js, _ := w.db.ClaimJobs(w.sys, "E", kinds, 5, time.Minute); len(js) != 1 {
				t.Fatalf("take over %d: %d jobs", i, len(js))
			}
			now = now.Add(2 * time.Minute)
		}
		if js, _ := w.db.ClaimJobs(w.sys, "F", kinds, 5, time.Minute); len(js) != 0 {
			t.Fatalf("a job with spent attempts was claimed again")
		}
		if got, _, _ := w.db.FindJobs(w.sys, shishi.JobFilter{Kind: "test.y"}); got[0].Status != shishi.JobDead {
			t.Fatalf("after three lost leases: %s", got[0].Status)
		}
		// Done jobs are purged after a while.
		p, _ := w.db.Enqueue(w.sys, shishi.JobInput{Kind: "test.p"})
		pj, _ := w.db.ClaimJobs(w.sys, "P", []string{"test.p"}, 1, time.Minute)
		if len(pj) != 1 || pj[0].ID != p.ID || w.db.CompleteJob(w.sys, pj[0]) != nil {
			t.Fatal("probe job")
		}
		now = now.Add(8 * 24 * time.Hour)
		if n, err := w.db.PurgeJobs(w.sys, now.Add(-7*24*time.Hour)); n != 1 || err != nil {
			t.Fatalf("purge: %d %v", n, err)
		}
	})
}
