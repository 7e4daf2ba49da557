package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
)

// jobsProbe enqueues self-test jobs: a running server works them, each
// recording its run in job_probes as it is marked done, so an operator
// (or a test) can see the queue carry every job through exactly once.
func jobsProbe(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	var count, sleep int
	fs := flag.NewFlagSet("jobs probe", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.IntVar(&count, "count", 10, "how many probe jobs (1–100000)")
	fs.IntVar(&sleep, "sleep-ms", 0, "how long each probe job works, in milliseconds (0–60000)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if count < 1 || count > 100000 {
		return usageError{"--count must be 1–100000"}
	}
	if sleep < 0 || sleep > 60000 {
		return usageError{"--sleep-ms must be 0–60000"}
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	for i := 0; i < count; i++ {
		if _, err := m.Store.Enqueue(ctx, shishi.JobInput{Kind: shishi.JobProbe, Payload: map[string]int{"sleep_ms": sleep, "n": i}}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "已加入 %d 个自检任务 / %d probe jobs queued\n", count, count)
	return nil
}
