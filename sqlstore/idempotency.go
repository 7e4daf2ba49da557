package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// A stored answer is sealed with the personal-data keys: the answer to an
// issuance carries the holder's access key, a complaint's its secret, and a
// copy of the database must not hand them out for the day a key is kept.
// The purpose names the user and the key, so a sealed answer cannot be
// moved to another row and replayed there.
func idemPurpose(userID int64, key string) string {
	return "idempotency/" + strconv.FormatInt(userID, 10) + "/" + key
}

// ReserveKey implements shishi.IdempotencyService. The insert either
// reserves the key or finds it taken; expired keys are swept first.
func (d *DB) ReserveKey(ctx context.Context, userID int64, key string, r shishi.IdempotentResponse) (*shishi.IdempotentResponse, error) {
	now := d.now()
	var out *shishi.IdempotentResponse
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-shishi.IdempotencyKeyTTL)); err != nil {
			return shishi.Internal(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, key) DO NOTHING`, userID, key, r.Method, r.Path, r.BodyHash, now)
		if err != nil {
			return shishi.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var prev shishi.IdempotentResponse
		var sealed []byte
		err = tx.QueryRowContext(ctx, `SELECT method, path, body_hash, status, response, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key).
			Scan(&prev.Method, &prev.Path, &prev.BodyHash, &prev.Status, &sealed, &prev.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return shishi.Errorf(shishi.ECONFLICT, "请重试 / retry the request")
		} else if err != nil {
			return shishi.Internal(err)
		}
		if prev.Status != 0 {
			if prev.Body, err = d.keys.Open(idemPurpose(userID, key), string(sealed)); err != nil {
				return shishi.Internal(err)
			}
		}
		out = &prev
		return nil
	})
	return out, err
}

// CompleteKey implements shishi.IdempotencyService.
func (d *DB) CompleteKey(ctx context.Context, userID int64, key string, status int, body []byte, store bool) error {
	var err error
	if store {
		var sealed string
		if sealed, err = d.keys.Seal(idemPurpose(userID, key), body); err != nil {
			return shishi.Internal(err)
		}
		_, err = d.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND key = $4`, status, []byte(sealed), userID, key)
	} else {
		_, err = d.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 0`, userID, key)
	}
	if err != nil {
		return shishi.Internal(err)
	}
	return nil
}

var _ shishi.IdempotencyService = (*DB)(nil)
