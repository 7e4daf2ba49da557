package gen

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// credentialsPerFile is how many credentials go in one bulk issuance (one
// transaction and one audit entry of the store), as an exam authority
// would issue a session's score reports file by file.
const credentialsPerFile = 100_000

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	givens   = []string{"子涵", "欣怡", "浩然", "雨桐", "梓轩", "思彤", "宇航", "佳怡", "俊杰", "诗雨", "天佑", "若曦", "博文", "雅琪", "明轩", "可馨", "一诺", "子墨", "嘉怡", "文博", "梦瑶", "昊天", "语嫣", "皓轩"}
	sessions = []string{"2025年6月", "2025年12月"}
)

// Person is the generator's i-th holder name (the public query asks for
// number and name).
func Person(i int) string {
	return string(surnames[i%len(surnames)]) + givens[(i/len(surnames))%len(givens)]
}

// idNumber makes a resident identity number with the check character that
// shishi.ValidIDNumber accepts.
func idNumber(province, i int) string {
	body := fmt.Sprintf("%02d0102%04d%02d%02d%03d", province, 2000+i%6, 1+i%12, 1+i%28, i%1000)
	for _, c := range "0123456789X" {
		if s := body + string(c); shishi.ValidIDNumber(s) {
			return s
		}
	}
	panic("gen: no check character for " + body)
}

// ScoreRows is a file of CET score reports, the generator's from-th to
// to-th (exclusive), as the bulk issuance reads it.
func ScoreRows(from, to int) shishi.RowSource { return &scoreRows{from: from, to: to} }

// scoreRows is one file of CET score reports as a RowSource.
type scoreRows struct {
	from, to, i int
}

func (r *scoreRows) Header() []string {
	return []string{"姓名", "证件号码", "准考证号", "考试时间", "总分", "听力", "阅读", "写作与翻译"}
}

func (r *scoreRows) Next() (int, []string, error) {
	if r.from+r.i >= r.to {
		return 0, nil, io.EOF
	}
	n := r.from + r.i
	r.i++
	l, rd, w := 100+(n*37)%149, 100+(n*53)%149, 80+(n*29)%133
	return r.i + 1, []string{Person(n), idNumber(provinces[n%len(provinces)].code, n), fmt.Sprintf("%02d0121%09d", provinces[n%len(provinces)].code, n),
		sessions[(n/credentialsPerFile)%len(sessions)], strconv.Itoa(l + rd + w), strconv.Itoa(l), strconv.Itoa(rd), strconv.Itoa(w)}, nil
}

// credentials makes the exam authority an issuer with the CET-4 and CET-6
// score report types, and issues the credentials through the store's bulk
// issuance, a file of 100,000 at a time, alternating the two types. The
// generator's n-th credential is held by Person(n).
func (g *generator) credentials(ctx context.Context) error {
	upd, done := g.progress("证书 credentials")
	defer done()
	n := g.res.Credentials
	is, err := g.db.CreateIssuer(g.sys, g.issuer, false)
	if err != nil {
		return err
	}
	f := func(key, label, en string, kind shishi.FieldKind, public bool) shishi.CredentialField {
		return shishi.CredentialField{Key: key, Label: label, LabelEn: en, Kind: kind, Required: true, Public: public}
	}
	fields := []shishi.CredentialField{
		f("fullName", "姓名", "Name", shishi.FieldName, true),
		f("idNumber", "证件号码", "ID number", shishi.FieldIDNumber, false),
		f("admissionNumber", "准考证号", "Admission number", shishi.FieldText, true),
		f("examSession", "考试时间", "Exam session", shishi.FieldText, true),
		f("totalScore", "总分", "Total score", shishi.FieldInteger, true),
		f("listening", "听力", "Listening", shishi.FieldInteger, false),
		f("reading", "阅读", "Reading", shishi.FieldInteger, false),
		f("writingTranslation", "写作与翻译", "Writing and translation", shishi.FieldInteger, false),
	}
	types := []string{"cet4", "cet6"}
	for i, t := range []*shishi.CredentialType{
		{IssuerID: is.ID, Code: types[0], Name: "全国大学英语四级考试成绩报告单", NameEn: "CET-4 score report", NumberCode: "CET4", Fields: fields},
		{IssuerID: is.ID, Code: types[1], Name: "全国大学英语六级考试成绩报告单", NameEn: "CET-6 score report", NumberCode: "CET6", Fields: fields},
	} {
		if _, err := g.db.CreateType(g.sys, t); err != nil {
			return fmt.Errorf("type %s: %w", types[i], err)
		}
	}
	for from := 0; from < n; from += credentialsPerFile {
		to := min(n, from+credentialsPerFile)
		if _, err := g.db.IssueBulk(g.sys, types[(from/credentialsPerFile)%2], &scoreRows{from: from, to: to}, func(d int) { upd(from+d, n) }); err != nil {
			return err
		}
		upd(to, n)
	}
	return nil
}

// Users are the accounts Generate creates when given a password: the
// campaign office at the ministry and at a province, an operator at a
// city, the complaint desk's handler and the exam authority's issuer.
var Users = []struct {
	Login string
	Role  shishi.Role
	Unit  string // unit code
}{
	{"gen-office", shishi.RoleOffice, "moe"},
	{"gen-province", shishi.RoleOffice, "41"},
	{"gen-operator", shishi.RoleOperator, "4101"},
	{"gen-handler", shishi.RoleHandler, "moe"},
	{"gen-issuer", shishi.RoleIssuer, "neea"},
}

func (g *generator) users(ctx context.Context) error {
	if g.o.Password == "" {
		return nil
	}
	for _, u := range Users {
		us, _, err := g.db.FindUnits(g.sys, shishi.UnitFilter{Code: u.Unit, Limit: 1})
		if err != nil {
			return err
		}
		if len(us) != 1 {
			return fmt.Errorf("no unit %s", u.Unit)
		}
		if _, err := g.db.CreateUser(g.sys, shishi.UserInput{Login: u.Login, Name: u.Login, UnitID: us[0].ID, Password: g.o.Password,
			Grants: []shishi.Grant{{Role: u.Role, UnitID: us[0].ID}}}); err != nil {
			return fmt.Errorf("user %s: %w", u.Login, err)
		}
		g.res.Users = append(g.res.Users, u.Login)
	}
	return nil
}
