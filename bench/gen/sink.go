package gen

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// table is one destination of the bulk writer: its rows wait in memory
// until the transaction ends, and tables are written in the order they
// were declared, so a row's foreign keys are always written before it.
type table struct {
	name string
	cols []string
	rows [][]any
	n    int // rows written in all
}

// sink writes tables in big transactions on one connection of the store's
// pool: on SQLite with multi-row INSERTs prepared once per transaction and
// size, on PostgreSQL with COPY (pgx's CopyFrom). The connection runs with
// the load's settings (SQLite: synchronous=OFF, a larger page cache), put
// back before it returns to the pool: the load is re-run from the start if
// it fails, so it does not need each commit to reach the disk, and the
// store's own writes after it are durable as always.
type sink struct {
	conn     *sql.Conn
	postgres bool
	tables   []*table
}

func newSink(ctx context.Context, db *sql.DB, postgres bool) (*sink, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &sink{conn: conn, postgres: postgres}
	if !postgres {
		for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA temp_store=MEMORY"} {
			if _, err := conn.ExecContext(ctx, p); err != nil {
				conn.Close()
				return nil, err
			}
		}
	}
	return s, nil
}

// close restores the connection's settings and returns it to the pool.
func (s *sink) close(ctx context.Context) error {
	var errs []error
	if !s.postgres {
		for _, p := range []string{"PRAGMA synchronous=FULL", "PRAGMA cache_size=-2000", "PRAGMA temp_store=DEFAULT", "PRAGMA wal_checkpoint(TRUNCATE)"} {
			if _, err := s.conn.ExecContext(ctx, p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(append(errs, s.conn.Close())...)
}

func (s *sink) table(name string, cols ...string) *table {
	t := &table{name: name, cols: cols}
	s.tables = append(s.tables, t)
	return t
}

func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic("gen: " + t.name + ": " + strconv.Itoa(len(vals)) + " values for " + strconv.Itoa(len(t.cols)) + " columns")
	}
	t.rows = append(t.rows, vals)
}

// pending counts the rows waiting in all tables.
func (s *sink) pending() int {
	n := 0
	for _, t := range s.tables {
		n += len(t.rows)
	}
	return n
}

// flush writes every waiting row in one transaction.
func (s *sink) flush(ctx context.Context) error {
	if s.pending() == 0 {
		return nil
	}
	var err error
	if s.postgres {
		err = s.copy(ctx)
	} else {
		err = s.insert(ctx)
	}
	if err != nil {
		return err
	}
	for _, t := range s.tables {
		t.n += len(t.rows)
		t.rows = t.rows[:0]
	}
	return nil
}

func (s *sink) copy(ctx context.Context) error {
	return s.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range s.tables {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return errors.New("gen: copy " + t.name + ": " + err.Error())
			}
		}
		return tx.Commit(ctx)
	})
}

// sqliteParams bounds one statement's parameters (SQLite allows 32,766).
// Placeholders are "?": the driver binds "$N" by name, which costs more
// per parameter the more a statement has.
const sqliteParams = 4000

func (s *sink) insert(ctx context.Context) error {
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range s.tables {
		stmts := map[int]*sql.Stmt{}
		per := max(1, sqliteParams/len(t.cols))
		vals := make([]any, 0, per*len(t.cols))
		for rows := t.rows; len(rows) > 0; {
			n := min(per, len(rows))
			st := stmts[n]
			if st == nil {
				if st, err = tx.PrepareContext(ctx, insertSQL(t, n)); err != nil {
					return err
				}
				defer st.Close()
				stmts[n] = st
			}
			vals = vals[:0]
			for _, r := range rows[:n] {
				vals = append(vals, r...)
			}
			if _, err := st.ExecContext(ctx, vals...); err != nil {
				return errors.New("gen: insert " + t.name + ": " + err.Error())
			}
			rows = rows[n:]
		}
	}
	return tx.Commit()
}

func insertSQL(t *table, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
	return b.String()
}
