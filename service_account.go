package shishi

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Public applicant accounts: a person signs up with an e-mail address and
// a password to apply for public services (毕业去向登记, 学历认证 …). The
// account holds no role, so it reads nothing but its own applications; it
// lives in the unit PublicUnitCode, outside every office's subtree; it
// may apply once the e-mail is verified with the code sent to it.

// PublicUnitCode is the unit that holds every public account.
const PublicUnitCode = "public"

// SignUpInput creates a public account.
type SignUpInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

var emailRE = regexp.MustCompile(`^[a-z0-9._%+-]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$`)

// ValidEmail reports whether s (lower case, trimmed) is an e-mail address
// an account may have.
func ValidEmail(s string) bool { return len(s) <= 200 && emailRE.MatchString(s) }

// Validate checks a sign-up; every fault is reported at once.
func (in *SignUpInput) Validate() error {
	var v Validator
	in.Email, in.Name = strings.ToLower(strings.TrimSpace(in.Email)), strings.TrimSpace(in.Name)
	v.Check(ValidEmail(in.Email), "email", "邮箱地址无效 / not an e-mail address")
	checkText(&v, "name", in.Name, 1, 50)
	ValidatePassword(&v, "password", in.Password, strings.SplitN(in.Email, "@", 2)[0])
	return v.Err()
}

// VerifyInput verifies an account's e-mail with the code sent to it. The
// code is bound to the account: it is checked against the account of
// Email only, never against every pending one.
type VerifyInput struct {
	Email string `json:"email"`
	Code  string `json:"code"`
}

// ResendInput asks for a new verification code.
type ResendInput struct {
	Email string `json:"email"`
}

// SignUpReceipt is the answer to a sign-up and to a request for a new
// code. It is the same whether or not the address already had an account
// (that address is mailed instead), so the answer reveals no account.
type SignUpReceipt struct {
	Email   string `json:"email"`
	Message string `json:"message"`
}

// The verification code: 16 characters of Crockford base 32 (80 bits),
// mailed as a link (GET shows a page; only its POST verifies) and as text
// to type. It expires after VerifyCodeTTL; after MaxVerifyFailures wrong
// tries the account takes no code until a new one is sent. Only a keyed
// hash of it is stored.
const (
	VerifyCodeTTL     = 24 * time.Hour
	MaxVerifyFailures = 5
)

// AccountService signs people up. No account is needed to call it; the
// server rate-limits it per address.
type AccountService interface {
	// SignUp creates an unverified account and mails the verification
	// code. When the e-mail already has an account nothing is created and
	// that address is mailed that it has one; the caller answers the same
	// in both cases. EINVALID (bad input).
	SignUp(ctx context.Context, in SignUpInput) error
	// VerifyEmail marks the account of in.Email verified when in.Code is
	// its current code, unexpired and not locked by wrong tries; a wrong
	// code counts against the account. EINVALID.
	VerifyEmail(ctx context.Context, in VerifyInput) (*User, error)
	// ResendCode replaces the code of an unverified account and mails it;
	// for an unknown or verified address it does nothing, and answers the
	// same. EINVALID (not an e-mail address).
	ResendCode(ctx context.Context, email string) error
}
