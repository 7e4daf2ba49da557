package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shishi-edu/shishi"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(Services{}, Config{PublicURL: "http://127.0.0.1:8080", APIRate: 100000}, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestOpenAPICoversEveryOperation: the document lists every operation the
// router serves, each with a unique id, declared path parameters and a
// success response; and it is valid JSON of OpenAPI 3.1.
func TestOpenAPICoversEveryOperation(t *testing.T) {
	s := newTestServer(t)
	b, err := json.Marshal(s.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	ids := map[string]bool{}
	braces := regexp.MustCompile(`\{(\w+)\}`)
	for _, op := range s.ops {
		o, ok := doc.Paths[op.Path][strings.ToLower(op.Method)]
		if !ok {
			t.Errorf("%s %s missing from the document", op.Method, op.Path)
			continue
		}
		if ids[op.ID] {
			t.Errorf("operationId %s used twice", op.ID)
		}
		ids[op.ID] = true
		if o["responses"] == nil || o["summary"] == "" {
			t.Errorf("%s: no responses or summary", op.ID)
		}
		for _, m := range braces.FindAllStringSubmatch(op.Path, -1) {
			found := false
			for _, p := range op.Params {
				found = found || (p.Name == m[1] && p.In == "path")
			}
			if !found {
				t.Errorf("%s: path parameter %s not declared", op.ID, m[1])
			}
		}
	}
	if len(ids) < 15 {
		t.Fatalf("only %d operations", len(ids))
	}
	// And the router serves each documented operation (no 404 from the mux:
	// without a token every protected one answers 401).
	h := s.Handler()
	for _, op := range s.ops {
		path := strings.ReplaceAll(op.Path, "{id}", "1")
		req := httptest.NewRequest(op.Method, path, nil)
		req.RemoteAddr = "192.0.2.1:1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if op.Public {
			// Public operations answer without a token (here, with no
			// store behind them, an error); the mux must still route them.
			if w.Code == http.StatusNotFound || w.Code == http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, not routed", op.Method, path, w.Code)
			}
			continue
		}
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s %s: %d, want 401 without a token", op.Method, path, w.Code)
		}
	}
}

func TestIfMatch(t *testing.T) {
	cases := map[string]int64{"": 0, "*": 0, `"7-3"`: 3, `W/"7-3"`: 3, `"8-3"`: -1, `"7-x"`: -1, `"7-0"`: -1, "garbage": -1}
	for h, want := range cases {
		r := httptest.NewRequest("PATCH", "/", nil)
		if h != "" {
			r.Header.Set("If-Match", h)
		}
		if got := ifMatch(r, 7); got != want {
			t.Errorf("If-Match %q: %d, want %d", h, got, want)
		}
	}
}

func TestPageParams(t *testing.T) {
	r := httptest.NewRequest("GET", "/?limit=20&cursor="+encodeCursor(41), nil)
	limit, after, err := page(r)
	if err != nil || limit != 20 || after != 41 {
		t.Fatalf("page: %d %d %v", limit, after, err)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "cursor=@@", "cursor=" + encodeCursor(0)} {
		if _, _, err := page(httptest.NewRequest("GET", "/?"+q, nil)); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"": "/app", "/app/units": "/app/units", "//evil.example": "/app", "https://evil.example": "/app", `/\evil.example`: "/app", "app": "/app", "/\t/evil.example/x": "/app", "/\n/evil": "/app", "/ok?next=//x": "/ok?next=//x"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := map[string]string{
		``:                          "body",
		`{"name": 1}`:               "name",
		`{"nope": 1}`:               "nope",
		`{"name": "a"} {}`:          "body",
		`[1]`:                       "",
		`{"name": "a", "name_en":}`: "body",
	}
	for body, field := range cases {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		var in shishi.UnitInput
		err := decode(r, &in)
		if shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("%q: %v", body, err)
			continue
		}
		if f := shishi.ErrorFields(err); field != "" && (len(f) == 0 || f[0].Field != field) {
			t.Errorf("%q: fields %v, want %s", body, f, field)
		}
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"x"}`))
	r.Header.Set("Content-Type", "text/plain")
	if err := decode(r, &shishi.UnitInput{}); shishi.ErrorCode(err) != shishi.EINVALID {
		t.Errorf("text/plain accepted: %v", err)
	}
	big := `{"name": "` + strings.Repeat("a", maxBody) + `"}`
	if err := decode(httptest.NewRequest("POST", "/", strings.NewReader(big)), &shishi.UnitInput{}); shishi.ErrorCode(err) != shishi.EINVALID {
		t.Errorf("oversized body accepted: %v", err)
	}
}

func FuzzDecodeUnit(f *testing.F) {
	f.Add(`{"parent_id": 1, "code": "moe", "name": "教育部", "kind": "ministry"}`)
	f.Add(`{"parent_id": "x"}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, body string) {
		var in shishi.UnitInput
		err := decode(httptest.NewRequest("POST", "/", strings.NewReader(body)), &in)
		if err != nil && shishi.ErrorCode(err) != shishi.EINVALID {
			t.Fatalf("decode error is not EINVALID: %v", err)
		}
		if err == nil {
			_ = in.Validate()
		}
	})
}

func TestLangTime(t *testing.T) {
	var zh, en lang
	en.EN = true
	at := mustTime(t, "2021-12-21T01:41:00Z")
	if got := zh.Time(at); got != "2021年12月21日 09:41" {
		t.Errorf("zh %q", got)
	}
	if got := en.Time(at); got != "2021-12-21 09:41" {
		t.Errorf("en %q", got)
	}
	if zh.Num(10000000) != "10,000,000" || zh.Num(-3364) != "-3,364" || zh.Num(7) != "7" {
		t.Error("Num")
	}
	if zh.Msg("名称不能为空 / name is required") != "名称不能为空" || en.Msg("名称不能为空 / name is required") != "name is required" {
		t.Error("Msg")
	}
}

// TestEveryListPages: every list operation takes the same limit and
// cursor (the complaint categories, a short configuration table keyed by
// code, are the one whole list).
func TestEveryListPages(t *testing.T) {
	s := newTestServer(t)
	for _, op := range s.ops {
		if !op.List || op.ID == "listComplaintCategories" {
			continue
		}
		has := map[string]bool{}
		for _, p := range op.Params {
			if p.In == "query" {
				has[p.Name] = true
			}
		}
		if !has["limit"] || !has["cursor"] {
			t.Errorf("%s: list without limit and cursor", op.ID)
		}
	}
}
