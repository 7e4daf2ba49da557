package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
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

// rowsWriter collects one table's rows in memory and writes them in a
// transaction with a few statements instead of one a row: on SQLite
// multi-row INSERTs of up to bulkParams values, prepared once per row
// count and kept until close, so a run of equal batches parses its text
// once; on PostgreSQL one INSERT … SELECT FROM unnest of one array a
// column (flushArrays). The caller flushes tables in foreign-key order.
type rowsWriter struct {
	ctx      context.Context
	tx       *sql.Tx
	postgres bool
	head     string
	cols     int
	per      int
	vals     []any
	stmts    map[int]*sql.Stmt
	text     string // flushArrays' statement, stmts[0]
	// steady, on SQLite, writes rows in statements of a few fixed sizes
	// (steadySizes), prepared once in the process (readCache) and bound to
	// each transaction: a writer of many small batches of varying size
	// (complaint_batch.go) then parses no text per batch.
	steady *DB
}

// steadySizes are the row counts of a steady writer's statements.
var steadySizes = []int{64, 16, 4, 1}

// steadySize is the largest steady row count of at most n rows of cols
// parameters each within bulkParams.
func steadySize(n, cols int) int {
	for _, k := range steadySizes {
		if k <= n && k*cols <= bulkParams {
			return k
		}
	}
	return 1
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
	if w.postgres {
		return w.flushArrays()
	}
	for len(w.vals) > 0 {
		n := min(w.per, len(w.vals)/w.cols)
		if w.steady != nil {
			n = steadySize(n, w.cols)
		}
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
	if w.steady != nil {
		if parent := w.steady.read().stmt(w.ctx, b.String()); parent != nil {
			st := w.tx.StmtContext(w.ctx, parent)
			w.stmts[n] = st
			return st, nil
		}
	}
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

// flushArrays writes the queued rows on PostgreSQL in one statement that
// takes one array a column and unnests them: its text is the same for any
// number of rows, so it is parsed and planned once, and the server reads
// 24 arrays rather than planning a VALUES list of 4,000 parameters (the
// import of a 100,000-item sheet spent most of its time there).
func (w *rowsWriter) flushArrays() error {
	n := len(w.vals) / w.cols
	if n == 0 {
		return nil
	}
	arrays := make([]any, w.cols)
	var b strings.Builder
	b.WriteString(strings.Replace(w.head, " VALUES ", " SELECT * FROM unnest(", 1))
	for c := 0; c < w.cols; c++ {
		a, typ, err := pgArray(w.vals, c, w.cols, n)
		if err != nil {
			return err
		}
		arrays[c] = a
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(c+1) + "::" + typ + "[]")
	}
	b.WriteByte(')')
	st, err := w.prepared(b.String())
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(w.ctx, arrays...); err != nil {
		return err
	}
	w.vals = w.vals[:0:0]
	return nil
}

// prepared is the statement of a fixed text, prepared once.
func (w *rowsWriter) prepared(text string) (*sql.Stmt, error) {
	if w.text == text && w.stmts[0] != nil {
		return w.stmts[0], nil
	}
	st, err := w.tx.PrepareContext(w.ctx, text)
	if err != nil {
		return nil, err
	}
	if old := w.stmts[0]; old != nil {
		old.Close()
	}
	w.text, w.stmts[0] = text, st
	return st, nil
}

// pgArray is column c of the n queued rows as a typed slice pgx sends as
// an array, with its SQL type, taken from the Go type of the first row's
// value: integers (nullable as sql.NullInt64 or *int64) are bigint,
// strings text, booleans boolean, times timestamptz.
func pgArray(vals []any, c, cols, n int) (any, string, error) {
	switch vals[c].(type) {
	case string:
		a, err := typedColumn[string](vals, c, cols, n)
		return a, "text", err
	case bool:
		a, err := typedColumn[bool](vals, c, cols, n)
		return a, "boolean", err
	case time.Time:
		a, err := typedColumn[time.Time](vals, c, cols, n)
		return a, "timestamptz", err
	}
	a := make([]*int64, n)
	for r := range a {
		switch v := vals[r*cols+c].(type) {
		case int64:
			a[r] = &v
		case int:
			x := int64(v)
			a[r] = &x
		case sql.NullInt64:
			if v.Valid {
				a[r] = &v.Int64
			}
		case *int64:
			a[r] = v
		default:
			return nil, "", badColumn(c, v)
		}
	}
	return a, "bigint", nil
}

// typedColumn is column c of the n rows as a []T.
func typedColumn[T any](vals []any, c, cols, n int) ([]T, error) {
	a := make([]T, n)
	for r := range a {
		v, ok := vals[r*cols+c].(T)
		if !ok {
			return nil, badColumn(c, vals[r*cols+c])
		}
		a[r] = v
	}
	return a, nil
}

func badColumn(c int, v any) error {
	return fmt.Errorf("sqlstore: bulk column %d: value %T does not match the column's type", c+1, v)
}

// close releases the statements.
func (w *rowsWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}
