package shishi

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a user may do; a role is granted at a unit and reaches that
// unit's whole subtree and nothing outside it.
type Role string

// The roles of PRODUCT.md module A. The system administrator and the
// security auditor are separate (三员分立): the administrator manages units
// and users but cannot read or erase the audit log; the auditor reads it and
// changes nothing.
const (
	RoleAdmin      Role = "admin"      // 系统管理员
	RoleAuditor    Role = "auditor"    // 安全审计员
	RoleOffice     Role = "office"     // 活动办 / 工作专班
	RoleLeader     Role = "leader"     // 牵头领导
	RoleOperator   Role = "operator"   // 填报员
	RoleSupervisor Role = "supervisor" // 督查组成员
	RoleHandler    Role = "handler"    // 举报受理员
	RoleReviewer   Role = "reviewer"   // 评审专家
	RoleIssuer     Role = "issuer"     // 证书签发员
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleAuditor, RoleOffice, RoleLeader, RoleOperator, RoleSupervisor, RoleHandler, RoleReviewer, RoleIssuer}

var roleNames = map[Role][2]string{
	RoleAdmin:      {"系统管理员", "System administrator"},
	RoleAuditor:    {"安全审计员", "Security auditor"},
	RoleOffice:     {"活动办", "Campaign office"},
	RoleLeader:     {"牵头领导", "Lead leader"},
	RoleOperator:   {"填报员", "Unit operator"},
	RoleSupervisor: {"督查员", "Supervisor"},
	RoleHandler:    {"举报受理员", "Complaint handler"},
	RoleReviewer:   {"评审专家", "Expert reviewer"},
	RoleIssuer:     {"证书签发员", "Certificate issuer"},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// Label returns the role's name in Chinese or, with en, in English.
func (r Role) Label(en bool) string { return label(roleNames[r], string(r), en) }

// label picks the Chinese or English name of an enumeration value, or
// the raw value when it has no name: every Label method of the domain.
func label(n [2]string, raw string, en bool) string {
	if n[0] == "" {
		return raw
	}
	if en {
		return n[1]
	}
	return n[0]
}

// ParseGrant reads a grant written "role@unit", the form it takes on the
// token form and the command line: a known role and a unit reference (an
// id or a code, 1–64 characters without spaces), for the caller to
// resolve. EINVALID naming field.
func ParseGrant(field, s string) (Role, string, error) {
	role, unit, ok := strings.Cut(strings.TrimSpace(s), "@")
	switch {
	case !ok:
		return "", "", Invalid(FieldError{Field: field, Message: "须写作 角色@单位 / must be role@unit"})
	case !Role(role).Valid():
		return "", "", Invalid(FieldError{Field: field, Message: "未知角色 / unknown role: " + role})
	case unit == "" || len(unit) > 64 || strings.IndexFunc(unit, badRefRune) >= 0:
		return "", "", Invalid(FieldError{Field: field, Message: "单位须为编号或代码 / the unit must be an id or a code"})
	}
	return Role(role), unit, nil
}

// badRefRune: no space, control character or second "@" in a reference.
func badRefRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '@' || r == utf8.RuneError
}

// RequiresTOTP reports whether holders of r must use a second factor.
func (r Role) RequiresTOTP() bool { return r == RoleAdmin || r == RoleAuditor }

// Grant is one role held at one unit (and so over its subtree).
type Grant struct {
	Role     Role   `json:"role"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name,omitempty"`
}

// Actor is who performs a request: a signed-in user or an API token's user.
// It travels in the context; the store reads it to scope every query.
type Actor struct {
	UserID  int64
	Login   string
	Name    string
	UnitID  int64
	Grants  []Grant
	TokenID int64 // set when acting through an API token
	// TokenScope and TokenExpires describe that token, so a token can only
	// make tokens no wider and no longer-lived than itself.
	TokenScope   string
	TokenExpires *time.Time
	IP           string // client address, for the audit log
	TOTPOK       bool   // second factor satisfied (or still in grace) for this session
	// TOTPEnrolled: the user has a second factor.
	TOTPEnrolled bool
	Language     string
}

// Has reports whether the actor holds role anywhere.
func (a *Actor) Has(role Role) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// RoleList returns the distinct roles the actor holds.
func (a *Actor) RoleList() []Role {
	if a == nil {
		return nil
	}
	seen := map[Role]bool{}
	var out []Role
	for _, r := range Roles {
		for _, g := range a.Grants {
			if g.Role == r && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil for an anonymous request.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemActor is used by start-up tasks (migrations, demo seeding, the CLI
// acting for an operator at the console); its audit entries say "system".
func SystemActor() *Actor {
	return &Actor{Login: "system", Name: "系统"}
}

// IsSystem reports whether a is the system actor.
func (a *Actor) IsSystem() bool { return a != nil && a.UserID == 0 && a.Login == "system" }
