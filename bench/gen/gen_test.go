package gen_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/bench/gen"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
)

// tinyScale writes 105 schools, 200 items, 2,400 reports, 200 complaints
// and 2,000 credentials.
const tinyScale = 0.0002

func open(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	keys, err := secret.ParseKeyring(secret.NewKeyringText("k1"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(ctx, dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PublicURL = "https://shishi.example.edu.cn"
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, db *sqlstore.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestGenerate checks that a tiny dataset is what the store itself reads:
// counts, the stored figures against a fresh derivation, reach, a
// complaint tracked by its code and secret, a certificate found by number
// and name.
func TestGenerate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		res, err := gen.Generate(ctx, db, gen.Options{Scale: tinyScale, Password: "Correct-Horse-42"})
		if err != nil {
			t.Fatal(err)
		}
		want := gen.CountsFor(tinyScale)
		if want.Schools != 105 || want.Items != 200 || want.Reports != 2400 || want.Complaints != 200 || want.Credentials != 2000 {
			t.Fatalf("counts for %g: %+v", tinyScale, want)
		}
		for table, n := range map[string]int{"units": want.Units, "items": want.Items, "targets": want.Items,
			"reports": want.Reports, "report_values": want.Reports, "complaints": want.Complaints, "credentials": want.Credentials} {
			if got := count(t, db, `SELECT COUNT(*) FROM `+table); got != n {
				t.Errorf("%s: %d rows, want %d", table, got, n)
			}
		}
		if got := count(t, db, `SELECT COUNT(*) FROM targets WHERE plan LIKE '2025-11:%,2026-12:%'`); got != want.Items {
			t.Errorf("targets with a plan from 2025-11 to 2026-12: %d, want %d", got, want.Items)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM units WHERE kind = 'school'`); got != want.Schools {
			t.Errorf("schools: %d, want %d", got, want.Schools)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM units WHERE kind = 'province'`); got != 31 {
			t.Errorf("provinces: %d, want 31", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE figures_on = ''`); got != 0 {
			t.Errorf("%d items without derived figures", got)
		}

		sys := shishi.WithActor(ctx, shishi.SystemActor())
		if _, n, err := db.FindUnits(sys, shishi.UnitFilter{Limit: 1}); err != nil || n != want.Units {
			t.Errorf("FindUnits: total %d, want %d (%v)", n, want.Units, err)
		}

		// The stored figures are what a fresh derivation from the reports gives.
		items, total, err := db.FindItems(sys, shishi.ItemFilter{CampaignID: res.Campaign, Limit: 200})
		if err != nil || total != want.Items || len(items) != want.Items {
			t.Fatalf("FindItems: %d of %d, want %d (%v)", len(items), total, want.Items, err)
		}
		rag := map[shishi.RAG]int{}
		for i, it := range items {
			rag[it.RAG]++
			if i%7 != 0 {
				continue
			}
			fresh, err := db.FindItem(sys, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fresh.RAG != it.RAG || fresh.Overdue != it.Overdue || fmt.Sprint(ptr(fresh.Completion)) != fmt.Sprint(ptr(it.Completion)) ||
				fmt.Sprint(fresh.Missing) != fmt.Sprint(it.Missing) {
				t.Errorf("item %d: stored %s %v %v %v, derived %s %v %v %v", it.ID, it.RAG, ptr(it.Completion), it.Overdue, it.Missing,
					fresh.RAG, ptr(fresh.Completion), fresh.Overdue, fresh.Missing)
			}
		}
		if len(rag) < 3 {
			t.Errorf("RAG spread %v: want green, amber and red", rag)
		}
		sum, err := db.Summarise(sys, shishi.ItemFilter{CampaignID: res.Campaign})
		if err != nil || sum.Items != want.Items {
			t.Fatalf("Summarise: %d items, want %d (%v)", sum.Items, want.Items, err)
		}
		for r, n := range rag {
			if sum.RAG[r] != n {
				t.Errorf("Summarise RAG %s: %d, list %d", r, sum.RAG[r], n)
			}
		}

		// Reach: the operator at city 4101 sees the items led or shared
		// in its subtree and the public ones, and nothing else.
		if len(res.Users) != len(gen.Users) {
			t.Fatalf("users %v", res.Users)
		}
		var opID, opUnit int64
		var opPath string
		if err := db.SQL().QueryRowContext(ctx, `SELECT u.id, u.unit_id, n.path FROM users u JOIN units n ON n.id = u.unit_id WHERE u.login = 'gen-operator'`).Scan(&opID, &opUnit, &opPath); err != nil {
			t.Fatal(err)
		}
		op := shishi.WithActor(ctx, &shishi.Actor{UserID: opID, Login: "gen-operator", UnitID: opUnit, Grants: []shishi.Grant{{Role: shishi.RoleOperator, UnitID: opUnit}}})
		_, seen, err := db.FindItems(op, shishi.ItemFilter{CampaignID: res.Campaign, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		wantSeen := count(t, db, `SELECT COUNT(*) FROM items i JOIN units u ON u.id = i.lead_unit_id WHERE i.public OR u.path LIKE $1
			OR EXISTS (SELECT 1 FROM item_units iu JOIN units c ON c.id = iu.unit_id WHERE iu.item_id = i.id AND c.path LIKE $1)`, opPath+"%")
		internal := count(t, db, `SELECT COUNT(*) FROM items WHERE NOT public`)
		if seen != wantSeen || seen == want.Items || internal == 0 {
			t.Errorf("operator sees %d items, want %d (of %d, %d internal)", seen, wantSeen, want.Items, internal)
		}

		// A generated complaint is tracked with its code and secret.
		code, secret := gen.ComplaintTracking(7)
		pc, err := db.Track(ctx, code, secret)
		if err != nil || pc.Code != code {
			t.Errorf("Track(%s): %+v, %v", code, pc, err)
		}
		if _, err := db.Track(ctx, code, "AAAA-AAAA-AAAA"); shishi.ErrorCode(err) != shishi.ENOTFOUND {
			t.Errorf("Track with a wrong secret: %v, want ENOTFOUND", err)
		}

		// A generated certificate is found by its number and holder.
		var number string
		if err := db.SQL().QueryRowContext(ctx, `SELECT number FROM credentials ORDER BY id LIMIT 1`).Scan(&number); err != nil {
			t.Fatal(err)
		}
		p, err := db.QueryCredential(ctx, number, gen.Person(0))
		if err != nil || p.Status != shishi.CredentialValid {
			t.Errorf("QueryCredential(%s, %s): %+v, %v", number, gen.Person(0), p, err)
		}

		// A second run refuses the database it filled.
		if _, err := gen.Generate(ctx, db, gen.Options{Scale: tinyScale}); shishi.ErrorCode(err) != shishi.ECONFLICT {
			t.Errorf("second Generate: %v, want ECONFLICT", err)
		}
	})
}

func ptr(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestGenerateDeterministic writes the same scale twice and compares the
// written tables row by row (through a digest).
func TestGenerateDeterministic(t *testing.T) {
	ctx := context.Background()
	var digests []map[string]string
	for i := 0; i < 2; i++ {
		db := open(t, filepath.Join(t.TempDir(), "shishi.db"))
		if _, err := gen.Generate(ctx, db, gen.Options{Scale: 0.0001}); err != nil {
			t.Fatal(err)
		}
		d := map[string]string{}
		for _, q := range []string{
			`SELECT id, parent_id, code, name, kind, path FROM units ORDER BY id`,
			`SELECT id, tier_id, code, title, leader_name, lead_unit_id, deadline, public, status, rag, completion, missing FROM items ORDER BY id`,
			`SELECT id, item_id, period, status, submitted_at, late FROM reports ORDER BY id`,
			`SELECT report_id, value FROM report_values ORDER BY report_id`,
			`SELECT id, code, secret_hash, category, unit_id, status, received_at, deadline, on_time, rating FROM complaints ORDER BY id`,
			// id_hash is keyed with the run's own master keys.
			`SELECT number, holder_name, subject FROM credentials ORDER BY id`,
		} {
			d[q] = digest(t, db.SQL(), q)
		}
		digests = append(digests, d)
	}
	for q, h := range digests[0] {
		if digests[1][q] != h {
			t.Errorf("two runs differ in %s", q)
		}
	}
}

func digest(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	h := sha256.New()
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(h, vals...)
		n++
	}
	if n == 0 {
		t.Fatalf("%s: no rows", query)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGenerateBadScale refuses a scale out of range and writes nothing.
func TestGenerateBadScale(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "shishi.db"))
	for _, s := range []float64{0, -1, 11} {
		_, err := gen.Generate(context.Background(), db, gen.Options{Scale: s})
		if shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("scale %g: %v, want EINVALID", s, err)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM units`); n != 0 {
		t.Errorf("%d units written after refusals", n)
	}
}
