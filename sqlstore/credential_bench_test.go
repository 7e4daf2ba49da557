package sqlstore_test

import (
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/demo"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// sliceRows is a RowSource over rows made in memory.
type sliceRows struct {
	header []string
	rows   [][]string
	i      int
}

func (s *sliceRows) Header() []string { return s.header }
func (s *sliceRows) Next() (int, []string, error) {
	if s.i >= len(s.rows) {
		return 0, nil, io.EOF
	}
	s.i++
	return s.i + 1, s.rows[s.i-1], nil
}

func cetRows(n, from int) *sliceRows {
	r := &sliceRows{header: demo.CETHeader}
	for i := 0; i < n; i++ {
		r.rows = append(r.rows, demo.CETRow(from+i))
	}
	return r
}

// BenchmarkBulkIssue measures the whole bulk path of the store — check,
// sign on every core, multi-row INSERTs, one transaction — on SQLite, for
// the specialised canonicalizer and, through the very same path, for
// json-gold's generic route (the baseline of the performance issue). One
// op is one file of 2,000 CET score reports.
//
//	go test ./sqlstore -run XXX -bench BulkIssue -benchtime 3x
func BenchmarkBulkIssue(b *testing.B) {
	const rows = 2000
	for _, route := range []string{"specialised", "generic"} {
		b.Run(route, func(b *testing.B) {
			w := newCredWorld(b, testdb.SQLite(b))
			w.db.GenericCanonical = route == "generic"
			as := w.as(b, w.signer)
			if _, err := w.db.CreateType(as, &shishi.CredentialType{IssuerID: w.issuer.ID, Code: "cet4", Name: "全国大学英语四级考试成绩报告单",
				NumberCode: "CET4", Fields: demo.CETFields()}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				src := cetRows(rows, i*rows)
				if n, err := w.db.IssueBulk(as, "cet4", src, nil); err != nil || n != rows {
					b.Fatal(n, err)
				}
			}
			b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "credentials/s")
		})
	}
}

// TestBulkIssueMany: a file of many batches is signed on every core and
// stored whole — contiguous serials, every credential verifies, the
// progress reaches the end; a later file with one bad row deep inside
// (after many batches were signed and inserted) issues nothing and names
// the row; the generic route issues credentials that verify the same way.
func TestBulkIssueMany(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newCredWorld(t, dsn)
		as := w.as(t, w.signer)
		if _, err := w.db.CreateType(as, &shishi.CredentialType{IssuerID: w.issuer.ID, Code: "cet4", Name: "全国大学英语四级考试成绩报告单",
			NumberCode: "CET4", Fields: demo.CETFields()}); err != nil {
			t.Fatal(err)
		}
		const n = 1234
		var last int
		got, err := w.db.IssueBulk(as, "cet4", cetRows(n, 0), func(d int) {
			if d < last {
				t.Errorf("progress went back: %d after %d", d, last)
			}
			last = d
		})
		if err != nil || got != n || last != n {
			t.Fatalf("bulk: %d %v (progress %d)", got, err, last)
		}
		list, total, err := w.db.FindCredentials(as, shishi.CredentialFilter{Type: "cet4", Limit: 100})
		if err != nil || total != n {
			t.Fatalf("stored %d %v", total, err)
		}
		seen := map[string]bool{}
		for _, c := range list {
			num, err := shishi.ParseCertNumber(c.Number)
			if err != nil || num.Serial < 1 || num.Serial > n || seen[c.Number] {
				t.Fatalf("number %s: %v", c.Number, err)
			}
			seen[c.Number] = true
			// Every row's values are in its own credential.
			if row := demo.CETRow(int(num.Serial) - 1); c.Holder != row[0] || c.Subject["admissionNumber"] != row[2] {
				t.Fatalf("credential %s holds %v, row %v", c.Number, c.Subject, row)
			}
		}
		// Rows are stored in the file's order: ids follow serials, whichever
		// signer finished its batch first.
		byID := map[int64]int64{}
		var ids []int64
		for after := int64(0); ; {
			page, _, err := w.db.FindCredentials(as, shishi.CredentialFilter{Type: "cet4", Limit: 500, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				num, _ := shishi.ParseCertNumber(c.Number)
				byID[c.ID] = num.Serial
				ids = append(ids, c.ID)
				after = c.ID
			}
			if len(page) < 500 {
				break
			}
		}
		if len(ids) != n {
			t.Fatalf("paged through %d of %d", len(ids), n)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for i := 1; i < len(ids); i++ {
			if byID[ids[i]] <= byID[ids[i-1]] {
				t.Fatalf("id %d has serial %d after id %d with serial %d", ids[i], byID[ids[i]], ids[i-1], byID[ids[i-1]])
			}
		}
		for _, c := range []*shishi.Credential{list[0], list[len(list)/2], list[len(list)-1]} {
			raw, _ := w.db.CredentialVC(as, c.ID)
			if v, err := w.db.VerifyCredential(w.sys, raw); err != nil || v.Status != shishi.CredentialValid {
				t.Fatalf("%s does not verify: %+v %v", c.Number, v, err)
			}
		}
		// One bad row after many good batches: nothing stored, the row named.
		bad := cetRows(1500, n)
		bad.rows[1399][1] = "410105200101010000"
		if _, err := w.db.IssueBulk(as, "cet4", bad, nil); code(err) != shishi.EINVALID {
			t.Fatalf("bad row: %v", err)
		} else if fe := shishi.ErrorFields(err); len(fe) != 1 || fe[0].Row != 1401 || fe[0].Field != "idNumber" {
			t.Fatalf("faults %+v", fe)
		}
		if _, total, _ := w.db.FindCredentials(as, shishi.CredentialFilter{Type: "cet4"}); total != n {
			t.Fatalf("a bad file left %d credentials", total-n)
		}
		// The generic route: same path, json-gold's canonicalization.
		w.db.GenericCanonical = true
		if got, err := w.db.IssueBulk(as, "cet4", cetRows(3, 5000), nil); err != nil || got != 3 {
			t.Fatalf("generic: %d %v", got, err)
		}
		w.db.GenericCanonical = false
		list, _, _ = w.db.FindCredentials(as, shishi.CredentialFilter{Type: "cet4", Limit: 1})
		if !strings.Contains(list[0].Number, ".00001237.001.") {
			t.Fatalf("serials after a rolled-back file: %s", list[0].Number)
		}
		raw, _ := w.db.CredentialVC(as, list[0].ID)
		if v, err := w.db.VerifyCredential(w.sys, raw); err != nil || v.Status != shishi.CredentialValid {
			t.Fatalf("a generic-route credential does not verify: %+v %v", v, err)
		}
	})
}
