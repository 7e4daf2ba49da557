package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestScopedTokensOverHTTP: the Henan office (office, operator and handler
// over the province) makes a token that carries only the operator role
// over Zhengzhou, through the API and through the profile page. The token
// reads Zhengzhou's items and not Luoyang's, cannot act as the office or
// the handler, cannot make a wider token, and stops at revocation.
func TestScopedTokensOverHTTP(t *testing.T) {
	t.Setenv("SHISHI_API_RATE", "1000000")
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		zz, ly, ha := e.unitID("ha-zz"), e.unitID("ha-ly"), e.unitID("ha")
		henan := mustUser(t, e, "henan")
		tokens := fmt.Sprintf("/api/v1/users/%d/tokens", henan)
		r := e.api("POST", tokens, "henan", fmt.Sprintf(`{"name": "郑州填报", "expires_in_days": 7, "grants": [{"role": "operator", "unit_id": %d}]}`, zz))
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		created := r.json(t)
		detail := created["detail"].(map[string]any)
		if detail["scope"] != "grants" || !strings.Contains(fmt.Sprint(detail["grants"]), "郑州市教育局") {
			t.Fatalf("token detail: %v", detail)
		}
		e.tokens["zz-operator"] = created["token"].(string)

		total := func(path, login string) float64 {
			t.Helper()
			r := e.api("GET", path, login, "")
			if r.status != 200 {
				t.Fatalf("%s as %s: %d %s", path, login, r.status, r.body)
			}
			return r.json(t)["total"].(float64)
		}
		// Internal items of a campaign of the province, one led by each city.
		c := e.api("POST", "/api/v1/campaigns", "henan", `{"name": "令牌范围活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`).json(t)
		item := func(unit int64) string {
			r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%v/items", c["id"]), "henan", fmt.Sprintf(`{"tier_id": %v, "title": "内部事项%d", "leader_name": "测试", "lead_unit_id": %d, "deadline": "2026-12-31", "public": false}`,
				c["tiers"].([]any)[0].(map[string]any)["id"], unit, unit))
			if r.status != 201 {
				t.Fatalf("item: %d %s", r.status, r.body)
			}
			return fmt.Sprint(r.json(t)["id"])
		}
		zzItem, hidden := item(zz), item(ly)
		inCampaign := fmt.Sprintf("/api/v1/items?campaign=%v", c["id"])
		if n, all := total(inCampaign, "zz-operator"), total(inCampaign, "henan"); n != 1 || all != 2 {
			t.Fatalf("of the campaign's items the token reads %v, Henan %v", n, all)
		}
		if r := e.api("GET", "/api/v1/items/"+zzItem, "zz-operator", ""); r.status != 200 {
			t.Fatalf("the token reads its unit's item: %d", r.status)
		}
		if r := e.api("GET", "/api/v1/items/"+hidden, "zz-operator", ""); r.status != 404 {
			t.Fatalf("the token reads a sibling's item: %d", r.status)
		}
		// Roles the token does not carry: the office's and the handler's.
		camp := `{"name": "令牌测试活动", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "tiers": ["测试"]}`
		if r := e.api("POST", "/api/v1/campaigns", "zz-operator", camp); r.status != 403 {
			t.Fatalf("the token acts as the office: %d %s", r.status, r.body)
		}
		// Complaints: Henan's handler reads the provincial desk's cases; the
		// token, as Zhengzhou's operator, only those dispatched there.
		if all, zzCases, n := total("/api/v1/complaints", "henan"), total("/api/v1/complaints", "zhengzhou"), total("/api/v1/complaints", "zz-operator"); n > zzCases || n >= all {
			t.Fatalf("complaints: the token reads %v, Zhengzhou %v, Henan %v", n, zzCases, all)
		}
		// No wider token from it; a narrower one is fine.
		for _, body := range []string{
			`{"name": "全部"}`,
			fmt.Sprintf(`{"name": "全省", "grants": [{"role": "operator", "unit_id": %d}]}`, ha),
			fmt.Sprintf(`{"name": "受理", "grants": [{"role": "handler", "unit_id": %d}]}`, zz),
		} {
			if r := e.api("POST", tokens, "zz-operator", body); r.status != 403 {
				t.Fatalf("wider token %s: %d %s", body, r.status, r.body)
			}
		}
		if r := e.api("POST", tokens, "zz-operator", fmt.Sprintf(`{"name": "金水", "grants": [{"role": "operator", "unit_id": %d}]}`, e.unitID("ha-zz-jinshui"))); r.status != 201 {
			t.Fatalf("narrower token: %d %s", r.status, r.body)
		}
		// Asking for a role the user does not hold names the grant.
		if r := e.api("POST", tokens, "henan", fmt.Sprintf(`{"name": "评审", "grants": [{"role": "reviewer", "unit_id": %d}]}`, ha)); r.status != 422 || !strings.Contains(string(r.body), "grants[0].unit_id") {
			t.Fatalf("role not held: %d %s", r.status, r.body)
		}
		// The list shows scope, expiry and last use.
		list := e.api("GET", tokens, "henan", "").json(t)["items"].([]any)
		var mine map[string]any
		for _, x := range list {
			if m := x.(map[string]any); m["id"] == detail["id"] {
				mine = m
			}
		}
		if mine == nil || mine["scope"] != "grants" || mine["expires_at"] == nil || mine["last_used_at"] == nil {
			t.Fatalf("listed: %v", mine)
		}
		if r := e.api("POST", fmt.Sprintf("/api/v1/tokens/%v:revoke", detail["id"]), "henan", ""); r.status != 204 {
			t.Fatalf("revoke: %d", r.status)
		}
		if r := e.api("GET", "/api/v1/me", "zz-operator", ""); r.status != 401 {
			t.Fatalf("revoked token: %d", r.status)
		}

		// The profile page: role checkboxes and a unit picker.
		b := e.login("henan")
		page := b.get("/app/profile")
		doc := page.doc(t)
		if doc.Find(`input[name="grant"]`).Length() != 3 || doc.Find(`select[name="unit"] option`).Length() < 3 {
			t.Fatalf("token form: %d grant boxes, %d units", doc.Find(`input[name="grant"]`).Length(), doc.Find(`select[name="unit"] option`).Length())
		}
		form := url.Values{"_csrf": {b.csrf("/app/profile")}, "action": {"token_create"}, "name": {"页面令牌"}, "days": {"30"},
			"grant": {fmt.Sprintf("operator@%d", ha)}, "unit": {fmt.Sprint(zz)}}
		r = b.post("/app/profile", form)
		if r.status != 201 {
			t.Fatalf("page create: %d %s", r.status, r.body)
		}
		doc = r.doc(t)
		e.tokens["page"] = strings.TrimSpace(doc.Find("#new-token").Text())
		if row := doc.Find("td:contains('页面令牌')").Parent().Text(); !strings.Contains(row, "郑州市教育局") {
			t.Fatalf("the list does not show the scope: %q", row)
		}
		if r := e.api("GET", "/api/v1/items/"+hidden, "page", ""); r.status != 404 {
			t.Fatalf("the page's token reads a sibling's internal item: %d", r.status)
		}
		// Narrowing to a unit outside a checked role's reach is refused.
		form.Set("_csrf", b.csrf("/app/profile"))
		form.Set("unit", fmt.Sprint(e.unitID("bj")))
		if r := b.post("/app/profile", form); r.status != 422 || r.doc(t).Find(".field-err").Length() == 0 {
			t.Fatalf("narrowed outside reach: %d", r.status)
		}
	})
}

// TestBrowserScopedToken: in a real browser the Henan office checks the
// operator role, narrows it to Zhengzhou in the unit picker and makes a
// token; the page shows the secret once and lists the token with its
// scope, expiry and last use.
func TestBrowserScopedToken(t *testing.T) {
	ctx := browserCtx(t)
	e := start(t, testdb.SQLite(t))
	zz := e.unitID("ha-zz")
	step(t, ctx, "sign in",
		chromedp.Navigate(e.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "henan"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), e.password["henan"]),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.modules`)))
	step(t, ctx, "make a token for Zhengzhou's operator",
		chromedp.Navigate(e.url+"/app/profile"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=grant][value^="operator@"]`)),
		chromedp.SendKeys(chromedp.CSS(`form input[name=name][maxlength="64"]`), "郑州填报同步"),
		chromedp.Click(chromedp.CSS(`input[name=grant][value^="operator@"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=unit]`), fmt.Sprint(zz)),
		chromedp.SendKeys(chromedp.CSS(`input[name=days]`), "30"),
		chromedp.Click(chromedp.CSS(`form:has(input[name=days]) button`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-token`)))
	secret := read(t, ctx, chromedp.Text(chromedp.CSS(`#new-token`)))
	table := read(t, ctx, chromedp.TextContent(chromedp.CSS(`table.grid`)))
	shot(t, ctx, "token-scoped")
	if !strings.HasPrefix(secret, "shishi_") || !strings.Contains(table, "郑州填报同步") || !strings.Contains(table, "填报员 · 郑州市教育局") {
		t.Fatalf("secret %q, token list %q", secret, table)
	}
	e.tokens["browser"] = secret
	if me := e.api("GET", "/api/v1/me", "browser", "").json(t); fmt.Sprint(me["grants"]) != fmt.Sprintf("[map[role:operator unit_id:%d unit_name:郑州市教育局]]", zz) {
		t.Fatalf("the token's grants: %v", me["grants"])
	}
}
