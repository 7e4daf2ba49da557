// Command shishi is the one binary of Shishi (实事): the server with its
// embedded SQLite and the operator's commands. See CONTRACTS.md for the
// forms other tools rely on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
)

const usage = `shishi — 实事：“我为群众办实事”实践活动管理平台

Usage:
  shishi serve [--addr HOST:PORT] [--data DIR | --db URL] [--demo] [--public-url URL] [--tls-cert FILE --tls-key FILE]
               [--job-workers N] [--job-lease DURATION] [--webhook-allow-private]
               [--smtp-url URL --mail-from ADDRESS]
  shishi migrate [--data DIR | --db URL]
  shishi unit add [--data DIR | --db URL] --code CODE --name NAME --kind KIND [--parent CODE] [--name-en NAME]
  shishi user add [--data DIR | --db URL] --login LOGIN --name NAME --unit CODE --role ROLE[,ROLE] [--password-stdin]
  shishi token create [--data DIR | --db URL] --user LOGIN [--name NAME] [--scope open311] [--days N] [--grant ROLE@UNITCODE]...
  shishi audit verify [--data DIR | --db URL] [--checkpoint SEQ:HASH]
  shishi import items [--data DIR | --db URL] --campaign ID FILE.xlsx
  shishi export ledger [--data DIR | --db URL] --campaign ID FILE.xlsx
  shishi backup [--data DIR | --db URL] FILE
  shishi restore --data DIR [--db URL] FILE
  shishi rekey [--data DIR | --db URL]
  shishi credentials issue [--data DIR | --db URL] --type CODE [--generic] FILE.xlsx|FILE.csv
  shishi credentials verify [--data DIR | --db URL] FILE.json
  shishi workday add [--calendar FILE] DATE N
  shishi workday between [--calendar FILE] A B
  shishi jobs probe [--data DIR | --db URL] [--count N] [--sleep-ms MS]
  shishi gen [--data DIR | --db URL] [--scale S] [--credential-scale S] [--users]
  shishi probe --data DIR [--iters N]
  shishi version

Environment: SHISHI_ADDR, SHISHI_DATA, SHISHI_DB, SHISHI_PUBLIC_URL, SHISHI_MASTER_KEYS,
SHISHI_JOB_WORKERS, SHISHI_JOB_LEASE, SHISHI_WEBHOOK_ALLOW_PRIVATE, SHISHI_SMTP_URL,
SHISHI_MAIL_FROM, SHISHI_CPUPROFILE (serve: write a CPU profile to this file until it stops).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the exit status: 0 ok, 1 failure,
// 2 usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "user" || cmd == "token" || cmd == "audit" || cmd == "unit" || cmd == "import" || cmd == "export" || cmd == "workday" || cmd == "credentials" || cmd == "jobs") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, stdout)
	case "migrate":
		err = migrate(ctx, rest, stdout)
	case "unit add":
		err = unitAdd(ctx, rest, stdout)
	case "user add":
		err = userAdd(ctx, rest, stdin, stdout)
	case "token create":
		err = tokenCreate(ctx, rest, stdout)
	case "audit verify":
		err = auditVerify(ctx, rest, stdout)
	case "import items":
		err = importItems(ctx, rest, stdout)
	case "export ledger":
		err = exportLedger(ctx, rest, stdout)
	case "backup":
		err = backup(ctx, rest, stdout)
	case "restore":
		err = restore(ctx, rest, stdout)
	case "rekey":
		err = rekey(ctx, rest, stdout)
	case "credentials issue":
		err = credentialsIssue(ctx, rest, stdout)
	case "credentials verify":
		err = credentialsVerify(ctx, rest, stdout)
	case "workday add":
		err = workdayAdd(ctx, rest, stdout)
	case "jobs probe":
		err = jobsProbe(ctx, rest, stdout)
	case "gen":
		err = genData(ctx, rest, stdout)
	case "probe":
		err = probe(ctx, rest, stdout)
	case "workday between":
		err = workdayBetween(ctx, rest, stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "shishi", shishi.Version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "shishi: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "shishi %s: %s\n", cmd, ue.msg)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "shishi %s: %s\n", cmd, describe(err))
		for _, f := range shishi.ErrorFields(err) {
			if f.Row > 0 {
				fmt.Fprintf(stderr, "  第 %d 行 row %d, %s: %s\n", f.Row, f.Row, f.Field, f.Message)
			} else {
				fmt.Fprintf(stderr, "  %s: %s\n", f.Field, f.Message)
			}
		}
		return 1
	}
}

type usageError struct{ msg string }

type appConfig = app.Config

func (e usageError) Error() string { return e.msg }

func describe(err error) string {
	if c := shishi.ErrorCode(err); c != shishi.EINTERNAL {
		return shishi.ErrorMessage(err)
	}
	return err.Error()
}

// storeFlags are the --data / --db pair every command takes.
func storeFlags(fs *flag.FlagSet, c *app.Config) {
	fs.StringVar(&c.Data, "data", "", "data directory (default ./shishi-data; env SHISHI_DATA)")
	fs.StringVar(&c.DB, "db", "", "PostgreSQL URL instead of SQLite (env SHISHI_DB); keys stay in --data")
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
