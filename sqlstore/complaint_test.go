package sqlstore_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/workday"
)

// complaintWorld adds the complaint desk's people: a handler at the
// ministry (the desk), a handler in Zhengzhou (the unit cases go to) and an
// operator in Henan (the parent unit, who hears of escalations).
type complaintWorld struct {
	*world
	desk, zzH, haOp *shishi.User
	cal             *workday.Calendar
	now             time.Time
}

func newComplaintWorld(t testing.TB, dsn string) *complaintWorld {
	w := &complaintWorld{world: newWorld(t, dsn)}
	var err error
	if w.cal, err = workday.New(nil); err != nil {
		t.Fatal(err)
	}
	w.db.Calendar = w.cal
	// Monday 2026-03-02, 10:00 in Beijing.
	w.now = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	w.db.Now = func() time.Time { return w.now }
	mk := func(login string, u *shishi.Unit, r shishi.Role) *shishi.User {
		x, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: login, Name: login, UnitID: u.ID, Password: pw, Grants: []shishi.Grant{{Role: r}}})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	w.desk = mk("desk", w.moe, shishi.RoleHandler)
	w.zzH = mk("zz-h", w.zz, shishi.RoleHandler)
	w.haOp = mk("ha-op", w.ha, shishi.RoleOperator)
	return w
}

func (w *complaintWorld) step(t *testing.T, u *shishi.User, id int64, action string, in shishi.StepInput) *shishi.Complaint {
	t.Helper()
	c, err := w.db.Step(w.as(t, u), id, action, in)
	if err != nil {
		t.Fatalf("%s by %s: %v", action, u.Login, err)
	}
	return c
}

func TestComplaintWorkflow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		desk, zzH, zzOp := w.as(t, w.desk), w.as(t, w.zzH), w.as(t, w.zzOp)
		body := "郑州市金水区某小学教师工资长期低于当地公务员平均工资水平，绩效工资拖欠三个月未发放。"
		rc, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "teacher-pay", Place: "金水区", Body: body,
			Reporter: shishi.Reporter{Name: "王小明", Phone: "13812345678"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The desk has 5 working days to accept (teacher-pay): Mon 2 March + 5 = Mon 9 March.
		if rc.Deadline != "2026-03-09" || !strings.HasPrefix(rc.Code, "JB") || len(rc.Secret) != 14 {
			t.Fatalf("receipt %+v", rc)
		}
		// The identity is sealed at rest: no name or phone in the row.
		var sealed, hash string
		if err := w.db.SQL().QueryRow(`SELECT reporter_sealed, secret_hash FROM complaints WHERE id = $1`, rc.ID).Scan(&sealed, &hash); err != nil {
			t.Fatal(err)
		}
		if sealed == "" || strings.Contains(sealed, "王小明") || strings.Contains(sealed, "13812345678") || strings.Contains(hash, rc.Secret) {
			t.Fatalf("reporter stored in clear: %q", sealed)
		}
		// The reporter follows the case; a wrong secret finds nothing.
		p, err := w.db.Track(ctx, strings.ToLower(rc.Code), rc.Secret)
		if err != nil || p.Status != shishi.ComplaintReceived || p.Body != body {
			t.Fatalf("track: %+v, %v", p, err)
		}
		if _, err := w.db.Track(ctx, rc.Code, "AAAA-BBBB-CCCC"); code(err) != shishi.ENOTFOUND {
			t.Fatalf("wrong secret: %v", err)
		}
		// Before dispatch the unit concerned does not see the case.
		if _, err := w.db.FindComplaint(zzH, rc.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("unit reads an undispatched case: %v", err)
		}
		if list, total, _ := w.db.FindComplaints(zzOp, shishi.ComplaintFilter{}); total != 0 || len(list) != 0 {
			t.Fatalf("unit lists %d undispatched cases", total)
		}
		c, err := w.db.FindComplaint(desk, rc.ID)
		if err != nil || c.Unit.ID != w.js.ID || c.Desk.ID != w.moe.ID || c.Colour != shishi.ColourGreen || c.DaysLeft != 5 {
			t.Fatalf("desk reads %+v, %v", c, err)
		}
		if strings.Join(c.Can, ",") != "accept,decline,merge,reveal" {
			t.Fatalf("desk can %v", c.Can)
		}
		// Steps out of order, and by the wrong side, are refused.
		// Who may act is checked before when: the desk never signs for a
		// unit; a step of the desk's out of order is a conflict.
		if _, err := w.db.Step(desk, rc.ID, "sign", shishi.StepInput{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("the desk signs: %v", err)
		}
		if _, err := w.db.Step(desk, rc.ID, "reply", shishi.StepInput{Note: "答复"}); code(err) != shishi.ECONFLICT {
			t.Fatalf("reply before dispatch: %v", err)
		}
		if _, err := w.db.Step(desk, rc.ID, "decline", shishi.StepInput{}); code(err) != shishi.EINVALID {
			t.Fatalf("decline without reason: %v", err)
		}
		if _, err := w.db.Step(desk, rc.ID, "fly", shishi.StepInput{}); code(err) != shishi.EINVALID {
			t.Fatalf("unknown action: %v", err)
		}
		w.step(t, w.desk, rc.ID, "accept", shishi.StepInput{})
		if _, err := w.db.Step(desk, rc.ID, "dispatch", shishi.StepInput{UnitID: w.moe.ID}); code(err) != shishi.EINVALID {
			t.Fatalf("dispatch to the desk itself: %v", err)
		}
		w.now = w.now.Add(24 * time.Hour) // Tuesday 3 March
		c = w.step(t, w.desk, rc.ID, "dispatch", shishi.StepInput{UnitID: w.zz.ID, Note: "请核查"})
		// 30 working days from 3 March: 14 April (Qingming, 4–6 April, is off).
		if c.Status != shishi.ComplaintDispatched || c.Deadline != w.cal.Add("2026-03-03", 30) || c.Deadline != "2026-04-15" {
			t.Fatalf("dispatched: %s %s (cal %s)", c.Status, c.Deadline, w.cal.Add("2026-03-03", 30))
		}
		// The desk cannot act for the unit; the unit now sees the case but
		// not the reporter.
		if _, err := w.db.Step(desk, rc.ID, "sign", shishi.StepInput{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("desk signs for the unit: %v", err)
		}
		if c, err := w.db.FindComplaint(zzOp, rc.ID); err != nil || strings.Join(c.Can, ",") != "sign,return,request_extension" {
			t.Fatalf("unit operator: %v %v", c, err)
		}
		if _, err := w.db.RevealReporter(zzH, rc.ID, "核实情况需要"); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("unit reveals without leave: %v", err)
		}
		if _, err := w.db.RevealReporter(desk, rc.ID, "短"); code(err) != shishi.EINVALID {
			t.Fatalf("reveal without a reason: %v", err)
		}
		rep, err := w.db.RevealReporter(desk, rc.ID, "需要电话核实举报细节")
		if err != nil || rep.Name != "王小明" || rep.Phone != "13812345678" {
			t.Fatalf("reveal: %+v %v", rep, err)
		}
		entries, _, err := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Action: "complaint.reveal"})
		if err != nil || len(entries) != 1 || entries[0].ActorLogin != "desk" || strings.Contains(entries[0].Detail, "王小明") {
			t.Fatalf("reveal audit: %+v %v", entries, err)
		}
		// An Open311 key carries only its user's handler grants, in SQL too:
		// the Zhengzhou operator's key reads nothing, the unit handler's does.
		key := func(u *shishi.User) context.Context {
			a := &shishi.Actor{UserID: u.ID, Login: u.Login, UnitID: u.UnitID, TokenScope: "open311"}
			for _, g := range u.Grants {
				if g.Role == shishi.RoleHandler {
					a.Grants = append(a.Grants, g)
				}
			}
			return shishi.WithActor(context.Background(), a)
		}
		if _, n, _ := w.db.FindComplaints(key(w.zzOp), shishi.ComplaintFilter{}); n != 0 {
			t.Fatalf("an operator's Open311 key reads %d cases", n)
		}
		if _, err := w.db.FindComplaint(key(w.zzH), rc.ID); err != nil {
			t.Fatalf("a handler's Open311 key: %v", err)
		}
		if _, err := w.db.FindUnit(key(w.zzOp), w.zz.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("an Open311 key reads units with the operator's grant: %v", err)
		}
		// An extension is asked for before the deadline and approved by the desk.
		w.step(t, w.zzH, rc.ID, "request_extension", shishi.StepInput{Days: 5, Note: "需赴多所学校核查"})
		if _, err := w.db.Step(zzH, rc.ID, "request_extension", shishi.StepInput{Days: 3, Note: "再延"}); code(err) != shishi.ECONFLICT {
			t.Fatalf("second pending request: %v", err)
		}
		if _, err := w.db.Step(zzH, rc.ID, "approve_extension", shishi.StepInput{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("unit approves its own extension: %v", err)
		}
		c = w.step(t, w.desk, rc.ID, "approve_extension", shishi.StepInput{})
		if c.Deadline != w.cal.Add("2026-04-15", 5) || c.Extension != nil {
			t.Fatalf("extended deadline %s, pending %v", c.Deadline, c.Extension)
		}
		w.step(t, w.zzH, rc.ID, "sign", shishi.StepInput{})
		if _, err := w.db.Step(zzH, rc.ID, "conclude", shishi.StepInput{Conclusion: "maybe", Note: "x"}); code(err) != shishi.EINVALID {
			t.Fatalf("bad conclusion: %v", err)
		}
		c = w.step(t, w.zzH, rc.ID, "conclude", shishi.StepInput{Conclusion: shishi.ConclusionTrue, Note: "经核查，绩效工资确有拖欠"})
		if c.Status != shishi.ComplaintRectifying {
			t.Fatalf("after a true conclusion: %s", c.Status)
		}
		w.now = w.now.Add(10 * 24 * time.Hour)
		c = w.step(t, w.zzOp, rc.ID, "rectify", shishi.StepInput{Note: "已补发拖欠的绩效工资"})
		if c.Status != shishi.ComplaintConcluded || c.OnTime == nil || !*c.OnTime {
			t.Fatalf("rectified: %s on time %v", c.Status, c.OnTime)
		}
		w.step(t, w.desk, rc.ID, "reply", shishi.StepInput{Note: "经核查属实，已督促补发。"})
		// The reporter rates; a staff member cannot.
		if _, err := w.db.Step(desk, rc.ID, "rate", shishi.StepInput{Rating: shishi.RatingSatisfied}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("staff rates: %v", err)
		}
		if _, err := w.db.ReporterStep(ctx, rc.Code, "WRONG", "rate", shishi.StepInput{Rating: shishi.RatingSatisfied}); code(err) != shishi.ENOTFOUND {
			t.Fatalf("rate with a wrong secret: %v", err)
		}
		p, err = w.db.ReporterStep(ctx, rc.Code, rc.Secret, "rate", shishi.StepInput{Rating: shishi.RatingDissatisfied, Note: "只补发了一部分"})
		if err != nil || p.Status != shishi.ComplaintClosed || !p.CanReopen || p.Reply == "" {
			t.Fatalf("rated: %+v %v", p, err)
		}
		p, err = w.db.ReporterStep(ctx, rc.Code, rc.Secret, "reopen", shishi.StepInput{Note: "仍有两个月未发"})
		if err != nil || p.Status != shishi.ComplaintAccepted {
			t.Fatalf("reopen: %+v %v", p, err)
		}
		// The second round ends satisfied; a second reopening is refused.
		w.step(t, w.desk, rc.ID, "dispatch", shishi.StepInput{UnitID: w.zz.ID})
		w.step(t, w.zzH, rc.ID, "sign", shishi.StepInput{})
		w.step(t, w.zzH, rc.ID, "conclude", shishi.StepInput{Conclusion: shishi.ConclusionPartial, Note: "部分属实"})
		w.step(t, w.zzH, rc.ID, "rectify", shishi.StepInput{Note: "已全部补发"})
		w.step(t, w.desk, rc.ID, "reply", shishi.StepInput{Note: "已全部补发。"})
		if _, err := w.db.ReporterStep(ctx, rc.Code, rc.Secret, "rate", shishi.StepInput{Rating: shishi.RatingDissatisfied}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.ReporterStep(ctx, rc.Code, rc.Secret, "reopen", shishi.StepInput{Note: "again"}); code(err) != shishi.ECONFLICT {
			t.Fatalf("second reopen: %v", err)
		}
		// The public timeline hides staff logins and internal steps.
		p, _ = w.db.Track(ctx, rc.Code, rc.Secret)
		for _, e := range p.Events {
			if !e.Public || e.Action == "reveal" || e.Action == "request_extension" || (e.Actor != "" && e.Actor != "举报人 / reporter") {
				t.Fatalf("public timeline shows %+v", e)
			}
		}
		evs, _, err := w.db.ComplaintEvents(desk, rc.ID, shishi.Page{})
		if err != nil || len(evs) <= len(p.Events) {
			t.Fatalf("staff timeline %d events, public %d: %v", len(evs), len(p.Events), err)
		}
	})
}

// TestComplaintForward: the national desk forwards a case to a province's
// desk, whose handler dispatches it on; the national desk still sees it.
func TestComplaintForward(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		haH, err := w.db.CreateUser(w.sys, shishi.UserInput{Login: "ha-h", Name: "ha-h", UnitID: w.ha.ID, Password: pw, Grants: []shishi.Grant{{Role: shishi.RoleHandler}}})
		if err != nil {
			t.Fatal(err)
		}
		rc, err := w.db.Submit(context.Background(), shishi.ComplaintInput{Category: "teacher-pay", UnitID: w.ly.ID, Anonymous: true,
			Body: "洛阳市某县教师绩效工资低于公务员水平，已有半年。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.FindComplaint(w.as(t, haH), rc.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("the province sees a case still at the national desk: %v", err)
		}
		w.step(t, w.desk, rc.ID, "accept", shishi.StepInput{})
		if _, err := w.db.Step(w.as(t, w.desk), rc.ID, "forward", shishi.StepInput{UnitID: w.moe.ID}); code(err) != shishi.EINVALID {
			t.Fatalf("forward to itself: %v", err)
		}
		c := w.step(t, w.desk, rc.ID, "forward", shishi.StepInput{UnitID: w.ha.ID})
		if c.Desk.ID != w.ha.ID || c.Status != shishi.ComplaintAccepted {
			t.Fatalf("forwarded: desk %v status %s", c.Desk, c.Status)
		}
		// Henan dispatches to Luoyang; the ministry watches but Zhengzhou never sees it.
		c = w.step(t, haH, rc.ID, "dispatch", shishi.StepInput{UnitID: w.ly.ID})
		if c.Assigned == nil || c.Assigned.ID != w.ly.ID {
			t.Fatalf("dispatched to %v", c.Assigned)
		}
		if _, err := w.db.FindComplaint(w.as(t, w.desk), rc.ID); err != nil {
			t.Fatalf("national desk lost sight: %v", err)
		}
		if _, err := w.db.FindComplaint(w.as(t, w.zzH), rc.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("another city reads it: %v", err)
		}
	})
}

func TestComplaintDeadlinesAndSweep(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		desk := w.as(t, w.desk)
		rc, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "admissions", UnitID: w.zz.ID, Anonymous: true,
			Body: "郑州市某中学招生中违规收取择校费，每人两万元。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.step(t, w.desk, rc.ID, "accept", shishi.StepInput{})
		c := w.step(t, w.desk, rc.ID, "dispatch", shishi.StepInput{UnitID: w.zz.ID})
		// admissions: 10 working days, yellow with 2 or fewer left.
		if c.Deadline != "2026-03-16" || c.Colour != shishi.ColourGreen {
			t.Fatalf("deadline %s colour %s", c.Deadline, c.Colour)
		}
		count := func(col shishi.Colour) int {
			_, n, err := w.db.FindComplaints(desk, shishi.ComplaintFilter{Colour: col})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n, _ := w.db.SweepComplaints(ctx); n != 0 {
			t.Fatalf("green case: %d notices", n)
		}
		// Thursday 12 March: 2 working days left (13, 16) → yellow; a reminder, once.
		w.now = time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC)
		if c, _ := w.db.FindComplaint(desk, rc.ID); c.Colour != shishi.ColourYellow || c.DaysLeft != 2 || count(shishi.ColourYellow) != 1 || count(shishi.ColourGreen) != 0 {
			t.Fatalf("12 March: %s %d", c.Colour, c.DaysLeft)
		}
		if n, err := w.db.SweepComplaints(ctx); err != nil || n != 2 { // zz-h and zz-op
			t.Fatalf("reminders: %d %v", n, err)
		}
		if n, _ := w.db.SweepComplaints(ctx); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
		// Tuesday 17 March: overdue → red, escalated to Henan and the desk, once.
		w.now = time.Date(2026, 3, 17, 2, 0, 0, 0, time.UTC)
		if c, _ := w.db.FindComplaint(desk, rc.ID); c.Colour != shishi.ColourRed || c.DaysLeft != -1 || count(shishi.ColourRed) != 1 {
			t.Fatalf("17 March: %s %d", c.Colour, c.DaysLeft)
		}
		if _, err := w.db.Step(w.as(t, w.zzH), rc.ID, "request_extension", shishi.StepInput{Days: 3, Note: "来不及"}); code(err) != shishi.ECONFLICT {
			t.Fatalf("extension after the deadline: %v", err)
		}
		if n, err := w.db.SweepComplaints(ctx); err != nil || n != 2 { // ha-op and the desk
			t.Fatalf("escalation: %d %v", n, err)
		}
		notes, _, _, err := w.db.FindNotices(w.as(t, w.haOp), shishi.Page{Limit: 10})
		if err != nil || len(notes) != 1 || notes[0].ComplaintID != rc.ID || !strings.Contains(notes[0].Text, "超期") {
			t.Fatalf("parent unit notices: %+v %v", notes, err)
		}
		if c, _ := w.db.FindComplaint(desk, rc.ID); c.EscalatedAt == nil {
			t.Fatal("escalation not recorded")
		}
		if n, _ := w.db.SweepComplaints(ctx); n != 0 {
			t.Fatalf("escalated twice: %d", n)
		}
		w.step(t, w.zzH, rc.ID, "sign", shishi.StepInput{})
		c = w.step(t, w.zzH, rc.ID, "conclude", shishi.StepInput{Conclusion: shishi.ConclusionFalse, Note: "经查不属实"})
		if c.Status != shishi.ComplaintConcluded || c.OnTime == nil || *c.OnTime {
			t.Fatalf("late conclusion: %s %v", c.Status, c.OnTime)
		}
		// The league table counts it as late and unsubstantiated.
		st, err := w.db.Stats(desk, "2026-03-01", "2026-03-31")
		if err != nil || len(st.Units) != 1 {
			t.Fatalf("stats %+v %v", st, err)
		}
		u := st.Units[0]
		if u.Unit.ID != w.zz.ID || u.Total != 1 || u.Concluded != 1 || u.OnTime != 0 || *u.OnTimeRate != 0 || *u.SubstantiatedRate != 0 ||
			u.ReplyRate == nil || *u.ReplyRate != 0 || u.SatisfactionRate != nil || len(u.Below) != 2 {
			t.Fatalf("unit stats %+v", u)
		}
		if _, err := w.db.Stats(desk, "2026-03-31", "2026-03-01"); code(err) != shishi.EINVALID {
			t.Fatalf("reversed period: %v", err)
		}
	})
}

func TestComplaintBadInputAndDuplicates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		desk := w.as(t, w.desk)
		bad := []struct {
			in    shishi.ComplaintInput
			field string
		}{
			{shishi.ComplaintInput{UnitID: w.zz.ID, Body: "一段足够长的举报内容文字", Anonymous: true}, "category"},
			{shishi.ComplaintInput{Category: "nope", UnitID: w.zz.ID, Body: "一段足够长的举报内容文字", Anonymous: true}, "category"},
			{shishi.ComplaintInput{Category: "fees", Body: "一段足够长的举报内容文字", Anonymous: true}, "unit_id"},
			{shishi.ComplaintInput{Category: "fees", UnitID: 99999, Body: "一段足够长的举报内容文字", Anonymous: true}, "unit_id"},
			{shishi.ComplaintInput{Category: "fees", Place: "教育", Body: "一段足够长的举报内容文字", Anonymous: true}, "place"},
			{shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Body: "太短", Anonymous: true}, "body"},
			{shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Body: "一段足够长的举报内容文字"}, "reporter"},
			{shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Body: "一段足够长的举报内容文字", Reporter: shishi.Reporter{Phone: "call me"}}, "reporter.phone"},
			{shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Body: "一段足够长的举报内容\x00文字", Anonymous: true}, "body"},
		}
		for i, b := range bad {
			_, err := w.db.Submit(ctx, b.in, nil)
			fs := shishi.ErrorFields(err)
			if code(err) != shishi.EINVALID || len(fs) == 0 || fs[0].Field != b.field {
				t.Errorf("case %d: %v (fields %+v), want %s", i, err, fs, b.field)
			}
		}
		if _, n, _ := w.db.FindComplaints(desk, shishi.ComplaintFilter{}); n != 0 {
			t.Fatalf("bad input stored %d cases", n)
		}
		first, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitID: w.js.ID, Anonymous: true,
			Body: "金水区实验小学以资料费名义向每名学生收取300元，没有开具任何票据。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		second, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitID: w.js.ID, Anonymous: true,
			Body: "金水区实验小学向每名学生收取资料费300元，不开票据。"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "fees", UnitID: w.js.ID, Anonymous: true,
			Body: "某培训机构周末违规开展学科类培训，地点在商场五楼。"}, nil); err != nil {
			t.Fatal(err)
		}
		dups, err := w.db.Duplicates(desk, second.ID)
		if err != nil || len(dups) != 1 || dups[0].ID != first.ID {
			t.Fatalf("duplicates %+v %v", dups, err)
		}
		if _, err := w.db.Step(desk, second.ID, "merge", shishi.StepInput{Into: second.Code}); code(err) != shishi.EINVALID {
			t.Fatalf("merge into itself: %v", err)
		}
		c := w.step(t, w.desk, second.ID, "merge", shishi.StepInput{Into: first.Code})
		if c.Status != shishi.ComplaintMerged || c.MergedInto != first.Code {
			t.Fatalf("merged %+v", c)
		}
		if p, _ := w.db.Track(ctx, second.Code, second.Secret); p.MergedInto != first.Code || p.Status != shishi.ComplaintMerged {
			t.Fatalf("reporter of the duplicate sees %+v", p)
		}
		// Categories and floors are the desk's to set, within bounds.
		if _, err := w.db.SaveCategory(w.as(t, w.zzH), shishi.ComplaintCategory{Code: "fees", Name: "乱收费", AcceptDays: 3, Days: 15, ReplyDays: 5, WarnDays: 3, Active: true}, 0); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("unit handler edits a category: %v", err)
		}
		if _, err := w.db.SaveCategory(desk, shishi.ComplaintCategory{Code: "fees", Name: "乱收费", AcceptDays: 3, Days: 2, ReplyDays: 5, WarnDays: 3, Active: true}, 0); code(err) != shishi.EINVALID {
			t.Fatalf("warn days above the deadline: %v", err)
		}
		if err := w.db.SaveFloors(desk, shishi.ComplaintFloors{OnTime: 90, Reply: 101, Satisfaction: 85}, 0); code(err) != shishi.EINVALID {
			t.Fatalf("floor above 100: %v", err)
		}
		if err := w.db.SaveFloors(desk, shishi.ComplaintFloors{OnTime: 92, Reply: 100, Satisfaction: 88}, 0); err != nil {
			t.Fatal(err)
		}
		if f, _ := w.db.Floors(ctx); f.OnTime != 92 || f.Satisfaction != 88 {
			t.Fatalf("floors %+v", f)
		}
	})
}

func TestComplaintRekey(t *testing.T) {
	dsn := testdb.SQLite(t)
	k1 := secret.NewKeyringText("k1")
	openWith := func(text string) *sqlstore.DB {
		db := openKeys(t, dsn, text)
		cal, _ := workday.New(nil)
		db.Calendar = cal
		return db
	}
	sys := shishi.WithActor(context.Background(), shishi.SystemActor())
	db := openWith(k1)
	moe, err := db.CreateUnit(sys, shishi.UnitInput{Code: "moe", Name: "教育部", Kind: shishi.UnitMinistry})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := db.Submit(context.Background(), shishi.ComplaintInput{Category: "other", UnitID: moe.ID,
		Body: "举报人实名反映的其他问题，内容足够长。", Reporter: shishi.Reporter{Name: "李四", Email: "lisi@example.cn"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A new key goes first; the old one stays to open what it sealed.
	k2 := strings.SplitN(secret.NewKeyringText("k2"), "\n", 2)[1]
	db2 := openWith(k2 + k1)
	if n, err := db2.Rekey(context.Background()); err != nil || n != 1 {
		t.Fatalf("rekey: %d %v", n, err)
	}
	if n, _ := db2.Rekey(context.Background()); n != 0 {
		t.Fatalf("second rekey re-sealed %d", n)
	}
	var sealed string
	if err := db2.SQL().QueryRow(`SELECT reporter_sealed FROM complaints WHERE id = $1`, rc.ID).Scan(&sealed); err != nil || !strings.HasPrefix(sealed, "k2:") {
		t.Fatalf("sealed with %q, %v", sealed[:3], err)
	}
	if rep, err := db2.RevealReporter(sys, rc.ID, "密钥轮换后核对"); err != nil || rep.Name != "李四" || rep.Email != "lisi@example.cn" {
		t.Fatalf("reveal after rekey: %+v %v", rep, err)
	}
}

// TestComplaintPurge: the identity of a reporter whose case ended before
// the retention cut-off is deleted, audited; open cases keep theirs.
func TestComplaintPurge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		named := shishi.Reporter{Name: "到期删除", Phone: "13600002222"}
		done, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "other", UnitID: w.zz.ID, Body: "一件早已办结的实名举报，内容足够长。", Reporter: named}, nil)
		if err != nil {
			t.Fatal(err)
		}
		open, err := w.db.Submit(ctx, shishi.ComplaintInput{Category: "other", UnitID: w.zz.ID, Body: "一件仍在办理的实名举报，内容足够长。", Reporter: named}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.step(t, w.desk, done.ID, "decline", shishi.StepInput{Note: "不属于受理范围"})
		cut := w.now.Add(time.Hour)
		w.now = w.now.AddDate(3, 0, 1)
		if n, err := w.db.PurgeReporters(ctx, w.now.AddDate(-3, 0, 0)); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if n, _ := w.db.PurgeReporters(ctx, cut); n != 0 {
			t.Fatalf("purged twice: %d", n)
		}
		desk := w.as(t, w.desk)
		if _, err := w.db.RevealReporter(desk, done.ID, "复核需要联系举报人"); code(err) != shishi.ENOTFOUND || !strings.Contains(shishi.ErrorMessage(err), "删除") {
			t.Fatalf("reveal after purge: %v", err)
		}
		if rep, err := w.db.RevealReporter(desk, open.ID, "核实需要联系举报人"); err != nil || rep.Name != named.Name {
			t.Fatalf("the open case lost its reporter: %v %v", rep, err)
		}
		es, _, err := w.db.FindAudit(w.as(t, w.au), shishi.AuditFilter{Action: "complaint.purge_reporters"})
		if err != nil || len(es) != 1 || !strings.Contains(es[0].Detail, done.Code) || strings.Contains(es[0].Detail, named.Name) {
			t.Fatalf("purge audit: %+v %v", es, err)
		}
	})
}

// TestComplaintGroupCommit: 64 clients submit at once; the writer commits
// many per transaction, a bad submission fails alone, and every
// acknowledged one is stored with its timeline and audit entry.
func TestComplaintGroupCommit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		// The desk's handler takes complaint notices by mail; a webhook of
		// Zhengzhou's wants every complaint event: each acknowledged
		// submission queues one mail and one delivery with its batch.
		w.db.MailEnabled = true
		if _, err := w.db.SQL().Exec(`UPDATE users SET email = 'desk@jyt.example.cn', mail_kinds = 'complaint' WHERE id = $1`, w.desk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.CreateWebhook(w.as(t, w.haAdmin), shishi.WebhookInput{UnitID: w.zz.ID, URL: "https://hooks.example.org/x", Events: []string{"complaint.*"}}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		biggest, batches := 0, 0
		w.db.OnBatch = func(size, committed int) {
			mu.Lock()
			defer mu.Unlock()
			biggest, batches = max(biggest, size), batches+1
		}
		const clients, each = 64, 5
		var wg sync.WaitGroup
		var okN, badN atomic.Int64
		errs := make(chan error, clients*each)
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					unit := w.zz.ID
					if i == 2 && c%8 == 0 {
						unit = 999999 // no such unit: refused alone
					}
					var files []*shishi.Attachment
					if c%4 == 0 { // with a file: under a savepoint
						files = []*shishi.Attachment{{Hash: strings.Repeat("ab", 32), Name: "收据.pdf", Mime: "application/pdf", Size: 1024}}
					}
					_, err := w.db.Submit(context.Background(), shishi.ComplaintInput{Category: "fees", UnitID: unit, Anonymous: true,
						Body: fmt.Sprintf("并发提交测试 %d-%d：某校违规收费。", c, i)}, files)
					switch {
					case err == nil:
						okN.Add(1)
					case code(err) == shishi.EINVALID && unit != w.zz.ID:
						badN.Add(1)
					default:
						errs <- err
					}
				}
			}(c)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("submission failed: %v", err)
		}
		if okN.Load() != clients*each-clients/8 || badN.Load() != clients/8 {
			t.Fatalf("%d acknowledged, %d refused", okN.Load(), badN.Load())
		}
		var stored, events int
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaints`).Scan(&stored)
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaint_events WHERE action = 'submit'`).Scan(&events)
		if int64(stored) != okN.Load() || events != stored {
			t.Fatalf("stored %d cases with %d submit events; %d acknowledged", stored, events, okN.Load())
		}
		var notices, mails, deliveries, audited, filed int
		w.db.SQL().QueryRow(`SELECT count(*) FROM notices WHERE kind = 'complaint' AND user_id = $1`, w.desk.ID).Scan(&notices)
		w.db.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE kind = $1`, string(shishi.JobMail)).Scan(&mails)
		w.db.SQL().QueryRow(`SELECT count(*) FROM webhook_deliveries WHERE event = 'complaint.submit'`).Scan(&deliveries)
		w.db.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'complaint.submit'`).Scan(&audited)
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaint_files`).Scan(&filed)
		if notices != stored || mails != stored || deliveries != stored || audited != stored || filed != (clients/4)*each-clients/8 {
			t.Fatalf("%d cases: %d desk notices, %d mail jobs, %d webhook deliveries, %d audit entries, %d files", stored, notices, mails, deliveries, audited, filed)
		}
		// Each mail job names a notice of the desk's.
		var orphans int
		w.db.SQL().QueryRow(`SELECT count(*) FROM notices n WHERE n.user_id = $1 AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = $2 AND j.payload = '{"notice":' || n.id || '}')`,
			w.desk.ID, string(shishi.JobMail)).Scan(&orphans)
		if orphans != 0 {
			t.Fatalf("%d desk notices without their mail job", orphans)
		}
		if b, _, err := w.db.VerifyAudit(context.Background()); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
		if biggest < 2 || batches >= int(okN.Load()+badN.Load()) {
			t.Fatalf("no group commit: %d batches, the biggest of %d", batches, biggest)
		}
		t.Logf("%d submissions in %d transactions (largest %d)", okN.Load()+badN.Load(), batches, biggest)
	})
}

// TestComplaintCodeTaken draws tracking codes that are already taken. A
// first submission's draw holds the writer inside its batch while the next
// batch queues in a known order; then the draws give a taken code so many
// times. The writer draws again within one batch's multi-row INSERTs and
// for a case with files under its savepoint; a case that finds no free
// code in five draws is refused alone, its batch's others committed, and
// leaves no row.
func TestComplaintCodeTaken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		n := 0
		in := func() shishi.ComplaintInput {
			n++
			return shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Anonymous: true, Body: fmt.Sprintf("重号测试第 %d 件：某校违规收费。", n)}
		}
		first, err := w.db.Submit(ctx, in(), nil)
		if err != nil {
			t.Fatal(err)
		}
		type batch struct{ size, committed int }
		var bmu sync.Mutex
		var batches []batch
		w.db.OnBatch = func(size, committed int) {
			bmu.Lock()
			defer bmu.Unlock()
			batches = append(batches, batch{size, committed})
		}
		// The draw: the held one waits for its release and gives a
		// fresh code; after it, the first `collide` draws give the first
		// case's code.
		var dmu sync.Mutex
		var hold chan struct{}
		entered := make(chan struct{}, 1)
		collide, draws := 0, 0
		fresh := func() (string, string) {
			draws++
			return fmt.Sprintf("JBT%07d", draws), fmt.Sprintf("SSSS-TTTT-%04d", draws)
		}
		restore := sqlstore.DrawTracking(func(string) (string, string) {
			dmu.Lock()
			h := hold
			hold = nil
			dmu.Unlock()
			if h != nil {
				entered <- struct{}{}
				<-h
			}
			dmu.Lock()
			defer dmu.Unlock()
			if h == nil && collide > 0 {
				collide--
				return first.Code, "AAAA-BBBB-CCCC"
			}
			return fresh()
		})
		defer restore()
		type result struct {
			rc  *shishi.Receipt
			err error
		}
		submit := func(files bool) chan result {
			var fs []*shishi.Attachment
			if files {
				fs = []*shishi.Attachment{{Hash: strings.Repeat("cd", 32), Name: "a.pdf", Mime: "application/pdf", Size: 10}}
			}
			x, ch := in(), make(chan result, 1)
			go func() {
				rc, err := w.db.Submit(ctx, x, fs)
				ch <- result{rc, err}
			}()
			return ch
		}
		// round queues subs (with files or not) in order behind a held
		// batch, then lets the writer go with collide taken codes ahead.
		round := func(collideN int, subs ...bool) []result {
			t.Helper()
			dmu.Lock()
			h := make(chan struct{})
			hold = h
			dmu.Unlock()
			release := releaseOnce(t, h)
			held := submit(false)
			awaitHeld(t, entered)
			chans := make([]chan result, len(subs))
			for i, files := range subs {
				chans[i] = submit(files)
				awaitQueued(t, w.db, i+1)
			}
			dmu.Lock()
			collide = collideN
			dmu.Unlock()
			release()
			if r := <-held; r.err != nil {
				t.Fatalf("the held submission: %v", r.err)
			}
			out := make([]result, len(subs))
			for i, ch := range chans {
				out[i] = <-ch
			}
			bmu.Lock()
			defer bmu.Unlock()
			if last := batches[len(batches)-1]; last.size != len(subs) {
				t.Fatalf("the queued submissions were written in a batch of %d, want %d", last.size, len(subs))
			}
			return out
		}
		seen := map[string]bool{first.Code: true}
		ok := func(rs []result) {
			t.Helper()
			for i, r := range rs {
				if r.err != nil {
					t.Fatalf("submission %d: %v", i, r.err)
				}
				if seen[r.rc.Code] {
					t.Fatalf("code %s given twice", r.rc.Code)
				}
				seen[r.rc.Code] = true
				if p, err := w.db.Track(ctx, r.rc.Code, r.rc.Secret); err != nil || p.Code != r.rc.Code {
					t.Fatalf("tracking %s: %+v %v", r.rc.Code, p, err)
				}
			}
		}
		// Ten cases in one multi-row INSERT, twelve taken codes: all
		// ten drawn again, then two of them once more.
		ok(round(12, false, false, false, false, false, false, false, false, false, false))
		// A case with files draws again under its savepoint.
		ok(round(2, true, false, false))
		// A case with files meets five taken codes: refused alone, its
		// batch's three others committed.
		rs := round(5, true, false, false, false)
		if code(rs[0].err) != shishi.EINTERNAL {
			t.Fatalf("a case with no free code: %+v %v", rs[0].rc, rs[0].err)
		}
		ok(rs[1:])
		if b := batches[len(batches)-1]; b.committed != 3 {
			t.Fatalf("batch %+v, want 3 committed", b)
		}
		if p, err := w.db.Track(ctx, first.Code, first.Secret); err != nil || p.Code != first.Code {
			t.Fatalf("the first case after the collisions: %+v %v", p, err)
		}
		// A case without files that never finds a free code.
		dmu.Lock()
		collide = 1 << 30
		dmu.Unlock()
		if _, err := w.db.Submit(ctx, in(), nil); code(err) != shishi.EINTERNAL {
			t.Fatalf("no free code: %v", err)
		}
		// 1 + (1 + 10) + (1 + 3) + (1 + 3) cases, one of them with a file.
		const want = 20
		var cases, events, audited, notices, files int
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaints`).Scan(&cases)
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaint_events WHERE action = 'submit'`).Scan(&events)
		w.db.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'complaint.submit'`).Scan(&audited)
		w.db.SQL().QueryRow(`SELECT count(*) FROM notices WHERE kind = 'complaint' AND user_id = $1`, w.desk.ID).Scan(&notices)
		w.db.SQL().QueryRow(`SELECT count(*) FROM complaint_files`).Scan(&files)
		if cases != want || events != want || audited != want || notices != want || files != 1 {
			t.Fatalf("%d cases, %d submit events, %d audit entries, %d desk notices, %d files; want %d each and 1 file", cases, events, audited, notices, files, want)
		}
		if b, _, err := w.db.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain: %+v %v", b, err)
		}
	})
}

// The tests that hold the submission writer inside a draw of tracking
// codes (TestComplaintCodeTaken, TestComplaintBatchCodes) share these.

// releaseOnce returns what lets a writer held on h go: once, and at the
// test's end too, so that a failed round never leaves it held (closing
// the store would then wait for ever).
func releaseOnce(t *testing.T, h chan struct{}) func() {
	var once sync.Once
	release := func() { once.Do(func() { close(h) }) }
	t.Cleanup(release)
	return release
}

// awaitHeld waits until the held submission has reached its draw.
func awaitHeld(t *testing.T, entered <-chan struct{}) {
	t.Helper()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the held submission never reached its draw")
	}
}

// awaitQueued waits until n submissions wait for the writer.
func awaitQueued(t *testing.T, db *sqlstore.DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); sqlstore.Queued(db) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d submissions queued", sqlstore.Queued(db), n)
		}
	}
}

// trackingCode is a tracking code's form: JB and 8 characters of
// Crockford's base32 without I, L, O and U.
var trackingCode = regexp.MustCompile(`^JB[0-9A-HJKMNP-TV-Z]{8}$`)

// TestComplaintBatchCodes: the cases of one batch get codes that begin
// alike (JB and three characters), so that they land together in the
// codes' index; the rest of each code is its own, and each batch draws
// its characters anew. In each of three rounds a first submission's draw
// holds the writer while six more queue into one batch.
func TestComplaintBatchCodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newComplaintWorld(t, dsn)
		ctx := context.Background()
		var mu sync.Mutex
		var hold, entered chan struct{} // set for a round: its first draw waits
		draws := map[string]int{}       // the shared characters each draw was given
		restore := sqlstore.DrawTracking(func(shared string) (string, string) {
			mu.Lock()
			h, e := hold, entered
			hold = nil
			draws[shared]++
			mu.Unlock()
			if h != nil {
				close(e)
				<-h
			}
			return sqlstore.NewTracking(shared)
		})
		defer restore()
		n := 0
		submit := func() chan *shishi.Receipt {
			n++
			in, ch := shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Anonymous: true,
				Body: fmt.Sprintf("查询码测试第 %d 件：某校违规收费。", n)}, make(chan *shishi.Receipt, 1)
			go func() {
				rc, err := w.db.Submit(ctx, in, nil)
				if err != nil {
					t.Errorf("submission %q: %v", in.Body, err)
				}
				ch <- rc
			}()
			return ch
		}
		const queued, rounds = 6, 3
		codes := map[string]bool{}
		var prefixes []string
		for round := 0; round < rounds; round++ {
			h, e := make(chan struct{}), make(chan struct{})
			release := releaseOnce(t, h)
			mu.Lock()
			hold, entered = h, e
			mu.Unlock()
			firstCh := submit()
			awaitHeld(t, e)
			chans := make([]chan *shishi.Receipt, queued)
			for i := range chans {
				chans[i] = submit()
			}
			awaitQueued(t, w.db, queued)
			release()
			if rc := <-firstCh; rc == nil || !trackingCode.MatchString(rc.Code) {
				t.Fatalf("round %d: the held submission's receipt %+v", round, rc)
			}
			var prefix string
			for i, ch := range chans {
				rc := <-ch
				if rc == nil {
					t.FailNow()
				}
				if !trackingCode.MatchString(rc.Code) || codes[rc.Code] {
					t.Fatalf("round %d: code %q malformed or given twice", round, rc.Code)
				}
				codes[rc.Code] = true
				if i == 0 {
					prefix = rc.Code[:5]
				} else if rc.Code[:5] != prefix {
					t.Fatalf("round %d: one batch's codes begin %q and %q", round, prefix, rc.Code[:5])
				}
				if got, err := w.db.Track(ctx, rc.Code, rc.Secret); err != nil || got.Code != rc.Code {
					t.Fatalf("the reporter's view of %s: %+v %v", rc.Code, got, err)
				}
			}
			prefixes = append(prefixes, prefix)
		}
		// Each batch drew its own characters: three batches of six with
		// one prefix would be chance once in a billion.
		if prefixes[0] == prefixes[1] && prefixes[1] == prefixes[2] {
			t.Fatalf("three batches' codes all begin %q", prefixes[0])
		}
		total := 0
		for _, k := range draws {
			total += k
		}
		if total != rounds*(queued+1) {
			t.Fatalf("%d codes drawn for %d cases: %v", total, rounds*(queued+1), draws)
		}
	})
}
