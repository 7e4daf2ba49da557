package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/xlsx"
)

// credentialsIssue: shishi credentials issue --type CODE FILE (.xlsx or
// .csv). The file streams through; a progress bar counts rows signed.
// Any bad row issues nothing, and every bad row is listed.
func credentialsIssue(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	var typ string
	var generic bool
	fs := flag.NewFlagSet("credentials issue", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&typ, "type", "", "credential type code")
	fs.StringVar(&c.PublicURL, "public-url", "", "public base URL (env SHISHI_PUBLIC_URL)")
	fs.BoolVar(&generic, "generic", false, "sign by json-gold's generic canonicalization (the same credentials, slower: the benchmark's baseline)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if typ == "" || fs.NArg() != 1 {
		return usageError{"--type CODE and exactly one FILE (.xlsx or .csv) are required"}
	}
	file := fs.Arg(0)
	// The bar's end: counted cheaply from the raw sheet (a hint), or else
	// by a first pass over the rows.
	total, err := xlsx.EstimateRows(file)
	if err != nil {
		if total, err = countRows(file); err != nil {
			return err
		}
	}
	rows, err := openRows(file)
	if err != nil {
		return err
	}
	defer rows.Close()
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	m.Store.GenericCanonical = generic
	update, done := app.Progress(stdout, "签发 issuing")
	n, err := m.Store.IssueBulk(ctx, typ, rows, func(d int) { update(min(d, total), total) })
	if err == nil {
		update(n, n) // the estimate may have counted blank rows
	}
	done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d credentials of type %s issued\n", n, typ)
	return nil
}

// openRows opens a table file; closing the rows closes the file.
func openRows(file string) (*fileRows, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	rows, err := xlsx.OpenRows(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileRows{Rows: rows, f: f}, nil
}

type fileRows struct {
	*xlsx.Rows
	f *os.File
}

func (r *fileRows) Close() error { r.Rows.Close(); return r.f.Close() }

func countRows(file string) (int, error) {
	rows, err := openRows(file)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for {
		_, _, err := rows.Next()
		if err == io.EOF {
			return n, nil
		} else if err != nil {
			return 0, err
		}
		n++
	}
}

// credentialsVerify: shishi credentials verify FILE.json — proofs against
// the issuer's DID document here, status lists, validity. Exit status 1
// unless valid.
func credentialsVerify(ctx context.Context, args []string, stdout io.Writer) error {
	var c app.Config
	fs := flag.NewFlagSet("credentials verify", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"exactly one FILE.json is required"}
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	v, err := m.Store.VerifyCredential(ctx, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s  %s\n", v.Status, v.Status.Label(false))
	if v.Number != "" {
		fmt.Fprintf(stdout, "  number: %s\n  type:   %s\n  issuer: %s (%s)\n", v.Number, v.TypeName, v.Issuer, v.IssuerDID)
	}
	for _, p := range v.Proofs {
		mark := "ok"
		if !p.OK {
			mark = "FAILED: " + p.Error
		}
		fmt.Fprintf(stdout, "  proof %s %s: %s\n", p.Suite, p.Method, mark)
	}
	if v.Problem != "" {
		fmt.Fprintf(stdout, "  problem: %s\n", v.Problem)
	}
	if v.Status != shishi.CredentialValid {
		return shishi.Errorf(shishi.EINVALID, "凭证未通过核验 / the credential is %s", v.Status)
	}
	return nil
}
