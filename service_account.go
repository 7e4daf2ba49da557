package shishi

import (
	"context"
	"regexp"
	"strings"
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

// Validate checks a sign-up; every fault is reported at once.
func (in *SignUpInput) Validate() error {
	var v Validator
	in.Email, in.Name = strings.ToLower(strings.TrimSpace(in.Email)), strings.TrimSpace(in.Name)
	v.Check(len(in.Email) <= 200 && emailRE.MatchString(in.Email), "email", "邮箱地址无效 / not an e-mail address")
	checkText(&v, "name", in.Name, 1, 50)
	ValidatePassword(&v, "password", in.Password, strings.SplitN(in.Email, "@", 2)[0])
	return v.Err()
}

// VerifyInput verifies an account's e-mail with the code sent to it.
type VerifyInput struct {
	Code string `json:"code"`
}

// AccountService signs people up. No account is needed to call it; the
// server rate-limits it per address.
type AccountService interface {
	// SignUp creates an unverified account and sends the verification
	// code (as a notice, mailed when mail is on). EINVALID (bad input or
	// the e-mail already signed up).
	SignUp(ctx context.Context, in SignUpInput) (*User, error)
	// VerifyEmail marks the account whose code this is verified. EINVALID.
	VerifyEmail(ctx context.Context, code string) (*User, error)
}
