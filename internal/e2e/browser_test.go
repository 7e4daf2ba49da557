package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// chromium finds the browser: SHISHI_TEST_CHROMIUM, then the usual
// names. Browser tests skip without one (make test installs it in CI).
func chromium(t *testing.T) string {
	if p := os.Getenv("SHISHI_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (set SHISHI_TEST_CHROMIUM); browser test skipped")
	return ""
}

// browserCtx starts headless Chromium with the flags this closed network
// needs (no background traffic) and a fresh profile. The first Run on the
// context starts the browser, so no timeout is set on it; each step of the
// test gets its own (see step).
func browserCtx(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// step runs actions with a time limit and fails the test on error.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// read runs one action that returns a value.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// shot saves a screenshot when SHISHI_SCREENSHOTS names a directory, so a
// person can look at what the test saw.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("SHISHI_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf := read(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Error(err)
	}
}

// TestBrowserLogin is the Foundation's first acceptance line in a real
// browser: the login page in Chinese, admin signs in and sees the unit tree.
func TestBrowserLogin(t *testing.T) {
	ctx := browserCtx(t)
	e := start(t, testdb.SQLite(t))
	step(t, ctx, "open /", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	h1 := read(t, ctx, chromedp.Text(chromedp.CSS(`.login-card h1`)))
	attrs := read(t, ctx, chromedp.Attributes(chromedp.CSS(`html`)))
	if h1 != "工作人员登录" || attrs["lang"] != "zh-CN" {
		t.Fatalf("login page: h1 %q lang %q", h1, attrs["lang"])
	}
	shot(t, ctx, "01-login")
	step(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password["admin"]),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.modules`)))
	if title := read(t, ctx, chromedp.Title()); !strings.Contains(title, "工作台") {
		t.Fatalf("after login, title %q", title)
	}
	shot(t, ctx, "02-workbench")
	step(t, ctx, "open the unit tree",
		chromedp.Click(chromedp.CSS(`a[href="/app/units"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#unit-tree`)))
	tree := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#unit-tree`)))
	for _, want := range []string{"中华人民共和国教育部", "河南省教育厅", "郑州市教育局", "北京大学"} {
		if !strings.Contains(tree, want) {
			t.Errorf("unit tree lacks %s", want)
		}
	}
	shot(t, ctx, "03-units")
}

// TestBrowserLedger walks the ledger as the Henan office would: the
// campaign list, the campaign, the dormitory item with its trajectory
// chart, the cockpit.
func TestBrowserLedger(t *testing.T) {
	ctx := browserCtx(t)
	e := startFull(t, testdb.SQLite(t))
	step(t, ctx, "sign in",
		chromedp.Navigate(e.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "henan"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password["henan"]),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.modules`)),
		chromedp.Click(chromedp.CSS(`a[href="/app/ledger"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.campaign-card`)))
	shot(t, ctx, "10-ledger")
	step(t, ctx, "open the campaign",
		chromedp.Click(chromedp.CSS(`.campaign-card h2 a`)),
		chromedp.WaitVisible(chromedp.CSS(`table.items`)))
	shot(t, ctx, "11-campaign")
	rows := read(t, ctx, chromedp.TextContent(chromedp.CSS(`table.items`)))
	if !strings.Contains(rows, "周转宿舍") {
		t.Fatalf("campaign table lacks the dormitory item")
	}
	step(t, ctx, "open the dormitory item",
		chromedp.Click(chromedp.Search(`//a[contains(., "周转宿舍")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#targets`)),
		chromedp.WaitVisible(chromedp.CSS(`.chart svg`)))
	targets := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#targets`)))
	if !strings.Contains(targets, "48.06%") || !strings.Contains(targets, "3364") {
		t.Fatalf("targets: %q", targets)
	}
	shot(t, ctx, "12-item")
	step(t, ctx, "open the cockpit",
		chromedp.Navigate(e.url+"/app/ledger/2/cockpit"),
		chromedp.WaitVisible(chromedp.CSS(`.chart svg`)))
	shot(t, ctx, "13-cockpit")
}
