package sqlstore

import (
	"context"
	"database/sql"
)

// stmtCache holds the statements one transaction has prepared, so that a
// batch of public submissions (the group commit of complaint_batch.go)
// parses each SQL text once per batch instead of once per submission:
// profiled under 64 clients, SQLite's parser took a third of the writer's
// time. The statements belong to the transaction and close with it.
type stmtCache struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

type stmtKey struct{}

// withStmts returns ctx carrying a statement cache for tx.
func withStmts(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, stmtKey{}, &stmtCache{tx: tx, m: map[string]*sql.Stmt{}})
}

// prepared is query's statement in tx when ctx carries tx's cache; nil
// otherwise, or when preparing fails (the caller then runs the text, and
// meets the error there).
func prepared(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	c, _ := ctx.Value(stmtKey{}).(*stmtCache)
	if c == nil || c.tx != tx {
		return nil
	}
	if st := c.m[query]; st != nil {
		return st
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

// txq runs statements in a transaction, through the statements its
// context's cache prepared when there is one. It is a queryer.
type txq struct {
	ctx context.Context
	tx  *sql.Tx
}

// on is tx for the statements of one call.
func on(ctx context.Context, tx *sql.Tx) txq { return txq{ctx, tx} }

func (t txq) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := prepared(t.ctx, t.tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t txq) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := prepared(t.ctx, t.tx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txq) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := prepared(t.ctx, t.tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// withStmtsOf returns ctx carrying the statement cache that from carries
// (a batch's, shared by submissions that each keep their own context).
func withStmtsOf(ctx, from context.Context) context.Context {
	return context.WithValue(ctx, stmtKey{}, from.Value(stmtKey{}))
}
