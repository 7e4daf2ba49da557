package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/xlsx"
)

// TestPrepare runs the benchmark's set-up at a small size and issues the
// sheet it wrote through the store: the 100,000-row run is the same
// command with a larger -rows.
func TestPrepare(t *testing.T) {
	ctx := context.Background()
	sheet, dirs, err := prepare(ctx, t.TempDir(), 300, "specialised")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := xlsx.EstimateRows(sheet); err != nil || n != 300 {
		t.Fatalf("sheet rows %d %v", n, err)
	}
	f, err := os.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := xlsx.OpenRows(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m, err := app.Open(ctx, app.Config{Data: dirs[0]}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if n, err := m.Store.IssueBulk(shishi.WithActor(ctx, shishi.SystemActor()), "cet4", rows, nil); err != nil || n != 300 {
		t.Fatalf("issued %d: %v", n, err)
	}
}
