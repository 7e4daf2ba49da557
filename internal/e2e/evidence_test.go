package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

var samplePDF = []byte("%PDF-1.4\n% 周转宿舍建成照片与验收单\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

// TestEvidence: a report filed with a PDF keeps it by content hash; the
// file downloads as an attachment under a sandbox; an executable is
// refused and files nothing; another subtree cannot fetch it.
func TestEvidence(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	cid := e.newCampaign("henan", "佐证材料测试")
	tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", cid), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", cid), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "周转宿舍", "lead_unit_id": %d, "deadline": "2026-12-31", "targets": [{"name": "建成", "unit": "套", "target": 7000}]}`, tier, e.unitID("ha-zz")))
	item := int64(r.json(t)["id"].(float64))
	tid := int64(r.json(t)["targets"].([]any)[0].(map[string]any)["id"].(float64))
	e.api("POST", fmt.Sprintf("/api/v1/items/%d:approve", item), "henan", "")
	b := e.login("zhengzhou")
	post := func(file []byte, name string) response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("_csrf", b.csrf(fmt.Sprintf("/app/items/%d", item)))
		mw.WriteField("action", "report")
		mw.WriteField("period", "2021-09")
		mw.WriteField("narrative", "已建成3364套")
		mw.WriteField(fmt.Sprintf("value_%d", tid), "3364")
		fw, _ := mw.CreateFormFile("evidence", name)
		fw.Write(file)
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/app/items/%d", e.url, item), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.url)
		return do(t, b.c, req)
	}
	// An executable dressed as a PDF is refused, and no report is filed.
	if r := post(append([]byte("MZ\x90\x00"), make([]byte, 64)...), "照片.pdf"); r.status != 422 {
		t.Fatalf("executable: %d", r.status)
	}
	if n := e.api("GET", fmt.Sprintf("/api/v1/items/%d/reports", item), "henan", "").json(t)["total"]; n != 0.0 {
		t.Fatalf("a refused upload filed %v reports", n)
	}
	if r := post(samplePDF, "验收单.pdf"); r.status != 303 {
		t.Fatalf("report with evidence: %d %s", r.status, r.body)
	}
	d := b.get(fmt.Sprintf("/app/items/%d", item)).doc(t)
	link, ok := d.Find(".evidence a").Attr("href")
	if !ok || !strings.Contains(d.Find(".evidence").Text(), "验收单.pdf") {
		t.Fatal("evidence not listed on the item page")
	}
	dl := b.get(link)
	if dl.status != 200 || !bytes.Equal(dl.body, samplePDF) || dl.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") || !strings.Contains(dl.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %v", dl.status, dl.header)
	}
	// The API lists it with its hash; Luoyang's operator cannot fetch it.
	ev := e.api("GET", fmt.Sprintf("/api/v1/items/%d/evidence", item), "henan", "").json(t)["items"].([]any)
	if len(ev) != 1 || len(ev[0].(map[string]any)["sha256"].(string)) != 64 {
		t.Fatalf("evidence via API: %v", ev)
	}
	id := int64(ev[0].(map[string]any)["id"].(float64))
	if r := e.api("GET", fmt.Sprintf("/api/v1/evidence/%d", id), "pku", ""); r.status != 404 {
		t.Fatalf("PKU fetches Zhengzhou's evidence: %d", r.status)
	}
	if r := e.api("GET", fmt.Sprintf("/api/v1/evidence/%d", id), "zhengzhou", ""); r.status != 200 || !bytes.Equal(r.body, samplePDF) {
		t.Fatalf("owner fetches evidence: %d", r.status)
	}
	// After review no file can be added; a correction is the way.
	rep := int64(e.api("GET", fmt.Sprintf("/api/v1/items/%d/reports", item), "henan", "").json(t)["items"].([]any)[0].(map[string]any)["id"].(float64))
	e.api("POST", fmt.Sprintf("/api/v1/reports/%d:accept", rep), "henan", "")
	if r := e.upload(fmt.Sprintf("/api/v1/reports/%d/evidence", rep), "zhengzhou", samplePDF); r.status != 409 {
		t.Fatalf("evidence after review: %d %s", r.status, r.body)
	}
}
