package sqlstore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// TestReissueCorrected: a reissue with corrected values signs them under
// the same serial and the next version, keeps what was not corrected (the
// identity number's hash among it), revokes the old one with the reason
// "reissued" and audits the reason and the corrected keys, not values.
// A bad correction changes nothing.
func TestReissueCorrected(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		as := w.as(t, w.signer)
		got, err := w.db.Issue(as, "zz-grad", subject)
		if err != nil {
			t.Fatal(err)
		}
		old := got.Credential
		// Bad corrections: named by field, nothing changes.
		if _, err := w.db.Reissue(as, old.ID, "成绩更正", map[string]string{"score": "九十", "blood": "A"}); code(err) != shishi.EINVALID {
			t.Fatalf("bad corrections: %v", err)
		} else if fe := shishi.ErrorFields(err); len(fe) != 2 || fe[0].Field != "subject.blood" || fe[1].Field != "subject.score" {
			t.Fatalf("faults %+v", fe)
		}
		if _, err := w.db.Reissue(as, old.ID, " ", map[string]string{"score": "95"}); code(err) != shishi.EINVALID {
			t.Fatalf("no reason: %v", err)
		}
		if c, _ := w.db.FindCredential(as, old.ID); c.Status != shishi.CredentialValid || c.ReplacedBy != "" {
			t.Fatalf("a refused reissue changed the credential: %+v", c)
		}
		re, err := w.db.Reissue(as, old.ID, "成绩复核更正", map[string]string{"score": "95", "major": "会计事务", "fullName": "李雷"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(re.Number, ".00000001.002.") || re.Status != shishi.CredentialValid ||
			re.Subject["score"] != int64(95) || re.Subject["major"] != "会计事务" || re.Subject["graduated"] != "2021-06-30" || re.Holder != "李雷" ||
			re.Subject["idNumber"] != old.Subject["idNumber"] {
			t.Fatalf("reissued: %+v", re)
		}
		was, _ := w.db.FindCredential(as, old.ID)
		if was.Status != shishi.CredentialRevoked || was.Reason != sqlstore.ReissuedReason || was.ReplacedBy != re.Number {
			t.Fatalf("old: %+v", was)
		}
		// The new file verifies and carries the corrected score; the old one
		// is revoked on its status list.
		raw, _ := w.db.CredentialVC(as, re.ID)
		if v, err := w.db.VerifyCredential(w.sys, raw); err != nil || v.Status != shishi.CredentialValid || !strings.Contains(string(raw), `"score":95`) {
			t.Fatalf("new file: %+v %v", v, err)
		}
		rawOld, _ := w.db.CredentialVC(as, old.ID)
		if v, _ := w.db.VerifyCredential(w.sys, rawOld); v.Status != shishi.CredentialRevoked {
			t.Fatalf("old file: %s", v.Status)
		}
		if p, _ := w.db.QueryCredential(w.sys, old.Number, "李雷"); p.Status != shishi.CredentialRevoked || !strings.Contains(p.Reason, re.Number) {
			t.Fatalf("public query of the old number: %+v", p)
		}
		// The identity number was kept: the holder still proves the new one.
		if _, err := w.db.CreateHolderCode(w.sys, re.Number, "李雷", "11010519491231002X", 3); err != nil {
			t.Fatalf("holder after reissue: %v", err)
		}
		// The audit entry: reason and corrected keys, no values.
		entries, _, _ := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Entity: "credential", Limit: 10})
		var detail map[string]any
		for _, e := range entries {
			if e.Action == "credential.reissue" {
				json.Unmarshal([]byte(e.Detail), &detail)
			}
		}
		if detail["reason"] != "成绩复核更正" || detail["new_number"] != re.Number || len(detail["corrected"].([]any)) != 2 || strings.Contains(fmtJSON(detail), "会计事务") {
			t.Fatalf("audit detail %v", detail)
		}
		// Correcting the identity number re-hashes it: the old one no longer proves.
		re2, err := w.db.Reissue(as, re.ID, "证件号码录入错误", map[string]string{"idNumber": "E12345678"})
		if err != nil || re2.Subject["idNumber"] != shishi.MaskIDNumber("E12345678") || !strings.Contains(re2.Number, ".003.") {
			t.Fatalf("id correction: %+v %v", re2, err)
		}
		if _, err := w.db.CreateHolderCode(w.sys, re2.Number, "李雷", "11010519491231002X", 3); code(err) != shishi.ENOTFOUND {
			t.Fatalf("the old identity number still proves: %v", err)
		}
		if _, err := w.db.CreateHolderCode(w.sys, re2.Number, "李雷", "E12345678", 3); err != nil {
			t.Fatalf("the corrected identity number does not prove: %v", err)
		}
		// A replaced credential is not reissued twice.
		if _, err := w.db.Reissue(as, re.ID, "再次", nil); code(err) != shishi.ECONFLICT {
			t.Fatalf("reissue of a replaced one: %v", err)
		}
		// Suspend and resume still go through ChangeStatus.
		if c, err := w.db.ChangeStatus(as, re2.ID, shishi.ActionSuspend, "核查中"); err != nil || c.Status != shishi.CredentialSuspended {
			t.Fatalf("suspend: %+v %v", c, err)
		}
		if c, err := w.db.ChangeStatus(as, re2.ID, shishi.ActionResume, "核查完毕"); err != nil || c.Status != shishi.CredentialValid {
			t.Fatalf("resume: %+v %v", c, err)
		}
		// Another unit's operator cannot reissue.
		if _, err := w.db.Reissue(w.as(t, w.zzOp), re2.ID, "越权", nil); code(err) != shishi.ENOTFOUND {
			t.Fatalf("outsider reissue: %v", err)
		}
	})
}

func fmtJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
