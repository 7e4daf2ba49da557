package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
)

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&c.Addr, "addr", "", "listen address (default 127.0.0.1:8080; env SHISHI_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", "", "public base URL (default http:// + the listen address)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (chain) file (env SHISHI_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", "", "the certificate's PEM private key file (env SHISHI_TLS_KEY)")
	fs.BoolVar(&c.Demo, "demo", false, "seed the demo world into an empty database and print its accounts")
	fs.IntVar(&c.JobWorkers, "job-workers", 0, "queued jobs run at once (default 4; env SHISHI_JOB_WORKERS)")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", false, "let webhooks go to loopback and private addresses (env SHISHI_WEBHOOK_ALLOW_PRIVATE=1)")
	fs.StringVar(&c.SMTPURL, "smtp-url", "", "send notices by e-mail: smtp://[user:pass@]host[:port][?tls=starttls|opportunistic|none] or smtps://… (env SHISHI_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", "", "sender address of notice mails, e.g. \"实事 <noreply@example.cn>\" (env SHISHI_MAIL_FROM)")
	fs.DurationVar(&c.JobLease, "job-lease", 0, "how long a claimed job may run before another process takes it over (default 5m; env SHISHI_JOB_LEASE)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// SHISHI_CPUPROFILE=FILE profiles the server until it stops (the
	// load runs of bench/load read it with go tool pprof).
	if path := os.Getenv("SHISHI_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	tuneGC(os.Getenv)
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	if c.Demo {
		if _, err := m.SeedDemo(ctx); err != nil {
			return err
		}
	}
	if err := m.Listen(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "shishi %s: %s\n", shishi.Version, m.Config.Masked())
	fmt.Fprintf(stdout, "实事已启动 / Shishi is listening on %s\n", m.URL())
	m.Log.Info("listening", "url", m.URL(), "config", m.Config.Masked())
	return m.Serve(ctx)
}

// tuneGC lets the server's heap grow to five times its live data between
// collections (GOGC=400 rather than Go's 100), under a soft limit of 256
// MiB (GOMEMLIMIT) that keeps it inside the 300 MB the performance issue
// allows. The live heap is a few tens of megabytes; at GOGC=100 the
// collector ran every few hundred requests under load, a tenth of the
// server's CPU and much of its tail latency (BENCHMARKS.md, "National
// scale"). An operator's own GOGC or GOMEMLIMIT wins.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintln(stdout, "migrations applied:", m.Config.Masked())
	return nil
}
