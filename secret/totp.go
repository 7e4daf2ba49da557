package secret

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// NewTOTP makes a fresh TOTP key for an account and returns its base32
// secret and otpauth:// URL (for the authenticator app's QR code).
func NewTOTP(issuer, account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// MatchTOTP checks code against secret at now, allowing one step of clock
// drift either way, and returns the matching time step (so the caller can
// refuse a replay of a step already used), or 0 when nothing matches.
func MatchTOTP(secret, code string, now time.Time) int64 {
	if len(code) != 6 {
		return 0
	}
	for _, d := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(d) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return t.Unix() / 30
		}
	}
	return 0
}

// TOTPCode returns the current code of secret (for tests and the CLI).
func TOTPCode(secret string, now time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return c
}
