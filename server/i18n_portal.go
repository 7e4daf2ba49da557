package server

// The portal's part of the catalogue, kept in its own file so the modules
// built side by side do not all edit one map literal.
func init() {
	for k, v := range portalCatalog {
		catalog[k] = v
	}
}

var portalCatalog = map[string][2]string{
	"portal.title":         {"我为群众办实事 · 公开", "Public-service commitments · in public"},
	"portal.home":          {"首页", "Home"},
	"portal.intro":         {"这里公开各项“我为群众办实事”实践活动的重点事项：承诺了什么、谁来牵头、办到了哪一步。数据来自各单位逐月填报、经活动办审核的进展。", "What was promised in each public-service commitment campaign, who leads it and how far it has come, from the units' monthly reports as the campaign office reviewed them."},
	"portal.none":          {"暂无公开的实践活动。", "No campaign is public yet."},
	"portal.public_items":  {"公开事项", "Public items"},
	"portal.see_items":     {"查看全部公开事项", "See all public items"},
	"portal.crumbs":        {"当前位置", "You are here"},
	"portal.promise":       {"承诺事项", "What was promised"},
	"portal.done":          {"完成情况", "What is done"},
	"portal.reports":       {"数据来源：进展填报版本", "Where the figures come from: report versions"},
	"portal.reports_note":  {"公开数据取自每月最新一版未被退回的填报；更正会新增版本并写明原因，历史版本全部保留。", "Each month's figure is the newest version not returned; a correction is a new version with its reason, and every version stays here."},
	"portal.current":       {"现行", "In use"},
	"portal.correction":    {"更正原因", "Correction"},
	"portal.evidence":      {"佐证材料（份）", "Evidence files"},
	"portal.complaints":    {"举报受理情况", "Complaints handled"},
	"portal.received":      {"受理件数", "Received"},
	"portal.concluded":     {"已办结", "Concluded"},
	"portal.on_time":       {"按期办结率", "On time"},
	"portal.reply":         {"答复率", "Replied"},
	"portal.satisfaction":  {"满意率", "Satisfaction"},
	"portal.stats":         {"各单位举报办理统计", "Complaints by unit"},
	"portal.stats_by_unit": {"查看各单位办理统计", "Figures by unit"},
	"portal.stats_note":    {"按承办单位汇总的件数与比率，不含任何举报内容或个人信息。统计期间：", "Counts and rates per handling unit; no complaint text or personal data. Period:"},
	"portal.unit":          {"承办单位", "Unit"},
	"portal.total":         {"合计", "Total"},
	"portal.services":      {"办事服务", "Services"},
	"portal.briefings":     {"工作简报", "Briefings"},
	"portal.nominate":      {"群众点单", "Propose an item"},
	"portal.staff":         {"工作人员登录", "Staff sign-in"},
	"briefing.feed":        {"订阅简报（Atom）", "Subscribe (Atom feed)"},
	"briefing.archive":     {"全部简报", "All briefings"},
	"briefing.public_page": {"查看公开页面", "See the public page"},
	"briefing.title":       {"简报标题", "Title"},
	"briefing.intro":       {"导语（数据前的文字）", "Introduction (before the figures)"},
	"briefing.closing":     {"结语（数据后的文字）", "Closing text (after the figures)"},
	"briefing.save":        {"保存文字", "Save text"},
	"briefing.regenerate":  {"按最新数据重新生成", "Refresh the figures"},
	"briefing.publish":     {"发布", "Publish"},
	"briefing.published":   {"发布于", "Published"},
	"briefing.pdf":         {"下载 PDF", "Download PDF"},
	"briefing.key":         {"主要数据", "Key figures"},
	"briefing.items":       {"重点事项进展", "Progress of the items"},
	"briefing.source":      {"查看该数据所依据的填报版本", "See the report version behind this figure"},
	"briefing.source_note": {"每个数据都链接到其所依据的进展填报版本；简报生成后数据即固定，更正会体现在事项页面的版本记录中。", "Each figure links to the report version it comes from; a briefing keeps the figures of its day, and later corrections show in the item's versions."},
	"briefing.units":       {"各牵头单位进展", "Progress by lead unit"},
	"briefing.attention":   {"需关注事项（红灯或逾期）", "Needing attention (red or overdue)"},
	"briefing.see_portal":  {"查看公开门户", "Open the public portal"},
	"briefing.campaign":    {"实践活动", "Campaign"},
	"briefing.generate":    {"生成简报草稿", "Draft a briefing"},
	"briefing.updated":     {"更新时间", "Updated"},
	"portal.verify":        {"证书查询验证", "Verify a certificate"},
}
