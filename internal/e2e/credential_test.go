package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

const neeaCredit = "12100000400010253E"

// credentialEnv makes 教育部考试中心 an issuer over the API with a CET type.
func credentialEnv(t *testing.T, e *env) (issuer map[string]any) {
	t.Helper()
	cc := neeaCredit
	if _, err := e.m.Store.UpdateUnit(e.sys, e.unitID("neea"), 0, shishi.UnitPatch{CreditCode: &cc}); err != nil {
		t.Fatal(err)
	}
	res := e.api("POST", "/api/v1/issuers", "issuer", `{"unit_id": `+itoa64(e.unitID("neea"))+`, "sm2": true}`)
	if res.status != http.StatusCreated {
		t.Fatalf("create issuer: %d %s", res.status, res.body)
	}
	issuer = res.json(t)
	typ := `{"issuer_id": ` + itoa64(int64(issuer["id"].(float64))) + `, "code": "cet4", "name": "全国大学英语四级考试成绩报告单", "number_code": "CET4",
		"fields": [{"key": "fullName", "label": "姓名", "kind": "name", "public": true},
		{"key": "idNumber", "label": "证件号码", "kind": "id_number", "required": true},
		{"key": "admissionNumber", "label": "准考证号", "kind": "text", "required": true, "public": true},
		{"key": "examSession", "label": "考试时间", "kind": "text", "public": true},
		{"key": "totalScore", "label": "总分", "kind": "integer", "required": true, "public": true},
		{"key": "listening", "label": "听力", "kind": "integer"},
		{"key": "reading", "label": "阅读", "kind": "integer"},
		{"key": "writingTranslation", "label": "写作与翻译", "kind": "integer"}]}`
	if res := e.api("POST", "/api/v1/credential-types", "issuer", typ); res.status != http.StatusCreated {
		t.Fatalf("create type: %d %s", res.status, res.body)
	}
	return issuer
}

func (e *env) issue(t *testing.T, name, score string) map[string]any {
	t.Helper()
	body := `{"type": "cet4", "subject": {"fullName": "` + name + `", "idNumber": "11010519491231002X", "admissionNumber": "410101211200101",
		"examSession": "2021年6月", "totalScore": "` + score + `", "listening": "150", "reading": "160", "writingTranslation": "115"}}`
	res := e.api("POST", "/api/v1/credentials", "issuer", body)
	if res.status != http.StatusCreated {
		t.Fatalf("issue: %d %s", res.status, res.body)
	}
	return res.json(t)
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestCredentials(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		issuer := credentialEnv(t, e)
		did := issuer["did"].(string)
		if !strings.HasPrefix(did, "did:web:127.0.0.1%3A") {
			t.Fatalf("did %s", did)
		}
		got := e.issue(t, "韩梅梅", "425")
		cred := got["credential"].(map[string]any)
		id, number, key := itoa64(int64(cred["id"].(float64))), cred["number"].(string), got["key"].(string)
		vcRes := e.api("GET", "/api/v1/credentials/"+id+"/vc", "issuer", "")
		if vcRes.status != 200 || !strings.Contains(string(vcRes.body), `"eddsa-rdfc-2022"`) || strings.Contains(string(vcRes.body), "11010519491231002X") {
			t.Fatalf("vc: %d %s", vcRes.status, vcRes.body)
		}
		// The issuer signs with SM2 too: a proof set, Ed25519 first; our
		// verifier checks both (the outside one below, the first).
		if !strings.Contains(string(vcRes.body), `"proof":[{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022"`) ||
			!strings.Contains(string(vcRes.body), `"cryptosuite":"sm2-rdfc-2026"`) {
			t.Fatalf("proof set: %s", vcRes.body)
		}
		if v := e.api("POST", "/api/v1/credentials:verify", "", string(vcRes.body)).json(t); v["status"] != "valid" || len(v["proofs"].([]any)) != 2 {
			t.Fatalf("our verifier on the proof set: %v", v)
		}
		// Every URL the credential names is served here.
		var doc map[string]any
		json.Unmarshal(vcRes.body, &doc)
		published := map[string]json.RawMessage{}
		fetch := func(u string) []byte {
			t.Helper()
			res := e.api("GET", strings.TrimPrefix(u, e.url), "", "")
			if res.status != 200 || !strings.HasPrefix(u, e.url) {
				t.Fatalf("GET %s: %d %s", u, res.status, res.body)
			}
			if res.header.Get("ETag") == "" || !strings.Contains(res.header.Get("Cache-Control"), "public") {
				t.Fatalf("%s is not cacheable: %v", u, res.header)
			}
			published[u] = res.body
			return res.body
		}
		fetch(doc["@context"].([]any)[1].(string))
		for _, st := range doc["credentialStatus"].([]any) {
			fetch(st.(map[string]any)["statusListCredential"].(string))
		}
		didDoc := fetch(e.url + "/issuers/" + itoa64(int64(issuer["id"].(float64))) + "/did.json")
		published[did] = didDoc
		// The public query: page and JSON.
		q := "/verify?number=" + url.QueryEscape(number) + "&name=" + url.QueryEscape("韩梅梅")
		js := e.api("GET", q, "", "", "Accept", "application/json").json(t)
		if js["status"] != "valid" || js["credential"] != nil {
			t.Fatalf("query: %v", js)
		}
		if len(js["fields"].([]any)) != 4 {
			t.Fatalf("public fields: %v", js["fields"])
		}
		page := e.api("GET", q, "", "")
		if s := page.doc(t).Find("#verdict-status").Text(); s != "有效" {
			t.Fatalf("page verdict %q", s)
		}
		bad := e.api("GET", "/verify?number="+url.QueryEscape(number[:len(number)-1]+"?")+"&name=x", "", "", "Accept", "application/json")
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("mistyped number: %d %s", bad.status, bad.body)
		}
		if js := e.api("GET", "/verify?number="+url.QueryEscape(number)+"&name=李雷", "", "", "Accept", "application/json").json(t); js["status"] != "not_found" {
			t.Fatalf("wrong name: %v", js)
		}
		// The QR code's link opens every field and the credential.
		full := e.api("GET", "/verify?number="+url.QueryEscape(number)+"&key="+key, "", "", "Accept", "application/json").json(t)
		if full["credential"] == nil || len(full["fields"].([]any)) != 8 {
			t.Fatalf("qr: %v", full)
		}
		// The QR link's page offers the PDF, which the holder downloads with
		// no account; a wrong key gets nothing.
		link, ok := e.api("GET", "/verify?number="+url.QueryEscape(number)+"&key="+key, "", "").doc(t).Find("#verify-pdf").Attr("href")
		if !ok {
			t.Fatal("the QR link's page offers no PDF")
		}
		if pdf := e.api("GET", link, "", ""); pdf.status != 200 || !strings.HasPrefix(string(pdf.body), "%PDF-") || pdf.header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(pdf.header.Get("Cache-Control"), "no-store") {
			t.Fatalf("public PDF: %d %v %.40q", pdf.status, pdf.header, pdf.body)
		}
		if pdf := e.api("GET", "/verify/pdf?number="+url.QueryEscape(number)+"&key=AAAAAAAAAAAAAAAA", "", ""); pdf.status != http.StatusNotFound {
			t.Fatalf("PDF with a wrong key: %d", pdf.status)
		}
		if pdf := e.api("GET", "/api/v1/credentials/"+id+"/pdf", "zhengzhou", ""); pdf.status != http.StatusNotFound {
			t.Fatalf("another unit's PDF: %d", pdf.status)
		}
		// A second credential, revoked with a reason over the API.
		rev := e.issue(t, "李雷", "550")["credential"].(map[string]any)
		revID := itoa64(int64(rev["id"].(float64)))
		if res := e.api("POST", "/api/v1/credentials/"+revID+":revoke", "issuer", `{"reason": ""}`); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("revoke without reason: %d", res.status)
		}
		if res := e.api("POST", "/api/v1/credentials/"+revID+":revoke", "issuer", `{"reason": "成绩复核更正"}`); res.status != 200 || res.json(t)["status"] != "revoked" {
			t.Fatalf("revoke: %d %s", res.status, res.body)
		}
		revVC := e.api("GET", "/api/v1/credentials/"+revID+"/vc", "issuer", "").body
		if js := e.api("GET", "/verify?number="+url.QueryEscape(rev["number"].(string))+"&name=李雷", "", "", "Accept", "application/json").json(t); js["status"] != "revoked" {
			t.Fatalf("revoked query: %v", js)
		}
		// The lists changed: fetch them again for the outside verifier.
		for _, st := range doc["credentialStatus"].([]any) {
			fetch(st.(map[string]any)["statusListCredential"].(string))
		}
		// Uploaded to the verification page: valid, revoked, tampered.
		altered := bytes.Replace(vcRes.body, []byte(`"totalScore":425`), []byte(`"totalScore":625`), 1)
		for _, c := range []struct {
			file []byte
			want string
		}{{vcRes.body, "有效"}, {revVC, "已撤销"}, {altered, "已被篡改"}} {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "credential.json")
			fw.Write(c.file)
			mw.Close()
			req, _ := http.NewRequest("POST", e.url+"/verify", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res := do(t, http.DefaultClient, req)
			if s := res.doc(t).Find("#verdict-status").Text(); s != c.want {
				t.Fatalf("upload: verdict %q, want %q (%s)", s, c.want, res.doc(t).Find("#verdict-problem").Text())
			}
		}
		// Bulk: a file with a bad row issues nothing and lists it.
		csv := "姓名,证件号码,准考证号,考试时间,总分\n张三,11010519491231002X,1,2021年6月,500\n李四,123,2,2021年6月,x\n"
		res := e.uploadBulk("cet4", []byte(csv))
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(string(res.body), `"row": 3`) {
			t.Fatalf("bad bulk: %d %s", res.status, res.body)
		}
		if n := e.api("GET", "/api/v1/credentials", "issuer", "").json(t)["total"]; n != 2.0 {
			t.Fatalf("after a bad bulk: %v credentials", n)
		}
		good := strings.Replace(csv, "李四,123,2,2021年6月,x", "李四,E12345678,2,2021年6月,480", 1)
		if res := e.uploadBulk("cet4", []byte(good)); res.status != http.StatusCreated || res.json(t)["count"] != 2.0 {
			t.Fatalf("bulk: %d %s", res.status, res.body)
		}
		// Another unit's people see none of it.
		if n := e.api("GET", "/api/v1/credentials", "zhengzhou", "").json(t)["total"]; n != 0.0 {
			t.Fatalf("zhengzhou sees %v credentials", n)
		}
		if strings.HasPrefix(dsn, "postgres") {
			return // the outside verifier runs once, on SQLite's output
		}
		independentCheck(t, published, map[string][]byte{"valid.json": vcRes.body, "altered.json": altered, "revoked.json": revVC})
	})
}

func (e *env) uploadBulk(typ string, file []byte) response {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("type", typ)
	fw, _ := mw.CreateFormFile("file", "rows.csv")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+"/api/v1/credentials:bulk", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.token("issuer"))
	return do(e.t, http.DefaultClient, req)
}

// independentCheck runs Digital Bazaar's verifier (scripts/vcverify, whose
// packages scripts/test.sh installs from the npm registry) offline on our
// output: the valid credential verifies, the altered one fails its proof,
// the revoked one fails on its status.
func independentCheck(t *testing.T, published map[string]json.RawMessage, files map[string][]byte) {
	dir, err := filepath.Abs("../../scripts/vcverify")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the independent verifier check is skipped")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@digitalbazaar", "vc")); err != nil {
		t.Skip("scripts/vcverify has no node_modules (scripts/test.sh runs npm ci there): the independent verifier check is skipped")
	}
	tmp := t.TempDir()
	docs, _ := json.Marshal(published)
	os.WriteFile(filepath.Join(tmp, "docs.json"), docs, 0o600)
	args := []string{filepath.Join(dir, "verify.mjs"), filepath.Join(tmp, "docs.json")}
	for name, b := range files {
		os.WriteFile(filepath.Join(tmp, name), b, 0o600)
		args = append(args, filepath.Join(tmp, name))
	}
	out, err := exec.Command(node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	got := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("verifier said: %s", out)
		}
		got[filepath.Base(r["file"].(string))] = r
	}
	t.Logf("independent verifier: %s", out)
	if got["valid.json"]["verified"] != true {
		t.Errorf("our credential does not verify independently: %v", got["valid.json"]["error"])
	}
	if got["altered.json"]["verified"] != false {
		t.Error("an altered credential verified independently")
	}
	if r := got["revoked.json"]; r["verified"] != false || !strings.Contains(r["error"].(string), "revocation") {
		t.Errorf("the revoked credential: %v", r)
	}
}

// TestReissuePage: the credential's page reissues with a corrected score
// (the other boxes as they were, the identity number box empty), shows a
// bad value next to its box, and offers the PDF.
func TestReissuePage(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	credentialEnv(t, e)
	cred := e.issue(t, "韩梅梅", "425")["credential"].(map[string]any)
	page := fmt.Sprintf("/app/credentials/%d", int64(cred["id"].(float64)))
	b := e.login("issuer")
	doc := b.get(page).doc(t)
	if _, ok := doc.Find("#cred-pdf").Attr("href"); !ok {
		t.Fatal("no PDF link on the credential's page")
	}
	form := url.Values{"_csrf": {b.csrf(page)}, "action": {"reissue"}, "reason": {"成绩复核更正"}}
	doc.Find("#reissue-form input[name^=f_]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		form.Set(name, value)
	})
	if form.Get("f_totalScore") != "425" || form.Get("f_idNumber") != "" {
		t.Fatalf("the form starts from %v", form)
	}
	form.Set("f_totalScore", "四百")
	if r := b.post(page, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#reissue-form .err").Text(), "整数") {
		t.Fatalf("bad correction: %d %s", r.status, r.doc(t).Find("#reissue-form").Text())
	}
	form.Set("f_totalScore", "452")
	r := b.post(page, form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("reissue: %d %s", r.status, r.body)
	}
	next := r.header.Get("Location")
	doc = b.get(next).doc(t)
	if next == page || !strings.Contains(doc.Find("#credential").Text(), "452") || doc.Find("#reissue-form").Length() != 1 {
		t.Fatalf("the new credential's page: %s %s", next, doc.Find("#credential").Text())
	}
	if old := b.get(page).doc(t); old.Find("#reissue-form").Length() != 0 || !strings.Contains(old.Find("#credential").Text(), "reissued") {
		t.Fatalf("the old credential's page: %s", old.Find("#credential").Text())
	}
}
