package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shishi-edu/shishi"
)

// cityOperator is the login that nominates cases for units of a city.
var cityOperator = map[string]string{"ha-zz": "zhengzhou", "ha-ly": "ly-op", "ha-ny": "ny-op", "ha-kf": "kf-op", "ha-xc": "xc-op", "ha-xx": "xx-op",
	"ha-ay": "ay-op", "ha-pds": "pds-op"}

var caseRubric = shishi.Rubric{
	{Key: "coverage", Label: "覆盖面与参与率", Weight: 30, Max: 10},
	{Key: "quality", Label: "课程与服务质量", Weight: 40, Max: 10},
	{Key: "support", Label: "保障机制", Weight: 30, Max: 10},
}

// seedCases runs the 2021 课后服务 typical case selection: every county
// and school of Henan in the demo tree is nominated by its city's
// operator, three experts score each, and the office selects the best
// 15 county and 40 school cases; the rest are not selected.
func (s *servicesSeeder) seedCases(pool *shishi.Pool) error {
	ha, err := s.unit("ha")
	if err != nil {
		return err
	}
	sv, err := s.svc.Online.CreateService(s.office, shishi.ServiceInput{Code: "cases-2021", Name: "2021年中小学生课后服务工作典型案例遴选", NameEn: "After-school service typical cases 2021",
		Description: fmt.Sprintf("县（市、区）和学校推荐典型案例，专家评审，活动办遴选。遴选县域典型案例 %d 个、学校典型案例 %d 个，入选案例在典型案例栏目公开。", CountyCases, SchoolCases),
		OwnerUnitID: ha.ID, Applicants: shishi.ApplicantsUnits, Showcase: true, Rubric: caseRubric,
		Workflow: shishi.Workflow{{Kind: shishi.StepReview, Role: shishi.RoleOffice, Days: 10, Reviewers: 3}, {Kind: shishi.StepDecision, Role: shishi.RoleOffice, Days: 5}},
		Fields: []shishi.FormField{
			{Key: "summary", Label: "案例简介", LabelEn: "The case", Type: shishi.FormText, Required: true, MaxLength: 3000, Public: true, Help: "做法、成效与经验，入选后公开"},
			{Key: "students", Label: "参与学生数", LabelEn: "Students taking part", Type: shishi.FormNumber, Required: true},
			{Key: "contact", Label: "联系人及电话", LabelEn: "Contact", Type: shishi.FormText, Required: true, MaxLength: 50, Help: "仅供核实，不公开"},
			{Key: "files", Label: "佐证材料", LabelEn: "Evidence", Type: shishi.FormFile, MaxItems: 5},
		}})
	if err != nil {
		return fmt.Errorf("demo services: cases: %w", err)
	}
	us, _, err := s.svc.Units.FindUnits(s.sys, shishi.UnitFilter{Under: &ha.ID, Limit: 500})
	if err != nil {
		return err
	}
	var counties, schools []*shishi.Unit
	for _, u := range us {
		switch {
		case u.Kind == shishi.UnitCounty:
			counties = append(counties, u)
		case u.Kind == shishi.UnitSchool && !strings.Contains(u.Name, "财贸"): // 中职 is no 中小学
			schools = append(schools, u)
		}
	}
	if len(counties) < CountyCases || len(schools) < SchoolCases {
		return fmt.Errorf("demo services: %d counties and %d schools for %d and %d cases", len(counties), len(schools), CountyCases, SchoolCases)
	}
	nominate := func(u *shishi.Unit, i int, selected bool) error {
		defer s.step()
		login := ""
		for city, l := range cityOperator {
			if c, err := s.unit(city); err == nil && strings.HasPrefix(u.Path, c.Path) {
				login = l
			}
		}
		op, err := s.user(login, "", "")
		if err != nil {
			return fmt.Errorf("demo services: no operator for %s: %w", u.Code, err)
		}
		answers, _ := json.Marshal(map[string]any{"summary": u.Name + casePractices[i%len(casePractices)],
			"students": fmt.Sprint(800 + (i*373)%5000), "contact": person(i+3) + " 0371-6" + fmt.Sprintf("%07d", 1000000+i*7919)})
		x, err := s.svc.Online.CreateApplication(s.as(op), shishi.ApplicationInput{ServiceID: sv.ID, UnitID: u.ID, Title: u.Name + "课后服务典型案例", Answers: answers, Submit: true})
		if err != nil {
			return err
		}
		if _, err := s.svc.Online.ActOnApplication(s.office, x.ID, "assign", shishi.AppAction{PoolID: pool.ID}); err != nil {
			return err
		}
		base := 6
		if selected {
			base = 8
		}
		if err := s.score(x.ID, shishi.StepReview, 3, caseRubric, func(k, j int) int { return base + (i+k+j)%3 }); err != nil {
			return err
		}
		if selected {
			_, err = s.svc.Online.ActOnApplication(s.office, x.ID, "approve", shishi.AppAction{Note: "入选典型案例"})
		} else {
			_, err = s.svc.Online.ActOnApplication(s.office, x.ID, "reject", shishi.AppAction{Note: "经评审未入选本批典型案例"})
		}
		return err
	}
	for i, u := range counties {
		if err := nominate(u, i, i < CountyCases); err != nil {
			return fmt.Errorf("demo services: case of %s: %w", u.Code, err)
		}
	}
	for i, u := range schools {
		if err := nominate(u, i+100, i < SchoolCases); err != nil {
			return fmt.Errorf("demo services: case of %s: %w", u.Code, err)
		}
	}
	return nil
}

// seedPublicServices writes the services people apply for with an
// account: 毕业去向登记, 学历认证 by mail, and the fitness grade
// certificate (only when certificates can be issued).
func (s *servicesSeeder) seedPublicServices() error {
	ha, err := s.unit("ha")
	if err != nil {
		return err
	}
	check := shishi.WorkflowStep{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 3}
	reg, err := s.svc.Online.CreateService(s.office, shishi.ServiceInput{Code: "grad-destination", Name: "高校毕业生毕业去向登记", NameEn: "Graduate destination registration",
		Description: "2023年起毕业去向登记取代就业报到证，毕业生网上登记、学校与教育部门审核，足不出户办理。", OwnerUnitID: ha.ID, Applicants: shishi.ApplicantsPublic,
		Workflow: shishi.Workflow{check},
		Fields: []shishi.FormField{
			{Key: "school", Label: "毕业院校", Type: shishi.FormText, Required: true, MaxLength: 100},
			{Key: "graduated", Label: "毕业时间", Type: shishi.FormDate, Required: true},
			{Key: "destination", Label: "毕业去向", Type: shishi.FormChoice, Required: true, Options: []string{"签劳动合同就业", "升学", "自主创业", "灵活就业", "应征义务兵", "暂不就业"}},
			{Key: "employer", Label: "单位或学校名称", Type: shishi.FormText, MaxLength: 100},
		}})
	if err != nil {
		return fmt.Errorf("demo services: graduate registration: %w", err)
	}
	degree, err := s.svc.Online.CreateService(s.office, shishi.ServiceInput{Code: "degree-check", Name: "学历认证（网上办、邮寄办）", NameEn: "Degree verification (online, by mail)",
		Description: fmt.Sprintf("网上申请学历认证，认证报告邮寄送达。疫情期间网上受理学历认证 %d 份。", DegreeChecksOnline), OwnerUnitID: ha.ID,
		Applicants: shishi.ApplicantsPublic, Workflow: shishi.Workflow{check, {Kind: shishi.StepDelivery, Role: shishi.RoleOffice, Days: 5}},
		Fields: []shishi.FormField{
			{Key: "cert_no", Label: "毕业证书编号", Type: shishi.FormText, Required: true, MaxLength: 30},
			{Key: "school", Label: "毕业院校", Type: shishi.FormText, Required: true, MaxLength: 100},
			{Key: "address", Label: "邮寄地址", Type: shishi.FormText, Required: true, MaxLength: 200},
			{Key: "copy", Label: "毕业证书扫描件", Type: shishi.FormFile, MaxItems: 1},
		}})
	if err != nil {
		return fmt.Errorf("demo services: degree check: %w", err)
	}
	schools := map[string]string{"ha-zzu": "郑州大学", "ha-henu": "河南大学", "ha-htu": "河南师范大学", "ha-henau": "河南农业大学"}
	for i := 0; i < 8; i++ {
		g, err := s.user(fmt.Sprintf("grad%02d", i+1), "", "")
		if err != nil {
			return err
		}
		gc := s.as(g)
		school := schools[graduateUnits[i%len(graduateUnits)]]
		a, _ := json.Marshal(map[string]string{"school": school, "graduated": "2026-06-30", "destination": []string{"签劳动合同就业", "升学", "自主创业", "灵活就业"}[i%4],
			"employer": []string{"河南省某科技有限公司", school + "研究生院", "", ""}[i%4]})
		x, err := s.svc.Online.CreateApplication(gc, shishi.ApplicationInput{ServiceID: reg.ID, Title: g.Name + "毕业去向登记", Answers: a, Submit: true})
		if err != nil {
			return err
		}
		if i%4 != 3 {
			if _, err := s.svc.Online.ActOnApplication(s.office, x.ID, "pass", shishi.AppAction{}); err != nil {
				return err
			}
		}
		s.step()
		if i >= 5 {
			continue
		}
		a, _ = json.Marshal(map[string]string{"cert_no": fmt.Sprintf("1045912026050%05d", 100+i), "school": school, "address": "河南省郑州市金水区花园路" + fmt.Sprint(10+i) + "号"})
		y, err := s.svc.Online.CreateApplication(gc, shishi.ApplicationInput{ServiceID: degree.ID, Title: g.Name + "学历认证", Answers: a, Submit: true})
		if err != nil {
			return err
		}
		if i < 4 {
			if _, err := s.svc.Online.ActOnApplication(s.office, y.ID, "pass", shishi.AppAction{}); err != nil {
				return err
			}
		}
		if i < 3 {
			if _, err := s.svc.Online.ActOnApplication(s.office, y.ID, "deliver", shishi.AppAction{Method: shishi.DeliverMail, Carrier: "EMS", Tracking: fmt.Sprintf("11805%08d", 12345678+i*1111)}); err != nil {
				return err
			}
		}
		s.step()
	}
	return s.seedFitness(ha)
}

// haCredit is the unified social credit code the demo gives 河南省教育厅
// to issue certificates under (a made-up body with a correct check
// character).
var haCredit = creditCode("11410000005184155")

// SeedFitness adds the fitness grade certificate pilot to a demo world
// seeded without certificates (the public URL was not known then).
func SeedFitness(ctx context.Context, svc ServicesDemo) error {
	s := &servicesSeeder{svc: svc, sys: shishi.WithActor(ctx, shishi.SystemActor()), units: map[string]*shishi.Unit{}, people: map[string]*shishi.User{},
		tick: func(int, int) {}}
	ha, err := s.unit("ha")
	if err != nil {
		return err
	}
	return s.seedFitness(ha)
}

// seedFitness sets up the 国家学生体质健康标准 grade certificate pilot:
// the department becomes an issuer with a certificate type, students
// apply, and delivery issues their e-certificates through module E.
func (s *servicesSeeder) seedFitness(ha *shishi.Unit) error {
	if s.svc.Credentials == nil {
		return nil
	}
	office, err := s.user("henan", "", "")
	if err != nil {
		return err
	}
	s.office = s.as(office)
	if ha.CreditCode == "" {
		cc := haCredit
		u, err := s.svc.Units.UpdateUnit(s.sys, ha.ID, ha.Version, shishi.UnitPatch{CreditCode: &cc})
		if err != nil {
			return fmt.Errorf("demo services: credit code: %w", err)
		}
		ha = u
	}
	is, err := s.svc.Credentials.CreateIssuer(s.sys, ha.ID, false)
	if err != nil {
		return fmt.Errorf("demo services: issuer: %w", err)
	}
	if _, err := s.svc.Credentials.CreateType(s.sys, &shishi.CredentialType{IssuerID: is.ID, Code: "ha-fitness", Name: "国家学生体质健康标准等级证书",
		NameEn: "National student physical fitness grade certificate", NumberCode: "TZJK", Fields: []shishi.CredentialField{
			field("fullName", "姓名", "Name", shishi.FieldName, true, true),
			field("school", "学校", "School", shishi.FieldText, true, true),
			field("schoolYear", "学年", "School year", shishi.FieldText, true, true),
			field("grade", "等级", "Grade", shishi.FieldText, true, true),
			field("score", "综合评定分", "Score", shishi.FieldInteger, true, false),
		}}); err != nil {
		return fmt.Errorf("demo services: fitness type: %w", err)
	}
	sv, err := s.svc.Online.CreateService(s.office, shishi.ServiceInput{Code: "fitness-cert", Name: "《国家学生体质健康标准》等级证书申领", NameEn: "Physical fitness grade certificate",
		Description: "在全省高校试点实行等级证书制度：日常参与、体质监测和专项运动技能测试相结合的年度考查，合格者签发电子证书。", OwnerUnitID: ha.ID,
		Applicants: shishi.ApplicantsPublic, CredentialType: "ha-fitness",
		Workflow: shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 5}, {Kind: shishi.StepDelivery, Role: shishi.RoleIssuer, Days: 10}},
		Fields: []shishi.FormField{
			{Key: "school", Label: "学校", Type: shishi.FormText, Required: true, MaxLength: 100},
			{Key: "year", Label: "学年", Type: shishi.FormChoice, Required: true, Options: []string{"2025-2026学年", "2024-2025学年"}},
			{Key: "score", Label: "体质测试综合评定分", Type: shishi.FormNumber, Required: true, Min: ptr(0), Max: ptr(120)},
		}})
	if err != nil {
		return fmt.Errorf("demo services: fitness service: %w", err)
	}
	for i := 0; i < 4; i++ {
		g, err := s.user(fmt.Sprintf("grad%02d", i+5), "", "")
		if err != nil {
			return err
		}
		school := map[string]string{"ha-zzu": "郑州大学", "ha-henu": "河南大学", "ha-htu": "河南师范大学", "ha-henau": "河南农业大学"}[graduateUnits[(i+4)%len(graduateUnits)]]
		score := 78 + i*6
		a, _ := json.Marshal(map[string]any{"school": school, "year": "2025-2026学年", "score": score})
		x, err := s.svc.Online.CreateApplication(s.as(g), shishi.ApplicationInput{ServiceID: sv.ID, Title: g.Name + "体质健康等级证书", Answers: a, Submit: true})
		if err != nil {
			return err
		}
		s.step()
		if i == 3 {
			continue // waits at the check
		}
		if _, err := s.svc.Online.ActOnApplication(s.office, x.ID, "pass", shishi.AppAction{}); err != nil {
			return err
		}
		grade := map[bool]string{true: "优秀", false: "良好"}[score >= 90]
		name := strings.TrimPrefix(g.Name, "毕业生 ")
		if _, err := s.svc.Online.ActOnApplication(s.sys, x.ID, "deliver", shishi.AppAction{Method: shishi.DeliverCertificate,
			Subject: map[string]string{"fullName": name, "school": school, "schoolYear": "2025-2026学年", "grade": grade, "score": fmt.Sprint(score)}}); err != nil {
			return fmt.Errorf("demo services: fitness certificate: %w", err)
		}
	}
	return nil
}

func ptr(f float64) *float64 { return &f }
