package demo

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The certificates of the demo (module E): 教育部教育考试院 (the former
// 教育部考试中心, renamed in 2023) issues CET score reports, 1,000 of them;
// a Henan secondary vocational school records 学籍, graduation and the
// physical-fitness grade, which the province opened to online query (the
// second seed document); 郑州大学 issues graduation certificates.

// CredentialServices is what the certificate demo needs.
type CredentialServices struct {
	Units       shishi.UnitService
	Credentials shishi.CredentialService
}

// CETReports is the number of demo CET score reports.
const CETReports = 1000

// creditCode completes 17 characters with the GB 32100 check character.
func creditCode(body string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		for j := 0; j < len(chars); j++ {
			if chars[j] == body[i] {
				sum += j * w[i]
			}
		}
	}
	return body + string(chars[(31-sum%31)%31])
}

// idNumber makes a resident identity number with a valid check digit.
func idNumber(region string, born string, seq int) string {
	body := region + born + fmt.Sprintf("%03d", seq%1000)
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
	givens   = []string{"子涵", "欣怡", "浩然", "雨桐", "梓轩", "思彤", "宇航", "佳怡", "俊杰", "诗雨", "天佑", "若曦", "博文", "雅琪", "明轩", "可馨"}
)

func person(i int) string {
	return string(surnames[i%len(surnames)]) + givens[(i/len(surnames))%len(givens)]
}

// table is an in-memory RowSource.
type table struct {
	header []string
	rows   [][]string
	i      int
}

func (t *table) Header() []string { return t.header }
func (t *table) Next() (int, []string, error) {
	if t.i >= len(t.rows) {
		return 0, nil, io.EOF
	}
	t.i++
	return t.i + 1, t.rows[t.i-1], nil
}

// CETFields are the fields of a CET score report (成绩报告单).
func CETFields() []shishi.CredentialField {
	return []shishi.CredentialField{
		field("fullName", "姓名", "Name", shishi.FieldName, true, true),
		field("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, true, false),
		field("admissionNumber", "准考证号", "Admission number", shishi.FieldText, true, true),
		field("examSession", "考试时间", "Exam session", shishi.FieldText, true, true),
		field("totalScore", "总分", "Total score", shishi.FieldInteger, true, true),
		field("listening", "听力", "Listening", shishi.FieldInteger, true, false),
		field("reading", "阅读", "Reading", shishi.FieldInteger, true, false),
		field("writingTranslation", "写作与翻译", "Writing and translation", shishi.FieldInteger, true, false),
	}
}

// CETHeader is the header row of a CET score report sheet (the labels).
var CETHeader = []string{"姓名", "证件号码", "准考证号", "考试时间", "总分", "听力", "阅读", "写作与翻译"}

// CETRow is the i-th candidate's score report, the same on every call:
// the demo's reports and the bulk benchmark's sheet.
func CETRow(i int) []string {
	l, r, w := 100+(i*37)%149, 100+(i*53)%149, 80+(i*29)%133
	return []string{person(i), idNumber("410105", "2001"+fmt.Sprintf("%02d%02d", 1+i%12, 1+i%28), i),
		fmt.Sprintf("4101012112%05d", i+1), "2021年6月", strconv.Itoa(l + r + w), strconv.Itoa(l), strconv.Itoa(r), strconv.Itoa(w)}
}

func field(key, label, en string, kind shishi.FieldKind, required, public bool) shishi.CredentialField {
	return shishi.CredentialField{Key: key, Label: label, LabelEn: en, Kind: kind, Required: required, Public: public}
}

// SeedCredentials creates the issuers, their types and the credentials.
func SeedCredentials(ctx context.Context, svc CredentialServices, progress func(done, total int)) error {
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	unit := func(code string) (*shishi.Unit, error) {
		us, _, err := svc.Units.FindUnits(sys, shishi.UnitFilter{Code: code, Limit: 1})
		if err != nil || len(us) != 1 {
			return nil, fmt.Errorf("demo credentials: no unit %s: %v", code, err)
		}
		return us[0], nil
	}
	neea, err := unit("neea")
	if err != nil {
		return err
	}
	name, cc := "教育部教育考试院", creditCode("12100000400010253")
	if _, err := svc.Units.UpdateUnit(sys, neea.ID, neea.Version, shishi.UnitPatch{Name: &name, CreditCode: &cc}); err != nil {
		return fmt.Errorf("demo credentials: %w", err)
	}
	zz, err := unit("ha-zz")
	if err != nil {
		return err
	}
	school, err := svc.Units.CreateUnit(sys, shishi.UnitInput{ParentID: &zz.ID, Code: "ha-zz-cmxx", Name: "郑州市财贸学校",
		NameEN: "Zhengzhou Finance and Trade School", Kind: shishi.UnitSchool, CreditCode: creditCode("12410100416040000")})
	if err != nil {
		return fmt.Errorf("demo credentials: %w", err)
	}
	ni, err := svc.Credentials.CreateIssuer(sys, neea.ID, true) // also signs with SM2 (国密)
	if err != nil {
		return err
	}
	si, err := svc.Credentials.CreateIssuer(sys, school.ID, false)
	if err != nil {
		return err
	}
	zzu, err := unit("ha-zzu")
	if err != nil {
		return err
	}
	zzuCC := creditCode("12410000415800953")
	if _, err := svc.Units.UpdateUnit(sys, zzu.ID, zzu.Version, shishi.UnitPatch{CreditCode: &zzuCC}); err != nil {
		return fmt.Errorf("demo credentials: %w", err)
	}
	ui, err := svc.Credentials.CreateIssuer(sys, zzu.ID, false)
	if err != nil {
		return err
	}
	cetFields := CETFields()
	types := []*shishi.CredentialType{
		{IssuerID: ni.ID, Code: "cet4", Name: "全国大学英语四级考试成绩报告单", NameEn: "CET-4 score report", NumberCode: "CET4", Fields: cetFields},
		{IssuerID: ni.ID, Code: "cet6", Name: "全国大学英语六级考试成绩报告单", NameEn: "CET-6 score report", NumberCode: "CET6", Fields: cetFields},
		{IssuerID: si.ID, Code: "ha-zz-status", Name: "中职学籍", NameEn: "Secondary vocational student status", NumberCode: "ZZXJ", ValidDays: 3 * 365, Fields: []shishi.CredentialField{
			field("fullName", "姓名", "Name", shishi.FieldName, true, true),
			field("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, true, false),
			field("studentNumber", "学籍号", "Student number", shishi.FieldText, true, true),
			field("major", "专业", "Major", shishi.FieldText, true, true),
			field("enrolled", "入学日期", "Enrolled", shishi.FieldDate, true, true),
		}},
		{IssuerID: ui.ID, Code: "zzu-grad", Name: "普通高等学校毕业证书", NameEn: "Higher education graduation certificate", NumberCode: "PTBY", Fields: []shishi.CredentialField{
			field("fullName", "姓名", "Name", shishi.FieldName, true, true),
			field("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, true, false),
			field("major", "专业", "Major", shishi.FieldText, true, true),
			field("studyYears", "学制（年）", "Years of study", shishi.FieldInteger, true, true),
			field("enrolled", "入学日期", "Enrolled", shishi.FieldDate, true, true),
			field("graduated", "毕业日期", "Graduated", shishi.FieldDate, true, true),
		}},
		{IssuerID: si.ID, Code: "ha-zz-fitness", Name: "国家学生体质健康标准等级证书", NameEn: "National Student Physical Fitness Standard certificate", NumberCode: "TZJK",
			ValidDays: 365, Fields: []shishi.CredentialField{
				field("fullName", "姓名", "Name", shishi.FieldName, true, true),
				field("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, true, false),
				field("schoolYear", "测试学年", "School year", shishi.FieldText, true, true),
				field("totalScore", "总分", "Total score", shishi.FieldInteger, true, true),
				field("grade", "等级", "Grade", shishi.FieldText, true, true),
			}},
		{IssuerID: si.ID, Code: "ha-zz-grad", Name: "中等职业学校毕业证书", NameEn: "Secondary vocational graduation certificate", NumberCode: "ZZBY", Fields: []shishi.CredentialField{
			field("fullName", "姓名", "Name", shishi.FieldName, true, true),
			field("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, true, false),
			field("major", "专业", "Major", shishi.FieldText, true, true),
			field("graduated", "毕业日期", "Graduated", shishi.FieldDate, true, true),
		}},
	}
	for _, t := range types {
		if _, err := svc.Credentials.CreateType(sys, t); err != nil {
			return fmt.Errorf("demo type %s: %w", t.Code, err)
		}
	}
	const school1, school2, univ, fitness = 60, 40, 30, 60
	total := CETReports + school1 + school2 + univ + fitness
	cet := &table{header: CETHeader}
	for i := 0; i < CETReports; i++ {
		cet.rows = append(cet.rows, CETRow(i))
	}
	if _, err := svc.Credentials.IssueBulk(sys, "cet4", cet, func(d int) { progress(d, total) }); err != nil {
		return fmt.Errorf("demo CET reports: %w", err)
	}
	majors := []string{"会计事务", "电子商务", "计算机应用", "物流服务与管理", "市场营销"}
	status := &table{header: []string{"姓名", "证件号码", "学籍号", "专业", "入学日期"}}
	for i := 0; i < school1; i++ {
		status.rows = append(status.rows, []string{person(i + 7), idNumber("410102", "2005"+fmt.Sprintf("%02d%02d", 1+i%12, 1+i%28), i),
			fmt.Sprintf("G41010220050%05d", i+1), majors[i%len(majors)], "2021-09-01"})
	}
	if _, err := svc.Credentials.IssueBulk(sys, "ha-zz-status", status, func(d int) { progress(CETReports+d, total) }); err != nil {
		return fmt.Errorf("demo 学籍: %w", err)
	}
	grad := &table{header: []string{"姓名", "证件号码", "专业", "毕业日期"}}
	for i := 0; i < school2; i++ {
		grad.rows = append(grad.rows, []string{person(i + 101), idNumber("410103", "2002"+fmt.Sprintf("%02d%02d", 1+i%12, 1+i%28), i),
			majors[i%len(majors)], "2021-06-30"})
	}
	if _, err := svc.Credentials.IssueBulk(sys, "ha-zz-grad", grad, func(d int) { progress(CETReports+school1+d, total) }); err != nil {
		return fmt.Errorf("demo graduation: %w", err)
	}
	uni := &table{header: []string{"姓名", "证件号码", "专业", "学制（年）", "入学日期", "毕业日期"}}
	uMajors := []string{"计算机科学与技术", "临床医学", "土木工程", "汉语言文学", "法学"}
	for i := 0; i < univ; i++ {
		uni.rows = append(uni.rows, []string{person(i + 211), idNumber("410104", "1999"+fmt.Sprintf("%02d%02d", 1+i%12, 1+i%28), i),
			uMajors[i%len(uMajors)], "4", "2017-09-01", "2021-06-30"})
	}
	done := CETReports + school1 + school2
	if _, err := svc.Credentials.IssueBulk(sys, "zzu-grad", uni, func(d int) { progress(done+d, total) }); err != nil {
		return fmt.Errorf("demo university graduation: %w", err)
	}
	fit := &table{header: []string{"姓名", "证件号码", "测试学年", "总分", "等级"}}
	for i := 0; i < fitness; i++ {
		score := 60 + (i*17)%40
		grade := map[bool]string{true: "优秀", false: "良好"}[score >= 90]
		if score < 80 {
			grade = "及格"
		}
		fit.rows = append(fit.rows, []string{person(i + 7), idNumber("410102", "2005"+fmt.Sprintf("%02d%02d", 1+i%12, 1+i%28), i),
			"2021—2022学年", strconv.Itoa(score), grade})
	}
	if _, err := svc.Credentials.IssueBulk(sys, "ha-zz-fitness", fit, func(d int) { progress(done+univ+d, total) }); err != nil {
		return fmt.Errorf("demo fitness certificates: %w", err)
	}
	return nil
}
