package shishi

import (
	"context"
	"encoding/json"
	"time"
)

// JobStatus is where a queued job stands.
type JobStatus string

const (
	JobQueued  JobStatus = "queued"  // waiting for its run_at
	JobRunning JobStatus = "running" // claimed by a worker under a lease
	JobDone    JobStatus = "done"
	JobDead    JobStatus = "dead" // attempts spent: a dead letter for an admin to look at
)

// JobStatuses lists the statuses in their order.
var JobStatuses = []JobStatus{JobQueued, JobRunning, JobDone, JobDead}

// Valid reports whether s is a known status.
func (s JobStatus) Valid() bool {
	for _, x := range JobStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Job kinds of the application. A worker claims only the kinds it has a
// handler for.
const (
	JobMail    = "mail.notice"     // a notice sent by e-mail
	JobWebhook = "webhook.deliver" // one webhook delivery from the outbox
	JobProbe   = "queue.probe"     // the queue's self-test (shishi jobs probe)
)

// DefaultMaxAttempts is how often a job is tried before it becomes a dead
// letter; with the default backoff (30 s doubling, at most 6 h) that spans
// about a day.
const DefaultMaxAttempts = 10

// Job is one unit of background work in the database queue. Attempts
// counts claims; it is also the fencing token: only the worker holding the
// latest claim can finish the job.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Payload     json.RawMessage `json:"payload"`
	UnitID      *int64          `json:"unit_id"`
	Status      JobStatus       `json:"status"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	RunAt       time.Time       `json:"run_at"`
	LeaseUntil  *time.Time      `json:"lease_until"`
	Worker      string          `json:"worker"`
	LastError   string          `json:"last_error"`
	CreatedAt   time.Time       `json:"created_at"`
	DoneAt      *time.Time      `json:"done_at"`
}

// JobInput enqueues a job. Dedup, when set, makes a second job of the same
// kind and key a no-op.
type JobInput struct {
	Kind        string
	Payload     any
	Dedup       string
	UnitID      *int64 // the unit whose admins see the job; nil: the top admins
	MaxAttempts int    // 0: DefaultMaxAttempts
	RunAt       time.Time
}

// JobFilter narrows the admin's list of jobs.
type JobFilter struct {
	Status JobStatus
	Kind   string
	After  int64 // cursor: jobs with a smaller id (newest first)
	Limit  int
}

// QueueService is the durable job queue in the database.
type QueueService interface {
	// Enqueue adds a job on its own (the system, or an admin); changes that
	// cause work enqueue it in their own transaction instead. EINVALID,
	// EFORBIDDEN.
	Enqueue(ctx context.Context, in JobInput) (*Job, error)
	// ClaimJobs claims up to n due jobs of the kinds for worker, each held
	// for lease: queued jobs whose time has come and running jobs whose
	// lease ran out (their worker died). No job is handed to two workers
	// at once.
	ClaimJobs(ctx context.Context, worker string, kinds []string, n int, lease time.Duration) ([]*Job, error)
	// CompleteJob marks a claimed job done. ECONFLICT when the claim was
	// lost (the lease ran out and another worker took the job).
	CompleteJob(ctx context.Context, j *Job) error
	// FailJob records a failed attempt: the job runs again at retryAt, or
	// becomes dead when its attempts are spent or retryAt is zero. It
	// reports whether the job is dead. ECONFLICT when the claim was lost.
	FailJob(ctx context.Context, j *Job, runErr error, retryAt time.Time) (bool, error)
	// FindJobs lists jobs newest first for an admin: jobs of units in the
	// admin's reach, and unit-less jobs for admins at a top unit.
	FindJobs(ctx context.Context, f JobFilter) ([]*Job, int, error)
	// RetryJob puts a dead job back in the queue with fresh attempts (an
	// admin). ENOTFOUND, ECONFLICT when it is not dead.
	RetryJob(ctx context.Context, id int64) (*Job, error)
	// PurgeJobs deletes finished jobs done before t; it returns how many.
	PurgeJobs(ctx context.Context, before time.Time) (int, error)
}

// ProbeService runs the queue's self-test jobs.
type ProbeService interface {
	// RunProbe records the probe job's run and marks it done in one
	// transaction, so its effect exists exactly when the job is done.
	// ECONFLICT when the claim was lost.
	RunProbe(ctx context.Context, j *Job) error
}
