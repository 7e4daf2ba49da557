package gen

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/sqlstore"
)

const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // the store's tracking alphabet

// ComplaintTracking is the tracking code and secret of the generator's
// i-th complaint (0-based), so that load runs can track real cases: the
// code is i scrambled by an odd multiplier modulo 32⁸ (a bijection, so
// every code is distinct), the secret comes from a hash of i.
func ComplaintTracking(i int) (code, secret string) {
	x := (uint64(i)*0x9E3779B97F + 0x5DEECE66D) & (1<<40 - 1)
	b := []byte("JB00000000")
	for k := 9; k >= 2; k-- {
		b[k] = trackingAlphabet[x&31]
		x >>= 5
	}
	h := sha256.Sum256([]byte("gen-complaint-secret:" + string(b)))
	s := make([]byte, 0, 14)
	for k := 0; k < 12; k++ {
		if k == 4 || k == 8 {
			s = append(s, '-')
		}
		s = append(s, trackingAlphabet[h[k]&31])
	}
	return string(b), string(s)
}

var complaintBodies = map[string]string{
	"teacher-pay":         "反映本校教师绩效工资未按时足额发放，请核查。",
	"off-campus-training": "反映校外培训机构在周末违规开展学科类培训。",
	"fees":                "反映学校以资料费名义向学生收取费用。",
	"admissions":          "反映招生过程中存在按成绩分班的情况。",
	"five-rules":          "反映学校作业量过大，学生睡眠时间不足。",
	"other":               "反映学校周边交通安全隐患，请协调处理。",
}

// complaints writes the complaint cases in bulk, dated over the year before
// AsOf: older cases are mostly closed and rated, recent ones spread over
// the workflow. Each has its "submit" timeline line; closed ones also their
// "close". Reporters are anonymous (no sealed identity).
func (g *generator) complaints(ctx context.Context) error {
	upd, done := g.progress("举报 complaints")
	defer done()
	n := g.res.Complaints
	if n == 0 {
		return nil
	}
	cats, err := g.db.Categories(g.sys, false)
	if err != nil {
		return err
	}
	s, err := newSink(ctx, g.db.SQL(), g.db.Postgres())
	if err != nil {
		return err
	}
	defer s.close(ctx)
	tCases := s.table("complaints", "id", "code", "secret_hash", "category", "unit_id", "desk_unit_id", "assigned_unit_id", "body", "anonymous", "status", "source",
		"received_at", "updated_at", "deadline", "warn_from", "dispatched_at", "conclusion", "verification", "rectification", "concluded_at", "on_time",
		"reply", "replied_at", "rating", "rating_note", "closed_at", "version")
	tEvents := s.table("complaint_events", "id", "complaint_id", "at", "actor", "action", "public", "note", "unit_id")
	caseID, err := g.maxID(ctx, "complaints")
	if err != nil {
		return err
	}
	eventID, err := g.maxID(ctx, "complaint_events")
	if err != nil {
		return err
	}
	last := AsOf.Add(-time.Hour)
	clip := func(t time.Time) time.Time {
		if t.After(last) {
			return last
		}
		return t
	}
	event := func(id int64, at time.Time, actor, action, note string, unit any) {
		eventID++
		tEvents.add(eventID, id, at, actor, action, true, note, unit)
	}
	sources := []string{"web", "web", "web", "phone", "letter", "open311"}
	for i := 0; i < n; i++ {
		caseID++
		cat := cats[g.rng.IntN(len(cats))]
		var unit, handler int64
		if len(g.schools) > 0 && g.rng.IntN(5) > 0 {
			sc := g.schools[g.rng.IntN(len(g.schools))]
			unit, handler = sc.id, g.counties[sc.parent].id
		} else {
			k := g.counties[g.rng.IntN(len(g.counties))]
			unit, handler = k.id, k.id
		}
		age := time.Duration(g.rng.Int64N(int64(365 * 24 * time.Hour)))
		received := AsOf.Add(-age).Truncate(time.Second)
		days := int(age.Hours() / 24)
		var status shishi.ComplaintStatus
		x := g.rng.IntN(100)
		switch {
		case days > 45:
			status = pick(x, []int{92, 96}, shishi.ComplaintClosed, shishi.ComplaintDeclined, shishi.ComplaintReplied)
		case days > 20:
			status = pick(x, []int{50, 70, 80, 90}, shishi.ComplaintClosed, shishi.ComplaintReplied, shishi.ComplaintConcluded, shishi.ComplaintRectifying, shishi.ComplaintVerifying)
		default:
			status = pick(x, []int{25, 40, 65, 90, 95}, shishi.ComplaintReceived, shishi.ComplaintAccepted, shishi.ComplaintDispatched, shishi.ComplaintVerifying, shishi.ComplaintDeclined, shishi.ComplaintRectifying)
		}
		code, secret := ComplaintTracking(i)
		rd := shishi.DateOf(received)
		deadline, warn := g.cal.Add(rd, cat.AcceptDays), cat.Warn(cat.AcceptDays)
		var assigned, dispatched, concluded, onTime, replied, closed any
		conclusion, verification, rectification, reply, note, rating := "", "", "", "", "", 0
		updated := received
		after := func(t time.Time, lo, hi int) time.Time {
			return clip(t.Add(time.Duration(lo)*24*time.Hour + time.Duration(g.rng.Int64N(int64(hi-lo+1)*int64(24*time.Hour)))))
		}
		if status == shishi.ComplaintDeclined {
			conclusion = "不属于本系统受理范围，已告知反映人向有关部门反映。"
			at := after(received, 0, 3)
			concluded, closed, updated = at, at, at
		} else if status != shishi.ComplaintReceived && status != shishi.ComplaintAccepted {
			d := after(received, 1, 2)
			assigned, dispatched, updated = handler, d, d
			deadline, warn = g.cal.Add(shishi.DateOf(d), cat.Days), cat.Warn(cat.Days)
			if status == shishi.ComplaintRectifying {
				verification = "经核查，反映问题部分属实。"
			}
			if status == shishi.ComplaintConcluded || status == shishi.ComplaintReplied || status == shishi.ComplaintClosed {
				c := after(d, 3, 30)
				conclusion, verification, rectification = "经核查，反映问题部分属实，已责令整改。", "经核查，反映问题部分属实。", "已完成整改并建立长效机制。"
				concluded, onTime, updated = c, shishi.DateOf(c) <= deadline, c
				if status != shishi.ComplaintConcluded {
					r := after(c, 1, 3)
					reply, replied, updated = "您反映的问题已核查处理，感谢您的监督。", r, r
				}
				if status == shishi.ComplaintClosed {
					cl := after(updated, 1, 7)
					rating, note, closed, updated = 3+g.rng.IntN(3), "处理及时", cl, cl
					if g.rng.IntN(10) == 0 {
						rating, note = 1+g.rng.IntN(2), "处理结果不满意"
					}
				}
			}
		}
		tCases.add(caseID, code, sqlstore.TrackingHash(code, secret), cat.Code, unit, g.root, assigned, complaintBodies[cat.Code], true, string(status),
			sources[g.rng.IntN(len(sources))], received, updated, string(deadline), string(shishi.WarnFrom(g.cal, deadline, warn)), dispatched,
			conclusion, verification, rectification, concluded, onTime, reply, replied, rating, note, closed, 1)
		event(caseID, received, "举报人 / reporter", "submit", "", nil)
		if closed != nil {
			event(caseID, closed.(time.Time), "举报受理员 / handler", "close", "", g.root)
		}
		if (i+1)%20_000 == 0 || i == n-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.flush(ctx); err != nil {
				return err
			}
			upd(i+1, n)
		}
	}
	return g.sequences(ctx, "complaints", "complaint_events")
}

// pick chooses by x (0–99) against cumulative bounds: below bounds[0] the
// first choice, and so on; at or above the last bound the last choice.
func pick[T any](x int, bounds []int, choices ...T) T {
	for i, b := range bounds {
		if x < b {
			return choices[i]
		}
	}
	return choices[len(bounds)]
}
