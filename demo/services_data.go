package demo

import "github.com/shishi-edu/shishi"

// The figures of the online services demo, from the second seed document
// (the Henan department's 办实事 report): research declared, reviewed and
// accepted on one platform — 2137 results, 2275 key projects, 72
// innovation teams and 97 innovation talents declared this year; the
// 2021 课后服务 typical cases, 15 county and 40 school cases selected;
// 报到证 (since 2023 毕业去向登记) and 学历认证 handled online and by mail;
// the pilot of the 国家学生体质健康标准 grade certificate in universities.
const (
	ResearchResults    = 2137
	ResearchProjects   = 2275
	InnovationTeams    = 72
	InnovationTalents  = 97
	CountyCases        = 15
	SchoolCases        = 40
	DegreeChecksOnline = 5717
)

// ResearchSample is how many applications of each research service the
// demo writes: a representative sample through every step; the service's
// description states the year's total.
var ResearchSample = map[string]int{"ky-results": 24, "ky-projects": 30, "ky-teams": 8, "ky-talents": 10}

// extraCounties are counties (with their schools) the case selection
// needs besides those of the unit tree: Henan's 课后服务 cases came from
// across the province.
var extraCounties = []struct {
	city, code, name string
	schools          [][2]string
}{
	{"ha-kf", "ha-kf-lankao", "兰考县教育体育局", [][2]string{{"ha-kf-lankao-yg", "兰考县第一高级中学"}, {"ha-kf-lankao-sx", "兰考县实验小学"}, {"ha-kf-lankao-sx2", "兰考县第二实验小学"}}},
	{"ha-kf", "ha-kf-weishi", "尉氏县教育局", [][2]string{{"ha-kf-weishi-yg", "尉氏县第一高级中学"}, {"ha-kf-weishi-sx", "尉氏县实验小学"}}},
	{"ha-xc", "ha-xc-changge", "长葛市教育局", [][2]string{{"ha-xc-changge-yg", "长葛市第一高级中学"}, {"ha-xc-changge-sx", "长葛市实验小学"}, {"ha-xc-changge-sx2", "长葛市第二实验小学"}}},
	{"ha-xx", "ha-xx-huixian", "辉县市教育局", [][2]string{{"ha-xx-huixian-yg", "辉县市第一高级中学"}, {"ha-xx-huixian-sx", "辉县市实验小学"}}},
	{"ha-ay", "ha-ay-linzhou", "林州市教育局", [][2]string{{"ha-ay-linzhou-yz", "林州市第一中学"}, {"ha-ay-linzhou-sx", "林州市实验小学"}, {"ha-ay-linzhou-hqq", "林州市红旗渠小学"}}},
	{"ha-pds", "ha-pds-ruzhou", "汝州市教育体育局", [][2]string{{"ha-pds-ruzhou-yg", "汝州市第一高级中学"}, {"ha-pds-ruzhou-sx", "汝州市实验小学"}}},
}

// casePractices are what a 课后服务 case tells; each case picks one.
var casePractices = []string{
	"推行“5+2”课后服务模式，每周 5 天、每天至少 2 小时，实现有需求学生全覆盖；开设书法、合唱、篮球、编程等 30 余门兴趣课程。",
	"统筹校内教师与校外非遗传承人、体育教练资源，建立课后服务课程超市，学生自主选课，家长满意度达 98%。",
	"建立“基础托管 + 特色拓展”两段式课后服务，基础托管辅导作业，特色拓展开展科技、艺术、体育活动。",
	"利用乡村少年宫和综合实践基地开展课后服务，组织农耕体验、红色研学，让农村孩子享有同等优质服务。",
	"建立课后服务经费保障机制，财政补助与服务性收费相结合，教师参与课后服务计入工作量并给予补助。",
	"依托智慧校园平台实现课后服务线上选课、考勤和评价，每学期发布课后服务质量报告，接受家长监督。",
}

// researchTopics name the demo's research applications.
var researchTopics = []string{
	"“双减”背景下义务教育课后服务质量评价研究", "县域普通高中多样化特色发展路径研究", "乡村教师专业发展支持体系构建研究",
	"人工智能赋能中小学课堂教学改革研究", "职业教育产教融合共同体建设研究", "大学生心理健康教育体系优化研究",
	"新时代劳动教育课程体系建设研究", "学生体质健康监测与干预机制研究", "高校“双一流”学科建设绩效评价研究",
	"农村寄宿制学校管理与学生发展研究", "黄河文化融入大中小学思政课一体化研究", "学前教育普惠性资源扩充路径研究",
	"高校毕业生就业质量提升机制研究", "数字化转型背景下教师信息素养提升研究", "特殊教育融合发展支持体系研究",
}

// researchForm is the form of every research service.
func researchForm() []shishi.FormField {
	one, fifty := 1.0, 50.0
	return []shishi.FormField{
		{Key: "summary", Label: "项目摘要", LabelEn: "Summary", Type: shishi.FormText, Required: true, MaxLength: 2000, Help: "研究目标、内容与预期成果，不超过 2000 字"},
		{Key: "discipline", Label: "学科分类", LabelEn: "Discipline", Type: shishi.FormChoice, Required: true, Options: []string{"教育学", "心理学", "体育学", "管理学", "理学", "工学"}},
		{Key: "budget", Label: "申请经费（万元）", LabelEn: "Budget (10k yuan)", Type: shishi.FormNumber, Required: true, Min: &one, Max: &fifty},
		{Key: "start", Label: "计划开始日期", LabelEn: "Start", Type: shishi.FormDate, Required: true},
		{Key: "keywords", Label: "关键词", LabelEn: "Keywords", Type: shishi.FormMulti, Options: []string{"课后服务", "双减", "劳动教育", "体质健康", "数字化", "乡村教育"}, MaxItems: 3},
		{Key: "plan", Label: "申报书（PDF）", LabelEn: "Application (PDF)", Type: shishi.FormFile, MaxItems: 1},
		{Key: "members", Label: "课题组成员", LabelEn: "Team", Type: shishi.FormTable, Required: true, MaxItems: 10, Columns: []shishi.FormField{
			{Key: "name", Label: "姓名", Type: shishi.FormText, Required: true, MaxLength: 20},
			{Key: "title", Label: "职称", Type: shishi.FormChoice, Required: true, Options: []string{"教授", "副教授", "讲师", "中小学高级教师", "中小学一级教师"}},
			{Key: "role", Label: "分工", Type: shishi.FormText, MaxLength: 50},
		}},
	}
}

var researchRubric = shishi.Rubric{
	{Key: "innovation", Label: "创新性", Weight: 30, Max: 10},
	{Key: "feasibility", Label: "可行性", Weight: 30, Max: 10},
	{Key: "value", Label: "应用价值", Weight: 25, Max: 10},
	{Key: "team", Label: "研究基础", Weight: 15, Max: 10},
}
