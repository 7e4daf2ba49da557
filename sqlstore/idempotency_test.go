package sqlstore_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestIdempotentAnswerSealed: the answer kept under an Idempotency-Key
// (an issuance's holds the holder's access key) is not stored in plain
// text, and a retry still gets it back byte for byte; under another user
// the same key is another row.
func TestIdempotentAnswerSealed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		secret := "HOLDER-KEY-7Q4M9X2W"
		body := []byte(`{"credential":{"id":1},"key":"` + secret + `"}`)
		req := shishi.IdempotentResponse{Method: "POST", Path: "/api/v1/credentials", BodyHash: "h1"}
		if prev, err := db.ReserveKey(ctx, 7, "issue-1", req); err != nil || prev != nil {
			t.Fatalf("reserve: %v %v", prev, err)
		}
		if err := db.CompleteKey(ctx, 7, "issue-1", 201, body, true); err != nil {
			t.Fatal(err)
		}
		var stored []byte
		if err := db.SQL().QueryRow(`SELECT response FROM idempotency_keys WHERE user_id = 7 AND key = 'issue-1'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if len(stored) == 0 || bytes.Contains(stored, []byte(secret)) || bytes.Contains(stored, []byte("credential")) {
			t.Fatalf("stored in plain text: %q", stored)
		}
		prev, err := db.ReserveKey(ctx, 7, "issue-1", req)
		if err != nil || prev == nil || prev.Status != 201 || !bytes.Equal(prev.Body, body) {
			t.Fatalf("replay: %+v %v", prev, err)
		}
		// A sealed answer moved to another user's row does not open.
		if prev, err := db.ReserveKey(ctx, 8, "issue-1", req); err != nil || prev != nil {
			t.Fatalf("another user's key: %v %v", prev, err)
		}
		if _, err := db.SQL().Exec(`UPDATE idempotency_keys SET status = 201, response = $1 WHERE user_id = 8`, stored); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReserveKey(ctx, 8, "issue-1", req); code(err) != shishi.EINTERNAL {
			t.Fatalf("moved answer: %v", err)
		}
	})
}
