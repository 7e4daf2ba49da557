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
		if _, err := w.db.Reissue(as, old.ID, "成绩更正", map[string]string{"score": "九十", "blood": "A"}, 0); code(err) != shishi.EINVALID {
			t.Fatalf("bad corrections: %v", err)
		} else if fe := shishi.ErrorFields(err); len(fe) != 2 || fe[0].Field != "subject.blood" || fe[1].Field != "subject.score" {
			t.Fatalf("faults %+v", fe)
		}
		if _, err := w.db.Reissue(as, old.ID, "成绩复核更正", map[string]string{"score": "95"}, old.Version+1); code(err) != shishi.EPRECONDITION {
			t.Fatalf("reissue with a stale version: %v", err)
		}
		if _, err := w.db.Reissue(as, old.ID, " ", map[string]string{"score": "95"}, 0); code(err) != shishi.EINVALID {
			t.Fatalf("no reason: %v", err)
		}
		if c, _ := w.db.FindCredential(as, old.ID); c.Status != shishi.CredentialValid || c.ReplacedBy != "" {
			t.Fatalf("a refused reissue changed the credential: %+v", c)
		}
		re, err := w.db.Reissue(as, old.ID, "成绩复核更正", map[string]string{"score": "95", "major": "会计事务", "fullName": "李雷"}, 0)
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
		re2, err := w.db.Reissue(as, re.ID, "证件号码录入错误", map[string]string{"idNumber": "E12345678"}, 0)
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
		if _, err := w.db.Reissue(as, re.ID, "再次", nil, 0); code(err) != shishi.ECONFLICT {
			t.Fatalf("reissue of a replaced one: %v", err)
		}
		// Suspend and resume still go through ChangeStatus.
		if c, err := w.db.ChangeStatus(as, re2.ID, shishi.ActionSuspend, "核查中", 0); err != nil || c.Status != shishi.CredentialSuspended {
			t.Fatalf("suspend: %+v %v", c, err)
		}
		if c, err := w.db.ChangeStatus(as, re2.ID, shishi.ActionResume, "核查完毕", 0); err != nil || c.Status != shishi.CredentialValid {
			t.Fatalf("resume: %+v %v", c, err)
		}
		// Another unit's operator cannot reissue.
		if _, err := w.db.Reissue(w.as(t, w.zzOp), re2.ID, "越权", nil, 0); code(err) != shishi.ENOTFOUND {
			t.Fatalf("outsider reissue: %v", err)
		}
	})
}

func fmtJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestSM2Issuer: an issuer that also signs with SM2 publishes both keys,
// and every credential carries both proofs, Ed25519 first; our verifier
// checks both; a rotation gives each algorithm its next key and what the
// old keys signed still verifies.
func TestSM2Issuer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		cc := "12410100416040000X"
		for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
			if cc = cc[:17] + string(c); shishi.ValidCreditCode(cc) {
				break
			}
		}
		school, err := w.db.CreateUnit(w.sys, shishi.UnitInput{ParentID: &w.zz.ID, Code: "zz-sm2", Name: "郑州市国密学校", Kind: shishi.UnitSchool, CreditCode: cc})
		if err != nil {
			t.Fatal(err)
		}
		iss, err := w.db.CreateIssuer(w.sys, school.ID, true)
		if err != nil || !iss.SM2 || len(iss.Keys) != 2 || iss.Keys[1].ID != "sm2-1" || iss.Keys[1].Alg != "SM2" {
			t.Fatalf("issuer: %+v %v", iss, err)
		}
		did, _ := w.db.DIDDocument(w.sys, iss.ID)
		if !strings.Contains(string(did), iss.DID+"#sm2-1") {
			t.Fatalf("DID document: %s", did)
		}
		if _, err := w.db.CreateType(w.sys, &shishi.CredentialType{IssuerID: iss.ID, Code: "sm2-grad", Name: "毕业证书", NumberCode: "BY",
			Fields: []shishi.CredentialField{{Key: "fullName", Label: "姓名", Kind: shishi.FieldName, Public: true}}}); err != nil {
			t.Fatal(err)
		}
		signer, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "sm2signer", Name: "签发员", UnitID: school.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleIssuer}}})
		if err != nil {
			t.Fatal(err)
		}
		sas := w.as(t, signer)
		got, err := w.db.Issue(sas, "sm2-grad", map[string]string{"fullName": "王芳"})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := w.db.CredentialVC(sas, got.Credential.ID)
		v, err := w.db.VerifyCredential(w.sys, raw)
		if err != nil || v.Status != shishi.CredentialValid || len(v.Proofs) != 2 || v.Proofs[0].Suite != "eddsa-rdfc-2022" || v.Proofs[1].Suite != "sm2-rdfc-2026" ||
			!v.Proofs[1].OK {
			t.Fatalf("verify: %+v %v", v, err)
		}
		// An altered SM2 proof alone makes the file tampered.
		var m map[string]any
		json.Unmarshal(raw, &m)
		p := m["proof"].([]any)[1].(map[string]any)
		p["created"] = "2001-01-01T00:00:00Z"
		bad, _ := json.Marshal(m)
		if v, _ := w.db.VerifyCredential(w.sys, bad); v.Status != shishi.CredentialTampered || !v.Proofs[0].OK || v.Proofs[1].OK {
			t.Fatalf("altered SM2 proof: %+v", v)
		}
		// Bulk signs both too.
		if n, err := w.db.IssueBulk(sas, "sm2-grad", &sliceRows{header: []string{"姓名"}, rows: [][]string{{"甲"}, {"乙"}}}, nil); err != nil || n != 2 {
			t.Fatalf("bulk: %d %v", n, err)
		}
		iss, err = w.db.RotateKey(w.sys, iss.ID)
		if err != nil || len(iss.Keys) != 4 {
			t.Fatalf("rotate: %+v %v", iss, err)
		}
		if v, _ := w.db.VerifyCredential(w.sys, raw); v.Status != shishi.CredentialValid {
			t.Fatalf("after rotation the old file: %+v", v)
		}
		got2, _ := w.db.Issue(sas, "sm2-grad", map[string]string{"fullName": "赵敏"})
		raw2, _ := w.db.CredentialVC(sas, got2.Credential.ID)
		if !strings.Contains(string(raw2), "#key-2") || !strings.Contains(string(raw2), "#sm2-2") {
			t.Fatalf("new keys unused: %s", raw2)
		}
		// The status lists carry both proofs and verify.
		list, err := w.db.StatusListCredential(w.sys, iss.ID, "revocation", 1)
		if err != nil || !strings.Contains(string(list), "sm2-rdfc-2026") {
			t.Fatalf("status list: %v %s", err, list)
		}
	})
}
