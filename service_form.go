package shishi

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A service's form is data, not code: a list of fields an office defines
// and changes without a release. Each change makes a new FormVersion; an
// application keeps the version it was submitted under, so its answers are
// always read and checked against the form the applicant saw.

// FormFieldType is what a form field holds.
type FormFieldType string

const (
	FormText   FormFieldType = "text"   // free text
	FormNumber FormFieldType = "number" // a decimal number
	FormDate   FormFieldType = "date"   // YYYY-MM-DD
	FormChoice FormFieldType = "choice" // one of Options
	FormMulti  FormFieldType = "multi"  // several of Options
	FormFile   FormFieldType = "file"   // uploaded files: [{name, sha256, size}]
	FormTable  FormFieldType = "table"  // rows of Columns
)

var formFieldTypeNames = map[FormFieldType][2]string{
	FormText: {"文本", "Text"}, FormNumber: {"数字", "Number"}, FormDate: {"日期", "Date"}, FormChoice: {"单选", "Choice"},
	FormMulti: {"多选", "Multiple choice"}, FormFile: {"附件", "Files"}, FormTable: {"表格", "Table rows"},
}

// Valid reports whether t is a known type.
func (t FormFieldType) Valid() bool { _, ok := formFieldTypeNames[t]; return ok }

// Label names the type.
func (t FormFieldType) Label(en bool) string { return label(formFieldTypeNames[t], string(t), en) }

// FormField is one field of a form. Limits depend on the type: MaxLength
// for text; Min and Max for numbers; MaxItems for multiple choice, files
// and table rows; Options for choices; Columns (no tables inside) for a
// table.
type FormField struct {
	Key       string        `json:"key"`
	Label     string        `json:"label"`
	LabelEn   string        `json:"label_en,omitempty"`
	Type      FormFieldType `json:"type"`
	Required  bool          `json:"required"`
	Help      string        `json:"help,omitempty"`
	MaxLength int           `json:"max_length,omitempty"`
	Min       *float64      `json:"min,omitempty"`
	Max       *float64      `json:"max,omitempty"`
	MaxItems  int           `json:"max_items,omitempty"`
	Options   []string      `json:"options,omitempty"`
	Columns   []FormField   `json:"columns,omitempty"`
	// Public: a text answer shown in the public case gallery once a
	// showcase is selected; nothing else of an application is shown.
	Public bool `json:"public,omitempty"`
}

// Form is one version of a service's form.
type Form struct {
	Version int         `json:"version"`
	Fields  []FormField `json:"fields"`
}

// MaxFormFields bounds a form (and a table's columns).
const MaxFormFields = 100

// MaxTextAnswer bounds a text answer when the field names no MaxLength.
const MaxTextAnswer = 20000

var formKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check validates a form's definition; every fault is named, as
// fields[i].what.
func (f *Form) Check() error {
	var v Validator
	if len(f.Fields) == 0 || len(f.Fields) > MaxFormFields {
		v.Add("fields", "表单须有 1–100 个字段 / a form has 1–100 fields")
	}
	checkFormFields(&v, "fields", f.Fields, true)
	return v.Err()
}

func checkFormFields(v *Validator, path string, fs []FormField, top bool) {
	seen := map[string]bool{}
	for i := range fs {
		fd := &fs[i]
		p := path + "[" + itoa(i) + "]."
		fd.Label, fd.Help = strings.TrimSpace(fd.Label), strings.TrimSpace(fd.Help)
		if !formKeyRE.MatchString(fd.Key) {
			v.Add(p+"key", "须为小写字母开头的 1–40 位字母、数字或下划线 / 1–40 lower-case letters, digits or '_', starting with a letter")
		} else if seen[fd.Key] {
			v.Add(p+"key", "字段重复 / repeated key: "+fd.Key)
		}
		seen[fd.Key] = true
		checkText(v, p+"label", fd.Label, 1, 100)
		checkText(v, p+"help", fd.Help, 0, 1000)
		if !fd.Type.Valid() || (!top && fd.Type == FormTable) {
			v.Add(p+"type", "须为 text、number、date、choice、multi、file 或 table（表格中不能再有表格）/ must be text, number, date, choice, multi, file or table (no table in a table)")
			continue
		}
		v.Check(fd.MaxLength >= 0 && fd.MaxLength <= MaxTextAnswer, p+"max_length", "须为 0–20000 / must be 0–20000")
		v.Check(fd.MaxItems >= 0 && fd.MaxItems <= 1000, p+"max_items", "须为 0–1000 / must be 0–1000")
		if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			v.Add(p+"max", "上限小于下限 / max is below min")
		}
		switch fd.Type {
		case FormChoice, FormMulti:
			if len(fd.Options) < 1 || len(fd.Options) > 200 {
				v.Add(p+"options", "须有 1–200 个选项 / 1–200 options")
			}
			dup := map[string]bool{}
			for _, o := range fd.Options {
				if strings.TrimSpace(o) == "" || dup[o] || utf8.RuneCountInString(o) > 100 {
					v.Add(p+"options", "选项为空、过长或重复 / an option is empty, too long or repeated")
					break
				}
				dup[o] = true
			}
		case FormTable:
			if len(fd.Columns) < 1 || len(fd.Columns) > 30 {
				v.Add(p+"columns", "表格须有 1–30 列 / a table has 1–30 columns")
			}
			checkFormFields(v, p+"columns", fd.Columns, false)
		}
	}
}

// FileAnswer is one file given in a file field: the upload it names by
// content hash.
type FileAnswer struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FileRef is one file an application's answers name: the field path as
// ParseAnswers names faults (answers.key, or answers.key[row].column for a
// table cell), its place N (from 1) in that field's list, and the file.
type FileRef struct {
	Field string
	N     int
	File  FileAnswer
}

// FileRefs lists the files named by answers that ParseAnswers normalised
// under this form, in form order. It goes by the form's field types, not
// by the JSON's shape: a table whose text columns happen to be called
// name and sha256 names no file. Who may hand in or download a file is
// decided on this list, so nothing else in the answers counts as one.
func (f *Form) FileRefs(answers json.RawMessage) []FileRef {
	var in map[string]json.RawMessage
	if json.Unmarshal(answers, &in) != nil {
		return nil
	}
	var out []FileRef
	files := func(field string, raw json.RawMessage) {
		var xs []FileAnswer
		if json.Unmarshal(raw, &xs) != nil {
			return
		}
		for i, x := range xs {
			if sha256RE.MatchString(x.SHA256) {
				out = append(out, FileRef{Field: field, N: i + 1, File: x})
			}
		}
	}
	for _, fd := range f.Fields {
		raw, ok := in[fd.Key]
		if !ok {
			continue
		}
		switch fd.Type {
		case FormFile:
			files("answers."+fd.Key, raw)
		case FormTable:
			var rows []map[string]json.RawMessage
			if json.Unmarshal(raw, &rows) != nil {
				continue
			}
			for i, row := range rows {
				for _, col := range fd.Columns {
					if cell, ok := row[col.Key]; ok && col.Type == FormFile {
						files("answers."+fd.Key+"["+itoa(i+1)+"]."+col.Key, cell)
					}
				}
			}
		}
	}
	return out
}

// ParseAnswers reads an applicant's answers (a JSON object keyed by field)
// against the form and returns them normalised as canonical JSON. Every
// bad answer is named at once — answers.key, or answers.key[row].column
// for a table cell — and an unknown key is a fault too. With partial (a
// draft), missing required answers are not faults.
func (f *Form) ParseAnswers(raw []byte, partial bool) (json.RawMessage, error) {
	var v Validator
	var in map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if len(bytes.TrimSpace(raw)) == 0 {
		in = map[string]json.RawMessage{}
	} else if err := dec.Decode(&in); err != nil || in == nil {
		return nil, Invalid(FieldError{Field: "answers", Message: "须为以字段名为键的 JSON 对象 / must be a JSON object keyed by field"})
	}
	out := map[string]any{}
	known := map[string]bool{}
	for _, fd := range f.Fields {
		known[fd.Key] = true
		if val, ok := parseAnswer(&v, "answers."+fd.Key, &fd, in[fd.Key], partial); ok {
			out[fd.Key] = val
		}
	}
	for k := range in {
		if !known[k] {
			v.Add("answers."+k, "表单中没有这个字段 / the form has no such field")
		}
	}
	if err := v.Err(); err != nil {
		sortFields(err)
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, Internal(err)
	}
	return b, nil
}

// sortFields orders faults by field name so the same bad input always
// gives the same report (map order would not).
func sortFields(err error) {
	fs := ErrorFields(err)
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Field < fs[j-1].Field; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// isEmptyAnswer: nothing given — no value, null, an empty text, or a list
// with no elements however it is spaced ("[ ]" too, or the answer would
// normalise to "[]" and be dropped only on a second reading).
func isEmptyAnswer(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	switch string(s) {
	case "", "null", `""`:
		return true
	}
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && len(bytes.TrimSpace(s[1:len(s)-1])) == 0
}

// parseAnswer checks one answer; ok is false when nothing is kept.
func parseAnswer(v *Validator, field string, fd *FormField, raw json.RawMessage, partial bool) (any, bool) {
	if isEmptyAnswer(raw) {
		if fd.Required && !partial {
			v.Add(field, "必填 / is required")
		}
		return nil, false
	}
	bad := func(msg string) (any, bool) { v.Add(field, msg); return nil, false }
	switch fd.Type {
	case FormText, FormChoice, FormDate:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return bad("须为文字 / must be a string")
		}
		s = strings.TrimSpace(s)
		switch fd.Type {
		case FormText:
			max := fd.MaxLength
			if max == 0 {
				max = MaxTextAnswer
			}
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				return bad("编码无效 / invalid text")
			} else if n := utf8.RuneCountInString(s); n > max {
				return bad("不能超过 " + itoa(max) + " 字 / at most " + itoa(max) + " characters")
			}
		case FormDate:
			if !Date(s).Valid() {
				return bad("日期须为 YYYY-MM-DD / must be a date YYYY-MM-DD")
			}
		case FormChoice:
			if !containsString(fd.Options, s) {
				return bad("不是可选项 / not one of the options")
			}
		}
		if s == "" {
			if fd.Required && !partial {
				return bad("必填 / is required")
			}
			return nil, false
		}
		return s, true
	case FormNumber:
		return parseNumber(v, field, fd, raw)
	case FormMulti:
		var xs []string
		if json.Unmarshal(raw, &xs) != nil {
			return bad("须为选项列表 / must be a list of options")
		}
		seen := map[string]bool{}
		for _, x := range xs {
			if !containsString(fd.Options, x) || seen[x] {
				return bad("含有非可选项或重复项 / holds an unknown or repeated option")
			}
			seen[x] = true
		}
		if fd.MaxItems > 0 && len(xs) > fd.MaxItems {
			return bad("最多选 " + itoa(fd.MaxItems) + " 项 / at most " + itoa(fd.MaxItems))
		}
		return xs, true
	case FormFile:
		var xs []FileAnswer
		if json.Unmarshal(raw, &xs) != nil {
			return bad("须为文件列表 [{name, sha256, size}] / must be a list of files [{name, sha256, size}]")
		}
		max := fd.MaxItems
		if max == 0 {
			max = 20
		}
		if len(xs) > max {
			return bad("最多 " + itoa(max) + " 个文件 / at most " + itoa(max) + " files")
		}
		for i, x := range xs {
			x.Name = strings.TrimSpace(x.Name)
			if x.Name == "" || utf8.RuneCountInString(x.Name) > 200 || !sha256RE.MatchString(x.SHA256) || x.Size < 0 || x.Size > MaxEvidence {
				return bad("第 " + itoa(i+1) + " 个文件的名称、哈希或大小无效 / file " + itoa(i+1) + " has a bad name, hash or size")
			}
			xs[i] = x
		}
		return xs, true
	case FormTable:
		return parseRows(v, field, fd, raw, partial)
	}
	return bad("未知字段类型 / unknown field type")
}

func parseNumber(v *Validator, field string, fd *FormField, raw json.RawMessage) (any, bool) {
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		v.Add(field, "须为数字 / must be a number")
		return nil, false
	}
	switch t := x.(type) {
	case json.Number:
		n = t
	case string: // a form post gives text
		n = json.Number(strings.TrimSpace(t))
	default:
		v.Add(field, "须为数字 / must be a number")
		return nil, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || len(n) > 40 {
		v.Add(field, "须为数字 / must be a number")
		return nil, false
	}
	if fd.Min != nil && f < *fd.Min {
		v.Add(field, "不能小于 "+fmtNum(*fd.Min)+" / must be at least "+fmtNum(*fd.Min))
		return nil, false
	}
	if fd.Max != nil && f > *fd.Max {
		v.Add(field, "不能大于 "+fmtNum(*fd.Max)+" / must be at most "+fmtNum(*fd.Max))
		return nil, false
	}
	// Kept as the decimal text given (normalised), never a float, so
	// 0.1 stays 0.1.
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), true
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func parseRows(v *Validator, field string, fd *FormField, raw json.RawMessage, partial bool) (any, bool) {
	var rows []map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&rows) != nil {
		v.Add(field, "须为行的列表 / must be a list of rows")
		return nil, false
	}
	max := fd.MaxItems
	if max == 0 {
		max = 500
	}
	if len(rows) > max {
		v.Add(field, "最多 "+itoa(max)+" 行 / at most "+itoa(max)+" rows")
		return nil, false
	}
	out := make([]map[string]any, 0, len(rows))
	before := len(v.fields)
	for i, row := range rows {
		m := map[string]any{}
		known := map[string]bool{}
		for _, col := range fd.Columns {
			known[col.Key] = true
			p := field + "[" + itoa(i+1) + "]." + col.Key
			if val, ok := parseAnswer(v, p, &col, row[col.Key], partial); ok {
				m[col.Key] = val
			}
		}
		for k := range row {
			if !known[k] {
				v.Add(field+"["+itoa(i+1)+"]."+k, "表格中没有这一列 / the table has no such column")
			}
		}
		out = append(out, m)
	}
	if len(v.fields) > before {
		return nil, false
	}
	return out, true
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
