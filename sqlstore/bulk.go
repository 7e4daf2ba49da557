package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// bulkParams bounds one multi-row statement's parameters: far below
// SQLite's 32,766 and PostgreSQL's 65,535, and small enough that a
// statement's text stays a few tens of kilobytes.
const bulkParams = 4000

// placeholders writes n rows of cols parameters each, "(…), (…)". SQLite
// gets plain ? placeholders: its driver looks each numbered one up by name
// in a list, which over a few thousand parameters costs more than the
// INSERT itself (credential_bulk.go found it first).
func placeholders(b *strings.Builder, n, cols int, postgres bool) {
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 1; c <= cols; c++ {
			if c > 1 {
				b.WriteByte(',')
			}
			if postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(r*cols + c))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
}

// rowsWriter collects one table's rows in memory and writes them with
// multi-row INSERTs in a transaction: one statement and one round trip for
// up to bulkParams values instead of one a row. Statements are prepared
// once per row count and kept until close, so a run of equal batches
// parses its text once. The caller flushes tables in foreign-key order.
type rowsWriter struct {
	ctx      context.Context
	tx       *sql.Tx
	postgres bool
	head     string
	cols     int
	per      int
	vals     []any
	stmts    map[int]*sql.Stmt
}

func (d *DB) rowsWriter(ctx context.Context, tx *sql.Tx, table string, cols ...string) *rowsWriter {
	return &rowsWriter{ctx: ctx, tx: tx, postgres: d.postgres, head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		cols: len(cols), per: max(1, bulkParams/len(cols)), stmts: map[int]*sql.Stmt{}}
}

// add queues one row; vals must match the columns.
func (w *rowsWriter) add(vals ...any) {
	if len(vals) != w.cols {
		panic("sqlstore: " + w.head + ": " + strconv.Itoa(len(vals)) + " values")
	}
	w.vals = append(w.vals, vals...)
}

// flush writes every queued row.
func (w *rowsWriter) flush() error {
	for len(w.vals) > 0 {
		n := min(w.per, len(w.vals)/w.cols)
		st, err := w.stmt(n)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(w.ctx, w.vals[:n*w.cols]...); err != nil {
			return err
		}
		w.vals = w.vals[n*w.cols:]
	}
	w.vals = w.vals[:0:0]
	return nil
}

// stmt is the statement of n rows. At most a few sizes are kept: a batch
// of items gives the same sizes each time; any others are prepared and
// closed once.
func (w *rowsWriter) stmt(n int) (*sql.Stmt, error) {
	if st := w.stmts[n]; st != nil {
		return st, nil
	}
	var b strings.Builder
	b.WriteString(w.head)
	placeholders(&b, n, w.cols, w.postgres)
	st, err := w.tx.PrepareContext(w.ctx, b.String())
	if err != nil {
		return nil, err
	}
	if len(w.stmts) >= 8 {
		for k, old := range w.stmts {
			old.Close()
			delete(w.stmts, k)
			break
		}
	}
	w.stmts[n] = st
	return st, nil
}

// close releases the statements.
func (w *rowsWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}
