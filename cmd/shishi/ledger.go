package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/xlsx"
)

// importItems: shishi import items --campaign ID FILE.xlsx
func importItems(ctx context.Context, args []string, stdout io.Writer) error {
	c, id, file, err := campaignFileFlags("import items", args)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := xlsx.ReadItems(f)
	if err != nil {
		return err
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	n, err := m.Store.ImportItems(ctx, id, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d items imported into campaign %d\n", n, id)
	return nil
}

// exportLedger: shishi export ledger --campaign ID FILE.xlsx
func exportLedger(ctx context.Context, args []string, stdout io.Writer) error {
	c, id, file, err := campaignFileFlags("export ledger", args)
	if err != nil {
		return err
	}
	m, ctx, err := openAsSystem(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer m.Close()
	camp, err := m.Store.FindCampaign(ctx, id)
	if err != nil {
		return err
	}
	var items []*shishi.Item
	var after int64
	bar := newBar(stdout, camp.ItemCount)
	for {
		page, _, err := m.Store.FindItems(ctx, shishi.ItemFilter{CampaignID: id, After: after, Limit: 500, NoTotal: true})
		if err != nil {
			return err
		}
		items = append(items, page...)
		bar(len(items))
		if len(page) < 500 {
			break
		}
		after = page[len(page)-1].ID
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".ledger-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := xlsx.WriteLedger(tmp, camp, items); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ledger of campaign %d (%d items) written to %s\n", id, len(items), file)
	return nil
}

// newBar returns a progress printer: a line at each quarter of total.
func newBar(w io.Writer, total int) func(int) {
	last := -1
	return func(done int) {
		if total <= 0 {
			return
		}
		q := done * 4 / total
		if q > 4 {
			q = 4
		}
		if q == last {
			return
		}
		last = q
		fmt.Fprintf(w, "  [%-20s] %3d%% %d/%d\n", repeat("█", q*5), q*25, done, total)
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func campaignFileFlags(name string, args []string) (cfg appConfig, id int64, file string, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	storeFlags(fs, &cfg)
	fs.Int64Var(&id, "campaign", 0, "campaign id")
	if err = parse(fs, args); err != nil {
		return
	}
	if id <= 0 {
		return cfg, 0, "", usageError{"--campaign ID is required"}
	}
	if fs.NArg() != 1 {
		return cfg, 0, "", usageError{"exactly one FILE.xlsx is required"}
	}
	return cfg, id, fs.Arg(0), nil
}
