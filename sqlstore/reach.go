package sqlstore

import (
	"strings"

	"github.com/shishi-edu/shishi"
)

// reach returns an SQL condition that holds when the unit whose path is the
// SQL expression pathExpr lies in a subtree where the actor holds one of
// roles (any role when none are named). The grants are read in the same
// statement, so a revoked role or a moved unit takes effect at once.
//
// Every store query that returns or changes rows of a unit uses it; this is
// where access by unit subtree is enforced.
func reach(a *shishi.Actor, pathExpr string, q *args, roles ...shishi.Role) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	roles, ok := scoped(a, roles)
	if !ok {
		return "1=0"
	}
	var b strings.Builder
	b.WriteString("EXISTS (SELECT 1 FROM user_roles g JOIN units gu ON gu.id = g.unit_id WHERE g.user_id = ")
	b.WriteString(q.add(a.UserID))
	b.WriteString(" AND ")
	b.WriteString(pathExpr)
	b.WriteString(" LIKE gu.path || '%'")
	b.WriteString(rolesIn(q, roles))
	b.WriteString(tokenLimit(a, "g.role", pathExpr, q))
	b.WriteString(")")
	return b.String()
}

// tokenLimit narrows a grant condition to what a limited API token
// carries: "" for other actors, else a conjunct that holds when one of the
// token's grants of the role roleExpr (the user_roles row being matched)
// reaches pathExpr. Both must hold, so a token reaches no wider than its
// user, and a token whose user lost the role reaches nothing with it.
// Every condition that reads user_roles for an actor appends it.
func tokenLimit(a *shishi.Actor, roleExpr, pathExpr string, q *args) string {
	if a == nil || a.TokenScope != shishi.TokenScopeGrants {
		return ""
	}
	if a.TokenID == 0 {
		return " AND 1=0"
	}
	return " AND EXISTS (SELECT 1 FROM api_token_grants tkg JOIN units tku ON tku.id = tkg.unit_id WHERE tkg.token_id = " +
		q.add(a.TokenID) + " AND tkg.role = " + roleExpr + " AND " + pathExpr + " LIKE tku.path || '%')"
}

// scoped narrows roles to what a limited API token carries: a token with a
// scope (an Open311 key, a grants token) keeps only the grants TokenActor
// left on the actor,
// and the grants read in SQL must be narrowed the same way, or the key
// would act with every role its user holds. ok is false when nothing is
// left.
func scoped(a *shishi.Actor, roles []shishi.Role) ([]shishi.Role, bool) {
	if a.TokenScope == "" {
		return roles, true
	}
	held := map[shishi.Role]bool{}
	for _, g := range a.Grants {
		held[g.Role] = true
	}
	if len(roles) == 0 {
		for _, r := range shishi.Roles {
			if held[r] {
				roles = append(roles, r)
			}
		}
		return roles, len(roles) > 0
	}
	var out []shishi.Role
	for _, r := range roles {
		if held[r] {
			out = append(out, r)
		}
	}
	return out, len(out) > 0
}

// unitInReach returns a condition on a unit id column (not a path).
func unitInReach(a *shishi.Actor, idExpr string, q *args, roles ...shishi.Role) string {
	if a.IsSystem() {
		return "1=1"
	}
	return "EXISTS (SELECT 1 FROM units ru WHERE ru.id = " + idExpr + " AND " + reach(a, "ru.path", q, roles...) + ")"
}

// unitsReached returns an uncorrelated subquery, "(SELECT …)", of the ids
// of the units in the subtrees where the actor holds one of roles (any role
// when none are named): the same units as reach, resolved once per
// statement (SQLite materialises it, PostgreSQL hashes it) instead of once
// per row. Not for the system actor.
//
// It starts from the actor's grants and reads each granted unit's subtree
// as a range of the units' path index (subtree), so it costs the size of
// the subtrees, not of the whole tree: at national scale (530,000 units) a
// scan of every unit's path against the grants cost more than the query
// it served.
func unitsReached(pg bool, a *shishi.Actor, q *args, roles ...shishi.Role) string {
	from, ok := reachedFrom(pg, a, q, "", "", roles...)
	if !ok {
		return "(SELECT 0 WHERE 1=0)"
	}
	return "(SELECT ru.id " + from + ")"
}

// reachedFrom is unitsReached's FROM and WHERE, the reached units as ru,
// with more joined onto ru and cond added: for an EXISTS that goes on from
// the actor's units to what hangs from them (items by their lead unit),
// which an index on that column serves, instead of testing every row of
// those against a list of the units. ok is false when the actor reaches
// nothing (no actor, or a token scoped to none of the roles).
func reachedFrom(pg bool, a *shishi.Actor, q *args, more, cond string, roles ...shishi.Role) (string, bool) {
	if a == nil {
		return "", false
	}
	roles, ok := scoped(a, roles)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString("FROM user_roles g JOIN units gu ON gu.id = g.unit_id JOIN units ru ON ")
	b.WriteString(subtree(pg, "ru.path", "gu.path"))
	b.WriteString(more)
	b.WriteString(" WHERE g.user_id = ")
	b.WriteString(q.add(a.UserID))
	b.WriteString(rolesIn(q, roles))
	b.WriteString(tokenLimit(a, "g.role", "ru.path", q))
	b.WriteString(cond)
	return b.String(), true
}

// rolesIn is the condition " AND g.role IN (…)" on the grants g, or nothing
// when roles is empty (any role).
func rolesIn(q *args, roles []shishi.Role) string {
	if len(roles) == 0 {
		return ""
	}
	ps := make([]string, len(roles))
	for i, r := range roles {
		ps[i] = q.add(string(r))
	}
	return " AND g.role IN (" + strings.Join(ps, ", ") + ")"
}

// subtree is the condition that the unit path pathExpr lies in the subtree
// whose root has the path rootExpr (itself included): pathExpr LIKE
// rootExpr || '%', written as a range that an index on the path serves.
// Paths are ids and slashes ("/1/4/27/"), all below ':' byte-wise, so the
// paths with the prefix are exactly those in [root, root || ':'). SQLite
// compares TEXT byte-wise (BINARY); PostgreSQL's ~>=~ and ~<~ compare
// byte-wise whatever the database's collation, and units_path_pattern
// (text_pattern_ops) serves them. The LIKE stays as the definition.
func subtree(pg bool, pathExpr, rootExpr string) string {
	ge, lt := " >= ", " < "
	if pg {
		ge, lt = " ~>=~ ", " ~<~ "
	}
	// Parenthesised: PostgreSQL gives ~<~ and || the same precedence.
	return "(" + pathExpr + ge + rootExpr + " AND " + pathExpr + lt + "(" + rootExpr + " || ':') AND " + pathExpr + " LIKE " + rootExpr + " || '%')"
}

// supervised returns an SQL condition that holds when the unit whose path
// is pathExpr lies in the subtree of a unit covered by a supervision group
// the actor is a member of: a group's members read what they supervise,
// across subtrees, whatever their own roles and unit (PRODUCT.md module C).
// A limited API token (an Open311 key, a grants token) carries no group
// membership: its reach is what its grants name, nothing beside.
func supervised(a *shishi.Actor, pathExpr string, q *args) string {
	if a == nil || a.TokenScope != "" {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	return "EXISTS (SELECT 1 FROM sup_group_members sgm JOIN sup_group_units sgu ON sgu.group_id = sgm.group_id JOIN units sgx ON sgx.id = sgu.unit_id WHERE sgm.user_id = " +
		q.add(a.UserID) + " AND " + pathExpr + " LIKE sgx.path || '%')"
}

// readReach is reach for reading: the actor's own subtrees (any role) and
// the units its groups supervise. Writes keep using reach with roles.
func readReach(a *shishi.Actor, pathExpr string, q *args) string {
	if a == nil {
		return "1=0"
	}
	if a.IsSystem() {
		return "1=1"
	}
	return "(" + reach(a, pathExpr, q) + " OR " + supervised(a, pathExpr, q) + ")"
}
