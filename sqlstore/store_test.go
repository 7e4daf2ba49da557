package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
)

// world is a small tree: 教育部 → 河南省教育厅 → 郑州市教育局 → 金水区; 河南 → 洛阳;
// 教育部 → 北京市教委; with an admin at the ministry, an admin in Henan, an
// operator in Zhengzhou and an auditor at the ministry.
type world struct {
	db                       *sqlstore.DB
	moe, ha, zz, js, ly, bj  *shishi.Unit
	admin, haAdmin, zzOp, au *shishi.User
	sys                      context.Context
}

const pw = "Correct-Horse-42"

func open(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	return openKeys(t, dsn, secret.NewKeyringText("k1"))
}

// openKeys opens and migrates dsn with the keyring text.
func openKeys(t testing.TB, dsn, keyring string) *sqlstore.DB {
	t.Helper()
	keys, err := secret.ParseKeyring(keyring)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func newWorld(t testing.TB, dsn string) *world {
	t.Helper()
	w := &world{db: open(t, dsn), sys: shishi.WithActor(context.Background(), shishi.SystemActor())}
	unit := func(parent *shishi.Unit, code, name string, kind shishi.UnitKind) *shishi.Unit {
		in := shishi.UnitInput{Code: code, Name: name, Kind: kind}
		if parent != nil {
			in.ParentID = &parent.ID
		}
		u, err := w.db.CreateUnit(w.sys, in)
		if err != nil {
			t.Fatalf("create unit %s: %v", code, err)
		}
		return u
	}
	w.moe = unit(nil, "moe", "教育部", shishi.UnitMinistry)
	w.ha = unit(w.moe, "ha", "河南省教育厅", shishi.UnitProvince)
	w.zz = unit(w.ha, "ha-zz", "郑州市教育局", shishi.UnitCity)
	w.js = unit(w.zz, "ha-zz-js", "郑州市金水区教育局", shishi.UnitCounty)
	w.ly = unit(w.ha, "ha-ly", "洛阳市教育局", shishi.UnitCity)
	w.bj = unit(w.moe, "bj", "北京市教育委员会", shishi.UnitProvince)
	user := func(login string, u *shishi.Unit, roles ...shishi.Role) *shishi.User {
		in := shishi.UserInput{Login: login, Name: login, UnitID: u.ID, Password: pw}
		for _, r := range roles {
			in.Grants = append(in.Grants, shishi.Grant{Role: r})
		}
		x, err := w.db.CreateUser(w.sys, in)
		if err != nil {
			t.Fatalf("create user %s: %v", login, err)
		}
		return x
	}
	w.admin = user("admin", w.moe, shishi.RoleAdmin)
	w.haAdmin = user("ha-admin", w.ha, shishi.RoleAdmin)
	w.zzOp = user("zz-op", w.zz, shishi.RoleOperator, shishi.RoleOffice)
	w.au = user("auditor", w.moe, shishi.RoleAuditor)
	return w
}

// as returns a context acting as u, as the server would build it.
func (w *world) as(t testing.TB, u *shishi.User) context.Context {
	t.Helper()
	a := &shishi.Actor{UserID: u.ID, Login: u.Login, UnitID: u.UnitID, Grants: u.Grants}
	return shishi.WithActor(context.Background(), a)
}

func code(err error) string { return shishi.ErrorCode(err) }

func TestUnitReach(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		zz := w.as(t, w.zzOp)
		// Own subtree is visible, everything else is not there.
		if _, err := w.db.FindUnit(zz, w.js.ID); err != nil {
			t.Fatalf("own subtree: %v", err)
		}
		for _, u := range []*shishi.Unit{w.bj, w.ha, w.ly, w.moe} {
			if _, err := w.db.FindUnit(zz, u.ID); code(err) != shishi.ENOTFOUND {
				t.Errorf("zz reads %s: err %v, want not_found", u.Code, err)
			}
		}
		list, total, err := w.db.FindUnits(zz, shishi.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 || list[0].ID != w.zz.ID || list[1].ID != w.js.ID {
			t.Fatalf("zz lists %d units (total %d), want zz and js", len(list), total)
		}
		// A search cannot reach across the fence either.
		if list, _, _ := w.db.FindUnits(zz, shishi.UnitFilter{Query: "北京"}); len(list) != 0 {
			t.Fatalf("search found %d units outside reach", len(list))
		}
		// An operator cannot change units, not even its own.
		name := "改名"
		if _, err := w.db.UpdateUnit(zz, w.zz.ID, 0, shishi.UnitPatch{Name: &name}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("operator rename: %v", err)
		}
		// The Henan admin manages Henan, not Beijing.
		ha := w.as(t, w.haAdmin)
		if _, err := w.db.UpdateUnit(ha, w.bj.ID, 0, shishi.UnitPatch{Name: &name}); code(err) != shishi.ENOTFOUND {
			t.Fatalf("ha admin renames bj: %v", err)
		}
		if _, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.bj.ID, Code: "bj-x", Name: "x", Kind: shishi.UnitSchool}); code(err) != shishi.EINVALID {
			t.Fatalf("ha admin creates under bj: %v", err)
		}
		u, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.js.ID, Code: "ha-zz-js-s1", Name: "纬五路第一小学", Kind: shishi.UnitSchool})
		if err != nil {
			t.Fatal(err)
		}
		if u.Depth != 4 || u.Path != w.js.Path+strconv.FormatInt(u.ID, 10)+"/" {
			t.Fatalf("new unit path %q depth %d", u.Path, u.Depth)
		}
		// The zz operator now sees the new school.
		if _, err := w.db.FindUnit(zz, u.ID); err != nil {
			t.Fatalf("zz sees new school: %v", err)
		}
	})
}

func TestUnitMove(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ha := w.as(t, w.haAdmin)
		// Move 金水区 from 郑州 to 洛阳: its path and its subtree follow.
		school, err := w.db.CreateUnit(ha, shishi.UnitInput{ParentID: &w.js.ID, Code: "s1", Name: "学校", Kind: shishi.UnitSchool})
		if err != nil {
			t.Fatal(err)
		}
		moved, err := w.db.UpdateUnit(ha, w.js.ID, w.js.Version, shishi.UnitPatch{ParentID: &w.ly.ID})
		if err != nil {
			t.Fatal(err)
		}
		if *moved.ParentID != w.ly.ID || !strings.HasPrefix(moved.Path, w.ly.Path) || moved.Version != w.js.Version+1 {
			t.Fatalf("moved: %+v", moved)
		}
		s, _ := w.db.FindUnit(w.sys, school.ID)
		if s.Path != moved.Path+strconv.FormatInt(s.ID, 10)+"/" || s.Depth != moved.Depth+1 {
			t.Fatalf("school after move: path %q depth %d", s.Path, s.Depth)
		}
		// The zz operator no longer reaches it; history says what happened.
		if _, err := w.db.FindUnit(w.as(t, w.zzOp), w.js.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("zz still reaches moved unit: %v", err)
		}
		h, _, err := w.db.UnitHistory(ha, w.js.ID, shishi.Page{})
		if err != nil || len(h) != 1 || h[0].Field != "parent" || !strings.HasPrefix(h[0].Before, "郑州市教育局 #") || !strings.HasPrefix(h[0].After, "洛阳市教育局 #") {
			t.Fatalf("history %+v %v", h, err)
		}
		// A stale version is refused; a move under its own subtree too.
		if _, err := w.db.UpdateUnit(ha, w.js.ID, w.js.Version, shishi.UnitPatch{ParentID: &w.zz.ID}); code(err) != shishi.EPRECONDITION {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := w.db.UpdateUnit(ha, w.js.ID, 0, shishi.UnitPatch{ParentID: &school.ID}); code(err) != shishi.EINVALID {
			t.Fatalf("move under own child: %v", err)
		}
		if _, err := w.db.UpdateUnit(ha, w.js.ID, 0, shishi.UnitPatch{ParentID: &w.bj.ID}); code(err) != shishi.EINVALID {
			t.Fatalf("move out of reach: %v", err)
		}
	})
}

func TestUnitBadInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		_, before, _ := w.db.FindUnits(w.sys, shishi.UnitFilter{})
		cases := []struct {
			in    shishi.UnitInput
			field string
		}{
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "x1", Name: "  ", Kind: shishi.UnitCity}, "name"},
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "X 1", Name: "甲", Kind: shishi.UnitCity}, "code"},
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "x2", Name: "甲", Kind: "planet"}, "kind"},
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "x3", Name: "甲\x00", Kind: shishi.UnitCity}, "name"},
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "x4", Name: "甲", Kind: shishi.UnitCity, CreditCode: "11100000MB0143256X"}, "credit_code"},
			{shishi.UnitInput{ParentID: &w.ha.ID, Code: "ha-zz", Name: "重复", Kind: shishi.UnitCity}, "code"},
			{shishi.UnitInput{Code: "root2", Name: "无上级", Kind: shishi.UnitCity}, "parent_id"},
		}
		ctx := w.as(t, w.admin)
		for _, c := range cases {
			_, err := w.db.CreateUnit(ctx, c.in)
			f := shishi.ErrorFields(err)
			if code(err) != shishi.EINVALID || len(f) == 0 || f[0].Field != c.field {
				t.Errorf("%+v: err %v, want invalid %s", c.in, err, c.field)
			}
		}
		_, after, _ := w.db.FindUnits(w.sys, shishi.UnitFilter{})
		if after != before {
			t.Fatalf("bad input stored units: %d → %d", before, after)
		}
		// A valid credit code (GB 32100 check character) is accepted.
		if _, err := w.db.CreateUnit(ctx, shishi.UnitInput{ParentID: &w.ha.ID, Code: "x5", Name: "甲", Kind: shishi.UnitCity, CreditCode: "91350100M000100Y43"}); err != nil {
			t.Fatalf("valid credit code refused: %v", err)
		}
	})
}

func TestUsersAndSeparation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ha := w.as(t, w.haAdmin)
		// The Henan admin sees Henan's users and itself, not the ministry's.
		list, _, err := w.db.FindUsers(ha, shishi.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var logins []string
		for _, u := range list {
			logins = append(logins, u.Login)
		}
		if strings.Join(logins, ",") != "ha-admin,zz-op" {
			t.Fatalf("ha admin sees %v", logins)
		}
		if _, err := w.db.FindUser(ha, w.admin.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("ha admin reads ministry admin: %v", err)
		}
		// 三员分立: one account cannot be both admin and auditor.
		_, err = w.db.CreateUser(w.sys, shishi.UserInput{Login: "both", Name: "both", UnitID: w.moe.ID, Password: pw,
			Grants: []shishi.Grant{{Role: shishi.RoleAdmin}, {Role: shishi.RoleAuditor}}})
		if code(err) != shishi.EINVALID {
			t.Fatalf("admin+auditor: %v", err)
		}
		// No one changes their own roles.
		g := []shishi.Grant{{Role: shishi.RoleAdmin, UnitID: w.moe.ID}}
		if _, err := w.db.UpdateUser(ha, w.haAdmin.ID, 0, shishi.UserPatch{Grants: &g}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("self-promotion: %v", err)
		}
		// Granting beyond one's reach is refused.
		if _, err := w.db.UpdateUser(ha, w.zzOp.ID, 0, shishi.UserPatch{Grants: &g}); code(err) != shishi.EINVALID {
			t.Fatalf("grant outside reach: %v", err)
		}
		// Weak password and bad login are refused with their fields.
		_, err = w.db.CreateUser(ha, shishi.UserInput{Login: "A B", Name: "x", UnitID: w.zz.ID, Password: "short"})
		fields := map[string]bool{}
		for _, f := range shishi.ErrorFields(err) {
			fields[f.Field] = true
		}
		if !fields["login"] || !fields["password"] {
			t.Fatalf("bad user input: %v %v", err, fields)
		}
		// Only the auditor reads the audit log; the admin cannot.
		if _, _, err := w.db.FindAudit(w.as(t, w.admin), shishi.AuditFilter{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("admin reads audit: %v", err)
		}
		entries, total, err := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Entity: "unit"})
		if err != nil || total != 6 || len(entries) != 6 || entries[0].Action != "unit.create" {
			t.Fatalf("auditor reads: %d entries (total %d) %v", len(entries), total, err)
		}
	})
}

func TestLoginLockout(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		now := time.Now().UTC()
		w.db.Now = func() time.Time { return now }
		for i := 0; i < shishi.MaxFailedLogins; i++ {
			if _, err := w.db.CheckPassword(ctx, "zz-op", "wrong-password"); code(err) != shishi.EUNAUTHORIZED {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Locked: even the right password is refused, with the lock's reason.
		if _, err := w.db.CheckPassword(ctx, "zz-op", pw); code(err) != shishi.ETOOMANY {
			t.Fatalf("while locked: %v", err)
		}
		// An unknown login answers exactly like a wrong password.
		_, e1 := w.db.CheckPassword(ctx, "nobody", pw)
		_, e2 := w.db.CheckPassword(ctx, "admin", "nope-nope-nope")
		if shishi.ErrorMessage(e1) != shishi.ErrorMessage(e2) {
			t.Fatalf("enumeration: %q vs %q", shishi.ErrorMessage(e1), shishi.ErrorMessage(e2))
		}
		now = now.Add(shishi.LockoutDuration + time.Second)
		res, err := w.db.CheckPassword(ctx, "zz-op", pw)
		if err != nil || res.User.ID != w.zzOp.ID || res.NeedTOTP || res.MustEnrol {
			t.Fatalf("after lock-out: %+v %v", res, err)
		}
		// A disabled account cannot sign in and loses its sessions.
		tok, err := w.db.CreateSession(ctx, w.zzOp.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		dis := true
		if _, err := w.db.UpdateUser(w.as(t, w.admin), w.zzOp.ID, 0, shishi.UserPatch{Disabled: &dis}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.db.SessionActor(ctx, tok); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("session of disabled user: %v", err)
		}
		if _, err := w.db.CheckPassword(ctx, "zz-op", pw); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("disabled login: %v", err)
		}
	})
}

func TestSessionsAndTOTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		now := time.Now().UTC()
		w.db.Now = func() time.Time { return now }
		// An admin without TOTP is in grace at first, then must enrol.
		res, err := w.db.CheckPassword(ctx, "admin", pw)
		if err != nil || res.MustEnrol || res.EnrolBy == nil {
			t.Fatalf("admin in grace: %+v %v", res, err)
		}
		now = now.Add(shishi.TOTPGracePeriod + time.Hour)
		if res, _ = w.db.CheckPassword(ctx, "admin", pw); !res.MustEnrol {
			t.Fatalf("admin after grace: %+v", res)
		}
		tok, err := w.db.CreateSession(ctx, w.admin.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := w.db.SessionActor(ctx, tok)
		if err != nil || a.UserID != w.admin.ID || !a.Has(shishi.RoleAdmin) {
			t.Fatalf("session actor %+v %v", a, err)
		}
		actx := shishi.WithActor(ctx, a)
		url, err := w.db.TOTPSetup(actx)
		if err != nil || !strings.HasPrefix(url, "otpauth://totp/") {
			t.Fatalf("setup %q %v", url, err)
		}
		sec := url[strings.Index(url, "secret=")+7:]
		sec = sec[:strings.IndexByte(sec+"&", '&')]
		if err := w.db.TOTPEnable(actx, "000000"); code(err) != shishi.EINVALID {
			t.Fatalf("enable with wrong code: %v", err)
		}
		if err := w.db.TOTPEnable(actx, secret.TOTPCode(sec, now)); err != nil {
			t.Fatal(err)
		}
		if res, _ = w.db.CheckPassword(ctx, "admin", pw); !res.NeedTOTP || res.MustEnrol {
			t.Fatalf("after enrolment: %+v", res)
		}
		// The enrolment code's step is used; the next step's code works once.
		now = now.Add(30 * time.Second)
		c := secret.TOTPCode(sec, now)
		if err := w.db.CheckTOTP(ctx, w.admin.ID, c); err != nil {
			t.Fatalf("totp: %v", err)
		}
		if err := w.db.CheckTOTP(ctx, w.admin.ID, c); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("totp replay: %v", err)
		}
		// Idle sessions end.
		now = now.Add(shishi.SessionIdle + time.Minute)
		if _, _, err := w.db.SessionActor(ctx, tok); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("idle session: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		plain, tk, err := w.db.CreateToken(w.sys, w.zzOp.ID, "cli", sqlstore.ScopeAll, 0)
		if err != nil || !strings.HasPrefix(plain, sqlstore.TokenPrefix) {
			t.Fatalf("create token %q %v", plain, err)
		}
		a, _, err := w.db.TokenActor(context.Background(), plain)
		if err != nil || a.UserID != w.zzOp.ID || a.TokenID != tk.ID || a.Login != "zz-op" || a.UnitID != w.zz.ID || len(a.Grants) != 2 {
			t.Fatalf("token actor %+v %v", a, err)
		}
		// A disabled user's token stops working, and works again with the user.
		for _, off := range []bool{true, false} {
			if _, err := w.db.SQL().Exec(`UPDATE users SET disabled = $1 WHERE id = $2`, off, w.zzOp.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.db.TokenActor(context.Background(), plain); (code(err) == shishi.EUNAUTHORIZED) != off {
				t.Fatalf("token of a user disabled=%v: %v", off, err)
			}
		}
		// The zz operator cannot make tokens for someone else.
		if _, _, err := w.db.CreateToken(w.as(t, w.zzOp), w.admin.ID, "x", "", 0); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("token for another user: %v", err)
		}
		if err := w.db.RevokeToken(w.as(t, w.zzOp), tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.db.TokenActor(context.Background(), plain); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		if _, _, err := w.db.TokenActor(context.Background(), plain+"x"); code(err) != shishi.EUNAUTHORIZED {
			t.Fatalf("bad token: %v", err)
		}
	})
}

// TestReviewFixes covers the holes a security review found in the first
// cut: tokens minted for others, admins managing wider accounts, the
// auditor role in an admin's hands, separation across reach, moves between
// same-named parents.
func TestReviewFixes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ha := w.as(t, w.haAdmin)
		// A ministry admin whose home unit is in Zhengzhou: the Henan admin
		// sees the account but must not act as it or reset it.
		wide, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "wide", Name: "wide", UnitID: w.zz.ID, Password: pw,
			Grants: []shishi.Grant{{Role: shishi.RoleAdmin, UnitID: w.moe.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.db.CreateToken(ha, wide.ID, "x", "", time.Hour); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("admin mints a token for another user: %v", err)
		}
		newPW := "Another-Pass-77"
		if _, err := w.db.UpdateUser(ha, wide.ID, 0, shishi.UserPatch{Password: &newPW}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("admin resets a wider account: %v", err)
		}
		// No admin hands out the auditor role, not even to a plain user.
		g := []shishi.Grant{{Role: shishi.RoleAuditor}}
		if _, err := w.db.UpdateUser(ha, w.zzOp.ID, 0, shishi.UserPatch{Grants: &g}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("admin grants auditor: %v", err)
		}
		if _, err := w.db.CreateUser(ha, shishi.UserInput{Login: "aud2", Name: "x", UnitID: w.zz.ID, Password: pw, Grants: g}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("admin creates an auditor: %v", err)
		}
		// Separation holds over the whole set of grants, in reach or not.
		bjAdmin, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "split", Name: "split", UnitID: w.zz.ID, Password: pw,
			Grants: []shishi.Grant{{Role: shishi.RoleAdmin, UnitID: w.bj.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		g = []shishi.Grant{{Role: shishi.RoleAuditor, UnitID: w.zz.ID}}
		if _, err := w.db.UpdateUser(w.sys, bjAdmin.ID, 0, shishi.UserPatch{Grants: &g}); err != nil {
			t.Fatalf("console replaces grants: %v", err)
		}
		g = []shishi.Grant{{Role: shishi.RoleAdmin, UnitID: w.bj.ID}, {Role: shishi.RoleAuditor, UnitID: w.zz.ID}}
		if _, err := w.db.UpdateUser(w.sys, bjAdmin.ID, 0, shishi.UserPatch{Grants: &g}); code(err) != shishi.EINVALID {
			t.Fatalf("admin and auditor on one account: %v", err)
		}
		// An Open311 token cannot make a full token.
		plain, _, err := w.db.CreateToken(w.sys, w.zzOp.ID, "open311", sqlstore.ScopeOpen311, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := w.db.TokenActor(context.Background(), plain)
		if err != nil {
			t.Fatal(err)
		}
		tctx := shishi.WithActor(context.Background(), a)
		if _, _, err := w.db.CreateToken(tctx, w.zzOp.ID, "wider", sqlstore.ScopeAll, 0); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("open311 token mints a full token: %v", err)
		}
		// A token's child lives no longer than the token.
		if _, child, err := w.db.CreateToken(tctx, w.zzOp.ID, "same", sqlstore.ScopeOpen311, 48*time.Hour); err != nil || child.ExpiresAt.After(*a.TokenExpires) {
			t.Fatalf("child token: %+v %v", child, err)
		}
		// Moving a unit between two parents of the same name is recorded.
		p1, _ := w.db.CreateUnit(w.sys, shishi.UnitInput{ParentID: &w.zz.ID, Code: "jwc1", Name: "教务处", Kind: shishi.UnitDepartment})
		p2, _ := w.db.CreateUnit(w.sys, shishi.UnitInput{ParentID: &w.ly.ID, Code: "jwc2", Name: "教务处", Kind: shishi.UnitDepartment})
		c, _ := w.db.CreateUnit(w.sys, shishi.UnitInput{ParentID: &p1.ID, Code: "jwc-c", Name: "科", Kind: shishi.UnitDepartment})
		moved, err := w.db.UpdateUnit(ha, c.ID, 0, shishi.UnitPatch{ParentID: &p2.ID})
		if err != nil || moved.Version != c.Version+1 || !strings.HasPrefix(moved.Path, p2.Path) {
			t.Fatalf("same-name move: %+v %v", moved, err)
		}
		if h, _, _ := w.db.UnitHistory(ha, c.ID, shishi.Page{}); len(h) != 1 || h[0].Field != "parent" {
			t.Fatalf("same-name move history: %+v", h)
		}
	})
}

// TestLoginBurst: concurrent guesses get no more password checks than the
// lock-out allows, and second-factor codes count towards it too.
func TestLoginBurst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		const n = 16
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() { _, err := w.db.CheckPassword(ctx, "zz-op", "Wrong-guess-99"); errs <- err }()
		}
		checked := 0
		for i := 0; i < n; i++ {
			switch c := code(<-errs); c {
			case shishi.EUNAUTHORIZED:
				checked++
			case shishi.ETOOMANY:
			default:
				t.Fatalf("burst answer %s", c)
			}
		}
		if checked > shishi.MaxFailedLogins {
			t.Fatalf("%d guesses checked, limit %d", checked, shishi.MaxFailedLogins)
		}
		if _, err := w.db.CheckPassword(ctx, "zz-op", pw); code(err) != shishi.ETOOMANY {
			t.Fatalf("right password after the burst: %v", err)
		}
		// Wrong second-factor codes lock as well.
		for i := 0; i < shishi.MaxFailedLogins; i++ {
			_ = w.db.CheckTOTP(ctx, w.admin.ID, "000000")
		}
		if err := w.db.CheckTOTP(ctx, w.admin.ID, "000000"); code(err) != shishi.ETOOMANY {
			t.Fatalf("sixth wrong code: %v", err)
		}
	})
}
