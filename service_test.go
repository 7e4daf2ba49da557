package shishi

import (
	"encoding/json"
	"strings"
	"testing"
)

func fp(f float64) *float64 { return &f }

// fuzzForm holds one field of every type, so the fuzzer reaches each parser.
var fuzzForm = Form{Version: 1, Fields: []FormField{
	{Key: "t", Label: "文本", Type: FormText, Required: true, MaxLength: 10},
	{Key: "n", Label: "数字", Type: FormNumber, Min: fp(-5), Max: fp(100)},
	{Key: "d", Label: "日期", Type: FormDate},
	{Key: "c", Label: "单选", Type: FormChoice, Options: []string{"甲", "乙"}},
	{Key: "m", Label: "多选", Type: FormMulti, Options: []string{"甲", "乙", "丙"}, MaxItems: 2},
	{Key: "f", Label: "附件", Type: FormFile, MaxItems: 2},
	{Key: "rows", Label: "表格", Type: FormTable, MaxItems: 3, Columns: []FormField{
		{Key: "a", Label: "甲", Type: FormText, Required: true},
		{Key: "b", Label: "乙", Type: FormNumber, Max: fp(9)},
	}},
}}

// TestParseAnswers: good answers come back normalised (numbers as decimal
// text, text trimmed); each bad one is named, table cells by row.
func TestParseAnswers(t *testing.T) {
	if err := fuzzForm.Check(); err != nil {
		t.Fatal(err)
	}
	out, err := fuzzForm.ParseAnswers([]byte(`{"t":" 你好 ","n":"0.10","d":"2026-11-29","c":"甲","m":["乙"],"rows":[{"a":"x","b":3}]}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"c":"甲","d":"2026-11-29","m":["乙"],"n":0.1,"rows":[{"a":"x","b":3}],"t":"你好"}` {
		t.Fatalf("normalised: %s", out)
	}
	_, err = fuzzForm.ParseAnswers([]byte(`{"t":"","n":101,"d":"2026-02-30","c":"丁","m":["甲","乙","丙"],"f":[{"name":"","sha256":"x"}],"rows":[{"b":10},{"a":"ok","zz":1}],"q":1}`), false)
	got := map[string]bool{}
	for _, f := range ErrorFields(err) {
		got[f.Field] = true
	}
	want := []string{"answers.t", "answers.n", "answers.d", "answers.c", "answers.m", "answers.f", "answers.rows[1].a", "answers.rows[1].b", "answers.rows[2].zz", "answers.q"}
	for _, k := range want {
		if !got[k] {
			t.Errorf("no fault for %s: %v", k, ErrorFields(err))
		}
	}
	if len(got) != len(want) {
		t.Errorf("faults %v", ErrorFields(err))
	}
	if _, err := fuzzForm.ParseAnswers([]byte(`[1,2]`), false); ErrorFields(err)[0].Field != "answers" {
		t.Errorf("not an object: %v", err)
	}
	// A draft may leave required answers out, not give wrong ones.
	if _, err := fuzzForm.ParseAnswers([]byte(`{}`), true); err != nil {
		t.Errorf("empty draft: %v", err)
	}
	if _, err := fuzzForm.ParseAnswers([]byte(`{"n":"x"}`), true); err == nil {
		t.Error("a wrong number in a draft")
	}
}

func TestWorkflowAndRubric(t *testing.T) {
	in := ServiceInput{Code: "x", Name: "", Applicants: "all", OpensOn: "2026-12-01", ClosesOn: "2026-11-01",
		Workflow: Workflow{{Kind: StepDecision, Role: RoleOffice, Days: 5}, {Kind: StepCheck, Role: RoleAdmin, Days: 0}, {Kind: StepReview, Role: RoleOffice, Days: 3}},
		Fields:   []FormField{{Key: "a", Label: "A", Type: FormTable}}}
	err := in.Validate()
	got := map[string]bool{}
	for _, f := range ErrorFields(err) {
		got[f.Field] = true
	}
	for _, k := range []string{"code", "name", "owner_unit_id", "applicants", "closes_on", "workflow[1].kind", "workflow[1].role", "workflow[1].days",
		"workflow[2].kind", "workflow[2].reviewers", "rubric", "fields[0].columns"} {
		if !got[k] {
			t.Errorf("no fault for %s: %v", k, ErrorFields(err))
		}
	}
	r := Rubric{{Key: "a", Label: "A", Weight: 3, Max: 10}, {Key: "b", Label: "B", Weight: 1, Max: 5}}
	if tot, faults := r.Total(map[string]int{"a": 10, "b": 0}); len(faults) != 0 || tot != 75 {
		t.Errorf("total %v %v", tot, faults)
	}
	if m, tm := Mean([]float64{60, 70, 95}), TrimmedMean([]float64{60, 70, 95}); m != 75 || tm != 70 {
		t.Errorf("mean %v trimmed %v", m, tm)
	}
	if tm := TrimmedMean([]float64{60, 80}); tm != 70 {
		t.Errorf("trimmed of two %v", tm)
	}
	if _, err := FindAppTransition("approve", AppDraft); ErrorCode(err) != ECONFLICT {
		t.Errorf("approve a draft: %v", err)
	}
	if _, err := FindAppTransition("fly", AppDraft); ErrorCode(err) != EINVALID {
		t.Errorf("unknown action: %v", err)
	}
}

// FuzzParseAnswers: whatever an applicant sends, the parser answers with
// normalised JSON that parses again to itself, or an EINVALID naming only
// answers fields; it never panics.
func FuzzParseAnswers(f *testing.F) {
	f.Add([]byte(`{"t":"你好","n":"0.10","d":"2026-11-29","c":"甲","m":["乙"],"rows":[{"a":"x","b":3}]}`), false)
	f.Add([]byte(`{"t":"","n":1e999,"rows":[{"b":"NaN"}],"f":[{"name":"a","sha256":"`+strings.Repeat("a", 64)+`","size":1}]}`), true)
	f.Add([]byte(`null`), false)
	f.Add([]byte(`{"m":"甲"}`), true)
	f.Fuzz(func(t *testing.T, raw []byte, partial bool) {
		out, err := fuzzForm.ParseAnswers(raw, partial)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", raw, err)
			}
			for _, fe := range ErrorFields(err) {
				if !strings.HasPrefix(fe.Field, "answers") || fe.Message == "" {
					t.Fatalf("%q: fault %+v", raw, fe)
				}
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%q gave invalid JSON %q", raw, out)
		}
		again, err := fuzzForm.ParseAnswers(out, partial)
		if err != nil || string(again) != string(out) {
			t.Fatalf("%q → %s → %s, %v", raw, out, again, err)
		}
	})
}

// TestFileRefs: files are found by the form's field types — a top-level
// file field and a file column of a table, each named by its path — and a
// table whose text columns are called name and sha256 names no file.
func TestFileRefs(t *testing.T) {
	h1, h2, h3 := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	form := Form{Version: 1, Fields: []FormField{
		{Key: "plan", Label: "申报书", Type: FormFile},
		{Key: "members", Label: "成员", Type: FormTable, Columns: []FormField{
			{Key: "name", Label: "姓名", Type: FormText},
			{Key: "scan", Label: "证件扫描件", Type: FormFile},
		}},
		{Key: "files", Label: "伪装的表格", Type: FormTable, Columns: []FormField{
			{Key: "name", Label: "名称", Type: FormText},
			{Key: "sha256", Label: "哈希", Type: FormText},
		}},
	}}
	if err := form.Check(); err != nil {
		t.Fatal(err)
	}
	answers, err := form.ParseAnswers([]byte(`{"plan":[{"name":"a.pdf","sha256":"`+h1+`","size":1}],
		"members":[{"name":"王芳"},{"name":"李强","scan":[{"name":"x.png","sha256":"`+h2+`","size":2},{"name":"y.png","sha256":"`+h1+`","size":1}]}],
		"files":[{"name":"z.pdf","sha256":"`+h3+`"}]}`), false)
	if err != nil {
		t.Fatal(err)
	}
	got := form.FileRefs(answers)
	want := []FileRef{{"answers.plan", 1, FileAnswer{"a.pdf", h1, 1}}, {"answers.members[2].scan", 1, FileAnswer{"x.png", h2, 2}},
		{"answers.members[2].scan", 2, FileAnswer{"y.png", h1, 1}}}
	if len(got) != len(want) {
		t.Fatalf("refs %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ref %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if refs := form.FileRefs(json.RawMessage(`not json`)); refs != nil {
		t.Errorf("garbage: %+v", refs)
	}
}
