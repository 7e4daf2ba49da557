package sqlstore_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/xlsx"
)

// credWorld: 河南省教育厅 (with a credit code) is an issuer, with a
// signer there; Zhengzhou's operator stands outside.
type credWorld struct {
	*world
	signer *shishi.User
	issuer *shishi.Issuer
	typ    *shishi.CredentialType
}

const haCredit = "11410000005184155H"

func newCredWorld(t testing.TB, dsn string) *credWorld {
	w := &credWorld{world: newWorld(t, dsn)}
	w.db.PublicURL = "http://127.0.0.1:8080"
	cc := haCredit
	if !shishi.ValidCreditCode(cc) {
		t.Fatal("test credit code")
	}
	if _, err := w.db.UpdateUnit(w.sys, w.ha.ID, 0, shishi.UnitPatch{CreditCode: &cc}); err != nil {
		t.Fatal(err)
	}
	var err error
	w.signer, err = w.db.CreateUser(w.sys, shishi.UserInput{Login: "signer", Name: "签发员", UnitID: w.ha.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleIssuer}}})
	if err != nil {
		t.Fatal(err)
	}
	as := w.as(t, w.signer)
	if w.issuer, err = w.db.CreateIssuer(as, w.ha.ID, false); err != nil {
		t.Fatal(err)
	}
	w.typ, err = w.db.CreateType(as, &shishi.CredentialType{IssuerID: w.issuer.ID, Code: "zz-grad", Name: "中职毕业证书", NumberCode: "ZZBY", ValidDays: 0,
		Fields: []shishi.CredentialField{
			{Key: "fullName", Label: "姓名", Kind: shishi.FieldName, Public: true},
			{Key: "idNumber", Label: "证件号码", Kind: shishi.FieldIDNumber, Required: true, Public: true},
			{Key: "major", Label: "专业", Kind: shishi.FieldText, Public: true},
			{Key: "score", Label: "总评", Kind: shishi.FieldInteger},
			{Key: "graduated", Label: "毕业日期", Kind: shishi.FieldDate, Required: true, Public: true},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

var subject = map[string]string{"fullName": "李雷", "idNumber": "11010519491231002X", "major": "数控技术应用", "score": "88", "graduated": "2021-06-30"}

func TestCredentialLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		as := w.as(t, w.signer)
		if !strings.HasPrefix(w.issuer.DID, "did:web:127.0.0.1%3A8080:issuers:") || len(w.issuer.Keys) != 1 {
			t.Fatalf("issuer: %+v", w.issuer)
		}
		// Bad input names each field and changes nothing.
		_, err := w.db.Issue(as, "zz-grad", map[string]string{"fullName": "", "idNumber": "110105194912310021", "score": "x", "bogus": "1"})
		fields := map[string]bool{}
		for _, f := range shishi.ErrorFields(err) {
			fields[f.Field] = true
		}
		for _, f := range []string{"subject.fullName", "subject.idNumber", "subject.score", "subject.bogus", "subject.graduated"} {
			if !fields[f] {
				t.Errorf("no fault for %s: %v", f, shishi.ErrorFields(err))
			}
		}
		if _, n, _ := w.db.FindCredentials(as, shishi.CredentialFilter{}); n != 0 {
			t.Fatalf("a bad issue left %d credentials", n)
		}
		got, err := w.db.Issue(as, "zz-grad", subject)
		if err != nil {
			t.Fatal(err)
		}
		c := got.Credential
		if c.Subject["idNumber"] != "1101**********002X" || c.Subject["score"] != int64(88) || !strings.Contains(c.Number, ".ZZBY."+haCredit+".00000001.001.") {
			t.Fatalf("issued: %+v", c)
		}
		raw, err := w.db.CredentialVC(as, c.ID)
		if err != nil || strings.Contains(string(raw), "11010519491231002X") {
			t.Fatalf("vc: %v, clear ID in it: %s", err, raw)
		}
		// Outside the issuer's subtree nothing is there.
		if _, err := w.db.FindCredential(w.as(t, w.zzOp), c.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("zz reads the credential: %v", err)
		}
		if _, err := w.db.Issue(w.as(t, w.zzOp), "zz-grad", subject); code(err) != shishi.EINVALID {
			t.Fatalf("zz issues: %v", err)
		}
		// The public query: number checked first, then number + name.
		if _, err := w.db.QueryCredential(w.sys, c.Number[:len(c.Number)-1]+"0", "李雷"); code(err) != shishi.EINVALID && !strings.HasSuffix(c.Number, "0") {
			t.Fatalf("mistyped number: %v", err)
		}
		p, err := w.db.QueryCredential(w.sys, c.Number, "李雷")
		if err != nil || p.Status != shishi.CredentialValid || len(p.Fields) != 4 || p.VC != nil {
			t.Fatalf("query: %+v %v", p, err)
		}
		if p, _ := w.db.QueryCredential(w.sys, c.Number, "韩梅梅"); p.Status != shishi.CredentialNotFound || p.Number != "" {
			t.Fatalf("wrong name: %+v", p)
		}
		// The presented file verifies; altered, it is tampered.
		v, err := w.db.VerifyCredential(w.sys, raw)
		if err != nil || v.Status != shishi.CredentialValid || v.Number != c.Number || len(v.Fields) != 5 {
			t.Fatalf("verify: %+v %v", v, err)
		}
		altered := strings.Replace(string(raw), "数控技术应用", "临床医学", 1)
		if v, _ := w.db.VerifyCredential(w.sys, []byte(altered)); v.Status != shishi.CredentialTampered {
			t.Fatalf("altered: %+v", v)
		}
		// Suspend, resume, revoke: each audited, each seen by the lists.
		for _, step := range []struct {
			a    shishi.StatusAction
			want shishi.CredentialStatus
		}{{shishi.ActionSuspend, shishi.CredentialSuspended}, {shishi.ActionResume, shishi.CredentialValid}, {shishi.ActionRevoke, shishi.CredentialRevoked}} {
			if _, err := w.db.ChangeStatus(as, c.ID, step.a, "", 0); code(err) != shishi.EINVALID {
				t.Fatalf("%s without reason: %v", step.a, err)
			}
			got, err := w.db.ChangeStatus(as, c.ID, step.a, "测试 "+string(step.a), 0)
			if err != nil || got.Status != step.want {
				t.Fatalf("%s: %+v %v", step.a, got, err)
			}
			if v, _ := w.db.VerifyCredential(w.sys, raw); v.Status != step.want {
				t.Fatalf("after %s the file verifies as %s (%s)", step.a, v.Status, v.Problem)
			}
			if p, _ := w.db.QueryCredential(w.sys, c.Number, "李雷"); p.Status != step.want {
				t.Fatalf("after %s the query says %s", step.a, p.Status)
			}
		}
		if _, err := w.db.ChangeStatus(as, c.ID, shishi.ActionResume, "x", 0); code(err) != shishi.ECONFLICT {
			t.Fatalf("resume a revoked one: %v", err)
		}
		entries, _, err := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Entity: "credential", Limit: 50})
		if err != nil || len(entries) != 4 {
			t.Fatalf("audit: %d entries %v", len(entries), err)
		}
		// Reissue takes the next version of the same serial.
		got2, _ := w.db.Issue(as, "zz-grad", subject)
		re, err := w.db.ChangeStatus(as, got2.Credential.ID, shishi.ActionReissue, "补发", 0)
		if err != nil || !strings.Contains(re.Number, ".00000002.002.") || re.Status != shishi.CredentialValid {
			t.Fatalf("reissue: %+v %v", re, err)
		}
		old, _ := w.db.FindCredential(as, got2.Credential.ID)
		if old.Status != shishi.CredentialRevoked || old.ReplacedBy != re.Number {
			t.Fatalf("old after reissue: %+v", old)
		}
		// Key rotation keeps old credentials verifiable.
		iss, err := w.db.RotateKey(as, w.issuer.ID)
		if err != nil || len(iss.Keys) != 2 || iss.Keys[0].RetiredAt == nil {
			t.Fatalf("rotate: %+v %v", iss, err)
		}
		raw2, _ := w.db.CredentialVC(as, re.ID)
		if v, _ := w.db.VerifyCredential(w.sys, raw2); v.Status != shishi.CredentialValid {
			t.Fatalf("after rotation: %+v", v)
		}
		got3, _ := w.db.Issue(as, "zz-grad", subject)
		raw3, _ := w.db.CredentialVC(as, got3.Credential.ID)
		if !strings.Contains(string(raw3), "#key-2") {
			t.Fatal("new credentials are not signed with the new key")
		}
		// The holder: a code with an expiry, usable, then closed.
		if _, err := w.db.CreateHolderCode(w.sys, re.Number, "李雷", "110105194912310037", 7); code(err) != shishi.ENOTFOUND {
			t.Fatalf("code with a wrong ID: %v", err)
		}
		hc, err := w.db.CreateHolderCode(w.sys, re.Number, "李雷", "11010519491231002x", 7)
		if err != nil || len(hc.Code) != 16 {
			t.Fatalf("holder code: %+v %v", hc, err)
		}
		if p, err := w.db.UseHolderCode(w.sys, strings.ToLower(hc.Code)); err != nil || p.Status != shishi.CredentialValid || len(p.VC) == 0 || len(p.Fields) != 5 {
			t.Fatalf("use code: %+v %v", p, err)
		}
		if err := w.db.CloseHolderCode(w.sys, re.Number, "李雷", "11010519491231002X", hc.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := w.db.UseHolderCode(w.sys, hc.Code); p.Status != shishi.CredentialNotFound {
			t.Fatal("a closed code still opens")
		}
		w.db.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
		hc2, _ := w.db.CreateHolderCode(w.sys, re.Number, "李雷", "11010519491231002X", 1)
		w.db.Now = func() time.Time { return time.Now().Add(10 * 24 * time.Hour) }
		if p, _ := w.db.UseHolderCode(w.sys, hc2.Code); p.Status != shishi.CredentialNotFound {
			t.Fatal("an expired code still opens")
		}
	})
}

func TestBulkIssue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		as := w.as(t, w.signer)
		good := "\ufeff姓名,证件号码,专业,总评,毕业日期\n" +
			"张三,11010519491231002X,数控,90,2021-06-30\n" +
			",,,,\n" +
			"李四,E12345678,\"会计,电算化\",75,2021-06-30\n"
		rows, err := xlsx.OpenRows(strings.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		var seen int
		n, err := w.db.IssueBulk(as, "zz-grad", rows, func(d int) { seen = d })
		if err != nil || n != 2 || seen != 2 {
			t.Fatalf("bulk: %d %v (progress %d)", n, err, seen)
		}
		list, _, _ := w.db.FindCredentials(as, shishi.CredentialFilter{Q: "李四"})
		if len(list) != 1 || list[0].Subject["major"] != "会计,电算化" {
			t.Fatalf("found %+v", list)
		}
		// A file with bad rows issues nothing and lists them.
		bad := "姓名,证件号码,毕业日期,总评\n" +
			"王五,11010519491231002X,2021-06-30,1\n" +
			"赵六,123,2021-06-31,x\n" +
			",11010519491231002X,2021-06-30,2\n" +
			"钱七,11010519491231002X,2021-06-30,3\n"
		rows, _ = xlsx.OpenRows(strings.NewReader(bad))
		_, err = w.db.IssueBulk(as, "zz-grad", rows, nil)
		faults := shishi.ErrorFields(err)
		want := map[string]bool{"3/idNumber": true, "3/graduated": true, "3/score": true, "4/fullName": true}
		for _, f := range faults {
			delete(want, json.Number(itoa(f.Row)).String()+"/"+f.Field)
		}
		if code(err) != shishi.EINVALID || len(want) != 0 || len(faults) != 4 {
			t.Fatalf("faults %v, missing %v", faults, want)
		}
		if _, total, _ := w.db.FindCredentials(as, shishi.CredentialFilter{}); total != 2 {
			t.Fatalf("a bad file left credentials: %d", total)
		}
		// A header naming no field is refused before any row.
		rows, _ = xlsx.OpenRows(strings.NewReader("姓名,血型\n张三,A\n"))
		if _, err := w.db.IssueBulk(as, "zz-grad", rows, nil); code(err) != shishi.EINVALID || shishi.ErrorFields(err)[0].Field != "血型" {
			t.Fatalf("bad header: %v", shishi.ErrorFields(err))
		}
		// Serials continue after the bulk (nothing was taken by the bad file).
		got, _ := w.db.Issue(as, "zz-grad", subject)
		if !strings.Contains(got.Credential.Number, ".00000003.001.") {
			t.Fatalf("serial after bulk: %s", got.Credential.Number)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
