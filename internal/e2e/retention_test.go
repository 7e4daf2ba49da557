package e2e

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestAuditExport: the security auditor archives the log of a period as
// CSV; the export is itself in the log; nobody else may export.
func TestAuditExport(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	r := e.api("GET", "/api/v1/audit.csv?from=2000-01-01&to=2100-12-31", "auditor", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(r.body), "\xef\xbb\xbf") {
		t.Fatalf("export: %d %s", r.status, r.header)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\xef\xbb\xbf"))).ReadAll()
	if err != nil || len(rows) < 10 || rows[0][0] != "seq" || rows[1][0] != "1" {
		t.Fatalf("rows %d %v: %v", len(rows), err, rows[:min(len(rows), 2)])
	}
	again := e.api("GET", "/api/v1/audit.csv?from=2000-01-01&to=2100-12-31", "auditor", "")
	if !strings.Contains(string(again.body), "audit.export") {
		t.Fatal("the first export is not in the log")
	}
	if r := e.api("GET", "/api/v1/audit.csv?from=2000-01-01&to=2100-12-31", "admin", ""); r.status != 403 {
		t.Fatalf("admin exports the audit log: %d", r.status)
	}
	problem("invalid", "to")(t, e.api("GET", "/api/v1/audit.csv?from=2026-02-01&to=2026-01-01", "auditor", ""))
	problem("invalid", "from")(t, e.api("GET", "/api/v1/audit.csv?from=yesterday&to=2026-01-01", "auditor", ""))
}
