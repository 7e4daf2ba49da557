package sqlstore

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// CountGeneration lets the tests see whether a write moved the list
// totals' cache generation.
func CountGeneration(d *DB) uint64 { return d.counts.gen.Load() }

// MigrateTo moves the schema up or down to version (tests of a migration's
// data).
func MigrateTo(ctx context.Context, d *DB, version int64) error {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, d.db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// HoldWrite takes the write gate until release is called.
func HoldWrite(d *DB) (release func(), err error) {
	return d.enterWrite(context.Background())
}
