package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
)

// cli runs the command line in-process and returns exit code and output.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// storeArgs returns the --data / --db flags for a target database.
func storeArgs(t *testing.T, dsn string) []string {
	data := t.TempDir()
	if strings.HasPrefix(dsn, "postgres") {
		return []string{"--data", data, "--db", dsn}
	}
	return []string{"--data", strings.TrimSuffix(dsn, "/shishi.db")}
}

func must(t *testing.T, want int, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, stdin, args...)
	if code != want {
		t.Fatalf("shishi %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errs)
	}
	return out + errs
}

func TestUsageAndVersion(t *testing.T) {
	if out := must(t, 0, "", "version"); !strings.HasPrefix(out, "shishi ") {
		t.Fatalf("version: %q", out)
	}
	must(t, 2, "")
	must(t, 2, "", "frobnicate")
	must(t, 2, "", "serve", "--no-such-flag")
	must(t, 2, "", "token", "create", "--data", t.TempDir())
}

// TestAuditTamper: altering or removing one audit row makes `shishi audit
// verify` fail and name the entry.
func TestAuditTamper(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		st := storeArgs(t, dsn)
		with := func(args ...string) []string { return append(args, st...) }
		must(t, 0, "", with("migrate")...)
		must(t, 0, "", with("unit", "add", "--code", "moe", "--name", "教育部", "--kind", "ministry")...)
		must(t, 0, "", with("unit", "add", "--code", "ha", "--name", "河南省教育厅", "--kind", "province", "--parent", "moe")...)
		must(t, 0, "", with("unit", "add", "--code", "ha-zz", "--name", "郑州市教育局", "--kind", "city", "--parent", "ha")...)
		out := must(t, 0, "Strong-Passw0rd\n", with("user", "add", "--login", "zz", "--name", "郑州", "--unit", "ha-zz", "--role", "operator", "--password-stdin")...)
		if strings.Contains(out, "password:") {
			t.Fatal("a password from stdin was echoed")
		}
		if out := must(t, 0, "", with("audit", "verify")...); !strings.Contains(out, "4 entries verified") {
			t.Fatalf("verify: %q", out)
		}
		db := rawDB(t, dsn)
		// Whoever holds the database must first get round the append-only trigger…
		if _, err := db.Exec(`UPDATE audit_log SET detail = '{"name":"forged"}' WHERE seq = 2`); err == nil {
			t.Fatal("the append-only trigger let an update through")
		}
		dropTriggers(t, db, dsn)
		if _, err := db.Exec(`UPDATE audit_log SET detail = '{"name":"forged"}' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		// …and the chain still shows it.
		out = must(t, 1, "", with("audit", "verify")...)
		if !strings.Contains(out, "entry 2") || !strings.Contains(out, "altered") {
			t.Fatalf("altered row: %q", out)
		}
	})
}

func TestAuditRemoval(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		st := storeArgs(t, dsn)
		with := func(args ...string) []string { return append(args, st...) }
		must(t, 0, "", with("unit", "add", "--code", "moe", "--name", "教育部", "--kind", "ministry")...)
		must(t, 0, "", with("unit", "add", "--code", "bj", "--name", "北京市教育委员会", "--kind", "province", "--parent", "moe")...)
		must(t, 0, "", with("unit", "add", "--code", "sh", "--name", "上海市教育委员会", "--kind", "province", "--parent", "moe")...)
		db := rawDB(t, dsn)
		dropTriggers(t, db, dsn)
		if _, err := db.Exec(`DELETE FROM audit_log WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		if out := must(t, 1, "", with("audit", "verify")...); !strings.Contains(out, "entry 2") {
			t.Fatalf("removed middle row: %q", out)
		}
		// Removing the newest entries is seen too (the head remembers them).
		if _, err := db.Exec(`DELETE FROM audit_log WHERE seq >= 2`); err != nil {
			t.Fatal(err)
		}
		if out := must(t, 1, "", with("audit", "verify")...); !strings.Contains(out, "entry 2") || !strings.Contains(out, "removed") {
			t.Fatalf("removed tail: %q", out)
		}
	})
}

func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver, src := "sqlite", dsn
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dropTriggers(t *testing.T, db *sql.DB, dsn string) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if strings.HasPrefix(dsn, "postgres") {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTokenCreateWhileServing: `shishi token create` works on the data
// directory of a running server, and its last line is a working token.
func TestTokenCreateWhileServing(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	m, err := app.Open(ctx, app.Config{Addr: "127.0.0.1:0", Data: data, DemoWithoutLedger: true}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	defer func() { cancel(); <-done; m.Close() }()

	out := must(t, 0, "", "token", "create", "--data", data, "--user", "zhengzhou")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var me struct {
		Login  string         `json:"login"`
		Grants []shishi.Grant `json:"grants"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &me) != nil || me.Login != "zhengzhou" {
		t.Fatalf("token from CLI: %d %s", res.StatusCode, body)
	}
	// A token limited to the operator role over Jinshui: /me shows that
	// grant alone.
	out = must(t, 0, "", "token", "create", "--data", data, "--user", "zhengzhou", "--grant", "operator@ha-zz-jinshui")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	req, _ = http.NewRequest("GET", m.URL()+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+lines[len(lines)-1])
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	me.Grants = nil
	if res.StatusCode != 200 || json.Unmarshal(body, &me) != nil || len(me.Grants) != 1 || me.Grants[0].Role != shishi.RoleOperator || !strings.Contains(me.Grants[0].UnitName, "金水") {
		t.Fatalf("limited token from CLI: %d %s", res.StatusCode, body)
	}
	// Bad grants: malformed, an unknown unit, a role the user lacks.
	if out := must(t, 2, "", "token", "create", "--data", data, "--user", "zhengzhou", "--grant", "king@ha-zz"); !strings.Contains(out, "role") {
		t.Fatalf("malformed grant: %q", out)
	}
	if out := must(t, 2, "", "token", "create", "--data", data, "--user", "zhengzhou", "--grant", "operator@nowhere"); !strings.Contains(out, "nowhere") {
		t.Fatalf("unknown unit: %q", out)
	}
	if out := must(t, 1, "", "token", "create", "--data", data, "--user", "zhengzhou", "--grant", "admin@ha-zz"); !strings.Contains(out, "grants[0]") {
		t.Fatalf("role not held: %q", out)
	}
	// Bad input: an unknown user, an unknown role.
	if out := must(t, 1, "", "token", "create", "--data", data, "--user", "nobody"); !strings.Contains(out, "nobody") {
		t.Fatalf("unknown user: %q", out)
	}
	if out := must(t, 1, "", "user", "add", "--data", data, "--login", "x1", "--name", "x", "--unit", "moe", "--role", "king"); !strings.Contains(out, "grants") {
		t.Fatalf("unknown role: %q", out)
	}
}

// TestAuditCheckpoint: someone holding the database cuts the newest entries
// and rolls the head back; the chain alone cannot tell, a checkpoint kept
// elsewhere does.
func TestAuditCheckpoint(t *testing.T) {
	dsn := testdb.SQLite(t)
	st := storeArgs(t, dsn)
	with := func(args ...string) []string { return append(args, st...) }
	must(t, 0, "", with("unit", "add", "--code", "moe", "--name", "教育部", "--kind", "ministry")...)
	must(t, 0, "", with("unit", "add", "--code", "bj", "--name", "北京市教育委员会", "--kind", "province", "--parent", "moe")...)
	out := must(t, 0, "", with("audit", "verify")...)
	i := strings.LastIndex(out, ": ")
	checkpoint := strings.TrimSpace(out[i+2:])
	if !strings.HasPrefix(checkpoint, "2:") {
		t.Fatalf("checkpoint %q", checkpoint)
	}
	must(t, 0, "", with("audit", "verify", "--checkpoint", checkpoint)...)
	db := rawDB(t, dsn)
	dropTriggers(t, db, dsn)
	var h1 string
	if err := db.QueryRow(`SELECT hash FROM audit_log WHERE seq = 1`).Scan(&h1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM audit_log WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_head SET seq = 1, hash = $1`, h1); err != nil {
		t.Fatal(err)
	}
	must(t, 0, "", with("audit", "verify")...)
	if out := must(t, 1, "", with("audit", "verify", "--checkpoint", checkpoint)...); !strings.Contains(out, "entry 2") || !strings.Contains(out, "cut back") {
		t.Fatalf("cut with checkpoint: %q", out)
	}
	must(t, 2, "", with("audit", "verify", "--checkpoint", "nonsense")...)
}

// TestMissingKeys: a database with data and no master keys beside it is
// refused, rather than verified (or served) with fresh keys.
func TestMissingKeys(t *testing.T) {
	data := t.TempDir()
	must(t, 0, "", "unit", "add", "--data", data, "--code", "moe", "--name", "教育部", "--kind", "ministry")
	if err := os.Remove(filepath.Join(data, "master.keys")); err != nil {
		t.Fatal(err)
	}
	if out := must(t, 1, "", "audit", "verify", "--data", data); !strings.Contains(out, "master.keys is missing") {
		t.Fatalf("missing keys: %q", out)
	}
	if _, err := os.Stat(filepath.Join(data, "master.keys")); !os.IsNotExist(err) {
		t.Fatal("a fresh key file was left behind")
	}
}

// TestWorkdayCLI: the contract's forms, on the official calendar.
func TestWorkdayCLI(t *testing.T) {
	lines := func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }
	if out := lines(must(t, 0, "", "workday", "add", "2021-09-30", "1")); out[len(out)-1] != "2021-10-08" {
		t.Fatalf("add across National Day: %q", out)
	}
	if out := lines(must(t, 0, "", "workday", "between", "2021-09-30", "2021-10-11")); out[len(out)-1] != "3" {
		t.Fatalf("between: %q", out)
	}
	must(t, 1, "", "workday", "add", "2021-02-30", "1")
	must(t, 2, "", "workday", "add", "2021-09-30")
}

// TestBackupRestore: a backup taken while the server runs restores into an
// empty data directory that passes audit verify at the backup's checkpoint
// and holds the same data, keys and evidence files.
func TestBackupRestore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		data := t.TempDir()
		cfg := app.Config{Addr: "127.0.0.1:0", Data: data, DemoWithoutLedger: true}
		st := []string{"--data", data}
		if strings.HasPrefix(dsn, "postgres") {
			cfg.DB = dsn
			st = append(st, "--db", dsn)
		} else {
			cfg.Data = strings.TrimSuffix(dsn, "/shishi.db")
			data = cfg.Data
			st = []string{"--data", data}
		}
		ctx, cancel := context.WithCancel(context.Background())
		m, err := app.Open(ctx, cfg, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		// An evidence-like file in the blob store travels too.
		if err := os.MkdirAll(filepath.Join(data, "files", "ab"), 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(data, "files", "ab", strings.Repeat("c", 62)), []byte("%PDF-1.4 evidence"), 0o600)
		if err := m.Listen(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- m.Serve(ctx) }()
		defer func() { cancel(); <-done; m.Close() }()

		archive := filepath.Join(t.TempDir(), "shishi.backup.tar.gz")
		out := must(t, 0, "", append(append([]string{"backup"}, st...), archive)...)
		i := strings.Index(out, "audit checkpoint ")
		checkpoint := strings.TrimSpace(out[i+len("audit checkpoint "):])

		restored := filepath.Join(t.TempDir(), "restored")
		rst := []string{"--data", restored}
		if strings.HasPrefix(dsn, "postgres") {
			rst = append(rst, "--db", testdb.Postgres(t))
		}
		must(t, 0, "", append(append([]string{"restore"}, rst...), archive)...)
		must(t, 0, "", append([]string{"audit", "verify", "--checkpoint", checkpoint}, rst...)...)
		b, err := os.ReadFile(filepath.Join(restored, "files", "ab", strings.Repeat("c", 62)))
		if err != nil || string(b) != "%PDF-1.4 evidence" {
			t.Fatalf("evidence file: %q %v", b, err)
		}
		// The restored instance serves the same units.
		rc := app.Config{Data: restored}
		if len(rst) > 2 {
			rc.DB = rst[3]
		}
		r, err := app.Open(context.Background(), rc, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		sys := shishi.WithActor(context.Background(), shishi.SystemActor())
		_, n1, _ := m.Store.FindUnits(sys, shishi.UnitFilter{Limit: 1})
		_, n2, _ := r.Store.FindUnits(sys, shishi.UnitFilter{Limit: 1})
		if n1 != n2 || n1 < 100 {
			t.Fatalf("units: %d before, %d restored", n1, n2)
		}
		// Restoring over a non-empty directory is refused.
		must(t, 1, "", "restore", "--data", restored, archive)
		must(t, 2, "", "restore", archive)
	})
}

// TestRekeyCLI: after a new master key is put first, `shishi rekey`
// re-seals the reporters' identities under it, and they still open.
func TestRekeyCLI(t *testing.T) {
	data := t.TempDir()
	must(t, 0, "", "unit", "add", "--data", data, "--code", "moe", "--name", "教育部", "--kind", "ministry")
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{Data: data}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	us, _, err := m.Store.FindUnits(sys, shishi.UnitFilter{Code: "moe", Limit: 1})
	if err != nil || len(us) != 1 {
		t.Fatalf("unit: %v", err)
	}
	rc, err := m.Store.Submit(ctx, shishi.ComplaintInput{Category: "other", UnitID: us[0].ID, Body: "实名反映的一个问题，内容足够长。",
		Reporter: shishi.Reporter{Name: "轮换测试", Phone: "13700001111"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	keyFile := filepath.Join(data, "master.keys")
	old, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	fresh := strings.SplitN(secret.NewKeyringText("k2"), "\n", 2)[1]
	if err := os.WriteFile(keyFile, append([]byte(fresh), old...), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := must(t, 0, "", "rekey", "--data", data); !strings.Contains(out, "re-sealed 1 values") {
		t.Fatalf("rekey: %q", out)
	}
	m, err = app.Open(ctx, app.Config{Data: data}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var sealed string
	if err := m.Store.SQL().QueryRow(`SELECT reporter_sealed FROM complaints WHERE id = $1`, rc.ID).Scan(&sealed); err != nil || !strings.HasPrefix(sealed, "k2:") {
		t.Fatalf("not re-sealed: %.3s %v", sealed, err)
	}
	if rep, err := m.Store.RevealReporter(sys, rc.ID, "轮换后核对身份"); err != nil || rep.Name != "轮换测试" {
		t.Fatalf("reveal: %+v %v", rep, err)
	}
}
