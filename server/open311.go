package server

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under
// /open311/v2/: the complaint column spoken in the standard that city
// reporting apps and call-centre systems already speak. A service is a
// complaint category; a request is a case. Every resource answers in .json
// and .xml with the standard's names, errors and statuses, not the
// /api/v1 conventions (problem+json, 422, 401), because generic Open311
// clients know only those.
//
// Choices the standard leaves to the provider:
//   - The unit concerned is the location: address_id is a unit id or unit
//     code, address_string a unit name or place (as the public form's
//     place); lat/long alone are refused, units have no coordinates. The
//     service definition describes the same as the optional attribute
//     "unit".
//   - description (the complaint text, which may name people) goes only to
//     a caller whose api_key may read the case, as in the back office;
//     anonymous callers get the element left out. The reporter's identity
//     appears nowhere.
//   - POST answers the service_request_id at once (type realtime), so no
//     token (the standard returns one or the other); the service_notice
//     carries the tracking code and the secret for the integrator to hand
//     to the reporter, the only time the secret is given out. The tracking
//     code also serves as the token of tokens/{token}.
//   - media_url is refused on POST: fetching URLs from the server is a
//     risk; attachments go through POST /api/v1/complaints.

const (
	open311Prefix = "/open311/v2/"
	open311Spec   = "http://wiki.open311.org/GeoReport_v2"
	ctJSON        = "application/json; charset=utf-8"
	ctXML         = "text/xml; charset=utf-8"
)

// o311Call is one parsed Open311 request: the resource, the name before
// the format suffix, and the format.
type o311Call struct {
	resource string // discovery, services, requests, service, request, token
	name     string // the {code}, {id} or {token}
	xml      bool
}

type o311Route struct {
	methods []string
	strict  bool // the stricter public limit applies too (submissions, lookups by tracking code)
	handle  func(w http.ResponseWriter, r *http.Request, c o311Call) error
}

func (s *Server) open311Routes() {
	started := s.now().UTC().Truncate(time.Second)
	routes := map[string]map[string]o311Route{
		"GET": {
			"discovery": {handle: s.o311Discovery(started)},
			"services":  {handle: s.o311Services},
			"service":   {handle: s.o311ServiceDefinition},
			"requests":  {handle: s.o311Requests},
			"request":   {handle: s.o311Request},
			"token":     {strict: true, handle: s.o311Token},
		},
		"POST": {"requests": {strict: true, handle: s.o311Submit}},
	}
	h := s.limit311(func(w http.ResponseWriter, r *http.Request) {
		c, ok := parseO311(r.URL.Path)
		if !ok {
			s.o311Error(w, r, c, shishi.Errorf(shishi.ENOTFOUND, "没有这个资源 / no such resource: %s", r.URL.Path))
			return
		}
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		rt, ok := routes[method][c.resource]
		if !ok {
			var allow []string
			for m, rs := range routes {
				if _, ok := rs[c.resource]; ok {
					allow = append(allow, m)
				}
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.o311Error(w, r, c, shishi.Errorf(shishi.EINVALID, "不支持该方法 / method not allowed: %s", r.Method))
			return
		}
		if rt.strict {
			if ok, wait := s.publicLim.allow(clientIP(r)); !ok {
				s.tooMany311(w, r, c, wait)
				return
			}
		}
		if err := rt.handle(w, r, c); err != nil {
			s.o311Error(w, r, c, err)
		}
	})
	// One pattern per depth, so that metrics tell the resources apart; the
	// catch-all answers 404 in the standard's form.
	for _, p := range []string{"/open311/v2/{file}", "/open311/v2/services/{file}", "/open311/v2/requests/{file}", "/open311/v2/tokens/{file}", "/open311/"} {
		s.mux.HandleFunc(p, h)
	}
}

// parseO311 splits "/open311/v2/services/fees.json" into its resource,
// name and format. An unknown suffix or path is not found.
func parseO311(path string) (o311Call, bool) {
	c := o311Call{xml: true} // XML is the standard's required format: errors default to it
	rest, ok := strings.CutPrefix(path, open311Prefix)
	if !ok {
		return c, false
	}
	dir, file, nested := strings.Cut(rest, "/")
	if !nested {
		dir, file = "", rest
	}
	i := strings.LastIndex(file, ".")
	if i < 0 || strings.Contains(file, "/") {
		return c, false
	}
	name, ext := file[:i], file[i+1:]
	switch ext {
	case "json":
		c.xml = false
	case "xml":
	default:
		return c, false
	}
	c.name = name
	switch {
	case dir == "" && (name == "discovery" || name == "services" || name == "requests"):
		c.resource = name
	case dir == "services" && name != "":
		c.resource = "service"
	case dir == "requests" && name != "":
		c.resource = "request"
	case dir == "tokens" && name != "":
		c.resource = "token"
	default:
		return c, false
	}
	return c, true
}

// o311Doc is an answer in both forms: XML wraps lists in a root element,
// JSON gives the bare array (or object).
type o311Doc struct {
	xml  any
	json any
}

// o311Write answers doc with status, with the XML declaration on top.
func (s *Server) o311Write(w http.ResponseWriter, c o311Call, status int, doc o311Doc) {
	w.Header().Set("Cache-Control", "no-store")
	if c.xml {
		w.Header().Set("Content-Type", ctXML)
		w.WriteHeader(status)
		w.Write([]byte(xml.Header))
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		_ = enc.Encode(doc.xml)
		w.Write([]byte("\n"))
		return
	}
	w.Header().Set("Content-Type", ctJSON)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(doc.json)
}

type o311Errors struct {
	XMLName xml.Name  `xml:"errors"`
	Errors  []o311Err `xml:"error"`
}

type o311Err struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// o311Status is the GeoReport table, beside the one of error.go because
// the standard fixes its own: 404 for what does not exist, 403 for a
// missing or bad api_key, and 400 for every other failure (a generic
// client knows no 409, 422 or 500); 429 stays, with Retry-After.
func o311Status(err error) int {
	switch shishi.ErrorCode(err) {
	case shishi.ENOTFOUND:
		return http.StatusNotFound
	case shishi.EUNAUTHORIZED, shishi.EFORBIDDEN:
		return http.StatusForbidden
	case shishi.ETOOMANY:
		return http.StatusTooManyRequests
	default:
		return http.StatusBadRequest
	}
}

// o311Fields renames the domain's fields to the Open311 arguments a
// client sent, so an error names what the client can fix.
var o311Fields = map[string]string{
	"category": "service_code", "body": "description", "unit_id": "address_id", "unit_code": "address_id",
	"place": "address_string", "reporter.name": "first_name", "reporter.phone": "phone", "reporter.email": "email",
	"reporter": "first_name",
}

// o311Error answers err as GeoReport errors: one per offending field, each
// "field: message" with the domain's message. Internal errors are logged
// and shown as "internal error" only.
func (s *Server) o311Error(w http.ResponseWriter, r *http.Request, c o311Call, err error) {
	st := o311Status(err)
	if shishi.ErrorCode(err) == shishi.EINTERNAL {
		s.log.Error("internal error", "request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var es []o311Err
	for _, f := range shishi.ErrorFields(err) {
		name := f.Field
		if n, ok := o311Fields[name]; ok {
			name = n
		}
		es = append(es, o311Err{Code: st, Description: name + ": " + f.Message})
	}
	if len(es) == 0 {
		es = []o311Err{{Code: st, Description: shishi.ErrorMessage(err)}}
	}
	s.o311Write(w, c, st, o311Doc{xml: o311Errors{Errors: es}, json: es})
}

// limit311 is s.limit with the answer in the standard's form.
func (s *Server) limit311(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.apiLim.allow(clientIP(r)); !ok {
			c, _ := parseO311(r.URL.Path)
			s.tooMany311(w, r, c, wait)
			return
		}
		h(w, r)
	}
}

func (s *Server) tooMany311(w http.ResponseWriter, r *http.Request, c o311Call, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	s.metrics.limited.Inc()
	s.o311Error(w, r, c, shishi.Errorf(shishi.ETOOMANY, "请求过于频繁，请稍后再试 / too many requests; try again later"))
}

// o311Actor resolves the api_key argument: nil without one; 403 for one
// that is not a valid API token.
func (s *Server) o311Actor(r *http.Request) (*shishi.Actor, error) {
	key := strings.TrimSpace(r.FormValue("api_key"))
	if key == "" {
		return nil, nil
	}
	a, _, err := s.Auth.TokenActor(r.Context(), key)
	if err != nil {
		if shishi.ErrorCode(err) == shishi.EUNAUTHORIZED {
			return nil, shishi.Errorf(shishi.EFORBIDDEN, "api_key 无效、已过期或已吊销 / invalid, expired or revoked api_key")
		}
		return nil, err
	}
	a.IP = clientIP(r)
	return a, nil
}

type o311Discovery struct {
	XMLName    xml.Name       `json:"-" xml:"discovery"`
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []o311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type o311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// o311Discovery answers the service discovery document. The changeset is
// the server's start: categories change through the back office rarely,
// and a client that refreshes its cache after a restart misses little.
func (s *Server) o311Discovery(started time.Time) func(w http.ResponseWriter, r *http.Request, c o311Call) error {
	return func(w http.ResponseWriter, r *http.Request, c o311Call) error {
		s.o311Write(w, c, http.StatusOK, s.discoveryDoc(started))
		return nil
	}
}

func (s *Server) discoveryDoc(started time.Time) o311Doc {
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	d := o311Discovery{
		Changeset: w3(started),
		Contact:   "举报专栏受理机构：" + base + " / the complaint desk: " + base,
		KeyService: "在“个人资料”页创建 API 令牌（可限定为 Open311）：" + base + "/app/profile；或由管理员运行 shishi token create --scope open311 / " +
			"create an API token (it may be limited to Open311) on your profile page, or have an administrator run shishi token create --scope open311",
		Endpoints: []o311Endpoint{{Specification: open311Spec, URL: base + strings.TrimSuffix(open311Prefix, "/"), Changeset: w3(started),
			Type: "production", Formats: []string{"text/xml", "application/json"}}},
	}
	return o311Doc{xml: d, json: d}
}

type o311ServiceList struct {
	XMLName  xml.Name      `xml:"services"`
	Services []o311Service `xml:"service"`
}

type o311Service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

// o311ServiceOf describes a category: its names, and its deadlines in
// working days as the description. Metadata: every service has the "unit"
// attribute. Type realtime: POST answers the case's id at once.
func o311ServiceOf(c *shishi.ComplaintCategory) o311Service {
	return o311Service{ServiceCode: c.Code, ServiceName: bilingual(c.Name, c.NameEn), Description: categoryNotice(c),
		Metadata: true, Type: "realtime", Keywords: strings.Join([]string{c.Name, c.NameEn, c.Code}, ", "),
		Group: "互联网+教育督导举报 / Education supervision complaints"}
}

// categoryNotice says what to expect of a case of the category.
func categoryNotice(c *shishi.ComplaintCategory) string {
	a, d, r := strconv.Itoa(c.AcceptDays), strconv.Itoa(c.Days), strconv.Itoa(c.ReplyDays)
	return "受理 " + a + " 个工作日内，转办后办理 " + d + " 个工作日内，办结后答复 " + r + " 个工作日内（法定工作日）/ " +
		"accepted within " + a + ", handled within " + d + " after dispatch, answered within " + r + " working days (official calendar)"
}

func bilingual(zh, en string) string {
	if en == "" || en == zh {
		return zh
	}
	return zh + " / " + en
}

func (s *Server) o311Services(w http.ResponseWriter, r *http.Request, c o311Call) error {
	cs, err := s.Complaints.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	out := make([]o311Service, 0, len(cs))
	for _, cat := range cs {
		out = append(out, o311ServiceOf(cat))
	}
	s.o311Write(w, c, http.StatusOK, o311Doc{xml: o311ServiceList{Services: out}, json: out})
	return nil
}

type o311Definition struct {
	XMLName     xml.Name        `json:"-" xml:"service_definition"`
	ServiceCode string          `json:"service_code" xml:"service_code"`
	Attributes  []o311Attribute `json:"attributes" xml:"attributes>attribute"`
}

type o311Attribute struct {
	Variable            bool   `json:"variable" xml:"variable"`
	Code                string `json:"code" xml:"code"`
	Datatype            string `json:"datatype" xml:"datatype"`
	Required            bool   `json:"required" xml:"required"`
	DatatypeDescription string `json:"datatype_description" xml:"datatype_description"`
	Order               int    `json:"order" xml:"order"`
	Description         string `json:"description" xml:"description"`
}

// unitAttribute names the unit concerned for clients that fill in a
// service's attributes rather than an address: attribute[unit] is read as
// address_id when neither address_id nor address_string is given.
var unitAttribute = o311Attribute{Variable: true, Code: "unit", Datatype: "string", Required: false, Order: 1,
	DatatypeDescription: "单位编号或单位代码 / a unit id or unit code",
	Description:         "被举报单位（也可用 address_id 或 address_string 指定）/ The unit concerned (or give address_id or address_string)"}

func (s *Server) o311ServiceDefinition(w http.ResponseWriter, r *http.Request, c o311Call) error {
	cs, err := s.Complaints.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	for _, cat := range cs {
		if cat.Code == c.name {
			d := o311Definition{ServiceCode: cat.Code, Attributes: []o311Attribute{unitAttribute}}
			s.o311Write(w, c, http.StatusOK, o311Doc{xml: d, json: d})
			return nil
		}
	}
	return shishi.Errorf(shishi.ENOTFOUND, "没有这个服务类别 / no such service_code: %s", c.name)
}

// w3 writes a time as the standard's W3C datetime, in Beijing time.
func w3(t time.Time) string { return t.In(shishi.Beijing).Format(time.RFC3339) }
