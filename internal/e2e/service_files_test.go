package e2e

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestForeignUploadRefused: knowing the hash of another person's upload
// does not let one hand it in (422 naming the field, nothing stored), nor
// therefore download it; a file in a table cell of one's own application
// downloads, and a table's text columns called name and sha256 fetch
// nothing.
func TestForeignUploadRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		svc := e.api("POST", "/api/v1/services", "henan", fmt.Sprintf(`{"code": "files", "name": "附件申报", "applicants": "units", "owner_unit_id": %d,
			"fields": [{"key": "plan", "label": "申报书", "type": "file"},
				{"key": "members", "label": "成员", "type": "table", "columns": [{"key": "name", "label": "姓名", "type": "text"}, {"key": "scan", "label": "扫描件", "type": "file"}]},
				{"key": "refs", "label": "参考", "type": "table", "columns": [{"key": "name", "label": "题名", "type": "text"}, {"key": "sha256", "label": "摘要值", "type": "text"}]}],
			"workflow": [{"kind": "check", "role": "office", "days": 5}]}`, e.unitID("ha")))
		if svc.status != 201 {
			t.Fatalf("service: %d %s", svc.status, svc.body)
		}
		sid := svc.json(t)["id"]
		up := e.upload("/api/v1/service-files", "zhengzhou", []byte("%PDF-1.4\n% 郑州的申报书\n%%EOF\n"))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		theirs, _ := json.Marshal(up.json(t))
		hash := up.json(t)["sha256"].(string)
		apply := func(login, answers string) response {
			return e.api("POST", "/api/v1/applications", login, fmt.Sprintf(`{"service_id": %v, "title": "附件", "answers": %s}`, sid, answers))
		}
		// 北京大学's operator puts Zhengzhou's hash in a file field, then in a
		// table cell: refused, each named.
		r := apply("pku", `{"plan": [`+string(theirs)+`]}`)
		if r.status != 422 {
			t.Fatalf("another's hash: %d %s", r.status, r.body)
		}
		problem("invalid", "answers.plan")(t, r)
		r = apply("pku", `{"members": [{"name": "甲"}, {"name": "乙", "scan": [`+string(theirs)+`]}]}`)
		if r.status != 422 {
			t.Fatalf("another's hash in a cell: %d %s", r.status, r.body)
		}
		problem("invalid", "answers.members[2].scan")(t, r)
		// What a text table names is no file: the application stores, and
		// the hash does not download from it.
		r = apply("pku", fmt.Sprintf(`{"refs": [{"name": "x.pdf", "sha256": %q}]}`, hash))
		if r.status != 201 {
			t.Fatalf("text columns: %d %s", r.status, r.body)
		}
		if d := e.api("GET", fmt.Sprintf("/api/v1/applications/%v/files/%s", r.json(t)["id"], hash), "pku", ""); d.status != 404 {
			t.Fatalf("download through text columns: %d", d.status)
		}
		// Zhengzhou hands its own file in a table cell and downloads it.
		r = apply("zhengzhou", `{"members": [{"name": "甲", "scan": [`+string(theirs)+`]}]}`)
		if r.status != 201 {
			t.Fatalf("own file in a cell: %d %s", r.status, r.body)
		}
		if d := e.api("GET", fmt.Sprintf("/api/v1/applications/%v/files/%s", r.json(t)["id"], hash), "zhengzhou", ""); d.status != 200 || string(d.body) != "%PDF-1.4\n% 郑州的申报书\n%%EOF\n" {
			t.Fatalf("download from a cell: %d %q", d.status, d.body)
		}
	})
}
