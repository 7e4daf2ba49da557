package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

// ComplaintServices are what SeedComplaints needs.
type ComplaintServices struct {
	Units      shishi.UnitService
	Users      shishi.UserService
	Complaints shishi.ComplaintService
	// SetClock moves the store's clock (zero time: back to real time).
	SetClock func(time.Time)
	// Now is the real time the demo is seeded at: the cases are laid out
	// over the weeks before it, so their colours are live.
	Now time.Time
}

// The 27 teacher-pay leads of the first seed document (“将涉及教师工资待遇
// 的27条举报线索及时通知有关省辖市，并要求限期核查、严肃整改、及时反馈”):
// received by the national column, forwarded to Henan's department and
// dispatched by it to the cities.
var teacherPayCities = []string{"ha-zz", "ha-zz", "ha-zz", "ha-ly", "ha-ly", "ha-ny", "ha-ny", "ha-zk", "ha-zk", "ha-sq", "ha-sq",
	"ha-xy", "ha-xy", "ha-zmd", "ha-zmd", "ha-ay", "ha-xx", "ha-kf", "ha-pds", "ha-hb", "ha-jz", "ha-py", "ha-xc", "ha-lh", "ha-smx", "ha-jy", "ha-ay"}

var teacherPayTexts = []string{
	"%s部分乡村学校教师月平均工资比当地公务员低一千余元，年底一次性奖励至今未发放。",
	"%s教师绩效工资已拖欠三个月，学校称县财政未拨付，请核查。",
	"%s落实“义务教育教师平均工资收入水平不低于当地公务员”政策不到位，教师住房公积金按最低基数缴纳。",
	"%s乡村教师生活补助自去年起停发，多次向学校反映无果。",
	"%s新招聘特岗教师转正后工资未按时兑现，已超过半年。",
	"%s教师职称评聘后工资未按新岗位兑现，差额部分一直未补发。",
}

// fate is how far a demo case has got by today.
type fate int

const (
	fateReceived fate = iota
	fateAccepted
	fateDeclined
	fateDispatched
	fateVerifying
	fateRectifying
	fateConcluded
	fateReplied
	fateClosed
	fateReopened
	fateExtension
)

type demoCase struct {
	cat, unit, body string
	daysAgo         int
	reporter        shishi.Reporter
	forward         string // province desk that dispatches, "" for the national desk
	to              string // unit dispatched to
	fate            fate
	conclusion      shishi.Conclusion
	rating          shishi.Rating
	dupOf           int // index of the case this one duplicates (merge), -1 for none
}

func complaintCases() []demoCase {
	var cs []demoCase
	fates := []fate{fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed,
		fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed, fateClosed,
		fateReplied, fateReplied, fateReplied, fateRectifying, fateRectifying, fateRectifying, fateVerifying, fateVerifying, fateDispatched}
	concl := []shishi.Conclusion{shishi.ConclusionTrue, shishi.ConclusionPartial, shishi.ConclusionTrue, shishi.ConclusionFalse}
	ratings := []shishi.Rating{shishi.RatingSatisfied, shishi.RatingSatisfied, shishi.RatingBasic, shishi.RatingSatisfied, shishi.RatingDissatisfied, shishi.RatingSatisfied}
	for i, city := range teacherPayCities {
		c := demoCase{cat: "teacher-pay", unit: city, to: city, forward: "ha", daysAgo: 62 - i/3, fate: fates[i],
			body: fmt.Sprintf(teacherPayTexts[i%len(teacherPayTexts)], cityName(city)), conclusion: concl[i%len(concl)], rating: ratings[i%len(ratings)], dupOf: -1}
		if fates[i] == fateRectifying || fates[i] == fateVerifying {
			c.conclusion = shishi.ConclusionTrue
		}
		if i%4 == 1 {
			c.reporter = shishi.Reporter{Name: "教师" + string([]rune("赵钱孙李周吴郑王冯陈")[i%10]) + "老师", Phone: fmt.Sprintf("1390371%04d", 1000+i*37)}
		}
		cs = append(cs, c)
	}
	n := len(cs)
	more := []demoCase{
		{cat: "off-campus-training", unit: "bj-haidian", body: "海淀区某培训机构以“素质拓展”名义在周末开展学科类培训，每课时收费三百元。", daysAgo: 1, fate: fateReceived},
		{cat: "fees", unit: "ha-zz-jinshui-wwl1", body: "郑州市金水区纬五路第一小学以资料费名义向每名学生收取三百元，没有开具任何票据。", daysAgo: 2, fate: fateReceived,
			reporter: shishi.Reporter{Name: "李女士", Phone: "13803711234"}},
		{cat: "fees", unit: "ha-zz-jinshui-wwl1", body: "纬五路第一小学向每名学生收取资料费300元，不开票据，家长意见很大。", daysAgo: 1, fate: fateReceived},
		{cat: "admissions", unit: "ha-ly", body: "洛阳市某民办初中提前组织考试选拔学生，违反招生政策。", daysAgo: 4, fate: fateAccepted},
		{cat: "five-rules", unit: "bj-chaoyang-cjl", body: "陈经纶中学初二每天书面作业超过两个小时，学生晚上十一点后才能睡觉。", daysAgo: 5, fate: fateAccepted},
		{cat: "other", unit: "moe", body: "建议教育部网站增加无障碍浏览功能，方便视障人士查阅政策文件。", daysAgo: 20, fate: fateDeclined},
		{cat: "off-campus-training", unit: "ha-zz", body: "郑州市二七区商场五楼有培训机构暑期违规开展学科类培训，请查处。", daysAgo: 6, to: "ha-zz", fate: fateDispatched},
		{cat: "fees", unit: "ha-zz-zhongyuan-hzl", body: "中原区互助路小学课后服务收费后又另外收取“托管材料费”。", daysAgo: 16, to: "ha-zz", fate: fateVerifying},
		{cat: "admissions", unit: "ha-zz-jinshui-zz8", body: "郑州市第八中学招生时要求提供家长学历证明，涉嫌违规。", daysAgo: 12, to: "ha-zz", fate: fateExtension},
		{cat: "five-rules", unit: "ha-ly-luolong-sxzx", body: "洛龙区实验中学要求学生带手机到校用于打卡和完成作业。", daysAgo: 30, to: "ha-ly", fate: fateRectifying, conclusion: shishi.ConclusionPartial},
		{cat: "fees", unit: "bj-haidian-rdfz", body: "人大附中国际部以赞助费名义收取费用，请核实是否合规。", daysAgo: 40, to: "bj-haidian", fate: fateConcluded, conclusion: shishi.ConclusionFalse},
		{cat: "off-campus-training", unit: "bj-chaoyang", body: "朝阳区某小区内有人以家政服务名义开展一对一学科培训。", daysAgo: 45, to: "bj-chaoyang", fate: fateReplied, conclusion: shishi.ConclusionTrue},
		{cat: "five-rules", unit: "ha-ny-wolong", body: "卧龙区部分小学睡眠时间管理不落实，早上七点前要求到校早读。", daysAgo: 50, to: "ha-ny", fate: fateClosed, conclusion: shishi.ConclusionTrue, rating: shishi.RatingSatisfied,
			reporter: shishi.Reporter{Name: "王先生", Email: "wang@example.cn"}},
		{cat: "admissions", unit: "ha-xx", body: "新乡市某高中跨区域违规招生，录取分数线以下学生交费入学。", daysAgo: 55, to: "ha-xx", fate: fateClosed, conclusion: shishi.ConclusionPartial, rating: shishi.RatingBasic},
		{cat: "fees", unit: "ha-kf", body: "开封市某初中强制学生购买指定校服，价格明显高于市场价。", daysAgo: 58, to: "ha-kf", fate: fateReopened, conclusion: shishi.ConclusionFalse, rating: shishi.RatingDissatisfied},
	}
	for i := range more {
		more[i].dupOf = -1
	}
	more[2].dupOf = n + 1 // the second 资料费 complaint duplicates the first
	return append(cs, more...)
}

func cityName(code string) string {
	for _, p := range wsHenan() {
		if p.Code == code {
			return strings.TrimSuffix(strings.TrimSuffix(p.Name, "教育体育局"), "教育局")
		}
	}
	return "某市"
}

// SeedComplaints files the demo complaints through the service, moving the
// clock so each step happens on its day, as the people of the demo would
// have taken it. The daily sweep then runs once, as the scheduler would.
func SeedComplaints(ctx context.Context, svc ComplaintServices, progress func(done, total int)) error {
	defer svc.SetClock(time.Time{})
	sys := shishi.WithActor(ctx, shishi.SystemActor())
	actor := func(login string) (context.Context, error) {
		us, _, err := svc.Users.FindUsers(sys, shishi.UserFilter{Query: login, Limit: 20})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if u.Login == login {
				return shishi.WithActor(ctx, &shishi.Actor{UserID: u.ID, Login: u.Login, Name: u.Name, UnitID: u.UnitID, Grants: u.Grants, TOTPOK: true}), nil
			}
		}
		return nil, fmt.Errorf("demo complaints: no user %q", login)
	}
	desk, err := actor("handler")
	if err != nil {
		return err
	}
	henan, err := actor("henan")
	if err != nil {
		return err
	}
	zz, err := actor("zhengzhou")
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	unit := func(code string) (int64, error) {
		if id, ok := ids[code]; ok {
			return id, nil
		}
		us, _, err := svc.Units.FindUnits(sys, shishi.UnitFilter{Code: code, Limit: 1})
		if err != nil || len(us) != 1 {
			return 0, fmt.Errorf("demo complaints: no unit %q (%v)", code, err)
		}
		ids[code] = us[0].ID
		return us[0].ID, nil
	}
	cases := complaintCases()
	codes := make([]string, len(cases))
	for i, c := range cases {
		if err := seedCase(svc, sys, desk, henan, zz, unit, c, i, codes); err != nil {
			return fmt.Errorf("demo complaint %d (%s): %w", i+1, c.cat, err)
		}
		if progress != nil {
			progress(i+1, len(cases))
		}
	}
	svc.SetClock(svc.Now)
	_, err = svc.Complaints.SweepComplaints(sys)
	return err
}

func seedCase(svc ComplaintServices, sys, desk, henan, zz context.Context, unit func(string) (int64, error), c demoCase, i int, codes []string) error {
	// Office hours in Beijing: the day starts at 09:00, each step some
	// hours into it.
	d := shishi.DateOf(svc.Now.Add(-time.Duration(c.daysAgo) * 24 * time.Hour))
	day := d.Time().Add(time.Hour) // 09:00 Beijing is 01:00 UTC
	at := func(offset int, hour int) {
		svc.SetClock(day.Add(time.Duration(offset)*24*time.Hour + time.Duration(hour)*time.Hour))
	}
	at(0, 0)
	uid, err := unit(c.unit)
	if err != nil {
		return err
	}
	rc, err := svc.Complaints.Submit(sys, shishi.ComplaintInput{Category: c.cat, UnitID: uid, Body: c.body, Anonymous: c.reporter.Empty(), Reporter: c.reporter, Source: "demo"}, nil)
	if err != nil {
		return err
	}
	codes[i] = rc.Code
	id := rc.ID
	step := func(ctx context.Context, action string, in shishi.StepInput) error {
		_, err := svc.Complaints.Step(ctx, id, action, in)
		return err
	}
	if c.dupOf >= 0 {
		at(0, 3)
		return step(desk, "merge", shishi.StepInput{Into: codes[c.dupOf], Note: "同一事项，并案办理"})
	}
	if c.fate == fateReceived {
		return nil
	}
	at(1, 1)
	if c.fate == fateDeclined {
		return step(desk, "decline", shishi.StepInput{Note: "所反映事项为工作建议，不属于举报受理范围，已转有关司局参考。"})
	}
	if err := step(desk, "accept", shishi.StepInput{}); err != nil {
		return err
	}
	if c.fate == fateAccepted {
		return nil
	}
	dispatcher := desk
	if c.forward != "" {
		fid, err := unit(c.forward)
		if err != nil {
			return err
		}
		if err := step(desk, "forward", shishi.StepInput{UnitID: fid, Note: "请河南省教育厅限期核查、严肃整改、及时反馈"}); err != nil {
			return err
		}
		dispatcher = henan
		at(2, 1)
	}
	to, err := unit(c.to)
	if err != nil {
		return err
	}
	if err := step(dispatcher, "dispatch", shishi.StepInput{UnitID: to, Note: "请限期核查，按时反馈核查和整改结果。"}); err != nil {
		return err
	}
	if c.fate == fateDispatched {
		return nil
	}
	// The unit's side: Zhengzhou's demo account where it is the unit,
	// otherwise the system acting for the city.
	unitCtx := sys
	if c.to == "ha-zz" {
		unitCtx = zz
	}
	at(3, 2)
	if err := step(unitCtx, "sign", shishi.StepInput{}); err != nil {
		return err
	}
	if c.fate == fateExtension {
		at(4, 2)
		return step(unitCtx, "request_extension", shishi.StepInput{Days: 5, Note: "涉及多所学校，需调取招生档案逐一核对"})
	}
	if c.fate == fateVerifying {
		return nil
	}
	at(8+i%9, 3)
	if err := step(unitCtx, "conclude", shishi.StepInput{Conclusion: c.conclusion, Note: verification(c.conclusion)}); err != nil {
		return err
	}
	if c.fate == fateRectifying {
		return nil
	}
	if c.conclusion != shishi.ConclusionFalse {
		at(14+i%11, 3)
		if err := step(unitCtx, "rectify", shishi.StepInput{Note: "已责成相关学校限期整改，补发拖欠款项并建立长效机制，整改材料已存档。"}); err != nil {
			return err
		}
	}
	if c.fate == fateConcluded {
		return nil
	}
	at(17+i%11, 4)
	if err := step(dispatcher, "reply", shishi.StepInput{Note: replyText(c.conclusion)}); err != nil {
		return err
	}
	if c.fate == fateReplied {
		return nil
	}
	at(19+i%11, 5)
	if _, err := svc.Complaints.ReporterStep(sys, rc.Code, rc.Secret, "rate", shishi.StepInput{Rating: c.rating}); err != nil {
		return err
	}
	if c.fate == fateReopened {
		at(21+i%11, 2)
		_, err = svc.Complaints.ReporterStep(sys, rc.Code, rc.Secret, "reopen", shishi.StepInput{Note: "校服价格问题没有解决，仍在强制购买。"})
	}
	return err
}

func verification(c shishi.Conclusion) string {
	switch c {
	case shishi.ConclusionTrue:
		return "经实地核查、调阅财务账目并走访教师，反映问题属实。"
	case shishi.ConclusionPartial:
		return "经核查，反映的主要问题部分属实，其余情况与事实不符。"
	}
	return "经核查，未发现所反映问题，举报不属实。"
}

func replyText(c shishi.Conclusion) string {
	if c == shishi.ConclusionFalse {
		return "您好，经属地教育部门核查，所反映问题不属实。感谢您对教育工作的关心和监督。"
	}
	return "您好，经属地教育部门核查，您反映的问题" + c.Label(false) + "，已督促限期整改到位。感谢您的监督。"
}
