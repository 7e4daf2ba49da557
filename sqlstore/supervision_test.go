package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/workday"
)

// supWorld is the store world plus the Henan office, a professor from
// Beijing who sits on a Henan inspection group and holds no role at all,
// and an operator in Luoyang (outside the group's reach).
type supWorld struct {
	*world
	office, prof, lyOp *shishi.User
	oc, pc, zc, lc     context.Context
	now                time.Time
}

func newSupWorld(t *testing.T, dsn string) *supWorld {
	t.Helper()
	return newSupWorldFrom(t, newWorld(t, dsn))
}

// newSupWorldFrom adds the supervision people to a world built already.
func newSupWorldFrom(t *testing.T, base *world) *supWorld {
	t.Helper()
	w := &supWorld{world: base}
	cal, err := workday.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	w.db.Calendar = cal
	w.now = time.Date(2021, 9, 29, 2, 0, 0, 0, time.UTC) // Wednesday 10:00 in Beijing, before the National Day holiday
	w.db.Now = func() time.Time { return w.now }
	mk := func(login string, u *shishi.Unit, roles ...shishi.Role) *shishi.User {
		return w.mkUser(t, login, u, roles...)
	}
	w.office = mk("ha-office", w.ha, shishi.RoleOffice)
	w.prof = mk("bj-prof", w.bj)
	w.lyOp = mk("ly-op", w.ly, shishi.RoleOperator)
	w.oc, w.pc, w.zc, w.lc = w.as(t, w.office), w.as(t, w.prof), w.as(t, w.zzOp), w.as(t, w.lyOp)
	return w
}

// mkUser creates a user at u holding roles there.
func (w *world) mkUser(t *testing.T, login string, u *shishi.Unit, roles ...shishi.Role) *shishi.User {
	t.Helper()
	in := shishi.UserInput{Login: login, Name: login, UnitID: u.ID, Password: pw}
	for _, r := range roles {
		in.Grants = append(in.Grants, shishi.Grant{Role: r})
	}
	x, err := w.db.CreateUser(w.sys, in)
	if err != nil {
		t.Fatalf("user %s: %v", login, err)
	}
	return x
}

func fields(err error) map[string]bool {
	m := map[string]bool{}
	for _, f := range shishi.ErrorFields(err) {
		m[f.Field] = true
	}
	return m
}

func (w *supWorld) group(t *testing.T) *shishi.Group {
	t.Helper()
	g, err := w.db.CreateGroup(w.oc, shishi.GroupInput{Kind: shishi.GroupInspection, Name: "第三督查组", Theme: "五项管理", OwnerUnitID: w.ha.ID,
		LeaderID: w.prof.ID, UnitIDs: []int64{w.zz.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGroupMemberReach: a member of a group sees the units the group
// covers (and their subtrees) and no others, whatever unit the member
// comes from; findings are read only within that reach.
func TestGroupMemberReach(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSupWorld(t, dsn)
		// Before the group, the professor holds no role: nothing is in reach.
		if _, n, err := w.db.FindUnits(w.pc, shishi.UnitFilter{}); err != nil || n != 0 {
			t.Fatalf("before the group: %d units, %v", n, err)
		}
		g := w.group(t)
		if g.UnitCount != 1 || len(g.Members) != 1 || g.Members[0].ID != w.prof.ID || g.Leader.Name != "bj-prof" {
			t.Fatalf("group: %+v", g)
		}
		us, n, err := w.db.FindUnits(w.pc, shishi.UnitFilter{})
		if err != nil || n != 2 || us[0].ID != w.zz.ID || us[1].ID != w.js.ID {
			t.Fatalf("member sees %d units (%v), want Zhengzhou and Jinshui", n, err)
		}
		for _, u := range []*shishi.Unit{w.moe, w.ha, w.ly, w.bj} {
			if _, err := w.db.FindUnit(w.pc, u.ID); code(err) != shishi.ENOTFOUND {
				t.Errorf("member reads %s: %v", u.Code, err)
			}
		}
		if tree, _ := w.db.UnitTree(w.pc); len(tree) != 2 {
			t.Errorf("member's tree has %d units", len(tree))
		}
		// A limited API token (an Open311 key) of the same user carries no membership.
		key := shishi.WithActor(context.Background(), &shishi.Actor{UserID: w.prof.ID, Login: w.prof.Login, TokenScope: "open311"})
		if _, n, _ := w.db.FindUnits(key, shishi.UnitFilter{}); n != 0 {
			t.Errorf("a scoped token of the member sees %d units", n)
		}
		if _, n, _ := w.db.FindGroups(key, shishi.GroupFilter{}); n != 0 {
			t.Errorf("a scoped token of the member sees %d groups", n)
		}
		// Membership reads; it does not manage: no admin rights over the units.
		name := "改名"
		if _, err := w.db.UpdateUnit(w.pc, w.zz.ID, 0, shishi.UnitPatch{Name: &name}); code(err) != shishi.EFORBIDDEN {
			t.Errorf("member renames a covered unit: %v", err)
		}
		// The professor raises findings in the covered subtree only.
		f, err := w.db.RaiseFinding(w.pc, shishi.FindingInput{GroupID: g.ID, UnitID: w.js.ID, Severity: shishi.SeverityMajor, Description: "课后服务未全覆盖", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.RaiseFinding(w.pc, shishi.FindingInput{GroupID: g.ID, UnitID: w.ly.ID, Severity: shishi.SeverityMinor, Description: "越界", Days: 5}); !fields(err)["unit_id"] {
			t.Errorf("finding outside the group's units: %v", err)
		}
		// Luoyang's operator sees neither the group nor the finding.
		if _, err := w.db.FindGroup(w.lc, g.ID); code(err) != shishi.ENOTFOUND {
			t.Errorf("outsider reads the group: %v", err)
		}
		if _, err := w.db.FindFinding(w.lc, f.ID); code(err) != shishi.ENOTFOUND {
			t.Errorf("outsider reads the finding: %v", err)
		}
		if fs, n, _ := w.db.FindFindings(w.lc, shishi.FindingFilter{}); n != 0 || len(fs) != 0 {
			t.Errorf("outsider lists %d findings", n)
		}
		if _, err := w.db.RaiseFinding(w.lc, shishi.FindingInput{GroupID: g.ID, UnitID: w.zz.ID, Severity: shishi.SeverityMinor, Description: "x", Days: 5}); code(err) != shishi.ENOTFOUND {
			t.Errorf("outsider raises a finding: %v", err)
		}
		// Zhengzhou's operator (the parent of Jinshui) and the office see it.
		for _, c := range []context.Context{w.zc, w.oc, w.pc} {
			if fs, n, err := w.db.FindFindings(c, shishi.FindingFilter{GroupID: g.ID}); err != nil || n != 1 || fs[0].ID != f.ID {
				t.Errorf("finding list: %d %v", n, err)
			}
		}
		// A second group over Luoyang, without the professor, adds nothing to his reach.
		if _, err := w.db.CreateGroup(w.oc, shishi.GroupInput{Kind: shishi.GroupGuidance, Name: "洛阳指导组", OwnerUnitID: w.ha.ID, LeaderID: w.lyOp.ID, UnitIDs: []int64{w.ly.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := w.db.FindUnits(w.pc, shishi.UnitFilter{}); n != 2 {
			t.Errorf("after another group: member sees %d units", n)
		}
		if gs, n, _ := w.db.FindGroups(w.pc, shishi.GroupFilter{}); n != 1 || gs[0].ID != g.ID {
			t.Errorf("member lists %d groups", n)
		}
		if gs, n, _ := w.db.FindGroups(w.oc, shishi.GroupFilter{Kind: shishi.GroupGuidance}); n != 1 || gs[0].Name != "洛阳指导组" {
			t.Errorf("office lists %d guidance groups", n)
		}
		// The office moves the group to Luoyang: the member's reach follows at once.
		units := []int64{w.ly.ID}
		if _, err := w.db.UpdateGroup(w.pc, g.ID, 0, shishi.GroupPatch{UnitIDs: &units}); code(err) != shishi.EFORBIDDEN {
			t.Errorf("a member reshapes the group: %v", err)
		}
		bad := []int64{w.bj.ID}
		if _, err := w.db.UpdateGroup(w.oc, g.ID, 0, shishi.GroupPatch{UnitIDs: &bad}); !fields(err)["unit_ids"] {
			t.Errorf("a unit outside the office's subtree: %v", err)
		}
		if _, err := w.db.UpdateGroup(w.oc, g.ID, g.Version+1, shishi.GroupPatch{UnitIDs: &units}); code(err) != shishi.EPRECONDITION {
			t.Errorf("stale version: %v", err)
		}
		g2, err := w.db.UpdateGroup(w.oc, g.ID, g.Version, shishi.GroupPatch{UnitIDs: &units, LeaderID: &w.lyOp.ID})
		if err != nil || g2.Version != g.Version+1 || g2.Leader.ID != w.lyOp.ID || len(g2.Members) != 2 || g2.Units[0].ID != w.ly.ID {
			t.Fatalf("update: %v %+v", err, g2)
		}
		if us, n, _ := w.db.FindUnits(w.pc, shishi.UnitFilter{}); n != 1 || us[0].ID != w.ly.ID {
			t.Errorf("after the move the member sees %d units", n)
		}
		// A finding the group raised before stays readable to its members.
		if _, err := w.db.FindFinding(w.pc, f.ID); err != nil {
			t.Errorf("the group's own finding: %v", err)
		}
	})
}

// TestGroupInput: bad groups are refused with the fields named, and only
// the sending unit's office forms one.
func TestGroupInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSupWorld(t, dsn)
		_, err := w.db.CreateGroup(w.oc, shishi.GroupInput{Kind: "committee", Name: " ", OwnerUnitID: w.ha.ID, UnitIDs: []int64{w.zz.ID, w.zz.ID}})
		if f := fields(err); code(err) != shishi.EINVALID || !f["kind"] || !f["name"] || !f["leader_id"] || !f["unit_ids"] {
			t.Fatalf("bad group: %v %v", err, shishi.ErrorFields(err))
		}
		_, err = w.db.CreateGroup(w.oc, shishi.GroupInput{Kind: shishi.GroupGuidance, Name: "越界组", OwnerUnitID: w.ha.ID, LeaderID: w.prof.ID, UnitIDs: []int64{w.bj.ID}})
		if !fields(err)["unit_ids"] {
			t.Fatalf("unit outside the office's subtree: %v", err)
		}
		_, err = w.db.CreateGroup(w.oc, shishi.GroupInput{Kind: shishi.GroupGuidance, Name: "无此人", OwnerUnitID: w.ha.ID, LeaderID: 9999, UnitIDs: []int64{w.zz.ID}})
		if !fields(err)["member_ids"] {
			t.Fatalf("unknown member: %v", err)
		}
		if _, err := w.db.CreateGroup(w.zc, shishi.GroupInput{Kind: shishi.GroupGuidance, Name: "x", OwnerUnitID: w.ha.ID, LeaderID: w.prof.ID, UnitIDs: []int64{w.zz.ID}}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("an office below forms a group for Henan: %v", err)
		}
		if gs, n, _ := w.db.FindGroups(w.sys, shishi.GroupFilter{}); n != 0 || len(gs) != 0 {
			t.Fatalf("refused groups left %d behind", n)
		}
	})
}

// TestRectification walks a finding from a visit through the unit's plan,
// progress with evidence, a request that is returned, a second request and
// sign-off; wrong actions and wrong roles are refused with clear errors
// and change nothing; the deadline counts working days over the National
// Day holiday; colours follow the clock; everything is in the history and
// the audit log.
func TestRectification(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSupWorld(t, dsn)
		g := w.group(t)
		// A planned visit, then its record; recording twice is a conflict.
		if _, err := w.db.CreateVisit(w.pc, shishi.VisitInput{GroupID: g.ID, UnitID: w.ly.ID, PlannedOn: "2021-09-28"}, nil); !fields(err)["unit_id"] {
			t.Fatalf("visit outside the group: %v", err)
		}
		if _, err := w.db.CreateVisit(w.lc, shishi.VisitInput{GroupID: g.ID, UnitID: w.zz.ID, PlannedOn: "2021-09-28"}, nil); code(err) != shishi.ENOTFOUND {
			t.Fatalf("outsider plans a visit: %v", err)
		}
		v, err := w.db.CreateVisit(w.pc, shishi.VisitInput{GroupID: g.ID, UnitID: w.zz.ID, PlannedOn: "2021-09-28"}, nil)
		if err != nil || v.Status != shishi.VisitPlanned {
			t.Fatalf("plan visit: %v %+v", err, v)
		}
		if _, err := w.db.RecordVisit(w.pc, v.ID, shishi.VisitRecord{VisitedOn: "2021-09-28"}, nil); !fields(err)["record"] || !fields(err)["participants"] {
			t.Fatalf("empty record: %v", err)
		}
		file := shishi.SupervisionFile{Name: "../座谈记录.pdf", Hash: strings.Repeat("ab", 32), Mime: "application/pdf", Size: 1024}
		v, err = w.db.RecordVisit(w.pc, v.ID, shishi.VisitRecord{VisitedOn: "2021-09-28", Participants: "bj-prof 等 3 人", Record: "抽查 3 所学校作业、睡眠管理落实情况"}, []shishi.SupervisionFile{file})
		if err != nil || v.Status != shishi.VisitDone || len(v.Files) != 1 || v.Files[0].Name != "座谈记录.pdf" {
			t.Fatalf("record visit: %v %+v", err, v)
		}
		if _, err := w.db.RecordVisit(w.pc, v.ID, shishi.VisitRecord{VisitedOn: "2021-09-28", Participants: "x", Record: "again"}, nil); code(err) != shishi.ECONFLICT {
			t.Fatalf("record twice: %v", err)
		}
		// Bad findings name their fields.
		_, err = w.db.RaiseFinding(w.pc, shishi.FindingInput{VisitID: &v.ID, Severity: "grave", Days: 0})
		if f := fields(err); !f["severity"] || !f["description"] || !f["days"] {
			t.Fatalf("bad finding: %v", err)
		}
		f, err := w.db.RaiseFinding(w.pc, shishi.FindingInput{VisitID: &v.ID, Severity: shishi.SeveritySerious, Description: "部分学校书面作业总量超标", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		// 5 working days from Wed 29 September 2021: 30 Sep, 8 Oct, Sat 9 Oct (调休), 11, 12 Oct.
		if f.Unit.ID != w.zz.ID || f.Group.ID != g.ID || f.Deadline != "2021-10-12" || f.Status != shishi.FindingRaised || f.Colour != shishi.ColourGreen {
			t.Fatalf("finding: %+v", f)
		}
		act := func(c context.Context, action, note string, files ...shishi.SupervisionFile) (*shishi.Finding, error) {
			return w.db.ActOnFinding(c, f.ID, action, note, files, 0)
		}
		// Disallowed transitions and roles, each refused and changing nothing.
		if _, err := act(w.zc, "request_signoff", "已整改"); code(err) != shishi.ECONFLICT || !strings.Contains(shishi.ErrorMessage(err), "待整改") {
			t.Fatalf("request sign-off before a plan: %v", err)
		}
		if _, err := act(w.pc, "sign_off", ""); code(err) != shishi.ECONFLICT {
			t.Fatalf("sign off a raised finding: %v", err)
		}
		if _, err := act(w.zc, "sign_off", ""); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("the unit signs off (wrong side before wrong state): %v", err)
		}
		if _, err := act(w.pc, "plan", "组里代写的方案"); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("group writes the unit's plan: %v", err)
		}
		if _, err := act(w.lc, "plan", "外单位"); code(err) != shishi.ENOTFOUND {
			t.Fatalf("outsider plans: %v", err)
		}
		if _, err := act(w.zc, "plan", " "); !fields(err)["note"] {
			t.Fatalf("plan without text: %v", err)
		}
		if _, err := act(w.zc, "approve", "x"); !fields(err)["action"] {
			t.Fatalf("unknown action: %v", err)
		}
		if _, err := act(w.zc, "plan", "方案", file); !fields(err)["files"] {
			t.Fatalf("files on a plan: %v", err)
		}
		if got, _ := w.db.FindFinding(w.pc, f.ID); got.Status != shishi.FindingRaised || got.Version != f.Version {
			t.Fatalf("refusals changed the finding: %+v", got)
		}
		// The unit plans, reports progress with evidence, asks for sign-off.
		f2, err := act(w.zc, "plan", "一、建立作业公示制度；二、每周抽查")
		if err != nil || f2.Status != shishi.FindingRectifying || f2.Plan != "一、建立作业公示制度；二、每周抽查" {
			t.Fatalf("plan: %v %+v", err, f2)
		}
		if _, err := act(w.zc, "progress", "已完成 3 所学校作业公示", file); err != nil {
			t.Fatal(err)
		}
		if _, err := act(w.zc, "request_signoff", "整改完成，附公示截图", file); err != nil {
			t.Fatal(err)
		}
		if _, err := act(w.zc, "sign_off", ""); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("the unit signs off itself: %v", err)
		}
		if _, err := act(w.pc, "return", ""); !fields(err)["note"] {
			t.Fatalf("return without a reason: %v", err)
		}
		// The group returns it: back to the unit, which hears of it.
		f3, err := act(w.pc, "return", "缺少第二所学校的佐证")
		if err != nil || f3.Status != shishi.FindingRectifying {
			t.Fatalf("return: %v %+v", err, f3)
		}
		ns, _, _, _ := w.db.FindNotices(w.zc, shishi.Page{Limit: 50})
		if len(ns) == 0 || !strings.Contains(ns[0].Text, "退回") {
			t.Fatalf("unit's notices after the return: %+v", ns)
		}
		// Close to the deadline it is yellow; the filter agrees.
		w.now = time.Date(2021, 10, 8, 2, 0, 0, 0, time.UTC)
		if got, _ := w.db.FindFinding(w.zc, f.ID); got.Colour != shishi.ColourYellow {
			t.Fatalf("colour on 8 October: %s", got.Colour)
		}
		if _, n, _ := w.db.FindFindings(w.zc, shishi.FindingFilter{Colour: shishi.ColourYellow}); n != 1 {
			t.Fatalf("yellow filter: %d", n)
		}
		for _, c := range []shishi.Colour{shishi.ColourGreen, shishi.ColourRed} {
			if _, n, err := w.db.FindFindings(w.zc, shishi.FindingFilter{Colour: c}); err != nil || n != 0 {
				t.Fatalf("%s filter: %d %v", c, n, err)
			}
		}
		if _, _, err := w.db.FindFindings(w.zc, shishi.FindingFilter{Colour: "purple"}); !fields(err)["colour"] {
			t.Fatalf("bad colour filter: %v", err)
		}
		if _, err := act(w.zc, "request_signoff", "补充第二所学校公示材料", file); err != nil {
			t.Fatal(err)
		}
		done, err := act(w.pc, "sign_off", "")
		if err != nil || done.Status != shishi.FindingSignedOff || done.Colour != shishi.ColourNone || done.SignedOffAt == nil {
			t.Fatalf("sign off: %v %+v", err, done)
		}
		if _, err := act(w.pc, "return", "再退回"); code(err) != shishi.ECONFLICT {
			t.Fatalf("return after sign-off: %v", err)
		}
		// The history, with the files where they came.
		h, _, err := w.db.FindingHistory(w.zc, f.ID, shishi.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range h {
			steps = append(steps, e.Action)
		}
		if strings.Join(steps, ",") != "raise,plan,progress,request_signoff,return,request_signoff,sign_off" || len(h[2].Files) != 1 || len(h[1].Files) != 0 {
			t.Fatalf("history: %v", steps)
		}
		if _, _, err := w.db.FindingHistory(w.lc, f.ID, shishi.Page{}); code(err) != shishi.ENOTFOUND {
			t.Fatalf("outsider reads the history: %v", err)
		}
		// Every state change is in the audit log.
		aud, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ha-auditor", Name: "审计", UnitID: w.moe.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleAuditor}}})
		if err != nil {
			t.Fatal(err)
		}
		es, _, err := w.db.FindAudit(w.as(t, aud), shishi.AuditFilter{Entity: "finding", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for i := len(es) - 1; i >= 0; i-- {
			acts = append(acts, es[i].Action)
		}
		want := "finding.raise,finding.plan,finding.progress,finding.request_signoff,finding.return,finding.request_signoff,finding.sign_off"
		if strings.Join(acts, ",") != want {
			t.Fatalf("audit: %v", acts)
		}
		for _, a := range []string{"group.create", "visit.create", "visit.record"} {
			if _, n, _ := w.db.FindAudit(w.as(t, aud), shishi.AuditFilter{Action: a}); n != 1 {
				t.Errorf("audit %s: %d entries", a, n)
			}
		}
		// The report of the period counts the visit and the finding signed off in time.
		rep, err := w.db.SupervisionReport(w.oc, g.ID, "2021-09-01", "2021-09-30")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Lines) != 1 || rep.Lines[0].Visits != 1 || rep.Lines[0].Findings != 1 || rep.Lines[0].SignedOff != 1 || rep.Lines[0].OnTime != 1 || rep.Total.Severity["serious"] != 1 {
			t.Fatalf("report: %+v", rep.Lines)
		}
		if _, err := w.db.SupervisionReport(w.oc, g.ID, "2021-10-01", "2021-09-01"); !fields(err)["to"] {
			t.Fatalf("report backwards: %v", err)
		}
	})
}

// TestEscalation: an overdue rectification turns red and is escalated to
// the parent unit once, with notices and an audit entry, when the store's
// clock passes its deadline (no sleeping: the clock is set).
func TestEscalation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSupWorld(t, dsn)
		g := w.group(t)
		f, err := w.db.RaiseFinding(w.pc, shishi.FindingInput{GroupID: g.ID, UnitID: w.js.ID, Severity: shishi.SeverityMinor, Description: "睡眠管理制度未上墙", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.db.EscalateFindings(context.Background()); err != nil || n != 0 {
			t.Fatalf("escalated on time: %d %v", n, err)
		}
		w.now = time.Date(2021, 10, 13, 2, 0, 0, 0, time.UTC) // the day after the deadline
		if got, _ := w.db.FindFinding(w.pc, f.ID); got.Colour != shishi.ColourRed || got.EscalatedTo != nil {
			t.Fatalf("overdue before the job: %+v", got)
		}
		if n, err := w.db.EscalateFindings(context.Background()); err != nil || n != 1 {
			t.Fatalf("escalate: %d %v", n, err)
		}
		got, _ := w.db.FindFinding(w.zc, f.ID)
		if got.EscalatedTo == nil || got.EscalatedTo.ID != w.zz.ID || got.EscalatedAt == nil {
			t.Fatalf("escalated to %+v", got.EscalatedTo)
		}
		ns, _, _, _ := w.db.FindNotices(w.zc, shishi.Page{Limit: 10})
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "红色督办") || ns[0].FindingID != f.ID {
			t.Fatalf("parent unit's notices: %+v", ns)
		}
		if n, _ := w.db.EscalateFindings(context.Background()); n != 0 {
			t.Fatal("escalated twice")
		}
		h, _, _ := w.db.FindingHistory(w.pc, f.ID, shishi.Page{})
		if h[len(h)-1].Action != "escalate" || !strings.Contains(h[len(h)-1].Note, "郑州市教育局") {
			t.Fatalf("history: %+v", h[len(h)-1])
		}
	})
}
