package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// row is one line of the targets table.
type row struct {
	target, figure, baseline, ratio, met, note string
}

// storeTargets runs `shishi probe` on the dataset copy: the store probes
// run in the shishi process; this tool stays an outside client.
func storeTargets(bin, data string, iters int) ([]row, error) {
	cmd := exec.Command(bin, "probe", "--data", data, "--iters", strconv.Itoa(iters))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("shishi probe: %w", err)
	}
	var rs []struct{ Target, Figure, Baseline, Ratio, Met, Note string }
	if err := json.Unmarshal(out, &rs); err != nil {
		return nil, fmt.Errorf("shishi probe: %w", err)
	}
	var rows []row
	for _, r := range rs {
		rows = append(rows, row{r.Target, r.Figure, r.Baseline, r.Ratio, r.Met, r.Note})
	}
	return rows, nil
}

// printTargets prints the performance issue's targets as one table:
// figure, baseline, ratio, met or not.
func printTargets(rs []result, store []row, hello, fsync float64) {
	by := map[string]result{}
	var maxRSS int64
	for _, r := range rs {
		by[r.name] = r
		maxRSS = max(maxRSS, r.rss[1])
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var rows []row
	httpRow := func(name, target string, base, want float64, baseName string, p99 time.Duration) {
		r, ok := by[name]
		if !ok {
			return
		}
		errs := failed(&r.m)
		ratio := r.m.Throughput / base
		note := shortBy(ratio, want, errs, r.m.Latencies.P99, p99)
		ok = note == ""
		rows = append(rows, row{target, fmt.Sprintf("%.0f req/s, p50 %.1f ms, p99 %.1f ms, %d errors", r.m.Throughput, ms(r.m.Latencies.P50), ms(r.m.Latencies.P99), errs),
			fmt.Sprintf("%s %.0f/s", baseName, base), fmt.Sprintf("%.3f×", ratio), yes(ok), note})
	}
	pacedRow := func(name, target string, limit time.Duration) {
		r, ok := by[name+paced]
		if !ok {
			return
		}
		errs := failed(&r.m)
		met, note := pacedVerdict(r.m.Rate, r.pacedAt, errs, r.m.Latencies.P99, limit)
		rows = append(rows, row{target, fmt.Sprintf("sent %.0f/s, answered %.0f req/s, p50 %.1f ms, p99 %.1f ms, %d errors", r.m.Rate, r.m.Throughput, ms(r.m.Latencies.P50), ms(r.m.Latencies.P99), errs),
			fmt.Sprintf("asked %.0f/s (hello %.0f/s)", r.pacedAt, hello), fmt.Sprintf("%.3f×", r.m.Throughput/hello), met, note})
	}
	httpRow(scenCert, "public certificate query: ≥ 25 % of hello, p99 < 10 ms", hello, 0.25, "hello", 10*time.Millisecond)
	pacedRow(scenCert, fmt.Sprintf("the query paced at 25 %% of hello, open (up to %d in flight): its p99 at the rate the target asks for (no target of its own)", maxPacedWorkers), 10*time.Millisecond)
	httpRow(scenList, "item list page of 50 with filters (HTTP): ≥ 6 % of hello, p99 < 20 ms", hello, 0.06, "hello", 20*time.Millisecond)
	pacedRow(scenList, fmt.Sprintf("the list paced at 6 %% of hello, open (up to %d in flight): its p99 at the rate the target asks for (no target of its own)", maxPacedWorkers), 20*time.Millisecond)
	httpRow(scenComplaint, "complaint submission, 64 clients: ≥ 2× fsync, zero errors (every complaint to one school)", fsync, 2, "fsync", 0)
	httpRow(scenComplaintMix, "the same, each complaint to a unit drawn from the whole dataset (a national mix)", fsync, 2, "fsync", 0)
	for _, n := range []string{scenCreate, scenFile} {
		if r, ok := by[n]; ok {
			rows = append(rows, row{n + " (HTTP, 64 clients; no target of its own)", fmt.Sprintf("%.0f req/s, p50 %.1f ms, p99 %.1f ms", r.m.Throughput, ms(r.m.Latencies.P50), ms(r.m.Latencies.P99)),
				fmt.Sprintf("hello %.0f/s", hello), fmt.Sprintf("%.3f×", r.m.Throughput/hello), "—", ""})
		}
	}
	rows = append(rows, store...)
	rows = append(rows, row{"server resident memory while serving every scenario above", fmt.Sprintf("max %.0f MiB", float64(maxRSS)/1024), "300 MiB",
		fmt.Sprintf("%.2f×", float64(maxRSS)/1024/300), yes(maxRSS > 0 && maxRSS < 300*1024), ""})

	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "\n### Targets (%s, %s)\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	fmt.Fprintln(w, "| target | figure | baseline (same run) | ratio | met | short by |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.target, r.figure, r.baseline, r.ratio, r.met, r.note)
	}
	w.Flush()
	os.Stdout.Write(b.Bytes())
}

// shortBy names each part of an HTTP target that a run missed, and by how
// much: the ratio to its baseline, the errors, the p99 against its limit
// (limit 0: none). It is empty when the target is met.
func shortBy(ratio, want float64, errs int, p99, limit time.Duration) string {
	var parts []string
	if ratio < want {
		parts = append(parts, fmt.Sprintf("ratio %.2f of the %.2f× wanted", ratio/want, want))
	}
	return strings.Join(append(parts, misses(errs, p99, limit)...), "; ")
}

// misses names the errors and a p99 at or over its limit (limit 0: none),
// the parts every HTTP row is judged on.
func misses(errs int, p99, limit time.Duration) []string {
	var parts []string
	if errs > 0 {
		parts = append(parts, fmt.Sprintf("%d errors", errs))
	}
	if limit > 0 && p99 >= limit {
		parts = append(parts, fmt.Sprintf("p99 %.2f× the %g ms", float64(p99)/float64(limit), float64(limit)/float64(time.Millisecond)))
	}
	return parts
}

// failed is the number of requests of a run that did not succeed.
func failed(m *vegeta.Metrics) int { return int(float64(m.Requests) * (1 - m.Success)) }

// pacedVerdict judges a paced run: its p99 counts only if vegeta sent at
// least 98 % of the rate asked for, on average over the run, and no
// request failed. The run is open (see attack), so a server that stalls
// shows in the latencies; the average only catches a pacer that fell
// behind for good.
func pacedVerdict(sent, asked float64, errs int, p99, limit time.Duration) (met, note string) {
	var parts []string
	if sent < 0.98*asked {
		parts = append(parts, fmt.Sprintf("sent %.0f/s of the %.0f/s asked", sent, asked))
	}
	if parts = append(parts, misses(errs, p99, limit)...); len(parts) > 0 {
		return "p99 **no**", strings.Join(parts, "; ")
	}
	return "p99 yes", ""
}

func yes(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
