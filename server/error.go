package server

import (
	"encoding/json"
	"net/http"

	"github.com/shishi-edu/shishi"
)

// statusOf maps each domain error code to its HTTP status: the one table.
var statusOf = map[string]int{
	shishi.EINVALID:      http.StatusUnprocessableEntity,
	shishi.ENOTFOUND:     http.StatusNotFound,
	shishi.ECONFLICT:     http.StatusConflict,
	shishi.EUNAUTHORIZED: http.StatusUnauthorized,
	shishi.EFORBIDDEN:    http.StatusForbidden,
	shishi.ETOOMANY:      http.StatusTooManyRequests,
	shishi.EPRECONDITION: http.StatusPreconditionFailed,
	shishi.EINTERNAL:     http.StatusInternalServerError,
}

var titleOf = map[string]string{
	shishi.EINVALID:      "输入有误 / Invalid input",
	shishi.ENOTFOUND:     "未找到 / Not found",
	shishi.ECONFLICT:     "冲突 / Conflict",
	shishi.EUNAUTHORIZED: "需要登录 / Unauthorized",
	shishi.EFORBIDDEN:    "无权操作 / Forbidden",
	shishi.ETOOMANY:      "请求过于频繁 / Too many requests",
	shishi.EPRECONDITION: "数据已变更 / Precondition failed",
	shishi.EINTERNAL:     "内部错误 / Internal error",
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if st, ok := statusOf[shishi.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail"`
	Code      string              `json:"code"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []shishi.FieldError `json:"errors,omitempty"`
}

// apiError answers err as application/problem+json. Internal errors are
// logged with the request id and shown as "internal error" only.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	code := shishi.ErrorCode(err)
	st := Status(err)
	rid := requestID(r.Context())
	if code == shishi.EINTERNAL {
		s.log.Error("internal error", "request_id", rid, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="shishi"`)
	}
	p := problem{
		Type: "urn:shishi:problem:" + code, Title: titleOf[code], Status: st,
		Detail: shishi.ErrorMessage(err), Code: code, Instance: r.URL.Path, RequestID: rid,
		Errors: shishi.ErrorFields(err),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(p)
}
