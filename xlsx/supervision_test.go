package xlsx

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
)

// TestWriteSupervisionReport: the report's three sheets hold the unit
// lines with the total, each finding with its warning filled in colour,
// and the visits.
func TestWriteSupervisionReport(t *testing.T) {
	signed := time.Date(2021, 10, 11, 2, 0, 0, 0, time.UTC)
	line := func(name string, visits, found, red int) shishi.ReportLine {
		return shishi.ReportLine{Unit: shishi.UnitRef{Name: name}, Visits: visits, Findings: found, Severity: map[string]int{"major": found},
			Open: map[shishi.Colour]int{shishi.ColourRed: red}}
	}
	rep := &shishi.SupervisionReport{
		Group: &shishi.Group{Kind: shishi.GroupInspection, Name: "第三督查组", Theme: "五项管理", OwnerUnit: shishi.UnitRef{Name: "教育部"},
			Leader: shishi.UserRef{Name: "张强"}, Members: []shishi.UserRef{{Name: "张强"}, {Name: "李明"}}, UnitCount: 2},
		From: "2021-09-01", To: "2021-12-31", AsOf: "2021-12-21",
		Lines: []shishi.ReportLine{line("河南省教育厅", 2, 1, 1), line("河北省教育厅", 1, 0, 0)},
		Total: line("合计", 3, 1, 1),
		Findings: []*shishi.Finding{
			{ID: 7, Unit: shishi.UnitRef{Name: "河南省教育厅"}, Severity: shishi.SeverityMajor, Description: "作业总量超标", RaisedOn: "2021-09-29", Days: 5,
				Deadline: "2021-10-12", Status: shishi.FindingRectifying, Colour: shishi.ColourRed, EscalatedTo: &shishi.UnitRef{Name: "教育部"}},
			{ID: 8, Unit: shishi.UnitRef{Name: "河南省教育厅"}, Severity: shishi.SeverityMinor, Description: "制度未上墙", RaisedOn: "2021-09-29", Days: 10,
				Deadline: "2021-10-20", Status: shishi.FindingSignedOff, Colour: shishi.ColourNone, SignedOffAt: &signed},
		},
		Visits: []*shishi.Visit{{Unit: shishi.UnitRef{Name: "河南省教育厅"}, Status: shishi.VisitDone, PlannedOn: "2021-09-28", VisitedOn: "2021-09-29", Record: "座谈", FindingCount: 2}},
	}
	var buf bytes.Buffer
	if err := WriteSupervisionReport(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 3 || got[0] != "督导报告" || got[1] != "问题清单" || got[2] != "走访记录" {
		t.Fatalf("sheets %v", got)
	}
	title, _ := f.GetCellValue("督导报告", "A1")
	if title != "第三督查组工作报告（2021-09-01 至 2021-12-31）" {
		t.Fatalf("title %q", title)
	}
	rows, _ := f.GetRows("督导报告")
	total := rows[len(rows)-1]
	if total[1] != "合计" || total[2] != "3" || total[11] != "1" {
		t.Fatalf("total row %v", total)
	}
	rows, _ = f.GetRows("问题清单")
	if len(rows) != 3 || rows[1][8] != "超期" || rows[2][8] != "—" || rows[1][9] != "教育部" || rows[2][10] != "2021-10-11" {
		t.Fatalf("findings %v", rows)
	}
	style, _ := f.GetCellStyle("问题清单", "I2")
	st, _ := f.GetStyle(style)
	if st.Fill.Color[0] != "FFCDD2" {
		t.Fatalf("red warning filled %v", st.Fill.Color)
	}
	if rows, _ := f.GetRows("走访记录"); len(rows) != 2 || rows[1][0] != "2021-09-29" {
		t.Fatalf("visits %v", rows)
	}
}
