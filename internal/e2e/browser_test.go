package e2e

import (
	"context"
	"fmt"
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
		t.Fatalf("%s: %v (screenshot: %s)", what, err, failShot(t, ctx))
	}
}

// failShot saves what the browser shows when a step fails, in
// SHISHI_SCREENSHOTS or else the system's temporary directory, and
// returns the file's path.
func failShot(t *testing.T, ctx context.Context) string {
	dir := os.Getenv("SHISHI_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "shishi-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "none: " + err.Error()
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(sctx, chromedp.FullScreenshot(90))
	if err != nil {
		return "none: " + err.Error()
	}
	name := filepath.Join(dir, "FAILED-"+strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())+".png")
	if err := os.WriteFile(name, buf, 0o644); err != nil {
		return "none: " + err.Error()
	}
	return name
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
	step(t, ctx, "open / and sign in", chromedp.Navigate(e.url+"/"), chromedp.Click(chromedp.CSS(`a[href="/login"]`)), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
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

// TestBrowserComplaint is the complaint column's first acceptance line in a
// real browser: a complaint submitted on the public page reaches the desk's
// handler, is dispatched, verified and rectified by the city, replied to,
// and the submitter follows it with the code and secret and rates it.
func TestBrowserComplaint(t *testing.T) {
	ctx := browserCtx(t)
	e := start(t, testdb.SQLite(t))
	step(t, ctx, "submit on the public page",
		chromedp.Navigate(e.url+"/complaints"),
		chromedp.WaitVisible(chromedp.CSS(`#submit-form`)),
		chromedp.SetValue(chromedp.CSS(`select[name=category]`), "teacher-pay"),
		chromedp.SendKeys(chromedp.CSS(`input[name=place]`), "郑州市教育局"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=body]`), "郑州市某区教师绩效工资拖欠三个月未发放，低于当地公务员收入水平。"),
		chromedp.SendKeys(chromedp.CSS(`input[name="reporter.name"]`), "浏览器测试人"),
		chromedp.SendKeys(chromedp.CSS(`input[name="reporter.phone"]`), "13955556666"),
		chromedp.Click(chromedp.CSS(`#submit-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#receipt`)))
	shot(t, ctx, "20-complaint-receipt")
	code := strings.TrimSpace(read(t, ctx, chromedp.TextContent(chromedp.CSS(`#code`))))
	secret := strings.TrimSpace(read(t, ctx, chromedp.TextContent(chromedp.CSS(`#secret`))))
	if !strings.HasPrefix(code, "JB") || len(secret) != 14 {
		t.Fatalf("receipt: %q %q", code, secret)
	}
	signIn := func(login string) {
		step(t, ctx, "sign in as "+login,
			chromedp.Navigate(e.url+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password[login]),
			chromedp.Click(chromedp.CSS(`button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`.modules`)))
	}
	signOut := func() {
		step(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	}
	// act takes one step on the case page and waits for the new status.
	act := func(what, action, status string, fill ...chromedp.Action[chromedp.Void]) {
		steps := append(fill, chromedp.Click(chromedp.CSS(`form.step-`+action+` button.primary`)),
			chromedp.WaitVisible(chromedp.Search(`//span[@id="case-status" and contains(., "`+status+`")]`)))
		step(t, ctx, what, steps...)
	}
	signIn("handler")
	step(t, ctx, "find the case in the inbox",
		chromedp.Navigate(e.url+"/app/complaints"),
		chromedp.WaitVisible(chromedp.CSS(`#inbox`)),
		chromedp.Click(chromedp.Search(`//a[contains(., "`+code+`")]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions`)))
	page := read(t, ctx, chromedp.TextContent(chromedp.CSS(`main`)))
	if strings.Contains(page, "浏览器测试人") || strings.Contains(page, "13955556666") {
		t.Fatal("the case page shows the reporter before a reveal")
	}
	caseURL := read(t, ctx, chromedp.Evaluate[string](`location.pathname`))
	act("accept", "accept", "待转办")
	act("dispatch to Zhengzhou", "dispatch", "待签收",
		chromedp.SetValue(chromedp.CSS(`form.step-dispatch select[name=unit_id]`), fmt.Sprint(e.unitID("ha-zz"))))
	shot(t, ctx, "21-complaint-dispatched")
	signOut()
	signIn("zhengzhou")
	step(t, ctx, "open the dispatched case", chromedp.Navigate(e.url+caseURL), chromedp.WaitVisible(chromedp.CSS(`#actions`)))
	act("sign for it", "sign", "核查中")
	act("conclude", "conclude", "整改中",
		chromedp.SetValue(chromedp.CSS(`form.step-conclude select[name=conclusion]`), "true"),
		chromedp.SendKeys(chromedp.CSS(`form.step-conclude textarea[name=note]`), "经核查，绩效工资确有拖欠。"))
	act("rectify", "rectify", "待反馈",
		chromedp.SendKeys(chromedp.CSS(`form.step-rectify textarea[name=note]`), "已补发全部拖欠的绩效工资。"))
	signOut()
	signIn("handler")
	step(t, ctx, "open the concluded case", chromedp.Navigate(e.url+caseURL), chromedp.WaitVisible(chromedp.CSS(`#actions`)))
	act("reply", "reply", "待评价",
		chromedp.SendKeys(chromedp.CSS(`form.step-reply textarea[name=note]`), "经核查属实，已督促补发到位。"))
	shot(t, ctx, "22-complaint-replied")
	signOut()
	step(t, ctx, "the submitter looks the case up",
		chromedp.Navigate(e.url+"/complaints/track"),
		chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code),
		chromedp.SendKeys(chromedp.CSS(`input[name=secret]`), secret),
		chromedp.Click(chromedp.CSS(`#track-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#public-reply`)))
	if reply := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#public-reply`))); !strings.Contains(reply, "已督促补发到位") {
		t.Fatalf("reply seen by the submitter: %q", reply)
	}
	shot(t, ctx, "23-complaint-track")
	step(t, ctx, "rate it",
		chromedp.Click(chromedp.CSS(`#rate-form input[name=rating][value="1"]`)),
		chromedp.Click(chromedp.CSS(`#rate-form button.primary`)),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="public-status" and contains(., "已办结")]`)))
	shot(t, ctx, "24-complaint-rated")
}

// TestBrowserReport is the report journey in a real browser: the lead
// unit's operator files a month with a value and an evidence file, and the
// campaign office accepts it in the review queue.
func TestBrowserReport(t *testing.T) {
	ctx := browserCtx(t)
	e := start(t, testdb.SQLite(t))
	zz := e.unitID("ha-zz")
	r := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "浏览器填报测试活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["厅机关重点事项"]}`)
	if r.status != 201 {
		t.Fatalf("campaign: %d %s", r.status, r.body)
	}
	c := r.json(t)
	r = e.api("POST", fmt.Sprintf("/api/v1/campaigns/%v/items", c["id"]), "henan", fmt.Sprintf(`{"tier_id": %v, "code": "BR-1", "title": "建设农村教师周转宿舍", "leader_name": "分管副厅长",
		"lead_unit_id": %d, "deadline": "2026-12-31", "public": true, "targets": [{"name": "周转宿舍建成", "unit": "套", "baseline": 0, "target": 7000,
		"plan": [{"period": "2026-06", "value": 3000}, {"period": "2026-12", "value": 7000}]}]}`, c["tiers"].([]any)[0].(map[string]any)["id"], zz))
	if r.status != 201 {
		t.Fatalf("item: %d %s", r.status, r.body)
	}
	item := r.json(t)["id"]
	if r := e.api("POST", fmt.Sprintf("/api/v1/items/%v:approve", item), "henan", ""); r.status != 200 {
		t.Fatalf("approve: %d", r.status)
	}
	evidence := filepath.Join(t.TempDir(), "验收照片.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	signIn := func(login string) {
		step(t, ctx, "sign in as "+login,
			chromedp.Navigate(e.url+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password[login]),
			chromedp.Click(chromedp.CSS(`button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`.modules`)))
	}
	signIn("zhengzhou")
	step(t, ctx, "file October with evidence",
		chromedp.Navigate(fmt.Sprintf("%s/app/items/%v", e.url, item)),
		chromedp.WaitVisible(chromedp.CSS(`#report form`)),
		chromedp.SetValue(chromedp.CSS(`#report select[name=period]`), "2026-10"),
		chromedp.SendKeys(chromedp.CSS(`#report input[name^="value_"]`), "3364"),
		chromedp.SendKeys(chromedp.CSS(`#report textarea[name=narrative]`), "全省农村教师周转宿舍已建成3364套"),
		chromedp.SetUploadFiles(chromedp.CSS(`#report input[name=evidence]`), []string{evidence}),
		chromedp.Click(chromedp.CSS(`#report button.primary`)),
		chromedp.WaitVisible(chromedp.Search(`//table[@id="reports"]//a[contains(., "验收照片.pdf")]`)))
	shot(t, ctx, "40-report-filed")
	step(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	signIn("henan")
	step(t, ctx, "accept it in the review queue",
		chromedp.Navigate(fmt.Sprintf("%s/app/ledger/%v/review", e.url, c["id"])),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(@class, "report")]//p[contains(., "3364")]`)),
		chromedp.SendKeys(chromedp.CSS(`.report input[name=comment]`), "数据与佐证一致"),
		chromedp.Click(chromedp.CSS(`.report button[value=accept]`)),
		// The queue reloads without the accepted report: wait for it, so
		// the next navigation does not cut the form's own.
		chromedp.WaitNotPresent(chromedp.CSS(`.report button[value=accept]`)))
	shot(t, ctx, "41-report-reviewed")
	step(t, ctx, "the item shows the accepted report",
		chromedp.Navigate(fmt.Sprintf("%s/app/items/%v", e.url, item)),
		chromedp.WaitVisible(chromedp.Search(`//table[@id="reports"]//td[contains(., "已通过")]`)))
	if targets := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#targets`))); !strings.Contains(targets, "48.06%") {
		t.Fatalf("targets after review: %q", targets)
	}
}

// TestBrowserVerify is the certificate journey in a real browser: anyone
// checks a certificate by number and name and sees it valid, then revoked
// once the issuer revokes it; an uploaded credential file with one field
// altered is shown as tampered.
func TestBrowserVerify(t *testing.T) {
	ctx := browserCtx(t)
	e := start(t, testdb.SQLite(t))
	credentialEnv(t, e)
	issued := e.issue(t, "王小明", "520")
	c := issued["credential"].(map[string]any)
	number := c["number"].(string)
	look := func(what, want string) {
		step(t, ctx, what,
			chromedp.Navigate(e.url+"/verify"),
			chromedp.WaitVisible(chromedp.CSS(`#query-form`)),
			chromedp.SendKeys(chromedp.CSS(`#query-form input[name=number]`), number),
			chromedp.SendKeys(chromedp.CSS(`#query-form input[name=name]`), "王小明"),
			chromedp.Click(chromedp.CSS(`#query-form button.primary`)),
			chromedp.WaitVisible(chromedp.Search(`//h2[@id="verdict-status" and contains(., "`+want+`")]`)))
	}
	look("query a valid certificate", "有效")
	if fields := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#verdict`))); !strings.Contains(fields, "520") || strings.Contains(fields, "11010519491231002X") {
		t.Fatalf("public fields: %q", fields)
	}
	shot(t, ctx, "50-verify-valid")
	// A file whose score was raised is tampered.
	vc := e.api("GET", fmt.Sprintf("/api/v1/credentials/%v/vc", c["id"]), "issuer", "")
	forged := strings.Replace(string(vc.body), `"totalScore":520`, `"totalScore":620`, 1)
	if forged == string(vc.body) {
		t.Fatal("the score is not in the credential file")
	}
	file := filepath.Join(t.TempDir(), "cet4.json")
	if err := os.WriteFile(file, []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "upload an altered credential",
		chromedp.Navigate(e.url+"/verify"),
		chromedp.WaitVisible(chromedp.CSS(`#file-form`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#file-form input[name=file]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#file-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#verdict-status`)))
	if v := read(t, ctx, chromedp.TextContent(chromedp.CSS(`#verdict-status`))); strings.Contains(v, "有效") {
		t.Fatalf("an altered credential shows %q", v)
	}
	shot(t, ctx, "51-verify-tampered")
	if r := e.api("POST", fmt.Sprintf("/api/v1/credentials/%v:revoke", c["id"]), "issuer", `{"reason": "成绩复核更正"}`); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	look("query the revoked certificate", "已撤销")
	shot(t, ctx, "52-verify-revoked")
}
