package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

type auditData struct {
	Entries []*shishi.AuditEntry
	Total   int
	Next    string
	Verify  *auditVerify
	Filter  shishi.AuditFilter
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if !v.Actor.Has(shishi.RoleAuditor) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有安全审计员可以查看审计日志 / only the security auditor reads the audit log")
	}
	q := r.URL.Query()
	f := shishi.AuditFilter{Action: q.Get("action"), Entity: q.Get("entity"), Actor: q.Get("actor"), Limit: 100}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	es, total, err := s.Audit.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	d := auditData{Entries: es, Total: total, Filter: f}
	if len(es) == f.Limit {
		d.Next = strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	if q.Get("verify") != "" {
		b, n, err := s.Audit.VerifyAudit(r.Context())
		if err != nil {
			return err
		}
		d.Verify = &auditVerify{OK: b == nil, Checked: n, Break: b}
		if b == nil {
			v.Flash = fmt.Sprintf(v.L.T("audit.ok"), v.L.Num(n))
		} else {
			v.Error = fmt.Sprintf(v.L.T("audit.broken"), b.Seq, b.Reason)
		}
	}
	v.Title, v.Nav, v.Data = v.L.T("audit.title"), "audit", d
	s.render(w, r, http.StatusOK, "audit", v)
	return nil
}
