package sqlstore

import (
	"context"
	"strconv"
	"sync"

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
	}
}

// write commits a batch, one savepoint per submission.
func (s *submitter) write(batch []*submission) {
	d := s.d
	ctx := context.Background()
	defer func() {
		for _, p := range batch {
			close(p.done)
		}
	}()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		for _, p := range batch {
			p.err = shishi.Internal(err)
		}
		return
	}
	defer tx.Rollback()
	// One statement cache for the batch: each SQL text is parsed once.
	stmts := withStmts(ctx, tx)
	batch0 := batchOf(stmts, tx)
	ok := 0
	for i, p := range batch {
		sp := "s" + strconv.Itoa(i)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			p.err = shishi.Internal(err)
			continue
		}
		head := batch0.head
		p.rc, p.err = d.submitTx(withStmtsOf(p.ctx, stmts), tx, p)
		if p.err != nil {
			p.rc = nil
			// The savepoint takes back the submission's audit entry: the
			// head the batch keeps goes back with it.
			batch0.head = head
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
				s.fail(batch, err)
				return
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			s.fail(batch, err)
			return
		}
		ok++
	}
	if err := batch0.flushHead(ctx); err != nil {
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
