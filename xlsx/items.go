// Package xlsx reads the item lists offices circulate as .xlsx and writes
// the ledger (台账) back in the same columns, so an exported ledger imports
// again. It is a leaf: the domain and excelize only. Bad files answer
// EINVALID with the row and column of every fault.
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/shishi-edu/shishi"
)

// Column names as offices write them; synonyms map to one meaning.
const (
	colSeq       = "序号"
	colCode      = "事项编号"
	colTitle     = "事项名称"
	colTier      = "层级"
	colLeader    = "牵头领导"
	colLead      = "牵头单位"
	colCoop      = "配合单位"
	colDesc      = "目标任务"
	colDeadline  = "完成时限"
	colPublic    = "是否公开"
	colTarget    = "指标名称"
	colKind      = "指标类型"
	colBaseline  = "基线值"
	colValue     = "目标值"
	colUnit      = "单位"
	colDirection = "指标方向"
	colWeight    = "权重"
	colMilestone = "里程碑"
)

var synonyms = map[string]string{
	"序号": colSeq, "编号": colCode, "事项编号": colCode, "事项名称": colTitle, "重点事项": colTitle, "事项": colTitle,
	"层级": colTier, "清单层级": colTier, "牵头领导": colLeader, "责任领导": colLeader, "牵头单位": colLead, "责任单位": colLead,
	"配合单位": colCoop, "协同单位": colCoop, "目标任务": colDesc, "工作目标": colDesc, "完成时限": colDeadline, "完成时间": colDeadline,
	"是否公开": colPublic, "公开": colPublic, "指标名称": colTarget, "指标": colTarget, "指标类型": colKind, "基线值": colBaseline,
	"基线": colBaseline, "目标值": colValue, "单位": colUnit, "计量单位": colUnit, "指标方向": colDirection, "权重": colWeight, "里程碑": colMilestone,
}

// planRE matches trajectory columns: "计划 2021-05", "2021-05计划".
var planRE = regexp.MustCompile(`^(?:计划\s*(\d{4}-\d{2})|(\d{4}-\d{2})\s*计划)$`)

// MaxRows bounds a sheet: a list larger than this is not an item list. A
// national campaign's ledger (100,000 items, one line per target) must
// load (performance issue: a 100,000-row import under 15 s).
const MaxRows = 200_000

// openItemSheet opens the sheet ReadItems reads: the one named 台账 or
// 清单, else the first.
func openItemSheet(r io.Reader) (*sheetRows, error) {
	notXLSX := func(err error) error {
		return shishi.Invalid(shishi.FieldError{Field: "file", Message: "不是有效的 .xlsx 文件 / not a valid .xlsx file: " + err.Error()})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, notXLSX(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, notXLSX(err)
	}
	rows, err := openSheet(z, func(names []string) int {
		at := 0
		for i, s := range names {
			if s == "台账" || s == "清单" {
				at = i
			}
		}
		return at
	})
	switch {
	case errors.Is(err, errNoSheet):
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "工作簿没有工作表 / the workbook has no sheet"})
	case errors.Is(err, errNoWorkbook):
		return nil, notXLSX(err)
	case err != nil:
		return nil, shishi.Invalid(shishi.FieldError{Field: "file", Message: "无法读取工作表 / cannot read the sheet: " + err.Error()})
	}
	return rows, nil
}

// ReadItems parses the first sheet (or the one named 台账 / 清单). Every
// fault is collected, each with its row and column, so the office fixes
// the file in one pass.
func ReadItems(r io.Reader) ([]shishi.ItemRow, error) {
	rows, err := openItemSheet(r)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var faults []shishi.FieldError
	fault := func(row int, col, msg string) {
		if len(faults) < 200 {
			faults = append(faults, shishi.FieldError{Field: col, Row: row, Message: msg})
		}
	}
	cols := map[string]int{}
	plan := map[int]shishi.Period{}
	headerRow := 0
	var out []shishi.ItemRow
	var cur *shishi.ItemRow
	n := 0
	for rows.Next() {
		n = rows.Row()
		if n > MaxRows {
			fault(n, "file", fmt.Sprintf("超过 %d 行 / more than %d rows", MaxRows, MaxRows))
			break
		}
		cells, err := rows.Columns()
		if err != nil {
			fault(n, "file", "无法读取该行 / unreadable row")
			continue
		}
		if headerRow == 0 {
			// The header is the first row that names a title column; title
			// rows above it (e.g. "2021年重点事项清单") are skipped.
			for i, c := range cells {
				name := strings.TrimSpace(strings.ReplaceAll(c, "\n", ""))
				if canon, ok := synonyms[name]; ok {
					cols[canon] = i
				} else if m := planRE.FindStringSubmatch(name); m != nil {
					p := shishi.Period(m[1] + m[2])
					if !p.Valid() {
						fault(n, name, "计划月份无效 / invalid plan month")
					}
					plan[i] = p
				}
			}
			if _, ok := cols[colTitle]; ok {
				headerRow = n
				for _, need := range []string{colTitle, colLead, colDeadline} {
					if _, ok := cols[need]; !ok {
						fault(n, need, "缺少必需的列 / required column missing")
					}
				}
			} else {
				cols, plan = map[string]int{}, map[int]shishi.Period{}
			}
			continue
		}
		get := func(col string) string {
			i, ok := cols[col]
			if !ok || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		title := get(colTitle)
		if title != "" {
			out = append(out, shishi.ItemRow{Row: n, Seq: get(colSeq), Code: get(colCode), Title: title, Tier: get(colTier),
				Leader: get(colLeader), LeadUnit: get(colLead), Description: get(colDesc)})
			cur = &out[len(out)-1]
			for _, u := range strings.FieldsFunc(get(colCoop), func(r rune) bool { return strings.ContainsRune("、,，;；\n", r) }) {
				if u = strings.TrimSpace(u); u != "" {
					cur.CoopUnits = append(cur.CoopUnits, u)
				}
			}
			if cur.LeadUnit == "" {
				fault(n, colLead, "牵头单位不能为空 / lead unit is required")
			}
			if d, err := parseDate(get(colDeadline)); err != nil {
				fault(n, colDeadline, err.Error())
			} else {
				cur.Deadline = d
			}
			switch p := get(colPublic); p {
			case "", "否", "内部", "no", "false", "0":
			case "是", "公开", "yes", "true", "1":
				cur.Public = true
			default:
				fault(n, colPublic, "须为“是”或“否” / must be 是 or 否")
			}
		} else if cur == nil {
			fault(n, colTitle, "事项名称不能为空 / item title is required")
			continue
		}
		if name := get(colTarget); name != "" {
			t, errs := readTarget(cells, cols, plan, get)
			for _, e := range errs {
				fault(n, e.Field, e.Message)
			}
			cur.Targets = append(cur.Targets, shishi.TargetRow{Row: n, Input: t})
		}
	}
	if err := rows.Err(); err != nil {
		fault(n, "file", "读取失败 / read error: "+err.Error())
	}
	if headerRow == 0 {
		fault(1, colTitle, "找不到表头（须含“事项名称”列）/ no header row with an 事项名称 column")
	}
	if len(faults) == 0 && len(out) == 0 {
		fault(headerRow+1, colTitle, "表中没有事项 / the sheet lists no items")
	}
	if len(faults) > 0 {
		e := shishi.Invalid(faults...)
		e.Message = fmt.Sprintf("表格有 %d 处错误，未导入任何事项 / %d faults in the file; nothing imported", len(faults), len(faults))
		if len(faults) == 1 {
			e.Message = fmt.Sprintf("第 %d 行“%s”：%s", faults[0].Row, faults[0].Field, faults[0].Message)
		}
		return nil, e
	}
	return out, nil
}

func readTarget(cells []string, cols map[string]int, plan map[int]shishi.Period, get func(string) string) (shishi.TargetInput, []shishi.FieldError) {
	var errs []shishi.FieldError
	bad := func(col, msg string) { errs = append(errs, shishi.FieldError{Field: col, Message: msg}) }
	t := shishi.TargetInput{Name: get(colTarget), Unit: get(colUnit), Kind: shishi.TargetQuantity}
	switch k := get(colKind); k {
	case "", "数量", "定量", "quantity":
	case "里程碑", "节点", "milestone":
		t.Kind = shishi.TargetMilestone
	default:
		bad(colKind, "须为“数量”或“里程碑” / must be 数量 or 里程碑")
	}
	switch get(colDirection) {
	case "", "越大越好", "上升", "up":
	case "越小越好", "下降", "down":
		t.Down = true
	default:
		bad(colDirection, "须为“越大越好”或“越小越好” / must be 越大越好 or 越小越好")
	}
	if w := get(colWeight); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > 100 {
			bad(colWeight, "须为 1–100 的整数 / must be an integer 1–100")
		}
		t.Weight = n
	}
	if t.Kind == shishi.TargetMilestone {
		ms, err := parseMilestones(get(colMilestone))
		if err != nil {
			bad(colMilestone, err.Error())
		}
		t.Milestones = ms
		return t, errs
	}
	num := func(col string, required bool) shishi.Decimal {
		s := get(col)
		if s == "" {
			if required {
				bad(col, "不能为空 / is required")
			}
			return 0
		}
		d, err := shishi.ParseDecimal(strings.TrimSuffix(s, "%"))
		if err != nil {
			bad(col, "须为数字 / must be a number: "+s)
		}
		return d
	}
	t.Baseline = num(colBaseline, false)
	t.Target = num(colValue, true)
	var idx []int
	for i := range plan {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		if i >= len(cells) || strings.TrimSpace(cells[i]) == "" {
			continue
		}
		d, err := shishi.ParseDecimal(strings.TrimSpace(cells[i]))
		if err != nil {
			bad("计划 "+string(plan[i]), "须为数字 / must be a number")
			continue
		}
		t.Plan = append(t.Plan, shishi.PlanPoint{Period: plan[i], Value: d})
	}
	return t, errs
}

var dateSeparators = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "")

// parseDate reads a deadline as offices type it: 2021-12-31, 2021/12/31,
// 2021.12.31, 2021年12月31日, 2021年12月 (the month's end), or an Excel
// date serial number.
func parseDate(s string) (shishi.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("完成时限不能为空 / deadline is required")
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 20000 && n < 80000 {
		t, err := excelize.ExcelDateToTime(n, false)
		if err == nil {
			return shishi.Date(t.Format("2006-01-02")), nil
		}
	}
	norm := strings.Trim(dateSeparators.Replace(s), "-")
	parts := strings.Split(norm, "-")
	if len(parts) == 2 {
		y, err1 := strconv.Atoi(parts[0])
		m, err2 := strconv.Atoi(parts[1])
		if err1 == nil && err2 == nil && m >= 1 && m <= 12 {
			return shishi.Period(fmt.Sprintf("%04d-%02d", y, m)).End(), nil
		}
	}
	if len(parts) == 3 {
		y, err1 := strconv.Atoi(parts[0])
		m, err2 := strconv.Atoi(parts[1])
		d, err3 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && err3 == nil {
			if dd, err := shishi.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, m, d)); err == nil {
				return dd, nil
			}
		}
	}
	return "", fmt.Errorf("无法识别的日期 / not a date: %q", s)
}

// parseMilestones reads one milestone a line: "2021-09-30 印发通知",
// optionally ending "[完成 2021-09-20]".
func parseMilestones(s string) ([]shishi.Milestone, error) {
	var out []shishi.Milestone
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		due, rest, ok := strings.Cut(line, " ")
		d, err := parseDate(due)
		if !ok || err != nil {
			return nil, fmt.Errorf("第 %d 个里程碑须以日期开头 / milestone %d must start with its date", i+1, i+1)
		}
		m := shishi.Milestone{Due: d, Title: strings.TrimSpace(rest)}
		if j := strings.LastIndex(m.Title, "[完成 "); j >= 0 && strings.HasSuffix(m.Title, "]") {
			done, err := parseDate(strings.TrimSuffix(m.Title[j+len("[完成 "):], "]"))
			if err != nil {
				return nil, fmt.Errorf("第 %d 个里程碑的完成日期无效 / milestone %d: invalid done date", i+1, i+1)
			}
			m.DoneOn, m.Title = done, strings.TrimSpace(m.Title[:j])
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("里程碑类指标须列出里程碑 / a milestone target needs milestones")
	}
	return out, nil
}
