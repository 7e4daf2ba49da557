// Package testdb gives tests real databases: a SQLite file in a temporary
// directory always, and a fresh PostgreSQL database when SHISHI_TEST_PG
// names a server (scripts/test.sh starts a throwaway one). It imports
// nothing of ours, so any package's tests may use it.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvPG names the variable holding the PostgreSQL server's URL.
const EnvPG = "SHISHI_TEST_PG"

// Target is one database to run a test against.
type Target struct {
	Name string // "sqlite" or "postgres"
	DSN  string
}

// SQLite returns a DSN for a new SQLite file in a test temp dir.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "shishi.db")
}

// Postgres creates a fresh database on the server named by SHISHI_TEST_PG
// and drops it when the test ends; it skips the test when the variable is
// unset.
func Postgres(t testing.TB) string {
	base := os.Getenv(EnvPG)
	if base == "" {
		t.Skip(EnvPG + " is not set; PostgreSQL tests skipped (make test sets it)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPG, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "shishi_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// Each runs fn as a subtest on SQLite and on PostgreSQL (skipped when no
// server is configured).
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
