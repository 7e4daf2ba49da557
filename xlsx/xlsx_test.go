package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
)

func dec(s string) shishi.Decimal {
	d, err := shishi.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func sampleItems() (*shishi.Campaign, []*shishi.Item) {
	c := &shishi.Campaign{Name: "河南省教育厅“我为群众办实事”实践活动", StartsOn: "2021-05-01", EndsOn: "2021-12-31", AsOf: "2021-10-20"}
	actual := dec("3364")
	comp := 48.06
	items := []*shishi.Item{
		{Code: "HA-08", Title: "抓好农村教师周转宿舍建设项目", TierName: "厅机关办实事重点事项", LeaderName: "分管副厅长",
			LeadUnit: shishi.UnitRef{Name: "河南省教育厅"}, CoopUnits: []shishi.UnitRef{{Name: "郑州市教育局"}, {Name: "洛阳市教育局"}},
			Description: "实施建设进度月报告制度", Deadline: "2021-12-31", Public: true, Status: shishi.StatusInProgress, RAG: shishi.RAGAmber, Completion: &comp,
			Targets: []shishi.Target{
				{Name: "周转宿舍开工", Kind: shishi.TargetQuantity, Unit: "套", Target: dec("7000"), Weight: 1},
				{Name: "周转宿舍建成", Kind: shishi.TargetQuantity, Unit: "套", Target: dec("7000"), Weight: 2, Actual: &actual, Completion: 48.06,
					Plan: []shishi.PlanPoint{{Period: "2021-06", Value: dec("1000")}, {Period: "2021-09", Value: dec("3500")}, {Period: "2021-12", Value: dec("7000")}}},
			}},
		{Code: "HA-10", Title: "开通中职学籍和毕业证书网络查询", TierName: "厅机关办实事重点事项", LeadUnit: shishi.UnitRef{Name: "河南省教育厅"},
			Deadline: "2021-10-31", Status: shishi.StatusClosed,
			Targets: []shishi.Target{{Name: "查询事项上线", Kind: shishi.TargetMilestone, Weight: 1, Milestones: []shishi.Milestone{
				{Title: "开通中职毕业证书查询", Due: "2021-09-30", DoneOn: "2021-09-15"}, {Title: "开通中职学籍查询", Due: "2021-10-31"}}}}},
		{Code: "HA-11", Title: "没有指标的事项", TierName: "其他", LeadUnit: shishi.UnitRef{Name: "河南省教育厅"}, Deadline: "2021-12-31", Status: shishi.StatusDraft},
	}
	return c, items
}

// TestRoundTrip: the exported ledger reads back as the same list.
func TestRoundTrip(t *testing.T) {
	c, items := sampleItems()
	var buf bytes.Buffer
	if err := WriteLedger(&buf, c, items); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadItems(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("read back: %v %v", err, shishi.ErrorFields(err))
	}
	if len(rows) != 3 {
		t.Fatalf("%d items", len(rows))
	}
	r := rows[0]
	if r.Code != "HA-08" || r.Title != items[0].Title || r.Tier != "厅机关办实事重点事项" || r.LeadUnit != "河南省教育厅" || !r.Public ||
		r.Deadline != "2021-12-31" || strings.Join(r.CoopUnits, "|") != "郑州市教育局|洛阳市教育局" || r.Leader != "分管副厅长" || r.Row != 3 {
		t.Fatalf("item 1: %+v", r)
	}
	if len(r.Targets) != 2 || r.Targets[1].Input.Target != dec("7000") || r.Targets[1].Input.Weight != 2 || len(r.Targets[1].Input.Plan) != 3 ||
		r.Targets[1].Input.Plan[1].Value != dec("3500") || r.Targets[1].Row != 4 {
		t.Fatalf("item 1 targets: %+v", r.Targets)
	}
	m := rows[1].Targets[0].Input
	if m.Kind != shishi.TargetMilestone || len(m.Milestones) != 2 || m.Milestones[0].DoneOn != "2021-09-15" || m.Milestones[1].DoneOn != "" {
		t.Fatalf("milestones: %+v", m)
	}
	if len(rows[2].Targets) != 0 || rows[2].Tier != "其他" {
		t.Fatalf("item 3: %+v", rows[2])
	}
	// The sheet itself: frozen header, title row, RAG fill on completion.
	f, _ := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	panes, err := f.GetPanes("台账")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Fatalf("panes %+v %v", panes, err)
	}
	v, _ := f.GetCellValue("台账", "T4")
	if v != "48.06" {
		t.Fatalf("completion cell %q", v)
	}
}

// sheet builds a workbook from rows of cells.
func sheet(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadOfficeSheet(t *testing.T) {
	// The form offices circulate: a title row, synonyms, Chinese dates, 万.
	b := sheet(t,
		[]any{"2021年厅机关办实事重点事项清单"},
		[]any{"序号", "重点事项", "责任单位", "协同单位", "完成时间", "指标", "目标值", "计量单位", "2021-09计划"},
		[]any{1, "促进全省青年大学生充分就业", "河南省教育厅", "郑州大学，河南大学", "2021年12月", "提供岗位", "300万", "个", "200万"},
		[]any{"", "", "", "", "", "线上招聘活动", 8000, "场"},
	)
	rows, err := ReadItems(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%v %v", err, shishi.ErrorFields(err))
	}
	if len(rows) != 1 || rows[0].Deadline != "2021-12-31" || len(rows[0].CoopUnits) != 2 || len(rows[0].Targets) != 2 ||
		rows[0].Targets[0].Input.Target != dec("3000000") || rows[0].Targets[0].Input.Plan[0].Period != "2021-09" {
		t.Fatalf("%+v", rows)
	}
}

func TestReadBadSheets(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		row  int
		col  string
	}{
		{"not xlsx", []byte("序号,事项名称\n1,x\n"), 0, "file"},
		{"no header", sheet(t, []any{"a", "b"}, []any{1, 2}), 1, "事项名称"},
		{"missing lead unit column", sheet(t, []any{"事项名称", "完成时限"}, []any{"x", "2021-12-31"}), 1, "牵头单位"},
		{"bad date", sheet(t, []any{"事项名称", "牵头单位", "完成时限"}, []any{"x", "河南省教育厅", "2021-12-31"}, []any{"y", "河南省教育厅", "明年"}), 3, "完成时限"},
		{"bad number", sheet(t, []any{"事项名称", "牵头单位", "完成时限", "指标名称", "目标值"}, []any{"x", "厅", "2021-12-31", "场次", "很多"}), 2, "目标值"},
		{"target before any item", sheet(t, []any{"事项名称", "牵头单位", "完成时限", "指标名称", "目标值"}, []any{"", "", "", "场次", 5}), 2, "事项名称"},
		{"bad public flag", sheet(t, []any{"事项名称", "牵头单位", "完成时限", "是否公开"}, []any{"x", "厅", "2021-12-31", "也许"}), 2, "是否公开"},
		{"empty list", sheet(t, []any{"事项名称", "牵头单位", "完成时限"}), 2, "事项名称"},
		{"bad milestone", sheet(t, []any{"事项名称", "牵头单位", "完成时限", "指标名称", "指标类型", "里程碑"}, []any{"x", "厅", "2021-12-31", "节点", "里程碑", "印发通知"}), 2, "里程碑"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadItems(bytes.NewReader(c.file))
			if shishi.ErrorCode(err) != shishi.EINVALID {
				t.Fatalf("err %v", err)
			}
			for _, f := range shishi.ErrorFields(err) {
				if f.Field == c.col && (c.row == 0 || f.Row == c.row) {
					return
				}
			}
			t.Fatalf("no fault at row %d column %s: %v", c.row, c.col, shishi.ErrorFields(err))
		})
	}
}

func FuzzReadItems(f *testing.F) {
	c, items := sampleItems()
	var buf bytes.Buffer
	if err := WriteLedger(&buf, c, items); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ReadItems(bytes.NewReader(b))
		if err != nil {
			if shishi.ErrorCode(err) != shishi.EINVALID {
				t.Fatalf("non-EINVALID error: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Title == "" || !r.Deadline.Valid() || r.LeadUnit == "" {
				t.Fatalf("accepted an incomplete row: %+v", r)
			}
		}
	})
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]shishi.Date{"2021-12-31": "2021-12-31", "2021/9/30": "2021-09-30", "2021.10.20": "2021-10-20",
		"2021年12月31日": "2021-12-31", "2021年2月": "2021-02-28", "44561": "2021-12-31"} {
		if got, err := parseDate(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2021-02-30", "明年", "2021-13", "12/31/2021x"} {
		if _, err := parseDate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
