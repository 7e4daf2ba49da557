package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/demo"
	"github.com/shishi-edu/shishi/internal/app"
)

// The console acts as the system actor: whoever runs these commands
// already holds the data directory and its keys.
func openAsSystem(ctx context.Context, c app.Config, stdout io.Writer) (*app.Main, context.Context, error) {
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return nil, nil, err
	}
	return m, shishi.WithActor(ctx, &shishi.Actor{Login: "system", Name: "console", IP: "console"}), nil
}

func unitByCode(ctx context.Context, m *app.Main, code string) (*shishi.Unit, error) {
	if id, err := strconv.ParseInt(code, 10, 64); err == nil {
		return m.Store.FindUnit(ctx, id)
	}
	us, _, err := m.Store.FindUnits(ctx, shishi.UnitFilter{Code: code, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "没有代码为 %q 的单位 / no unit with code %q", code, code)
	}
	return us[0], nil
}

func unitAdd(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	var in shishi.UnitInput
	var parent, kind string
	fs := flag.NewFlagSet("unit add", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&in.Code, "code", "", "unit code")
	fs.StringVar(&in.Name, "name", "", "name in Chinese")
	fs.StringVar(&in.NameEN, "name-en", "", "name in English")
	fs.StringVar(&kind, "kind", "", "ministry, department, affiliate, province, city, county, university, school")
	fs.StringVar(&parent, "parent", "", "parent unit code or id (none for a root unit)")
	if err := parse(fs, args); err != nil {
		return err
	}
	in.Kind = shishi.UnitKind(kind)
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	if parent != "" {
		p, err := unitByCode(ctx, m, parent)
		if err != nil {
			return err
		}
		in.ParentID = &p.ID
	}
	u, err := m.Store.CreateUnit(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "unit %d created: %s (%s)\n", u.ID, u.Name, u.Code)
	return nil
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var c app.Config
	var in shishi.UserInput
	var unit, roles string
	var fromStdin bool
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&in.Login, "login", "", "login name")
	fs.StringVar(&in.Name, "name", "", "person's name")
	fs.StringVar(&in.Email, "email", "", "e-mail address")
	fs.StringVar(&unit, "unit", "", "unit code or id")
	fs.StringVar(&roles, "role", "", "roles, comma-separated: admin, auditor, office, leader, operator, supervisor, handler, reviewer, issuer")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input (otherwise one is generated and printed)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if unit == "" {
		return usageError{"--unit is required"}
	}
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			in.Grants = append(in.Grants, shishi.Grant{Role: shishi.Role(r)})
		}
	}
	generated := false
	if fromStdin {
		p, err := app.ReadLine(stdin)
		if err != nil {
			return fmt.Errorf("reading password: %w", err)
		}
		in.Password = p
	} else {
		in.Password, generated = demo.Password(in.Login), true
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	u, err := unitByCode(ctx, m, unit)
	if err != nil {
		return err
	}
	in.UnitID = u.ID
	x, err := m.Store.CreateUser(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %d created: %s (%s) at %s\n", x.ID, x.Login, x.Name, u.Name)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", in.Password)
	}
	return nil
}

func tokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	var login, name, scope string
	var days int
	var grants grantFlags
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&login, "user", "", "the user the token acts as")
	fs.StringVar(&name, "name", "", "a name to recognise the token by (default cli-DATE)")
	fs.StringVar(&scope, "scope", "", `"" for all of the user's roles, "open311" for the complaint API only`)
	fs.IntVar(&days, "days", 365, "lifetime in days")
	fs.Var(&grants, "grant", "ROLE@UNITCODE: limit the token to this role over this unit's subtree (repeatable; inside the user's grants)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if login == "" {
		return usageError{"--user is required"}
	}
	if days < 1 || days > 5*365 {
		return usageError{"--days must be 1–1825"}
	}
	if name == "" {
		name = "cli-" + time.Now().Format("20060102-150405")
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	u, err := m.Store.FindUserByLogin(ctx, login)
	if err != nil {
		return err
	}
	in := shishi.TokenInput{Name: name, Scope: scope, TTL: time.Duration(days) * 24 * time.Hour}
	for i, g := range grants {
		role, code, _ := shishi.ParseGrant("grant", g) // checked by Set
		us, _, err := m.Store.FindUnits(ctx, shishi.UnitFilter{Code: code, Limit: 1})
		if err != nil {
			return err
		}
		if len(us) != 1 {
			return usageError{fmt.Sprintf("--grant %d: no unit with code %q", i+1, code)}
		}
		in.Grants = append(in.Grants, shishi.Grant{Role: role, UnitID: us[0].ID})
	}
	plain, t, err := m.Store.MintToken(ctx, u.ID, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %d for %s (%s), expires %s; shown once:\n", t.ID, u.Login, t.Name, t.ExpiresAt.Format("2006-01-02"))
	fmt.Fprintln(stdout, plain)
	return nil
}

// grantFlags collects repeated --grant ROLE@UNITCODE values, each checked
// as it is given.
type grantFlags []string

func (g *grantFlags) String() string { return strings.Join(*g, ",") }

func (g *grantFlags) Set(s string) error {
	if _, _, err := shishi.ParseGrant("grant", s); err != nil {
		return err
	}
	*g = append(*g, s)
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	var checkpoint string
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&checkpoint, "checkpoint", "", "SEQ:HASH printed by an earlier verify (or logged by the server): fails if the log no longer holds it")
	if err := parse(fs, args); err != nil {
		return err
	}
	var cpSeq int64
	var cpHash string
	if checkpoint != "" {
		s, h, ok := strings.Cut(checkpoint, ":")
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil || n <= 0 || len(h) != 64 {
			return usageError{"--checkpoint wants SEQ:HASH (64 hex digits)"}
		}
		cpSeq, cpHash = n, h
	}
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	b, n, err := m.Store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if b != nil {
		return fmt.Errorf("audit log BROKEN at entry %d: %s (%d entries read)", b.Seq, b.Reason, n)
	}
	if cpSeq > 0 {
		if err := m.Store.CheckAuditCheckpoint(ctx, cpSeq, cpHash); err != nil {
			return fmt.Errorf("audit log BROKEN at entry %d: %s", cpSeq, shishi.ErrorMessage(err))
		}
	}
	seq, hash, err := m.Store.AuditHead(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries verified\n", n)
	fmt.Fprintf(stdout, "checkpoint (keep it outside this machine; verify --checkpoint shows a cut): %d:%s\n", seq, hash)
	return nil
}

// rekey is "shishi rekey [--data DIR | --db URL]": after a new master key
// is put first in master.keys (or SHISHI_MASTER_KEYS), it re-seals every
// reporter identity and TOTP secret under it; the old key can be retired
// once this has run (keep the oldest key: it signs the audit chain).
func rekey(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("rekey", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.Store.Rekey(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已用当前密钥重新加密 %d 项 / re-sealed %d values with the current key\n", n, n)
	return nil
}
