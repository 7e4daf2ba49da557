package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestComplaintPublicCases: what Open311 sees of cases. The unit may be
// named by its code; a case is found by its tracking code (Open311's
// token); the text goes only to callers who may read the case, never to an
// anonymous one, and the identity to nobody.
func TestComplaintPublicCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		body := "金水区某初中以补课名义每月向学生收取八百元，家长王小明可以作证。"
		rc, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitCode: "ha-zz-js", Body: body,
			Reporter: shishi.Reporter{Name: "王小明", Phone: "13812345678"}, Source: "open311"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitCode: "nope", Body: body, Anonymous: true}, nil); len(shishi.ErrorFields(err)) == 0 || shishi.ErrorFields(err)[0].Field != "unit_code" {
			t.Fatalf("unknown unit code: %v", err)
		}
		other, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "admissions", UnitID: w.ly.ID, Body: "洛阳某高中招生时违规提前掐尖录取。", Anonymous: true}, nil)
		if err != nil {
			t.Fatal(err)
		}

		// Anonymous: no text; the unit by id and name; the desk responsible.
		p, err := w.db.PublicCase(ctx, rc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Body != "" || p.UnitID != w.js.ID || p.Unit != w.js.Name || p.Agency != w.moe.Name || p.Deadline != rc.Deadline || p.Code != rc.Code {
			t.Fatalf("anonymous view %+v", p)
		}
		// The desk reads the text; the unit concerned, before dispatch, not.
		if p, _ := w.db.PublicCase(w.as(t, w.desk), rc.ID); p == nil || p.Body != body {
			t.Fatalf("desk view %+v", p)
		}
		if p, _ := w.db.PublicCase(w.as(t, w.zzH), rc.ID); p == nil || p.Body != "" {
			t.Fatalf("unit handler reads an undispatched case: %+v", p)
		}
		w.step(t, w.desk, rc.ID, "accept", shishi.StepInput{})
		w.step(t, w.desk, rc.ID, "dispatch", shishi.StepInput{UnitID: w.zz.ID})
		if p, _ := w.db.PublicCase(w.as(t, w.zzH), rc.ID); p == nil || p.Body != body || p.Agency != w.zz.Name {
			t.Fatalf("unit handler after dispatch: %+v", p)
		}

		// Filters: the tracking code as typed, categories, open or closed, time.
		find := func(c context.Context, f shishi.PublicFilter) []int64 {
			t.Helper()
			cs, err := w.db.PublicCases(c, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return ids
		}
		yes, no := true, false
		for i, c := range []struct {
			f    shishi.PublicFilter
			want []int64
		}{
			{shishi.PublicFilter{}, []int64{other.ID, rc.ID}},
			{shishi.PublicFilter{Code: " " + rc.Code[:4] + "-" + rc.Code[4:]}, []int64{rc.ID}},
			{shishi.PublicFilter{Code: "JBNOSUCH1"}, nil},
			{shishi.PublicFilter{Categories: []string{"admissions", "teacher-pay"}}, []int64{other.ID}},
			{shishi.PublicFilter{Categories: []string{"fees"}, Open: &yes}, []int64{rc.ID}},
			{shishi.PublicFilter{Open: &no}, nil},
			{shishi.PublicFilter{IDs: []int64{rc.ID, other.ID, 99999}, Limit: 1}, []int64{other.ID}},
			{shishi.PublicFilter{From: w.now.Add(time.Minute)}, nil},
			{shishi.PublicFilter{From: w.now.Add(-time.Minute), To: w.now}, []int64{other.ID, rc.ID}},
		} {
			if got := find(ctx, c.f); len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Errorf("filter %d: %v, want %v", i, got, c.want)
			}
		}
		for _, c := range []context.Context{ctx, w.as(t, w.desk)} {
			cs, _ := w.db.PublicCases(c, shishi.PublicFilter{})
			for _, p := range cs {
				if p.ID == other.ID && c != ctx && p.Body == "" {
					t.Errorf("desk misses the text of %s", p.Code)
				}
				if c == ctx && p.Body != "" {
					t.Errorf("anonymous list carries the text of %s", p.Code)
				}
			}
		}
		if _, err := w.db.PublicCase(ctx, 99999); code(err) != shishi.ENOTFOUND {
			t.Fatalf("unknown case: %v", err)
		}
	})
}
