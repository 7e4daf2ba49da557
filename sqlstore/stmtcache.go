package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds the statements of one transaction, so that a batch of
// public submissions (the group commit of complaint_batch.go) parses each
// SQL text once instead of once per submission: profiled under 64
// clients, SQLite's parser took a third of the writer's time. On SQLite
// the texts are parsed once in the process (readCache) and bound to each
// transaction; on PostgreSQL once a transaction (pgx keeps its own cache).
// The bound statements belong to the transaction and close with it.
type stmtCache struct {
	d  *DB
	tx *sql.Tx
	m  map[string]*sql.Stmt
	// memo keeps what the batch's submissions look up alike (a category,
	// the desk above a unit, the desk's handlers): read once a batch.
	memo map[string]any
}

// memoized is f's value for key, read once per batch when ctx carries
// tx's cache (errors are not kept), and every time otherwise. Only for
// reads of rows the batch does not write.
func memoized[T any](ctx context.Context, tx *sql.Tx, key string, f func() (T, error)) (T, error) {
	c := batchOf(ctx, tx)
	if c == nil {
		return f()
	}
	if v, ok := c.memo[key]; ok {
		return v.(T), nil
	}
	v, err := f()
	if err != nil {
		return v, err
	}
	if c.memo == nil {
		c.memo = map[string]any{}
	}
	c.memo[key] = v
	return v, nil
}

// batchOf is ctx's statement cache when it belongs to tx.
func batchOf(ctx context.Context, tx *sql.Tx) *stmtCache {
	c, _ := ctx.Value(stmtKey{}).(*stmtCache)
	if c == nil || c.tx != tx {
		return nil
	}
	return c
}

type stmtKey struct{}

// withStmts returns ctx carrying a statement cache for tx.
func (d *DB) withStmts(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, stmtKey{}, &stmtCache{d: d, tx: tx, m: map[string]*sql.Stmt{}})
}

// prepared is query's statement in tx when ctx carries tx's cache; nil
// otherwise, or when preparing fails (the caller then runs the text, and
// meets the error there).
func prepared(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	c := batchOf(ctx, tx)
	if c == nil {
		return nil
	}
	if st := c.m[query]; st != nil {
		return st
	}
	// On SQLite the text is parsed once in the process (readCache) and
	// bound to the transaction's connection: the writer of public
	// submissions runs a transaction every few milliseconds, and parsing
	// its statements in each was a sixth of its time.
	if parent := c.d.read().stmt(ctx, query); parent != nil {
		st := tx.StmtContext(ctx, parent)
		c.m[query] = st
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

// readCache keeps prepared statements of the reads that run outside a
// transaction, on SQLite (and the texts the submission writer binds to
// its transactions, see stmtCache): database/sql prepares a *sql.Stmt once per
// pooled connection and reuses it, so a hot read (an API token's lookup, a
// list page's count) is parsed a few times in the process's life instead
// of on every request. The modernc driver has no statement cache of its
// own; pgx has one, so PostgreSQL reads go straight through. Texts built
// with a varying number of placeholders are bounded by maxCached: past it,
// new texts run unprepared.
type readCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

const (
	maxCached    = 1024
	maxCachedLen = 8192
)

// readDB is the store's pool for reads, through readCache. It is a queryer.
type readDB struct{ d *DB }

// read is the pool for one read outside a transaction.
func (d *DB) read() readDB { return readDB{d} }

func (r readDB) stmt(ctx context.Context, query string) *sql.Stmt {
	d := r.d
	if d.postgres || len(query) > maxCachedLen {
		return nil
	}
	c := &d.reads
	c.mu.Lock()
	st, ok := c.m[query]
	full := len(c.m) >= maxCached
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := d.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

func (r readDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.d.db.QueryRowContext(ctx, query, args...)
}

func (r readDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.d.db.QueryContext(ctx, query, args...)
}

// closeReads closes the cached statements (Close of the store).
func (d *DB) closeReads() {
	d.reads.mu.Lock()
	defer d.reads.mu.Unlock()
	for _, st := range d.reads.m {
		st.Close()
	}
	d.reads.m = nil
}
