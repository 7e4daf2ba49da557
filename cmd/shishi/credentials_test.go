package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/app"
)

// TestCredentialsCLI: bulk issuance from .xlsx with a progress bar, a bad
// file that issues nothing and lists its rows, and verify on a file.
func TestCredentialsCLI(t *testing.T) {
	data := t.TempDir()
	must(t, 0, "", "unit", "add", "--data", data, "--code", "neea", "--name", "教育部教育考试院", "--kind", "affiliate")
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{Data: data}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	us, _, _ := m.Store.FindUnits(sys, shishi.UnitFilter{Code: "neea", Limit: 1})
	cc := "12100000400010253E"
	if _, err := m.Store.UpdateUnit(sys, us[0].ID, 0, shishi.UnitPatch{CreditCode: &cc}); err != nil {
		t.Fatal(err)
	}
	iss, err := m.Store.CreateIssuer(sys, us[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Store.CreateType(sys, &shishi.CredentialType{IssuerID: iss.ID, Code: "cet6", Name: "全国大学英语六级考试成绩报告单", NumberCode: "CET6",
		Fields: []shishi.CredentialField{{Key: "fullName", Label: "姓名", Kind: shishi.FieldName}, {Key: "totalScore", Label: "总分", Kind: shishi.FieldInteger, Required: true}}}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	sheet := func(name string, rows ...[]any) string {
		f := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		p := filepath.Join(t.TempDir(), name)
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rows := [][]any{{"姓名", "总分"}}
	for i := 0; i < 40; i++ {
		rows = append(rows, []any{"考生" + string(rune('甲'+i)), 400 + i})
	}
	out := must(t, 0, "", "credentials", "issue", "--data", data, "--type", "cet6", sheet("good.xlsx", rows...))
	if !strings.Contains(out, "40 credentials of type cet6 issued") || !strings.Contains(out, "100% 40/40") {
		t.Fatalf("issue: %s", out)
	}
	out = must(t, 1, "", "credentials", "issue", "--data", data, "--type", "cet6", sheet("bad.xlsx", []any{"姓名", "总分"}, []any{"甲", 1}, []any{"", "x"}))
	if !strings.Contains(out, "row 3, fullName") || !strings.Contains(out, "row 3, totalScore") {
		t.Fatalf("bad file: %s", out)
	}
	must(t, 2, "", "credentials", "issue", "--data", data, "x.xlsx")
	// Verify: the stored credential, then an altered copy.
	m, err = app.Open(ctx, app.Config{Data: data}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	list, total, _ := m.Store.FindCredentials(sys, shishi.CredentialFilter{Limit: 1})
	if total != 40 {
		t.Fatalf("%d credentials after a bad file", total)
	}
	raw, _ := m.Store.CredentialVC(sys, list[0].ID)
	m.Close()
	good := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(good, raw, 0o600)
	if out := must(t, 0, "", "credentials", "verify", "--data", data, good); !strings.HasPrefix(out, "valid") || !strings.Contains(out, "eddsa-rdfc-2022") {
		t.Fatalf("verify: %s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(raw), "教育部教育考试院", "教育部考试院", 1)), 0o600)
	if out := must(t, 1, "", "credentials", "verify", "--data", data, bad); !strings.HasPrefix(out, "tampered") {
		t.Fatalf("verify altered: %s", out)
	}
}
