package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"

	"github.com/shishi-edu/shishi/bench/gen"
)

// probe runs the performance issue's store probes on a SQLite dataset made
// by `shishi gen --users` (it writes to it) and prints the targets' rows
// as JSON; progress goes to stderr. bench/load calls it.
func probe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	data := fs.String("data", "", "the dataset's data directory (SQLite)")
	iters := fs.Int("iters", 50, "iterations of each timed probe")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" || fs.NArg() > 0 {
		return usageError{"--data DIR is required"}
	}
	if *iters < 1 {
		return usageError{"--iters must be at least 1"}
	}
	rows, err := gen.Probe(ctx, *data, *iters, os.Stderr)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
