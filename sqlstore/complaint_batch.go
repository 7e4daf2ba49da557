package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"
	"time"

	"github.com/shishi-edu/shishi"
)

// Public submissions are written by one goroutine that commits many of
// them per transaction (group commit). Under load every commit — one
// fsync with SQLite's synchronous=FULL — carries all the submissions that
// arrived while the last one was being written, so throughput grows with
// the number of clients instead of being capped at one fsync per
// complaint, and no client ever waits on SQLite's write lock ("database is
// locked" cannot reach it). Each submission runs under its own SAVEPOINT:
// one that fails (an unknown unit) is rolled back alone and answered with
// its error, the rest commit. A client is answered only after the commit:
// an acknowledged complaint is durable.

// maxBatch bounds one transaction.
const maxBatch = 256

type submission struct {
	ctx    context.Context
	in     shishi.ComplaintInput
	sealed string
	files  []*shishi.Attachment
	cal    shishi.Calendar
	rc     *shishi.Receipt
	err    error
	done   chan struct{}
}

type submitter struct {
	d    *DB
	ch   chan *submission
	quit chan struct{}
	wg   sync.WaitGroup
	// conn is the writer's own connection on SQLite (begin).
	conn *sql.Conn
}

// submissions starts the writer on first use.
func (d *DB) submissions() *submitter {
	d.submitOnce.Do(func() {
		d.submit = &submitter{d: d, ch: make(chan *submission, maxBatch), quit: make(chan struct{})}
		d.submit.wg.Add(1)
		go d.submit.run()
	})
	return d.submit
}

// submit hands p to the writer and waits for its commit (or ctx's end:
// the submission may still land, unacknowledged).
func (s *submitter) submit(ctx context.Context, p *submission) (*shishi.Receipt, error) {
	p.ctx, p.done = context.WithoutCancel(ctx), make(chan struct{})
	select {
	case s.ch <- p:
	case <-s.quit:
		return nil, shishi.Errorf(shishi.EINTERNAL, "服务正在关闭 / the server is shutting down")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-p.done:
		return p.rc, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *submitter) run() {
	defer s.wg.Done()
	defer s.dropConn()
	for {
		var first *submission
		select {
		case first = <-s.ch:
		case <-s.quit:
			return
		}
		batch := []*submission{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case p := <-s.ch:
				batch = append(batch, p)
			default:
				break drain
			}
		}
		s.write(batch)
		answer(batch)
	}
}

// answer wakes a batch's clients.
func answer(batch []*submission) {
	for _, p := range batch {
		close(p.done)
	}
}

// begin starts a batch's transaction; on SQLite on the writer's own
// connection, opened on first use with its statement journals in memory
// (temp_store=MEMORY). A batch's multi-row INSERTs each keep a statement
// journal — the pages they change, to take the statement back if it
// fails — and past 64 KiB SQLite spills it to a temporary file: under 64
// clients those writes were a tenth of the writer's time. Only this
// connection keeps them in memory: on the pool's, the same setting would
// hold a large sort's spill in memory as well.
func (s *submitter) begin(ctx context.Context) (*sql.Tx, error) {
	if s.d.postgres {
		return s.d.db.BeginTx(ctx, nil)
	}
	if s.conn == nil {
		c, err := s.d.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := c.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
			c.Close()
			return nil, err
		}
		s.conn = c
	}
	tx, err := s.conn.BeginTx(ctx, nil)
	if errors.Is(err, driver.ErrBadConn) {
		// A broken connection is replaced at the next batch; one that
		// only met a lock held too long is kept.
		s.dropConn()
	}
	return tx, err
}

// dropConn hands the writer's connection back to the pool with the
// pool's settings.
func (s *submitter) dropConn() {
	if s.conn == nil {
		return
	}
	_, _ = s.conn.ExecContext(context.Background(), "PRAGMA temp_store = DEFAULT")
	s.conn.Close()
	s.conn = nil
}

// write commits a batch: each submission settled alone (one refused
// leaves no row), the cases inserted together, then the rows that follow
// them (timeline lines, notices, audit entries), all before the commit.
func (s *submitter) write(batch []*submission) {
	d := s.d
	ctx := context.Background()
	leave, err := d.enterWrite(ctx)
	if err != nil {
		s.fail(batch, err)
		return
	}
	defer leave()
	tx, err := s.begin(ctx)
	if err != nil {
		s.fail(batch, err)
		return
	}
	defer tx.Rollback()
	// The batch's statements, prepared once in the process.
	stmts := d.withStmts(ctx, tx)
	rows, err := d.batchRows(stmts, tx)
	if err != nil {
		s.fail(batch, err)
		return
	}
	defer rows.close()
	// Each submission settled alone; one with files written at once,
	// under a savepoint, so that one whose files cannot be written is
	// taken back alone.
	cases := make([]*pendingCase, len(batch))
	var group []*pendingCase
	for i, p := range batch {
		pctx := withStmtsOf(p.ctx, stmts)
		if len(p.files) == 0 {
			if cases[i], p.err = d.settleCase(pctx, tx, p); p.err == nil {
				group = append(group, cases[i])
			}
			continue
		}
		if _, err := on(stmts, tx).ExecContext(ctx, "SAVEPOINT s"); err != nil {
			p.err = shishi.Internal(err)
			continue
		}
		c, err := d.settleCase(pctx, tx, p)
		if err == nil {
			err = d.insertCases(pctx, tx, []*pendingCase{c})
		}
		if err == nil && p.err == nil {
			err = d.writeCaseFiles(pctx, tx, c)
		}
		if err != nil || p.err != nil {
			p.err = cmp.Or(p.err, err)
			if _, err := on(stmts, tx).ExecContext(ctx, "ROLLBACK TO SAVEPOINT s"); err != nil {
				s.fail(batch, err)
				return
			}
		} else {
			cases[i] = c
		}
		if _, err := on(stmts, tx).ExecContext(ctx, "RELEASE SAVEPOINT s"); err != nil {
			s.fail(batch, err)
			return
		}
	}
	// The rest together: a statement that fails fails the batch.
	if err := d.insertCases(stmts, tx, group); err != nil {
		s.fail(batch, err)
		return
	}
	ok := 0
	for i, p := range batch {
		if p.err != nil || cases[i] == nil {
			p.rc = nil
			continue
		}
		p.rc = rows.addCase(cases[i])
		ok++
	}
	if err := rows.flush(); err != nil {
		s.fail(batch, err)
		return
	}
	// A submission writes complaints, their events, notices and the
	// audit chain, none of which a list total reads: the count cache's
	// generation stays (see txOutsideLists).
	err = tx.Commit()
	if err != nil {
		s.fail(batch, err)
		return
	}
	if d.OnBatch != nil {
		d.OnBatch(len(batch), ok)
	}
}

// batchRows are the rows a batch's submissions add after their cases:
// each case's first timeline line, the desk's notices, the audit entries
// (auditBatch: chained in order from the head read once, with their
// webhook outbox rows). Written one statement a row they were half of the
// writer's time (profiled under 64 clients); as multi-row INSERTs, a few
// statements a batch.
type batchRows struct {
	d       *DB
	ctx     context.Context
	tx      *sql.Tx
	events  *rowsWriter
	notices []batchNotice
	entries *auditBatch
}

// batchNotice is a notice pointing at a case.
type batchNotice struct {
	user, caseID int64
	kind, text   string
	at           time.Time
}

// batchRows reads what the batch's audit entries need before any
// submission runs: the chain's head (locked on PostgreSQL) and whether
// any webhook is active. Adding a submission's rows then cannot fail: a
// submission is refused before it adds any, or not at all.
func (d *DB) batchRows(ctx context.Context, tx *sql.Tx) (*batchRows, error) {
	entries, err := d.auditRows(ctx, tx, "complaint.submit")
	if err != nil {
		return nil, err
	}
	r := &batchRows{d: d, ctx: ctx, tx: tx, entries: entries,
		events: d.rowsWriter(ctx, tx, "complaint_events", "complaint_id", "at", "actor", "action", "public", "note", "unit_id")}
	r.events.steady, r.entries.rows.steady = d, d
	return r, nil
}

func (r *batchRows) notice(user int64, kind string, caseID int64, text string, at time.Time) {
	r.notices = append(r.notices, batchNotice{user: user, caseID: caseID, kind: kind, text: text, at: at})
}

// audit chains a submission's entry as the actor of ctx, with its detail
// already marshalled.
func (r *batchRows) audit(ctx context.Context, entity string, entityID int64, unitID *int64, detail []byte) {
	a := shishi.ActorFrom(ctx)
	if a == nil {
		a = &shishi.Actor{Login: "anonymous"}
	}
	r.entries.addAs(a, entity, entityID, unitID, string(detail))
}

// flush writes the rows in foreign-key order, the notices' mail jobs and
// the webhook outbox rows, and the audit head.
func (r *batchRows) flush() error {
	d, ctx, tx := r.d, r.ctx, r.tx
	if err := r.events.flush(); err != nil {
		return shishi.Internal(err)
	}
	if len(r.notices) > 0 {
		// Ids are taken ahead when mail is on: each mail job names its
		// notice.
		var ids []int64
		cols := []string{"user_id", "kind", "complaint_id", "text", "at", "dedup"}
		if d.MailEnabled {
			var err error
			if ids, err = d.reserveIDs(ctx, tx, "notices", len(r.notices)); err != nil {
				return err
			}
			cols = append(cols, "id")
		}
		w := d.rowsWriter(ctx, tx, "notices", cols...)
		w.steady = d
		defer w.close()
		for i, n := range r.notices {
			if ids != nil {
				w.add(n.user, n.kind, n.caseID, n.text, n.at, "", ids[i])
			} else {
				w.add(n.user, n.kind, n.caseID, n.text, n.at, "")
			}
		}
		if err := w.flush(); err != nil {
			return shishi.Internal(err)
		}
		for i, n := range r.notices {
			if ids == nil {
				break
			}
			if err := d.mailNotice(ctx, tx, ids[i], n.user, n.kind); err != nil {
				return err
			}
		}
	}
	return r.entries.finish()
}

func (r *batchRows) close() {
	r.events.close()
	r.entries.close()
}

// fail answers every submission of a batch that did not commit.
func (s *submitter) fail(batch []*submission, err error) {
	for _, p := range batch {
		if p.err == nil {
			p.rc, p.err = nil, shishi.Internal(err)
		}
	}
}

// stop ends the writer after the batch in hand.
func (s *submitter) stop() {
	close(s.quit)
	s.wg.Wait()
}
