package sqlstore_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// svcWorld is the supervision world (a Henan office, the clock before
// National Day 2021) plus an operator of 金水区 who applies, and five
// experts: from Luoyang, Beijing and the ministry (no conflict), one from
// 金水区 itself (same unit as the applicant) and one from Luoyang who
// declared a conflict with 郑州 (above the applicant).
type svcWorld struct {
	*supWorld
	jsOp                   *shishi.User
	jc                     context.Context
	experts                []*shishi.User // r1 ly, r2 bj, r3 moe, r4 js (same unit), r5 ly (declared conflict with zz)
	acceptors              []*shishi.User
	svc                    *shishi.Service
	pool, acceptPool       *shishi.Pool
	ly2, bj2               *shishi.User
	conflictOwn, conflictD *shishi.User
}

func f64(f float64) *float64 { return &f }

// researchFields is version 1 of the research project form: every field
// type, with limits.
func researchFields() []shishi.FormField {
	return []shishi.FormField{
		{Key: "summary", Label: "项目摘要", Type: shishi.FormText, Required: true, MaxLength: 200, Help: "不超过200字"},
		{Key: "budget", Label: "申请经费（万元）", Type: shishi.FormNumber, Required: true, Min: f64(0), Max: f64(50)},
		{Key: "start", Label: "开始日期", Type: shishi.FormDate, Required: true},
		{Key: "discipline", Label: "学科", Type: shishi.FormChoice, Required: true, Options: []string{"教育学", "心理学", "体育学"}},
		{Key: "keywords", Label: "关键词", Type: shishi.FormMulti, Options: []string{"课后服务", "双减", "劳动教育", "体质健康"}, MaxItems: 3},
		{Key: "plan", Label: "申报书", Type: shishi.FormFile, Required: true, MaxItems: 2},
		{Key: "members", Label: "课题组成员", Type: shishi.FormTable, Required: true, MaxItems: 10, Columns: []shishi.FormField{
			{Key: "name", Label: "姓名", Type: shishi.FormText, Required: true, MaxLength: 20},
			{Key: "role", Label: "分工", Type: shishi.FormChoice, Required: true, Options: []string{"主持人", "成员"}},
		}},
	}
}

const planHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func goodAnswers() json.RawMessage {
	return json.RawMessage(`{"summary":"课后服务质量评价研究","budget":"12.5","start":"2021-10-08","discipline":"教育学","keywords":["课后服务","双减"],
		"plan":[{"name":"申报书.pdf","sha256":"` + planHash + `","size":1024}],
		"members":[{"name":"王芳","role":"主持人"},{"name":"李强","role":"成员"}]}`)
}

func newSvcWorld(t *testing.T, dsn string) *svcWorld {
	t.Helper()
	w := &svcWorld{supWorld: newSupWorld(t, dsn)}
	mk := func(login string, u *shishi.Unit, roles ...shishi.Role) *shishi.User {
		return w.mkUser(t, login, u, roles...)
	}
	w.jsOp = mk("js-op", w.js, shishi.RoleOperator)
	w.jc = w.as(t, w.jsOp)
	// The operator uploaded the plan that goodAnswers names.
	if err := w.db.RecordUpload(w.jc, shishi.FileAnswer{Name: "申报书.pdf", SHA256: planHash, Size: 1024}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		login string
		unit  *shishi.Unit
	}{{"r1-ly", w.ly}, {"r2-bj", w.bj}, {"r3-moe", w.moe}, {"r4-js", w.js}, {"r5-ly", w.ly}} {
		w.experts = append(w.experts, mk(e.login, e.unit, shishi.RoleReviewer))
	}
	w.acceptors = []*shishi.User{mk("a1-bj", w.bj, shishi.RoleReviewer), mk("a2-moe", w.moe, shishi.RoleReviewer)}
	var err error
	w.svc, err = w.db.CreateService(w.oc, shishi.ServiceInput{Code: "research", Name: "科研项目申报", Applicants: shishi.ApplicantsUnits,
		OwnerUnitID: w.ha.ID, Fields: researchFields(),
		Workflow: shishi.Workflow{
			{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 5},
			{Kind: shishi.StepReview, Role: shishi.RoleOffice, Days: 10, Reviewers: 3},
			{Kind: shishi.StepDecision, Role: shishi.RoleOffice, Days: 5},
			{Kind: shishi.StepAcceptance, Role: shishi.RoleOffice, Days: 20, Reviewers: 2},
		},
		Rubric: shishi.Rubric{{Key: "innovation", Label: "创新性", Weight: 40, Max: 10}, {Key: "feasibility", Label: "可行性", Weight: 30, Max: 10},
			{Key: "value", Label: "应用价值", Weight: 30, Max: 10}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var members []shishi.PoolMemberInput
	for i, e := range w.experts {
		m := shishi.PoolMemberInput{UserID: e.ID}
		if i == 4 {
			m.ConflictUnitIDs = []int64{w.zz.ID}
		}
		members = append(members, m)
	}
	if w.pool, err = w.db.CreatePool(w.oc, shishi.PoolInput{OwnerUnitID: w.ha.ID, Name: "教育科研评审专家库", Members: members}); err != nil {
		t.Fatal(err)
	}
	if w.acceptPool, err = w.db.CreatePool(w.oc, shishi.PoolInput{OwnerUnitID: w.ha.ID, Name: "验收专家组",
		Members: []shishi.PoolMemberInput{{UserID: w.acceptors[0].ID}, {UserID: w.acceptors[1].ID}}}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *svcWorld) submit(t *testing.T, title string) *shishi.Application {
	t.Helper()
	x, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: title, Answers: goodAnswers(), Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func (w *svcWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.db.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *svcWorld) act(t *testing.T, ctx context.Context, id int64, action string, in shishi.AppAction) *shishi.Application {
	t.Helper()
	x, err := w.db.ActOnApplication(ctx, id, action, in)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return x
}

// TestResearchProjectEndToEnd (acceptance a): a unit submits a research
// project, three reviewers without conflicts score it, the office
// decides, and an acceptance review closes it.
func TestResearchProjectEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		x := w.submit(t, "双减背景下课后服务质量评价研究")
		if x.Status != shishi.AppStatus(shishi.StepCheck) || x.FormVersion != 1 || x.Due != "2021-10-12" || x.Unit == nil || x.Unit.ID != w.js.ID {
			t.Fatalf("submitted: %+v", x) // 30 Sep, 8, 9 (a working Saturday), 11 and 12 Oct: National Day skipped
		}
		// The office passes the formal check; only the office may.
		if _, err := w.db.ActOnApplication(w.jc, x.ID, "pass", shishi.AppAction{}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("applicant passes its own check: %v", err)
		}
		x = w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
		if x.Status != shishi.AppStatus(shishi.StepReview) {
			t.Fatalf("after check: %s", x.Status)
		}
		x = w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
		rs, err := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: x.ID})
		if err != nil || len(rs) != 3 {
			t.Fatalf("reviews: %d, %v", len(rs), err)
		}
		got := map[int64]bool{}
		for _, r := range rs {
			got[r.Reviewer.ID] = true
		}
		for i, e := range w.experts {
			if got[e.ID] != (i < 3) {
				t.Errorf("expert %s assigned: %v", e.Login, got[e.ID])
			}
		}
		// Each reviewer sees the application and only their own review,
		// never another reviewer's name; and scores by the rubric.
		scores := []map[string]int{{"innovation": 9, "feasibility": 8, "value": 8}, {"innovation": 7, "feasibility": 7, "value": 6}, {"innovation": 10, "feasibility": 9, "value": 9}}
		for i, e := range w.experts[:3] {
			rc := w.as(t, e)
			if _, err := w.db.FindApplication(rc, x.ID); err != nil {
				t.Fatalf("reviewer reads the application: %v", err)
			}
			mine, err := w.db.FindReviews(rc, shishi.ReviewFilter{ApplicationID: x.ID})
			if err != nil || len(mine) != 1 || mine[0].Reviewer == nil || mine[0].Reviewer.ID != e.ID {
				t.Fatalf("reviewer %s sees %d reviews: %v", e.Login, len(mine), err)
			}
			if _, err := w.db.ScoreReview(rc, mine[0].ID, shishi.ScoreInput{Scores: map[string]int{"innovation": 11, "bogus": 1}}); !fields(err)["scores.innovation"] ||
				!fields(err)["scores.feasibility"] || !fields(err)["scores.bogus"] {
				t.Fatalf("bad scores: %v", shishi.ErrorFields(err))
			}
			if _, err := w.db.ActOnApplication(rc, x.ID, "approve", shishi.AppAction{}); code(err) != shishi.EFORBIDDEN {
				t.Fatalf("reviewer decides: %v", err)
			}
			r, err := w.db.ScoreReview(rc, mine[0].ID, shishi.ScoreInput{Scores: scores[i], Comment: "选题有价值"})
			if err != nil || r.Total == nil {
				t.Fatalf("score: %v", err)
			}
			if _, err := w.db.ScoreReview(rc, mine[0].ID, shishi.ScoreInput{Scores: scores[i]}); code(err) != shishi.ECONFLICT {
				t.Fatalf("score twice: %v", err)
			}
		}
		// A second application, scored lower, to rank against.
		y := w.submit(t, "劳动教育课程体系研究")
		w.act(t, w.oc, y.ID, "pass", shishi.AppAction{})
		w.act(t, w.oc, y.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
		ys, _ := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: y.ID})
		for _, r := range ys {
			if _, err := w.db.ScoreReview(w.as(t, &shishi.User{ID: r.Reviewer.ID, Login: r.Reviewer.Login}), r.ID,
				shishi.ScoreInput{Scores: map[string]int{"innovation": 5, "feasibility": 5, "value": 5}}); err != nil {
				t.Fatal(err)
			}
		}
		// The last score moved it on; the decision sees scores and rank.
		x, err = w.db.FindApplication(w.oc, x.ID)
		if err != nil || x.Status != shishi.AppStatus(shishi.StepDecision) || x.Score == nil {
			t.Fatalf("after review: %+v, %v", x, err)
		}
		// Totals 84, 67, 94 (weighted shares of 100): mean 81.67, trimmed (drop the highest and the lowest) 84.
		if x.Score.Scored != 3 || x.Score.Mean != 81.67 || x.Score.Trimmed != 84 || x.Score.Rank != 1 {
			t.Fatalf("score: %+v", x.Score)
		}
		rank, err := w.db.Ranking(w.oc, w.svc.ID, shishi.StepReview)
		if err != nil || len(rank) != 2 || rank[0].Application.ID != x.ID || rank[1].Score.Rank != 2 || rank[1].Score.Trimmed != 50 {
			t.Fatalf("ranking: %+v, %v", rank, err)
		}
		if _, err := w.db.Ranking(w.as(t, w.experts[0]), w.svc.ID, shishi.StepReview); code(err) != shishi.ENOTFOUND {
			t.Fatalf("a reviewer reads the ranking: %v", err)
		}
		// Each reviewer was told of the task; the applicant hears of the decision.
		if ns, _, _, err := w.db.FindNotices(w.as(t, w.experts[0]), shishi.Page{Limit: 10}); err != nil || len(ns) == 0 || !strings.Contains(ns[0].Text, "评审任务") {
			t.Fatalf("reviewer's notice: %+v, %v", ns, err)
		}
		x = w.act(t, w.oc, x.ID, "approve", shishi.AppAction{Note: "立项"})
		if ns, _, _, _ := w.db.FindNotices(w.jc, shishi.Page{Limit: 10}); len(ns) == 0 || !strings.Contains(ns[0].Text, "已通过审批") {
			t.Fatalf("applicant's notice: %+v", ns)
		}
		if x.Status != shishi.AppStatus(shishi.StepAcceptance) {
			t.Fatalf("after decision: %s", x.Status)
		}
		// Acceptance is its own reviewed step: it cannot close unscored.
		if _, err := w.db.ActOnApplication(w.oc, x.ID, "accept", shishi.AppAction{}); code(err) != shishi.ECONFLICT {
			t.Fatalf("accept before acceptance review: %v", err)
		}
		w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.acceptPool.ID})
		for _, a := range w.acceptors {
			ac := w.as(t, a)
			mine, err := w.db.FindReviews(ac, shishi.ReviewFilter{Mine: true, Open: true})
			if err != nil || len(mine) != 1 || mine[0].Stage != shishi.StepAcceptance {
				t.Fatalf("acceptor's workbench: %d, %v", len(mine), err)
			}
			if _, err := w.db.ScoreReview(ac, mine[0].ID, shishi.ScoreInput{Scores: map[string]int{"innovation": 8, "feasibility": 8, "value": 8}}); err != nil {
				t.Fatal(err)
			}
		}
		x = w.act(t, w.oc, x.ID, "accept", shishi.AppAction{Note: "通过验收"})
		if x.Status != shishi.AppClosed || x.Due != "" {
			t.Fatalf("after acceptance: %+v", x)
		}
		hist, err := w.db.ApplicationHistory(w.jc, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range hist {
			steps = append(steps, e.Action)
		}
		if want := "submit pass assign reviewed approve assign accept"; joinWords(steps) != want {
			t.Fatalf("history %q, want %q", joinWords(steps), want)
		}
		var audited int
		if err := w.db.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE entity = 'application' AND entity_id = $1`, itoa64(x.ID)).Scan(&audited); err != nil || audited < 9 {
			t.Fatalf("audit entries for the application: %d, %v", audited, err)
		}
		// Outsiders read nothing.
		if _, err := w.db.FindApplication(w.lc, x.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("Luoyang's operator reads it: %v", err)
		}
	})
}

func joinWords(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestReviewerConflicts (acceptance b): an expert of the applicant's own
// unit, or one who declared a conflict with a unit above it, is never
// assigned, even when the pool runs short; then nothing is assigned.
func TestReviewerConflicts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		own, declared := w.experts[3], w.experts[4]
		for i := 0; i < 4; i++ {
			x := w.submit(t, "课题"+strconv.Itoa(i))
			w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
			w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
			rs, _ := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: x.ID})
			for _, r := range rs {
				if r.Reviewer.ID == own.ID || r.Reviewer.ID == declared.ID {
					t.Fatalf("application %d assigned to %s", x.ID, r.Reviewer.Login)
				}
			}
		}
		// An expert whose home is elsewhere but who holds a role at the
		// applying unit (here the operator's) is from that unit too.
		if _, err := w.db.SQL().Exec(`INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)`, w.experts[0].ID, string(shishi.RoleOperator), w.js.ID); err != nil {
			t.Fatal(err)
		}
		extra := w.mkUser(t, "r6-bj", w.bj, shishi.RoleReviewer)
		rolePool, err := w.db.CreatePool(w.oc, shishi.PoolInput{OwnerUnitID: w.ha.ID, Name: "角色专家库", Members: []shishi.PoolMemberInput{
			{UserID: w.experts[0].ID}, {UserID: w.experts[1].ID}, {UserID: w.experts[2].ID}, {UserID: extra.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			x := w.submit(t, "课题角色"+strconv.Itoa(i))
			w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
			w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: rolePool.ID})
			rs, _ := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: x.ID})
			for _, r := range rs {
				if r.Reviewer.ID == w.experts[0].ID || r.Reviewer.ID == own.ID || r.Reviewer.ID == declared.ID {
					t.Fatalf("application %d assigned to %s", x.ID, r.Reviewer.Login)
				}
			}
		}
		if _, err := w.db.SQL().Exec(`DELETE FROM user_roles WHERE user_id = $1 AND unit_id = $2`, w.experts[0].ID, w.js.ID); err != nil {
			t.Fatal(err)
		}
		// A pool of only conflicted experts and one clean one cannot give three.
		small, err := w.db.CreatePool(w.oc, shishi.PoolInput{OwnerUnitID: w.ha.ID, Name: "小专家库", Members: []shishi.PoolMemberInput{
			{UserID: own.ID}, {UserID: declared.ID, ConflictUnitIDs: []int64{w.zz.ID}}, {UserID: w.experts[0].ID}}})
		if err != nil {
			t.Fatal(err)
		}
		x := w.submit(t, "短缺")
		w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
		before := w.count(t, "app_reviews")
		if _, err := w.db.ActOnApplication(w.oc, x.ID, "assign", shishi.AppAction{PoolID: small.ID}); code(err) != shishi.ECONFLICT {
			t.Fatalf("short pool: %v", err)
		}
		if after := w.count(t, "app_reviews"); after != before {
			t.Fatalf("a failed assignment left %d reviews", after-before)
		}
		// An expert applying for their own unit is excluded too (the applicant).
		if _, err := w.db.ActOnApplication(w.oc, x.ID, "assign", shishi.AppAction{}); !fields(err)["pool_id"] {
			t.Fatalf("assign without a pool: %v", err)
		}
	})
}

// TestInvalidApplicationNamesEveryField (acceptance b): every bad field
// is named at once and nothing is stored.
func TestInvalidApplicationNamesEveryField(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		audit := w.count(t, "audit_log")
		bad := json.RawMessage(`{"summary":"` + longText(201) + `","budget":"abc","start":"2021-13-01","discipline":"哲学","keywords":["双减","双减"],
			"plan":[{"name":"x.pdf","sha256":"zz","size":1}],"members":[{"name":"王芳","role":"主持人"},{"role":"组长"}],"extra":1}`)
		_, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "", Answers: bad, Submit: true})
		want := []string{"title", "answers.summary", "answers.budget", "answers.start", "answers.discipline", "answers.keywords", "answers.plan",
			"answers.members[2].name", "answers.members[2].role", "answers.extra"}
		f := fields(err)
		for _, k := range want {
			if !f[k] {
				t.Errorf("no fault named %s: %v", k, shishi.ErrorFields(err))
			}
		}
		if len(f) != len(want) || code(err) != shishi.EINVALID {
			t.Errorf("faults %v, want exactly %v", shishi.ErrorFields(err), want)
		}
		// Missing required answers are named too.
		_, err = w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "空", Answers: json.RawMessage(`{}`), Submit: true})
		for _, k := range []string{"answers.summary", "answers.budget", "answers.start", "answers.discipline", "answers.plan", "answers.members"} {
			if !fields(err)[k] {
				t.Errorf("missing %s not named: %v", k, shishi.ErrorFields(err))
			}
		}
		if fields(err)["answers.keywords"] {
			t.Errorf("an optional field named as missing")
		}
		for _, table := range []string{"applications", "application_versions", "application_events"} {
			if n := w.count(t, table); n != 0 {
				t.Errorf("%s holds %d rows after refused submissions", table, n)
			}
		}
		if n := w.count(t, "audit_log"); n != audit {
			t.Errorf("refused submissions wrote %d audit entries", n-audit)
		}
		// A draft may be incomplete but not wrong; submitting it names what is missing.
		d, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "草稿", Answers: json.RawMessage(`{"summary":"先写摘要"}`)})
		if err != nil || d.Status != shishi.AppDraft {
			t.Fatalf("draft: %v", err)
		}
		if _, err := w.db.ActOnApplication(w.jc, d.ID, "submit", shishi.AppAction{}); !fields(err)["answers.budget"] || fields(err)["answers.summary"] {
			t.Fatalf("submit an incomplete draft: %v", shishi.ErrorFields(err))
		}
		// The owner's office does not see drafts; Luoyang does not see it at all.
		if _, err := w.db.FindApplication(w.oc, d.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("office reads a draft: %v", err)
		}
	})
}

func longText(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = '字'
	}
	return string(r)
}

// TestFormChangeKeepsSubmitted (acceptance c): a new form version does not
// break applications submitted under the old one — they read, move on,
// return and resubmit against their own version — while new applications
// meet the new form.
func TestFormChangeKeepsSubmitted(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		old := w.submit(t, "旧表单申报")
		// Version 2: keywords gone, an ethics statement required, budget capped lower.
		v2 := researchFields()
		v2[1].Max = f64(20)
		v2 = append(v2[:4], v2[5:]...)
		v2 = append(v2, shishi.FormField{Key: "ethics", Label: "伦理承诺", Type: shishi.FormChoice, Required: true, Options: []string{"已承诺"}})
		if _, err := w.db.ChangeForm(w.jc, w.svc.ID, v2); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("an operator changes the form: %v", err)
		}
		if _, err := w.db.ChangeForm(w.oc, w.svc.ID, []shishi.FormField{{Key: "Bad Key", Label: "", Type: "blob"}}); !fields(err)["fields[0].key"] ||
			!fields(err)["fields[0].label"] || !fields(err)["fields[0].type"] {
			t.Fatalf("bad form: %v", shishi.ErrorFields(err))
		}
		s, err := w.db.ChangeForm(w.oc, w.svc.ID, v2)
		if err != nil || s.Form.Version != 2 {
			t.Fatalf("change form: %v", err)
		}
		x, err := w.db.FindApplication(w.oc, old.ID)
		if err != nil || x.FormVersion != 1 || string(x.Answers) != string(old.Answers) {
			t.Fatalf("old application after the change: %+v, %v", x, err)
		}
		if f, err := w.db.FindForm(w.oc, w.svc.ID, 1); err != nil || len(f.Fields) != 7 || f.Fields[4].Key != "keywords" {
			t.Fatalf("form version 1: %+v, %v", f, err)
		}
		// Returned for correction and resubmitted under version 1: the
		// keywords stay valid and no ethics statement is asked for.
		w.act(t, w.oc, old.ID, "return", shishi.AppAction{Note: "请补充课题组成员分工"})
		if _, err := w.db.ActOnApplication(w.oc, old.ID, "return", shishi.AppAction{}); code(err) != shishi.EFORBIDDEN && code(err) != shishi.ECONFLICT {
			t.Fatalf("return twice: %v", err)
		}
		title := "旧表单申报（补正）"
		if _, err := w.db.UpdateApplication(w.jc, old.ID, shishi.ApplicationPatch{Title: &title, Answers: goodAnswers()}); err != nil {
			t.Fatalf("correct under v1: %v", err)
		}
		x = w.act(t, w.jc, old.ID, "submit", shishi.AppAction{})
		if x.Status != shishi.AppStatus(shishi.StepCheck) || x.FormVersion != 1 || x.Title != title {
			t.Fatalf("resubmitted: %+v", x)
		}
		vs, err := w.db.ApplicationVersions(w.jc, old.ID)
		if err != nil || len(vs) != 3 || vs[0].Title != "旧表单申报" || vs[2].Title != title || vs[2].FormVersion != 1 {
			t.Fatalf("versions: %+v, %v", vs, err)
		}
		w.act(t, w.oc, old.ID, "pass", shishi.AppAction{})
		// A new application meets version 2.
		_, err = w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "新表单", Answers: goodAnswers(), Submit: true})
		if !fields(err)["answers.keywords"] || !fields(err)["answers.ethics"] {
			t.Fatalf("v1 answers against v2: %v", shishi.ErrorFields(err))
		}
		var a map[string]any
		_ = json.Unmarshal(goodAnswers(), &a)
		delete(a, "keywords")
		a["ethics"] = "已承诺"
		b, _ := json.Marshal(a)
		n, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "新表单", Answers: b, Submit: true})
		if err != nil || n.FormVersion != 2 {
			t.Fatalf("v2 application: %v", err)
		}
		// Withdrawn by the applicant before review.
		if x := w.act(t, w.jc, n.ID, "withdraw", shishi.AppAction{}); x.Status != shishi.AppWithdrawn {
			t.Fatalf("withdraw: %s", x.Status)
		}
	})
}

// TestDeliveryByMailAndCertificate: 学历认证 ends with a mailing record;
// a fitness certificate service issues an e-certificate through module E
// in the delivery's own transaction.
func TestDeliveryByMailAndCertificate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		cw := newCredWorld(t, dsn)
		sw := newSupWorldFrom(t, cw.world)
		w := &svcWorld{supWorld: sw}
		oc := sw.oc
		mail, err := w.db.CreateService(oc, shishi.ServiceInput{Code: "degree-check", Name: "学历认证", Applicants: shishi.ApplicantsPublic, OwnerUnitID: w.ha.ID,
			Fields:   []shishi.FormField{{Key: "cert_no", Label: "证书编号", Type: shishi.FormText, Required: true}, {Key: "address", Label: "邮寄地址", Type: shishi.FormText, Required: true}},
			Workflow: shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 3}, {Kind: shishi.StepDelivery, Role: shishi.RoleOffice, Days: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		pc := sw.pc // a person with an account and no role applies for a public service
		x, err := w.db.CreateApplication(pc, shishi.ApplicationInput{ServiceID: mail.ID, Title: "学历认证申请", Answers: json.RawMessage(`{"cert_no":"104591202105000123","address":"郑州市金水路1号"}`), Submit: true})
		if err != nil || x.Unit != nil {
			t.Fatalf("public application: %+v, %v", x, err)
		}
		w.act(t, oc, x.ID, "pass", shishi.AppAction{})
		if _, err := w.db.ActOnApplication(oc, x.ID, "deliver", shishi.AppAction{Method: shishi.DeliverMail}); !fields(err)["carrier"] || !fields(err)["tracking"] {
			t.Fatalf("mail without carrier: %v", err)
		}
		x = w.act(t, oc, x.ID, "deliver", shishi.AppAction{Method: shishi.DeliverMail, Carrier: "EMS", Tracking: "1180512345678"})
		if x.Status != shishi.AppClosed || x.Delivery == nil || x.Delivery.Tracking != "1180512345678" {
			t.Fatalf("delivered: %+v", x)
		}
		// Certificates: the issuer delivers.
		cert, err := w.db.CreateService(oc, shishi.ServiceInput{Code: "grad-cert", Name: "中职毕业证书申领", Applicants: shishi.ApplicantsPublic, OwnerUnitID: w.ha.ID,
			CredentialType: cw.typ.Code, Fields: []shishi.FormField{{Key: "major", Label: "专业", Type: shishi.FormText, Required: true}},
			Workflow: shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 3}, {Kind: shishi.StepDelivery, Role: shishi.RoleIssuer, Days: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		y, err := w.db.CreateApplication(pc, shishi.ApplicationInput{ServiceID: cert.ID, Title: "毕业证书", Answers: json.RawMessage(`{"major":"数控技术应用"}`), Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		w.act(t, oc, y.ID, "pass", shishi.AppAction{})
		sc := w.as(t, cw.signer)
		bad := map[string]string{"fullName": "李雷"}
		if _, err := w.db.ActOnApplication(sc, y.ID, "deliver", shishi.AppAction{Method: shishi.DeliverCertificate, Subject: bad}); !fields(err)["subject.idNumber"] {
			t.Fatalf("bad certificate: %v", err)
		}
		if _, n, _ := w.db.FindCredentials(sc, shishi.CredentialFilter{}); n != 0 {
			t.Fatalf("a refused delivery issued %d credentials", n)
		}
		y = w.act(t, sc, y.ID, "deliver", shishi.AppAction{Method: shishi.DeliverCertificate, Subject: subject})
		if y.Status != shishi.AppClosed || y.Delivery == nil || y.Delivery.CertNumber == "" {
			t.Fatalf("certificate delivery: %+v", y.Delivery)
		}
		if c, err := w.db.FindCredential(sc, y.Delivery.CredentialID); err != nil || c.Number != y.Delivery.CertNumber {
			t.Fatalf("issued credential: %v", err)
		}
	})
}

// TestShowcaseGallery: units nominate cases, an expert scores, the office
// selects; the gallery shows the selected cases with their public text
// only — never a contact or a field not marked public — and no account
// is needed to read it.
func TestShowcaseGallery(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		svc, err := w.db.CreateService(w.oc, shishi.ServiceInput{Code: "cases", Name: "典型案例遴选", Applicants: shishi.ApplicantsUnits, OwnerUnitID: w.ha.ID, Showcase: true,
			Fields: []shishi.FormField{{Key: "summary", Label: "案例简介", Type: shishi.FormText, Required: true, Public: true},
				{Key: "contact", Label: "联系人电话", Type: shishi.FormText, Required: true}},
			Workflow: shishi.Workflow{{Kind: shishi.StepReview, Role: shishi.RoleOffice, Days: 10, Reviewers: 1}, {Kind: shishi.StepDecision, Role: shishi.RoleOffice, Days: 5}},
			Rubric:   shishi.Rubric{{Key: "effect", Label: "工作成效", Weight: 1, Max: 10}}})
		if err != nil {
			t.Fatal(err)
		}
		nominate := func(title string) *shishi.Application {
			x, err := w.db.CreateApplication(w.jc, shishi.ApplicationInput{ServiceID: svc.ID, Title: title, Submit: true,
				Answers: json.RawMessage(`{"summary":"课后服务“5+2”全覆盖","contact":"13800001111"}`)})
			if err != nil {
				t.Fatal(err)
			}
			w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
			rs, _ := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: x.ID})
			if _, err := w.db.ScoreReview(w.as(t, &shishi.User{ID: rs[0].Reviewer.ID, Login: rs[0].Reviewer.Login}), rs[0].ID, shishi.ScoreInput{Scores: map[string]int{"effect": 9}}); err != nil {
				t.Fatal(err)
			}
			return x
		}
		a, b := nominate("金水区课后服务案例"), nominate("未入选案例")
		w.act(t, w.oc, a.ID, "approve", shishi.AppAction{Note: "入选"})
		w.act(t, w.oc, b.ID, "reject", shishi.AppAction{Note: "未入选"})
		anon := context.Background()
		cs, n, err := w.db.FindShowcases(anon, shishi.ShowcaseFilter{})
		if err != nil || n != 1 || len(cs) != 1 || cs[0].ID != a.ID || cs[0].Unit.ID != w.js.ID || cs[0].SelectedAt.IsZero() {
			t.Fatalf("gallery: %d %+v %v", n, cs, err)
		}
		if len(cs[0].Texts) != 1 || cs[0].Texts[0].Label != "案例简介" {
			t.Fatalf("public texts: %+v", cs[0].Texts)
		}
		b2, _ := json.Marshal(cs)
		if strings.Contains(string(b2), "13800001111") || strings.Contains(string(b2), "js-op") {
			t.Fatalf("the gallery shows something personal: %s", b2)
		}
		if _, err := w.db.FindShowcase(anon, b.ID); code(err) != shishi.ENOTFOUND {
			t.Fatalf("a case not selected: %v", err)
		}
		// The research service is no showcase: its closed applications never show.
		if _, n, _ := w.db.FindShowcases(anon, shishi.ShowcaseFilter{ServiceID: w.svc.ID}); n != 0 {
			t.Fatalf("%d research applications in the gallery", n)
		}
	})
}

// TestPublicAccount: a person signs up with an e-mail and a password
// (every bad field named), signs in with the e-mail, may apply only after
// verifying it with the mailed code (typed in any case, with a dash), and
// reads nothing but their own applications. The bad paths of the code and
// a second sign-up are in service_account_test.go.
func TestPublicAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		anon := context.Background()
		err := w.db.SignUp(anon, shishi.SignUpInput{Email: "not-an-address", Name: "", Password: "short"})
		for _, f := range []string{"email", "name", "password"} {
			if !fields(err)[f] {
				t.Errorf("sign-up fault %s not named: %v", f, shishi.ErrorFields(err))
			}
		}
		if err := w.db.SignUp(anon, shishi.SignUpInput{Email: "Li.Lei@Example.com", Name: "李雷", Password: "Graduate-2026!"}); err != nil {
			t.Fatal(err)
		}
		res, err := w.db.CheckPassword(anon, "li.lei@example.com", "Graduate-2026!")
		if err != nil {
			t.Fatalf("sign in with the e-mail: %v", err)
		}
		u := res.User
		pc := w.as(t, u)
		svc, err := w.db.CreateService(w.oc, shishi.ServiceInput{Code: "grad-destination", Name: "毕业去向登记", Applicants: shishi.ApplicantsPublic, OwnerUnitID: w.ha.ID,
			Fields:   []shishi.FormField{{Key: "destination", Label: "毕业去向", Type: shishi.FormChoice, Required: true, Options: []string{"就业", "升学"}}},
			Workflow: shishi.Workflow{{Kind: shishi.StepCheck, Role: shishi.RoleOffice, Days: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		in := shishi.ApplicationInput{ServiceID: svc.ID, Title: "毕业去向登记", Answers: json.RawMessage(`{"destination":"升学"}`), Submit: true}
		if _, err := w.db.CreateApplication(pc, in); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("an unverified account applies: %v", err)
		}
		// The research service is for units: a person cannot apply.
		if _, err := w.db.CreateApplication(pc, shishi.ApplicationInput{ServiceID: w.svc.ID, Title: "x", Answers: goodAnswers(), Submit: true}); code(err) != shishi.EFORBIDDEN {
			t.Fatalf("a person applies for a unit service: %v", err)
		}
		// The code is mailed, never shown to the account itself: whoever
		// signed up with another's address must not read it.
		if ns, total, unread, err := w.db.FindNotices(pc, shishi.Page{Limit: 10}); err != nil || len(ns) != 0 || total != 0 || unread != 0 {
			t.Fatalf("the account reads its verification notice: %+v (%d, %d), %v", ns, total, unread, err)
		}
		codeText := mailedCode(t, w.db, u.ID)
		if _, err := w.db.VerifyEmail(anon, shishi.VerifyInput{Email: "li.lei@example.com", Code: "WRONGCODE"}); !fields(err)["code"] {
			t.Fatalf("a wrong code: %v", err)
		}
		if _, err := w.db.VerifyEmail(anon, shishi.VerifyInput{Email: "LI.LEI@example.com", Code: strings.ToLower(codeText[:8]) + "-" + codeText[8:]}); err != nil {
			t.Fatalf("verify with %q: %v", codeText, err)
		}
		x, err := w.db.CreateApplication(pc, in)
		if err != nil || x.Unit != nil || x.Applicant.ID != u.ID {
			t.Fatalf("apply after verifying: %+v, %v", x, err)
		}
		// The account reaches no unit, and sees only its own application.
		if _, n, _ := w.db.FindUnits(pc, shishi.UnitFilter{}); n != 0 {
			t.Errorf("a public account sees %d units", n)
		}
		w.submit(t, "别人的申报")
		if _, n, _ := w.db.FindApplications(pc, shishi.ApplicationFilter{}); n != 1 {
			t.Errorf("a public account sees %d applications", n)
		}
	})
}

// TestConcurrentScores: three reviewers scoring at the same moment still
// move the application on to the decision (on PostgreSQL each would
// otherwise miss the others' scores).
func TestConcurrentScores(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		for round := 0; round < 3; round++ {
			x := w.submit(t, "并发评分"+strconv.Itoa(round))
			w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
			w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
			rs, _ := w.db.FindReviews(w.oc, shishi.ReviewFilter{ApplicationID: x.ID})
			errs := make(chan error, len(rs))
			for _, r := range rs {
				go func(r *shishi.Review) {
					ctx := w.as(t, &shishi.User{ID: r.Reviewer.ID, Login: r.Reviewer.Login})
					_, err := w.db.ScoreReview(ctx, r.ID, shishi.ScoreInput{Scores: map[string]int{"innovation": 8, "feasibility": 8, "value": 8}})
					errs <- err
				}(r)
			}
			for range rs {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if got, _ := w.db.FindApplication(w.oc, x.ID); got.Status != shishi.AppStatus(shishi.StepDecision) {
				t.Fatalf("round %d: after three concurrent scores the application is %s", round, got.Status)
			}
		}
	})
}

// TestLimitedTokenNoPersonalReach: what a person holds as applicant or
// reviewer is no grant, so an API token limited to grants (here to none)
// neither reads the person's application nor its reviews, nor scores.
func TestLimitedTokenNoPersonalReach(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSvcWorld(t, dsn)
		x := w.submit(t, "受限令牌测试")
		x = w.act(t, w.oc, x.ID, "pass", shishi.AppAction{})
		w.act(t, w.oc, x.ID, "assign", shishi.AppAction{PoolID: w.pool.ID})
		limited := func(ctx context.Context) context.Context {
			a := *shishi.ActorFrom(ctx)
			a.TokenID, a.TokenScope, a.Grants = 987654, shishi.TokenScopeGrants, nil
			return shishi.WithActor(ctx, &a)
		}
		rc := w.as(t, w.experts[0])
		mine, err := w.db.FindReviews(rc, shishi.ReviewFilter{Mine: true})
		if err != nil || len(mine) != 1 {
			t.Fatalf("the reviewer's own reviews: %d, %v", len(mine), err)
		}
		if _, err := w.db.FindApplication(w.jc, x.ID); err != nil {
			t.Fatalf("the applicant reads its application: %v", err)
		}
		if _, err := w.db.FindApplication(limited(w.jc), x.ID); code(err) != shishi.ENOTFOUND {
			t.Errorf("a limited token reads its user's application: %v", err)
		}
		if _, err := w.db.FindApplication(limited(rc), x.ID); code(err) != shishi.ENOTFOUND {
			t.Errorf("a limited token reads the application its user reviews: %v", err)
		}
		if rs, err := w.db.FindReviews(limited(rc), shishi.ReviewFilter{Mine: true}); err != nil || len(rs) != 0 {
			t.Errorf("a limited token lists its user's reviews: %d, %v", len(rs), err)
		}
		if _, err := w.db.ScoreReview(limited(rc), mine[0].ID, shishi.ScoreInput{}); code(err) != shishi.EFORBIDDEN {
			t.Errorf("a limited token scores: %v", err)
		}
	})
}
