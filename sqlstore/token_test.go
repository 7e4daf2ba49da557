package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// TestScopedTokens: a token carrying some of its user's grants, narrowed
// to a child unit, reads that child's items and not a sibling's, cannot
// act with a role it does not carry, cannot mint a wider token, and stops
// working when expired, revoked or when its user loses the role.
func TestScopedTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		now := time.Date(2021, 10, 3, 2, 0, 0, 0, time.UTC)
		w.db.Now = func() time.Time { return now }
		// An office and operator of the Henan department: its reach covers
		// both Zhengzhou and Luoyang.
		ha, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ha-staff", Name: "厅工作人员", UnitID: w.ha.ID, Password: pw,
			Grants: []shishi.Grant{{Role: shishi.RoleOffice}, {Role: shishi.RoleOperator}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "河南", StartsOn: "2021-09-01", EndsOn: "2021-12-31", Tiers: []string{"重点事项"}})
		if err != nil {
			t.Fatal(err)
		}
		item := func(title string, u *shishi.Unit) *shishi.Item {
			it, err := w.db.CreateItem(w.sys, c.ID, shishi.ItemInput{TierID: c.Tiers[0].ID, Title: title, LeadUnitID: u.ID, Deadline: "2021-12-31"})
			if err != nil {
				t.Fatal(err)
			}
			return it
		}
		zzItem, lyItem := item("郑州周转宿舍", w.zz), item("洛阳周转宿舍", w.ly)
		self := w.as(t, ha)
		mint := func(ctx context.Context, name string, ttl time.Duration, gs ...shishi.Grant) (string, *shishi.Token, error) {
			return w.db.MintToken(ctx, ha.ID, shishi.TokenInput{Name: name, Grants: gs, TTL: ttl})
		}
		actor := func(plain string) context.Context {
			t.Helper()
			a, _, err := w.db.TokenActor(context.Background(), plain)
			if err != nil {
				t.Fatalf("token actor: %v", err)
			}
			return shishi.WithActor(context.Background(), a)
		}

		plain, tk, err := mint(self, "zz-op", time.Hour, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.zz.ID})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Scope != sqlstore.ScopeGrants || len(tk.Grants) != 1 || tk.Grants[0].UnitID != w.zz.ID || tk.Grants[0].UnitName != w.zz.Name {
			t.Fatalf("token detail %+v", tk)
		}
		tc := actor(plain)
		// The user reads both cities' items; the token only Zhengzhou's.
		if items, _, err := w.db.FindItems(self, shishi.ItemFilter{CampaignID: c.ID}); err != nil || len(items) != 2 {
			t.Fatalf("user reads %d items: %v", len(items), err)
		}
		items, total, err := w.db.FindItems(tc, shishi.ItemFilter{CampaignID: c.ID})
		if err != nil || total != 1 || len(items) != 1 || items[0].ID != zzItem.ID {
			t.Fatalf("token reads %d/%d items: %v", len(items), total, err)
		}
		if _, err := w.db.FindItem(tc, lyItem.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("token reads the sibling's item: %v", err)
		}
		if _, err := w.db.FindItem(tc, zzItem.ID); err != nil {
			t.Fatalf("token reads its own unit's item: %v", err)
		}
		// The user is the office at Henan; the token carries no office role
		// and cannot act with it, not even in its own unit.
		if _, err := w.db.CreateCampaign(self, shishi.CampaignInput{UnitID: w.zz.ID, Name: "用户可建", StartsOn: "2021-09-01", EndsOn: "2021-12-31"}); err != nil {
			t.Fatalf("user creates a campaign: %v", err)
		}
		if _, err := w.db.CreateCampaign(tc, shishi.CampaignInput{UnitID: w.zz.ID, Name: "令牌不可建", StartsOn: "2021-09-01", EndsOn: "2021-12-31"}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token acts with a role it lacks: %v", err)
		}
		// No wider token from a token: all roles, another role, a wider unit.
		if _, _, err := w.db.MintToken(tc, ha.ID, shishi.TokenInput{Name: "all"}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token mints an all-roles token: %v", err)
		}
		if _, _, err := mint(tc, "office", 0, shishi.Grant{Role: shishi.RoleOffice, UnitID: w.zz.ID}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token mints a token with a role it lacks: %v", err)
		}
		if _, _, err := mint(tc, "ha", 0, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.ha.ID}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token mints a wider token: %v", err)
		}
		if _, _, err := mint(tc, "ly", 0, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.ly.ID}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token mints a sibling's token: %v", err)
		}
		// Narrower is allowed, and lives no longer than its maker.
		if _, child, err := mint(tc, "js", 48*time.Hour, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.js.ID}); err != nil || child.ExpiresAt.After(*tk.ExpiresAt) {
			t.Fatalf("narrower child token: %+v %v", child, err)
		}
		// The user asks for what it does not hold: a role, a unit outside
		// its reach. Both name the grant; nothing is stored.
		before, _, _ := w.db.FindTokens(self, ha.ID, shishi.Page{})
		if _, _, err := mint(self, "x", 0, shishi.Grant{Role: shishi.RoleReviewer, UnitID: w.ha.ID}); code(err) != shishi.EINVALID || shishi.ErrorFields(err)[0].Field != "grants[0].unit_id" {
			t.Fatalf("role not held: %v", err)
		}
		if _, _, err := mint(self, "x", 0, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.bj.ID}); code(err) != shishi.EINVALID {
			t.Fatalf("unit outside reach: %v", err)
		}
		if _, _, err := mint(self, "x", 0, shishi.Grant{Role: shishi.RoleReviewer}); code(err) != shishi.EINVALID || shishi.ErrorFields(err)[0].Field != "grants[0].role" {
			t.Fatalf("role not held, no unit: %v", err)
		}
		if _, _, err := w.db.MintToken(self, ha.ID, shishi.TokenInput{Name: "x", Scope: sqlstore.ScopeGrants}); code(err) != shishi.EINVALID {
			t.Fatalf("grants scope without grants: %v", err)
		}
		if after, _, _ := w.db.FindTokens(self, ha.ID, shishi.Page{}); len(after) != len(before) {
			t.Fatalf("refused tokens stored: %d → %d", len(before), len(after))
		}
		// A grant without a unit takes the user's own grant of the role.
		if _, own, err := mint(self, "own", 0, shishi.Grant{Role: shishi.RoleOffice}); err != nil || len(own.Grants) != 1 || own.Grants[0].UnitID != w.ha.ID {
			t.Fatalf("own grant: %+v %v", own, err)
		}

		keep, _, err := mint(self, "keep", 0, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.zz.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Expired: refused.
		short, _, err := mint(self, "short", time.Hour, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.zz.ID})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		if _, _, err := w.db.TokenActor(context.Background(), short); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("expired token: %v", err)
		}
		// Revoked: refused, and the revocation is audited.
		long, lt, err := mint(self, "long", 0, shishi.Grant{Role: shishi.RoleOperator, UnitID: w.zz.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.RevokeToken(self, lt.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.db.TokenActor(context.Background(), long); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		// An administrator elsewhere (Beijing) cannot revoke the token; the
		// ministry's can.
		bjAdmin, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "bj-admin", Name: "bj", UnitID: w.bj.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleAdmin}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.RevokeToken(w.as(t, bjAdmin), tk.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("admin elsewhere revokes: %v", err)
		}
		if err := w.db.RevokeToken(w.as(t, w.admin), tk.ID); err != nil {
			t.Fatalf("ministry admin revokes: %v", err)
		}
		// Every create and revoke is in the audit log, the grants with it.
		for _, x := range []struct {
			action string
			id     int64
			want   string
		}{{"token.create", tk.ID, `"operator@` + strconv.FormatInt(w.zz.ID, 10) + `"`}, {"token.revoke", lt.ID, ""}, {"token.revoke", tk.ID, ""}} {
			es, _, err := w.db.FindAudit(w.sys, shishi.AuditFilter{Action: x.action, Entity: "token", EntityID: strconv.FormatInt(x.id, 10), Limit: 10})
			if err != nil || len(es) != 1 || !strings.Contains(es[0].Detail, x.want) {
				t.Fatalf("audit %s of token %d: %+v %v", x.action, x.id, es, err)
			}
		}
		if _, _, err := w.db.TokenActor(context.Background(), plain); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("token revoked by the admin: %v", err)
		}
		// The user loses the operator role: the token reaches nothing more.
		g := []shishi.Grant{{Role: shishi.RoleOffice}}
		if _, err := w.db.UpdateUser(w.sys, ha.ID, 0, shishi.UserPatch{Grants: &g}); err != nil {
			t.Fatal(err)
		}
		tc = actor(keep)
		if a := shishi.ActorFrom(tc); len(a.Grants) != 0 {
			t.Fatalf("token keeps a lost role: %+v", a.Grants)
		}
		if items, _, err := w.db.FindItems(tc, shishi.ItemFilter{CampaignID: c.ID}); err != nil || len(items) != 0 {
			t.Fatalf("token of a user without the role reads %d items: %v", len(items), err)
		}
	})
}
