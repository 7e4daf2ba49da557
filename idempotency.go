package shishi

import (
	"context"
	"time"
)

// IdempotentResponse is the stored answer to a creating request made with
// an Idempotency-Key: a retry with the same key gets the same answer and
// creates nothing more.
type IdempotentResponse struct {
	Method    string
	Path      string
	BodyHash  string
	Status    int // 0 while the first request is still running
	Body      []byte
	CreatedAt time.Time
}

// IdempotencyKeyTTL is how long a key is remembered.
const IdempotencyKeyTTL = 24 * time.Hour

// IdempotencyService remembers creating requests by their keys, per user.
type IdempotencyService interface {
	// ReserveKey records a key before its request runs. It returns the
	// stored response when the key was used before (Status 0: still
	// running), or nil when this call reserved it.
	ReserveKey(ctx context.Context, userID int64, key string, r IdempotentResponse) (*IdempotentResponse, error)
	// CompleteKey stores the answer of a reserved key; a failed request
	// releases the key (store false) so it may be retried.
	CompleteKey(ctx context.Context, userID int64, key string, status int, body []byte, store bool) error
}
