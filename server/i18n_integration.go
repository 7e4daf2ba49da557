package server

// The integration pages' catalogue: webhooks, deliveries, dead letters and
// mail preferences. Kept apart from the main catalogue and merged at start.
var integrationCatalog = map[string][2]string{
	"nav.integration":             {"系统对接", "Integrations"},
	"integration.title":           {"系统对接：Webhook 与任务队列", "Integrations: webhooks and the job queue"},
	"integration.webhooks":        {"Webhook 订阅", "Webhook subscriptions"},
	"integration.signing":         {"每次投递以 POST 发送 JSON，请求头 Shishi-Signature: t=时间戳,v1=HMAC-SHA256(密钥, \"时间戳.\" + 请求体) 的十六进制；Shishi-Delivery 为投递编号，重试时不变，可用于去重。", "Each delivery is a JSON POST with Shishi-Signature: t=UNIX,v1=hex HMAC-SHA256(secret, \"UNIX.\" + body); Shishi-Delivery is the delivery id, the same on every retry, for de-duplication."},
	"integration.unit":            {"单位（含下级）", "Unit (and its subtree)"},
	"integration.events":          {"事件类型", "Event types"},
	"integration.families":        {"可用：", "Available:"},
	"integration.state":           {"状态", "State"},
	"integration.active":          {"启用", "Active"},
	"integration.paused":          {"已暂停", "Paused"},
	"integration.pause":           {"暂停", "Pause"},
	"integration.resume":          {"恢复", "Resume"},
	"integration.delete":          {"删除", "Delete"},
	"integration.new":             {"新建订阅", "New subscription"},
	"integration.secret":          {"签名密钥只显示这一次，请妥善保存：", "The signing secret is shown this once; keep it safe:"},
	"integration.deliveries":      {"投递记录", "Delivery log"},
	"integration.event":           {"事件", "Event"},
	"integration.attempts":        {"尝试次数", "Attempts"},
	"integration.last":            {"最近结果", "Last result"},
	"integration.at":              {"时间", "Time"},
	"integration.replay":          {"重新投递", "Replay"},
	"integration.dead":            {"失败任务（死信）", "Dead letters"},
	"integration.kind":            {"任务类型", "Kind"},
	"integration.error":           {"错误", "Error"},
	"integration.retry":           {"重试", "Retry"},
	"delivery.pending":            {"投递中", "Pending"},
	"delivery.delivered":          {"已送达", "Delivered"},
	"delivery.failed":             {"失败", "Failed"},
	"profile.mail":                {"邮件通知", "E-mail notices"},
	"profile.mail.address":        {"通知发往：", "Notices go to:"},
	"profile.mail.none":           {"尚未登记电子邮箱，请联系管理员。", "No e-mail address on file; ask an administrator."},
	"profile.mail.lang":           {"邮件语言", "Language of mails"},
	"profile.mail.kind.reminder":  {"催报、催办、督办提醒", "Reminders and deadlines"},
	"profile.mail.kind.task":      {"交办任务", "Tasks handed to my unit"},
	"profile.mail.kind.complaint": {"举报件转办与时限预警", "Complaints dispatched and their deadlines"},
	"profile.mail.kind.mention":   {"留言中提到我", "Mentions in comments"},
	"profile.mail.kind.review":    {"填报审核结果", "Report reviews"},
}

func init() {
	for k, v := range integrationCatalog {
		catalog[k] = v
	}
}
