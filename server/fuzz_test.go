package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/blob"
)

// The parsers of outside input in the HTTP layer, fuzzed: they may refuse
// anything, with field errors, but never panic or accept what the domain
// would not.

// FuzzReadComplaintForm: the public multipart form, files included.
func FuzzReadComplaintForm(f *testing.F) {
	f.Add([]byte("--X\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nfees\r\n--X\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n某校违规收费三百元\r\n--X\r\n" +
		"Content-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n--X--\r\n"))
	f.Add([]byte("--X\r\nContent-Disposition: form-data; name=\"unit_id\"\r\n\r\n-1\r\n--X--\r\n"))
	f.Add([]byte("--X\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.html\"\r\n\r\n<script>\r\n--X--\r\n"))
	f.Add([]byte("garbage"))
	blobs, err := blob.New(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{Services: Services{Blobs: blobs}}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/complaints", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=X")
		in, files, err := s.readComplaint(r)
		if err != nil {
			if shishi.ErrorCode(err) != shishi.EINVALID && shishi.ErrorCode(err) != shishi.EINTERNAL {
				t.Fatalf("error code %s: %v", shishi.ErrorCode(err), err)
			}
			return
		}
		if len(files) > shishi.MaxAttachments || in.UnitID < 0 {
			t.Fatalf("accepted %d files, unit %d", len(files), in.UnitID)
		}
		for _, a := range files {
			if !shishi.AttachmentMimeOK(a.Mime) || a.Size <= 0 || a.Size > shishi.MaxAttachmentSize {
				t.Fatalf("accepted a file %+v", a)
			}
		}
	})
}

// FuzzOpen311Input: a POST requests body, form-encoded as the standard says.
func FuzzOpen311Input(f *testing.F) {
	f.Add("service_code=fees&description=%E6%94%B6%E8%B4%B9&address_id=ha-zz&first_name=%E5%B0%8F%E6%98%8E&last_name=%E7%8E%8B&phone=13800000000")
	f.Add("service_code=&lat=34.7&long=113.6")
	f.Add("media_url=http://127.0.0.1/x&address_string=%E9%83%91%E5%B7%9E")
	f.Add("%zz=&&=")
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			return
		}
		in, err := o311Input(r)
		if err != nil {
			if len(shishi.ErrorFields(err)) == 0 {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		if in.Category == "" || (in.UnitID <= 0 && in.UnitCode == "" && strings.TrimSpace(in.Place) == "") || in.Source != "open311" {
			t.Fatalf("accepted %+v", in)
		}
		if in.Anonymous != in.Reporter.Empty() {
			t.Fatalf("anonymous %v with reporter %+v", in.Anonymous, in.Reporter)
		}
	})
}

// FuzzOpen311Query: the GET requests filters and the resource path.
func FuzzOpen311Query(f *testing.F) {
	f.Add("/open311/v2/requests.json", "service_request_id=1,2&status=open")
	f.Add("/open311/v2/requests/12.xml", "start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-02-01")
	f.Add("/open311/v2/services/fees.json", "service_code=fees,other&status=open,closed")
	f.Add("/open311/v2/../x.yaml", "end_date=bad")
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	cats := map[string]*shishi.ComplaintCategory{"fees": {Code: "fees"}, "other": {Code: "other"}}
	f.Fuzz(func(t *testing.T, path, query string) {
		parseO311(path)
		u, err := url.Parse("/open311/v2/requests.json?" + query)
		if err != nil {
			return
		}
		r := &http.Request{Method: "GET", URL: u}
		pf, err := o311Filter(r, now, cats)
		if err != nil {
			return
		}
		if len(pf.IDs) == 0 && (pf.To.Before(pf.From) || pf.To.Sub(pf.From) > o311Window) {
			t.Fatalf("accepted a range %s – %s", pf.From, pf.To)
		}
		for _, c := range pf.Categories {
			if cats[c] == nil {
				t.Fatalf("accepted category %q", c)
			}
		}
	})
}

// FuzzPage: the list cursor and limit of every API list.
func FuzzPage(f *testing.F) {
	f.Add("50", encodeCursor(42))
	f.Add("0", "!!")
	f.Add("501", "aWQ6LTE")
	f.Fuzz(func(t *testing.T, limit, cursor string) {
		r := httptest.NewRequest("GET", "/api/v1/items?"+url.Values{"limit": {limit}, "cursor": {cursor}}.Encode(), nil)
		n, after, err := page(r)
		if err != nil {
			return
		}
		if n < 1 || n > 500 || after < 0 {
			t.Fatalf("accepted limit %d after %d", n, after)
		}
	})
}
