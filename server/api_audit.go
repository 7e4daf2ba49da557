package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

type auditVerify struct {
	OK      bool               `json:"ok"`
	Checked int                `json:"checked"`
	Break   *shishi.AuditBreak `json:"break"`
}

func (s *Server) auditRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/audit", ID: "listAudit", Tag: "audit", Summary: "Audit log, newest first (security auditor only)",
		Params: []param{
			{Name: "action", In: "query", Type: "string"}, {Name: "entity", In: "query", Type: "string"},
			{Name: "entity_id", In: "query", Type: "string"}, {Name: "actor", In: "query", Type: "string"},
			{Name: "limit", In: "query", Type: "integer"}, {Name: "cursor", In: "query", Type: "string"}},
		Resp: shishi.AuditEntry{}, List: true, handle: s.listAudit})
	s.api(&operation{Method: "GET", Path: "/api/v1/audit:verify", ID: "verifyAudit", Tag: "audit", Summary: "Check the whole audit chain (security auditor only)",
		Resp: auditVerify{}, handle: s.verifyAudit})
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := shishi.AuditFilter{Action: q.Get("action"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Actor: q.Get("actor")}
	var err error
	f.Limit = 50
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 500 {
			return shishi.Invalid(shishi.FieldError{Field: "limit", Message: "须为 1–500 的整数 / must be an integer from 1 to 500"})
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.Before, err = strconv.ParseInt(v, 10, 64); err != nil || f.Before <= 0 {
			return shishi.Invalid(shishi.FieldError{Field: "cursor", Message: "无效的分页游标 / invalid cursor"})
		}
	}
	es, total, err := s.Audit.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []*shishi.AuditEntry{}
	}
	next := ""
	if len(es) == f.Limit {
		next = strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	return writeJSON(w, http.StatusOK, listBody[*shishi.AuditEntry]{Items: es, Total: total, Next: next})
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	if a := shishi.ActorFrom(r.Context()); !a.Has(shishi.RoleAuditor) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有安全审计员可以校验审计日志 / only the security auditor verifies the audit log")
	}
	b, n, err := s.Audit.VerifyAudit(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, auditVerify{OK: b == nil, Checked: n, Break: b})
}
