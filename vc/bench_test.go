package vc

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkIssue compares signing one CET score report by the specialised
// canonicalizer (what the store uses) with the generic json-gold route
// (SignGeneric), on the same key and document. Run:
//
//	go test ./vc -run XXX -bench Issue -benchtime 3s
func BenchmarkIssue(b *testing.B) {
	k, doc := testKey()
	s := Ed25519Signer{Key: k, VM: doc.ID + "#key-1"}
	created := time.Date(2021, 8, 25, 8, 0, 0, 0, time.UTC)
	b.Run("specialised", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c := testCredential("韩梅梅", "2021年6月", int64(400+i%300))
			if err := c.Sign(created, s); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generic", func(b *testing.B) {
		l := testLoader()
		for i := 0; i < b.N; i++ {
			c := testCredential("韩梅梅", "2021年6月", int64(400+i%300))
			raw, _ := json.Marshal(c)
			var m map[string]any
			json.Unmarshal(raw, &m)
			if err := SignGeneric(m, created, l, s); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
