package e2e

import (
	"bytes"
	"testing"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestIdempotentIssuanceSealed: an issuance made with an Idempotency-Key
// keeps its answer (which holds the holder's access key) sealed in the
// database, and a retry still gets the very same answer.
func TestIdempotentIssuanceSealed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := start(t, dsn)
		credentialEnv(t, e)
		body := `{"type": "cet4", "subject": {"fullName": "李雷", "idNumber": "11010519491231002X", "admissionNumber": "410101211200102",
			"examSession": "2021年6月", "totalScore": "500", "listening": "170", "reading": "180", "writingTranslation": "150"}}`
		r1 := e.api("POST", "/api/v1/credentials", "issuer", body, "Idempotency-Key", "issue-li-lei")
		if r1.status != 201 {
			t.Fatalf("issue: %d %s", r1.status, r1.body)
		}
		key, _ := r1.json(t)["key"].(string)
		if len(key) < 8 {
			t.Fatalf("no holder key in %s", r1.body)
		}
		var stored []byte
		if err := e.m.Store.SQL().QueryRow(`SELECT response FROM idempotency_keys WHERE key = $1`, "issue-li-lei").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if len(stored) == 0 || bytes.Contains(stored, []byte(key)) || bytes.Contains(stored, []byte("李雷")) {
			t.Fatalf("the kept answer is readable: %q", stored)
		}
		r2 := e.api("POST", "/api/v1/credentials", "issuer", body, "Idempotency-Key", "issue-li-lei")
		if r2.status != 201 || r2.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r2.body, r1.body) {
			t.Fatalf("replay: %d %s %s", r2.status, r2.header.Get("Idempotent-Replayed"), r2.body)
		}
	})
}
