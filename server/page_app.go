package server

import (
	"net/http"

	"github.com/shishi-edu/shishi"
)

// moduleInfo describes a module of PRODUCT.md for the navigation and the
// workbench; modules not built yet say so.
type moduleInfo struct {
	Key     string
	Letter  string
	Ready   bool
	Summary [2]string
	Planned [][2]string
}

var modules = []moduleInfo{
	{Key: "ledger", Letter: "B", Ready: true, Summary: [2]string{"重点事项清单、目标指标、月度进展填报、办结销号、领导驾驶舱", "Key item lists, targets, monthly reports, closure, leader cockpit"},
		Planned: [][2]string{{"清单层级与重点事项", "Tiers and items"}, {"指标与计划进度", "Targets and trajectories"}, {"月度进展填报与佐证材料", "Monthly reports with evidence"}, {"红黄绿灯预警", "RAG status"}, {"Excel 导入导出", "Excel in and out"}}},
	{Key: "supervision", Letter: "C", Ready: true, Summary: [2]string{"督查组、指导组、走访记录、问题整改与销号", "Inspection and guidance groups, visits, findings and rectification"},
		Planned: [][2]string{{"督查组与指导组", "Groups"}, {"走访记录", "Visits"}, {"问题与整改", "Findings and rectification"}, {"三色预警", "Three-colour warnings"}}},
	{Key: "complaints", Letter: "D", Ready: true, Summary: [2]string{"“互联网+教育督导”举报专栏：受理、转办、核查、反馈、评价", "Complaint column: intake, dispatch, verification, reply, rating"},
		Planned: [][2]string{{"群众举报与查询码", "Public submission with tracking code"}, {"举报人保护", "Reporter protection"}, {"按工作日计算的办理时限", "Working-day deadlines"}, {"Open311 接口", "Open311 API"}}},
	{Key: "credentials", Letter: "E", Ready: true, Summary: [2]string{"可验证电子证书：签发、查询、核验、吊销", "Verifiable e-certificates: issue, query, verify, revoke"},
		Planned: [][2]string{{"证书类型模板", "Certificate types"}, {"批量签发", "Bulk issuance"}, {"公开查询与核验", "Public query and verification"}, {"国密 SM2 签名", "SM2 signatures"}}},
	{Key: "services", Letter: "F", Summary: [2]string{"网上办事：申报、形式审查、专家评审、办结送达", "Online services: applications, formal check, expert review, delivery"},
		Planned: [][2]string{{"服务目录与表单", "Catalogue and forms"}, {"专家评审", "Expert review"}, {"毕业去向登记", "Graduate destination registration"}}},
	{Key: "portal", Letter: "G", Ready: true, Summary: [2]string{"公开门户、满意度评价、群众点单、工作简报", "Public portal, ratings, nominations, briefings"},
		Planned: [][2]string{{"公开事项与进展", "Public items and progress"}, {"满意度评价", "Ratings"}, {"群众点单", "Nominations"}, {"简报与订阅", "Briefings and feed"}}},
}

type homeData struct {
	UnitName string
	Reach    int
	Modules  []moduleInfo
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = v.L.T("nav.home"), "home"
	d := homeData{Modules: modules}
	if u, err := s.Units.FindUnit(r.Context(), v.Actor.UnitID); err == nil {
		d.UnitName = v.L.Name(u.Name, u.NameEN)
	}
	if _, n, err := s.Units.FindUnits(r.Context(), shishi.UnitFilter{Limit: 1}); err == nil {
		d.Reach = n
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "home", v)
	return nil
}

func (s *Server) module(w http.ResponseWriter, r *http.Request, v *view) error {
	key := r.PathValue("module")
	for _, m := range modules {
		if m.Key == key {
			v.Title, v.Nav, v.Data = v.L.T("nav."+key), key, m
			s.render(w, r, http.StatusOK, "module", v)
			return nil
		}
	}
	return shishi.Errorf(shishi.ENOTFOUND, "没有这个模块 / no such module")
}
