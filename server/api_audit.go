package server

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

type auditVerify struct {
	OK      bool               `json:"ok"`
	Checked int                `json:"checked"`
	Break   *shishi.AuditBreak `json:"break"`
}

func (s *Server) auditRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/audit", ID: "listAudit", Tag: "audit", Summary: "Audit log, newest first (security auditor only)",
		Params: listParams(
			param{Name: "action", In: "query", Type: "string"}, param{Name: "entity", In: "query", Type: "string"},
			param{Name: "entity_id", In: "query", Type: "string"}, param{Name: "actor", In: "query", Type: "string"}),
		Resp: shishi.AuditEntry{}, List: true, handle: s.listAudit})
	s.api(&operation{Method: "GET", Path: "/api/v1/audit.csv", ID: "exportAudit", Tag: "audit",
		Summary: "The audit log of a period as CSV (UTF-8 with BOM, oldest first) for the security auditor to archive; the export is itself audited",
		Params:  []param{{Name: "from", In: "query", Type: "string", Desc: "YYYY-MM-DD, Beijing time"}, {Name: "to", In: "query", Type: "string", Desc: "YYYY-MM-DD inclusive"}},
		handle:  s.exportAudit})
	s.api(&operation{Method: "GET", Path: "/api/v1/audit:verify", ID: "verifyAudit", Tag: "audit", Summary: "Check the whole audit chain (security auditor only)",
		Resp: auditVerify{}, handle: s.verifyAudit})
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := shishi.AuditFilter{Action: q.Get("action"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Actor: q.Get("actor")}
	var err error
	// The same cursor form as every list: the seq of the last entry.
	if f.Limit, f.Before, err = page(r); err != nil {
		return err
	}
	es, total, err := s.Audit.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, es, total, f.Limit, func(e *shishi.AuditEntry) int64 { return e.Seq })
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

// exportAudit streams the entries of a period as CSV, newest page first
// from the store and written oldest first, so the auditor can archive the
// log (网络安全法: at least six months) outside the system.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	if a := shishi.ActorFrom(r.Context()); !a.Has(shishi.RoleAuditor) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有安全审计员可以导出审计日志 / only the security auditor exports the audit log")
	}
	q := r.URL.Query()
	var v shishi.Validator
	from, errF := shishi.ParseDate(q.Get("from"))
	to, errT := shishi.ParseDate(q.Get("to"))
	v.Check(errF == nil, "from", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	v.Check(errT == nil, "to", "须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
	if err := v.Err(); err != nil {
		return err
	}
	if to < from {
		return shishi.Invalid(shishi.FieldError{Field: "to", Message: "结束日期早于开始日期 / ends before it starts"})
	}
	start := from.Time().Add(-8 * time.Hour)
	end := to.Time().AddDate(0, 0, 1).Add(-8 * time.Hour)
	var all []*shishi.AuditEntry
	f := shishi.AuditFilter{From: start, To: end, Limit: 500}
	for {
		es, _, err := s.Audit.FindAudit(r.Context(), f)
		if err != nil {
			return err
		}
		all = append(all, es...)
		if len(es) < f.Limit {
			break
		}
		f.Before = es[len(es)-1].Seq
	}
	if err := s.Audit.Audit(r.Context(), "audit.export", "audit_log", 0, nil, map[string]any{"from": from, "to": to, "entries": len(all)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+string(from)+`-`+string(to)+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("\xef\xbb\xbf"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time", "actor_id", "actor", "ip", "action", "entity", "entity_id", "unit_id", "detail", "prev_hash", "hash"})
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		unit := ""
		if e.UnitID != nil {
			unit = strconv.FormatInt(*e.UnitID, 10)
		}
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.In(shishi.Beijing).Format(time.RFC3339), strconv.FormatInt(e.ActorID, 10), e.ActorLogin, e.IP,
			e.Action, e.Entity, e.EntityID, unit, csvSafe(e.Detail), e.PrevHash, e.Hash})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
