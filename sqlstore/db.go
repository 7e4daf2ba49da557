// Package sqlstore implements the domain services of package shishi on
// database/sql, for embedded SQLite (modernc.org/sqlite, pure Go) and for
// PostgreSQL (pgx). Access scoping by unit subtree happens here, in SQL:
// every query that returns rows of a unit carries the actor's reach as a
// condition, so no handler can forget it.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/secret"
)

//go:embed migrations
var migrations embed.FS

// DB is the store. One value serves every service interface of the domain.
type DB struct {
	db       *sql.DB
	postgres bool
	keys     *secret.Keyring
	auditKey []byte
	dsn      string
	// Now is the clock; tests move it.
	Now func() time.Time
	// Calendar counts working days for complaint deadlines; the
	// application sets it (package workday) before serving.
	Calendar shishi.Calendar
	// OnBatch, when set, hears of each group commit of public
	// submissions: how many were in it and how many committed.
	OnBatch func(size, committed int)

	submitOnce sync.Once
	submit     *submitter
	writes     chan struct{} // SQLite: the write gate (enterWrite)
	// SQLite: the checkpointer's stop signal and its end.
	checkpoints  chan struct{}
	checkpointed sync.WaitGroup
	walRestarts  atomic.Int64 // times the checkpointer saw the log start again
	walHeld      atomic.Int64 // its passes with the write gate held
	reads        readCache
	counts       countCache
	types        typeCache

	// PublicURL is the base of every URL written into a credential (the
	// server's --public-url); an issuer keeps the one it was created under.
	PublicURL string
	// WebhookAllowPrivate lets webhooks name loopback and private
	// addresses (tests, closed networks); off, such URLs are refused.
	WebhookAllowPrivate bool
	// GenericCanonical signs credentials by json-gold's generic RDFC-1.0
	// route instead of the specialised canonicalizer: the same bytes,
	// slower. It exists for one reason: the bulk benchmark measures its
	// baseline through the very same path (shishi credentials issue
	// --generic).
	GenericCanonical bool
	// MailEnabled queues an e-mail for each notice its user asked to get
	// by mail; the application sets it when an SMTP server is configured.
	MailEnabled bool
}

// Open connects to dsn: a PostgreSQL URL ("postgres://…") or a SQLite file
// path (optionally "sqlite:" prefixed). SQLite is opened in WAL mode with
// foreign keys on, a busy timeout, synchronous=FULL (an acknowledged write
// survives a power cut) and immediate write transactions.
func Open(ctx context.Context, dsn string, keys *secret.Keyring) (*DB, error) {
	if keys == nil {
		return nil, errors.New("sqlstore: no keyring")
	}
	d := &DB{keys: keys, auditKey: keys.AuditKey(), dsn: dsn, Now: func() time.Time { return time.Now().UTC() }}
	var err error
	if IsPostgres(dsn) {
		d.postgres = true
		d.db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		d.db.SetMaxOpenConns(20)
		d.db.SetMaxIdleConns(10)
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		q := url.Values{}
		for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(15000)", "synchronous(FULL)", "wal_autocheckpoint(0)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		d.db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, err
		}
		// Every connection kept: the pool's default of two idle ones
		// closed the other six as soon as a burst ended and opened them
		// again on the next, each open reading the schema anew and each
		// cached statement (stmtcache.go) prepared again on it — under
		// 64 clients that churn cost more CPU than the queries.
		d.db.SetMaxOpenConns(8)
		d.db.SetMaxIdleConns(8)
		d.writes = make(chan struct{}, 1)
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	if !d.postgres {
		d.checkpoints = make(chan struct{})
		d.checkpointed.Add(1)
		go d.checkpointer()
	}
	return d, nil
}

// checkpointEvery is how often the checkpointer copies the WAL back.
var checkpointEvery = 100 * time.Millisecond

// walRestartFrames is the log's length (in pages: 64 MiB of 4 KiB pages)
// past which the checkpointer holds this process's writers for a moment,
// so that the log starts again from its beginning.
var walRestartFrames = 16384

// catchUp is how short the last unheld pass must be before the
// checkpointer holds the writers for its final one.
const catchUp = 3 * time.Millisecond

// checkpointer copies SQLite's write-ahead log back into the database
// every checkpointEvery, in its own goroutine. SQLite's own checkpoint
// runs inside the commit that fills the log past 1,000 pages, that is
// inside a write transaction's answer: under 64 clients submitting
// complaints it was a tenth of the single writer's time. The connections
// are opened with wal_autocheckpoint(0); the last one closed checkpoints
// as well.
//
// A PASSIVE checkpoint blocks no one, but SQLite starts the log again
// from its beginning only when a write transaction begins on a log whose
// every frame is copied, and under a steady stream of commits the next
// one always begins before the checkpoint ends: the log grew by 80 MB a
// second under 64 clients, and every page read searched its index. So
// once the log is longer than walRestartFrames the checkpointer catches
// up, takes the write gate (enterWrite), copies the frames written
// meanwhile — a few milliseconds' worth — and lets the next commit start
// the log again. Other processes writing the same file are not held.
func (d *DB) checkpointer() {
	defer d.checkpointed.Done()
	every, restartAt := checkpointEvery, walRestartFrames
	t := time.NewTicker(every)
	defer t.Stop()
	ctx := context.Background()
	last := 0
	for {
		select {
		case <-d.checkpoints:
			return
		case <-t.C:
			// Errors (busy, closing) leave the pages in the log for the
			// next tick.
			frames, err := d.checkpoint(ctx, d.db)
			if err != nil {
				continue
			}
			if frames < last {
				d.walRestarts.Add(1)
			}
			last = frames
			if frames < restartAt {
				continue
			}
			// Catch up first without holding anyone: each pass copies
			// what was committed during the one before, until a pass is
			// short; the writers are then held only for one such pass.
			for range 8 {
				start := time.Now()
				if _, err := d.checkpoint(ctx, d.db); err != nil || time.Since(start) < catchUp {
					break
				}
			}
			d.heldCheckpoint(ctx)
		}
	}
}

// heldCheckpoint runs one pass with the write gate held. Its connection
// is taken before the gate: the writers must not wait on the pool's queue
// behind the readers.
func (d *DB) heldCheckpoint(ctx context.Context) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	leave, err := d.enterWrite(ctx)
	if err != nil {
		return
	}
	defer leave()
	if _, err := d.checkpoint(ctx, c); err == nil {
		d.walHeld.Add(1)
	}
}

// checkpoint runs a PASSIVE checkpoint on db and returns the log's length
// in frames. A checkpoint that could not run (busy) is an error.
func (d *DB) checkpoint(ctx context.Context, db queryer) (frames int, err error) {
	var busy, copied int
	if err = db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0, err
	}
	if busy != 0 || frames < 0 {
		return 0, errCheckpointBusy
	}
	return frames, nil
}

var errCheckpointBusy = errors.New("sqlstore: checkpoint busy")

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Postgres reports the dialect.
func (d *DB) Postgres() bool { return d.postgres }

// SQL exposes the connection pool to tests and operations tooling.
func (d *DB) SQL() *sql.DB { return d.db }

// Close stops the submission writer and closes the pool.
func (d *DB) Close() error {
	if d.submit != nil {
		d.submit.stop()
	}
	if d.checkpoints != nil {
		close(d.checkpoints)
		d.checkpointed.Wait()
	}
	d.closeReads()
	return d.db.Close()
}

// Ping checks that the database answers (for /readyz).
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Migrate applies the embedded migrations of the dialect, each in its own
// transaction, recording them in goose's version table; then it derives the
// ledger figures that are stale or were never derived (after 0008).
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.migrator()
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if _, err := d.RefreshFigures(shishi.WithActor(ctx, shishi.SystemActor())); err != nil {
		return fmt.Errorf("sqlstore: ledger figures: %w", err)
	}
	return nil
}

// migrator is goose's provider of the dialect's embedded migrations.
// Out of order: migrations of modules built side by side land in number
// order on a fresh database, and a database that already ran a later
// number still gets an earlier one that arrived after it.
func (d *DB) migrator() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, d.db, sub, goose.WithAllowOutofOrder(true))
}

// writeWait bounds the wait at the write gate, as busy_timeout bounds
// SQLite's own.
const writeWait = 15 * time.Second

// enterWrite waits for the write gate: on SQLite one write transaction of
// this process runs at a time, and the others queue here, in the order
// they came, instead of in SQLite's busy handler, which polls the lock
// with sleeps of up to 100 ms. Under 64 clients creating items the
// sleeps made the tail (p99 0.5 s at 460 creations a second). leave is
// deferred by the caller after the commit or rollback. Other processes
// (the CLI beside a server) still meet the busy handler.
func (d *DB) enterWrite(ctx context.Context) (leave func(), err error) {
	if d.writes == nil {
		return func() {}, nil
	}
	select {
	case d.writes <- struct{}{}:
		return func() { <-d.writes }, nil
	default:
	}
	t := time.NewTimer(writeWait)
	defer t.Stop()
	select {
	case d.writes <- struct{}{}:
		return func() { <-d.writes }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, shishi.Errorf(shishi.ETOOMANY, "数据库繁忙，请稍后重试 / the database is busy; try again shortly")
	}
}

// tx runs fn in a transaction, committing when it returns nil.
func (d *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.txCounted(ctx, true, fn)
}

// jobsTx is tx for the queue's own bookkeeping (claiming and completing
// jobs), which writes the jobs table only: no cached list total reads it,
// so it leaves the count cache's generation alone — the workers poll
// every second, and moving it there would count every list afresh.
func (d *DB) jobsTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.txCounted(ctx, false, fn)
}

// txOutsideLists is tx for writes that touch none of the tables a list
// total reads — items, item_units, targets, campaigns, tiers, units,
// user_roles (what FindItems counts and the reach that bounds it) — such as
// notices: the cached totals stay valid across them. A write that may
// change what a list counts goes through tx.
func (d *DB) txOutsideLists(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.txCounted(ctx, false, fn)
}

func (d *DB) txCounted(ctx context.Context, counted bool, fn func(tx *sql.Tx) error) error {
	leave, err := d.enterWrite(ctx)
	if err != nil {
		return err
	}
	defer leave()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return shishi.Internal(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	err = tx.Commit()
	// Moved even when the commit fails: it may have landed.
	if counted {
		d.counts.wrote()
	}
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

// now returns the clock truncated to microseconds, the precision both
// databases keep, so values read back equal values written.
func (d *DB) now() time.Time { return d.Now().UTC().Truncate(time.Microsecond) }

// args collects positional parameters; $N works in both dialects.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

var likeSpecials = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeEscape escapes a user's search text for LIKE … ESCAPE '\'.
func likeEscape(s string) string {
	return "%" + strings.ToLower(likeSpecials.Replace(s)) + "%"
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// The store implements every service of the domain.
var (
	_ shishi.UnitService  = (*DB)(nil)
	_ shishi.UserService  = (*DB)(nil)
	_ shishi.AuthService  = (*DB)(nil)
	_ shishi.AuditService = (*DB)(nil)
)

var (
	_ shishi.CampaignService = (*DB)(nil)
	_ shishi.ItemService     = (*DB)(nil)
	_ shishi.ReportService   = (*DB)(nil)
)

// BackupSQLite writes a consistent copy of a SQLite database to path with
// VACUUM INTO, while other connections keep reading and writing: the copy
// is one read transaction's snapshot. PostgreSQL deployments use pg_dump.
func (d *DB) BackupSQLite(ctx context.Context, path string) error {
	if d.postgres {
		return errors.New("sqlstore: BackupSQLite on PostgreSQL; use pg_dump")
	}
	_, err := d.db.ExecContext(ctx, `VACUUM INTO $1`, path)
	return err
}

// order is a list's keyset order: sort columns that end with the row's
// id, all ascending or all descending. A page after the cursor row N is
// the rows whose key compares past N's key, read from table in the same
// statement ("(a, id) < (SELECT a, id FROM t WHERE id = N)"; SQLite and
// PostgreSQL both compare row values). The cursor stays a bare id, so
// every list of the API shares one cursor form, and a row added or
// removed meanwhile shifts nothing (no OFFSET).
type order struct {
	cols  []string // qualified sort columns, the id last: "c.starts_on", "c.id"
	table string   // the table the cursor row's key is read from
	keys  []string // the same columns in that table: "starts_on", "id"
	desc  bool
}

// byID is the order of a list by its id alone.
func byID(idExpr string, desc bool) order {
	return order{cols: []string{idExpr}, desc: desc}
}

// page returns the conjunct that starts a page after p.After (empty on
// the first page) and the ORDER BY … LIMIT tail (no LIMIT when p.Limit is 0).
func (o order) page(p shishi.Page, q *args) (cond, tail string) {
	op, dir := " > ", ""
	if o.desc {
		op, dir = " < ", " DESC"
	}
	if p.After > 0 {
		if len(o.cols) == 1 {
			cond = " AND " + o.cols[0] + op + q.add(p.After)
		} else {
			cond = " AND (" + strings.Join(o.cols, ", ") + ")" + op + "(SELECT " + strings.Join(o.keys, ", ") + " FROM " + o.table + " WHERE id = " + q.add(p.After) + ")"
		}
	}
	by := make([]string, len(o.cols))
	for i, c := range o.cols {
		by[i] = c + dir
	}
	tail = " ORDER BY " + strings.Join(by, ", ")
	if p.Limit > 0 {
		tail += " LIMIT " + q.add(clampLimit(p.Limit))
	}
	return cond, tail
}

// count returns the number of rows of from ("FROM … WHERE …").
func count(ctx context.Context, db queryer, from string, q args) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) "+from, q...).Scan(&n); err != nil {
		return 0, shishi.Internal(err)
	}
	return n, nil
}
