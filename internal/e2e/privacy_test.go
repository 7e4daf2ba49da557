package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// lockedBuffer collects the server's log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]byte(nil), l.b.Bytes()...)
}

// TestComplaintPrivacy is the complaint issue's acceptance line: after a
// run that submits named complaints (web form and API), works them, reveals
// a reporter, exports the inbox and writes logs, neither a dump of the
// database, nor the export, nor the logs hold a reporter's name or phone in
// clear.
func TestComplaintPrivacy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		logs := &lockedBuffer{}
		e := startLogged(t, dsn, false, logs)
		secrets := []string{"隐私测试人甲", "13911112222", "secret-a@example.cn", "隐私测试人乙", "13933334444"}

		// A named complaint through the public web form, with a PDF.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"category": "fees", "place": "郑州市教育局", "body": "郑州市某小学以资料费名义收费，不开票据，请核查。",
			"reporter.name": secrets[0], "reporter.phone": secrets[1], "reporter.email": secrets[2]} {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("files", "收据.pdf")
		fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		mw.Close()
		req, _ := http.NewRequest("POST", e.url+"/complaints", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.url)
		r := do(t, http.DefaultClient, req)
		if r.status != 201 || !strings.Contains(string(r.body), "id=\"secret\"") {
			t.Fatalf("web submission: %d %s", r.status, r.body)
		}
		// And one through the API.
		r = e.api("POST", "/api/v1/complaints", "", fmt.Sprintf(`{"category": "teacher-pay", "unit_id": %d, "body": "教师绩效工资拖欠三个月未发放，请核查。", "reporter": {"name": "%s", "phone": "%s"}}`,
			e.unitID("ha-zz"), secrets[3], secrets[4]))
		if r.status != 201 {
			t.Fatalf("API submission: %d %s", r.status, r.body)
		}
		// Work both cases; reveal one reporter (the answer holds the name,
		// the logs and the audit entry must not).
		for id := 1; id <= 2; id++ {
			path := fmt.Sprintf("/api/v1/complaints/%d", id)
			for _, s := range []struct{ login, action, body string }{
				{"handler", "accept", `{}`},
				{"handler", "dispatch", fmt.Sprintf(`{"unit_id": %d, "reveal_to_unit": true}`, e.unitID("ha-zz"))},
				{"zhengzhou", "sign", `{}`},
			} {
				if r := e.api("POST", path+":"+s.action, s.login, s.body); r.status != 200 {
					t.Fatalf("%s: %d %s", s.action, r.status, r.body)
				}
			}
			if r := e.api("POST", path+":reveal", "zhengzhou", `{"reason": "需要电话核实细节"}`); r.status != 200 || !strings.Contains(string(r.body), "1393333") && !strings.Contains(string(r.body), "1391111") {
				t.Fatalf("reveal: %d %s", r.status, r.body)
			}
		}
		// The pages and the export the staff use.
		b := e.login("handler")
		pages := []response{b.get("/app/complaints"), b.get("/app/complaints/1"), b.get("/app/complaints/2"), b.get("/app/complaints/stats"),
			e.api("GET", "/api/v1/complaints", "handler", ""), e.api("GET", "/api/v1/complaints/1/events", "handler", "")}
		for i, p := range pages {
			if p.status != 200 {
				t.Fatalf("page %d: %d", i, p.status)
			}
			for _, s := range secrets {
				if bytes.Contains(p.body, []byte(s)) {
					t.Fatalf("page %d shows %q", i, s)
				}
			}
		}
		x := e.api("GET", "/api/v1/complaints.xlsx?all=1", "handler", "")
		if x.status != 200 {
			t.Fatalf("export: %d", x.status)
		}
		export := unzipAll(t, x.body)
		if !strings.Contains(export, "郑州市某小学以资料费名义收费") {
			t.Fatal("the export does not hold the cases at all")
		}
		dump := dumpDatabase(t, e, dsn)
		if !strings.Contains(dump, "JB") || !strings.Contains(dump, "complaint.reveal") {
			t.Fatal("the dump does not hold the cases and the audited reveal")
		}
		logText := string(logs.Bytes())
		if !strings.Contains(logText, "/api/v1/complaints") {
			t.Fatal("the log did not record the requests")
		}
		for _, s := range secrets {
			for what, text := range map[string]string{"database dump": dump, "export": export, "log": logText} {
				if strings.Contains(text, s) {
					t.Errorf("%s holds %q in clear", what, s)
				}
			}
		}
	})
}

// unzipAll returns the text of every part of an .xlsx.
func unzipAll(t *testing.T, b []byte) string {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out.Write(data)
	}
	return out.String()
}

// dumpDatabase returns every row of every table as text, plus, for SQLite,
// the raw bytes of every file in the data directory (database, WAL,
// uploads), and for PostgreSQL pg_dump's output when pg_dump is at hand.
func dumpDatabase(t *testing.T, e *env, dsn string) string {
	var out strings.Builder
	db := e.m.Store.SQL()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if strings.HasPrefix(dsn, "postgres") {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, tb := range tables {
		dumpTable(t, db, tb, &out)
	}
	if strings.HasPrefix(dsn, "postgres") {
		pgDump := ""
		if p, err := exec.LookPath("pg_dump"); err == nil {
			pgDump = p
		} else if ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump"); len(ms) > 0 {
			pgDump = ms[len(ms)-1]
		}
		if pgDump != "" {
			b, err := exec.Command(pgDump, "--dbname="+dsn).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			out.Write(b)
		}
	} else {
		filepath.WalkDir(e.data, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				out.Write(b)
			}
			return nil
		})
	}
	return out.String()
}

func dumpTable(t *testing.T, db *sql.DB, table string, out *strings.Builder) {
	rows, err := db.QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Fprint(out, v, "\t")
		}
		out.WriteString("\n")
	}
}
