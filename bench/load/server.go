package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// server is `shishi serve --demo` on a free loopback port.
type server struct {
	bin, data, url string
	cmd            *exec.Cmd
	unit           float64 // 郑州市教育局, the unit the scenarios write about
}

// startServer serves the demo, or with dataset the generated data already
// in data (`shishi gen --users`).
func startServer(bin, data string, dataset bool) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{bin: bin, data: data, url: "http://" + addr}
	s.cmd = exec.Command(bin, "serve", "--demo", "--data", data, "--addr", addr)
	unitCode, admin := "ha-zz", "admin"
	if dataset {
		s.cmd = exec.Command(bin, "serve", "--data", data, "--addr", addr)
		unitCode, admin = "410101", "gen-office"
	}
	// One address sends all the load: raise its limits, as an operator
	// would for a gateway.
	s.cmd.Env = append(os.Environ(), "SHISHI_PUBLIC_RATE=100000000", "SHISHI_API_RATE=10000000")
	if *profile != "" {
		s.cmd.Env = append(s.cmd.Env, "SHISHI_CPUPROFILE="+*profile)
	}
	// The server's output (an access-log line a request) goes through a
	// pipe, as to a log collector, drained in large reads; only its last
	// lines are kept, to show if it fails to start. Kept whole in a
	// growing buffer, it reached hundreds of megabytes over a run, and
	// while the buffer was copied to a larger one nobody read the pipe and
	// the server's requests waited on their log lines.
	out, err := drain(s.cmd)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, "starting", strings.Join(s.cmd.Args, " "), "(seeding the demo takes a while) …")
	err = s.cmd.Start()
	s.cmd.Stdout.(*os.File).Close() // the child holds its own copy
	if err != nil {
		return nil, err
	}
	for end := time.Now().Add(5 * time.Minute); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get(s.url + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				us, err := s.get("/api/v1/units?code="+unitCode, s.token(admin))
				if err != nil {
					return nil, err
				}
				s.unit = us["items"].([]any)[0].(map[string]any)["id"].(float64)
				s.settle()
				return s, nil
			}
		}
	}
	s.stop()
	return nil, errors.New("server not ready:\n" + out.String())
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// drain gives cmd a pipe for its output, of 1 MiB where Linux allows it
// (a collector's socket buffer absorbs a slow read the same way), read
// by a goroutine 1 MiB at a time. It returns the last 16 KiB read.
func drain(cmd *exec.Cmd) (*tail, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 1<<20) // best effort: the default is 64 KiB
	cmd.Stdout, cmd.Stderr = w, w
	t := &tail{max: 16 << 10}
	go func() {
		defer r.Close()
		buf := make([]byte, 1<<20)
		for {
			n, err := r.Read(buf)
			t.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return t, nil
}

// tail is an io.Writer that keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) > t.max {
		return string(t.b[len(t.b)-t.max:])
	}
	return string(t.b)
}

// settle waits (at most five minutes) until the server has been idle for
// two seconds: a server starting on a dataset runs its periodic jobs at
// once (the day's reminders, the figures, the cockpit's roll-ups), and a
// scenario measured meanwhile would share the cores with them.
func (s *server) settle() {
	start, idle := time.Now(), 0
	last := cpuTicks(s.pid())
	for time.Since(start) < 5*time.Minute && idle < 4 {
		time.Sleep(500 * time.Millisecond)
		now := cpuTicks(s.pid())
		// Under 5 % of one core: 100 ticks a second, 2.5 ticks in 0.5 s.
		if now-last <= 2 {
			idle++
		} else {
			idle = 0
		}
		last = now
	}
	fmt.Fprintf(os.Stderr, "server idle after %s\n", time.Since(start).Round(100*time.Millisecond))
}

// cpuTicks is the user and system time a process has used, in clock ticks
// (/proc/PID/stat fields 14 and 15).
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

var tokens = map[string]string{}

// token makes an API token with the CLI, as an operator would.
func (s *server) token(login string) string {
	if t, ok := tokens[login]; ok {
		return t
	}
	out, err := exec.Command(s.bin, "token", "create", "--data", s.data, "--user", login, "--days", "1").CombinedOutput()
	if err != nil {
		panic(fmt.Sprintf("token %s: %v\n%s", login, err, out))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	tokens[login] = strings.TrimSpace(lines[len(lines)-1])
	return tokens[login]
}

func (s *server) do(method, path, tok string, body any) (map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	var v map[string]any
	raw, _ := io.ReadAll(r.Body)
	if r.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, r.StatusCode, raw)
	}
	return v, json.Unmarshal(raw, &v)
}

func (s *server) get(path, tok string) (map[string]any, error) { return s.do("GET", path, tok, nil) }

// campaign makes the campaign the write scenarios use.
func (s *server) campaign(tok string) (id, tier float64, err error) {
	c, err := s.do("POST", "/api/v1/campaigns", tok, map[string]any{"name": "压力测试活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": []string{"压测"}})
	if err != nil {
		return 0, 0, err
	}
	return c["id"].(float64), c["tiers"].([]any)[0].(map[string]any)["id"].(float64), nil
}

// items makes n approved items led by Zhengzhou, each with one target;
// it returns [item id, target id] pairs.
func (s *server) items(tok string, camp, tier float64, n int) ([][2]float64, error) {
	var out [][2]float64
	for i := 0; i < n; i++ {
		it, err := s.do("POST", fmt.Sprintf("/api/v1/campaigns/%.0f/items", camp), tok, map[string]any{"tier_id": tier, "code": fmt.Sprintf("R-%d", i),
			"title": fmt.Sprintf("压测填报事项 %d", i), "leader_name": "测试", "lead_unit_id": s.unit, "deadline": "2026-12-31", "public": false,
			"targets": []map[string]any{{"name": "数量", "unit": "个", "baseline": 0, "target": 100000000, "plan": []map[string]any{{"period": "2026-12", "value": 100000000}}}}})
		if err != nil {
			return nil, err
		}
		id := it["id"].(float64)
		if _, err := s.do("POST", fmt.Sprintf("/api/v1/items/%.0f:approve", id), tok, nil); err != nil {
			return nil, err
		}
		out = append(out, [2]float64{id, it["targets"].([]any)[0].(map[string]any)["id"].(float64)})
	}
	return out, nil
}

// certificates reads n (number, holder) pairs spread over the issued
// credentials, for the public query.
func (s *server) certificates(n int) ([][2]string, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.data, "shishi.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var total int
	if err := db.QueryRow(`SELECT count(*) FROM credentials`).Scan(&total); err != nil {
		return nil, err
	}
	if total == 0 {
		return nil, errors.New("no credentials to query")
	}
	rows, err := db.Query(`SELECT number, holder_name FROM credentials WHERE id % $1 = 0 LIMIT $2`, max(1, total/n), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no credentials read")
	}
	return out, rows.Err()
}
