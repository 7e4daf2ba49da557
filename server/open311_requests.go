package server

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shishi-edu/shishi"
)

// nullable is a text the standard allows to be empty: JSON null, an empty
// XML element, so that every field of the standard is always present.
type nullable string

func (n nullable) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(n))
}

// o311List is the XML root the standard gives requests, tokens and
// submissions alike.
type o311List[T any] struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []T      `xml:"request"`
}

// o311Request is a case in the standard's names and order. No field can
// carry the reporter: PublicCase has none to give.
type o311Request struct {
	ServiceRequestID  int64    `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       nullable `json:"description" xml:"description"` // empty unless the api_key may read the case
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  nullable `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         int64    `json:"address_id" xml:"address_id"`
	Zipcode           nullable `json:"zipcode" xml:"zipcode"`
	Lat               nullable `json:"lat" xml:"lat"`
	Long              nullable `json:"long" xml:"long"`
	MediaURL          nullable `json:"media_url" xml:"media_url"`
}

// o311RequestOf maps a case. The service_notice is the category's
// deadlines; media_url stays empty (attachments may identify people).
func o311RequestOf(p *shishi.PublicCase, cats map[string]*shishi.ComplaintCategory) o311Request {
	status := "closed"
	if p.Status.Open() {
		status = "open"
	}
	name, notice := p.CategoryName, ""
	if c := cats[p.Category]; c != nil {
		name, notice = bilingual(c.Name, c.NameEn), categoryNotice(c)
	}
	return o311Request{ServiceRequestID: p.ID, Status: status, StatusNotes: statusNotes(p),
		ServiceName: name, ServiceCode: p.Category, Description: nullable(p.Body), AgencyResponsible: p.Agency, ServiceNotice: notice,
		RequestedDatetime: w3(p.ReceivedAt), UpdatedDatetime: w3(p.UpdatedAt), ExpectedDatetime: nullable(endOfDay(p.Deadline)),
		Address: p.Unit, AddressID: p.UnitID}
}

// statusNotes says where the case stands beyond open and closed, with the
// conclusion once there is one.
func statusNotes(p *shishi.PublicCase) string {
	zh, en := p.Status.Label(false), p.Status.Label(true)
	if p.Conclusion != "" {
		zh, en = zh+"（核查结论："+p.Conclusion.Label(false)+"）", en+" (finding: "+p.Conclusion.Label(true)+")"
	}
	return zh + " / " + en
}

// endOfDay is a deadline as the standard's datetime: the end of that day
// in Beijing, the time the deadline runs out.
func endOfDay(d shishi.Date) string {
	t, err := time.ParseInLocation("2006-01-02", string(d), shishi.Beijing)
	if err != nil {
		return ""
	}
	return w3(t.Add(24*time.Hour - time.Second))
}

func (s *Server) categoryMap(r *http.Request) (map[string]*shishi.ComplaintCategory, error) {
	cs, err := s.Complaints.Categories(r.Context(), true)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*shishi.ComplaintCategory, len(cs))
	for _, c := range cs {
		m[c.Code] = c
	}
	return m, nil
}

// o311Window is how far GET requests looks: by default the last 90 days,
// and never a wider range (the standard's rule).
const o311Window = 90 * 24 * time.Hour

// o311Filter reads the standard's filters. service_request_id overrides
// every other one. Dates are W3C datetimes, or plain days read in Beijing.
func o311Filter(r *http.Request, now time.Time, cats map[string]*shishi.ComplaintCategory) (shishi.PublicFilter, error) {
	q := r.URL.Query()
	var v shishi.Validator
	var f shishi.PublicFilter
	if ids := strings.TrimSpace(q.Get("service_request_id")); ids != "" {
		for _, x := range strings.Split(ids, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil || n <= 0 {
				return f, shishi.Invalid(shishi.FieldError{Field: "service_request_id", Message: "须为以逗号分隔的编号 / must be ids separated by commas"})
			}
			f.IDs = append(f.IDs, n)
		}
		v.Check(len(f.IDs) <= 1000, "service_request_id", "最多 1000 个 / at most 1000")
		return f, v.Err()
	}
	if codes := strings.TrimSpace(q.Get("service_code")); codes != "" {
		for _, x := range strings.Split(codes, ",") {
			x = strings.TrimSpace(x)
			v.Check(cats[x] != nil, "service_code", "没有这个服务类别 / no such service_code: "+x)
			f.Categories = append(f.Categories, x)
		}
	}
	from, okFrom := w3Param(&v, q.Get("start_date"), "start_date", false)
	to, okTo := w3Param(&v, q.Get("end_date"), "end_date", true)
	switch {
	case !okFrom && !okTo:
		from, to = now.Add(-o311Window), now
	case !okFrom:
		from = to.Add(-o311Window)
	case !okTo:
		to = from.Add(o311Window)
	}
	v.Check(!to.Before(from), "end_date", "不能早于 start_date / must not be before start_date")
	v.Check(to.Sub(from) <= o311Window, "end_date", "查询范围最长 90 天 / the range may span 90 days at most")
	f.From, f.To = from, to
	switch st := strings.ReplaceAll(q.Get("status"), " ", ""); st {
	case "", "open,closed", "closed,open":
	case "open", "closed":
		open := st == "open"
		f.Open = &open
	default:
		v.Add("status", "须为 open 或 closed / must be open or closed")
	}
	f.Limit = 1000
	return f, v.Err()
}

// w3Param reads a W3C datetime with its zone, or a day (its start, or
// its end when end is set) in Beijing.
func w3Param(v *shishi.Validator, s, field string, end bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02", s, shishi.Beijing); err == nil {
		if end {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, true
	}
	v.Add(field, "须为 W3C 日期时间，如 2026-03-01T00:00:00+08:00 / must be a W3C datetime such as 2026-03-01T00:00:00+08:00")
	return time.Time{}, false
}

// o311Read puts the api_key's actor, if any, in the context: the store
// then gives the text of the cases it may read.
func (s *Server) o311Read(r *http.Request) (*http.Request, error) {
	a, err := s.o311Actor(r)
	if err != nil || a == nil {
		return r, err
	}
	return r.WithContext(shishi.WithActor(r.Context(), a)), nil
}

func (s *Server) o311Requests(w http.ResponseWriter, r *http.Request, c o311Call) error {
	r, err := s.o311Read(r)
	if err != nil {
		return err
	}
	cats, err := s.categoryMap(r)
	if err != nil {
		return err
	}
	f, err := o311Filter(r, s.now(), cats)
	if err != nil {
		return err
	}
	ps, err := s.Complaints.PublicCases(r.Context(), f)
	if err != nil {
		return err
	}
	s.o311WriteRequests(w, c, ps, cats)
	return nil
}

func (s *Server) o311WriteRequests(w http.ResponseWriter, c o311Call, ps []*shishi.PublicCase, cats map[string]*shishi.ComplaintCategory) {
	out := make([]o311Request, 0, len(ps))
	for _, p := range ps {
		out = append(out, o311RequestOf(p, cats))
	}
	s.o311Write(w, c, http.StatusOK, o311Doc{xml: o311List[o311Request]{Requests: out}, json: out})
}

func (s *Server) o311Request(w http.ResponseWriter, r *http.Request, c o311Call) error {
	r, err := s.o311Read(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.name, 10, 64)
	if err != nil || id <= 0 {
		return shishi.Errorf(shishi.ENOTFOUND, "没有这件举报 / no such request: %s", c.name)
	}
	p, err := s.Complaints.PublicCase(r.Context(), id)
	if err != nil {
		return err
	}
	cats, err := s.categoryMap(r)
	if err != nil {
		return err
	}
	s.o311WriteRequests(w, c, []*shishi.PublicCase{p}, cats)
	return nil
}

type o311Token struct {
	ServiceRequestID int64  `json:"service_request_id" xml:"service_request_id"`
	Token            string `json:"token" xml:"token"`
}

// o311Token maps a token (the tracking code) to its request. The code
// alone opens nothing else: the reporter's view needs the secret too.
func (s *Server) o311Token(w http.ResponseWriter, r *http.Request, c o311Call) error {
	ps, err := s.Complaints.PublicCases(r.Context(), shishi.PublicFilter{Code: c.name, Limit: 1})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return shishi.Errorf(shishi.ENOTFOUND, "没有这个 token / no such token: %s", c.name)
	}
	out := []o311Token{{ServiceRequestID: ps[0].ID, Token: ps[0].Code}}
	s.o311Write(w, c, http.StatusOK, o311Doc{xml: o311List[o311Token]{Requests: out}, json: out})
	return nil
}

// o311Created is the answer to a submission: the id at once, so no token
// (the standard gives one or the other); no account, as the reporter has none.
type o311Created struct {
	ServiceRequestID int64    `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        nullable `json:"account_id" xml:"account_id"`
}

// o311Input reads a POST service request into a submission. The location
// is the unit concerned: address_id (a unit id, else a unit code), else
// address_string (a name or place), else attribute[unit] as address_id.
// The reporter's name and contact are sealed by the store; without any,
// the complaint is anonymous.
func o311Input(r *http.Request) (shishi.ComplaintInput, error) {
	f := r.PostForm
	in := shishi.ComplaintInput{Category: strings.TrimSpace(f.Get("service_code")), Body: f.Get("description"), Source: "open311",
		Place: f.Get("address_string"),
		Reporter: shishi.Reporter{Name: personName(f.Get("first_name"), f.Get("last_name")), Phone: f.Get("phone"),
			Email: f.Get("email")}}
	var v shishi.Validator
	v.Check(in.Category != "", "service_code", "请选择服务类别 / service_code is required")
	v.Check(f.Get("media_url") == "", "media_url", "不接收 media_url；附件请经 POST /api/v1/complaints 上传 / media_url is not accepted; upload files through POST /api/v1/complaints")
	id := strings.TrimSpace(f.Get("address_id"))
	if id == "" && strings.TrimSpace(in.Place) == "" {
		id = strings.TrimSpace(f.Get("attribute[unit]"))
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
		in.UnitID = n
	} else {
		in.UnitCode = id
	}
	v.Check(in.UnitID > 0 || in.UnitCode != "" || strings.TrimSpace(in.Place) != "", "address_id",
		"请用 address_id（单位编号或代码）或 address_string（单位名称或所在地）指明被举报单位；不支持仅用经纬度 / "+
			"give the unit concerned as address_id (unit id or code) or address_string (name or place); lat/long alone are not enough")
	in.Anonymous = in.Reporter.Empty()
	return in, v.Err()
}

// personName joins the standard's two name fields: family name first and
// no space for Chinese names, Western order otherwise.
func personName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if strings.ContainsFunc(first+last, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return last + first
	}
	return strings.TrimSpace(first + " " + last)
}

func (s *Server) o311Submit(w http.ResponseWriter, r *http.Request, c o311Call) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "请求体须为 application/x-www-form-urlencoded / the body must be form-encoded"})
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "表单无法读取或过大 / unreadable or too large form"})
	}
	a, err := s.o311Actor(r)
	if err != nil {
		return err
	}
	if a == nil {
		return shishi.Errorf(shishi.EFORBIDDEN, "提交需要 api_key（API 令牌）/ an api_key (API token) is required to submit")
	}
	ctx := shishi.WithActor(r.Context(), a)
	in, err := o311Input(r)
	if err != nil {
		return err
	}
	// The standard answers an unknown service_code with 404 (the store's
	// 400 stays for a category no longer in use).
	cats, err := s.categoryMap(r)
	if err != nil {
		return err
	}
	if cats[in.Category] == nil {
		return shishi.Errorf(shishi.ENOTFOUND, "service_code: 没有这个服务类别 / no such service_code: %s", in.Category)
	}
	rc, err := s.Complaints.Submit(ctx, in, nil)
	if err != nil {
		return err
	}
	notice := "已收到，将于 " + string(rc.Deadline) + " 前受理。请将查询码 " + rc.Code + " 和密码 " + rc.Secret +
		" 转交举报人：凭此二者可查询进度、阅读答复并评价；密码只在此给出一次。/ Received; to be accepted by " + string(rc.Deadline) +
		". Give the reporter the tracking code " + rc.Code + " and the secret " + rc.Secret +
		": with both they follow the case, read the reply and rate it. The secret is given only this once."
	out := []o311Created{{ServiceRequestID: rc.ID, ServiceNotice: notice}}
	s.o311Write(w, c, http.StatusOK, o311Doc{xml: o311List[o311Created]{Requests: out}, json: out})
	return nil
}
