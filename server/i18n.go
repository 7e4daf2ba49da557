package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

// lang renders text for one request: Simplified Chinese first, English on
// request (the lang cookie, set by the switch in the header).
type lang struct{ EN bool }

func langOf(r *http.Request) lang {
	if c, err := r.Cookie("lang"); err == nil && c.Value == "en" {
		return lang{EN: true}
	}
	return lang{}
}

// Code is the language's code for <html lang>.
func (l lang) Code() string {
	if l.EN {
		return "en"
	}
	return "zh-CN"
}

// T returns the text of a catalogue key.
func (l lang) T(key string) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	if l.EN {
		return m[1]
	}
	return m[0]
}

// Msg picks this language's half of a domain message written "中文 / English".
func (l lang) Msg(s string) string {
	zh, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	if l.EN {
		return en
	}
	return zh
}

// Time shows a UTC instant in Beijing time, as Chinese users read it.
func (l lang) Time(t any) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		v = *x
	default:
		return ""
	}
	if v.IsZero() {
		return "—"
	}
	v = v.In(beijing)
	if l.EN {
		return v.Format("2006-01-02 15:04")
	}
	return fmt.Sprintf("%d年%d月%d日 %s", v.Year(), int(v.Month()), v.Day(), v.Format("15:04"))
}

// Bytes shows a file size.
func (l lang) Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Num formats an integer with thousands separators.
func (l lang) Num(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + l.Num(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Role and Kind label the domain's enumerations.
func (l lang) Role(r shishi.Role) string                 { return r.Label(l.EN) }
func (l lang) Kind(k shishi.UnitKind) string             { return k.Label(l.EN) }
func (l lang) Status(s shishi.ItemStatus) string         { return s.Label(l.EN) }
func (l lang) RAG(r shishi.RAG) string                   { return r.Label(l.EN) }
func (l lang) ReportStatus(s shishi.ReportStatus) string { return s.Label(l.EN) }

// NominationStatus names a proposal's status.
func (l lang) NominationStatus(s shishi.NominationStatus) string { return s.Label(l.EN) }

// BriefingStatus names a briefing's status.
func (l lang) BriefingStatus(s shishi.BriefingStatus) string { return s.Label(l.EN) }

// The complaint column's enumerations.
func (l lang) CStatus(s shishi.ComplaintStatus) string { return s.Label(l.EN) }
func (l lang) Colour(c shishi.Colour) string           { return c.Label(l.EN) }
func (l lang) Conclusion(c shishi.Conclusion) string   { return c.Label(l.EN) }
func (l lang) Rating(r shishi.Rating) string           { return r.Label(l.EN) }

// CredStatus names a certificate's status.
func (l lang) CredStatus(s shishi.CredentialStatus) string { return s.Label(l.EN) }

// Step names a complaint workflow step or timeline event.
func (l lang) Step(action string) string {
	for _, st := range shishi.ComplaintSteps {
		if st.Action == action {
			return l.Name(st.Label[0], st.Label[1])
		}
	}
	if n, ok := eventNames[action]; ok {
		return l.Name(n[0], n[1])
	}
	return action
}

var eventNames = map[string][2]string{
	"submit": {"提交举报", "Submitted"}, "message": {"举报人补充", "Reporter's message"}, "reveal": {"查看举报人身份", "Reporter revealed"},
	"escalate": {"超期督办", "Escalated"}, "merged_in": {"合并重复件", "Duplicate merged in"},
}

// DaysLeft words the working days left on a deadline; a case past its
// deadline by no working day yet (a deadline on Friday, read on Sunday) is
// still overdue.
func (l lang) DaysLeft(n int, c shishi.Colour) string {
	switch {
	case c == shishi.ColourRed && n == 0 && l.EN:
		return "overdue"
	case c == shishi.ColourRed && n == 0:
		return "已超期"
	case n < 0 && l.EN:
		return fmt.Sprintf("%d working days overdue", -n)
	case n < 0:
		return fmt.Sprintf("超期 %d 个工作日", -n)
	case l.EN:
		return fmt.Sprintf("%d working days left", n)
	}
	return fmt.Sprintf("剩 %d 个工作日", n)
}

// Date shows a date as Chinese readers write it.
func (l lang) Date(d shishi.Date) string {
	if d == "" {
		return "—"
	}
	if l.EN {
		return string(d)
	}
	t := d.Time()
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// Pct shows an optional rate.
func (l lang) Pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", *p)
}

// RAGName labels a RAG filter key ("none" for not rated).
func (l lang) RAGName(k string) string {
	if k == "none" {
		return shishi.RAGNone.Label(l.EN)
	}
	return shishi.RAG(k).Label(l.EN)
}

func (l lang) Name(zh, en string) string {
	if l.EN && en != "" {
		return en
	}
	return zh
}

var beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

var catalog = map[string][2]string{
	"audit.export":              {"导出 CSV 归档", "Export CSV for archiving"},
	"audit.export_hint":         {"按《网络安全法》要求，日志至少留存六个月；导出本身记入审计日志。", "Keep logs at least six months (Cybersecurity Law); the export is itself audited."},
	"verify.title":              {"电子证书查询与核验", "Certificate query and verification"},
	"verify.query":              {"按证书编号和姓名查询", "Look up by certificate number and name"},
	"verify.query_hint":         {"证书编号形如 1.2.156.3005.2.…，最后一位是校验位，输错会被立即发现。", "A certificate number looks like 1.2.156.3005.2.…; its last character is a check character, so a typo is caught at once."},
	"verify.not_found":          {"没有查到与该编号和姓名相符的证书。", "No certificate matches this number and name."},
	"verify.by_code":            {"使用在线验证码查看", "Open with an online verification code"},
	"verify.file":               {"核验证书文件", "Verify a credential file"},
	"verify.file_hint":          {"上传证书的 JSON 文件、粘贴其内容，或粘贴证书二维码中的链接：签名、状态与有效期都会被检查。", "Upload the credential's JSON file, paste it, or paste the link in its QR code: signature, status and validity are all checked."},
	"verify.upload":             {"证书文件", "Credential file"},
	"verify.paste":              {"或粘贴证书内容", "Or paste the credential"},
	"verify.url":                {"或粘贴二维码中的链接", "Or paste the QR code's link"},
	"verify.check":              {"核验", "Verify"},
	"cred.number":               {"证书编号", "Certificate number"},
	"cred.type":                 {"证书类型", "Certificate type"},
	"cred.issuer":               {"签发机构", "Issuer"},
	"cred.holder":               {"姓名", "Name"},
	"cred.status":               {"状态", "Status"},
	"cred.valid_from":           {"签发时间", "Issued"},
	"cred.valid_until":          {"有效期至", "Valid until"},
	"cred.reason":               {"原因", "Reason"},
	"cred.proof":                {"签名", "Proof"},
	"cred.issue":                {"签发证书", "Issue a certificate"},
	"cred.bulk":                 {"批量签发（.xlsx / .csv）", "Bulk issue (.xlsx / .csv)"},
	"cred.bulk_hint":            {"表头为字段名称（如 姓名、证件号码）；任何一行有误则整批不签发，并列出所有错误行。", "Headers are the field labels (e.g. 姓名, 证件号码); if any row is wrong nothing is issued and every bad row is listed."},
	"cred.issued":               {"已签发", "Issued"},
	"cred.key":                  {"访问密钥（印在证书 PDF 的二维码中）", "Access key (in the QR code of the certificate's PDF)"},
	"cred.download":             {"下载签名证书（JSON）", "Download the signed credential (JSON)"},
	"cred.reissue":              {"换发（可更正内容）", "Reissue (with corrections)"},
	"cred.reissue_hint":         {"换发后原证书以“reissued”为由撤销，新证书沿用顺序号、版本号加一。只修改需要更正的项；证件号码留空则不变。", "The old certificate is revoked with the reason “reissued”; the new one keeps the serial with the next version. Change only what needs correcting; leave the identity number empty to keep it."},
	"cred.pdf":                  {"下载证书 PDF（含核验二维码）", "Download the certificate as PDF (with its QR code)"},
	"cred.none":                 {"还没有证书", "No certificates yet"},
	"cred.issuers":              {"签发机构", "Issuers"},
	"cred.reason_hint":          {"原因（必填，记入审计日志）", "Reason (required, audited)"},
	"cred.bulk_done":            {"批量签发完成", "Bulk issuance done"},
	"cred.types":                {"证书类型", "Certificate types"},
	"holder.title":              {"持证人在线验证码", "Holder's online verification code"},
	"holder.intro":              {"持证人凭证书编号、姓名和证件号码生成 16 位在线验证码，交给用人单位等查看证书全部内容；可设有效期，也可随时关闭。", "With the certificate number, your name and your identity number you make a 16-character code that lets an employer see the whole certificate; you set its expiry and can close it any time."},
	"holder.code":               {"在线验证码", "Verification code"},
	"holder.id_number":          {"证件号码", "Identity number"},
	"holder.days":               {"有效天数", "Valid for (days)"},
	"holder.make":               {"生成验证码", "Make a code"},
	"holder.list":               {"查看我的验证码", "List my codes"},
	"holder.made":               {"验证码已生成", "Code made"},
	"holder.expires":            {"有效期至", "Expires"},
	"holder.once":               {"验证码只完整显示这一次，请妥善保存。", "The code is shown in full only this once."},
	"holder.close":              {"关闭", "Close"},
	"holder.closed":             {"验证码已关闭", "The code is closed"},
	"holder.is_closed":          {"已关闭", "Closed"},
	"filter":                    {"筛选", "Filter"},
	"all":                       {"全部", "all"},
	"next_page":                 {"下一页", "Next page"},
	"complaints.inbox":          {"举报件办理", "Complaint inbox"},
	"complaints.stats":          {"统计与排名", "Statistics and league table"},
	"complaints.by_category":    {"各类别件数", "Cases by category"},
	"complaints.open":           {"在办", "Open"},
	"complaints.all":            {"全部", "All"},
	"complaints.search":         {"编号或内容关键词", "Code or words of the text"},
	"complaints.export":         {"导出 Excel", "Export .xlsx"},
	"complaints.export_hint":    {"导出当前筛选结果，不含举报人身份", "Exports the filtered cases, without reporter identities"},
	"complaints.total":          {"共", "Total"},
	"colour.red":                {"超期（红）", "Overdue (red)"},
	"colour.yellow":             {"临期（黄）", "Due soon (yellow)"},
	"colour.green":              {"正常（绿）", "On time (green)"},
	"complaint.code":            {"编号", "Code"},
	"complaint.category":        {"类别", "Category"},
	"complaint.unit":            {"被反映单位", "Unit concerned"},
	"complaint.summary":         {"内容摘要", "Summary"},
	"complaint.status":          {"状态", "Status"},
	"complaint.assigned":        {"承办单位", "Handling unit"},
	"complaint.deadline":        {"办理时限", "Deadline"},
	"complaint.received":        {"收件时间", "Received"},
	"complaint.escalated":       {"已报上级督办", "Escalated"},
	"complaint.ext_pending":     {"延期申请待批", "Extension pending"},
	"complaint.anonymous":       {"匿名", "Anonymous"},
	"complaint.named":           {"实名（身份已加密）", "Named (identity sealed)"},
	"complaint.place":           {"所填地点", "Place given"},
	"complaint.body":            {"反映内容", "Complaint"},
	"complaint.files":           {"附件", "Attachments"},
	"complaint.desk":            {"受理机构", "Desk"},
	"complaint.reveal_to_unit":  {"允许承办单位查看举报人身份", "The unit may reveal the reporter"},
	"complaint.conclusion":      {"核查结论", "Conclusion"},
	"complaint.on_time":         {"按期办结", "Concluded on time"},
	"complaint.late":            {"逾期办结", "Concluded late"},
	"complaint.rectification":   {"整改情况", "Rectification"},
	"complaint.reply":           {"答复内容", "Reply"},
	"complaint.rating":          {"举报人评价", "Reporter's rating"},
	"complaint.merged_into":     {"已合并至", "Merged into"},
	"complaint.workdays":        {"个工作日", "working days"},
	"complaint.reporter":        {"举报人信息", "Reporter"},
	"complaint.reporter_name":   {"姓名", "Name"},
	"complaint.reporter_phone":  {"联系电话", "Phone"},
	"complaint.reporter_email":  {"电子邮箱", "E-mail"},
	"complaint.reveal_logged":   {"本次查看已记入审计日志。请勿转发或记录举报人信息。", "This reveal is in the audit log. Do not pass the reporter's details on."},
	"complaint.reporter_sealed": {"举报人身份已加密保存。确有必要联系举报人时，写明理由后查看；每次查看都记入审计日志。", "The reporter's identity is sealed. Reveal it only when you must contact the reporter, with a reason; every reveal is audited."},
	"complaint.reveal_reason":   {"查看理由", "Reason"},
	"complaint.reveal":          {"查看举报人身份", "Reveal the reporter"},
	"complaint.reporter_hidden": {"举报人身份受保护，承办单位不可查看。", "The reporter's identity is protected from the handling unit."},
	"complaint.revealed":        {"已显示举报人身份，此次查看已记入审计日志", "Reporter revealed; the reveal is in the audit log"},
	"complaint.duplicates":      {"疑似重复件", "Likely duplicates"},
	"complaint.similarity":      {"相似度", "Similarity"},
	"complaint.merge_into":      {"本件并入该件", "Merge this case into it"},
	"complaint.dispatch_to":     {"转办至", "Dispatch to"},
	"complaint.ext_days":        {"延期工作日数", "Extra working days"},
	"complaint.timeline":        {"办理过程", "Timeline"},
	"complaint.internal":        {"内部", "Internal"},
	"stats.from":                {"自", "From"},
	"stats.to":                  {"至", "To"},
	"stats.total":               {"件数", "Cases"},
	"stats.on_time":             {"按期办结率", "On-time rate"},
	"stats.reply":               {"反馈率", "Reply rate"},
	"stats.substantiated":       {"属实率", "Substantiation rate"},
	"stats.satisfaction":        {"满意率", "Satisfaction"},
	"stats.league":              {"承办单位排名", "League table of handling units"},
	"stats.floors":              {"考核底线", "Floors"},
	"stats.below":               {"未达底线", "Below a floor"},
	"stats.set_floors":          {"设定考核底线", "Set the floors"},
	"public.submit":             {"我要举报", "Report a problem"},
	"public.track":              {"查询办理进度", "Follow my case"},
	"public.received":           {"举报已提交", "Complaint received"},
	"public.received_text":      {"您的举报已提交。请记下查询码和查询密码，凭二者查询办理进度、补充材料和评价办理结果。", "Your complaint is in. Write down the tracking code and the secret: with both you can follow the case, add to it and rate the outcome."},
	"public.code":               {"查询码", "Tracking code"},
	"public.secret":             {"查询密码", "Secret"},
	"public.accept_by":          {"受理时限", "To be accepted by"},
	"public.keep_secret":        {"查询密码只显示这一次，我们无法找回。请勿告诉他人。", "The secret is shown only this once and cannot be recovered. Keep it to yourself."},
	"public.intro":              {"“互联网+教育督导”举报专栏受理群众对教育领域问题的举报。可以匿名举报；实名举报人的身份加密保存，依法保护。", "The education supervision column takes the public's complaints about education. You may stay anonymous; a named reporter's identity is encrypted and protected by law."},
	"public.place":              {"被反映单位或所在地", "Unit concerned or place"},
	"public.place_hint":         {"如：郑州市教育局、金水区", "e.g. 郑州市教育局, 金水区"},
	"public.files_hint":         {"可上传图片或 PDF，最多 5 个，每个不超过 10 MiB", "Images or PDF, up to 5 files of 10 MiB each"},
	"public.anonymous":          {"匿名举报（不留姓名和联系方式）", "Stay anonymous (no name or contact)"},
	"public.protection":         {"姓名和联系方式加密保存，只有受理机构经批准方可查看，不会告知被举报单位。", "Your name and contact are encrypted; only the desk may see them, with a recorded reason, and they are not passed to the unit concerned."},
	"public.send":               {"提交举报", "Submit"},
	"public.look_up":            {"查询", "Look up"},
	"public.agency":             {"当前办理单位", "Handled by"},
	"public.rate":               {"评价办理结果", "Rate the outcome"},
	"public.send_rating":        {"提交评价", "Send rating"},
	"public.reopen_why":         {"不满意的理由", "Why you are not satisfied"},
	"public.message":            {"补充说明", "Add information"},
	"public.send_message":       {"提交补充", "Send"},
	"public.step_done":          {"已提交", "Sent"},
	"app":                       {"实事", "Shishi"},
	"app.long":                  {"“我为群众办实事”实践活动管理平台", "Public-service commitment campaign platform"},
	"login":                     {"登录", "Sign in"},
	"logout":                    {"退出", "Sign out"},
	"login.title":               {"工作人员登录", "Staff sign-in"},
	"login.login":               {"登录名", "Login"},
	"login.password":            {"密码", "Password"},
	"login.submit":              {"登录", "Sign in"},
	"login.public":              {"群众无需登录即可查询公开事项、提交举报诉求和核验电子证书。", "The public needs no account to read public items, submit complaints or verify certificates."},
	"totp.title":                {"动态口令验证", "Second factor"},
	"totp.code":                 {"6 位动态口令", "6-digit code"},
	"totp.help":                 {"请打开身份验证器应用，输入当前显示的 6 位数字。", "Open your authenticator app and enter the 6-digit code it shows."},
	"totp.submit":               {"验证", "Verify"},
	"nav.home":                  {"工作台", "Workbench"},
	"nav.ledger":                {"清单台账", "Campaign ledger"},
	"nav.supervision":           {"督查督导", "Supervision"},
	"nav.complaints":            {"举报诉求", "Complaints"},
	"nav.credentials":           {"电子证书", "Certificates"},
	"nav.services":              {"网上办事", "Online services"},
	"nav.portal":                {"宣传公开", "Public portal"},
	"nav.org":                   {"组织与权限", "Organisation"},
	"nav.units":                 {"单位管理", "Units"},
	"nav.users":                 {"用户管理", "Users"},
	"nav.audit":                 {"审计日志", "Audit log"},
	"nav.profile":               {"个人设置", "My account"},
	"nav.api":                   {"接口文档", "API document"},
	"module.empty":              {"本模块尚未启用。", "This module is not available yet."},
	"module.planned":            {"计划功能", "Planned"},
	"home.welcome":              {"您好", "Welcome"},
	"home.unit":                 {"所在单位", "Unit"},
	"home.roles":                {"角色", "Roles"},
	"home.modules":              {"业务模块", "Modules"},
	"home.reach":                {"可见单位数", "Units in reach"},
	"units.title":               {"单位管理", "Units"},
	"units.tree":                {"单位树", "Unit tree"},
	"units.search":              {"搜索单位名称或代码", "Search name or code"},
	"units.new":                 {"新建下级单位", "New child unit"},
	"units.total":               {"共 %s 个单位", "%s units"},
	"unit.name":                 {"单位名称", "Name"},
	"unit.name_en":              {"英文名称", "English name"},
	"unit.code":                 {"单位代码", "Code"},
	"unit.kind":                 {"单位类型", "Kind"},
	"unit.credit_code":          {"统一社会信用代码", "Unified social credit code"},
	"unit.parent":               {"上级单位", "Parent unit"},
	"unit.children":             {"下级单位", "Child units"},
	"unit.users":                {"本单位用户", "Users of this unit"},
	"unit.history":              {"变更记录", "History"},
	"unit.edit":                 {"修改单位信息", "Edit unit"},
	"unit.move":                 {"调整隶属关系", "Move unit"},
	"unit.move.to":              {"移动到（上级单位编号）", "Move under (parent id)"},
	"unit.none":                 {"无", "None"},
	"users.title":               {"用户管理", "Users"},
	"users.new":                 {"新建用户", "New user"},
	"user.login":                {"登录名", "Login"},
	"user.name":                 {"姓名", "Name"},
	"user.email":                {"电子邮箱", "E-mail"},
	"user.unit":                 {"所属单位", "Unit"},
	"user.unit_id":              {"所属单位编号", "Unit id"},
	"user.roles":                {"角色", "Roles"},
	"user.status":               {"状态", "Status"},
	"user.active":               {"正常", "Active"},
	"user.disabled":             {"已停用", "Disabled"},
	"user.locked":               {"已锁定", "Locked"},
	"user.totp":                 {"动态口令", "Second factor"},
	"user.totp.on":              {"已启用", "Enabled"},
	"user.totp.off":             {"未启用", "Not enrolled"},
	"user.last_login":           {"最近登录", "Last sign-in"},
	"user.password":             {"初始密码", "Initial password"},
	"user.disable":              {"停用账号", "Disable account"},
	"user.enable":               {"启用账号", "Enable account"},
	"user.unlock":               {"解除锁定", "Unlock"},
	"user.reset":                {"重置密码", "Reset password"},
	"user.save_roles":           {"保存角色", "Save roles"},
	"save":                      {"保存", "Save"},
	"create":                    {"创建", "Create"},
	"search":                    {"查询", "Search"},
	"actions":                   {"操作", "Actions"},
	"view":                      {"查看", "View"},
	"prev":                      {"上一页", "Previous"},
	"next":                      {"下一页", "Next"},
	"none":                      {"暂无数据", "Nothing here yet"},
	"profile.title":             {"个人设置", "My account"},
	"profile.password":          {"修改密码", "Change password"},
	"profile.old":               {"原密码", "Current password"},
	"profile.new":               {"新密码", "New password"},
	"profile.totp":              {"动态口令（双因素认证）", "Second factor (TOTP)"},
	"profile.totp.on":           {"已启用动态口令。登录时需输入身份验证器中的 6 位数字。", "Your second factor is on: sign-in asks for the 6-digit code."},
	"profile.totp.start":        {"生成新密钥", "Start enrolment"},
	"profile.totp.scan":         {"用身份验证器应用扫描二维码（或手动输入密钥），然后输入显示的 6 位数字完成绑定。", "Scan the QR code with an authenticator app (or type the key), then enter the 6-digit code it shows."},
	"profile.totp.must":         {"您的角色要求启用动态口令，请先完成绑定。", "Your role requires a second factor: enrol now to continue."},
	"profile.totp.grace":        {"您的角色要求启用动态口令，请在 %s 前完成绑定。", "Your role requires a second factor: enrol before %s."},
	"profile.tokens":            {"API 令牌", "API tokens"},
	"profile.token.name":        {"令牌名称", "Token name"},
	"profile.token.new":         {"新令牌（只显示一次，请妥善保存）", "New token (shown once: keep it safe)"},
	"profile.token.revoke":      {"吊销", "Revoke"},
	"token.created":             {"创建时间", "Created"},
	"token.scope":               {"权限范围", "Scope"},
	"token.scope.all":           {"全部角色", "All roles"},
	"token.grants":              {"携带的角色", "Roles the token carries"},
	"token.grants.hint":         {"不勾选则携带您的全部角色。", "None checked: the token carries all your roles."},
	"token.unit":                {"限定单位（可选，须在所选角色的范围内）", "Narrow to unit (optional, inside the checked roles' reach)"},
	"token.unit.any":            {"不限定", "Not narrowed"},
	"token.days":                {"有效期（天）", "Lifetime (days)"},
	"token.expires":             {"到期时间", "Expires"},
	"token.used":                {"最近使用", "Last used"},
	"token.revoked":             {"已吊销", "Revoked"},
	"audit.title":               {"审计日志", "Audit log"},
	"audit.verify":              {"校验日志链", "Verify chain"},
	"audit.ok":                  {"审计日志链完整：已校验 %s 条记录。", "The audit chain is intact: %s entries checked."},
	"audit.broken":              {"审计日志链在第 %d 条处断裂：%s", "The audit chain breaks at entry %d: %s"},
	"audit.at":                  {"时间", "Time"},
	"audit.actor":               {"操作人", "Actor"},
	"audit.action":              {"操作", "Action"},
	"audit.entity":              {"对象", "Object"},
	"audit.detail":              {"详情", "Detail"},
	"audit.ip":                  {"地址", "Address"},
	"demo.banner":               {"演示环境：数据为根据公开报道构造的示例，请勿录入真实个人信息。", "Demo: sample data built from public reports; enter no real personal data."},
	"error.title":               {"出错了", "Something went wrong"},
	"error.back":                {"返回工作台", "Back to the workbench"},
	"lang.switch":               {"English", "中文"},
	"saved":                     {"已保存。", "Saved."},
	"csrf":                      {"表单已过期，请刷新页面后重试。", "The form has expired; reload the page and try again."},
	"ledger.rag":                {"红黄绿灯", "RAG status"},
	"ledger.items":              {"事项", "items"},
	"ledger.none":               {"暂无可见的实践活动。", "No campaign in your reach yet."},
	"ledger.period":             {"活动期间", "Period"},
	"ledger.as_of":              {"数据截至", "Figures as of"},
	"ledger.office":             {"活动办", "Office"},
	"ledger.count":              {"事项数", "Items"},
	"ledger.avg":                {"平均完成率", "Average completion"},
	"ledger.overdue":            {"逾期事项", "Overdue"},
	"ledger.missing":            {"缺报事项", "Missing reports"},
	"ledger.closed":             {"已销号", "Closed"},
	"ledger.all_tiers":          {"全部层级", "All tiers"},
	"ledger.cockpit":            {"领导驾驶舱", "Cockpit"},
	"ledger.review":             {"审核队列", "Review queue"},
	"ledger.filter":             {"筛选", "Filter"},
	"ledger.export":             {"导出台账（Excel）", "Export ledger (Excel)"},
	"ledger.import":             {"导入事项清单（.xlsx，全部校验通过才导入）", "Import an item list (.xlsx; all or nothing)"},
	"ledger.upload":             {"上传导入", "Upload"},
	"import.done":               {"已导入 %s 个事项（草稿）。", "%s items imported as drafts."},
	"import.row":                {"行", "Row"},
	"import.col":                {"列", "Column"},
	"import.msg":                {"问题", "Problem"},
	"item.code":                 {"编号", "Code"},
	"item.title":                {"事项名称", "Item"},
	"item.tier":                 {"清单层级", "Tier"},
	"item.lead_unit":            {"牵头单位", "Lead unit"},
	"item.coop":                 {"配合单位", "Cooperating units"},
	"item.leader":               {"牵头领导", "Lead leader"},
	"item.deadline":             {"完成时限", "Deadline"},
	"item.status":               {"状态", "Status"},
	"item.progress":             {"完成进度", "Progress"},
	"item.rag":                  {"预警", "RAG"},
	"item.public":               {"公开", "Public"},
	"item.internal":             {"内部", "Internal"},
	"item.forecast":             {"预计完成", "Forecast"},
	"item.missing":              {"缺报月份", "Missing months"},
	"item.description":          {"目标任务", "Commitment"},
	"item.targets":              {"指标", "Targets"},
	"item.trajectory":           {"计划进度与实际进度", "Plan and actual"},
	"item.actions":              {"办理", "Actions"},
	"item.note":                 {"说明", "Note"},
	"item.children":             {"下级事项", "Child items"},
	"item.rollup":               {"本事项未设指标，完成情况由下级事项汇总：同名同单位的数量指标按数量相加。", "This item has no targets of its own: its figures sum its child items' counts."},
	"coord.comments":            {"沟通协调", "Coordination"},
	"coord.comment":             {"留言（可用 @登录名 提醒相关人员）", "Comment (@login notifies)"},
	"coord.post":                {"发表", "Post"},
	"coord.tasks":               {"交办任务", "Handed tasks"},
	"coord.unit":                {"承办单位", "Unit"},
	"coord.task":                {"任务内容", "Task"},
	"coord.due":                 {"办结时限", "Due"},
	"coord.hand":                {"交办", "Hand over"},
	"coord.done":                {"已办结", "Done"},
	"coord.complete":            {"标记办结", "Mark done"},
	"notices.title":             {"消息提醒", "Notices"},
	"notices.read_all":          {"全部标为已读", "Mark all read"},
	"notices.unread":            {"未读", "Unread"},
	"item.history":              {"办理记录", "History"},
	"item.overdue":              {"已逾期", "Overdue"},
	"target.name":               {"指标名称", "Target"},
	"target.baseline":           {"基线值", "Baseline"},
	"target.target":             {"目标值", "Target value"},
	"target.actual":             {"当前值", "Actual"},
	"target.unit":               {"单位", "Unit"},
	"target.completion":         {"完成率", "Completion"},
	"target.milestones":         {"里程碑", "Milestones"},
	"report.title":              {"进展填报", "File a report"},
	"report.period":             {"填报月份", "Month"},
	"report.narrative":          {"工作进展", "Progress narrative"},
	"report.reason":             {"更正原因（同月再次填报时必填）", "Correction reason (required for a second report of the month)"},
	"report.values":             {"指标累计值", "Cumulative values"},
	"report.submit":             {"提交填报", "Submit"},
	"report.evidence":           {"佐证材料（图片、PDF、Office 文档，每个不超过 20 MiB）", "Evidence (images, PDF, Office; 20 MiB each)"},
	"report.history":            {"填报记录", "Reports"},
	"report.version":            {"版本", "Version"},
	"report.status":             {"审核", "Review"},
	"report.by":                 {"填报人", "Filed by"},
	"report.at":                 {"提交时间", "Submitted"},
	"report.late":               {"逾期填报", "Late"},
	"report.comment":            {"审核意见", "Comment"},
	"review.title":              {"进展审核", "Review reports"},
	"review.accept":             {"通过", "Accept"},
	"review.return":             {"退回", "Return"},
	"review.none":               {"没有待审核的报告。", "No report waits for review."},
	"cockpit.title":             {"领导驾驶舱", "Leader cockpit"},
	"cockpit.by_tier":           {"各层级平均完成率", "Average completion by tier"},
	"cockpit.by_unit":           {"完成率最低的牵头单位", "Lead units with the lowest completion"},
	"cockpit.by_child":          {"下级单位平均完成率（点击查看其驾驶舱）", "Average completion of the units below (open their cockpits)"},
	"cockpit.scope":             {"范围", "Scope"},
	"cockpit.scope_all":         {"全部事项", "The whole campaign"},
	"cockpit.scope_unit":        {"%s及下级单位", "%s and the units below"},
	"cockpit.as_of":             {"数据截至 %s（每5分钟更新）", "Figures as of %s (updated every 5 minutes)"},
	"cockpit.live":              {"实时统计", "Counted just now"},
	"cockpit.home":              {"返回我的范围", "Back to my scope"},
	"cockpit.by_status":         {"按状态", "By status"},
	"cockpit.by_leader":         {"按牵头领导", "By lead leader"},
	"cockpit.attention":         {"逾期或缺报", "Overdue or missing"},
	"cockpit.red":               {"红灯及逾期事项", "Red and overdue items"},
	"cockpit.more_red":          {"查看全部红灯事项", "All red items"},
	"chart.plan":                {"计划", "Plan"},
	"chart.actual":              {"实际", "Actual"},
	"chart.target":              {"目标", "Target"},
	"action.approve":            {"立项", "Approve"},
	"action.start":              {"启动推进", "Start"},
	"action.request_closure":    {"申请办结", "Request closure"},
	"action.close":              {"审核销号", "Close"},
	"action.reject_closure":     {"退回办结申请", "Reject closure"},
	"action.reopen":             {"回头看重新打开", "Reopen"},
}
