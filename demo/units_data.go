package demo

// UnitSpec describes one demo unit and its children.
type UnitSpec struct {
	Code     string   // short stable ASCII code, unique in the whole tree, lower-case, e.g. "moe", "moe-jcs", "ha", "ha-zz", "pku"
	Name     string   // official Simplified Chinese name
	NameEN   string   // English name
	Kind     string   // one of: ministry, department, affiliate, province, city, county, school, university
	Tags     []string // optional; see below
	Children []UnitSpec
}

// Unit kinds used in the demo tree.
const (
	wsKindMinistry   = "ministry"
	wsKindDepartment = "department"
	wsKindAffiliate  = "affiliate"
	wsKindProvince   = "province"
	wsKindCity       = "city"
	wsKindCounty     = "county"
	wsKindSchool     = "school"
	wsKindUniversity = "university"
)

// Tags used in the demo tree.
const (
	// wsTagZhongguan marks the 31 centrally-administered universities (中管高校).
	wsTagZhongguan = "zhongguan"
	// wsTagMinistryUniversity marks the other Ministry-affiliated or
	// Ministry co-administered universities.
	wsTagMinistryUniversity = "ministry-university"
)

// World returns the demo unit tree rooted at the Ministry of Education.
func World() UnitSpec {
	children := make([]UnitSpec, 0, 160)
	children = append(children, wsMOEDepartments()...)
	children = append(children, wsMOEAffiliates()...)
	children = append(children, wsZhongguanUniversities()...)
	children = append(children, wsMinistryUniversities()...)
	children = append(children, wsProvinces()...)
	return UnitSpec{
		Code:     "moe",
		Name:     "中华人民共和国教育部",
		NameEN:   "Ministry of Education of the People's Republic of China",
		Kind:     wsKindMinistry,
		Children: children,
	}
}

func wsUnit(code, name, nameEN, kind string, children ...UnitSpec) UnitSpec {
	return UnitSpec{Code: code, Name: name, NameEN: nameEN, Kind: kind, Children: children}
}

func wsDept(code, name, nameEN string) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindDepartment)
}

func wsAffiliate(code, name, nameEN string) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindAffiliate)
}

func wsSchool(code, name, nameEN string) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindSchool)
}

func wsCounty(code, name, nameEN string, schools ...UnitSpec) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindCounty, schools...)
}

func wsCity(code, name, nameEN string, counties ...UnitSpec) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindCity, counties...)
}

func wsProvince(code, name, nameEN string, children ...UnitSpec) UnitSpec {
	return wsUnit(code, name, nameEN, wsKindProvince, children...)
}

func wsUniversity(code, name, nameEN string, tags []string, schools ...UnitSpec) UnitSpec {
	u := wsUnit(code, name, nameEN, wsKindUniversity, schools...)
	u.Tags = tags
	return u
}

func wsZG(code, name, nameEN string, schools ...UnitSpec) UnitSpec {
	return wsUniversity(code, name, nameEN, []string{wsTagZhongguan}, schools...)
}

func wsMU(code, name, nameEN string) UnitSpec {
	return wsUniversity(code, name, nameEN, []string{wsTagMinistryUniversity})
}

// wsMOEDepartments lists the Ministry's internal departments (司局) as of 2021.
func wsMOEDepartments() []UnitSpec {
	return []UnitSpec{
		wsDept("moe-bgt", "办公厅", "General Office"),
		wsDept("moe-zcfgs", "政策法规司", "Department of Policies and Regulations"),
		wsDept("moe-fzghs", "发展规划司", "Department of Development and Planning"),
		wsDept("moe-zhggs", "综合改革司", "Department of Comprehensive Reform"),
		wsDept("moe-rss", "人事司", "Department of Personnel"),
		wsDept("moe-cws", "财务司", "Department of Finance"),
		wsDept("moe-jcj", "教材局", "Bureau of Teaching Materials"),
		wsDept("moe-jcs", "基础教育司", "Department of Basic Education"),
		wsDept("moe-zcs", "职业教育与成人教育司", "Department of Vocational and Adult Education"),
		wsDept("moe-gjs", "高等教育司", "Department of Higher Education"),
		wsDept("moe-ddj", "教育督导局", "Bureau of Education Inspection"),
		wsDept("moe-mzs", "民族教育司", "Department of Ethnic Minority Education"),
		wsDept("moe-jss", "教师工作司", "Department of Teacher Affairs"),
		wsDept("moe-tws", "体育卫生与艺术教育司", "Department of Physical, Health and Arts Education"),
		wsDept("moe-szs", "思想政治工作司", "Department of Ideological and Political Work"),
		wsDept("moe-sks", "社会科学司", "Department of Social Sciences"),
		wsDept("moe-kjs", "科学技术与信息化司", "Department of Science, Technology and Informatization"),
		wsDept("moe-xss", "高校学生司（高校毕业生就业服务司）", "Department of College Students (Department of Graduate Employment Services)"),
		wsDept("moe-xwb", "学位管理与研究生教育司", "Department of Degree Management and Graduate Education"),
		wsDept("moe-yys", "语言文字应用管理司", "Department of Language Application Management"),
		wsDept("moe-yxs", "语言文字信息管理司", "Department of Language Information Management"),
		wsDept("moe-gjhzs", "国际合作与交流司", "Department of International Cooperation and Exchanges"),
		wsDept("moe-xwjgs", "校外教育培训监管司", "Department of Supervision of Off-campus Education and Training"),
		wsDept("moe-jgdw", "机关党委", "Party Committee of the Ministry's Offices"),
		wsDept("moe-ltj", "离退休干部局", "Bureau of Retired Officials"),
	}
}

// wsMOEAffiliates lists a selection of units directly affiliated to the Ministry.
func wsMOEAffiliates() []UnitSpec {
	return []UnitSpec{
		wsAffiliate("neea", "教育部考试中心", "National Education Examinations Authority"),
		wsAffiliate("chsi", "全国高等学校学生信息咨询与就业指导中心", "China Higher Education Student Information and Career Center"),
		wsAffiliate("cdgdc", "教育部学位与研究生教育发展中心", "China Academic Degrees and Graduate Education Development Center"),
		wsAffiliate("nies", "中国教育科学研究院", "National Institute of Education Sciences"),
		wsAffiliate("ncet", "中央电化教育馆", "National Center for Educational Technology"),
		wsAffiliate("emic", "教育部教育管理信息中心", "Education Management Information Center of the Ministry of Education"),
		wsAffiliate("cscse", "中国留学服务中心", "Chinese Service Center for Scholarly Exchange"),
		wsAffiliate("csc", "国家留学基金管理委员会", "China Scholarship Council"),
		wsAffiliate("heec", "教育部高等教育教学评估中心", "Higher Education Evaluation Center of the Ministry of Education"),
		wsAffiliate("civte", "教育部职业技术教育中心研究所", "Central Institute for Vocational and Technical Education"),
		wsAffiliate("naea", "国家教育行政学院", "National Academy of Education Administration"),
		wsAffiliate("jyb", "中国教育报刊社", "China Education Daily"),
		wsAffiliate("hep", "高等教育出版社", "Higher Education Press"),
		wsAffiliate("pep", "人民教育出版社", "People's Education Press"),
		wsAffiliate("ouchn", "国家开放大学", "The Open University of China"),
		wsAffiliate("clec", "教育部中外语言交流合作中心", "Center for Language Education and Cooperation"),
	}
}

// wsZhongguanUniversities lists the 31 centrally-administered universities (中管高校).
func wsZhongguanUniversities() []UnitSpec {
	return []UnitSpec{
		wsZG("pku", "北京大学", "Peking University",
			wsSchool("pku-eecs", "北京大学信息科学技术学院", "School of Electronics Engineering and Computer Science, Peking University"),
			wsSchool("pku-gsm", "北京大学光华管理学院", "Guanghua School of Management, Peking University"),
			wsSchool("pku-law", "北京大学法学院", "Peking University Law School"),
		),
		wsZG("ruc", "中国人民大学", "Renmin University of China"),
		wsZG("thu", "清华大学", "Tsinghua University",
			wsSchool("thu-sist", "清华大学信息科学技术学院", "School of Information Science and Technology, Tsinghua University"),
			wsSchool("thu-sem", "清华大学经济管理学院", "School of Economics and Management, Tsinghua University"),
			wsSchool("thu-arch", "清华大学建筑学院", "School of Architecture, Tsinghua University"),
		),
		wsZG("bnu", "北京师范大学", "Beijing Normal University"),
		wsZG("cau", "中国农业大学", "China Agricultural University"),
		wsZG("muc", "中央民族大学", "Minzu University of China"),
		wsZG("nankai", "南开大学", "Nankai University"),
		wsZG("tju", "天津大学", "Tianjin University"),
		wsZG("dlut", "大连理工大学", "Dalian University of Technology"),
		wsZG("jlu", "吉林大学", "Jilin University"),
		wsZG("fudan", "复旦大学", "Fudan University",
			wsSchool("fudan-journalism", "复旦大学新闻学院", "School of Journalism, Fudan University"),
			wsSchool("fudan-shmc", "复旦大学上海医学院", "Shanghai Medical College, Fudan University"),
		),
		wsZG("tongji", "同济大学", "Tongji University"),
		wsZG("sjtu", "上海交通大学", "Shanghai Jiao Tong University"),
		wsZG("ecnu", "华东师范大学", "East China Normal University"),
		wsZG("nju", "南京大学", "Nanjing University"),
		wsZG("seu", "东南大学", "Southeast University"),
		wsZG("zju", "浙江大学", "Zhejiang University",
			wsSchool("zju-cs", "浙江大学计算机科学与技术学院", "College of Computer Science and Technology, Zhejiang University"),
			wsSchool("zju-med", "浙江大学医学院", "School of Medicine, Zhejiang University"),
		),
		wsZG("xmu", "厦门大学", "Xiamen University"),
		wsZG("sdu", "山东大学", "Shandong University"),
		wsZG("ouc", "中国海洋大学", "Ocean University of China"),
		wsZG("whu", "武汉大学", "Wuhan University"),
		wsZG("hust", "华中科技大学", "Huazhong University of Science and Technology"),
		wsZG("csu", "中南大学", "Central South University"),
		wsZG("sysu", "中山大学", "Sun Yat-sen University"),
		wsZG("scut", "华南理工大学", "South China University of Technology"),
		wsZG("scu", "四川大学", "Sichuan University"),
		wsZG("cqu", "重庆大学", "Chongqing University"),
		wsZG("uestc", "电子科技大学", "University of Electronic Science and Technology of China"),
		wsZG("xjtu", "西安交通大学", "Xi'an Jiaotong University"),
		wsZG("nwafu", "西北农林科技大学", "Northwest A&F University"),
		wsZG("lzu", "兰州大学", "Lanzhou University"),
	}
}

// wsMinistryUniversities lists 49 further universities: the 45 other
// universities directly under the Ministry, followed by four universities
// jointly built by the Ministry and their provincial governments (部省合建).
func wsMinistryUniversities() []UnitSpec {
	return []UnitSpec{
		// Directly under the Ministry.
		wsMU("bjtu", "北京交通大学", "Beijing Jiaotong University"),
		wsMU("ustb", "北京科技大学", "University of Science and Technology Beijing"),
		wsMU("buct", "北京化工大学", "Beijing University of Chemical Technology"),
		wsMU("bupt", "北京邮电大学", "Beijing University of Posts and Telecommunications"),
		wsMU("bjfu", "北京林业大学", "Beijing Forestry University"),
		wsMU("bucm", "北京中医药大学", "Beijing University of Chinese Medicine"),
		wsMU("bfsu", "北京外国语大学", "Beijing Foreign Studies University"),
		wsMU("cuc", "中国传媒大学", "Communication University of China"),
		wsMU("cufe", "中央财经大学", "Central University of Finance and Economics"),
		wsMU("uibe", "对外经济贸易大学", "University of International Business and Economics"),
		wsMU("cupl", "中国政法大学", "China University of Political Science and Law"),
		wsMU("ncepu", "华北电力大学", "North China Electric Power University"),
		wsMU("cumtb", "中国矿业大学（北京）", "China University of Mining and Technology, Beijing"),
		wsMU("cupb", "中国石油大学（北京）", "China University of Petroleum, Beijing"),
		wsMU("cugb", "中国地质大学（北京）", "China University of Geosciences, Beijing"),
		wsMU("ccom", "中央音乐学院", "Central Conservatory of Music"),
		wsMU("cafa", "中央美术学院", "Central Academy of Fine Arts"),
		wsMU("chntheatre", "中央戏剧学院", "Central Academy of Drama"),
		wsMU("blcu", "北京语言大学", "Beijing Language and Culture University"),
		wsMU("neu", "东北大学", "Northeastern University"),
		wsMU("nenu", "东北师范大学", "Northeast Normal University"),
		wsMU("nefu", "东北林业大学", "Northeast Forestry University"),
		wsMU("ecust", "华东理工大学", "East China University of Science and Technology"),
		wsMU("dhu", "东华大学", "Donghua University"),
		wsMU("shisu", "上海外国语大学", "Shanghai International Studies University"),
		wsMU("sufe", "上海财经大学", "Shanghai University of Finance and Economics"),
		wsMU("cumt", "中国矿业大学", "China University of Mining and Technology"),
		wsMU("hhu", "河海大学", "Hohai University"),
		wsMU("jiangnan", "江南大学", "Jiangnan University"),
		wsMU("njau", "南京农业大学", "Nanjing Agricultural University"),
		wsMU("cpu", "中国药科大学", "China Pharmaceutical University"),
		wsMU("hfut", "合肥工业大学", "Hefei University of Technology"),
		wsMU("upc", "中国石油大学（华东）", "China University of Petroleum (East China)"),
		wsMU("cug", "中国地质大学（武汉）", "China University of Geosciences (Wuhan)"),
		wsMU("whut", "武汉理工大学", "Wuhan University of Technology"),
		wsMU("hzau", "华中农业大学", "Huazhong Agricultural University"),
		wsMU("ccnu", "华中师范大学", "Central China Normal University"),
		wsMU("zuel", "中南财经政法大学", "Zhongnan University of Economics and Law"),
		wsMU("hnu", "湖南大学", "Hunan University"),
		wsMU("swjtu", "西南交通大学", "Southwest Jiaotong University"),
		wsMU("swu", "西南大学", "Southwest University"),
		wsMU("swufe", "西南财经大学", "Southwestern University of Finance and Economics"),
		wsMU("xidian", "西安电子科技大学", "Xidian University"),
		wsMU("chd", "长安大学", "Chang'an University"),
		wsMU("snnu", "陕西师范大学", "Shaanxi Normal University"),
		// Jointly built by the Ministry and the provincial government (部省合建).
		wsMU("imu", "内蒙古大学", "Inner Mongolia University"),
		wsMU("gxu", "广西大学", "Guangxi University"),
		wsMU("ynu", "云南大学", "Yunnan University"),
		wsMU("xju", "新疆大学", "Xinjiang University"),
	}
}

// wsProvinces lists the 31 provincial-level education departments.
func wsProvinces() []UnitSpec {
	return []UnitSpec{
		wsProvince("bj", "北京市教育委员会", "Beijing Municipal Education Commission", wsBeijingDistricts()...),
		wsProvince("tj", "天津市教育委员会", "Tianjin Municipal Education Commission"),
		wsProvince("he", "河北省教育厅", "Department of Education of Hebei Province"),
		wsProvince("sx", "山西省教育厅", "Department of Education of Shanxi Province"),
		wsProvince("nm", "内蒙古自治区教育厅", "Department of Education of Inner Mongolia Autonomous Region"),
		wsProvince("ln", "辽宁省教育厅", "Department of Education of Liaoning Province"),
		wsProvince("jl", "吉林省教育厅", "Department of Education of Jilin Province"),
		wsProvince("hl", "黑龙江省教育厅", "Department of Education of Heilongjiang Province"),
		wsProvince("sh", "上海市教育委员会", "Shanghai Municipal Education Commission"),
		wsProvince("js", "江苏省教育厅", "Department of Education of Jiangsu Province"),
		wsProvince("zj", "浙江省教育厅", "Department of Education of Zhejiang Province"),
		wsProvince("ah", "安徽省教育厅", "Department of Education of Anhui Province"),
		wsProvince("fj", "福建省教育厅", "Department of Education of Fujian Province"),
		wsProvince("jx", "江西省教育厅", "Department of Education of Jiangxi Province"),
		wsProvince("sd", "山东省教育厅", "Department of Education of Shandong Province"),
		wsProvince("ha", "河南省教育厅", "Department of Education of Henan Province", wsHenan()...),
		wsProvince("hb", "湖北省教育厅", "Department of Education of Hubei Province"),
		wsProvince("hn", "湖南省教育厅", "Department of Education of Hunan Province"),
		wsProvince("gd", "广东省教育厅", "Department of Education of Guangdong Province"),
		wsProvince("gx", "广西壮族自治区教育厅", "Department of Education of Guangxi Zhuang Autonomous Region"),
		wsProvince("hi", "海南省教育厅", "Department of Education of Hainan Province"),
		wsProvince("cq", "重庆市教育委员会", "Chongqing Municipal Education Commission"),
		wsProvince("sc", "四川省教育厅", "Department of Education of Sichuan Province"),
		wsProvince("gz", "贵州省教育厅", "Department of Education of Guizhou Province"),
		wsProvince("yn", "云南省教育厅", "Department of Education of Yunnan Province"),
		wsProvince("xz", "西藏自治区教育厅", "Department of Education of Tibet Autonomous Region"),
		wsProvince("sn", "陕西省教育厅", "Department of Education of Shaanxi Province"),
		wsProvince("gs", "甘肃省教育厅", "Department of Education of Gansu Province"),
		wsProvince("qh", "青海省教育厅", "Department of Education of Qinghai Province"),
		wsProvince("nx", "宁夏回族自治区教育厅", "Department of Education of Ningxia Hui Autonomous Region"),
		wsProvince("xj", "新疆维吾尔自治区教育厅", "Department of Education of Xinjiang Uygur Autonomous Region"),
	}
}

// wsBeijingDistricts lists two Beijing district education commissions.
func wsBeijingDistricts() []UnitSpec {
	return []UnitSpec{
		wsCounty("bj-haidian", "海淀区教育委员会", "Haidian District Education Commission",
			wsSchool("bj-haidian-bnds", "北京市十一学校", "Beijing National Day School"),
			wsSchool("bj-haidian-rdfz", "中国人民大学附属中学", "The High School Affiliated to Renmin University of China"),
		),
		wsCounty("bj-chaoyang", "朝阳区教育委员会", "Chaoyang District Education Commission",
			wsSchool("bj-chaoyang-cjl", "北京市陈经纶中学", "Beijing Chen Jinglun High School"),
			wsSchool("bj-chaoyang-bj80", "北京市第八十中学", "Beijing No. 80 High School"),
		),
	}
}

// wsHenan lists the units under the Henan Provincial Department of Education:
// the education bureaus of its 17 prefecture-level cities and the Jiyuan
// Demonstration Zone, followed by four provincial universities.
func wsHenan() []UnitSpec {
	return []UnitSpec{
		wsCity("ha-zz", "郑州市教育局", "Zhengzhou Municipal Education Bureau",
			wsCounty("ha-zz-jinshui", "郑州市金水区教育局", "Jinshui District Education Bureau, Zhengzhou",
				wsSchool("ha-zz-jinshui-wwl1", "郑州市金水区纬五路第一小学", "Weiwu Road No. 1 Primary School, Jinshui District, Zhengzhou"),
				wsSchool("ha-zz-jinshui-whl1", "郑州市金水区文化路第一小学", "Wenhua Road No. 1 Primary School, Jinshui District, Zhengzhou"),
				wsSchool("ha-zz-jinshui-zz8", "郑州市第八中学", "Zhengzhou No. 8 Middle School"),
			),
			wsCounty("ha-zz-zhongyuan", "郑州市中原区教育局", "Zhongyuan District Education Bureau, Zhengzhou",
				wsSchool("ha-zz-zhongyuan-hzl", "郑州市中原区互助路小学", "Huzhu Road Primary School, Zhongyuan District, Zhengzhou"),
				wsSchool("ha-zz-zhongyuan-yhl", "郑州市中原区伊河路小学", "Yihe Road Primary School, Zhongyuan District, Zhengzhou"),
				wsSchool("ha-zz-zhongyuan-wgy", "郑州市中原区外国语小学", "Zhongyuan District Foreign Language Primary School, Zhengzhou"),
			),
			wsCounty("ha-zz-dengfeng", "登封市教育局", "Dengfeng Municipal Education Bureau",
				wsSchool("ha-zz-dengfeng-yg", "登封市第一高级中学", "Dengfeng No. 1 Senior High School"),
				wsSchool("ha-zz-dengfeng-sx", "登封市实验小学", "Dengfeng Experimental Primary School"),
			),
			wsCounty("ha-zz-xinzheng", "新郑市教育局", "Xinzheng Municipal Education Bureau",
				wsSchool("ha-zz-xinzheng-yz", "新郑市第一中学", "Xinzheng No. 1 Middle School"),
				wsSchool("ha-zz-xinzheng-sx", "新郑市实验小学", "Xinzheng Experimental Primary School"),
			),
		),
		wsCity("ha-kf", "开封市教育局", "Kaifeng Municipal Education Bureau"),
		wsCity("ha-ly", "洛阳市教育局", "Luoyang Municipal Education Bureau",
			wsCounty("ha-ly-luolong", "洛阳市洛龙区教育局", "Luolong District Education Bureau, Luoyang",
				wsSchool("ha-ly-luolong-sx", "洛阳市洛龙区实验小学", "Luolong District Experimental Primary School, Luoyang"),
				wsSchool("ha-ly-luolong-sxzx", "洛阳市洛龙区实验中学", "Luolong District Experimental Middle School, Luoyang"),
			),
			wsCounty("ha-ly-luanchuan", "栾川县教育局", "Luanchuan County Education Bureau",
				wsSchool("ha-ly-luanchuan-yg", "栾川县第一高级中学", "Luanchuan County No. 1 Senior High School"),
				wsSchool("ha-ly-luanchuan-sx", "栾川县实验小学", "Luanchuan County Experimental Primary School"),
			),
			wsCounty("ha-ly-songxian", "嵩县教育局", "Song County Education Bureau",
				wsSchool("ha-ly-songxian-yg", "嵩县第一高级中学", "Song County No. 1 Senior High School"),
				wsSchool("ha-ly-songxian-sx", "嵩县实验小学", "Song County Experimental Primary School"),
			),
			wsCounty("ha-ly-yichuan", "伊川县教育局", "Yichuan County Education Bureau",
				wsSchool("ha-ly-yichuan-yg", "伊川县第一高级中学", "Yichuan County No. 1 Senior High School"),
				wsSchool("ha-ly-yichuan-sx", "伊川县实验小学", "Yichuan County Experimental Primary School"),
			),
		),
		wsCity("ha-pds", "平顶山市教育局", "Pingdingshan Municipal Education Bureau"),
		wsCity("ha-ay", "安阳市教育局", "Anyang Municipal Education Bureau"),
		wsCity("ha-hb", "鹤壁市教育局", "Hebi Municipal Education Bureau"),
		wsCity("ha-xx", "新乡市教育局", "Xinxiang Municipal Education Bureau"),
		wsCity("ha-jz", "焦作市教育局", "Jiaozuo Municipal Education Bureau"),
		wsCity("ha-py", "濮阳市教育局", "Puyang Municipal Education Bureau"),
		wsCity("ha-xc", "许昌市教育局", "Xuchang Municipal Education Bureau"),
		wsCity("ha-lh", "漯河市教育局", "Luohe Municipal Education Bureau"),
		wsCity("ha-smx", "三门峡市教育局", "Sanmenxia Municipal Education Bureau"),
		wsCity("ha-ny", "南阳市教育局", "Nanyang Municipal Education Bureau",
			wsCounty("ha-ny-wolong", "南阳市卧龙区教育局", "Wolong District Education Bureau, Nanyang",
				wsSchool("ha-ny-wolong-sx", "南阳市卧龙区实验小学", "Wolong District Experimental Primary School, Nanyang"),
				wsSchool("ha-ny-wolong-sxzx", "南阳市卧龙区实验中学", "Wolong District Experimental Middle School, Nanyang"),
			),
			wsCounty("ha-ny-xixia", "西峡县教育局", "Xixia County Education Bureau",
				wsSchool("ha-ny-xixia-yg", "西峡县第一高级中学", "Xixia County No. 1 Senior High School"),
				wsSchool("ha-ny-xixia-sx", "西峡县实验小学", "Xixia County Experimental Primary School"),
			),
			wsCounty("ha-ny-xichuan", "淅川县教育局", "Xichuan County Education Bureau",
				wsSchool("ha-ny-xichuan-yg", "淅川县第一高级中学", "Xichuan County No. 1 Senior High School"),
				wsSchool("ha-ny-xichuan-sx", "淅川县实验小学", "Xichuan County Experimental Primary School"),
			),
			wsCounty("ha-ny-zhenping", "镇平县教育局", "Zhenping County Education Bureau",
				wsSchool("ha-ny-zhenping-yg", "镇平县第一高级中学", "Zhenping County No. 1 Senior High School"),
				wsSchool("ha-ny-zhenping-sx", "镇平县实验小学", "Zhenping County Experimental Primary School"),
			),
		),
		wsCity("ha-sq", "商丘市教育局", "Shangqiu Municipal Education Bureau"),
		wsCity("ha-xy", "信阳市教育局", "Xinyang Municipal Education Bureau"),
		wsCity("ha-zk", "周口市教育局", "Zhoukou Municipal Education Bureau"),
		wsCity("ha-zmd", "驻马店市教育局", "Zhumadian Municipal Education Bureau"),
		wsCity("ha-jy", "济源示范区教育体育局", "Education and Sports Bureau of Jiyuan Demonstration Zone"),
		wsUniversity("ha-zzu", "郑州大学", "Zhengzhou University", nil),
		wsUniversity("ha-henu", "河南大学", "Henan University", nil),
		wsUniversity("ha-htu", "河南师范大学", "Henan Normal University", nil),
		wsUniversity("ha-henau", "河南农业大学", "Henan Agricultural University", nil),
	}
}
