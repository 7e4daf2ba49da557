// Package demo builds the demo world from the figures of the two source
// documents in shared/seeds: the Ministry of Education with its departments,
// affiliated units and universities, the 31 provincial departments, and
// Henan down to schools; one account per role. It works through the domain
// service interfaces, so it seeds SQLite and PostgreSQL alike.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Account is a demo login with its generated password.
type Account struct {
	Login    string
	Password string
	Name     string
	Unit     string
	Roles    []shishi.Role
}

// accountSpec is who gets an account, where, holding what; grantAt, when
// set, is the unit the roles are held at (the ministry's campaign office
// sits in the General Office but runs the whole ministry's campaign).
type accountSpec struct {
	login, name, unit string
	roles             []shishi.Role
	grantAt           string
}

var accounts = []accountSpec{
	{"admin", "系统管理员", "moe", []shishi.Role{shishi.RoleAdmin}, ""},
	{"auditor", "安全审计员", "moe", []shishi.Role{shishi.RoleAuditor}, ""},
	{"office", "部活动办 王敏", "moe-bgt", []shishi.Role{shishi.RoleOffice}, "moe"},
	{"leader", "部领导 陈立", "moe", []shishi.Role{shishi.RoleLeader}, ""},
	{"operator", "基础教育司填报员 李娜", "moe-jcs", []shishi.Role{shishi.RoleOperator}, ""},
	{"supervisor", "督导局督查员 张强", "moe-ddj", []shishi.Role{shishi.RoleSupervisor}, "moe"},
	{"handler", "举报受理员 刘洋", "moe-ddj", []shishi.Role{shishi.RoleHandler}, "moe"},
	{"reviewer", "评审专家 赵磊", "nies", []shishi.Role{shishi.RoleReviewer}, ""},
	{"issuer", "考试中心签发员 孙静", "neea", []shishi.Role{shishi.RoleIssuer}, ""},
	{"henan", "河南省教育厅活动办 周华", "ha", []shishi.Role{shishi.RoleOffice, shishi.RoleOperator, shishi.RoleHandler}, ""},
	{"zhengzhou", "郑州市教育局填报员 吴婷", "ha-zz", []shishi.Role{shishi.RoleOperator, shishi.RoleHandler}, ""},
	{"pku", "北京大学填报员 郑洁", "pku", []shishi.Role{shishi.RoleOperator}, ""},
	// A member of supervision groups who holds no role: reads only what
	// the groups cover.
	{"inspector", "国家督学 何平", "bnu", nil, ""},
}

// Seed creates the demo world through svc as the system actor. It refuses
// a database that already holds units: the demo seeds an empty one only.
func Seed(ctx context.Context, units shishi.UnitService, users shishi.UserService, progress func(done, total int)) ([]Account, error) {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	if _, n, err := units.FindUnits(ctx, shishi.UnitFilter{Limit: 1}); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, shishi.Errorf(shishi.ECONFLICT, "数据库中已有单位，演示数据只写入空库 / the database is not empty; the demo seeds an empty one only")
	}
	world := World()
	total, done := count(world), 0
	ids := map[string]int64{}
	var add func(parent *int64, s UnitSpec) error
	add = func(parent *int64, s UnitSpec) error {
		u, err := units.CreateUnit(ctx, shishi.UnitInput{ParentID: parent, Code: s.Code, Name: s.Name, NameEN: s.NameEN, Kind: shishi.UnitKind(s.Kind)})
		if err != nil {
			return fmt.Errorf("demo unit %s: %w", s.Code, err)
		}
		ids[s.Code] = u.ID
		done++
		if progress != nil {
			progress(done, total)
		}
		for _, c := range s.Children {
			if err := add(&u.ID, c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(nil, world); err != nil {
		return nil, err
	}
	var out []Account
	for _, a := range accounts {
		unitID, ok := ids[a.unit]
		if !ok {
			return nil, fmt.Errorf("demo account %s: no unit %q", a.login, a.unit)
		}
		in := shishi.UserInput{Login: a.login, Name: a.name, UnitID: unitID, Password: Password(a.login)}
		at := unitID
		if a.grantAt != "" {
			if at, ok = ids[a.grantAt]; !ok {
				return nil, fmt.Errorf("demo account %s: no unit %q", a.login, a.grantAt)
			}
		}
		for _, r := range a.roles {
			in.Grants = append(in.Grants, shishi.Grant{Role: r, UnitID: at})
		}
		if _, err := users.CreateUser(ctx, in); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.login, err)
		}
		out = append(out, Account{Login: a.login, Password: in.Password, Name: a.name, Unit: a.unit, Roles: a.roles})
	}
	return out, nil
}

func count(s UnitSpec) int {
	n := 1
	for _, c := range s.Children {
		n += count(c)
	}
	return n
}

// Password makes a random password for login that meets the policy: easy
// to read aloud (no 0/O, 1/l), with upper and lower case, digits and a
// symbol, and never holding the login (a short login such as "pku" turned
// up in about one draw in a few thousand, and the account was refused).
func Password(login string) string {
	const lower, upper, digits = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
	pick := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			k, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
			if err != nil {
				panic(err)
			}
			b[i] = set[k.Int64()]
		}
		return string(b)
	}
	for {
		pw := pick(upper, 1) + pick(lower, 4) + "-" + pick(digits, 4) + "-" + pick(lower, 3) + pick(upper, 1)
		if login == "" || !strings.Contains(strings.ToLower(pw), strings.ToLower(login)) {
			return pw
		}
	}
}
