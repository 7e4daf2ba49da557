package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/shishi-edu/shishi"
)

// captureWriter passes a response through and keeps a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

func validKey(k string) bool {
	if len(k) < 1 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotent runs a creating operation under its Idempotency-Key: the
// first request runs and its answer is kept for a day; a retry with the
// same key and the same body gets that answer again (Idempotent-Replayed:
// true) and creates nothing; the same key with another request is refused.
//
// Keys are per user. A public submission has no user: its keys are kept
// under user 0 and the caller's address, so one client cannot replay
// another's answer (a proposal's tracking code, a complaint's secret) by
// guessing its key.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, op *operation, key string) {
	if !validKey(key) {
		s.apiError(w, r, shishi.Invalid(shishi.FieldError{Field: "Idempotency-Key", Message: "须为 1–255 个可见 ASCII 字符 / must be 1–255 visible ASCII characters"}))
		return
	}
	var user int64
	if op.Public {
		key = "public " + clientIP(r) + " " + key // a space never occurs in a valid key
	} else {
		user = shishi.ActorFrom(r.Context()).UserID
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSheet+2<<20))
	if err != nil {
		s.apiError(w, r, shishi.Invalid(shishi.FieldError{Field: "body", Message: "无法读取请求体 / unreadable body"}))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	prev, err := s.Idem.ReserveKey(r.Context(), user, key, shishi.IdempotentResponse{Method: r.Method, Path: r.URL.Path, BodyHash: hash})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if prev != nil {
		switch {
		case prev.Method != r.Method || prev.Path != r.URL.Path || prev.BodyHash != hash:
			s.apiError(w, r, shishi.Invalid(shishi.FieldError{Field: "Idempotency-Key", Message: "该键已用于另一个请求 / the key was used for a different request"}))
		case prev.Status == 0:
			s.apiError(w, r, shishi.Errorf(shishi.ECONFLICT, "使用该键的请求仍在处理中 / a request with this key is still running"))
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			w.Write(prev.Body)
		}
		return
	}
	cw := &captureWriter{ResponseWriter: w}
	if err := op.handle(cw, r); err != nil {
		s.apiError(cw, r, err)
	}
	ok := cw.status >= 200 && cw.status < 300
	if err := s.Idem.CompleteKey(r.Context(), user, key, cw.status, cw.buf.Bytes(), ok); err != nil {
		s.log.Error("idempotency key", "request_id", requestID(r.Context()), "err", err)
	}
}
