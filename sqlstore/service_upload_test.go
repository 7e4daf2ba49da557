package sqlstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestApplicationFilesMustBeOwnUploads: an application names only files
// its acting user uploaded or that an earlier version of it named. Knowing
// another person's hash (top-level or in a table cell) is not enough: the
// field is named, nothing is stored. A colleague at the applying unit
// keeps the files already there; the system actor is exempt.
func TestApplicationFilesMustBeOwnUploads(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		scanHash := strings.Repeat("5", 64)
		svc, err := w.db.CreateService(w.oc, shishi.ServiceInput{Code: "files", Name: "附件申报", Applicants: shishi.ApplicantsUnits, OwnerUnitID: w.ha.ID,
			Fields: []shishi.FormField{
				{Key: "plan", Label: "申报书", Type: shishi.FormFile},
				{Key: "members", Label: "成员", Type: shishi.FormTable, Columns: []shishi.FormField{
					{Key: "name", Label: "姓名", Type: shishi.FormText},
					{Key: "scan", Label: "证件扫描件", Type: shishi.FormFile},
				}},
				// Text columns called name and sha256 are no file.
				{Key: "refs", Label: "参考文献", Type: shishi.FormTable, Columns: []shishi.FormField{
					{Key: "name", Label: "题名", Type: shishi.FormText},
					{Key: "sha256", Label: "摘要值", Type: shishi.FormText},
				}},
			},
			Workflow: shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		file := func(h string) string { return `[{"name":"a.pdf","sha256":"` + h + `","size":1}]` }
		answers := func(plan, scan string) json.RawMessage {
			return json.RawMessage(`{"plan":` + file(plan) + `,"members":[{"name":"王芳"},{"name":"李强","scan":` + file(scan) + `}],
				"refs":[{"name":"x","sha256":"` + strings.Repeat("e", 64) + `"}]}`)
		}
		// Zhengzhou's operator knows the hashes of 金水区's uploads.
		zc := w.as(t, w.zzOp)
		if err := w.db.RecordUpload(w.jc, shishi.FileAnswer{Name: "scan.png", SHA256: scanHash, Size: 1}); err != nil {
			t.Fatal(err)
		}
		ownPlan := strings.Repeat("7", 64)
		if err := w.db.RecordUpload(zc, shishi.FileAnswer{Name: "own.pdf", SHA256: ownPlan, Size: 1}); err != nil {
			t.Fatal(err)
		}
		apps, audit := w.count(t, "applications"), w.count(t, "audit_log")
		_, err = w.db.CreateApplication(zc, shishi.ApplicationInput{ServiceID: svc.ID, Title: "借用他人文件", Answers: answers(planHash, scanHash), Submit: true})
		f := fields(err)
		if code(err) != shishi.EINVALID || !f["answers.plan"] || !f["answers.members[2].scan"] || len(f) != 2 {
			t.Fatalf("another's hashes: %v", shishi.ErrorFields(err))
		}
		if msg := shishi.ErrorFields(err)[0].Message; !strings.Contains(msg, "file 1 was not uploaded by you") || !strings.Contains(msg, "须由本人上传") {
			t.Errorf("message %q", msg)
		}
		// One's own plan with another's scan: only the cell is named.
		_, err = w.db.CreateApplication(zc, shishi.ApplicationInput{ServiceID: svc.ID, Title: "借用他人文件", Answers: answers(ownPlan, scanHash)})
		if f := fields(err); !f["answers.members[2].scan"] || len(f) != 1 {
			t.Fatalf("another's scan in a table cell: %v", shishi.ErrorFields(err))
		}
		if w.count(t, "applications") != apps || w.count(t, "audit_log") != audit {
			t.Fatal("a refused application stored something")
		}
		// The uploader applies; a colleague of the same unit then saves the
		// draft with the files already there and may not add another's.
		x, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: svc.ID, Title: "本人文件", Answers: answers(planHash, scanHash)})
		if err != nil {
			t.Fatal(err)
		}
		mate := w.as(t, w.mkUser(t, "js-op2", w.js, shishi.RoleOperator))
		if _, err := w.db.UpdateApplication(mate, x.ID, shishi.ApplicationPatch{Answers: answers(scanHash, planHash)}); err != nil {
			t.Fatalf("a colleague keeps the files: %v", err)
		}
		_, err = w.db.UpdateApplication(mate, x.ID, shishi.ApplicationPatch{Answers: answers(planHash, ownPlan)})
		if f := fields(err); code(err) != shishi.EINVALID || !f["answers.members[2].scan"] || len(f) != 1 {
			t.Fatalf("a colleague adds another's file: %v", shishi.ErrorFields(err))
		}
		if got, _ := w.db.FindApplication(w.jc, x.ID); got.Version != 2 {
			t.Errorf("a refused save made version %d", got.Version)
		}
		// The system actor (the demo loader) is exempt.
		sys := shishi.WithActor(w.jc, shishi.SystemActor())
		if _, err := w.db.UpdateApplication(sys, x.ID, shishi.ApplicationPatch{Answers: answers(ownPlan, strings.Repeat("8", 64))}); err != nil {
			t.Errorf("system: %v", err)
		}
		// An upload is audited once per user and file.
		before := w.count(t, "audit_log")
		for range 2 {
			if err := w.db.RecordUpload(zc, shishi.FileAnswer{Name: "again.pdf", SHA256: strings.Repeat("9", 64), Size: 3}); err != nil {
				t.Fatal(err)
			}
		}
		if n := w.count(t, "audit_log") - before; n != 1 {
			t.Errorf("two uploads of one file wrote %d audit entries", n)
		}
		if err := w.db.RecordUpload(context.Background(), shishi.FileAnswer{SHA256: strings.Repeat("9", 64)}); code(err) != shishi.EUNAUTHORIZED {
			t.Errorf("anonymous upload: %v", err)
		}
	})
}
