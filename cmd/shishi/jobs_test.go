package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// buildBinary builds the real shishi binary, as shipped (CGO_ENABLED=0).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "shishi")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestJobsSurviveSIGKILL: 1,000 jobs are queued, the server is killed with
// SIGKILL while working them, and started again: every job runs exactly
// once to completion. The probe jobs record their run in the transaction
// that marks them done, so a job whose run was cut off by the kill leaves
// no trace and runs again once its lease has run out.
func TestJobsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	testdb.Each(t, func(t *testing.T, dsn string) {
		st := storeArgs(t, dsn)
		must(t, 0, "", append([]string{"jobs", "probe", "--count", "1000", "--sleep-ms", "10"}, st...)...)
		db := rawDB(t, busy(dsn))
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		done := func() int { return count(`SELECT count(*) FROM jobs WHERE kind = 'queue.probe' AND status = 'done'`) }
		logs := filepath.Join(t.TempDir(), "serve.log")
		serve := func() *exec.Cmd {
			lf, err := os.OpenFile(logs, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--job-workers", "4", "--job-lease", "2s"}, st...)...)
			cmd.Stdout, cmd.Stderr = lf, lf
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lf.Close()
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			return cmd
		}
		waitFor := func(what string, ok func() bool) {
			t.Helper()
			deadline := time.Now().Add(2 * time.Minute)
			for !ok() {
				if time.Now().After(deadline) {
					b, _ := os.ReadFile(logs)
					t.Fatalf("gave up waiting for %s (%d done)\n%s", what, done(), tail(string(b), 3000))
				}
				time.Sleep(10 * time.Millisecond)
			}
		}

		running := func() int { return count(`SELECT count(*) FROM jobs WHERE status = 'running'`) }
		first := serve()
		// Kill it in the middle of the work, with jobs in flight.
		waitFor("the first 100 jobs", func() bool { return done() >= 100 && running() > 0 })
		if err := first.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = first.Wait()
		atKill := done()
		if atKill >= 1000 {
			t.Fatalf("all jobs were done before the kill")
		}
		t.Logf("killed with %d jobs done and %d running", atKill, running())

		second := serve()
		waitFor("all 1000 jobs", func() bool { return done() == 1000 })
		_ = second.Process.Signal(syscall.SIGTERM)
		_ = second.Wait()

		if n := count(`SELECT count(*) FROM job_probes`); n != 1000 {
			t.Errorf("%d probe runs recorded, want 1000", n)
		}
		if n := count(`SELECT count(DISTINCT job_id) FROM job_probes`); n != 1000 {
			t.Errorf("%d distinct jobs recorded a run, want 1000", n)
		}
		if n := count(`SELECT count(*) FROM jobs j WHERE status <> 'done' OR done_at IS NULL OR NOT EXISTS (SELECT 1 FROM job_probes p WHERE p.job_id = j.id)`); n != 0 {
			t.Errorf("%d jobs not done or without their run", n)
		}
		t.Logf("%d jobs ran on a second attempt after the kill", count(`SELECT count(*) FROM jobs WHERE attempts > 1`))
	})
}

// busy makes a SQLite DSN wait for the server's writes instead of failing.
func busy(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return dsn
	}
	return "file:" + dsn + "?_pragma=busy_timeout(15000)"
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
