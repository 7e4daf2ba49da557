package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/shishi-edu/shishi"
)

// Handler runs one job. An error makes the job run again later (with
// backoff) until its attempts are spent; Permanent(err) makes it a dead
// letter at once.
type Handler func(ctx context.Context, j *shishi.Job) error

type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent marks an error that retrying cannot mend (the job's subject is
// gone, its input is bad): the job becomes a dead letter now.
func Permanent(err error) error { return permanent{err} }

// Queue works the durable job queue: it claims due jobs of the kinds it has
// handlers for, runs up to Workers of them at once, and records each
// outcome. A job is held under a lease while it runs; if this process dies,
// the lease runs out and another (or the restarted) process takes the job
// again, so no job is lost, and the fencing in the store keeps a worker
// that lost its lease from finishing a job twice.
type Queue struct {
	Store shishi.QueueService
	Log   *slog.Logger
	// Workers is how many jobs run at once (default 4).
	Workers int
	// Lease is how long a claimed job may run before another worker may
	// take it over (default 5 minutes); a handler's context ends then.
	Lease time.Duration
	// Poll is how often an idle queue looks for work (default 1 s).
	Poll time.Duration
	// Backoff is the wait after a failed attempt (1-based); default
	// Backoff.
	Backoff func(attempt int) time.Duration
	// Now is the clock for retry times (default time.Now).
	Now func() time.Time
	// ID names this worker in the jobs it holds (default host:pid:random).
	ID string

	handlers map[string]Handler
	wake     chan struct{}
	once     sync.Once
}

// Backoff is the default wait after the attempt-th failure: 30 s doubling
// each time, at most 6 hours, with up to 10 % jitter so retries of many
// jobs do not arrive together.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second * time.Duration(math.Pow(2, float64(min(attempt-1, 20))))
	if d > 6*time.Hour || d <= 0 {
		d = 6 * time.Hour
	}
	var b [1]byte
	_, _ = rand.Read(b[:])
	return d + d*time.Duration(b[0])/2550
}

func (q *Queue) init() {
	q.once.Do(func() {
		if q.Workers <= 0 {
			q.Workers = 4
		}
		if q.Lease <= 0 {
			q.Lease = 5 * time.Minute
		}
		if q.Poll <= 0 {
			q.Poll = time.Second
		}
		if q.Backoff == nil {
			q.Backoff = Backoff
		}
		if q.Now == nil {
			q.Now = time.Now
		}
		if q.Log == nil {
			q.Log = slog.New(slog.DiscardHandler)
		}
		if q.ID == "" {
			host, _ := os.Hostname()
			b := make([]byte, 3)
			_, _ = rand.Read(b)
			q.ID = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
		}
		q.wake = make(chan struct{}, 1)
		if q.handlers == nil {
			q.handlers = map[string]Handler{}
		}
	})
}

// Handle registers the handler of a job kind.
func (q *Queue) Handle(kind string, h Handler) {
	if q.handlers == nil {
		q.handlers = map[string]Handler{}
	}
	q.handlers[kind] = h
}

// Kinds lists the kinds this queue works.
func (q *Queue) Kinds() []string {
	var ks []string
	for k := range q.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Wake makes an idle queue look for work now (after an enqueue in this
// process).
func (q *Queue) Wake() {
	q.init()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims what is due (up to Workers jobs), runs it and returns how
// many jobs it ran. Tests and tools use it; a server calls Start.
func (q *Queue) RunOnce(ctx context.Context) int {
	q.init()
	js, err := q.Store.ClaimJobs(ctx, q.ID, q.Kinds(), q.Workers, q.Lease)
	if err != nil {
		q.Log.Error("job claim", "err", err)
		return 0
	}
	var wg sync.WaitGroup
	for _, j := range js {
		wg.Add(1)
		go func() { defer wg.Done(); q.run(ctx, j) }()
	}
	wg.Wait()
	return len(js)
}

// Start works the queue until ctx ends; the returned function waits for
// the jobs still running to finish.
func (q *Queue) Start(ctx context.Context) (wait func()) {
	q.init()
	var wg sync.WaitGroup
	slots := make(chan struct{}, q.Workers)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			free := q.Workers - len(slots)
			var js []*shishi.Job
			if free > 0 {
				var err error
				js, err = q.Store.ClaimJobs(ctx, q.ID, q.Kinds(), free, q.Lease)
				if err != nil && ctx.Err() == nil {
					q.Log.Error("job claim", "err", err)
				}
			}
			for _, j := range js {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer func() { <-slots; wg.Done(); q.Wake() }()
					// A job claimed runs to its end (or its lease) even when
					// the server stops: its outcome is recorded, not lost.
					q.run(context.WithoutCancel(ctx), j)
				}()
			}
			if len(js) > 0 && len(js) == free {
				continue // there may be more: look again at once
			}
			t := time.NewTimer(q.Poll)
			select {
			case <-ctx.Done():
			case <-q.wake:
			case <-t.C:
			}
			t.Stop()
		}
	}()
	return func() { <-done; wg.Wait() }
}

// run runs one claimed job and records its outcome.
func (q *Queue) run(ctx context.Context, j *shishi.Job) {
	h := q.handlers[j.Kind]
	start := time.Now()
	jctx, cancel := context.WithTimeout(shishi.WithActor(ctx, shishi.SystemActor()), q.Lease)
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		if h == nil {
			return Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
		}
		return h(jctx, j)
	}()
	cancel()
	log := q.Log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "ms", time.Since(start).Milliseconds())
	if err == nil {
		if cerr := q.Store.CompleteJob(ctx, j); cerr != nil {
			log.Error("job complete", "err", cerr)
			return
		}
		log.Debug("job done")
		return
	}
	var retry time.Time
	var p permanent
	if !errors.As(err, &p) {
		retry = q.Now().Add(q.Backoff(j.Attempts))
	}
	dead, ferr := q.Store.FailJob(ctx, j, err, retry)
	switch {
	case ferr != nil:
		log.Error("job fail", "err", err, "record_err", ferr)
	case dead:
		log.Error("job dead", "err", err)
	default:
		log.Warn("job failed; will retry", "err", err, "retry_at", retry)
	}
}
