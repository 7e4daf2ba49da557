package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shishi-edu/shishi"
)

// SupervisionServices are what the supervision demo writes through.
type SupervisionServices struct {
	Units       shishi.UnitService
	Users       shishi.UserService
	Campaigns   shishi.CampaignService
	Supervision shishi.SupervisionService
	Escalation  shishi.EscalationService
	// SetClock dates visits, findings and their steps in the recent past
	// (the zero time restores the real clock), so that the warnings show
	// every colour on the day the demo is seeded.
	SetClock func(time.Time)
}

// experts are the people the groups are drawn from besides the demo's
// supervisor and inspector accounts: 督学 and experts from many units.
var experts = []struct{ login, name, unit string }{
	{"dx-wang", "国家督学 王建国", "moe-ddj"}, {"dx-li", "国家督学 李秀英", "moe-ddj"}, {"dx-zhao", "督导专家 赵志刚", "nies"},
	{"dx-sun", "督导专家 孙丽华", "ecnu"}, {"dx-zhou", "督导专家 周文斌", "nju"}, {"dx-wu", "督导专家 吴海燕", "whu"},
	{"dx-zheng", "督导专家 郑国强", "sysu"}, {"dx-feng", "督导专家 冯静", "scu"}, {"dx-chen", "督导专家 陈刚", "xjtu"}, {"dx-yang", "督导专家 杨帆", "ruc"},
}

var cnNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六"}

// The 五项管理 (homework, sleep, phones, reading materials, physical
// health) and what inspectors find when one is not in place.
var fiveManagements = []struct{ area, finding, plan string }{
	{"作业管理", "部分初中书面作业总量超过规定时长，未建立作业公示制度", "建立年级作业统筹和公示制度，每周抽查作业时长"},
	{"睡眠管理", "个别寄宿制学校早晨到校时间早于规定，学生睡眠时间不足", "调整作息时间表，小学上午上课时间不早于 8:20"},
	{"手机管理", "手机入校书面申请、统一保管制度未落实", "制定手机管理办法，设立统一保管柜并向家长告知"},
	{"读物管理", "校园图书馆部分课外读物未经审核进校", "开展进校读物全面排查，建立审核目录"},
	{"体质管理", "体育课被挤占，学生每天校内体育活动不足 1 小时", "落实每天 1 小时校园体育活动，纳入课表并公示"},
}

// The guidance groups' findings at universities (入校指导).
var campusFindings = []struct{ finding, plan string }{
	{"学生宿舍维修报修响应慢，部分诉求超过一周未处理", "开通线上报修平台，承诺 48 小时内响应"},
	{"毕业生就业指导服务覆盖不足，困难群体帮扶台账不完整", "建立“一人一策”帮扶台账，开展专场招聘"},
	{"食堂价格公示和满意度测评不及时", "每月公示菜品价格，每学期开展满意度测评"},
	{"心理健康教育专职教师配备未达标", "按师生比配齐专职心理教师，开设必修课"},
	{"“我为群众办实事”项目清单未向师生公开", "在校园网公开项目清单和进展，接受师生监督"},
}

// SeedSupervision forms the ministry's 12 guidance groups over its 31
// centrally-administered and 49 other directly-affiliated universities and
// its 16 inspection groups on the 五项管理 over the 31 provinces, as the
// first seed document tells; then drives visits and findings through
// every state, some overdue and escalated by the same job the server runs.
func SeedSupervision(ctx context.Context, svc SupervisionServices, progress func(done, total int)) error {
	ctx = shishi.WithActor(ctx, shishi.SystemActor())
	defer svc.SetClock(time.Time{})
	now := time.Now().UTC()
	unitID := map[string]int64{}
	unit := func(code string) (int64, error) {
		if id, ok := unitID[code]; ok {
			return id, nil
		}
		us, _, err := svc.Units.FindUnits(ctx, shishi.UnitFilter{Code: code, Limit: 1})
		if err != nil || len(us) != 1 {
			return 0, fmt.Errorf("demo supervision: no unit %q (%v)", code, err)
		}
		unitID[code] = us[0].ID
		return us[0].ID, nil
	}
	login := func(l string) (int64, error) {
		us, _, err := svc.Users.FindUsers(ctx, shishi.UserFilter{Query: l, Limit: 10})
		if err != nil {
			return 0, err
		}
		for _, u := range us {
			if u.Login == l {
				return u.ID, nil
			}
		}
		return 0, fmt.Errorf("demo supervision: no user %q", l)
	}
	supervisor, err := login("supervisor")
	if err != nil {
		return err
	}
	inspector, err := login("inspector")
	if err != nil {
		return err
	}
	pool := []int64{}
	for _, x := range experts {
		uid, err := unit(x.unit)
		if err != nil {
			return err
		}
		u, err := svc.Users.CreateUser(ctx, shishi.UserInput{Login: x.login, Name: x.name, UnitID: uid, Password: Password(x.login)})
		if err != nil {
			return fmt.Errorf("demo expert %s: %w", x.login, err)
		}
		pool = append(pool, u.ID)
	}
	moe, err := unit("moe")
	if err != nil {
		return err
	}
	var campaign *int64
	if cs, _, err := svc.Campaigns.FindCampaigns(ctx, shishi.Page{}); err == nil {
		for _, c := range cs {
			if c.UnitID == moe {
				campaign = &c.ID
			}
		}
	}
	var zg, mu, provinces []string
	var walk func(s UnitSpec)
	walk = func(s UnitSpec) {
		for _, t := range s.Tags {
			switch t {
			case wsTagZhongguan:
				zg = append(zg, s.Code)
			case wsTagMinistryUniversity:
				mu = append(mu, s.Code)
			}
		}
		if s.Kind == wsKindProvince {
			provinces = append(provinces, s.Code)
		}
		for _, c := range s.Children {
			walk(c)
		}
	}
	walk(World())
	universities := append(append([]string{}, zg...), mu...)

	type plan struct {
		in     shishi.GroupInput
		units  []string
		guided bool
	}
	var plans []plan
	for i := 0; i < 12; i++ {
		var us []string
		for j := i; j < len(universities); j += 12 {
			us = append(us, universities[j])
		}
		leader := pool[i%len(pool)]
		members := []int64{supervisor}
		if i == 0 {
			members = append(members, inspector)
		}
		plans = append(plans, plan{in: shishi.GroupInput{Kind: shishi.GroupGuidance, Name: "第" + cnNumbers[i] + "指导组", Theme: "“我为群众办实事”入校指导",
			CampaignID: campaign, OwnerUnitID: moe, LeaderID: leader, MemberIDs: members}, units: us, guided: true})
	}
	for i := 0; i < 16; i++ {
		var ps []string
		for j := i; j < len(provinces); j += 16 {
			ps = append(ps, provinces[j])
		}
		leader := pool[(i+3)%len(pool)]
		if i == 0 {
			leader = inspector
		}
		plans = append(plans, plan{in: shishi.GroupInput{Kind: shishi.GroupInspection, Name: "五项管理第" + cnNumbers[i] + "督查组", Theme: "五项管理（作业、睡眠、手机、读物、体质）",
			OwnerUnitID: moe, LeaderID: leader, MemberIDs: []int64{supervisor, pool[(i+7)%len(pool)]}}, units: ps})
	}
	day := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }
	at := func(t time.Time) { svc.SetClock(t) }
	n := 0
	for gi, p := range plans {
		for _, c := range p.units {
			id, err := unit(c)
			if err != nil {
				return err
			}
			p.in.UnitIDs = append(p.in.UnitIDs, id)
		}
		at(day(75))
		g, err := svc.Supervision.CreateGroup(ctx, p.in)
		if err != nil {
			return fmt.Errorf("demo group %s: %w", p.in.Name, err)
		}
		// Each group visits its first units and plans a visit to the next.
		for k, uid := range p.in.UnitIDs {
			if k > 1 {
				if k == 2 {
					at(day(1))
					planned := shishi.DateOf(now.AddDate(0, 0, 10+gi%7))
					if _, err := svc.Supervision.CreateVisit(ctx, shishi.VisitInput{GroupID: g.ID, UnitID: uid, PlannedOn: planned}, nil); err != nil {
						return fmt.Errorf("demo visit: %w", err)
					}
				}
				continue
			}
			visited := day(60 - 7*k - gi%5)
			at(visited)
			what := fmt.Sprintf("召开座谈会，查阅台账资料，随机走访师生。%s", p.in.Theme)
			v, err := svc.Supervision.CreateVisit(ctx, shishi.VisitInput{GroupID: g.ID, UnitID: uid, PlannedOn: shishi.DateOf(visited), VisitedOn: shishi.DateOf(visited),
				Participants: "组长及成员 3 人，被督导单位分管负责人", Record: what}, nil)
			if err != nil {
				return fmt.Errorf("demo visit: %w", err)
			}
			if err := seedFindings(ctx, svc, v, gi*2+k, p.guided, day); err != nil {
				return err
			}
		}
		n++
		if progress != nil {
			progress(n, len(plans))
		}
	}
	svc.SetClock(time.Time{})
	_, err = svc.Escalation.EscalateFindings(ctx)
	return err
}

// seedFindings raises two findings from a visit and moves them to one of
// eight states, chosen by seq so that the whole demo shows each: raised,
// planned, progressing, close to the deadline (yellow), asking for
// sign-off, returned, signed off, overdue (red, then escalated).
func seedFindings(ctx context.Context, svc SupervisionServices, v *shishi.Visit, seq int, guided bool, day func(int) time.Time) error {
	for j := 0; j < 2; j++ {
		state := (seq*2 + j) % 8
		text, planText, sev := "", "", shishi.Severities[(seq+j)%3]
		if guided {
			c := campusFindings[(seq+j)%len(campusFindings)]
			text, planText = c.finding, c.plan
		} else {
			c := fiveManagements[(seq+j)%len(fiveManagements)]
			text, planText = c.area+"："+c.finding, c.plan
		}
		// When it was raised and how long the unit has decide its colour today.
		raised, days := day(3), 20
		switch state {
		case 3:
			raised, days = day(0), 2 // yellow: due within 3 working days
		case 7:
			raised, days = day(45), 10 // red: overdue
		case 6:
			raised, days = day(40), 15
		}
		svc.SetClock(raised)
		f, err := svc.Supervision.RaiseFinding(ctx, shishi.FindingInput{VisitID: &v.ID, Severity: sev, Description: text, Days: days})
		if err != nil {
			return fmt.Errorf("demo finding: %w", err)
		}
		steps := map[int][][2]string{
			1: {{"plan", planText}},
			2: {{"plan", planText}, {"progress", "已完成第一阶段整改，相关制度已印发"}},
			3: {{"plan", planText}},
			4: {{"plan", planText}, {"progress", "整改措施已全部落实"}, {"request_signoff", "整改完成，佐证材料已上传，申请销号"}},
			5: {{"plan", planText}, {"request_signoff", "已整改完毕"}, {"return", "佐证材料不足，请补充落实情况后重新申请"}},
			6: {{"plan", planText}, {"progress", "整改推进中"}, {"request_signoff", "整改完成，申请销号"}, {"sign_off", ""}},
		}[state]
		for k, s := range steps {
			if state != 3 {
				svc.SetClock(raised.Add(time.Duration(k+1) * 26 * time.Hour))
			}
			if _, err := svc.Supervision.ActOnFinding(ctx, f.ID, s[0], s[1], nil, 0); err != nil {
				return fmt.Errorf("demo finding %d %s: %w", f.ID, s[0], err)
			}
		}
	}
	return nil
}
