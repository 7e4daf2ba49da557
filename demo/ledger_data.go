package demo

// The demo ledger: the Ministry of Education's 2021 “我为群众办实事”
// campaign (12 + 135 + 17 items, as the press conference of 2021-12-21
// counts them) and the Henan Provincial Department of Education's ten items
// (as its report of 2021-10-20 lists them).
//
// Figures quoted in the two source documents in shared/seeds are used as
// they stand (19 个部门, 20余个配套文件, 1400余万名学生, 233 个平台,
// 8603 课时, 1000万张电子证书, 65 个单位 / 160 个县; Henan's 2352 场,
// 8481 场, 340万个岗位, 90.1 %, 86.51 %, 225万, 7000 套 / 3364 套 …).
// Everything else — monthly plans, the months in between, the 135
// department items — is illustrative demo data, not official statistics.
// Leaders are named by title only.

import (
	"fmt"
	"strings"

	"github.com/shishi-edu/shishi"
)

// CampaignSpec is a demo campaign with its tiers.
type CampaignSpec struct {
	Name, Description string
	UnitCode          string // the office's unit: "moe" or "ha"
	StartsOn, EndsOn  shishi.Date
	AsOf              shishi.Date // reporting date the figures are frozen at
	Tiers             []TierSpec
}

// TierSpec is one list of a campaign.
type TierSpec struct {
	Name  string
	Items []ItemSpec
}

// ItemSpec is one key item (重点事项). Quantity targets come first, then
// milestone checklists, so a report's Values index the quantity targets and
// the targets alike.
type ItemSpec struct {
	Code, Title, Description string
	Leader                   string   // lead leader by title only, e.g. "部党组成员、副部长（分管基础教育）"
	LeadUnit                 string   // unit code
	Coop                     []string // cooperating unit codes
	Deadline                 shishi.Date
	Public                   bool
	Status                   shishi.ItemStatus // status the demo drives the item to
	Targets                  []TargetSpec
	Reports                  []ReportSpec
}

// TargetSpec is a target (指标) of an item.
type TargetSpec struct {
	Name, Unit       string
	Baseline, Target string // decimal text
	Down             bool
	Plan             []PlanSpec      // cumulative planned value by month
	Milestones       []MilestoneSpec // when non-empty the target is a milestone checklist (Baseline/Target ignored)
}

// PlanSpec is a planned cumulative value at the end of a month.
type PlanSpec struct {
	Period shishi.Period
	Value  string
}

// MilestoneSpec is one dated step of a checklist; DoneOn is empty while open.
type MilestoneSpec struct {
	Title  string
	Due    shishi.Date
	DoneOn shishi.Date
}

// ReportSpec is a monthly progress report (月报告).
type ReportSpec struct {
	Period     shishi.Period
	Narrative  string
	Values     []string // cumulative value per quantity target, by target index; "" = not reported
	Status     string   // "accepted", "returned", "submitted"
	Comment    string   // review comment (required for "returned")
	Correction string   // non-empty: a second version of the same month follows with this reason (the demo files the report twice)
}

// Report review outcomes used by the demo.
const (
	lgAccepted  = "accepted"
	lgReturned  = "returned"
	lgSubmitted = "submitted"
)

// Ledger returns the demo campaigns: the Ministry's and Henan's.
func Ledger() []CampaignSpec {
	return []CampaignSpec{lgMinistry(), lgHenan()}
}

// ---------------------------------------------------------------------------
// Builder helpers (prefixed lg, as units_data.go prefixes ws).

// lgPlan lays cumulative plan values on consecutive months from start.
func lgPlan(start string, values ...string) []PlanSpec {
	out := make([]PlanSpec, 0, len(values))
	p := shishi.Period(start)
	for _, v := range values {
		out = append(out, PlanSpec{Period: p, Value: v})
		p = p.Next()
	}
	return out
}

// lgQty is a quantity target rising from baseline to target.
func lgQty(name, unit, baseline, target string, plan []PlanSpec) TargetSpec {
	return TargetSpec{Name: name, Unit: unit, Baseline: baseline, Target: target, Plan: plan}
}

// lgQtyDown is a quantity target where smaller is better.
func lgQtyDown(name, unit, baseline, target string, plan []PlanSpec) TargetSpec {
	t := lgQty(name, unit, baseline, target, plan)
	t.Down = true
	return t
}

// lgChecklist is a milestone target.
func lgChecklist(name string, steps ...MilestoneSpec) TargetSpec {
	return TargetSpec{Name: name, Unit: "项", Milestones: steps}
}

// lgStep is a milestone due on due, done on done ("" while open).
func lgStep(title, due, done string) MilestoneSpec {
	return MilestoneSpec{Title: title, Due: shishi.Date(due), DoneOn: shishi.Date(done)}
}

// lgRep is an accepted monthly report with its cumulative values.
func lgRep(period, narrative string, values ...string) ReportSpec {
	return ReportSpec{Period: shishi.Period(period), Narrative: narrative, Values: values, Status: lgAccepted}
}

// pending leaves a report awaiting review.
func (r ReportSpec) pending() ReportSpec {
	r.Status = lgSubmitted
	return r
}

// returned sends a report back with the office's comment.
func (r ReportSpec) returned(comment string) ReportSpec {
	r.Status, r.Comment = lgReturned, comment
	return r
}

// corrected files a second version of the month for reason.
func (r ReportSpec) corrected(reason string) ReportSpec {
	r.Correction = reason
	return r
}

// lgUnits lists unit codes.
func lgUnits(codes ...string) []string { return codes }

// ---------------------------------------------------------------------------
// The Ministry of Education.

func lgMinistry() CampaignSpec {
	return CampaignSpec{
		Name: "教育部“我为群众办实事”实践活动（2021年）",
		Description: "党史学习教育启动以来，教育部从部党组、司局（直属单位）、党员干部三个层面协同推进“我为群众办实事”实践活动：" +
			"明确12个部党组层面重点事项，确定司局和直属单位135个重点事项，确定年内完成的17个重点民生项目。" +
			"部党组成员全员参与，牵头负责重点事项推进落实；持续统筹调度，及时跟进工作进度。",
		UnitCode: "moe",
		StartsOn: "2021-03-01",
		EndsOn:   "2021-12-31",
		AsOf:     "2021-12-21",
		Tiers: []TierSpec{
			{Name: "部党组层面重点事项", Items: lgMinistryTier1()},
			{Name: "司局和直属单位重点事项", Items: lgMinistryTier2()},
			{Name: "年内完成的重点民生项目", Items: lgMinistryTier3()},
		},
	}
}

// lgMinistryTier1 is the 12 items the Party leadership group of the Ministry
// leads itself.
func lgMinistryTier1() []ItemSpec {
	return []ItemSpec{
		{
			Code:  "BZ-01",
			Title: "扎实推进“双减”工作，有效减轻义务教育阶段学生作业负担和校外培训负担",
			Description: "建立由19个部门组成的“双减”工作专门协调机制，出台配套文件，基本建立“1+N”政策制度体系；" +
				"校外学科类培训大幅压减，校内服务有效提升。",
			Leader:   "部党组书记、部长",
			LeadUnit: "moe-xwjgs",
			Coop:     lgUnits("moe-jcs", "moe-ddj", "moe-zcfgs"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("出台“双减”配套文件", "个", "0", "20", lgPlan("2021-07", "1", "6", "12", "16", "20")),
				lgQty("“双减”工作专门协调机制成员部门", "个", "0", "19", lgPlan("2021-09", "19")),
				lgChecklist("“1+N”政策制度体系建设",
					lgStep("设立校外教育培训监管司", "2021-06-30", "2021-06-15"),
					lgStep("《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》印发实施", "2021-07-31", "2021-07-24"),
					lgStep("基本建立“1+N”政策制度体系", "2021-12-15", "2021-12-10"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "开展义务教育阶段学生作业负担和校外培训负担专题调研，梳理群众反映集中的突出问题。"),
				lgRep("2021-04", "会同有关部门研究起草减轻学生过重作业负担和校外培训负担的政策文件。"),
				lgRep("2021-05", "政策文件多轮征求意见，同步研究校外培训监管体制机制。"),
				lgRep("2021-06", "校外教育培训监管司设立，校外培训监管力量得到加强。"),
				lgRep("2021-07", "《意见》印发，召开全国视频会议部署落实，配套文件陆续出台。", "1"),
				lgRep("2021-08", "印发校外培训机构分类鉴别、收费监管等配套文件，筹建“双减”工作专门协调机制。", "8", ""),
				lgRep("2021-09", "19个部门组成“双减”工作专门协调机制，集中开展校外培训专项治理。", "14", "19"),
				lgRep("2021-10", "持续出台配套文件，校外学科类培训大幅压减，校内服务有效提升。", "19", "19"),
				lgRep("2021-11", "已出台20余个配套文件，基本建立起“1+N”政策制度体系。", "23", "19").pending(),
			},
		},
		{
			Code:        "BZ-02",
			Title:       "推动义务教育课后服务全面铺开，解决家长接送之“难”、学生看护之“忧”",
			Description: "推动义务教育学校课后服务全覆盖，推广“5+2”模式，有效解决家长接送之“难”、学生看护之“忧”。",
			Leader:      "部党组成员、副部长（分管基础教育）",
			LeadUnit:    "moe-jcs",
			Coop:        lgUnits("moe-xwjgs", "moe-cws", "moe-jss"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("开展课后服务的义务教育学校占比", "%", "60", "100",
					lgPlan("2021-03", "63", "66", "69", "72", "75", "80", "90", "96", "99", "100")),
				lgChecklist("课后服务工作节点",
					lgStep("印发进一步做好中小学生课后服务工作的通知", "2021-07-31", "2021-07-13"),
					lgStep("秋季学期推动有需求的学生课后服务应开尽开", "2021-09-30", "2021-09-30"),
					lgStep("总结推广“5+2”课后服务典型经验", "2021-12-31", ""),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "摸排各地义务教育学校课后服务开展情况，梳理保障机制短板。", "64"),
				lgRep("2021-04", "指导各地完善课后服务经费保障机制。", "67"),
				lgRep("2021-05", "推动城区学校率先实现课后服务全覆盖。", "70"),
				lgRep("2021-06", "研究制定进一步做好课后服务工作的政策措施。", "73"),
				lgRep("2021-07", "印发通知，要求秋季学期课后服务全面铺开。", "73"),
				lgRep("2021-08", "指导各地做好秋季学期课后服务准备，支持探索暑期托管服务。", "82"),
				lgRep("2021-09", "秋季开学课后服务全面铺开，推行“5+2”模式。", "96"),
				lgRep("2021-10", "课后服务基本实现全覆盖，家长接送之“难”得到有效解决。", "99"),
				lgRep("2021-11", "课后服务全面铺开，学生看护之“忧”得到有效解决。", "100"),
			},
		},
		{
			Code:        "BZ-03",
			Title:       "实施中共党史学科建设推进行动，加强高层次人才培养",
			Description: "实施中共党史学科建设推进行动，支持有关高校加强中共党史党建学科建设，加强高层次人才培养。",
			Leader:      "部党组成员、副部长（分管学位与研究生教育）",
			LeadUnit:    "moe-xwb",
			Coop:        lgUnits("moe-sks", "moe-szs"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgChecklist("推进行动节点",
					lgStep("制定中共党史学科建设推进行动方案", "2021-05-31", "2021-05-25"),
					lgStep("支持有关高校增设中共党史党建方向博士、硕士学位授权点", "2021-08-31", "2021-08-27"),
					lgStep("实施中共党史党建高层次人才培养专项计划", "2021-10-31", "2021-10-22"),
					lgStep("完成中共党史党建学科建设年度总结", "2021-12-31", ""),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "组织专家研究中共党史学科建设思路。"),
				lgRep("2021-04", "起草中共党史学科建设推进行动方案。"),
				lgRep("2021-05", "推进行动方案制定完成。"),
				lgRep("2021-06", "组织有关高校申报中共党史党建方向学位授权点。"),
				lgRep("2021-07", "开展申报材料评议。"),
				lgRep("2021-08", "支持有关高校增设中共党史党建方向博士、硕士学位授权点。"),
				lgRep("2021-09", "研究制定高层次人才培养专项计划。"),
				lgRep("2021-10", "高层次人才培养专项计划启动实施。"),
				lgRep("2021-11", "推进学科建设年度总结。"),
			},
		},
		{
			Code:        "BZ-04",
			Title:       "加强学生心理健康教育，对心理咨询教师和辅导员开展专题培训",
			Description: "加强学生心理健康教育和管理，对心理咨询教师和辅导员进行广泛的专题培训。",
			Leader:      "部党组成员、副部长（分管思想政治工作）",
			LeadUnit:    "moe-szs",
			Coop:        lgUnits("moe-tws", "moe-jcs", "moe-jss"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("心理咨询教师和辅导员专题培训", "万人次", "0", "10",
					lgPlan("2021-03", "1", "2", "3", "4", "5", "6", "7.5", "9", "10")),
				lgChecklist("制度建设",
					lgStep("印发加强学生心理健康管理工作的通知", "2021-07-31", "2021-07-12"),
					lgStep("指导高校做好新生心理健康测评", "2021-10-31", "2021-10-28"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定心理健康教育专题培训方案。", "0.8"),
				lgRep("2021-04", "举办高校心理咨询教师专题培训班。", "1.7"),
				lgRep("2021-05", "开展“5·25”心理健康教育宣传活动，同步组织辅导员培训。", "2.6"),
				lgRep("2021-06", "继续开展分片区专题培训。", "3.5"),
				lgRep("2021-07", "印发加强学生心理健康管理工作的通知。", "4.3"),
				lgRep("2021-08", "暑期线上培训受疫情影响有所延后。", "4.9"),
				lgRep("2021-09", "秋季学期恢复培训，开展新生心理健康教育。", "6.0"),
				lgRep("2021-10", "指导高校完成新生心理健康测评。", "7.1"),
				lgRep("2021-11", "累计培训8.2万人次，进度慢于计划：部分线下培训因疫情延期，已调整为线上线下结合，计划12月底前完成。", "8.2"),
			},
		},
		{
			Code:        "BZ-05",
			Title:       "组织开展2021年职业教育活动周，吸引更多青年接受职业教育",
			Description: "组织开展2021年职业教育活动周活动，吸引更多青年接受职业教育；1400余万名职业院校学生、5.2万余家企业参与。",
			Leader:      "部党组成员、副部长（分管职业教育）",
			LeadUnit:    "moe-zcs",
			Coop:        lgUnits("civte"),
			Deadline:    "2021-06-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("参与活动周的职业院校学生", "万名", "0", "1000", lgPlan("2021-05", "1000")),
				lgQty("参与活动周的企业", "万家", "0", "5", lgPlan("2021-05", "5")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定2021年职业教育活动周活动方案。"),
				lgRep("2021-04", "召开活动周工作部署会，指导各地各校和行业企业做好准备。"),
				lgRep("2021-05", "2021年职业教育活动周举办，1400余万名职业院校学生、5.2万余家企业参与。", "1400", "5.2"),
				lgRep("2021-06", "完成活动周总结，推广各地特色做法，申请办结。", "1400", "5.2"),
			},
		},
		{
			Code:        "BZ-06",
			Title:       "开展“清理互联网涉考公众账号”等8个专项行动，实现平安高考",
			Description: "会同有关部门开展“清理互联网涉考公众账号”等8个专项行动，实现平安高考。",
			Leader:      "部党组成员、副部长（分管高校学生工作）",
			LeadUnit:    "moe-xss",
			Coop:        lgUnits("neea", "moe-jcs"),
			Deadline:    "2021-08-31",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("开展高考安全专项行动", "个", "0", "8", lgPlan("2021-04", "4", "8")),
				lgChecklist("高考组织",
					lgStep("2021年全国统一高考平稳举行", "2021-06-10", "2021-06-10"),
					lgStep("招生录取工作顺利完成", "2021-08-31", "2021-08-25"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "会同有关部门研究部署2021年平安高考工作。", "2"),
				lgRep("2021-04", "“清理互联网涉考公众账号”等专项行动全面展开。", "5"),
				lgRep("2021-05", "8个专项行动全部启动，开展考前综合治理。", "8"),
				lgRep("2021-06", "高考平稳顺利举行，实现平安高考。", "8"),
				lgRep("2021-07", "录取工作有序推进。", "8"),
				lgRep("2021-08", "招生录取工作顺利完成，申请办结。", "8"),
			},
		},
		{
			Code:        "BZ-07",
			Title:       "做好高校毕业生就业指导服务，保持就业总体稳定",
			Description: "做好高校毕业生就业指导服务，深入开展“24365”校园招聘服务，2021届毕业生就业状况保持总体稳定，稳中有升。",
			Leader:      "部党组成员、副部长（分管高校学生工作）",
			LeadUnit:    "moe-xss",
			Coop:        lgUnits("chsi", "moe-gjs", "moe-xwb"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("“24365”校园招聘服务提供岗位信息", "万个", "0", "1000",
					lgPlan("2021-03", "150", "300", "450", "600", "700", "760", "830", "900", "960", "1000")),
				lgQty("家庭经济困难等重点群体毕业生“一人一策”帮扶覆盖率", "%", "0", "100",
					lgPlan("2021-05", "60", "80", "95", "100")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "启动“24365”校园招聘服务春季专场。", "180", ""),
				lgRep("2021-04", "开展“百日冲刺”行动。", "340", ""),
				lgRep("2021-05", "建立重点群体毕业生帮扶台账，实施“一人一策”。", "500", "58"),
				lgRep("2021-06", "毕业季招聘持续开展。", "650", "81"),
				lgRep("2021-07", "做好离校未就业毕业生服务。", "730", "95"),
				lgRep("2021-08", "重点群体毕业生帮扶实现全覆盖。", "790", "100"),
				lgRep("2021-09", "启动2022届毕业生秋季校园招聘。", "880", "100"),
				lgRep("2021-10", "秋季校园招聘持续开展。", "960", "100"),
				lgRep("2021-11", "2021届毕业生就业状况保持总体稳定，稳中有升。", "1050", "100").pending(),
			},
		},
		{
			Code:        "BZ-08",
			Title:       "稳步推进教育评价改革，破除“唯SCI”等不良导向",
			Description: "深化新时代教育评价改革，配套制度体系逐步健全，破除“唯SCI（美国《科学引文索引》）”等重点任务初显成效。",
			Leader:      "部党组成员、副部长（分管综合改革）",
			LeadUnit:    "moe-zhggs",
			Coop:        lgUnits("moe-kjs", "moe-rss", "moe-gjs"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("完成“唯SCI”等问题清理的中管高校和部属高校", "所", "0", "80",
					lgPlan("2021-04", "10", "20", "35", "45", "55", "65", "75", "80")),
				lgChecklist("配套制度",
					lgStep("出台教育评价改革配套制度文件", "2021-09-30", "2021-09-24"),
					lgStep("召开教育评价改革推进会", "2021-11-30", "2021-11-19"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "部署高校开展“唯SCI”等问题自查。", ""),
				lgRep("2021-04", "首批高校完成清理。", "8"),
				lgRep("2021-05", "指导高校修订科研评价和人才评价制度。", "18"),
				lgRep("2021-06", "清理工作有序推进。", "33"),
				lgRep("2021-07", "暑期集中推进制度修订。", "41"),
				lgRep("2021-08", "开展清理情况抽查。", "50"),
				lgRep("2021-09", "出台配套制度文件。", "63"),
				lgRep("2021-10", "配套制度体系逐步健全。", "74"),
				lgRep("2021-11", "破除“唯SCI”等重点任务初显成效，80所高校全部完成清理。", "80"),
			},
		},
		{
			Code:        "BZ-09",
			Title:       "规范大学生互联网消费贷款，开展金融知识进校园活动",
			Description: "会同有关部门规范大学生互联网消费贷款，开展金融知识进校园活动，推动大学生进一步树立正确观念。",
			Leader:      "部党组成员、副部长（分管思想政治工作）",
			LeadUnit:    "moe-szs",
			Coop:        lgUnits("moe-xss", "moe-cws"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("开展金融知识进校园活动的高校", "所", "0", "2000",
					lgPlan("2021-04", "200", "400", "600", "700", "900", "1300", "1700", "2000")),
				lgChecklist("监管制度",
					lgStep("联合印发进一步规范大学生互联网消费贷款监督管理工作的通知", "2021-03-31", "2021-03-17"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "联合有关部门印发通知，规范大学生互联网消费贷款监督管理。", ""),
				lgRep("2021-04", "启动金融知识进校园活动。", "180"),
				lgRep("2021-05", "开展防范不良“校园贷”主题教育。", "420"),
				lgRep("2021-06", "毕业季加强警示教育。", "650"),
				lgRep("2021-07", "暑期线上宣传。", "700"),
				lgRep("2021-08", "准备秋季学期新生教育。", "880"),
				lgRep("2021-09", "新生入学教育纳入金融知识内容。", "1350"),
				lgRep("2021-10", "活动覆盖面持续扩大。", "1760"),
				lgRep("2021-11", "推动大学生进一步树立正确消费观念。", "2015"),
			},
		},
		{
			Code:  "BZ-10",
			Title: "保障义务教育教师工资待遇，向农村教师倾斜",
			Description: "打出专题部署、及时约谈、逐级督办等“组合拳”，运用“互联网+教育督导”举报专栏核查义务教育教师平均工资收入水平低于当地公务员的问题，" +
				"在工资收入、职称评聘等方面向农村教师倾斜。",
			Leader:   "部党组成员、副部长（分管教师工作）",
			LeadUnit: "moe-jss",
			Coop:     lgUnits("moe-cws", "moe-ddj"),
			Deadline: "2021-12-31",
			Public:   false,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("教师工资待遇举报线索核查办结率", "%", "0", "100",
					lgPlan("2021-06", "30", "50", "70", "85", "95", "100")),
				lgChecklist("“组合拳”",
					lgStep("专题部署保障义务教育教师工资待遇", "2021-04-30", "2021-04-20"),
					lgStep("对落实不到位的地区及时约谈", "2021-08-31", "2021-08-26"),
					lgStep("逐级督办，推动工资收入、职称评聘向农村教师倾斜", "2021-11-30", "2021-11-25"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "梳理各地义务教育教师工资待遇落实情况。", ""),
				lgRep("2021-04", "专题部署保障义务教育教师工资待遇工作。", ""),
				lgRep("2021-05", "开通“互联网+教育督导”举报专栏，收集举报信息。", ""),
				lgRep("2021-06", "举报线索分批转办核查。", "24"),
				lgRep("2021-07", "督促各地限期核查反馈。", "40"),
				lgRep("2021-08", "对落实不到位的地区及时约谈。", "55"),
				lgRep("2021-09", "逐级督办，部分线索涉及财政安排，核查周期较长。", "66"),
				lgRep("2021-10", "持续跟踪督办。", "72"),
				lgRep("2021-11", "核查办结率78%，慢于计划；已对进度滞后地区逐一督办，推动向农村教师倾斜。", "78"),
			},
		},
		{
			Code:  "BZ-11",
			Title: "推进国家数字教育资源公共服务体系与各级平台对接，重点关注“三区三州”",
			Description: "加快推进国家数字教育资源公共服务体系与各级地区教育资源公共服务平台的对接，" +
				"重点关注“三区三州”，现已接入上线各级平台233个。",
			Leader:   "部党组成员、副部长（分管教育信息化）",
			LeadUnit: "moe-kjs",
			Coop:     lgUnits("ncet", "emic"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgQty("接入上线各级教育资源公共服务平台", "个", "0", "200",
					lgPlan("2021-03", "20", "40", "60", "80", "100", "120", "140", "160", "180", "200")),
				lgChecklist("重点地区",
					lgStep("完成“三区三州”地区平台接入", "2021-10-31", "2021-10-15"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定平台对接技术规范。", "18"),
				lgRep("2021-04", "首批省级平台接入。", "41"),
				lgRep("2021-05", "推进市县平台对接。", "66"),
				lgRep("2021-06", "对接工作有序推进。", "88"),
				lgRep("2021-07", "重点推进“三区三州”平台对接。", "105"),
				lgRep("2021-08", "开展对接平台运行监测。", "131"),
				lgRep("2021-09", "对接进度加快。", "168"),
				lgRep("2021-10", "“三区三州”地区平台全部接入。", "205"),
				lgRep("2021-11", "已接入上线各级平台233个，超额完成目标，申请办结。", "233"),
			},
		},
		{
			Code:  "BZ-12",
			Title: "建设教育考试电子证书系统，提供“互联网+证书服务”",
			Description: "建设教育考试电子证书系统，先后上线全国英语等级考试、全国外语水平考试、全国大学英语四六级考试电子证书服务，" +
				"共发布电子证书（成绩单）超过1000万张。",
			Leader:   "部党组成员、副部长（分管考试招生）",
			LeadUnit: "neea",
			Coop:     lgUnits("chsi", "moe-xss"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgQty("发布电子证书（成绩单）", "万张", "0", "1000",
					lgPlan("2021-03", "50", "120", "200", "280", "360", "480", "620", "800", "950", "1000")),
				lgChecklist("电子证书服务上线",
					lgStep("上线全国英语等级考试电子证书服务", "2021-04-30", "2021-04-22"),
					lgStep("上线全国外语水平考试电子证书服务", "2021-06-30", "2021-06-18"),
					lgStep("上线全国大学英语四六级考试电子证书服务", "2021-08-31", "2021-08-20"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "完成电子证书系统开发测试。", "45"),
				lgRep("2021-04", "上线全国英语等级考试电子证书服务。", "118"),
				lgRep("2021-05", "电子证书服务运行平稳。", "205"),
				lgRep("2021-06", "上线全国外语水平考试电子证书服务。", "290"),
				lgRep("2021-07", "完善证书验证功能。", "350"),
				lgRep("2021-08", "上线全国大学英语四六级考试电子证书服务。", "520"),
				lgRep("2021-09", "发布量快速增长。", "700"),
				lgRep("2021-10", "持续提供“互联网+证书服务”。", "860"),
				lgRep("2021-11", "共发布电子证书（成绩单）超过1000万张，申请办结。", "1012"),
			},
		},
	}
}

// ---------------------------------------------------------------------------
// Tier 2: the 135 items of the departments and affiliated units, from a
// compact table. Each row is one item with one quantity target (goal) or a
// milestone checklist (steps) and a fare: how it goes by the as-of date.

// lgKPI is a tier-2 quantity target.
type lgKPI struct {
	name, unit, base, goal string
	down                   bool
}

// lgFare is how a tier-2 item fares: its status, its pace against the plan
// and which months it reported.
type lgFare struct {
	status   shishi.ItemStatus
	pace     int    // reported progress, percent of the planned progress
	from     string // first plan month
	due      string // deadline month (the plan reaches the goal here)
	last     string // last reported month ("" = no reports)
	returned bool   // the last report was returned
	amended  bool   // the September report was corrected
}

// The fares of tier 2. Reports run monthly from the campaign's start.
var (
	lgOnPlan     = lgFare{status: shishi.StatusInProgress, pace: 100, from: "2021-03", due: "2021-12", last: "2021-11"}
	lgAhead      = lgFare{status: shishi.StatusInProgress, pace: 115, from: "2021-03", due: "2021-12", last: "2021-11"}
	lgBehind     = lgFare{status: shishi.StatusInProgress, pace: 80, from: "2021-03", due: "2021-12", last: "2021-11"} // amber
	lgLagging    = lgFare{status: shishi.StatusInProgress, pace: 55, from: "2021-03", due: "2021-12", last: "2021-11"} // red
	lgOverdue    = lgFare{status: shishi.StatusInProgress, pace: 85, from: "2021-03", due: "2021-11", last: "2021-11"} // past its deadline: red
	lgBounced    = lgFare{status: shishi.StatusInProgress, pace: 100, from: "2021-03", due: "2021-12", last: "2021-11", returned: true}
	lgAmended    = lgFare{status: shishi.StatusInProgress, pace: 100, from: "2021-03", due: "2021-12", last: "2021-11", amended: true}
	lgNotStarted = lgFare{status: shishi.StatusApproved, from: "2021-12", due: "2021-12"} // approved late, plan from December
	lgDrafted    = lgFare{status: shishi.StatusDraft, from: "2021-12", due: "2021-12"}
)

// lgClosedIn is an item done and closed (销号) in month.
func lgClosedIn(month string) lgFare {
	return lgFare{status: shishi.StatusClosed, pace: 100, from: "2021-03", due: month, last: month}
}

// lgAsksClosure is an item that reached its goal by its deadline month and
// asked to be closed; its reports run to November.
func lgAsksClosure(month string) lgFare {
	return lgFare{status: shishi.StatusClosureRequested, pace: 115, from: "2021-03", due: month, last: "2021-11"}
}

// lgSilentAfter is an item on plan whose reports stop after month.
func lgSilentAfter(month string) lgFare {
	f := lgOnPlan
	f.last = month
	return f
}

// lgRow is one tier-2 item.
type lgRow struct {
	lead, title string
	goal        lgKPI    // zero name: a checklist of steps
	steps       []string // milestone titles
	fare        lgFare
	coop        []string
	internal    bool
}

func lgQ(lead, title string, k lgKPI, f lgFare) lgRow {
	return lgRow{lead: lead, title: title, goal: k, fare: f}
}

func lgM(lead, title string, f lgFare, steps ...string) lgRow {
	return lgRow{lead: lead, title: title, steps: steps, fare: f}
}

func lgUp(name, unit, base, goal string) lgKPI {
	return lgKPI{name: name, unit: unit, base: base, goal: goal}
}
func lgDown(name, unit, base, goal string) lgKPI {
	return lgKPI{name: name, unit: unit, base: base, goal: goal, down: true}
}

// with adds cooperating units.
func (r lgRow) with(codes ...string) lgRow {
	r.coop = codes
	return r
}

// hidden marks an internal item (not on the public board).
func (r lgRow) hidden() lgRow {
	r.internal = true
	return r
}

// lgTier2Rows is the table of the 135 department and affiliate items.
func lgTier2Rows() []lgRow {
	return []lgRow{
		// 办公厅
		lgQ("moe-bgt", "推进教育部政务服务事项“一网通办”", lgUp("政务服务事项网上可办率", "%", "70", "100"), lgOnPlan).with("emic"),
		lgQ("moe-bgt", "提升群众来信来访和网上留言办理质效", lgUp("群众留言按期办结率", "%", "85", "98"), lgAhead),
		lgM("moe-bgt", "建立“我为群众办实事”项目化推进和月报告制度", lgClosedIn("2021-09"),
			"印发实践活动工作方案", "建立重点事项清单和月报告制度", "开展中期调度和成效评估").hidden(),
		lgQ("moe-bgt", "精简文件简报，为基层减负", lgUp("压减文件简报", "件", "0", "60"), lgBehind).hidden(),
		// 政策法规司
		lgQ("moe-zcfgs", "清理规范群众办事证明事项", lgUp("取消证明事项", "项", "0", "30"), lgClosedIn("2021-08")),
		lgQ("moe-zcfgs", "推进教育行政执法“双随机、一公开”", lgUp("抽查事项公开率", "%", "60", "100"), lgOnPlan),
		lgM("moe-zcfgs", "推进《教师法》修订", lgOnPlan, "形成修订草案", "公开征求意见", "形成送审稿").hidden(),
		lgQ("moe-zcfgs", "开展“宪法卫士”法治教育进校园", lgUp("覆盖中小学", "万所", "0", "20"), lgBehind).with("moe-jcs"),
		// 发展规划司
		lgM("moe-fzghs", "编制教育“十四五”专项规划", lgAsksClosure("2021-11"), "完成规划初稿", "征求各方意见", "印发实施").hidden(),
		lgQ("moe-fzghs", "消除义务教育大班额", lgDown("义务教育56人以上大班额", "个", "9000", "3000"), lgOnPlan).with("moe-jcs"),
		lgQ("moe-fzghs", "推进部属高校基本建设项目", lgUp("开工建设项目", "个", "0", "40"), lgBehind).hidden(),
		// 综合改革司
		lgQ("moe-zhggs", "研制教育评价改革配套文件", lgUp("出台配套文件", "件", "0", "12"), lgOnPlan).hidden(),
		lgQ("moe-zhggs", "遴选推广教育评价改革典型案例", lgUp("遴选典型案例", "个", "0", "60"), lgClosedIn("2021-10")),
		lgM("moe-zhggs", "推进国家教育综合改革试验区建设", lgOnPlan, "确定试验区名单", "指导制定改革方案", "开展中期评估").hidden(),
		// 人事司
		lgQ("moe-rss", "清理规范部属单位人才“帽子”使用", lgUp("完成自查的部属单位", "个", "0", "96"), lgOnPlan).hidden(),
		lgM("moe-rss", "完善直属单位职称评审，破除“唯论文”", lgBounced,
			"修订职称评审办法", "指导直属单位制定评审标准", "开展专项检查").hidden(),
		lgQ("moe-rss", "选派干部到国家乡村振兴重点帮扶县挂职", lgUp("选派挂职干部", "人", "0", "120"), lgClosedIn("2021-07")).hidden(),
		lgQ("moe-rss", "为部属单位青年职工解决急难愁盼问题", lgUp("解决住房、子女入学等问题", "件", "0", "50"), lgSilentAfter("2021-09")).hidden(),
		// 财务司
		lgQ("moe-cws", "落实学生资助政策“应助尽助”", lgUp("资助资金下达进度", "%", "0", "100"), lgOnPlan).with("moe-xss"),
		lgQ("moe-cws", "加快部属单位预算执行", lgUp("预算执行进度", "%", "0", "100"), lgBehind).hidden(),
		lgM("moe-cws", "落实城乡义务教育经费保障机制", lgAsksClosure("2021-11"),
			"下达城乡义务教育补助经费", "开展经费使用绩效评价", "通报评价结果").hidden(),
		// 教材局
		lgQ("moe-jcj", "做好中小学教材审核", lgUp("完成审核的教材", "种", "0", "300"), lgOnPlan).with("pep").hidden(),
		lgQ("moe-jcj", "开展中小学教辅材料专项检查", lgUp("完成检查的省份", "个", "0", "31"), lgSilentAfter("2021-08")),
		lgQ("moe-jcj", "建设高校哲学社会科学重点教材", lgUp("出版重点教材", "种", "0", "40"), lgBehind).with("hep"),
		lgQ("moe-jcj", "开展中小学教材“回头看”排查", lgUp("排查教材", "种", "0", "1200"), lgAsksClosure("2021-10")).hidden(),
		// 基础教育司
		lgQ("moe-jcs", "扩大普惠性学前教育资源", lgUp("新增普惠性学位", "万个", "0", "100"), lgOnPlan),
		lgQ("moe-jcs", "加强作业管理，控制书面作业总量", lgUp("落实作业公示制度的学校比例", "%", "60", "100"), lgAhead),
		lgM("moe-jcs", "加强中小学生睡眠管理", lgClosedIn("2021-09"), "印发睡眠管理通知", "指导各地调整作息时间", "开展落实情况抽查"),
		lgM("moe-jcs", "加强中小学生手机管理", lgClosedIn("2021-08"), "印发手机管理通知", "指导学校制定管理细则", "开展专项督查"),
		lgQ("moe-jcs", "推进县域普通高中发展提升", lgUp("消除普通高中超大班额", "个", "0", "3000"), lgLagging),
		lgQ("moe-jcs", "实施“三区三州”学前教育项目", lgUp("新建改扩建幼儿园", "所", "0", "300"), lgClosedIn("2021-10")).with("moe-mzs"),
		lgQ("moe-jcs", "规范义务教育招生入学，推行网上报名", lgUp("实现网上报名的县区比例", "%", "50", "100"), lgAmended),
		// 职业教育与成人教育司
		lgQ("moe-zcs", "推进职业院校“岗课赛证”综合育人", lgUp("试点院校", "所", "0", "500"), lgOnPlan).with("civte"),
		lgQ("moe-zcs", "实施职业教育提质培优行动计划", lgUp("完成重点任务", "项", "0", "56"), lgBehind).hidden(),
		lgQ("moe-zcs", "开展职业技能培训进社区", lgUp("开展培训", "万人次", "0", "300"), lgOnPlan).with("ouchn"),
		lgQ("moe-zcs", "建设社区教育学习点", lgUp("新建社区教育学习点", "个", "0", "1000"), lgSilentAfter("2021-10")),
		lgM("moe-zcs", "规范职业院校学生实习管理", lgBounced, "开展实习专项检查", "建立实习管理信息平台", "通报典型问题"),
		lgM("moe-zcs", "发布《职业教育专业目录（2021年）》", lgClosedIn("2021-04"), "完成目录修订", "印发专业目录"),
		// 高等教育司
		lgQ("moe-gjs", "实施基础学科拔尖学生培养计划2.0", lgUp("建设拔尖学生培养基地", "个", "0", "70"), lgOnPlan).with("pku", "thu", "nju"),
		lgQ("moe-gjs", "推进新工科、新医科、新农科、新文科建设", lgUp("立项建设项目", "项", "0", "1500"), lgAhead),
		lgQ("moe-gjs", "认定国家级一流本科课程", lgUp("认定课程", "门", "0", "4000"), lgBehind).with("heec"),
		lgQ("moe-gjs", "向中西部高校开放共享优质在线课程", lgUp("共享课程", "门", "0", "5000"), lgOnPlan).with("hep"),
		lgQ("moe-gjs", "清理规范高校校外教学点", lgUp("完成清理的教学点", "个", "0", "800"), lgClosedIn("2021-11")).hidden(),
		lgM("moe-gjs", "加强高校实验室安全管理", lgAsksClosure("2021-11"), "开展实验室安全检查", "督促整改安全隐患", "通报检查结果").hidden(),
		// 教育督导局
		lgQ("moe-ddj", "开展义务教育优质均衡发展督导评估", lgUp("完成评估的县", "个", "0", "150"), lgOnPlan).hidden(),
		lgQ("moe-ddj", "开展“双减”落实情况专项督导", lgUp("督导覆盖省份", "个", "0", "31"), lgAhead).with("moe-xwjgs"),
		lgQ("moe-ddj", "推进中小学责任督学挂牌督导全覆盖", lgUp("挂牌督导学校覆盖率", "%", "90", "100"), lgOnPlan),
		lgM("moe-ddj", "完善教育督导问责机制", lgOverdue, "印发问责办法实施细则", "建立问责台账", "通报问责典型案例").hidden(),
		// 民族教育司
		lgQ("moe-mzs", "做好内地民族班招生", lgUp("招生计划完成率", "%", "0", "100"), lgClosedIn("2021-09")),
		lgQ("moe-mzs", "改善民族地区义务教育薄弱环节", lgUp("改善学校", "所", "0", "600"), lgOnPlan),
		lgQ("moe-mzs", "选派援藏援疆教师", lgUp("选派教师", "人", "0", "1000"), lgAsksClosure("2021-09")).with("moe-jss"),
		// 教师工作司
		lgQ("moe-jss", "实施“国培计划”中西部乡村教师培训", lgUp("培训乡村教师", "万人次", "0", "100"), lgOnPlan).with("naea"),
		lgQ("moe-jss", "实施银龄讲学计划", lgUp("招募讲学教师", "人", "0", "3000"), lgBehind),
		lgQ("moe-jss", "加强师德师风建设", lgUp("通报违反师德典型问题", "批", "0", "6"), lgOnPlan).hidden(),
		lgQ("moe-jss", "为中小学教师减负，清理进校园事项", lgUp("清理进校园事项", "项", "0", "100"), lgClosedIn("2021-10")),
		lgQ("moe-jss", "落实乡村教师生活补助政策", lgUp("覆盖乡村教师", "万人", "0", "130"), lgSilentAfter("2021-10")).with("moe-cws"),
		// 体育卫生与艺术教育司
		lgQ("moe-tws", "开展学生体质健康监测", lgUp("完成监测的学校", "所", "0", "1300"), lgOnPlan),
		lgQ("moe-tws", "加强儿童青少年近视防控", lgDown("学生总体近视率", "%", "52.7", "51.7"), lgOnPlan),
		lgQ("moe-tws", "推动学校体育场馆向社会开放", lgUp("开放场馆的学校比例", "%", "30", "60"), lgBehind),
		lgQ("moe-tws", "开展高校美育浸润行动", lgUp("参与高校", "所", "0", "100"), lgBounced),
		lgM("moe-tws", "做好校园疫情防控", lgAsksClosure("2021-10"), "修订学校疫情防控技术方案", "开展开学防疫检查", "组织应急演练").hidden(),
		// 思想政治工作司
		lgQ("moe-szs", "开展高校思政课集体备课", lgUp("集体备课", "场", "0", "120"), lgOnPlan),
		lgQ("moe-szs", "加强高校辅导员队伍建设", lgUp("培训辅导员", "人", "0", "20000"), lgAhead),
		lgQ("moe-szs", "建设高校“一站式”学生社区", lgUp("试点高校", "所", "0", "100"), lgSilentAfter("2021-08")),
		lgQ("moe-szs", "推进高校网络思想政治工作", lgUp("建设网络思政工作室", "个", "0", "200"), lgOnPlan),
		lgQ("moe-szs", "为心理困难学生建立“一生一档”", lgUp("建立心理档案的学生比例", "%", "60", "100"), lgLagging),
		// 社会科学司
		lgQ("moe-sks", "组织开展高校党史研究专项", lgUp("立项课题", "项", "0", "200"), lgClosedIn("2021-07")).hidden(),
		lgQ("moe-sks", "发挥高校智库服务决策作用", lgUp("报送咨询报告", "篇", "0", "300"), lgOnPlan).hidden(),
		lgM("moe-sks", "建设中华优秀传统文化传承基地", lgOnPlan, "制定建设标准", "遴选传承基地", "开展基地展示活动").hidden(),
		// 科学技术与信息化司
		lgM("moe-kjs", "攻克“卡脖子”难题，支持高校服务国家重大攻关", lgOnPlan,
			"凝练梳理制约创新链、产业链的“卡点”问题", "组织高校联合攻关", "形成阶段性成果").with("thu", "zju", "sjtu", "hust", "xjtu"),
		lgQ("moe-kjs", "落实高校科研经费“放管服”", lgUp("完成政策落实自查的高校", "所", "0", "80"), lgClosedIn("2021-11")).hidden(),
		lgQ("moe-kjs", "推进中小学互联网接入和提速", lgUp("中小学（含教学点）互联网接入率", "%", "99.7", "100"), lgOnPlan).with("ncet"),
		lgQ("moe-kjs", "推进高校科技成果转化", lgUp("签订成果转化合同", "项", "0", "3000"), lgLagging),
		lgM("moe-kjs", "建设教育系统网络安全防护体系", lgNotStarted, "完成安全态势评估", "部署防护平台").hidden(),
		// 高校学生司（高校毕业生就业服务司）
		lgQ("moe-xss", "开展“24365”校园招聘服务", lgUp("举办网络招聘会", "场", "0", "400"), lgAhead).with("chsi"),
		lgQ("moe-xss", "实施重点群体毕业生“一人一策”帮扶", lgUp("帮扶困难毕业生", "万人", "0", "50"), lgOnPlan),
		lgM("moe-xss", "实施高校招生“阳光工程”", lgClosedIn("2021-09"), "公开招生章程", "公示特殊类型招生信息", "公开录取信息"),
		lgQ("moe-xss", "组织高校毕业生基层就业项目", lgUp("招募毕业生", "万人", "0", "10"), lgOnPlan),
		lgM("moe-xss", "发布高校毕业生就业质量年度报告", lgDrafted, "制定报告提纲", "汇总高校报告", "发布年度报告"),
		// 学位管理与研究生教育司
		lgQ("moe-xwb", "落实研究生导师指导行为准则", lgUp("培训导师", "万人", "0", "20"), lgOnPlan).with("cdgdc"),
		lgQ("moe-xwb", "扩大专业学位研究生培养", lgUp("新增专业学位授权点", "个", "0", "300"), lgBehind).hidden(),
		lgM("moe-xwb", "推进学位证书电子化", lgOnPlan, "制定电子学位证书标准", "开展试点", "推广应用").with("cdgdc", "chsi"),
		// 语言文字应用管理司
		lgQ("moe-yys", "开展农村青壮年劳动力普通话培训", lgUp("培训", "万人", "0", "50"), lgOnPlan),
		lgQ("moe-yys", "推普助力乡村振兴", lgUp("结对帮扶县", "个", "0", "160"), lgBounced).with("moe-mzs"),
		// 语言文字信息管理司
		lgQ("moe-yxs", "实施中华经典诵读工程", lgUp("参与学校", "万所", "0", "10"), lgOnPlan),
		// 国际合作与交流司
		lgM("moe-gjhzs", "通过中外合作办学自主招生为出国受阻学生提供就学渠道", lgClosedIn("2021-09"),
			"发布招生工作通知", "指导中外合作办学机构组织招生", "完成录取").with("cscse"),
		lgQ("moe-gjhzs", "发布留学预警和安全提醒", lgUp("发布预警提醒", "次", "0", "24"), lgOnPlan).with("cscse", "csc"),
		// 校外教育培训监管司
		lgQ("moe-xwjgs", "推进学科类校外培训机构“营转非”", lgUp("完成“营转非”的机构比例", "%", "0", "100"), lgBehind).hidden(),
		lgQ("moe-xwjgs", "大幅压减学科类校外培训机构", lgUp("线下机构压减率", "%", "0", "80"), lgAhead),
		lgQ("moe-xwjgs", "加强校外培训预收费监管", lgUp("纳入预收费监管的机构比例", "%", "0", "100"), lgLagging).with("moe-cws"),
		lgQ("moe-xwjgs", "查处违规开展学科类校外培训", lgUp("查处违规培训", "起", "0", "3000"), lgSilentAfter("2021-10")),
		lgM("moe-xwjgs", "建设全国校外教育培训监管与服务综合平台", lgOnPlan, "完成平台开发", "试点省份上线", "全国推广应用"),
		lgQ("moe-xwjgs", "开展校外培训广告专项治理", lgUp("清理违规广告", "条", "0", "10000"), lgAmended),
		// 机关党委
		lgQ("moe-jgdw", "组织党员干部下沉社区办实事", lgUp("参与党员干部", "人次", "0", "2000"), lgOnPlan).hidden(),
		lgM("moe-jgdw", "开展机关支部与基层学校结对共建", lgClosedIn("2021-10"), "确定结对名单", "开展共建活动", "总结经验").hidden(),
		lgQ("moe-jgdw", "组织青年理论学习小组“走基层”", lgUp("开展调研", "次", "0", "100"), lgDrafted).hidden(),
		// 离退休干部局
		lgQ("moe-ltj", "帮助离退休干部跨越“数字鸿沟”", lgUp("开展智能技术培训", "人次", "0", "3000"), lgOnPlan).hidden(),
		lgQ("moe-ltj", "走访慰问离退休干部", lgUp("走访慰问覆盖率", "%", "0", "100"), lgAsksClosure("2021-11")).hidden(),
		// 教育部考试中心
		lgQ("neea", "推进大学英语四六级考试成绩报告单电子化", lgUp("发放电子成绩报告单", "万份", "0", "800"), lgOnPlan).with("chsi"),
		lgM("neea", "优化中小学教师资格考试网上报名服务", lgClosedIn("2021-10"), "改版报名系统", "开通网上审核", "上线移动端报名"),
		lgM("neea", "做好高考命题和试卷安全保密", lgClosedIn("2021-07"), "完成命题", "试卷印制和运送", "评卷安全检查").hidden(),
		lgQ("neea", "开通考试成绩短信查询提醒服务", lgUp("覆盖考生", "万人次", "0", "1500"), lgAmended),
		lgQ("neea", "推进社会考试考点标准化建设", lgUp("完成标准化改造的考点", "个", "0", "500"), lgSilentAfter("2021-09")).hidden(),
		// 全国高等学校学生信息咨询与就业指导中心（学信网）
		lgQ("chsi", "学历认证网上办理", lgUp("学历认证网上办理率", "%", "70", "100"), lgOnPlan).with("moe-xss"),
		lgQ("chsi", "学籍学历信息查询“掌上办”", lgUp("提供查询服务", "万次", "0", "5000"), lgAhead),
		lgM("chsi", "开通高校毕业生档案去向网上查询", lgSilentAfter("2021-10"), "完成系统开发", "试点高校上线", "全国高校上线"),
		lgQ("chsi", "国家大学生就业服务平台扩容", lgUp("新增注册用户", "万人", "0", "1000"), lgOnPlan).with("moe-xss"),
		// 教育部学位与研究生教育发展中心
		lgQ("cdgdc", "学位认证网上办理，缩短办理时限", lgDown("学位认证办理时限", "个工作日", "20", "10"), lgAsksClosure("2021-11")),
		lgM("cdgdc", "做好学位授权点合格评估", lgOnPlan, "制定评估方案", "组织专家评议", "公布评估结果").hidden(),
		// 中国教育科学研究院
		lgQ("nies", "开展“双减”成效监测研究", lgUp("完成监测报告", "份", "0", "12"), lgBehind).with("moe-xwjgs").hidden(),
		lgM("nies", "研制家庭教育指导手册", lgOnPlan, "完成手册初稿", "开展试用", "修订出版"),
		// 中央电化教育馆
		lgQ("ncet", "推进“三个课堂”应用", lgUp("应用试点县", "个", "0", "200"), lgOnPlan).hidden(),
		lgQ("ncet", "开展中小学生信息素养测评", lgUp("参测学生", "万人", "0", "100"), lgBounced).hidden(),
		// 教育部教育管理信息中心
		lgM("emic", "推进教育统计数据“一数一源”", lgOnPlan, "梳理数据标准", "完成系统对接", "开展数据核查").hidden(),
		lgQ("emic", "实现中小学生转学网上办理", lgDown("转学办理时限", "个工作日", "15", "5"), lgOnPlan).with("moe-jcs"),
		// 中国留学服务中心
		lgQ("cscse", "举办留学回国人员网络招聘会", lgUp("举办招聘会", "场", "0", "30"), lgOnPlan),
		lgM("cscse", "留学人员档案托管业务网上办", lgClosedIn("2021-08"), "上线网上申请", "开通邮寄办理"),
		// 国家留学基金管理委员会
		lgM("csc", "做好受疫情影响国家公派留学人员服务保障", lgOnPlan, "摸排受影响人员", "调整派出计划", "落实困难帮扶").hidden(),
		// 教育部高等教育教学评估中心
		lgM("heec", "开展新一轮本科教育教学审核评估试点", lgNotStarted, "制定试点方案", "确定试点高校", "组织专家进校").with("moe-gjs"),
		// 教育部职业技术教育中心研究所
		lgQ("civte", "研制职业教育专业教学标准", lgUp("发布专业教学标准", "个", "0", "300"), lgOnPlan).with("moe-zcs"),
		// 国家教育行政学院
		lgQ("naea", "开展中小学校长“送培到县”", lgUp("培训校长", "人次", "0", "5000"), lgOnPlan).with("moe-jss"),
		// 中国教育报刊社
		lgQ("jyb", "宣传推广“我为群众办实事”典型经验", lgUp("刊发报道", "篇", "0", "500"), lgAhead),
		// 高等教育出版社
		lgQ("hep", "建设新形态数字教材", lgUp("出版新形态教材", "种", "0", "200"), lgSilentAfter("2021-09")).hidden(),
		// 人民教育出版社
		lgQ("pep", "免费上线中小学教材电子版", lgUp("上线教材", "种", "0", "500"), lgAsksClosure("2021-09")).with("moe-jcj"),
		// 国家开放大学
		lgQ("ouchn", "实施“一村一名大学生计划”", lgUp("招收学员", "人", "0", "30000"), lgOnPlan),
		// 教育部中外语言交流合作中心
		lgQ("clec", "推出国际中文教育“居家网考”", lgUp("开设居家网考考点", "个", "0", "300"), lgOnPlan),
		// 直属高校
		lgQ("pku", "面向中西部高校开放共享优质课程", lgUp("共享课程", "门", "0", "100"), lgOnPlan).with("moe-gjs"),
		lgQ("thu", "依托“学堂在线”开展乡村教师培训", lgUp("培训乡村教师", "人次", "0", "10000"), lgNotStarted),
		lgQ("bnu", "实施“优师计划”定向培养中西部教师", lgUp("招收“优师计划”师范生", "人", "0", "1000"), lgClosedIn("2021-09")).with("moe-jss"),
		lgQ("cau", "建设“科技小院”服务乡村振兴", lgUp("新建科技小院", "个", "0", "50"), lgOnPlan),
		lgQ("nwafu", "开展农业科技推广服务", lgUp("培训农民", "人次", "0", "20000"), lgAhead),
		lgQ("zju", "附属医院开展便民就医服务", lgUp("新增便民服务举措", "项", "0", "30"), lgAsksClosure("2021-10")),
		lgQ("hust", "开展师生“一站式”服务大厅建设", lgUp("入驻服务事项", "项", "0", "120"), lgDrafted),
		lgQ("ecnu", "开展乡村教师能力提升培训", lgUp("培训乡村教师", "人次", "0", "8000"), lgBehind),
		lgQ("xjtu", "建设学生成长发展中心", lgUp("开展成长辅导", "人次", "0", "6000"), lgSilentAfter("2021-10")),
	}
}

// lgUniversities are the universities that lead tier-2 items.
var lgUniversities = map[string]bool{
	"pku": true, "thu": true, "bnu": true, "cau": true, "nwafu": true, "zju": true, "hust": true, "ecnu": true, "xjtu": true,
}

// lgLeaderOf names the lead leader of a tier-2 item by title.
func lgLeaderOf(lead string) string {
	switch {
	case strings.HasPrefix(lead, "moe-"):
		return "司（局）主要负责同志"
	case lgUniversities[lead]:
		return "学校党委主要负责同志"
	}
	return "直属单位主要负责同志"
}

// lgMinistryTier2 builds the 135 items of the table.
func lgMinistryTier2() []ItemSpec {
	rows := lgTier2Rows()
	out := make([]ItemSpec, 0, len(rows))
	for i, r := range rows {
		out = append(out, r.item(i))
	}
	return out
}

// Review comments and correction reasons, used in turn.
var (
	lgComments = []string{
		"佐证材料不全，请补充活动照片和工作台账后重新报送。",
		"累计值与上月口径不一致，请核实后重新报送。",
		"进展描述过于笼统，请写明本月完成的具体事项。",
		"数据未经单位负责人审核，请履行审核程序后报送。",
		"缺少下一步工作安排，请补充后重新报送。",
	}
	lgReasons = []string{
		"9月数据统计口径有误，误将计划数计入完成数，现予更正。",
		"经复核，9月部分数据重复统计，更正累计值。",
		"9月报告漏报两个省份数据，补充更正。",
	}
)

// item expands row i of the table into an item with its plan and reports.
func (r lgRow) item(i int) ItemSpec {
	f := r.fare
	it := ItemSpec{
		Code:     fmt.Sprintf("SJ-%03d", i+1),
		Title:    r.title,
		Leader:   lgLeaderOf(r.lead),
		LeadUnit: r.lead,
		Coop:     r.coop,
		Deadline: shishi.Period(f.due).End(),
		Public:   !r.internal,
		Status:   f.status,
	}
	months := shishi.Periods(shishi.Period(f.from), shishi.Period(f.due))
	var reported []shishi.Period
	if f.last != "" {
		reported = shishi.Periods("2021-03", shishi.Period(f.last))
	}
	if r.goal.name != "" {
		it.Description, it.Targets, it.Reports = r.quantity(months, reported)
	} else {
		it.Description, it.Targets, it.Reports = r.milestones(i, months, reported)
	}
	last := len(it.Reports) - 1
	switch {
	case last < 0:
	case f.returned:
		it.Reports[last] = it.Reports[last].returned(lgComments[i%len(lgComments)])
	case f.status == shishi.StatusInProgress && f.last == "2021-11" && i%5 == 0:
		it.Reports[last] = it.Reports[last].pending()
	}
	if f.amended {
		for j := range it.Reports {
			if it.Reports[j].Period == "2021-09" {
				it.Reports[j] = it.Reports[j].corrected(lgReasons[i%len(lgReasons)])
			}
		}
	}
	return it
}

// quantity builds a row's quantity target: a straight plan from the
// baseline to the goal over months, and reports at the fare's pace.
func (r lgRow) quantity(months, reported []shishi.Period) (string, []TargetSpec, []ReportSpec) {
	k, f := r.goal, r.fare
	base, _ := shishi.ParseDecimal(k.base)
	goal, _ := shishi.ParseDecimal(k.goal)
	// Whole units; tenths for percentages, 万-units and decimal figures.
	stepSize := shishi.DecimalOf(1)
	if k.unit == "%" || strings.HasPrefix(k.unit, "万") || strings.Contains(k.base+k.goal, ".") {
		stepSize = shishi.DecimalOf(1) / 10
	}
	at := func(num, den int64) shishi.Decimal {
		if num > den {
			num = den
		}
		d := (goal - base) * shishi.Decimal(num) / shishi.Decimal(den)
		return base + d/stepSize*stepSize
	}
	n := int64(len(months))
	t := TargetSpec{Name: k.name, Unit: k.unit, Baseline: k.base, Target: k.goal, Down: k.down}
	for j, p := range months {
		t.Plan = append(t.Plan, PlanSpec{Period: p, Value: at(int64(j+1), n).String()})
	}
	verb := "提高"
	if k.down {
		verb = "降低"
	}
	desc := fmt.Sprintf("%s。年度目标：%s由%s%s%s到%s%s。", r.title, k.name, k.base, k.unit, verb, k.goal, k.unit)
	if k.base == "0" {
		desc = fmt.Sprintf("%s。年度目标：%s%s%s。", r.title, k.name, k.goal, k.unit)
	}
	var reps []ReportSpec
	for j, p := range reported {
		v := at(int64(j+1)*int64(f.pace), n*100)
		if j+1 >= int(n) && (f.status == shishi.StatusClosed || f.status == shishi.StatusClosureRequested) {
			v = goal
		}
		reps = append(reps, lgRep(string(p), r.narrative(p, j, len(reported), v.String()), v.String()))
	}
	return desc, []TargetSpec{t}, reps
}

// narrative writes a quantity row's report for month p (the j-th of n).
func (r lgRow) narrative(p shishi.Period, j, n int, value string) string {
	k, f := r.goal, r.fare
	verb := "累计完成"
	switch {
	case k.down:
		verb = "降至"
	case k.unit == "%":
		verb = "为"
	}
	s := fmt.Sprintf("截至%s底，%s%s%s%s（目标%s%s）。", lgMonthCN(p), k.name, verb, value, k.unit, k.goal, k.unit)
	switch {
	case j == 0:
		s += "已制定工作方案，明确任务分工和时间节点。"
	case j == n-1 && f.status == shishi.StatusClosed:
		s += "已完成年度目标，申请办结。"
	case j == n-1 && f.status == shishi.StatusClosureRequested:
		s += "目标任务已全面完成，申请办结。"
	case value == k.goal:
		s += "目标已完成，持续巩固成效。"
	case f.pace < 70:
		s += "进度明显滞后，正在分析原因，制定整改措施。"
	case f.pace < 90:
		s += "进度慢于计划，已加强调度，明确追赶措施。"
	case f.pace > 100:
		s += "进度快于计划。"
	default:
		s += "工作按计划推进。"
	}
	return s
}

// milestones builds a row's milestone target: the steps spread evenly
// over months, done a little before they fall due unless the item lags.
func (r lgRow) milestones(i int, months, reported []shishi.Period) (string, []TargetSpec, []ReportSpec) {
	f := r.fare
	n := len(r.steps)
	dueMonth := make([]shishi.Period, n)
	for s := range r.steps {
		dueMonth[s] = months[((s+1)*len(months)+n-1)/n-1]
	}
	// Steps due by the as-of date that are still open.
	open := 0
	if f.status == shishi.StatusInProgress {
		switch {
		case f.pace < 70:
			open = 2
		case f.pace < 90:
			open = 1
		}
	}
	const asOf = shishi.Date("2021-12-21")
	lastDue := -1
	for s := range r.steps {
		if dueMonth[s].End() <= asOf {
			lastDue = s
		}
	}
	t := TargetSpec{Name: "工作节点", Unit: "项"}
	doneIn := map[shishi.Period][]string{}
	for s, title := range r.steps {
		ms := MilestoneSpec{Title: title, Due: dueMonth[s].End()}
		done := f.status == shishi.StatusClosed || f.status == shishi.StatusClosureRequested ||
			(f.status == shishi.StatusInProgress && dueMonth[s].End() <= asOf && s <= lastDue-open)
		if done {
			ms.DoneOn = shishi.Date(fmt.Sprintf("%s-%02d", dueMonth[s], 10+(i+s)%9))
			doneIn[dueMonth[s]] = append(doneIn[dueMonth[s]], title)
		}
		t.Milestones = append(t.Milestones, ms)
	}
	desc := fmt.Sprintf("%s。按“%s”的节点推进。", r.title, strings.Join(r.steps, "—"))
	var reps []ReportSpec
	next := 0
	for j, p := range reported {
		var s string
		if d := doneIn[p]; len(d) > 0 {
			s = "本月完成“" + strings.Join(d, "”“") + "”。"
			next += len(d)
		}
		switch {
		case j == len(reported)-1 && (f.status == shishi.StatusClosed || f.status == shishi.StatusClosureRequested):
			s += "各项节点任务全部完成，申请办结。"
		case next < n:
			s += "推进“" + r.steps[next] + "”相关工作。"
			if open > 0 && dueMonth[next].End() <= p.End() {
				s += "该节点已逾期，正在加快推进。"
			}
		default:
			s += "节点任务已全部完成，持续巩固成效。"
		}
		reps = append(reps, lgRep(string(p), lgMonthCN(p)+"："+s))
	}
	return desc, []TargetSpec{t}, reps
}

// lgMonthCN writes a month the Chinese way: "2021年9月".
func lgMonthCN(p shishi.Period) string {
	t := p.Start().Time()
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// ---------------------------------------------------------------------------
// Tier 3: the 17 livelihood projects to finish within the year.

func lgMinistryTier3() []ItemSpec {
	return []ItemSpec{
		{
			Code:        "MS-01",
			Title:       "加强国家中小学网络云平台建设，制作上线课程资源",
			Description: "加强国家中小学网络云平台建设，已完成制作并上线8603课时的课程资源。",
			Leader:      "部党组成员、副部长（分管基础教育）",
			LeadUnit:    "ncet",
			Coop:        lgUnits("moe-jcs", "pep"),
			Deadline:    "2021-11-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("制作并上线课程资源", "课时", "0", "8000",
					lgPlan("2021-03", "1000", "2000", "3000", "4000", "4800", "5600", "6400", "7200", "8000")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定课程资源建设规划，组织名师录制。", "1200"),
				lgRep("2021-04", "按学科学段分批上线。", "2300"),
				lgRep("2021-05", "课程资源持续扩充。", "3400"),
				lgRep("2021-06", "完成春季学期课程资源上线。", "4500"),
				lgRep("2021-07", "上线暑期专题教育资源。", "5200"),
				lgRep("2021-08", "准备秋季学期课程资源。", "6100"),
				lgRep("2021-09", "秋季学期课程资源同步上线。", "7000"),
				lgRep("2021-10", "完善资源检索和推送功能。", "7900"),
				lgRep("2021-11", "已完成制作并上线8603课时的课程资源，申请办结。", "8603"),
			},
		},
		{
			Code:  "MS-02",
			Title: "精心打造“同上一堂课”，满足网络欠发达地区农村家庭学生上好课的需求",
			Description: "每天播放共10小时高质量小学全学段直播课程和初高中备考总复习课程，" +
				"满足网络欠发达地区的1.44亿农村家庭学生上好课的需求。",
			Leader:   "部党组成员、副部长（分管基础教育）",
			LeadUnit: "ncet",
			Coop:     lgUnits("moe-jcs", "moe-kjs"),
			Deadline: "2021-09-30",
			Public:   true,
			Status:   shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("每日直播课程时长", "小时", "0", "10", lgPlan("2021-03", "4", "6", "8", "10")),
				lgQty("覆盖网络欠发达地区农村家庭学生", "万人", "0", "14400", lgPlan("2021-03", "6000", "9000", "12000", "14400")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "“同上一堂课”开播，每天直播4小时。", "4", "6500"),
				lgRep("2021-04", "增加初高中备考总复习课程。", "6", "9800"),
				lgRep("2021-05", "扩大电视频道覆盖范围。", "8", "12600"),
				lgRep("2021-06", "每天播放共10小时直播课程。", "10", "14400"),
				lgRep("2021-07", "暑期安排专题教育节目。", "10", "14400"),
				lgRep("2021-08", "做好秋季学期课程编排。", "10", "14400"),
				lgRep("2021-09", "满足1.44亿农村家庭学生上好课的需求，申请办结。", "10", "14400"),
			},
		},
		{
			Code:        "MS-03",
			Title:       "组织对口联系西部10省区160个国家乡村振兴重点帮扶县",
			Description: "拓展教育脱贫攻坚成果同乡村振兴有效衔接，组织65个单位对口联系西部10省区160个国家乡村振兴重点帮扶县。",
			Leader:      "部党组成员、副部长（分管发展规划）",
			LeadUnit:    "moe-fzghs",
			Coop:        lgUnits("moe-cws", "moe-jgdw"),
			Deadline:    "2021-10-31",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("参与对口联系的单位", "个", "0", "65", lgPlan("2021-08", "65")),
				lgQty("对口联系的国家乡村振兴重点帮扶县", "个", "0", "160", lgPlan("2021-08", "100", "160")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "研究推进教育政策体系、制度体系和工作体系平稳过渡。"),
				lgRep("2021-04", "梳理定点帮扶工作经验。"),
				lgRep("2021-05", "研究制定对口联系工作方案。"),
				lgRep("2021-06", "征求部内各单位意见。"),
				lgRep("2021-07", "等待国家乡村振兴重点帮扶县名单确定。"),
				lgRep("2021-08", "65个单位明确对口联系任务。", "65", "112"),
				lgRep("2021-09", "组织65个单位对口联系西部10省区160个国家乡村振兴重点帮扶县。", "65", "160"),
				lgRep("2021-10", "对口联系工作全面启动，申请办结。", "65", "160"),
			},
		},
		{
			Code:        "MS-04",
			Title:       "启动实施教育部直属高校服务乡村振兴试验工作",
			Description: "启动实施教育部直属高校服务乡村振兴试验工作，发挥高校人才、科技、智力优势。",
			Leader:      "部党组成员、副部长（分管发展规划）",
			LeadUnit:    "moe-fzghs",
			Coop:        lgUnits("moe-kjs", "cau", "nwafu", "hzau", "njau"),
			Deadline:    "2021-12-15",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgChecklist("试验工作节点",
					lgStep("印发试验工作方案", "2021-09-30", "2021-09-17"),
					lgStep("确定首批试验高校", "2021-10-31", "2021-10-27"),
					lgStep("启动实施试验工作", "2021-11-30", "2021-11-26"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "总结直属高校定点帮扶经验。"),
				lgRep("2021-04", "开展高校服务乡村振兴专题调研。"),
				lgRep("2021-05", "研究试验工作思路。"),
				lgRep("2021-06", "起草试验工作方案。"),
				lgRep("2021-07", "方案征求意见。"),
				lgRep("2021-08", "修改完善试验工作方案。"),
				lgRep("2021-09", "印发试验工作方案。"),
				lgRep("2021-10", "确定首批试验高校。"),
				lgRep("2021-11", "试验工作启动实施，申请办结。"),
			},
		},
		{
			Code:        "MS-05",
			Title:       "开设“互联网+教育督导”举报专栏，收集教师工资收入低于当地公务员问题线索",
			Description: "运用“互联网+教育督导”举报专栏收集关于义务教育教师平均工资收入水平低于当地公务员的举报信息，及时转办核查。",
			Leader:      "部党组成员、副部长（分管教育督导）",
			LeadUnit:    "moe-ddj",
			Coop:        lgUnits("moe-jss", "moe-cws"),
			Deadline:    "2021-11-30",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgQty("举报线索转办率", "%", "0", "100", lgPlan("2021-05", "40", "60", "80", "90", "100")),
				lgChecklist("专栏建设", lgStep("“互联网+教育督导”举报专栏开设", "2021-04-30", "2021-04-16")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "研究开设举报专栏。", ""),
				lgRep("2021-04", "举报专栏开设运行。", ""),
				lgRep("2021-05", "首批举报线索转办。", "45"),
				lgRep("2021-06", "线索分类转办。", "70"),
				lgRep("2021-07", "督促各地核查反馈。", "85"),
				lgRep("2021-08", "对重点线索跟踪督办。", "96"),
				lgRep("2021-09", "举报线索全部转办。", "100"),
				lgRep("2021-10", "持续受理新增举报。", "100"),
				lgRep("2021-11", "举报线索全部转办核查，申请办结。", "100"),
			},
		},
		{
			Code:        "MS-06",
			Title:       "组建16个督查组督查“五项管理”落实情况",
			Description: "组建16个督查组，督查中小学生作业、睡眠、手机、读物、体质管理落实情况。",
			Leader:      "部党组成员、副部长（分管教育督导）",
			LeadUnit:    "moe-ddj",
			Coop:        lgUnits("moe-jcs", "moe-tws"),
			Deadline:    "2021-07-31",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("组建督查组", "个", "0", "16", lgPlan("2021-05", "16")),
				lgQty("督查覆盖省份", "个", "0", "31", lgPlan("2021-05", "16", "31")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定“五项管理”督查工作方案。", "", ""),
				lgRep("2021-04", "遴选督查人员，开展培训。", "", ""),
				lgRep("2021-05", "组建16个督查组赴各地督查。", "16", "16"),
				lgRep("2021-06", "督查覆盖全部省份。", "16", "31"),
				lgRep("2021-07", "通报督查结果，督促整改，申请办结。", "16", "31"),
			},
		},
		{
			Code:        "MS-07",
			Title:       "派出12个指导组赴31所中管高校和49所部属高校入校指导",
			Description: "向31所中管高校和49所教育部其他直属高校派出12个指导组入校开展指导工作。",
			Leader:      "部党组成员、副部长（分管思想政治工作）",
			LeadUnit:    "moe-szs",
			Coop:        lgUnits("moe-jgdw", "moe-rss"),
			Deadline:    "2021-06-30",
			Public:      false,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("派出指导组", "个", "0", "12", lgPlan("2021-04", "12")),
				lgQty("入校指导的中管高校和部属高校", "所", "0", "80", lgPlan("2021-04", "40", "80")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "组建指导组，明确指导任务。", "", ""),
				lgRep("2021-04", "12个指导组进驻高校。", "12", "46"),
				lgRep("2021-05", "指导组完成全部80所高校入校指导。", "12", "80"),
				lgRep("2021-06", "形成指导工作报告，申请办结。", "12", "80"),
			},
		},
		{
			Code:        "MS-08",
			Title:       "学历认证“网上办”“掌上办”，缩短认证办理时限",
			Description: "推进学历学位认证全程网办，缩短学历认证报告办理时限，让信息多跑路、群众少跑腿。",
			Leader:      "部党组成员、副部长（分管高校学生工作）",
			LeadUnit:    "chsi",
			Coop:        lgUnits("moe-xss", "cdgdc"),
			Deadline:    "2021-10-31",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgQtyDown("学历认证报告办理时限", "个工作日", "20", "10", lgPlan("2021-03", "18", "16", "14", "12", "10")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "优化认证流程，取消纸质材料。", "18"),
				lgRep("2021-04", "上线手机端申请。", "15"),
				lgRep("2021-05", "推行电子认证报告。", "13"),
				lgRep("2021-06", "与高校数据实时核验。", "11"),
				lgRep("2021-07", "办理时限压缩至10个工作日。", "10"),
				lgRep("2021-08", "毕业季认证申请平稳办理。", "10"),
				lgRep("2021-09", "持续保持10个工作日办结。", "10"),
				lgRep("2021-10", "目标完成。", "10"),
				lgRep("2021-11", "学历认证全程网办，办理时限稳定在10个工作日，申请办结。", "10"),
			},
		},
		{
			Code:        "MS-09",
			Title:       "国外学历学位认证全程网办，缩短办理时限",
			Description: "留学人员国外学历学位认证全程网上办理，缩短办理时限。",
			Leader:      "部党组成员、副部长（分管国际合作）",
			LeadUnit:    "cscse",
			Coop:        lgUnits("moe-gjhzs"),
			Deadline:    "2021-09-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQtyDown("国外学历学位认证办理时限", "个工作日", "15", "10", lgPlan("2021-03", "14", "13", "12", "11", "10")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "梳理认证办理环节。", "14"),
				lgRep("2021-04", "取消部分证明材料。", "13"),
				lgRep("2021-05", "推行网上核验。", "12"),
				lgRep("2021-06", "优化审核流程。", "11"),
				lgRep("2021-07", "办理时限压缩至10个工作日。", "10"),
				lgRep("2021-08", "留学人员回国高峰期平稳办理。", "10"),
				lgRep("2021-09", "全程网办运行平稳，申请办结。", "10"),
			},
		},
		{
			Code:        "MS-10",
			Title:       "提高国家助学贷款额度，减轻家庭经济困难学生负担",
			Description: "会同有关部门调整完善国家助学贷款政策，提高贷款额度，秋季学期落实到位。",
			Leader:      "部党组成员、副部长（分管财务）",
			LeadUnit:    "moe-cws",
			Coop:        lgUnits("moe-xss"),
			Deadline:    "2021-11-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgChecklist("政策落实",
					lgStep("会同有关部门印发调整完善国家助学贷款有关政策的通知", "2021-09-30", "2021-09-14"),
					lgStep("秋季学期按新额度发放贷款", "2021-11-30", "2021-11-20"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "开展国家助学贷款政策评估。"),
				lgRep("2021-04", "研究提高贷款额度方案。"),
				lgRep("2021-05", "会同有关部门研究论证。"),
				lgRep("2021-06", "形成政策调整方案。"),
				lgRep("2021-07", "方案报批。"),
				lgRep("2021-08", "部署秋季学期贷款工作。"),
				lgRep("2021-09", "印发调整完善国家助学贷款有关政策的通知。"),
				lgRep("2021-10", "指导各地按新额度受理申请。"),
				lgRep("2021-11", "秋季学期贷款按新额度发放到位，申请办结。"),
			},
		},
		{
			Code:        "MS-11",
			Title:       "提高农村义务教育学生营养改善计划膳食补助标准",
			Description: "提高农村义务教育学生营养改善计划膳食补助标准，秋季学期起执行。",
			Leader:      "部党组成员、副部长（分管财务）",
			LeadUnit:    "moe-cws",
			Coop:        lgUnits("moe-jcs"),
			Deadline:    "2021-12-15",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgChecklist("政策落实",
					lgStep("会同有关部门印发提高膳食补助标准的通知", "2021-11-30", "2021-11-10"),
					lgStep("指导各地落实新补助标准", "2021-12-15", "2021-12-10"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "开展营养改善计划实施情况评估。"),
				lgRep("2021-04", "研究调整膳食补助标准。"),
				lgRep("2021-05", "测算资金需求。"),
				lgRep("2021-06", "会同有关部门研究论证。"),
				lgRep("2021-07", "形成调整方案。"),
				lgRep("2021-08", "方案报批。"),
				lgRep("2021-09", "部署秋季学期营养改善计划工作。"),
				lgRep("2021-10", "准备印发通知。"),
				lgRep("2021-11", "印发提高膳食补助标准的通知，指导各地落实。"),
			},
		},
		{
			Code:        "MS-12",
			Title:       "中小学教材“课前到书、人手一册”",
			Description: "做好秋季学期中小学教材出版发行，确保“课前到书、人手一册”。",
			Leader:      "部党组成员、副部长（分管教材工作）",
			LeadUnit:    "pep",
			Coop:        lgUnits("moe-jcj"),
			Deadline:    "2021-09-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("秋季学期教材按时到书率", "%", "90", "100", lgPlan("2021-07", "95", "98", "100")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定秋季学期教材出版发行计划。", ""),
				lgRep("2021-04", "完成教材修订。", ""),
				lgRep("2021-05", "开机印制。", ""),
				lgRep("2021-06", "印制进度过半。", ""),
				lgRep("2021-07", "分批发运。", "95"),
				lgRep("2021-08", "开学前完成发运。", "99"),
				lgRep("2021-09", "实现“课前到书、人手一册”，申请办结。", "100"),
			},
		},
		{
			Code:        "MS-13",
			Title:       "推进教师资格认定“跨省通办”和全程网办",
			Description: "将教师资格认定纳入“跨省通办”事项，推进中小学教师资格证书电子证照，实现全流程网上办理。",
			Leader:      "部党组成员、副部长（分管教师工作）",
			LeadUnit:    "moe-jss",
			Coop:        lgUnits("emic", "neea"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgChecklist("办理便利化",
					lgStep("教师资格认定纳入“跨省通办”事项清单", "2021-06-30", "2021-06-25"),
					lgStep("开展中小学教师资格证书电子证照试点", "2021-10-31", "2021-10-29"),
					lgStep("实现教师资格认定全流程网上办理", "2021-12-31", ""),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "梳理教师资格认定办理流程。"),
				lgRep("2021-04", "制定“跨省通办”实施方案。"),
				lgRep("2021-05", "完善认定系统功能。"),
				lgRep("2021-06", "教师资格认定纳入“跨省通办”。"),
				lgRep("2021-07", "研究电子证照标准。"),
				lgRep("2021-08", "确定电子证照试点地区。"),
				lgRep("2021-09", "电子证照试点准备。"),
				lgRep("2021-10", "电子证照试点启动。"),
				lgRep("2021-11", "推进全流程网上办理。").pending(),
			},
		},
		{
			Code:        "MS-14",
			Title:       "实施“童语同音”计划，推进民族地区、农村地区学前儿童学习普通话",
			Description: "实施“童语同音”计划，提升民族地区、农村地区学前儿童普通话水平。",
			Leader:      "部党组成员、副部长（分管语言文字工作）",
			LeadUnit:    "moe-yys",
			Coop:        lgUnits("moe-mzs", "moe-jcs"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("培训幼儿园教师", "万人次", "0", "20",
					lgPlan("2021-03", "1", "3", "5", "7", "9", "11", "13", "15", "17", "20")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "制定年度实施方案。", "1.2"),
				lgRep("2021-04", "开展线上培训。", "3.1"),
				lgRep("2021-05", "组织送培下乡。", "5.0"),
				lgRep("2021-06", "培训持续开展。", "7.2"),
				lgRep("2021-07", "暑期集中培训。", "9.6"),
				lgRep("2021-08", "暑期集中培训结束。", "11.4"),
				lgRep("2021-09", "秋季学期跟踪指导。", "13.1"),
				lgRep("2021-10", "开展培训质量评估。", "15.2"),
				lgRep("2021-11", "按计划推进。", "17.3"),
			},
		},
		{
			Code:        "MS-15",
			Title:       "加强对留学人员关心关爱，保障留学人员生命健康安全及合法权益",
			Description: "通过中外合作办学自主招生方式，持续强化防疫指导、物资保障、患者救治、心理支持、困难帮扶，保障留学人员生命健康安全及合法权益。",
			Leader:      "部党组成员、副部长（分管国际合作）",
			LeadUnit:    "moe-gjhzs",
			Coop:        lgUnits("cscse", "csc"),
			Deadline:    "2021-11-30",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgChecklist("关心关爱举措",
					lgStep("通过中外合作办学自主招生方式为出国受阻学生提供就学渠道", "2021-07-31", "2021-07-16"),
					lgStep("强化防疫指导和物资保障", "2021-09-30", "2021-09-28"),
					lgStep("开展心理支持和困难帮扶", "2021-11-30", "2021-11-15"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "梳理留学人员急难愁盼问题。"),
				lgRep("2021-04", "发布留学安全提醒。"),
				lgRep("2021-05", "研究中外合作办学自主招生安排。"),
				lgRep("2021-06", "部署中外合作办学自主招生。"),
				lgRep("2021-07", "中外合作办学自主招生完成。"),
				lgRep("2021-08", "加强防疫指导。"),
				lgRep("2021-09", "物资保障到位。"),
				lgRep("2021-10", "开展心理支持。"),
				lgRep("2021-11", "困难帮扶落实，申请办结。"),
			},
		},
		{
			Code:        "MS-16",
			Title:       "支持探索开展暑期托管服务",
			Description: "支持有条件的地方探索开展暑期托管服务，解决家长看护难题。",
			Leader:      "部党组成员、副部长（分管基础教育）",
			LeadUnit:    "moe-jcs",
			Coop:        lgUnits("moe-xwjgs"),
			Deadline:    "2021-08-31",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgChecklist("托管服务",
					lgStep("印发支持探索开展暑期托管服务的通知", "2021-07-15", "2021-07-08"),
					lgStep("指导各地开展暑期托管服务", "2021-08-31", "2021-08-31"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "调研家长暑期看护需求。"),
				lgRep("2021-04", "研究暑期托管服务政策。"),
				lgRep("2021-05", "起草通知。"),
				lgRep("2021-06", "通知征求意见。"),
				lgRep("2021-07", "印发支持探索开展暑期托管服务的通知。"),
				lgRep("2021-08", "各地暑期托管服务平稳开展，申请办结。"),
			},
		},
		{
			Code:        "MS-17",
			Title:       "推动教育领域政务服务事项“跨省通办”",
			Description: "推动学历查询、学籍转接等教育领域高频政务服务事项“跨省通办”。",
			Leader:      "部党组成员、副部长（分管办公厅）",
			LeadUnit:    "moe-bgt",
			Coop:        lgUnits("chsi", "emic", "moe-jss"),
			Deadline:    "2021-11-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgQty("实现“跨省通办”的教育政务服务事项", "项", "0", "6",
					lgPlan("2021-03", "1", "1", "2", "2", "3", "3", "4", "5", "6")),
			},
			Reports: []ReportSpec{
				lgRep("2021-03", "梳理高频政务服务事项。", "1"),
				lgRep("2021-04", "制定“跨省通办”事项清单。", "1"),
				lgRep("2021-05", "推进系统对接。", "2"),
				lgRep("2021-06", "学籍转接事项实现“跨省通办”。", "2"),
				lgRep("2021-07", "新增事项上线。", "3"),
				lgRep("2021-08", "持续推进。", "3"),
				lgRep("2021-09", "新增事项上线。", "4"),
				lgRep("2021-10", "新增事项上线。", "5"),
				lgRep("2021-11", "6项事项全部实现“跨省通办”，申请办结。", "6"),
			},
		},
	}
}

// ---------------------------------------------------------------------------
// Henan: the ten items of the provincial department's office (厅机关), as
// its report of 2021-10-20 lists them. The report has eleven paragraphs for
// ten items: 特岗教师 (“补齐乡村教育短板”) and 农村教师周转宿舍 are read as
// one item with three targets.

func lgHenan() CampaignSpec {
	return CampaignSpec{
		Name: "河南省教育厅“我为群众办实事”实践活动（2021年）",
		Description: "省委高校工委、省教育厅坚持问题导向、紧贴群众需求，研究确定厅机关办实事重点事项10项，" +
			"对办实事清单实行项目化管理、清单式推进，用心用情用力解决好群众“急难愁盼”的问题。",
		UnitCode: "ha",
		StartsOn: "2021-05-01",
		EndsOn:   "2021-12-31",
		AsOf:     "2021-10-20",
		Tiers:    []TierSpec{{Name: "厅机关办实事重点事项", Items: lgHenanItems()}},
	}
}

// lgHenanUniversities lists the provincial universities in the demo tree.
func lgHenanUniversities() []string { return []string{"ha-zzu", "ha-henu", "ha-htu", "ha-henau"} }

func lgHenanItems() []ItemSpec {
	return []ItemSpec{
		{
			Code:  "HA-01",
			Title: "促进全省青年大学生充分就业",
			Description: "精准对接教育部“24365”系列活动，健全“一人一策”帮扶机制，开展线上线下招聘活动；" +
				"开展特殊群体毕业生就业帮扶，举办2021届河南省高校特殊群体毕业生网络双选会。",
			Leader:   "厅党组成员、副厅长（分管高校学生工作）",
			LeadUnit: "ha",
			Coop:     lgHenanUniversities(),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("线下招聘活动", "场", "0", "2000", lgPlan("2021-05", "350", "700", "1000", "1300", "1600", "1800", "1900", "2000")),
				lgQty("线上招聘活动", "场", "0", "8000", lgPlan("2021-05", "1200", "2500", "3600", "4800", "6000", "7000", "7600", "8000")),
				lgQty("提供岗位", "万个", "0", "300", lgPlan("2021-05", "60", "120", "170", "210", "250", "280", "290", "300")),
				lgQty("高校毕业生毕业去向落实率", "%", "0", "80", lgPlan("2021-05", "40", "65", "72", "76", "80")),
				lgQty("有就业意愿残疾毕业生就业意向落实率", "%", "71.69", "85", lgPlan("2021-05", "74", "78", "81", "83", "85")),
				lgQty("有就业意愿建档立卡毕业生就业去向落实率", "%", "76.74", "85", lgPlan("2021-05", "78", "80", "82", "84", "85")),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "精准对接教育部“24365”系列活动，启动毕业季线上线下招聘。",
					"420", "1500", "75", "42.3", "75.2", "78.9"),
				lgRep("2021-06", "健全“一人一策”帮扶机制，举办2021届河南省高校特殊群体毕业生网络双选会。",
					"980", "3300", "150", "68.7", "81.5", "81.2"),
				lgRep("2021-07", "克服汛情影响，持续开展线上招聘活动。",
					"1350", "4700", "210", "74.2", "85.6", "83.5"),
				lgRep("2021-08", "疫情期间以线上招聘为主，做好离校未就业毕业生服务。",
					"1780", "6200", "265", "78.1", "88.3", "85.2"),
				lgRep("2021-09", "毕业去向落实率超过80%，特殊群体毕业生帮扶成效明显。",
					"2150", "7600", "310", "80.2", "89.7", "86.1"),
				lgRep("2021-10", "共开展线下招聘活动2352场、线上招聘活动8481场，提供岗位340万个，助推46.3万高校毕业生落实毕业去向，落实率超过80%。"+
					"全省有就业意愿残疾毕业生就业意向落实率90.1%，有就业意愿建档立卡毕业生就业去向落实率86.51%，分别提高18.41%和9.77%。",
					"2352", "8481", "340", "80.5", "90.1", "86.51").pending(),
			},
		},
		{
			Code:  "HA-02",
			Title: "全面推广义务教育阶段学校课后服务工作",
			Description: "联合财政厅、发改委、人社厅三部门印发《关于进一步加强中小学生课后服务条件保障有关事宜的通知》，" +
				"制定专项工作规划，建立六大工作机制，指导各地提高课后服务水平，加强课后服务条件保障。",
			Leader:   "厅党组成员、副厅长（分管基础教育）",
			LeadUnit: "ha",
			Coop:     lgUnits("ha-zz", "ha-ly", "ha-ny"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("惠及城区义务教育阶段学生", "万人", "0", "200", lgPlan("2021-05", "120", "130", "130", "140", "190", "200")),
				lgQty("县（市、区）课后服务典型案例", "个", "0", "15", lgPlan("2021-09", "15")),
				lgQty("学校课后服务典型案例", "个", "0", "40", lgPlan("2021-09", "40")),
				lgChecklist("条件保障",
					lgStep("联合财政厅、发改委、人社厅印发《关于进一步加强中小学生课后服务条件保障有关事宜的通知》", "2021-08-31", "2021-08-27"),
					lgStep("制定专项工作规划，建立六大工作机制", "2021-09-30", "2021-09-15"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "摸排城区义务教育学校课后服务开展情况。", "128", "", ""),
				lgRep("2021-06", "指导各地做好春季学期课后服务。", "136", "", ""),
				lgRep("2021-07", "研究课后服务条件保障政策。", "136", "", ""),
				lgRep("2021-08", "联合财政厅、发改委、人社厅印发课后服务条件保障通知。", "140", "", ""),
				lgRep("2021-09", "制定专项工作规划，建立六大工作机制，惠及城区义务教育阶段学生225万，占比超6成；遴选县（市、区）典型案例15个、学校典型案例40个。",
					"225", "15", "40"),
			},
		},
		{
			Code:        "HA-03",
			Title:       "进一步完善支持“双一流”建设的政策措施",
			Description: "加大“十四五”期间“双一流”建设支持力度，根据郑州大学、河南大学“双一流”建设诉求，到两校召开座谈会，起草支持两校建设的若干意见。",
			Leader:      "厅党组书记、厅长",
			LeadUnit:    "ha",
			Coop:        lgUnits("ha-zzu", "ha-henu"),
			Deadline:    "2021-10-31",
			Public:      true,
			Status:      shishi.StatusClosureRequested,
			Targets: []TargetSpec{
				lgQty("到两校召开座谈会", "场", "0", "12", lgPlan("2021-05", "3", "6", "8", "10", "12")),
				lgQty("收集意见建议", "条", "0", "300", lgPlan("2021-05", "60", "140", "200", "260", "300")),
				lgChecklist("政策文件",
					lgStep("起草《关于进一步支持郑州大学世界一流大学建设的若干意见》《关于进一步支持河南大学世界一流学科大学建设的若干意见》", "2021-07-31", "2021-07-23"),
					lgStep("修改完善两个《若干意见》", "2021-08-31", "2021-08-30"),
					lgStep("提请省科创委第一次会议审议", "2021-09-30", "2021-09-28"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "分别到郑州大学、河南大学召开座谈会，了解“双一流”建设诉求。", "3", "72"),
				lgRep("2021-06", "继续召开座谈会，收集意见建议。", "6", "156"),
				lgRep("2021-07", "起草两个《若干意见》。", "8", "221"),
				lgRep("2021-08", "修改完善两个《若干意见》。", "11", "287"),
				lgRep("2021-09", "共召开座谈会12场，收集意见建议300余条；两个《若干意见》通过省科创委第一次会议审议，申请办结。", "12", "316"),
			},
		},
		{
			Code:  "HA-04",
			Title: "督促落实教师工资待遇",
			Description: "印发《关于对落实教师工资政策情况开展全面排查的紧急通知》，将涉及教师工资待遇的举报线索及时通知有关省辖市，" +
				"要求限期核查、严肃整改、及时反馈；配合做好全省中小学教职工编制核定工作。",
			Leader:   "厅党组成员、副厅长（分管教师工作）",
			LeadUnit: "ha",
			Coop:     lgUnits("ha-zz", "ha-kf", "ha-ly", "ha-ny", "ha-zk", "ha-sq"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("举报线索核查反馈", "条", "0", "27", lgPlan("2021-06", "10", "20", "27")),
				lgChecklist("文件和报告",
					lgStep("印发《关于对落实教师工资政策情况开展全面排查的紧急通知》", "2021-06-30", "2021-06-11"),
					lgStep("印发《关于重新核定全省中小学教职工编制的通知》", "2021-08-31", "2021-08-20"),
					lgStep("向国务院教育督导委员会办公室报送《关于核查农村义务教育教师待遇保障情况的报告》", "2021-09-30", "2021-09-24"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "梳理涉及教师工资待遇的举报线索27条。", ""),
				lgRep("2021-06", "印发全面排查紧急通知，将举报线索及时通知有关省辖市，要求限期核查。", "12"),
				lgRep("2021-07", "督促有关省辖市严肃整改、及时反馈。", "19"),
				lgRep("2021-08", "印发重新核定全省中小学教职工编制的通知。", "25"),
				lgRep("2021-09", "27条举报线索全部核查反馈；向国务院教育督导委员会办公室报送核查报告。", "27"),
			},
		},
		{
			Code:        "HA-05",
			Title:       "畅通网上申请通道，帮助毕业生足不出户办理就业报到证",
			Description: "灾情疫情期间实行网上办、邮寄办，受理报到证和学历认证业务；解除疫情封控以来持续网上办理。",
			Leader:      "厅党组成员、副厅长（分管高校学生工作）",
			LeadUnit:    "ha",
			Coop:        lgHenanUniversities(),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("受理、办理就业报到证", "份", "0", "12000", lgPlan("2021-07", "3000", "6000", "9000", "11000", "12000")),
				lgQty("受理学历认证申请", "份", "0", "10000", lgPlan("2021-07", "2500", "5000", "7500", "9000", "10000")),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "开发报到证网上申请和邮寄办理功能。", "", ""),
				lgRep("2021-06", "网上申请通道试运行。", "", ""),
				lgRep("2021-07", "灾情期间全面实行网上办、邮寄办。", "3120", "2480"),
				lgRep("2021-08", "灾情疫情期间，实行网上办、邮寄办，共受理报到证业务7060份，学历认证业务5717份。", "7060", "5717"),
				lgRep("2021-09", "解除疫情封控后持续网上办理。", "10215", "8540"),
				lgRep("2021-10", "解除疫情封控以来，共办理就业报到证6128份，受理学历认证申请5642份。", "13188", "11359").pending(),
			},
		},
		{
			Code:  "HA-06",
			Title: "补齐乡村教育短板，抓好特岗教师招聘和农村教师周转宿舍建设",
			Description: "积极争取教育部、省财政厅、省委编办等支持，扩大特岗教师招聘规模；抓好农村教师周转宿舍建设项目，" +
				"实施建设进度月报告制度，加强督促检查力度，明确政策支持幅度，持续改善农村教师生活条件。",
			Leader:   "厅党组成员、副厅长（分管教师工作）",
			LeadUnit: "ha",
			Coop:     lgUnits("ha-ny", "ha-zk", "ha-xy", "ha-zmd", "ha-sq", "ha-ly"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("特岗教师招聘", "个", "0", "16000", lgPlan("2021-08", "16000")),
				lgQty("农村教师周转宿舍开工", "套", "0", "7000", lgPlan("2021-05", "2500", "4500", "6000", "7000")),
				lgQty("农村教师周转宿舍建成", "套", "0", "7000", lgPlan("2021-05", "400", "900", "1600", "2600", "3800", "5000", "6200", "7000")),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "实施周转宿舍建设进度月报告制度；特岗教师招聘计划获批。", "", "2310", "280"),
				lgRep("2021-06", "特岗教师招聘报名；加强周转宿舍建设督促检查。", "", "4180", "760"),
				lgRep("2021-07", "特岗教师笔试面试；汛情影响部分地区周转宿舍施工。", "", "5620", "1350"),
				lgRep("2021-08", "特岗教师招聘1.7万多个，其中小学教师岗位8210个、初中教师岗位9790个，超额完成2000多个；灾后复工，加快周转宿舍建设。",
					"18000", "6950", "2290").corrected("8月报告误将主体完工、尚未验收的宿舍计入建成数，更正建成数为2290套。"),
				lgRep("2021-09", "特岗教师已在秋季开学前全部补充到位；全省农村教师周转宿舍7000套已全部开工建设，开工率100%；已建成周转宿舍3364套，完工率48.06%。",
					"18000", "7000", "3364"),
			},
		},
		{
			Code:        "HA-07",
			Title:       "对省教育厅科研项目和成果的申报、评审、验收等环节全面进行数字化改造",
			Description: "依托云平台，实现全部科研事项的网上办理，让信息多跑路、群众少跑腿；完成本年度教育厅科技成果奖、科研计划申报等工作。",
			Leader:      "厅党组成员、副厅长（分管科技工作）",
			LeadUnit:    "ha",
			Coop:        lgHenanUniversities(),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgQty("成果申报", "项", "0", "2000", lgPlan("2021-05", "500", "1200", "1800", "2000")),
				lgQty("重点科研项目申报", "项", "0", "2200", lgPlan("2021-05", "300", "1000", "1800", "2200")),
				lgQty("创新团队申报", "项", "0", "70", lgPlan("2021-05", "20", "45", "65", "70")),
				lgQty("创新人才申报", "项", "0", "90", lgPlan("2021-05", "25", "55", "80", "90")),
				lgChecklist("数字化改造",
					lgStep("科研项目和成果申报、评审、验收全部事项网上办理", "2021-07-31", "2021-07-26"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "依托云平台开通科技成果奖、科研计划网上申报。", "460", "320", "18", "26"),
				lgRep("2021-06", "申报工作有序推进。", "1280", "1150", "47", "60"),
				lgRep("2021-07", "评审、验收环节实现网上办理。", "1890", "1960", "66", "85"),
				lgRep("2021-08", "完成本年度申报工作：成果申报量2137项、重点科研项目申报量2275项、创新团队申报量72项、创新人才申报量97项。",
					"2137", "2275", "72", "97"),
			},
		},
		{
			Code:        "HA-08",
			Title:       "在全省高校试点实行《国家学生体质健康标准》等级证书制度",
			Description: "推进《国家学生体质健康标准》等级证书制度，建立日常参与、体质监测和专项运动技能测试相结合的年度考查机制。",
			Leader:      "厅党组成员、副厅长（分管体育卫生与艺术教育）",
			LeadUnit:    "ha",
			Coop:        lgUnits("ha-zzu", "ha-henu", "ha-htu", "ha-henau", "ha-zz"),
			Deadline:    "2021-12-31",
			Public:      true,
			Status:      shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgChecklist("等级证书制度试点",
					lgStep("印发《关于在河南省高等学校试点实施国家学生体质健康标准等级证书制度的通知》", "2021-06-30", "2021-06-22"),
					lgStep("深入高校和省辖市开展等级证书制度实施情况摸底调研", "2021-09-30", "2021-09-27"),
					lgStep("确定首批试点高校并启动年度考查", "2021-09-30", ""),
					lgStep("首批试点高校颁发等级证书", "2021-12-31", ""),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "起草等级证书制度试点通知。"),
				lgRep("2021-06", "印发《关于在河南省高等学校试点实施国家学生体质健康标准等级证书制度的通知》。"),
				lgRep("2021-07", "研究年度考查机制。"),
				lgRep("2021-08", "受汛情疫情影响，调研推迟。"),
				lgRep("2021-09", "已深入多所高校和部分省辖市就等级证书制度实施情况进行摸底调研；试点高校尚未确定，年度考查未启动。"),
			},
		},
		{
			Code:  "HA-09",
			Title: "搭建高校教学名师交流平台",
			Description: "每年组织开展一次省级高校教学名师交流活动，督促高校落实名师工作室配套资金、工作场地，" +
				"在名师工作室资金支配使用上赋予名师更多自主权；健全教学名师专业成长培训体系。",
			Leader:   "厅党组成员、副厅长（分管高等教育）",
			LeadUnit: "ha",
			Coop:     lgUnits("ha-zzu", "ha-henu", "ha-htu"),
			Deadline: "2021-12-31",
			Public:   true,
			Status:   shishi.StatusInProgress,
			Targets: []TargetSpec{
				lgChecklist("交流平台",
					lgStep("督促高校落实名师工作室配套资金、工作场地", "2021-06-30", "2021-06-25"),
					lgStep("举办未来教育者培训和省高校教师教学发展示范性培训", "2021-07-31", "2021-07-16"),
					lgStep("选派专家组对名师工作室建设情况进行实地调研和现场督导", "2021-09-30", "2021-09-17"),
					lgStep("下发《关于推进新时代高校教师专业发展体系建设的指导意见》", "2021-09-30", "2021-09-29"),
					lgStep("组织开展省级高校教学名师交流活动", "2021-11-30", ""),
					lgStep("开展教学名师高级研修", "2021-12-31", ""),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "制定教学名师交流平台工作方案。"),
				lgRep("2021-06", "督促高校落实名师工作室配套资金、工作场地，赋予名师更多自主权。"),
				lgRep("2021-07", "举办河南省高等学校教师教学发展中心未来教育者培训、省高校教师教学发展示范性培训。"),
				lgRep("2021-08", "组建专家组，准备实地调研。"),
			},
		},
		{
			Code:        "HA-10",
			Title:       "开通2021年及以后全省中等职业教育学生学籍情况和毕业情况网络查询渠道",
			Description: "在“河南政务服务网”开通“中职毕业证书查询”和“中职学籍查询”事项，方便学生及用人单位查询参考。",
			Leader:      "厅党组成员、副厅长（分管职业教育）",
			LeadUnit:    "ha",
			Deadline:    "2021-09-30",
			Public:      true,
			Status:      shishi.StatusClosed,
			Targets: []TargetSpec{
				lgChecklist("查询渠道",
					lgStep("在“河南政务服务网”开通“中职毕业证书查询”事项", "2021-08-31", "2021-08-16"),
					lgStep("在“河南政务服务网”开通“中职学籍查询”事项", "2021-08-31", "2021-08-23"),
					lgStep("实现中职在校生学籍信息和毕业信息查询“一网通办”", "2021-09-30", "2021-09-24"),
				),
			},
			Reports: []ReportSpec{
				lgRep("2021-05", "梳理中职学籍和毕业信息数据。"),
				lgRep("2021-06", "完成数据校核。"),
				lgRep("2021-07", "与“河南政务服务网”对接。"),
				lgRep("2021-08", "开通“中职毕业证书查询”和“中职学籍查询”事项。"),
				lgRep("2021-09", "实现全省中等职业学校在校生学籍信息和毕业信息查询“一网通办”，申请办结。"),
			},
		},
	}
}
