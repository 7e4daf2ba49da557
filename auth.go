package shishi

import (
	"context"
	"time"
)

// Login policy. Lock-out after repeated failures defeats password guessing;
// the idle timeout ends sessions left open on shared office computers.
const (
	MaxFailedLogins   = 5
	LockoutDuration   = 15 * time.Minute
	SessionIdle       = 30 * time.Minute
	SessionMaxAge     = 12 * time.Hour
	TOTPGracePeriod   = 7 * 24 * time.Hour // a new admin may sign in without TOTP this long, then must enrol
	DefaultTokenLimit = 365 * 24 * time.Hour
)

// Session is a signed-in browser. The cookie holds a random token; the
// store keeps only its hash.
type Session struct {
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	TOTPOK     bool   // the second factor was given (or is not required yet)
	CSRF       string // per-session token for forms
}

// Token scopes: all of the user's roles, the Open311 complaint API only,
// or the grants listed on the token.
const (
	TokenScopeAll     = ""
	TokenScopeOpen311 = "open311"
	TokenScopeGrants  = "grants"
)

// Token is an API token; the secret is shown once and stored hashed.
type Token struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Scope  string `json:"scope"` // "" for all of the user's roles, "open311" for the complaint API only, "grants" for Grants
	// Grants are what a "grants" token carries: each a role at a unit
	// inside its user's reach for that role. Empty for other scopes.
	Grants     []Grant    `json:"grants"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// TokenInput asks for a token. With Grants the token is limited to them
// (scope "grants"): a subset of the user's roles, each at the unit given
// or, when UnitID is 0, at the user's own grant of that role. A token
// acting for its user can ask only for what it carries itself.
type TokenInput struct {
	Name   string
	Scope  string
	Grants []Grant
	TTL    time.Duration
}

// LoginResult tells the caller what the password step achieved.
type LoginResult struct {
	User *User
	// NeedTOTP: the user has a second factor; ask for the code next.
	NeedTOTP bool
	// MustEnrol: the user's role requires TOTP, none is enrolled and the
	// grace period is over; only the enrolment page is open to them.
	MustEnrol bool
	// EnrolBy is set when enrolment is required but still in grace.
	EnrolBy *time.Time
}

// AuthService signs people in and out and resolves credentials to actors.
type AuthService interface {
	// CheckPassword verifies a login and password, counting failures and
	// locking the account after MaxFailedLogins. EUNAUTHORIZED for a wrong
	// login or password (the same message for both), ETOOMANY while locked.
	CheckPassword(ctx context.Context, login, password string) (*LoginResult, error)
	// CheckTOTP verifies a code of the user's enrolled second factor; a used
	// code cannot be replayed. EUNAUTHORIZED.
	CheckTOTP(ctx context.Context, userID int64, code string) error
	// CreateSession starts a session and returns its cookie token.
	CreateSession(ctx context.Context, userID int64, totpOK bool) (string, error)
	// SessionActor resolves a cookie token, ending it when idle or too old.
	// EUNAUTHORIZED.
	SessionActor(ctx context.Context, token string) (*Actor, *Session, error)
	// MarkSessionTOTP records that the session gave its second factor.
	MarkSessionTOTP(ctx context.Context, token string) error
	// DeleteSession signs out.
	DeleteSession(ctx context.Context, token string) error
	// TOTPSetup makes a new, not yet active secret for the actor and returns
	// its otpauth:// URL.
	TOTPSetup(ctx context.Context) (string, error)
	// TOTPEnable activates the pending secret when code matches it. EINVALID.
	TOTPEnable(ctx context.Context, code string) error
	// ChangePassword changes the actor's own password. EUNAUTHORIZED, EINVALID.
	ChangePassword(ctx context.Context, old, new string) error
	// CreateToken makes an API token for a user and returns its secret.
	// The actor must be that user or an admin over the user's unit.
	CreateToken(ctx context.Context, userID int64, name, scope string, ttl time.Duration) (string, *Token, error)
	// MintToken is CreateToken with grants: EINVALID naming the grant
	// (grants[i]) the user does not hold over the unit, EFORBIDDEN when a
	// token asks for more than it carries.
	MintToken(ctx context.Context, userID int64, in TokenInput) (string, *Token, error)
	// TokenActor resolves a bearer token. EUNAUTHORIZED.
	TokenActor(ctx context.Context, token string) (*Actor, *Token, error)
	// FindTokens lists a page of a user's tokens, newest first, and how
	// many the user has.
	FindTokens(ctx context.Context, userID int64, p Page) ([]*Token, int, error)
	// RevokeToken ends a token.
	RevokeToken(ctx context.Context, id int64) error
	// FindUserByLogin returns a user by login within the actor's reach.
	FindUserByLogin(ctx context.Context, login string) (*User, error)
}
