// Command load puts the real server under load on loopback and prints,
// for each scenario, throughput and latency next to a baseline measured in
// the same run on the same machine, as a ratio — absolute figures on a
// shared 2-core machine mean little.
//
//	go run ./bench/load -duration 20s            # each scenario 20 s
//	go run ./bench/load -duration 60s -clients 64
//
// It builds cmd/shishi (CGO_ENABLED=0), starts `shishi serve --demo` in a
// temporary data directory (SQLite), makes API tokens with `shishi token
// create`, and attacks with vegeta (a well-kept Go load library: fixed
// worker pools, HDR-style latency quantiles). Baselines: "hello", a
// minimal net/http JSON handler under the same attacker; "fsync", one
// writer committing single-row transactions through the same SQLite driver
// with synchronous=FULL. The server's resident memory is sampled from
// /proc during every scenario.
//
// With -data DIR (a dataset made by `shishi gen --users`) it runs the
// store probes with `shishi probe` on a copy of the dataset (the store's
// side runs in the shishi process: this tool stays an outside client),
// serves a second, fresh copy, adds the public certificate query to the scenarios and ends
// with the performance issue's targets table (BENCHMARKS.md; `make
// targets`).
package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	_ "modernc.org/sqlite"
)

var (
	duration  = flag.Duration("duration", 20*time.Second, "length of each scenario")
	clients   = flag.Int("clients", 64, "concurrent clients (workers)")
	binFlag   = flag.String("bin", "", "a built shishi binary (default: build cmd/shishi)")
	dataFlag  = flag.String("data", "", "a dataset made by `shishi gen --users` to serve instead of the demo (copied first: the run writes)")
	iters     = flag.Int("iters", 50, "iterations of each store probe (with -data)")
	only      = flag.String("only", "", "run only the HTTP scenarios whose name contains this (and skip the store probes)")
	storeOnly = flag.Bool("store-only", false, "with -data: run the store probes only, on the dataset in place (it writes to it)")
	pacedFlag = flag.Bool("paced", true, "also run the query and the list paced at the rate their targets ask for, to measure their latency at that load (with -cpuprofile, the profile then holds both runs)")
	profile   = flag.String("cpuprofile", "", "write the server's CPU profile to this file (SHISHI_CPUPROFILE)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type result struct {
	name     string
	m        vegeta.Metrics
	base     string
	baseRate float64
	rss      [3]int64 // start, max, end (KiB)
	pacedAt  float64  // the rate a paced run asked for; 0: as fast as it goes
}

func run() error {
	dir, err := os.MkdirTemp("", "shishi-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := *binFlag
	if bin == "" {
		bin = filepath.Join(dir, "shishi")
		fmt.Fprintln(os.Stderr, "building cmd/shishi …")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/shishi")
		cmd.Env, cmd.Stderr = append(os.Environ(), "CGO_ENABLED=0"), os.Stderr
		if err := cmd.Run(); err != nil {
			return err
		}
	}
	var results []result
	var data string
	var storeRows []row
	if *dataFlag != "" {
		if *storeOnly {
			storeRows, err = storeTargets(bin, *dataFlag, *iters)
			for _, r := range storeRows {
				fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.target, r.figure, r.baseline, r.ratio, r.met, r.note)
			}
			return err
		}
		copyData := func(to string) error {
			fmt.Fprintf(os.Stderr, "copying %s …\n", *dataFlag)
			if out, err := exec.Command("cp", "-r", *dataFlag, to).CombinedOutput(); err != nil {
				return fmt.Errorf("copy the dataset: %v: %s", err, out)
			}
			return nil
		}
		// The store probes write (100,000 imported items, credentials,
		// created items): they get a copy of their own, and the server a
		// fresh one, so that the HTTP scenarios serve the generated dataset
		// and not the probes' leftovers, whose figures the server's start-up
		// jobs would derive while the scenarios run.
		if *only == "" {
			probe := filepath.Join(dir, "probe")
			if err := copyData(probe); err != nil {
				return err
			}
			if storeRows, err = storeTargets(bin, probe, *iters); err != nil {
				return err
			}
			if err := os.RemoveAll(probe); err != nil {
				return err
			}
		}
		data = filepath.Join(dir, "data")
		if err := copyData(data); err != nil {
			return err
		}
	}

	// Baseline 1: hello.
	hello := startHello()
	defer hello.Close()
	helloRes := attack("hello (net/http JSON)", func(t *vegeta.Target) error {
		t.Method, t.URL = "GET", "http://"+hello.Addr().String()+"/"
		return nil
	}, 0, 0)
	results = append(results, helloRes)
	helloRate := helloRes.m.Throughput

	// Baseline 2: fsync.
	fsyncRate, err := fsyncFloor(filepath.Join(dir, "fsync.db"), *duration)
	if err != nil {
		return err
	}

	// The server: the demo, or the copied dataset.
	srv, err := startServer(bin, filepath.Join(dir, "data"), data != "")
	if err != nil {
		return err
	}
	defer srv.stop()
	login := map[string]string{"office": "office", "henan": "henan", "zhengzhou": "zhengzhou"}
	if data != "" {
		login = map[string]string{"office": "gen-office", "henan": "gen-province", "zhengzhou": "gen-operator"}
	}
	office, henan, zz := srv.token(login["office"]), srv.token(login["henan"]), srv.token(login["zhengzhou"])
	camp, tier, err := srv.campaign(henan)
	if err != nil {
		return err
	}
	var moeCamp float64
	if cs, err := srv.get("/api/v1/campaigns", office); err == nil {
		for _, c := range cs["items"].([]any) {
			if m := c.(map[string]any); strings.HasPrefix(m["name"].(string), "教育部") || strings.HasPrefix(m["name"].(string), "全国") {
				moeCamp = m["id"].(float64)
			}
		}
	}
	items, err := srv.items(henan, camp, tier, 16)
	if err != nil {
		return err
	}
	certs, err := srv.certificates(1000)
	if err != nil {
		return err
	}
	// With a dataset, complaints go to one school and, in a second
	// scenario, each to a unit drawn from the whole dataset: a national
	// mix lands each case at its own place in the unit indexes. A
	// generated dataset numbers its units 1…units (shishi gen); a unit
	// that were not there would count as an error.
	var seq atomic.Int64
	units := 0
	if data != "" {
		us, err := srv.get("/api/v1/units?limit=1", office)
		if err != nil {
			return err
		}
		units = int(us["total"].(float64))
	}
	complaint := func(unit func() float64) vegeta.Targeter {
		return func(t *vegeta.Target) error {
			n := seq.Add(1)
			t.Method, t.URL = "POST", srv.url+"/api/v1/complaints"
			t.Header = http.Header{"Content-Type": {"application/json"}}
			t.Body = mustJSON(map[string]any{"category": "fees", "unit_id": unit(), "anonymous": true, "body": fmt.Sprintf("压测举报 %d：某校违规收取资料费。", n)})
			return nil
		}
	}
	scen := []struct {
		name string
		tgt  vegeta.Targeter
	}{
		{scenCert, func(t *vegeta.Target) error {
			c := certs[int(seq.Add(1))%len(certs)]
			t.Method, t.URL = "GET", srv.url+"/verify?"+url.Values{"number": {c[0]}, "name": {c[1]}}.Encode()
			t.Header = http.Header{"Accept": {"application/json"}}
			return nil
		}},
		{scenList, func(t *vegeta.Target) error {
			t.Method, t.URL = "GET", fmt.Sprintf("%s/api/v1/items?campaign=%.0f&status=in_progress&limit=50", srv.url, moeCamp)
			t.Header = bearer(office)
			return nil
		}},
		{scenCreate, func(t *vegeta.Target) error {
			n := seq.Add(1)
			t.Method, t.URL, t.Header = "POST", fmt.Sprintf("%s/api/v1/campaigns/%.0f/items", srv.url, camp), bearer(henan)
			t.Body = mustJSON(map[string]any{"tier_id": tier, "code": fmt.Sprintf("L-%d", n), "title": fmt.Sprintf("压测事项 %d", n), "leader_name": "测试",
				"lead_unit_id": srv.unit, "deadline": "2026-12-31", "public": false})
			return nil
		}},
		{scenFile, func(t *vegeta.Target) error {
			n := seq.Add(1)
			it := items[int(n)%len(items)]
			t.Method, t.URL, t.Header = "POST", fmt.Sprintf("%s/api/v1/items/%.0f/reports", srv.url, it[0]), bearer(zz)
			t.Body = mustJSON(map[string]any{"period": "2026-11", "narrative": fmt.Sprintf("压测填报 %d", n), "reason": "压测更正",
				"values": []map[string]any{{"target_id": it[1], "value": n}}})
			return nil
		}},
		{scenComplaint, complaint(func() float64 { return srv.unit })},
		{scenComplaintMix, complaint(func() float64 { return float64(1 + rand.IntN(units)) })},
	}
	for _, s := range scen {
		if *only != "" && !strings.Contains(s.name, *only) {
			continue
		}
		if s.name == scenComplaintMix && units == 0 {
			continue // the demo's units are not numbered 1…N
		}
		r := attack(s.name, s.tgt, srv.pid(), 0)
		r.base, r.baseRate = "hello", helloRate
		if s.name == scenComplaint || s.name == scenComplaintMix {
			r.base, r.baseRate = "fsync", fsyncRate
		}
		results = append(results, r)
		// The two reads with a p99 target run a second time, paced at the
		// rate their target asks for: 64 saturating clients measure the
		// queue in front of two shared cores (Little's law), and the paced
		// run measures the latency a user sees at the required load.
		if want, ok := pacedShare[s.name]; ok && *pacedFlag && want*helloRate >= 1 {
			p := attack(s.name+paced, s.tgt, srv.pid(), want*helloRate)
			p.base, p.baseRate, p.pacedAt = "hello", helloRate, want*helloRate
			results = append(results, p)
		}
	}
	print(results, helloRate, fsyncRate)
	printTargets(results, storeRows, helloRate, fsyncRate)
	return nil
}

const (
	scenCert      = "public certificate query (number + name)"
	scenList      = "item list page of 50 (filtered)"
	scenCreate    = "item create"
	scenFile      = "report filing"
	scenComplaint = "complaint submission"
	// scenComplaintMix sends each complaint to a unit drawn from the
	// whole dataset (with -data only).
	scenComplaintMix = "complaint submission, units at random"
)

func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// pacedShare is the share of hello's rate at which a scenario runs a
// second time, paced: the rate its target asks for.
var pacedShare = map[string]float64{scenCert: 0.25, scenList: 0.06}

// paced ends the name of a scenario's paced run.
const paced = ", paced at its target's rate"

// maxPacedWorkers bounds the requests a paced run keeps in flight: four
// times the saturating clients, so that a stall shows in the latencies
// without a burst of new connections.
const maxPacedWorkers = 256

// attack runs one scenario for the duration, sampling the server's memory
// when pid is set. rate 0 sends as fast as a fixed pool of -clients
// workers can; otherwise vegeta paces the requests at rate a second, open
// (up to maxPacedWorkers in flight).
func attack(name string, tgt vegeta.Targeter, pid int, rate float64) result {
	if rate > 0 {
		fmt.Fprintf(os.Stderr, "%-34s %s at %.0f/s (open: up to %d in flight) …\n", name, *duration, rate, maxPacedWorkers)
	} else {
		fmt.Fprintf(os.Stderr, "%-34s %s with %d clients …\n", name, *duration, *clients)
	}
	// Paced, vegeta starts another worker rather than wait for a free one,
	// so a stalled server shows in the latencies instead of in requests
	// sent late. Each worker keeps its connection: closed ones pile up in
	// TIME_WAIT, and a stall that started many workers ran the loopback
	// out of ports.
	most := *clients
	if rate > 0 {
		most = maxPacedWorkers
	}
	a := vegeta.NewAttacker(vegeta.Workers(uint64(*clients)), vegeta.MaxWorkers(uint64(most)), vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second), vegeta.Connections(max(most, *clients*2)))
	r := result{name: name}
	done := make(chan struct{})
	if pid > 0 {
		r.rss[0] = rss(pid)
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					r.rss[1] = max(r.rss[1], rss(pid))
				}
			}
		}()
	}
	pace := vegeta.Rate{Freq: 0}
	if rate > 0 {
		pace = vegeta.Rate{Freq: int(rate), Per: time.Second}
	}
	for res := range a.Attack(tgt, pace, *duration, name) {
		r.m.Add(res)
	}
	r.m.Close()
	close(done)
	if pid > 0 {
		r.rss[2] = rss(pid)
		r.rss[1] = max(r.rss[1], r.rss[2])
	}
	return r
}

// rss reads a process's resident set in KiB.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func startHello() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	}))
	return l
}

// fsyncFloor commits one-row transactions from one writer for d.
func fsyncFloor(path string, d time.Duration) (float64, error) {
	fmt.Fprintf(os.Stderr, "%-34s %s, one writer …\n", "fsync (SQLite synchronous=FULL)", d)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		return 0, err
	}
	n, end := 0, time.Now().Add(d)
	start := time.Now()
	for time.Now().Before(end) {
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`INSERT INTO t (v) VALUES ('举报')`); err != nil {
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func print(rs []result, helloRate, fsyncRate float64) {
	fmt.Printf("\n%s, %d clients, %s per scenario, %s\n\n", time.Now().Format("2006-01-02 15:04"), *clients, *duration, machine())
	fmt.Println("| scenario | requests | req/s | p50 ms | p99 ms | errors | ratio to baseline | server RSS MiB (start / max / end) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|---|")
	for _, r := range rs {
		errs := failed(&r.m)
		ratio := "—"
		if r.base != "" {
			ratio = fmt.Sprintf("%.2f× %s (%.0f/s)", r.m.Throughput/r.baseRate, r.base, r.baseRate)
		}
		mem := "—"
		if r.rss[0] > 0 {
			mem = fmt.Sprintf("%.0f / %.0f / %.0f", float64(r.rss[0])/1024, float64(r.rss[1])/1024, float64(r.rss[2])/1024)
		}
		fmt.Printf("| %s | %d | %.0f | %.1f | %.1f | %d | %s | %s |\n", r.name, r.m.Requests, r.m.Throughput,
			float64(r.m.Latencies.P50.Microseconds())/1000, float64(r.m.Latencies.P99.Microseconds())/1000, errs, ratio, mem)
		if len(r.m.Errors) > 0 {
			fmt.Printf("|   errors: %s | | | | | | | |\n", strings.Join(r.m.Errors[:min(3, len(r.m.Errors))], "; "))
		}
	}
	fmt.Printf("| fsync (one writer, SQLite FULL) | | %.0f | | | | 1 | |\n", fsyncRate)
}

func machine() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return fmt.Sprintf("%d CPUs", bytes.Count(b, []byte("processor\t:")))
}
