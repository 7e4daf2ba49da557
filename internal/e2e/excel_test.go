package e2e

import (
	"bytes"
	"fmt"
	"github.com/shishi-edu/shishi/internal/testdb"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// upload posts a file as multipart field "file".
func (e *env) upload(path, login string, file []byte) response {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "items.xlsx")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.token(login))
	return do(e.t, http.DefaultClient, req)
}

func (e *env) newCampaign(login, name string) int64 {
	e.t.Helper()
	r := e.api("POST", "/api/v1/campaigns", login, fmt.Sprintf(`{"name": %q, "starts_on": "2021-05-01", "ends_on": "2021-12-31", "tiers": ["厅机关办实事重点事项"]}`, name))
	if r.status != 201 {
		e.t.Fatalf("campaign: %d %s", r.status, r.body)
	}
	return int64(r.json(e.t)["id"].(float64))
}

// TestLedgerExcelRoundTrip: the exported ledger imports into a new
// campaign with every item and target; a corrupt or invalid file changes
// nothing and names the row.
func TestLedgerExcelRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		src := e.newCampaign("henan", "源活动")
		tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", src), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
		items := []string{
			`{"tier_id": %d, "code": "HA-01", "title": "促进全省青年大学生充分就业", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2021-12-31", "public": true,
			  "targets": [{"name": "线下招聘活动", "unit": "场", "target": 2000}, {"name": "提供岗位", "unit": "万个", "target": 300, "plan": [{"period": "2021-09", "value": 200}]}]}`,
			`{"tier_id": %d, "code": "HA-08", "title": "抓好农村教师周转宿舍建设项目", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2021-12-31",
			  "targets": [{"name": "周转宿舍建成", "unit": "套", "target": 7000, "weight": 2}]}`,
			`{"tier_id": %d, "code": "HA-10", "title": "开通中职学籍和毕业证书网络查询", "lead_unit_id": %d, "coop_unit_ids": [%d], "deadline": "2021-10-31",
			  "targets": [{"name": "查询上线", "kind": "milestone", "milestones": [{"title": "开通中职毕业证书查询", "due": "2021-09-30", "done_on": "2021-09-15"}]}]}`,
		}
		for _, it := range items {
			r := e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", src), "henan", fmt.Sprintf(it, tier, e.unitID("ha"), e.unitID("ha-zz")))
			if r.status != 201 {
				t.Fatalf("item: %d %s", r.status, r.body)
			}
		}
		ex := e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d/ledger.xlsx", src), "henan", "")
		if ex.status != 200 || !strings.HasPrefix(ex.header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("export: %d %s", ex.status, ex.header.Get("Content-Type"))
		}
		dst := e.newCampaign("henan", "目标活动")
		r := e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "henan", ex.body)
		if r.status != 201 || r.json(t)["count"] != 3.0 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		got := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%d", dst), "henan", "").json(t)["items"].([]any)
		want := e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%d", src), "henan", "").json(t)["items"].([]any)
		if len(got) != len(want) {
			t.Fatalf("%d items imported, %d exported", len(got), len(want))
		}
		for i := range got {
			g, w := got[i].(map[string]any), want[i].(map[string]any)
			for _, k := range []string{"code", "title", "deadline", "public", "tier_name", "leader_name"} {
				if g[k] != w[k] {
					t.Errorf("item %d %s: %v, want %v", i, k, g[k], w[k])
				}
			}
			gt, wt := g["targets"].([]any), w["targets"].([]any)
			if len(gt) != len(wt) {
				t.Fatalf("item %d: %d targets, want %d", i, len(gt), len(wt))
			}
			for j := range gt {
				a, b := gt[j].(map[string]any), wt[j].(map[string]any)
				for _, k := range []string{"name", "unit", "kind", "baseline", "target", "weight"} {
					if fmt.Sprint(a[k]) != fmt.Sprint(b[k]) {
						t.Errorf("item %d target %d %s: %v, want %v", i, j, k, a[k], b[k])
					}
				}
				if fmt.Sprint(a["plan"]) != fmt.Sprint(b["plan"]) || milestones(a) != milestones(b) {
					t.Errorf("item %d target %d plan/milestones differ: %v %v / %v %v", i, j, a["plan"], b["plan"], a["milestones"], b["milestones"])
				}
			}
			if fmt.Sprint(g["coop_units"]) != fmt.Sprint(w["coop_units"]) {
				t.Errorf("item %d coop units %v, want %v", i, g["coop_units"], w["coop_units"])
			}
		}
		// Bad files change nothing.
		count := func() float64 {
			return e.api("GET", fmt.Sprintf("/api/v1/items?campaign=%d", dst), "henan", "").json(t)["total"].(float64)
		}
		corrupt := append([]byte(nil), ex.body[:len(ex.body)/2]...)
		if r := e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "henan", corrupt); r.status != 422 {
			t.Fatalf("corrupt file: %d %s", r.status, r.body)
		}
		if r := e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "henan", []byte("序号,事项名称\n")); r.status != 422 {
			t.Fatalf("csv as xlsx: %d", r.status)
		}
		// An invalid sheet: the third item names a unit that does not exist,
		// and the second a deadline that is not a date. Nothing lands.
		f, _ := excelize.OpenReader(bytes.NewReader(ex.body))
		f.SetCellValue("台账", "C3", "新增事项甲")
		f.SetCellValue("台账", "B3", "NEW-1")
		f.SetCellValue("台账", "I5", "明年")
		f.SetCellValue("台账", "F6", "不存在的单位")
		var bad bytes.Buffer
		f.Write(&bad)
		r = e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "henan", bad.Bytes())
		if r.status != 422 || !strings.Contains(string(r.body), `"row": 5`) || !strings.Contains(string(r.body), "完成时限") {
			t.Fatalf("invalid sheet: %d %s", r.status, r.body)
		}
		// With the date mended, the unknown unit is named by its row.
		f.SetCellValue("台账", "I5", "2021-12-31")
		bad.Reset()
		f.Write(&bad)
		r = e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "henan", bad.Bytes())
		if r.status != 422 || !strings.Contains(string(r.body), `"row": 6`) || !strings.Contains(string(r.body), "不存在的单位") {
			t.Fatalf("unknown unit: %d %s", r.status, r.body)
		}
		if n := count(); n != 3 {
			t.Fatalf("a refused import stored items: %v", n)
		}
		// Only the office imports.
		if r := e.upload(fmt.Sprintf("/api/v1/campaigns/%d/items:import", dst), "zhengzhou", ex.body); r.status != 403 && r.status != 404 {
			t.Fatalf("operator imports: %d", r.status)
		}
	})
}

// milestones renders a target's milestones without their ids.
func milestones(t map[string]any) string {
	var out []string
	ms, _ := t["milestones"].([]any)
	for _, m := range ms {
		x := m.(map[string]any)
		out = append(out, fmt.Sprint(x["title"], x["due"], x["done_on"]))
	}
	return strings.Join(out, ";")
}

// TestLedgerExcelPages: the office exports from the campaign page and
// uploads a list through it; a bad file lists its faults by row.
func TestLedgerExcelPages(t *testing.T) {
	e := start(t, testdb.SQLite(t))
	src := e.newCampaign("henan", "页面活动")
	tier := int64(e.api("GET", fmt.Sprintf("/api/v1/campaigns/%d", src), "henan", "").json(t)["tiers"].([]any)[0].(map[string]any)["id"].(float64))
	e.api("POST", fmt.Sprintf("/api/v1/campaigns/%d/items", src), "henan", fmt.Sprintf(`{"tier_id": %d, "title": "特岗教师招聘", "lead_unit_id": %d, "deadline": "2021-09-01", "targets": [{"name": "招聘", "unit": "人", "target": 16000}]}`, tier, e.unitID("ha")))
	b := e.login("henan")
	x := b.get(fmt.Sprintf("/app/ledger/%d/ledger.xlsx", src))
	if x.status != 200 || !bytes.HasPrefix(x.body, []byte("PK")) {
		t.Fatalf("export from the page: %d", x.status)
	}
	dst := e.newCampaign("henan", "页面导入")
	post := func(file []byte) response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("_csrf", b.csrf(fmt.Sprintf("/app/ledger/%d", dst)))
		fw, _ := mw.CreateFormFile("file", "清单.xlsx")
		fw.Write(file)
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/app/ledger/%d/import", e.url, dst), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.url)
		return do(t, b.c, req)
	}
	f, _ := excelize.OpenReader(bytes.NewReader(x.body))
	f.SetCellValue("台账", "I3", "不是日期")
	var bad bytes.Buffer
	f.Write(&bad)
	r := post(bad.Bytes())
	if d := r.doc(t); r.status != 422 || !strings.Contains(d.Find("table.faults").Text(), "完成时限") || !strings.Contains(d.Find("table.faults").Text(), "3") {
		t.Fatalf("bad upload: %d %q", r.status, r.doc(t).Find(".flash.err").Text())
	}
	if r := post(x.body); r.status != 303 || !strings.Contains(r.header.Get("Location"), "imported=1") {
		t.Fatalf("upload: %d %s", r.status, r.header.Get("Location"))
	}
	if d := b.get(fmt.Sprintf("/app/ledger/%d?imported=1", dst)).doc(t); !strings.Contains(d.Find("table.items").Text(), "特岗教师招聘") {
		t.Fatal("imported item missing from the campaign page")
	}
}
