package sqlstore

import (
	"context"
	"database/sql"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/shishi-edu/shishi"
)

// Bulk issuance (批量签发). A file streams through one transaction in
// three stages: this goroutine reads and checks each row, a pool of
// signers (one per core: building and signing a credential is pure CPU,
// and the database is idle meanwhile) signs batches of rows, and one
// writer inserts each signed batch with a multi-row INSERT. Channels of a
// few batches bound the memory, whatever the file's length. Any fault
// rolls the whole transaction back: nothing is half-issued. Batches are
// numbered as they are read and inserted in that order, whichever signer
// finishes first, so row order is id order, as a file's reader expects
// (and `shishi gen` stays deterministic).

// maxFaults bounds the faults a bad file reports.
const maxFaults = 200

// bulkBatch is the rows of one signing job and one INSERT: 16 parameters a
// row keeps a statement well under both databases' parameter limits.
const bulkBatch = 200

type bulkJob struct {
	row           int
	c             *checked
	serial, index int64
}

// jobBatch and signedBatch carry a batch's place in the file.
type jobBatch struct {
	seq  int
	jobs []bulkJob
}

type signedBatch struct {
	seq  int
	rows []*signed
}

// bulkPipe signs and stores rows handed to it, in batches.
type bulkPipe struct {
	d       *DB
	ctx     context.Context
	tx      *sql.Tx
	is      *issuing
	pending []bulkJob
	seq     int // the next batch's place
	jobs    chan jobBatch
	signed  chan signedBatch
	workers sync.WaitGroup
	writer  chan struct{} // closed when the writer is done

	mu     sync.Mutex
	faults []shishi.FieldError // rows that would not sign
	err    error               // the first database error
	stored int
}

func (d *DB) newBulkPipe(ctx context.Context, tx *sql.Tx, is *issuing, progress func(int)) *bulkPipe {
	n := runtime.GOMAXPROCS(0)
	p := &bulkPipe{d: d, ctx: ctx, tx: tx, is: is, jobs: make(chan jobBatch, 2*n), signed: make(chan signedBatch, 2*n), writer: make(chan struct{})}
	for i := 0; i < n; i++ {
		p.workers.Add(1)
		go p.sign()
	}
	go p.write(progress)
	return p
}

func (p *bulkPipe) sign() {
	defer p.workers.Done()
	for b := range p.jobs {
		out := make([]*signed, 0, len(b.jobs))
		for _, j := range b.jobs {
			s, err := p.d.build(p.is, j.c, j.serial, 1, j.index)
			if err != nil {
				fe := shishi.ErrorFields(err)
				for i := range fe {
					fe[i].Row = j.row
				}
				p.mu.Lock()
				p.faults = append(p.faults, fe...)
				p.mu.Unlock()
				continue
			}
			out = append(out, s)
		}
		p.signed <- signedBatch{b.seq, out}
	}
}

// write inserts the signed batches in the file's order, holding those
// that come early; after an error it only drains.
func (p *bulkPipe) write(progress func(int)) {
	defer close(p.writer)
	var stmt *sql.Stmt
	early := map[int][]*signed{}
	next := 0
	for b := range p.signed {
		early[b.seq] = b.rows
		for {
			batch, ok := early[next]
			if !ok {
				break
			}
			delete(early, next)
			next++
			stmt = p.insert(batch, stmt, progress)
		}
	}
	if stmt != nil {
		stmt.Close()
	}
}

// insert writes one batch, preparing the full batch's statement once.
func (p *bulkPipe) insert(batch []*signed, stmt *sql.Stmt, progress func(int)) *sql.Stmt {
	if p.failed() || len(batch) == 0 {
		return stmt
	}
	var err error
	if len(batch) == bulkBatch {
		if stmt == nil {
			stmt, err = p.tx.PrepareContext(p.ctx, insertRows(bulkBatch, p.d.postgres))
		}
		if err == nil {
			_, err = stmt.ExecContext(p.ctx, p.args(batch)...)
		}
	} else {
		_, err = p.tx.ExecContext(p.ctx, insertRows(len(batch), p.d.postgres), p.args(batch)...)
	}
	p.mu.Lock()
	if err != nil && p.err == nil {
		p.err = err
	}
	p.stored += len(batch)
	n := p.stored
	p.mu.Unlock()
	if err == nil && progress != nil {
		progress(n)
	}
	return stmt
}

func (p *bulkPipe) args(batch []*signed) []any {
	a := make([]any, 0, 16*len(batch))
	for _, s := range batch {
		a = append(a, s.values(p.is)...)
	}
	return a
}

// insertRows is a multi-row INSERT of n credentials (placeholders says
// why SQLite gets ? placeholders).
func insertRows(n int, postgres bool) string {
	var b strings.Builder
	b.WriteString(credentialInsertCols)
	placeholders(&b, n, 16, postgres)
	return b.String()
}

// failed: a row would not sign or an INSERT failed; signing more is waste.
func (p *bulkPipe) failed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err != nil || len(p.faults) > 0
}

func (p *bulkPipe) add(j bulkJob) {
	p.pending = append(p.pending, j)
	if len(p.pending) == bulkBatch {
		p.flush()
	}
}

// flush hands the pending rows to the signers as the next batch.
func (p *bulkPipe) flush() {
	p.jobs <- jobBatch{p.seq, p.pending}
	p.seq++
	p.pending = nil
}

// close flushes, waits for every stage and answers the sign faults (by
// row) and the first database error.
func (p *bulkPipe) close() ([]shishi.FieldError, error) {
	if len(p.pending) > 0 {
		p.flush()
	}
	close(p.jobs)
	p.workers.Wait()
	close(p.signed)
	<-p.writer
	sort.SliceStable(p.faults, func(i, j int) bool { return p.faults[i].Row < p.faults[j].Row })
	if p.err != nil {
		if isUnique(p.err) {
			return p.faults, shishi.Errorf(shishi.ECONFLICT, "证书编号已存在 / a certificate number exists already")
		}
		return p.faults, shishi.Internal(p.err)
	}
	return p.faults, nil
}

// IssueBulk implements shishi.CredentialService. Each row is checked as
// it is read; good rows go to the signers while the file is clean. After
// the first bad row nothing more is signed, but the rest is still checked
// so every fault is listed, and the transaction is rolled back. One audit
// entry records the batch (its count and number range).
func (d *DB) IssueBulk(ctx context.Context, typeCode string, rows shishi.RowSource, progress func(int)) (int, error) {
	var n int
	err := d.tx(ctx, func(tx *sql.Tx) error {
		is, err := d.startIssuing(ctx, tx, typeCode)
		if err != nil {
			return err
		}
		defer is.insert.Close()
		cols, faults := mapHeader(is.typ, rows.Header())
		if len(faults) > 0 {
			return shishi.Invalid(faults...)
		}
		// The first serial and index are taken now, the rest at the end:
		// the transaction holds both counters' rows meanwhile.
		serial, index, err := d.allocate(ctx, tx, is, 1)
		if err != nil {
			return err
		}
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pipe := d.newBulkPipe(pctx, tx, is, progress)
		readErr := func() error {
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				row, values, err := rows.Next()
				if err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				in, blank := rowValues(cols, values)
				if blank {
					continue
				}
				c, bad := d.check(is.typ, in, row)
				if len(bad) > 0 || len(faults) > 0 {
					faults = append(faults, bad...)
					if len(faults) >= maxFaults {
						faults = append(faults[:maxFaults], shishi.FieldError{Field: "file", Row: row, Message: "错误过多，其余行未检查 / too many faults; the rest was not checked"})
						return nil
					}
					continue
				}
				if !pipe.failed() {
					pipe.add(bulkJob{row: row, c: c, serial: serial + int64(n), index: index + int64(n)})
				}
				n++
			}
		}()
		if readErr != nil {
			cancel()
		}
		signFaults, err := pipe.close()
		if readErr != nil {
			return readErr
		}
		if err != nil {
			return err
		}
		if faults = append(faults, signFaults...); len(faults) > 0 {
			sort.SliceStable(faults, func(i, j int) bool { return faults[i].Row < faults[j].Row })
			return shishi.Invalid(faults...)
		}
		if n == 0 {
			return shishi.Invalid(shishi.FieldError{Field: "file", Message: "文件中没有数据行 / the file has no data rows"})
		}
		if n > 1 {
			if _, _, err := d.allocate(ctx, tx, is, int64(n-1)); err != nil {
				return err
			}
		}
		number := func(s int64) string {
			return shishi.CertNumber{TypeCode: is.typ.NumberCode, IssuerCode: is.issuer.CreditCode, Serial: s, Version: 1}.String()
		}
		return d.appendAudit(ctx, tx, "credential.bulk_issue", "credential_type", is.typ.ID, &is.issuer.UnitID,
			map[string]any{"type": typeCode, "count": n, "first": number(serial), "last": number(serial + int64(n) - 1)})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// rowValues maps a row's cells to field keys; blank rows are skipped.
func rowValues(cols, values []string) (map[string]string, bool) {
	in := make(map[string]string, len(cols))
	blank := true
	for i, key := range cols {
		if i < len(values) && key != "" {
			in[key] = values[i]
			blank = blank && strings.TrimSpace(values[i]) == ""
		}
	}
	return in, blank
}

// mapHeader matches the header row to the type's fields by key or label.
func mapHeader(t *shishi.CredentialType, header []string) ([]string, []shishi.FieldError) {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var faults []shishi.FieldError
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		for _, f := range t.Fields {
			if h == f.Key || h == f.Label || (f.LabelEn != "" && strings.EqualFold(h, f.LabelEn)) {
				cols[i] = f.Key
			}
		}
		switch {
		case cols[i] == "":
			faults = append(faults, shishi.FieldError{Field: h, Row: 1, Message: "表头不是该证书类型的字段 / the header names no field of this type"})
		case seen[cols[i]]:
			faults = append(faults, shishi.FieldError{Field: h, Row: 1, Message: "表头重复 / the column is given twice"})
		}
		seen[cols[i]] = true
	}
	for _, f := range t.Fields {
		if (f.Required || f.Kind == shishi.FieldName) && !seen[f.Key] {
			faults = append(faults, shishi.FieldError{Field: f.Label, Row: 1, Message: "缺少必填列 / a required column is missing"})
		}
	}
	return cols, faults
}
