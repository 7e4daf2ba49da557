package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/shishi-edu/shishi/internal/app"
)

// backup: shishi backup [--data DIR | --db URL] FILE
func backup(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"exactly one FILE is required"}
	}
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	out, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	man, err := m.Backup(ctx, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s (%d evidence files, keys included: %v) written to %s\naudit checkpoint %s\n", man.Database, man.Files, man.KeysIncl, out, man.AuditHead)
	return nil
}

// restore: shishi restore --data DIR [--db URL] FILE
func restore(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || c.Data == "" {
		return usageError{"--data DIR and exactly one FILE are required"}
	}
	man, err := app.Restore(ctx, fs.Arg(0), c.Data, c.DB)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored a %s backup of %s into %s; run `shishi audit verify --data %s --checkpoint %s` to check it\n",
		man.Database, man.TakenAt.Format("2006-01-02 15:04:05Z"), c.Data, c.Data, man.AuditHead)
	return nil
}
