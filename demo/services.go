package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/shishi-edu/shishi"
)

// ServicesDemo are what the online services demo writes through.
type ServicesDemo struct {
	Units  shishi.UnitService
	Users  shishi.UserService
	Online shishi.ServiceService
	// Credentials, when set (the public URL is known), lets the fitness
	// grade certificate service issue e-certificates.
	Credentials shishi.CredentialService
	// SetClock dates the older half of the applications weeks back, so
	// the office overview shows overdue work (zero restores the clock).
	SetClock func(time.Time)
}

// servicesSeeder carries the demo's lookups while it writes.
type servicesSeeder struct {
	svc    ServicesDemo
	sys    context.Context
	units  map[string]*shishi.Unit
	people map[string]*shishi.User
	office context.Context // 河南省教育厅活动办: acts at every step
	done   int
	total  int
	tick   func(done, total int)
}

// SeedServices builds module F's demo world (see services_data.go):
// 毕业去向登记, 学历认证 by mail, the four research services declared →
// reviewed → accepted with reviewer pools and scored applications, the
// 课后服务 typical case selection with 15 county and 40 school cases in
// the public gallery, and the fitness grade certificate issuing
// e-certificates.
func SeedServices(ctx context.Context, svc ServicesDemo, progress func(done, total int)) error {
	s := &servicesSeeder{svc: svc, sys: shishi.WithActor(ctx, shishi.SystemActor()), units: map[string]*shishi.Unit{}, people: map[string]*shishi.User{},
		tick: progress, total: 72 + 59 + 17}
	if s.tick == nil {
		s.tick = func(int, int) {}
	}
	setClock := svc.SetClock
	if setClock == nil {
		setClock = func(time.Time) {}
	}
	defer setClock(time.Time{})
	if err := s.seedPeople(); err != nil {
		return err
	}
	office, err := s.user("henan", "", "")
	if err != nil {
		return err
	}
	s.office = s.as(office)
	pools, err := s.seedPools()
	if err != nil {
		return err
	}
	research, err := s.seedResearchServices()
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	// Two waves: the older one six weeks back (what is left of it at a
	// step is overdue), the newer one this week.
	for wave, at := range []time.Time{now.AddDate(0, 0, -42), now.AddDate(0, 0, -3)} {
		setClock(at)
		for _, code := range []string{"ky-projects", "ky-results", "ky-teams", "ky-talents"} {
			n := ResearchSample[code]
			for i := wave * n / 2; i < (wave+1)*n/2; i++ {
				if err := s.research(research[code], code, i, pools); err != nil {
					return fmt.Errorf("demo services: %s %d: %w", code, i, err)
				}
			}
		}
	}
	setClock(now.AddDate(0, 0, -20))
	if err := s.seedCases(pools["cases"]); err != nil {
		return err
	}
	setClock(now.AddDate(0, 0, -10))
	if err := s.seedPublicServices(); err != nil {
		return err
	}
	return nil
}

func (s *servicesSeeder) step() { s.done++; s.tick(s.done, s.total) }

func (s *servicesSeeder) as(u *shishi.User) context.Context {
	return shishi.WithActor(s.sys, &shishi.Actor{UserID: u.ID, Login: u.Login, Name: u.Name, UnitID: u.UnitID, Grants: u.Grants})
}

func (s *servicesSeeder) unit(code string) (*shishi.Unit, error) {
	if u, ok := s.units[code]; ok {
		return u, nil
	}
	us, _, err := s.svc.Units.FindUnits(s.sys, shishi.UnitFilter{Code: code, Limit: 1})
	if err != nil || len(us) != 1 {
		return nil, fmt.Errorf("demo services: no unit %q (%v)", code, err)
	}
	s.units[code] = us[0]
	return us[0], nil
}

// user finds a login, or creates it at unit with role when name is set.
func (s *servicesSeeder) user(login, name, unit string, roles ...shishi.Role) (*shishi.User, error) {
	if u, ok := s.people[login]; ok {
		return u, nil
	}
	us, _, err := s.svc.Users.FindUsers(s.sys, shishi.UserFilter{Query: login, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if u.Login == login {
			s.people[login] = u
			return u, nil
		}
	}
	if name == "" {
		return nil, fmt.Errorf("demo services: no account %q", login)
	}
	un, err := s.unit(unit)
	if err != nil {
		return nil, err
	}
	in := shishi.UserInput{Login: login, Name: name, UnitID: un.ID, Password: Password(login)}
	for _, r := range roles {
		in.Grants = append(in.Grants, shishi.Grant{Role: r, UnitID: un.ID})
	}
	u, err := s.svc.Users.CreateUser(s.sys, in)
	if err != nil {
		return nil, fmt.Errorf("demo services: account %s: %w", login, err)
	}
	s.people[login] = u
	return u, nil
}

// reviewers of the research and case pools; the demo reviewer is one.
var serviceExperts = []struct{ login, name, unit string }{
	{"zj-zzu", "郑州大学教授 韩志强", "ha-zzu"}, {"zj-henu", "河南大学教授 苏文静", "ha-henu"}, {"zj-htu", "河南师范大学教授 马春华", "ha-htu"},
	{"zj-henau", "河南农业大学教授 田国栋", "ha-henau"}, {"zj-bnu", "北京师范大学教授 沈玉洁", "bnu"}, {"zj-ecnu", "华东师范大学教授 顾明远", "ecnu"},
	{"zj-nju", "南京大学教授 卢晓东", "nju"},
}

// The operators who apply for their units (a city's operator nominates
// its counties' and schools' cases) and the graduates who apply as people.
var serviceOperators = []struct{ login, name, unit string }{
	{"ly-op", "洛阳市教育局填报员 高雅", "ha-ly"}, {"ny-op", "南阳市教育局填报员 冯磊", "ha-ny"}, {"kf-op", "开封市教育局填报员 蒋欣", "ha-kf"},
	{"xc-op", "许昌市教育局填报员 曹阳", "ha-xc"}, {"xx-op", "新乡市教育局填报员 彭丽", "ha-xx"}, {"ay-op", "安阳市教育局填报员 何军", "ha-ay"},
	{"pds-op", "平顶山市教育局填报员 罗敏", "ha-pds"}, {"zzu-ky", "郑州大学科研院 林涛", "ha-zzu"}, {"henu-ky", "河南大学社科处 宋佳", "ha-henu"},
	{"htu-ky", "河南师范大学科研处 邓超", "ha-htu"}, {"henau-ky", "河南农业大学科研处 许静", "ha-henau"},
}

var graduateUnits = []string{"ha-zzu", "ha-henu", "ha-htu", "ha-henau"}

func (s *servicesSeeder) seedPeople() error {
	for _, c := range extraCounties {
		city, err := s.unit(c.city)
		if err != nil {
			return err
		}
		county, err := s.svc.Units.CreateUnit(s.sys, shishi.UnitInput{ParentID: &city.ID, Code: c.code, Name: c.name, Kind: shishi.UnitCounty})
		if err != nil {
			return fmt.Errorf("demo services: %s: %w", c.code, err)
		}
		s.units[c.code] = county
		for _, sc := range c.schools {
			u, err := s.svc.Units.CreateUnit(s.sys, shishi.UnitInput{ParentID: &county.ID, Code: sc[0], Name: sc[1], Kind: shishi.UnitSchool})
			if err != nil {
				return fmt.Errorf("demo services: %s: %w", sc[0], err)
			}
			s.units[sc[0]] = u
		}
	}
	for _, e := range serviceExperts {
		if _, err := s.user(e.login, e.name, e.unit, shishi.RoleReviewer); err != nil {
			return err
		}
	}
	for _, o := range serviceOperators {
		if _, err := s.user(o.login, o.name, o.unit, shishi.RoleOperator); err != nil {
			return err
		}
	}
	// Graduates hold an account and no role: they read only their own.
	for i := 0; i < 8; i++ {
		if _, err := s.user(fmt.Sprintf("grad%02d", i+1), "毕业生 "+person(i+20), graduateUnits[i%len(graduateUnits)]); err != nil {
			return err
		}
	}
	return nil
}

func (s *servicesSeeder) seedPools() (map[string]*shishi.Pool, error) {
	ha, err := s.unit("ha")
	if err != nil {
		return nil, err
	}
	var all []shishi.PoolMemberInput
	for _, e := range serviceExperts {
		all = append(all, shishi.PoolMemberInput{UserID: s.people[e.login].ID})
	}
	rev, err := s.user("reviewer", "", "")
	if err != nil {
		return nil, err
	}
	all = append(all, shishi.PoolMemberInput{UserID: rev.ID})
	// 韩志强 of 郑州大学 also declares a conflict with 郑州市教育局 (he advises it).
	zz, err := s.unit("ha-zz")
	if err != nil {
		return nil, err
	}
	all[0].ConflictUnitIDs = []int64{zz.ID}
	out := map[string]*shishi.Pool{}
	for key, in := range map[string]shishi.PoolInput{
		"research":   {OwnerUnitID: ha.ID, Name: "河南省教育科研评审专家库", Members: all},
		"acceptance": {OwnerUnitID: ha.ID, Name: "科研项目验收专家组", Members: all[3:]},
		"cases":      {OwnerUnitID: ha.ID, Name: "课后服务典型案例评审组", Members: all},
	} {
		p, err := s.svc.Online.CreatePool(s.office, in)
		if err != nil {
			return nil, fmt.Errorf("demo services: pool %s: %w", key, err)
		}
		out[key] = p
	}
	return out, nil
}

func (s *servicesSeeder) seedResearchServices() (map[string]*shishi.Service, error) {
	ha, err := s.unit("ha")
	if err != nil {
		return nil, err
	}
	review := func(acceptance bool) shishi.Workflow {
		wf := shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 5}, {Kind: shishi.StepReview, Role: shishi.RoleOffice, Days: 15, Reviewers: 3},
			{Kind: shishi.StepDecision, Role: shishi.RoleOffice, Days: 5}}
		if acceptance {
			wf = append(wf, shishi.WorkflowStep{Kind: shishi.StepAcceptance, Role: shishi.RoleOffice, Days: 20, Reviewers: 2})
		}
		return wf
	}
	out := map[string]*shishi.Service{}
	for _, x := range []struct {
		code, name, en string
		total          int
		acceptance     bool
	}{
		{"ky-projects", "河南省教育厅重点科研项目申报", "Key research projects", ResearchProjects, true},
		{"ky-results", "河南省教育厅科技成果奖申报", "Research results awards", ResearchResults, false},
		{"ky-teams", "河南省高校科技创新团队申报", "Innovation teams", InnovationTeams, false},
		{"ky-talents", "河南省高校科技创新人才申报", "Innovation talents", InnovationTalents, false},
	} {
		desc := fmt.Sprintf("依托云平台网上申报、评审、验收。本年度申报 %d 项（演示数据为代表性样本 %d 项）。", x.total, ResearchSample[x.code])
		sv, err := s.svc.Online.CreateService(s.office, shishi.ServiceInput{Code: x.code, Name: x.name, NameEn: x.en, Description: desc, OwnerUnitID: ha.ID,
			Applicants: shishi.ApplicantsUnits, Workflow: review(x.acceptance), Rubric: researchRubric, Fields: researchForm()})
		if err != nil {
			return nil, fmt.Errorf("demo services: %s: %w", x.code, err)
		}
		out[x.code] = sv
	}
	return out, nil
}

// researchApplicants are the units that declare research, with the
// operator who applies for each.
var researchApplicants = [][2]string{{"ha-zzu", "zzu-ky"}, {"ha-henu", "henu-ky"}, {"ha-htu", "htu-ky"}, {"ha-henau", "henau-ky"},
	{"ha-zz", "zhengzhou"}, {"ha-ly", "ly-op"}, {"ha-ny", "ny-op"}}

// research writes application i of a research service and moves it to
// the step its index picks, so every step holds some.
func (s *servicesSeeder) research(sv *shishi.Service, code string, i int, pools map[string]*shishi.Pool) error {
	defer s.step()
	ap := researchApplicants[i%len(researchApplicants)]
	un, err := s.unit(ap[0])
	if err != nil {
		return err
	}
	op, err := s.user(ap[1], "", "")
	if err != nil {
		return err
	}
	answers, _ := json.Marshal(map[string]any{
		"summary":    "围绕" + researchTopics[i%len(researchTopics)] + "开展调查与实证研究，形成可推广的实践模式和政策建议。",
		"discipline": []string{"教育学", "心理学", "体育学", "管理学"}[i%4],
		"budget":     fmt.Sprint(5 + i%20),
		"start":      "2026-01-01",
		"keywords":   []string{[]string{"课后服务", "双减", "劳动教育", "体质健康", "数字化", "乡村教育"}[i%6]},
		"members": []map[string]string{{"name": person(i), "title": "教授", "role": "主持人"},
			{"name": person(i + 5), "title": "副教授", "role": "调查研究"}, {"name": person(i + 9), "title": "讲师", "role": "数据分析"}},
	})
	title := researchTopics[i%len(researchTopics)]
	if code != "ky-projects" {
		title = map[string]string{"ky-results": "成果：", "ky-teams": "创新团队：", "ky-talents": "创新人才："}[code] + title
	}
	ac := s.as(op)
	x, err := s.svc.Online.CreateApplication(ac, shishi.ApplicationInput{ServiceID: sv.ID, UnitID: un.ID, Title: title, Answers: answers, Submit: true})
	if err != nil {
		return err
	}
	// Where it stops: by index, through every step.
	stop := []string{"check", "review", "decision", "closed", "returned", "review", "decision", "closed", "rejected", "acceptance"}[i%10]
	act := func(ctx context.Context, action string, in shishi.AppAction) error {
		_, err := s.svc.Online.ActOnApplication(ctx, x.ID, action, in)
		return err
	}
	switch {
	case stop == "check":
		return nil
	case stop == "returned":
		return act(s.office, "return", shishi.AppAction{Note: "请补充课题组成员的职称证明和前期研究成果清单"})
	}
	if err := act(s.office, "pass", shishi.AppAction{}); err != nil {
		return err
	}
	if err := act(s.office, "assign", shishi.AppAction{PoolID: pools["research"].ID}); err != nil {
		return err
	}
	scored := 3
	if stop == "review" {
		scored = 1 + i%2 // part of the experts have scored
	}
	if err := s.scoreAll(x.ID, shishi.StepReview, scored, i); err != nil {
		return err
	}
	switch stop {
	case "review", "decision":
		return nil
	case "rejected":
		return act(s.office, "reject", shishi.AppAction{Note: "综合评分未达到立项要求"})
	}
	if err := act(s.office, "approve", shishi.AppAction{Note: "经专家评审，同意立项"}); err != nil {
		return err
	}
	if sv.Workflow.Step(shishi.StepAcceptance) == nil {
		return nil
	}
	if err := act(s.office, "assign", shishi.AppAction{PoolID: pools["acceptance"].ID}); err != nil {
		return err
	}
	if stop == "acceptance" {
		return s.scoreAll(x.ID, shishi.StepAcceptance, 1, i)
	}
	if err := s.scoreAll(x.ID, shishi.StepAcceptance, 2, i); err != nil {
		return err
	}
	return act(s.office, "accept", shishi.AppAction{Note: "完成研究任务，同意结题验收"})
}

// scoreAll has the first n experts assigned at stage score application
// app by the research rubric, varying with seed.
func (s *servicesSeeder) scoreAll(app int64, stage shishi.StepKind, n, seed int) error {
	return s.score(app, stage, n, researchRubric, func(k, j int) int { return 5 + (seed*7+k*3+j*5)%6 })
}

// score has the first n experts assigned at stage score app by rubric,
// criterion j of the k-th expert getting pick(k, j) (capped at its max).
func (s *servicesSeeder) score(app int64, stage shishi.StepKind, n int, rubric shishi.Rubric, pick func(k, j int) int) error {
	rs, err := s.svc.Online.FindReviews(s.sys, shishi.ReviewFilter{ApplicationID: app})
	if err != nil {
		return err
	}
	// The demo's reviewer account scores last, so that what is left
	// unscored waits on its workbench.
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Reviewer.Login != "reviewer" && rs[j].Reviewer.Login == "reviewer" })
	k := 0
	for _, r := range rs {
		if r.Stage != stage || r.ScoredAt != nil || k >= n {
			continue
		}
		k++
		ctx := shishi.WithActor(s.sys, &shishi.Actor{UserID: r.Reviewer.ID, Login: r.Reviewer.Login})
		scores := map[string]int{}
		for j, c := range rubric {
			scores[c.Key] = min(c.Max, pick(k, j))
		}
		if _, err := s.svc.Online.ScoreReview(ctx, r.ID, shishi.ScoreInput{Scores: scores, Comment: "选题有现实意义，研究设计基本合理。"}); err != nil {
			return err
		}
	}
	return nil
}
