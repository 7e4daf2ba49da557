package shishi

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// User is a person with an account: staff of a unit holding roles there.
// The public needs no account to read, complain or verify.
type User struct {
	ID          int64      `json:"id"`
	Login       string     `json:"login"`
	Name        string     `json:"name"`
	Email       string     `json:"email,omitempty"`
	UnitID      int64      `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	Grants      []Grant    `json:"grants"`
	Disabled    bool       `json:"disabled"`
	TOTPEnabled bool       `json:"totp_enabled"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// UserInput creates a user. Roles are granted at the user's unit unless a
// grant names another unit (which must also be in the creator's reach).
type UserInput struct {
	Login    string  `json:"login"`
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	UnitID   int64   `json:"unit_id"`
	Password string  `json:"password"`
	Grants   []Grant `json:"grants"`
}

// UserPatch changes some fields of a user.
type UserPatch struct {
	Name     *string  `json:"name"`
	Email    *string  `json:"email"`
	UnitID   *int64   `json:"unit_id"`
	Disabled *bool    `json:"disabled"`
	Grants   *[]Grant `json:"grants"`
	Password *string  `json:"password"`
	// Unlock clears a lock-out after failed logins.
	Unlock bool `json:"unlock"`
}

var loginRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// ValidateLogin checks a login name.
func ValidateLogin(v *Validator, login string) {
	v.Check(loginRE.MatchString(login), "login", "登录名须为 2–32 位小写字母、数字、点、下划线或连字符 / must be 2–32 lower-case letters, digits, dots, underscores or hyphens")
}

// ValidatePassword enforces the password policy: at least 10 characters
// from at least three of lower case, upper case, digits and symbols
// (the usual 等保 requirement), and not the login itself.
func ValidatePassword(v *Validator, field, password, login string) {
	if utf8.RuneCountInString(password) < 10 || len(password) > 256 {
		v.Add(field, "密码须为 10–256 个字符 / password must be 10–256 characters")
		return
	}
	var lower, upper, digit, other int
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		v.Add(field, "密码须包含小写字母、大写字母、数字、符号中的至少三类 / password needs three of: lower case, upper case, digits, symbols")
	}
	if login != "" && strings.Contains(strings.ToLower(password), login) {
		v.Add(field, "密码不能包含登录名 / password must not contain the login")
	}
}

func validateGrants(v *Validator, grants []Grant) {
	seen := map[Grant]bool{}
	for _, g := range grants {
		if !g.Role.Valid() {
			v.Add("grants", "未知角色 / unknown role: "+string(g.Role))
			continue
		}
		g.UnitName = ""
		if seen[g] {
			v.Add("grants", "重复的角色 / duplicate grant: "+string(g.Role))
		}
		seen[g] = true
	}
}

func validateEmail(v *Validator, email string) {
	if email == "" {
		return
	}
	a, err := mail.ParseAddress(email)
	v.Check(err == nil && a.Address == email && len(email) <= 254, "email", "电子邮箱格式不正确 / not a valid e-mail address")
}

func validatePersonName(v *Validator, name string) {
	switch {
	case name == "":
		v.Add("name", "姓名不能为空 / name is required")
	case utf8.RuneCountInString(name) > 64:
		v.Add("name", "姓名不能超过 64 个字符 / must be at most 64 characters")
	case hasControl(name):
		v.Add("name", "含有控制字符 / contains control characters")
	}
}

// Validate checks a new user.
func (in *UserInput) Validate() error {
	var v Validator
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	ValidateLogin(&v, in.Login)
	validatePersonName(&v, in.Name)
	validateEmail(&v, in.Email)
	v.Check(in.UnitID > 0, "unit_id", "必须选择所属单位 / unit is required")
	ValidatePassword(&v, "password", in.Password, in.Login)
	validateGrants(&v, in.Grants)
	return v.Err()
}

// Validate checks a patch.
func (p *UserPatch) Validate(login string) error {
	var v Validator
	if p.Name != nil {
		*p.Name = strings.TrimSpace(*p.Name)
		validatePersonName(&v, *p.Name)
	}
	if p.Email != nil {
		*p.Email = strings.TrimSpace(*p.Email)
		validateEmail(&v, *p.Email)
	}
	if p.UnitID != nil {
		v.Check(*p.UnitID > 0, "unit_id", "所属单位无效 / invalid unit")
	}
	if p.Password != nil {
		ValidatePassword(&v, "password", *p.Password, login)
	}
	if p.Grants != nil {
		validateGrants(&v, *p.Grants)
	}
	return v.Err()
}

// UserFilter selects users; the store intersects it with the actor's reach
// (users whose unit lies in a subtree the actor administers).
type UserFilter struct {
	UnitID *int64 // users of this unit's subtree
	Role   Role
	Query  string
	After  int64
	Limit  int
}

// UserService manages accounts. Listing and changing users needs the admin
// role over the user's unit.
type UserService interface {
	// FindUser returns a user in reach. ENOTFOUND otherwise.
	FindUser(ctx context.Context, id int64) (*User, error)
	// FindUsers lists users in reach with the total count.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// CreateUser adds an account. EINVALID, EFORBIDDEN, ECONFLICT (login taken).
	CreateUser(ctx context.Context, in UserInput) (*User, error)
	// UpdateUser changes an account. EINVALID, EFORBIDDEN, ENOTFOUND, EPRECONDITION.
	UpdateUser(ctx context.Context, id int64, version int64, p UserPatch) (*User, error)
}
