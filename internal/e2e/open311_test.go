package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
)

// The GeoReport v2 names, by answer. JSON gives the keys of the objects in
// the array (or object); XML adds the root and the wrapper elements.
var (
	o311RequestNames = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"}
	o311ServiceNames   = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	o311DefNames       = []string{"service_code", "attributes", "variable", "code", "datatype", "required", "datatype_description", "order", "description"}
	o311DiscoveryNames = []string{"changeset", "contact", "key_service", "endpoints", "specification", "url", "type", "formats"}
	o311CreatedNames   = []string{"service_request_id", "service_notice", "account_id"}
	o311TokenNames     = []string{"service_request_id", "token"}
	o311ErrorNames     = []string{"code", "description"}
)

// o311 calls the Open311 endpoint: GET with the query in path, POST with
// form as the standard's form-encoded body.
func (e *env) o311(method, path string, form url.Values) response {
	e.t.Helper()
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.url+"/open311/v2/"+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	return do(e.t, http.DefaultClient, req)
}

// o311Names checks the answer's content type and returns its names: the
// keys of the JSON objects, or the XML elements below the root, with the
// root (XML declaration required) and whether JSON is an array.
func o311Names(t *testing.T, r response, isXML bool) (names []string, root string) {
	t.Helper()
	set := map[string]bool{}
	if isXML {
		if ct := r.header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		if !bytes.HasPrefix(r.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			t.Fatalf("no XML declaration: %s", r.body)
		}
		dec := xml.NewDecoder(bytes.NewReader(r.body))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("bad XML: %v\n%s", err, r.body)
			}
			if se, ok := tok.(xml.StartElement); ok {
				if root == "" {
					root = se.Name.Local
				} else {
					set[se.Name.Local] = true
				}
			}
		}
	} else {
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatalf("bad JSON: %v\n%s", err, r.body)
		}
		root = "object"
		if _, ok := v.([]any); ok {
			root = "array"
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case []any:
				for _, y := range x {
					walk(y)
				}
			case map[string]any:
				for k, y := range x {
					set[k] = true
					walk(y)
				}
			}
		}
		walk(v)
	}
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, root
}

func sameNames(got, want []string) bool {
	w := append([]string(nil), want...)
	sort.Strings(w)
	return strings.Join(got, ",") == strings.Join(w, ",")
}

// o311Requests decodes a JSON list of requests.
func o311Requests(t *testing.T, r response) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("not a JSON array (%d): %s", r.status, r.body)
	}
	return v
}

// TestOpen311 is the acceptance line "Open311 answers match the GeoReport
// v2 field names and status codes in JSON and XML": every resource in both
// formats, the standard's errors, and no reporter identity anywhere.
func TestOpen311(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		// An Open311-limited key of the desk's handler (who reads the
		// text) and a full key of a user who reads no complaint.
		u, err := e.m.Store.FindUserByLogin(e.sys, "handler")
		if err != nil {
			t.Fatal(err)
		}
		deskKey, _, err := e.m.Store.CreateToken(e.sys, u.ID, "open311", "open311", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		otherKey := e.token("pku")
		var all []response // every answer, searched for the reporter at the end
		call := func(method, path string, form url.Values) response {
			t.Helper()
			r := e.o311(method, path, form)
			all = append(all, r)
			return r
		}

		// Submissions: named (JSON, unit by name) and anonymous (XML, unit by code).
		text := "郑州市金水区纬五路第一小学以资料费名义向每名学生收取三百元，没有开具任何票据。"
		r := call("POST", "requests.json", url.Values{"api_key": {deskKey}, "service_code": {"fees"}, "address_string": {"郑州市金水区纬五路第一小学"},
			"description": {text}, "first_name": {"小明"}, "last_name": {"王"}, "phone": {"13812345678"}, "email": {"wxm@example.cn"}, "jurisdiction_id": {"moe.gov.cn"}})
		if r.status != 200 {
			t.Fatalf("POST json: %d %s", r.status, r.body)
		}
		if names, root := o311Names(t, r, false); root != "array" || !sameNames(names, o311CreatedNames) {
			t.Fatalf("POST json names %v (%s)", names, root)
		}
		created := o311Requests(t, r)[0]
		named := int64(created["service_request_id"].(float64))
		notice := created["service_notice"].(string)
		m := regexp.MustCompile(`查询码 (JB\w+) 和密码 ([\w-]+) `).FindStringSubmatch(notice)
		if m == nil || created["account_id"] != nil {
			t.Fatalf("no tracking code and secret for the reporter: %v", created)
		}
		if p, err := e.m.Store.Track(e.sys, m[1], m[2]); err != nil || p.ID != named || p.Body != text {
			t.Fatalf("the notice's code and secret do not open the case: %v %+v", err, p)
		}
		r = call("POST", "requests.xml", url.Values{"api_key": {otherKey}, "service_code": {"teacher-pay"}, "address_id": {"ha-zz"},
			"description": {"郑州市某县教师绩效工资拖欠三个月未发放，低于当地公务员工资水平。"}})
		if names, root := o311Names(t, r, true); r.status != 200 || root != "service_requests" || !sameNames(names, append([]string{"request"}, o311CreatedNames...)) {
			t.Fatalf("POST xml: %d %s %v %s", r.status, root, names, r.body)
		}
		var x struct {
			ID int64 `xml:"request>service_request_id"`
		}
		if err := xml.Unmarshal(r.body, &x); err != nil || x.ID == 0 {
			t.Fatalf("POST xml id: %v %s", err, r.body)
		}
		anon := x.ID
		if c, _ := e.m.Store.FindComplaint(e.sys, anon); c == nil || !c.Anonymous || c.Source != "open311" || c.Unit.ID != e.unitID("ha-zz") {
			t.Fatalf("anonymous case by unit code: %+v", c)
		}
		if c, _ := e.m.Store.FindComplaint(e.sys, named); c == nil || c.Anonymous || c.Unit.ID != e.unitID("ha-zz-jinshui-wwl1") {
			t.Fatalf("named case by place: %+v", c)
		}
		// The anonymous case goes to Zhengzhou: the agency responsible follows.
		zz := e.unitID("ha-zz")
		for _, step := range []string{`accept`, `dispatch`} {
			if r := e.api("POST", fmt.Sprintf("/api/v1/complaints/%d:%s", anon, step), "handler", fmt.Sprintf(`{"unit_id": %d}`, zz)); r.status != 200 {
				t.Fatalf("%s: %d %s", step, r.status, r.body)
			}
		}
		pc, err := e.m.Store.PublicCase(e.sys, anon)
		if err != nil {
			t.Fatal(err)
		}
		code := pc.Code

		both := func(base string) []string { return []string{base + ".json", base + ".xml"} }
		type tc struct {
			name, method, path string
			form               url.Values
			status             int
			names              []string // JSON keys; XML adds wrapper elements
			xmlRoot            string
			xmlExtra           []string
			check              func(t *testing.T, r response, isXML bool)
		}
		var cases []tc
		add := func(c tc, paths []string) {
			for _, p := range paths {
				c := c
				c.path = strings.Replace(c.path, "{}", p, 1)
				cases = append(cases, c)
			}
		}
		errs := func(status int) tc {
			return tc{status: status, names: o311ErrorNames, xmlRoot: "errors", xmlExtra: []string{"error"}}
		}
		with := func(c tc, name, method, path string, form url.Values, check func(*testing.T, response, bool)) tc {
			c.name, c.method, c.path, c.form, c.check = name, method, path, form, check
			return c
		}
		reqs := tc{status: 200, names: o311RequestNames, xmlRoot: "service_requests", xmlExtra: []string{"request"}}
		add(tc{name: "discovery", method: "GET", path: "{}", status: 200, names: o311DiscoveryNames, xmlRoot: "discovery", xmlExtra: []string{"endpoint", "format"}}, both("discovery"))
		add(tc{name: "services", method: "GET", path: "{}", status: 200, names: o311ServiceNames, xmlRoot: "services", xmlExtra: []string{"service"}}, both("services"))
		add(tc{name: "service definition", method: "GET", path: "{}", status: 200, names: o311DefNames, xmlRoot: "service_definition", xmlExtra: []string{"attribute"}}, both("services/fees"))
		add(with(reqs, "requests, anonymous: no text", "GET", "{}", nil, func(t *testing.T, r response, isXML bool) {
			if !isXML {
				for _, q := range o311Requests(t, r) {
					if q["description"] != nil || (q["status"] != "open" && q["status"] != "closed") {
						t.Fatalf("anonymous caller gets %v", q)
					}
				}
			} else if bytes.Contains(r.body, []byte("纬五路第一小学以资料费")) {
				t.Fatal("anonymous caller gets the text")
			}
		}), both("requests"))
		add(with(reqs, "request with the desk's key: the text", "GET", "{}", url.Values{"api_key": {deskKey}}, func(t *testing.T, r response, isXML bool) {
			if !bytes.Contains(r.body, []byte("纬五路第一小学以资料费")) {
				t.Fatalf("desk handler misses the text: %s", r.body)
			}
		}), both(fmt.Sprint("requests/", named)))
		add(with(reqs, "request with another key: no text", "GET", "{}", url.Values{"api_key": {otherKey}}, func(t *testing.T, r response, isXML bool) {
			if bytes.Contains(r.body, []byte("纬五路第一小学以资料费")) {
				t.Fatal("a key that may not read the case gets the text")
			}
		}), both(fmt.Sprint("requests/", named)))
		add(with(reqs, "dispatched request: agency and deadline", "GET", "{}", nil, func(t *testing.T, r response, isXML bool) {
			if isXML {
				return
			}
			q := o311Requests(t, r)
			if len(q) != 1 || q[0]["agency_responsible"] != "郑州市教育局" || q[0]["expected_datetime"] != string(pc.Deadline)+"T23:59:59+08:00" ||
				q[0]["address_id"] != float64(zz) || q[0]["service_code"] != "teacher-pay" || q[0]["status"] != "open" {
				t.Fatalf("dispatched case %v (deadline %s)", q, pc.Deadline)
			}
		}), both(fmt.Sprint("requests/", anon)))
		filtered := func(want ...int64) func(*testing.T, response, bool) {
			return func(t *testing.T, r response, isXML bool) {
				if isXML {
					return
				}
				q := o311Requests(t, r)
				if len(q) != len(want) {
					t.Fatalf("%d requests, want %v: %s", len(q), want, r.body)
				}
				for i, id := range want {
					if q[i]["service_request_id"] != float64(id) {
						t.Fatalf("request %d is %v, want %d", i, q[i]["service_request_id"], id)
					}
				}
			}
		}
		today := time.Now().In(shishi.Beijing)
		cases = append(cases,
			with(reqs, "filter by ids", "GET", "requests.json", url.Values{"service_request_id": {fmt.Sprintf("%d,%d", named, anon)}, "status": {"closed"}}, filtered(anon, named)),
			with(reqs, "filter by code and status", "GET", "requests.json", url.Values{"service_code": {"fees"}, "status": {"open"}}, filtered(named)),
			with(reqs, "filter by several codes", "GET", "requests.json", url.Values{"service_code": {"fees,teacher-pay"}}, filtered(anon, named)),
			with(reqs, "filter closed", "GET", "requests.json", url.Values{"status": {"closed"}}, filtered()),
			with(reqs, "filter by dates", "GET", "requests.json", url.Values{"start_date": {today.Add(-time.Hour).Format(time.RFC3339)}, "end_date": {today.Add(time.Hour).Format(time.RFC3339)}}, filtered(anon, named)),
			with(reqs, "dates in the past", "GET", "requests.json", url.Values{"end_date": {"2020-01-01T00:00:00Z"}}, filtered()),
		)
		add(with(tc{status: 200, names: o311TokenNames, xmlRoot: "service_requests", xmlExtra: []string{"request"}}, "token", "GET", "{}", nil, nil), both("tokens/"+code))
		add(with(errs(403), "POST without a key", "POST", "{}", url.Values{"service_code": {"fees"}, "address_id": {"ha-zz"}, "description": {text}}, nil), both("requests"))
		add(with(errs(403), "POST with a bad key", "POST", "{}", url.Values{"api_key": {"shishi_nope"}, "service_code": {"fees"}, "address_id": {"ha-zz"}, "description": {text}}, nil), both("requests"))
		add(with(errs(403), "GET with a bad key", "GET", "{}", url.Values{"api_key": {"nope"}}, nil), both("requests"))
		add(with(errs(404), "unknown request", "GET", "{}", nil, nil), both("requests/999999"))
		add(with(errs(404), "unknown service", "GET", "{}", nil, nil), both("services/nope"))
		add(with(errs(404), "unknown token", "GET", "{}", nil, nil), both("tokens/JB00000000"))
		add(with(errs(404), "POST unknown service_code", "POST", "{}", url.Values{"api_key": {deskKey}, "service_code": {"nope"}, "address_id": {"ha-zz"}, "description": {text}}, nil), both("requests"))
		named400 := func(field string) func(*testing.T, response, bool) {
			return func(t *testing.T, r response, isXML bool) {
				if !bytes.Contains(r.body, []byte(field+": ")) {
					t.Fatalf("error does not name %s: %s", field, r.body)
				}
			}
		}
		add(with(errs(400), "bad start_date", "GET", "{}", url.Values{"start_date": {"yesterday"}}, named400("start_date")), both("requests"))
		add(with(errs(400), "range over 90 days", "GET", "{}", url.Values{"start_date": {"2026-01-01T00:00:00+08:00"}, "end_date": {"2026-06-01T00:00:00+08:00"}}, named400("end_date")), both("requests"))
		add(with(errs(400), "bad status", "GET", "{}", url.Values{"status": {"pending"}}, named400("status")), both("requests"))
		add(with(errs(400), "POST short description", "POST", "{}", url.Values{"api_key": {deskKey}, "service_code": {"fees"}, "address_id": {"ha-zz"}, "description": {"太短"}}, named400("description")), both("requests"))
		add(with(errs(400), "POST unknown unit", "POST", "{}", url.Values{"api_key": {deskKey}, "service_code": {"fees"}, "address_id": {"no-such-unit"}, "description": {text}}, named400("address_id")), []string{"requests.xml"})
		add(with(errs(400), "POST lat/long only", "POST", "{}", url.Values{"api_key": {deskKey}, "service_code": {"fees"}, "lat": {"34.75"}, "long": {"113.62"}, "description": {text}}, named400("address_id")), []string{"requests.json"})
		add(with(errs(400), "POST bad phone", "POST", "{}", url.Values{"api_key": {deskKey}, "service_code": {"fees"}, "address_id": {"ha-zz"}, "description": {text}, "phone": {"call me"}}, named400("phone")), []string{"requests.json"})
		add(with(errs(404), "unknown format", "GET", "{}", nil, nil), []string{"services.csv", "requests/1.html", "nothing.json"})

		for _, c := range cases {
			isXML := !strings.HasSuffix(c.path, ".json")
			form := c.form
			path := c.path
			if c.method == "GET" && len(form) > 0 {
				path += "?" + form.Encode()
			}
			r := call(c.method, path, form)
			if r.status != c.status {
				t.Errorf("%s %s: status %d, want %d: %s", c.name, c.path, r.status, c.status, r.body)
				continue
			}
			names, root := o311Names(t, r, isXML)
			want, wantRoot := c.names, "array"
			if isXML {
				want, wantRoot = append(append([]string(nil), c.names...), c.xmlExtra...), c.xmlRoot
			} else if c.xmlRoot == "discovery" || c.xmlRoot == "service_definition" {
				wantRoot = "object"
			}
			// An empty list has no names to check.
			if !(root == wantRoot && (sameNames(names, want) || (len(names) == 0 && c.xmlRoot == "service_requests"))) {
				t.Errorf("%s %s: root %s names %v, want %s %v", c.name, c.path, root, names, wantRoot, want)
				continue
			}
			if c.status >= 400 && !isXML {
				var es []struct{ Code int }
				if json.Unmarshal(r.body, &es); len(es) == 0 || es[0].Code != c.status {
					t.Errorf("%s: error code %s", c.name, r.body)
				}
			}
			if c.check != nil {
				c.check(t, r, isXML)
			}
		}

		// (POSTs and token lookups so far stay within the public burst of 20.)
		// Lookups by token are limited per address like public submissions: 429 in the standard's form.
		var limited response
		for i := 0; i < 40 && limited.status != 429; i++ {
			limited = call("GET", "tokens/"+code+".json", nil)
		}
		if limited.status != 429 || limited.header.Get("Retry-After") == "" {
			t.Fatalf("no 429 after 40 lookups: %d", limited.status)
		}
		if names, _ := o311Names(t, limited, false); !sameNames(names, o311ErrorNames) {
			t.Fatalf("429 names %v", names)
		}

		// The reporter's identity appears in no answer.
		for _, r := range all {
			for _, s := range []string{"王小明", "小明", "13812345678", "wxm@example.cn"} {
				if bytes.Contains(r.body, []byte(s)) {
					t.Fatalf("reporter %q in an answer: %s", s, r.body)
				}
			}
		}
	})
}
