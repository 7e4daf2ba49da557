package sqlstore_test

import (
	"reflect"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestPublicQueryAnswer: the query by number and name (one read, without
// the signed text, the type from the cache) answers what the full document
// shows, cut to the public fields and the name, without the VC; asked again
// (the type cached) it answers the same; a type created afterwards is read
// with its own fields.
func TestPublicQueryAnswer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		as := w.as(t, w.signer)
		want := func(c *shishi.Credential, typ *shishi.CredentialType) *shishi.PublicCredential {
			t.Helper()
			full, err := w.db.CredentialDocument(as, c.ID)
			if err != nil || len(full.VC) == 0 {
				t.Fatalf("document: %+v %v", full, err)
			}
			shown := map[string]bool{}
			for _, f := range typ.Fields {
				shown[f.Key] = f.Public || f.Kind == shishi.FieldName
			}
			p := *full
			p.VC, p.Link, p.TypeNameEn, p.Fields = nil, "", "", nil
			for _, f := range full.Fields {
				if shown[f.Key] {
					p.Fields = append(p.Fields, f)
				}
			}
			return &p
		}
		got, err := w.db.Issue(as, "zz-grad", subject)
		if err != nil {
			t.Fatal(err)
		}
		first := want(got.Credential, w.typ)
		for i := 0; i < 2; i++ {
			p, err := w.db.QueryCredential(w.sys, got.Credential.Number, "李雷")
			if err != nil || !reflect.DeepEqual(p, first) {
				t.Fatalf("query %d: %+v, %v; want %+v", i, p, err, first)
			}
		}
		// A second type, created after the first was cached: its own
		// fields, its own public ones.
		typ2, err := w.db.CreateType(as, &shishi.CredentialType{IssuerID: w.issuer.ID, Code: "zz-skill", Name: "职业技能等级证书", NumberCode: "ZYJN",
			Fields: []shishi.CredentialField{
				{Key: "fullName", Label: "姓名", Kind: shishi.FieldName},
				{Key: "idNumber", Label: "证件号码", Kind: shishi.FieldIDNumber, Required: true},
				{Key: "level", Label: "等级", Kind: shishi.FieldText, Public: true},
				{Key: "score", Label: "成绩", Kind: shishi.FieldInteger},
			}})
		if err != nil {
			t.Fatal(err)
		}
		got2, err := w.db.Issue(as, "zz-skill", map[string]string{"fullName": "韩梅梅", "idNumber": "11010519491231002X", "level": "高级", "score": "91"})
		if err != nil {
			t.Fatal(err)
		}
		second := want(got2.Credential, typ2)
		p, err := w.db.QueryCredential(w.sys, got2.Credential.Number, "韩梅梅")
		if err != nil || !reflect.DeepEqual(p, second) || len(p.Fields) != 2 {
			t.Fatalf("second type: %+v, %v; want %+v (name and level)", p, err, second)
		}
		if p, err := w.db.QueryCredential(w.sys, got.Credential.Number, "李雷"); err != nil || !reflect.DeepEqual(p, first) {
			t.Fatalf("the first again: %+v, %v", p, err)
		}
	})
}
