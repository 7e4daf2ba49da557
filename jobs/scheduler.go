// Package jobs runs Shishi's background work on the database: the durable
// queue (Queue: mail, webhook deliveries, the self-test probe; enqueued in
// the transaction of the change that causes them, claimed under a lease,
// retried with backoff, dead letters kept) and the periodic jobs
// (Scheduler: reminders, sweeps), each run claimed in the database with a
// lease, so several server processes share the work without running a job
// twice, and a restart resumes from the recorded last run. It imports the
// domain only.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/shishi-edu/shishi"
)

// Job is one periodic task.
type Job struct {
	Name  string
	Every time.Duration // at most once per this
	Lease time.Duration // a run not finished within this may be taken over
	Run   func(ctx context.Context) error
}

// Scheduler checks its jobs every Tick and runs the ones due.
type Scheduler struct {
	Store shishi.ScheduleService
	Log   *slog.Logger
	Tick  time.Duration
	jobs  []Job
}

// Add registers a job.
func (s *Scheduler) Add(j Job) {
	if j.Lease == 0 {
		j.Lease = 10 * time.Minute
	}
	s.jobs = append(s.jobs, j)
}

// RunDue runs, once, every job that is due and not held by another
// process; it returns how many ran.
func (s *Scheduler) RunDue(ctx context.Context) int {
	ran := 0
	for _, j := range s.jobs {
		ok, err := s.Store.ClaimRun(ctx, j.Name, j.Every, j.Lease)
		if err != nil {
			s.Log.Error("job claim", "job", j.Name, "err", err)
			continue
		}
		if !ok {
			continue
		}
		start := time.Now()
		jctx, cancel := context.WithTimeout(shishi.WithActor(ctx, shishi.SystemActor()), j.Lease)
		err = func() (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = shishi.Errorf(shishi.EINTERNAL, "panic: %v", v)
				}
			}()
			return j.Run(jctx)
		}()
		cancel()
		if ferr := s.Store.FinishRun(ctx, j.Name, err); ferr != nil {
			s.Log.Error("job finish", "job", j.Name, "err", ferr)
		}
		if err != nil {
			s.Log.Error("job failed", "job", j.Name, "err", err, "ms", time.Since(start).Milliseconds())
		} else {
			s.Log.Info("job done", "job", j.Name, "ms", time.Since(start).Milliseconds())
		}
		ran++
	}
	return ran
}

// Start runs due jobs now and then every Tick until ctx ends.
func (s *Scheduler) Start(ctx context.Context) {
	if s.Tick == 0 {
		s.Tick = time.Minute
	}
	go func() {
		t := time.NewTicker(s.Tick)
		defer t.Stop()
		for {
			s.RunDue(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
