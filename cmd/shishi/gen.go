package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shishi-edu/shishi/bench/gen"
	"github.com/shishi-edu/shishi/internal/app"
)

// genData fills an empty database with the national benchmark dataset.
func genData(ctx context.Context, args []string, stdout io.Writer) error {
	var c appConfig
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	storeFlags(fs, &c)
	scale := fs.Float64("scale", 0.01, "fraction of the national dataset (1 = 530,000 units, 1,000,000 items, 12,000,000 reports, 1,000,000 complaints, 10,000,000 credentials)")
	credScale := fs.Float64("credential-scale", 0, "scale of the credentials alone (default: --scale); each is signed and takes about 3 KB")
	users := fs.Bool("users", false, "also create the gen-* accounts, with the password read from stdin or SHISHI_GEN_PASSWORD")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments"}
	}
	if *scale <= 0 || *scale > 10 || *credScale < 0 || *credScale > 10 {
		return usageError{"--scale and --credential-scale must be above 0 and at most 10"}
	}
	var password string
	if *users {
		if password = os.Getenv("SHISHI_GEN_PASSWORD"); password == "" {
			p, err := app.ReadLine(os.Stdin)
			if err != nil {
				return usageError{"--users: no password on stdin or in SHISHI_GEN_PASSWORD"}
			}
			password = p
		}
	}
	m, err := app.Open(ctx, c, stdout, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	want := gen.CountsFor(*scale)
	if *credScale > 0 {
		want.Credentials = gen.CountsFor(*credScale).Credentials
	}
	fmt.Fprintf(stdout, "生成数据 generating scale %g into %s: %d units, %d items, %d reports, %d complaints, %d credentials\n",
		*scale, m.Config.Masked(), want.Units, want.Items, want.Reports, want.Complaints, want.Credentials)
	start := time.Now()
	res, err := gen.Generate(ctx, m.Store, gen.Options{Scale: *scale, CredentialScale: *credScale, Password: password,
		Progress: func(stage string) (func(int, int), func()) { return app.Progress(stdout, stage) }})
	if res != nil {
		for _, s := range res.Stages {
			fmt.Fprintf(stdout, "  %-12s %s\n", s.Name, s.Took.Round(time.Millisecond))
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done in %s: campaign %d", time.Since(start).Round(time.Millisecond), res.Campaign)
	if len(res.Users) > 0 {
		fmt.Fprintf(stdout, ", users %v", res.Users)
	}
	fmt.Fprintln(stdout)
	return nil
}
