// Command certs prepares the bulk issuance benchmark: a data directory
// with 教育部教育考试院 as issuer and the demo's CET-4 score report type,
// and a deterministic .xlsx of n score reports (the demo's rows, so every
// run signs the same content). It prints the commands to time.
//
//	go run ./bench/certs -dir /tmp/cert-bench -rows 100000
//
// scripts/bench-credentials.sh runs it and then times both routes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/demo"
	"github.com/shishi-edu/shishi/internal/app"
	"github.com/shishi-edu/shishi/xlsx"
)

func main() {
	dir := flag.String("dir", "", "working directory (data directories and the sheet go here)")
	rows := flag.Int("rows", 100000, "rows of the sheet")
	flag.Parse()
	if *dir == "" || *rows < 1 {
		flag.Usage()
		os.Exit(2)
	}
	sheet, dataDirs, err := prepare(context.Background(), *dir, *rows, "specialised", "generic")
	if err != nil {
		fmt.Fprintln(os.Stderr, "certs:", err)
		os.Exit(1)
	}
	fmt.Printf("sheet: %s (%d rows)\n", sheet, *rows)
	fmt.Printf("/usr/bin/time -v shishi credentials issue --data %s --type cet4 %s\n", dataDirs[0], sheet)
	fmt.Printf("/usr/bin/time -v shishi credentials issue --data %s --type cet4 --generic %s\n", dataDirs[1], sheet)
}

// prepare writes the sheet and sets up one fresh data directory per name.
func prepare(ctx context.Context, dir string, rows int, names ...string) (string, []string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	sheet := filepath.Join(dir, fmt.Sprintf("cet4-%d.xlsx", rows))
	if err := writeSheet(sheet, rows); err != nil {
		return "", nil, err
	}
	var dirs []string
	for _, n := range names {
		d := filepath.Join(dir, n)
		if err := os.RemoveAll(d); err != nil {
			return "", nil, err
		}
		if err := setup(ctx, d); err != nil {
			return "", nil, fmt.Errorf("%s: %w", d, err)
		}
		dirs = append(dirs, d)
	}
	return sheet, dirs, nil
}

func writeSheet(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := xlsx.WriteRows(f, demo.CETHeader, rows, demo.CETRow); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// setup makes the issuer and the cet4 type in a new data directory.
func setup(ctx context.Context, data string) error {
	m, err := app.Open(ctx, app.Config{Data: data, PublicURL: "http://127.0.0.1:8080"}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer m.Close()
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	u, err := m.Store.CreateUnit(sys, shishi.UnitInput{Code: "neea", Name: "教育部教育考试院", Kind: shishi.UnitAffiliate, CreditCode: "12100000400010253E"})
	if err != nil {
		return err
	}
	iss, err := m.Store.CreateIssuer(sys, u.ID, false)
	if err != nil {
		return err
	}
	_, err = m.Store.CreateType(sys, &shishi.CredentialType{IssuerID: iss.ID, Code: "cet4", Name: "全国大学英语四级考试成绩报告单",
		NameEn: "CET-4 score report", NumberCode: "CET4", Fields: demo.CETFields()})
	return err
}
