package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// operation is one API endpoint. The same table registers the route and
// writes the OpenAPI document, so the document cannot miss an endpoint.
type operation struct {
	Method  string
	Path    string // OpenAPI form, e.g. "/api/v1/units/{id}:move"
	ID      string
	Summary string
	Tag     string
	Params  []param
	Body    any // request body example value (for its schema), or nil
	Resp    any // response value (for its schema), or nil for 204
	List    bool
	Counts  []string // a list's integer fields beside total (e.g. "unread")
	Status  int      // success status (200 when zero)
	ETag    bool     // the response carries an ETag; PATCH honours If-Match
	Public  bool     // no token needed
	Strict  bool     // a public submission or lookup: the tighter per-address limit applies too
	Upload  bool     // the body is multipart/form-data with a file field
	handle  func(w http.ResponseWriter, r *http.Request) error
}

type param struct {
	Name, In, Type, Desc string
	Required             bool
}

func pathID() param { return param{Name: "id", In: "path", Type: "integer", Required: true} }

func listParams(extra ...param) []param {
	return append(extra,
		param{Name: "limit", In: "query", Type: "integer", Desc: "1–500, default 50"},
		param{Name: "cursor", In: "query", Type: "string", Desc: "the `next` of the previous page"})
}

// api registers an operation.
func (s *Server) api(op *operation) { s.ops = append(s.ops, op) }

// mountAPI registers every operation on the mux. Operations whose path ends
// in "{id}:action" (the contract's custom-method form) share one mux pattern
// per method and prefix, and a dispatcher picks the action.
func (s *Server) mountAPI() {
	actions := map[string]map[string]*operation{}
	for _, op := range s.ops {
		op := op
		if i := strings.Index(op.Path, "}:"); i >= 0 {
			pattern := op.Method + " " + op.Path[:i+1]
			if actions[pattern] == nil {
				actions[pattern] = map[string]*operation{}
				s.mux.HandleFunc(pattern, s.dispatchAction(actions[pattern]))
			}
			actions[pattern][op.Path[i+2:]] = op
			continue
		}
		s.mux.HandleFunc(op.Method+" "+op.Path, s.serveOp(op))
	}
}

func (s *Server) dispatchAction(ops map[string]*operation) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ref := r.PathValue("id")
		id, action, ok := strings.Cut(ref, ":")
		op := ops[action]
		if !ok || op == nil {
			s.apiError(w, r, shishi.Errorf(shishi.ENOTFOUND, "没有这个操作 / no such action %q", action))
			return
		}
		r.SetPathValue("id", id)
		s.serveOp(op)(w, r)
	}
}

func (s *Server) serveOp(op *operation) http.HandlerFunc {
	return s.limit(s.apiLim, func(w http.ResponseWriter, r *http.Request) {
		if op.Strict {
			if ok, wait := s.publicLim.allow(clientIP(r)); !ok {
				s.tooMany(w, r, wait)
				return
			}
		}
		if !op.Public {
			a, err := s.bearerActor(r)
			if err != nil {
				s.apiError(w, r, err)
				return
			}
			// An Open311 key works the complaint API only.
			if a.TokenScope == shishi.TokenScopeOpen311 && op.Tag != "complaints" {
				s.apiError(w, r, shishi.Errorf(shishi.EFORBIDDEN, "该令牌仅限举报接口使用 / this token is for the complaint API only"))
				return
			}
			r = r.WithContext(shishi.WithActor(r.Context(), a))
		}
		if key := r.Header.Get("Idempotency-Key"); key != "" && op.Method == http.MethodPost && op.Status == http.StatusCreated && s.Idem != nil {
			s.idempotent(w, r, op, key)
			return
		}
		if err := op.handle(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})
}

// bearerActor resolves the Authorization header; the API takes bearer
// tokens only (no cookies), so it needs no CSRF defence.
func (s *Server) bearerActor(r *http.Request) (*shishi.Actor, error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return nil, shishi.Errorf(shishi.EUNAUTHORIZED, "需要 API 令牌（Authorization: Bearer …）/ an API token is required")
	}
	a, _, err := s.Auth.TokenActor(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		return nil, err
	}
	a.IP = clientIP(r)
	return a, nil
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, shishi.Errorf(shishi.ENOTFOUND, "没有这个接口 / no such endpoint: %s %s", r.Method, r.URL.Path))
}

// writeJSON answers v with status, compact: indenting a page of 50 items
// cost more CPU than encoding it (encoding/json.appendIndent was 8 % of the
// server's samples under the list load); clients that want it pretty
// format it themselves.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// listBody is the contract's list envelope.
type listBody[T any] struct {
	Items []T    `json:"items"`
	Total int    `json:"total"`
	Next  string `json:"next"`
}

func writeList[T any](w http.ResponseWriter, items []T, total, limit int, lastID func(T) int64) error {
	if items == nil {
		items = []T{}
	}
	next := ""
	if len(items) == limit && len(items) > 0 {
		next = encodeCursor(lastID(items[len(items)-1]))
	}
	return writeJSON(w, http.StatusOK, listBody[T]{Items: items, Total: total, Next: next})
}

// writeCards is writeList for the item list: the envelope is written
// around the JSON the store keeps for each item (shishi.ItemCard) as it
// stands, byte for byte what writeList would write of the items.
func writeCards(w http.ResponseWriter, cards []shishi.ItemCard, total, limit int) error {
	next := ""
	if len(cards) == limit && len(cards) > 0 {
		next = encodeCursor(cards[len(cards)-1].ID)
	}
	tail, err := json.Marshal(next)
	if err != nil {
		return err
	}
	n := 64
	for _, c := range cards {
		n += len(c.JSON) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	for i, c := range cards {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c.JSON...)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"next":`...)
	b = append(b, tail...)
	b = append(b, "}\n"...)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// listUnder answers one page of a list that belongs to the object named
// by the path's id (an item's, unit's, complaint's or finding's history).
func listUnder[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, int64, shishi.Page) ([]T, int, error), key func(T) int64) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := find(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeList(w, list, total, p.Limit, key)
}

// cutUnder is listUnder for a short list the store answers whole (an
// application's versions and history): the page is cut from it.
func cutUnder[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, int64) ([]T, error), key func(T) int64) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := find(r.Context(), id)
	if err != nil {
		return err
	}
	return writeCut(w, list, p, key)
}

// writeCut answers one page cut from a whole, ordered list: for the short
// lists that are ranked or counted in Go (likely duplicates, a service's
// ranking, the overview, an application's versions and history, the
// catalogue, pools and reviews), where no SQL order matches. The cursor is
// the key of the last row shown; keys must be unique within the list.
func writeCut[T any](w http.ResponseWriter, all []T, p shishi.Page, key func(T) int64) error {
	total := len(all)
	if p.After > 0 {
		for i, x := range all {
			if key(x) == p.After {
				all = all[i+1:]
				break
			}
		}
	}
	if p.Limit > 0 && len(all) > p.Limit {
		all = all[:p.Limit]
	}
	return writeList(w, all, total, p.Limit, key)
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

// page reads limit and cursor from the query string.
func page(r *http.Request) (limit int, after int64, err error) {
	var v shishi.Validator
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= 500, "limit", "须为 1–500 的整数 / must be an integer from 1 to 500")
		limit = n
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		rest, ok := strings.CutPrefix(string(b), "id:")
		n, err2 := strconv.ParseInt(rest, 10, 64)
		v.Check(err == nil && ok && err2 == nil && n > 0, "cursor", "无效的分页游标 / invalid cursor")
		after = n
	}
	return limit, after, v.Err()
}

// pageOf reads limit and cursor as the store's page.
func pageOf(r *http.Request) (shishi.Page, error) {
	limit, after, err := page(r)
	return shishi.Page{After: after, Limit: limit}, err
}

// queryID reads an optional positive integer query parameter.
func queryID(r *http.Request, name string) (*int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return nil, shishi.Invalid(shishi.FieldError{Field: name, Message: "须为正整数 / must be a positive integer"})
	}
	return &n, nil
}

// idParam reads the {id} path segment.
func idParam(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, shishi.Errorf(shishi.ENOTFOUND, "无效的编号 / invalid id %q", r.PathValue("id"))
	}
	return n, nil
}

const maxBody = 1 << 20

// decode reads a JSON body strictly: one object, known fields only, at most
// 1 MiB. Errors name the field and the reason.
func decode(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/merge-patch+json") {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "请求体须为 JSON（Content-Type: application/json）/ body must be JSON"})
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			return shishi.Invalid(shishi.FieldError{Field: te.Field, Message: fmt.Sprintf("类型错误，应为 %s / wrong type, want %s", te.Type, te.Type)})
		case errors.As(err, &se):
			return shishi.Invalid(shishi.FieldError{Field: "body", Message: fmt.Sprintf("JSON 语法错误（第 %d 字节）/ malformed JSON at byte %d", se.Offset, se.Offset)})
		case errors.Is(err, io.EOF):
			return shishi.Invalid(shishi.FieldError{Field: "body", Message: "请求体为空 / empty body"})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return shishi.Invalid(shishi.FieldError{Field: f, Message: "未知字段 / unknown field"})
		}
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "无法解析请求体 / unreadable body: " + err.Error()})
	}
	if dec.More() {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "请求体只能包含一个 JSON 对象 / body must hold one JSON object"})
	}
	if dec.InputOffset() > maxBody {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "请求体过大 / body too large"})
	}
	return nil
}

func etag(id, version int64) string { return etagKey(strconv.FormatInt(id, 10), version) }

// etagKey is the ETag of a resource named by key (an id, a code, or the
// name of a singleton) at version: "key-version".
func etagKey(key string, version int64) string { return fmt.Sprintf(`"%s-%d"`, key, version) }

// ifMatch returns the version an If-Match header asks for: 0 when absent or
// "*", -1 when it names another resource (always stale).
func ifMatch(r *http.Request, id int64) int64 { return ifMatchKey(r, strconv.FormatInt(id, 10)) }

// ifMatchKey is ifMatch for a resource named by key. The version follows
// the last "-", so keys may hold dashes (category codes do).
func ifMatchKey(r *http.Request, key string) int64 {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0
	}
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	i := strings.LastIndex(h, "-")
	if i < 0 {
		return -1
	}
	n, err := strconv.ParseInt(h[i+1:], 10, 64)
	if err != nil || h[:i] != key || n <= 0 {
		return -1
	}
	return n
}
