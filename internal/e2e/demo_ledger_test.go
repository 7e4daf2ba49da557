package e2e

import (
	"fmt"

	"github.com/shishi-edu/shishi/internal/testdb"
	"strings"
	"testing"
)

// TestDemoLedger is the ledger issue's acceptance on the demo data: the
// ministry campaign's tiers hold 12, 135 and 17 items; the dormitory target
// shows 3364 of 7000 = 48.06 %; a university's operator sees no internal
// item of another subtree while the office sees the whole campaign.
func TestDemoLedger(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := startFull(t, dsn)
		camps := e.api("GET", "/api/v1/campaigns", "office", "").json(t)["items"].([]any)
		var moe, ha map[string]any
		for _, c := range camps {
			m := c.(map[string]any)
			if strings.HasPrefix(m["name"].(string), "教育部") {
				moe = m
			}
		}
		for _, c := range e.api("GET", "/api/v1/campaigns", "henan", "").json(t)["items"].([]any) {
			if m := c.(map[string]any); strings.HasPrefix(m["name"].(string), "河南") {
				ha = m
			}
		}
		if moe == nil || ha == nil {
			t.Fatalf("demo campaigns missing: %v", camps)
		}
		var counts []string
		for _, tr := range moe["tiers"].([]any) {
			x := tr.(map[string]any)
			counts = append(counts, fmt.Sprintf("%s=%v", x["name"], x["item_count"]))
		}
		if strings.Join(counts, ",") != "部党组层面重点事项=12,司局和直属单位重点事项=135,年内完成的重点民生项目=17" {
			t.Fatalf("tiers: %v", counts)
		}
		// The dormitories: 3364 of 7000 = 48.06 %.
		items := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%v&q=%s", ha["id"], "%E5%AE%BF%E8%88%8D"), "henan", "").json(t)["items"].([]any)
		found := false
		for _, it := range items {
			for _, tg := range it.(map[string]any)["targets"].([]any) {
				x := tg.(map[string]any)
				if x["name"] == "农村教师周转宿舍建成" {
					found = x["actual"] == 3364.0 && x["target"] == 7000.0 && x["completion"] == 48.06
				}
			}
		}
		if !found {
			t.Fatalf("dormitory target not 3364 / 7000 = 48.06: %v", items)
		}
		// The office sees its whole campaign, internal items included.
		all := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%v&limit=500", moe["id"]), "office", "").json(t)
		if all["total"] != 164.0 {
			t.Fatalf("office sees %v items of 164", all["total"])
		}
		internal := 0
		for _, it := range all["items"].([]any) {
			if it.(map[string]any)["public"] == false {
				internal++
			}
		}
		if internal == 0 {
			t.Fatal("the demo has no internal item to hide")
		}
		// Peking University's operator: public items, and internal ones only
		// where PKU leads or cooperates.
		pku := e.unitID("pku")
		seen := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%v&limit=500", moe["id"]), "pku", "").json(t)["items"].([]any)
		for _, it := range seen {
			m := it.(map[string]any)
			if m["public"] == true {
				continue
			}
			mine := int64(m["lead_unit"].(map[string]any)["id"].(float64)) == pku
			for _, u := range m["coop_units"].([]any) {
				mine = mine || int64(u.(map[string]any)["id"].(float64)) == pku
			}
			if !mine {
				t.Errorf("PKU's operator sees internal item %v of another subtree", m["title"])
			}
		}
		if len(seen) >= 164 {
			t.Fatalf("PKU's operator sees %d items", len(seen))
		}
		// And cannot open an internal item of another subtree directly.
		for _, it := range all["items"].([]any) {
			m := it.(map[string]any)
			if m["public"] == false && int64(m["lead_unit"].(map[string]any)["id"].(float64)) != pku && len(m["coop_units"].([]any)) == 0 {
				if r := e.api("GET", fmt.Sprintf("/api/v1/items/%v", m["id"]), "pku", ""); r.status != 404 {
					t.Fatalf("PKU opens internal item %v: %d", m["id"], r.status)
				}
				break
			}
		}
		// The pages render the demo: cockpit and an item with charts.
		b := e.login("office")
		if r := b.get(fmt.Sprintf("/app/ledger/%v/cockpit", moe["id"])); r.status != 200 || r.doc(t).Find(".chart svg").Length() < 3 {
			t.Fatalf("cockpit: %d", r.status)
		}
	})
}
