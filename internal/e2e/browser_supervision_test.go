package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestBrowserSupervision walks supervision in a real browser: the
// inspector opens the group board, a group, a finding; Zhengzhou's
// operator submits a rectification plan on a finding raised against it,
// and the page shows the new state and its history.
func TestBrowserSupervision(t *testing.T) {
	ctx := browserCtx(t)
	e := startFull(t, testdb.SQLite(t))
	signIn := func(login string) {
		step(t, ctx, "sign in "+login,
			chromedp.Navigate(e.url+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password[login]),
			chromedp.Click(chromedp.CSS(`button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`.modules`)))
	}
	signIn("office")
	step(t, ctx, "open the board",
		chromedp.Click(chromedp.CSS(`.side a[href="/app/supervision"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.groups`)))
	shot(t, ctx, "20-supervision")
	board := read(t, ctx, chromedp.TextContent(chromedp.CSS(`table.groups`)))
	if !strings.Contains(board, "第十二指导组") || !strings.Contains(board, "五项管理第十六督查组") {
		t.Fatalf("board lacks groups: %q", board)
	}
	step(t, ctx, "open the first inspection group",
		chromedp.Click(chromedp.Search(`//a[text()="五项管理第一督查组"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#units`)))
	shot(t, ctx, "21-group")
	step(t, ctx, "open a finding",
		chromedp.Click(chromedp.CSS(`table.findings tbody tr td a`)),
		chromedp.WaitVisible(chromedp.CSS(`#history`)))
	shot(t, ctx, "22-finding")
	step(t, ctx, "the report",
		chromedp.Navigate(e.url+"/app/supervision/groups/"+itoa(e.groupID("五项管理第一督查组"))+"/report?from=2000-01-01"),
		chromedp.WaitVisible(chromedp.CSS(`#report-units`)))
	shot(t, ctx, "23-report")

	// Zhengzhou's operator plans the rectification of a finding against it.
	r := e.api("POST", "/api/v1/findings", "supervisor", `{"group_id": `+itoa(e.groupID("五项管理第十六督查组"))+`, "unit_id": `+itoa(e.unitID("ha-zz"))+`, "severity": "major", "description": "郑州市部分初中作业公示制度未建立", "days": 10}`)
	if r.status != 201 {
		t.Fatalf("raise: %d %s", r.status, r.body)
	}
	fid := itoa(id(t, r))
	step(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	signIn("zhengzhou")
	step(t, ctx, "open the unit's rectification list",
		chromedp.Navigate(e.url+"/app/supervision/rectification"),
		chromedp.WaitVisible(chromedp.CSS(`table.findings`)))
	shot(t, ctx, "24-rectification")
	step(t, ctx, "submit the plan",
		chromedp.Click(chromedp.Search(`//a[contains(., "作业公示制度未建立")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions`)),
		chromedp.SendKeys(chromedp.CSS(`form input[value=plan] ~ label textarea[name=note]`), "建立作业公示制度，每周抽查"),
		chromedp.Click(chromedp.CSS(`form input[value=plan] ~ button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash.ok`)))
	head := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#finding-head`)))
	hist := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#history`)))
	if !strings.Contains(head, "整改中") || !strings.Contains(hist, "提交整改方案") || !strings.Contains(hist, "建立作业公示制度") {
		t.Fatalf("after the plan: %q / %q", head, hist)
	}
	if loc := read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/app/supervision/findings/"+fid+"?saved=1") {
		t.Fatalf("landed on %s", loc)
	}
	shot(t, ctx, "25-finding-planned")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// groupID finds a demo group by name.
func (e *env) groupID(name string) int64 {
	e.t.Helper()
	for _, g := range e.api("GET", "/api/v1/groups?limit=500", "office", "").json(e.t)["items"].([]any) {
		if m := g.(map[string]any); m["name"] == name {
			return int64(m["id"].(float64))
		}
	}
	e.t.Fatalf("no group %s", name)
	return 0
}
