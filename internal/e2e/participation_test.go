package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
)

// TestRatingsAndNominations is the third acceptance line: ratings and
// nominations are throttled per client, and the throttle and what was
// submitted survive a restart of the server on the same database. Around
// it: a rating refused for bad input stores nothing, the office's triage
// (decline with a reason, merge, adopt into a tier) shows on the
// proposer's tracking page, and an item misses the office's satisfaction
// floor until enough people are satisfied.
func TestRatingsAndNominations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		var keys []byte
		var closed, pending, haID int64
		var codes []string
		t.Run("before", func(t *testing.T) {
			e := startFull(t, dsn)
			// The keys outlive this server (its data directory may not).
			var err error
			if keys, err = os.ReadFile(filepath.Join(e.data, "master.keys")); err != nil {
				t.Fatal(err)
			}
			cs, _, err := e.m.Store.FindCampaigns(e.sys, shishi.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if strings.HasPrefix(c.Name, "河南") {
					haID = c.ID
				}
			}
			for _, it := range e.allItems() {
				if it.Public && it.Status == shishi.StatusClosed && closed == 0 {
					closed = it.ID
				}
				if it.Public && it.Status == shishi.StatusClosureRequested && it.CampaignID == haID && pending == 0 {
					pending = it.ID
				}
			}
			if closed == 0 || pending == 0 {
				t.Fatal("the demo lacks a closed or a closure-requested public item")
			}
			anon := e.browser()
			item := fmt.Sprintf("/items/%d", closed)
			if r := anon.post(item+"/rate", url.Values{"score": {"9"}}); r.status != http.StatusUnprocessableEntity || r.doc(t).Find("#rate-form .field-err").Length() == 0 {
				t.Fatalf("bad score: %d", r.status)
			}
			if r := anon.post(item+"/rate", url.Values{"score": {"5"}, "comment": {"宿舍建得好"}}); r.status != http.StatusOK || !strings.Contains(r.doc(t).Find("#rating-summary").Text(), "1") {
				t.Fatalf("rate: %d %s", r.status, r.doc(t).Find(".flash").Text())
			}
			if r := anon.post(item+"/rate", url.Values{"score": {"1"}}); r.status != http.StatusConflict {
				t.Fatalf("second rating within the window: %d", r.status)
			}
			// Proposals: three a day from one address.
			for i := 0; i < shishi.NominationsPerDay; i++ {
				r := anon.post("/nominations", url.Values{"campaign_id": {fmt.Sprint(haID)}, "title": {fmt.Sprintf("建议%d：增加学校心理健康教师", i)},
					"body": {"希望每所中小学至少配备一名专职心理健康教师，关注学生心理。"}})
				code := r.doc(t).Find("#nomination-code").Text()
				if r.status != http.StatusCreated || !strings.HasPrefix(code, "DD") {
					t.Fatalf("nominate %d: %d %s", i, r.status, r.doc(t).Find(".flash").Text())
				}
				codes = append(codes, code)
			}
			if r := anon.post("/nominations", url.Values{"campaign_id": {fmt.Sprint(haID)}, "title": {"太短"}, "body": {"短"}}); r.status != http.StatusTooManyRequests &&
				r.status != http.StatusUnprocessableEntity {
				t.Fatalf("bad proposal: %d", r.status)
			}
		})
		// The restart: a new server on the same database and keys.
		t.Setenv("SHISHI_MASTER_KEYS", string(keys))
		e := startFull(t, dsn)
		anon := e.browser()
		if r := anon.post(fmt.Sprintf("/items/%d/rate", closed), url.Values{"score": {"2"}}); r.status != http.StatusConflict {
			t.Fatalf("rating again after a restart: %d", r.status)
		}
		r := anon.post("/nominations", url.Values{"campaign_id": {fmt.Sprint(haID)}, "title": {"第四条建议"}, "body": {"希望开放学校运动场地，方便周边居民锻炼身体。"}})
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("a fourth proposal after a restart: %d", r.status)
		}
		if s, err := e.m.Store.ItemRatings(e.sys, closed); err != nil || s.Count != 1 || *s.Average != 5 {
			t.Fatalf("ratings after the restart: %+v %v", s, err)
		}
		// The office triages: decline one, merge one into another, adopt that.
		ns, err := e.m.Store.FindNominations(e.sys)
		if err != nil || len(ns) != 3 {
			t.Fatalf("nominations: %d %v", len(ns), err)
		}
		byCode := map[string]*shishi.Nomination{}
		for _, n := range ns {
			byCode[n.Code] = n
		}
		office := e.sys
		if _, err := e.m.Store.TriageNomination(office, byCode[codes[0]].ID, shishi.NominationTriage{Action: "decline"}); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Fatalf("decline without a reason: %v", err)
		}
		if _, err := e.m.Store.TriageNomination(office, byCode[codes[0]].ID, shishi.NominationTriage{Action: "decline", Reason: "已纳入其他事项统筹推进"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.m.Store.TriageNomination(office, byCode[codes[1]].ID, shishi.NominationTriage{Action: "merge", Into: byCode[codes[2]].ID}); err != nil {
			t.Fatal(err)
		}
		c, err := e.m.Store.FindCampaign(e.sys, haID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.m.Store.TriageNomination(office, byCode[codes[2]].ID, shishi.NominationTriage{Action: "adopt", TierID: c.Tiers[0].ID, LeadUnitID: c.UnitID})
		if err != nil || n.Status != shishi.NominationAdopted || n.ItemID == nil || n.Supporters != 2 {
			t.Fatalf("adopt: %+v %v", n, err)
		}
		if it, err := e.m.Store.FindItem(e.sys, *n.ItemID); err != nil || it.Status != shishi.StatusDraft || it.Title != n.Title {
			t.Fatalf("adopted item: %+v %v", it, err)
		}
		for code, want := range map[string]string{codes[0]: "已纳入其他事项统筹推进", codes[1]: codes[2], codes[2]: "已纳入清单"} {
			if got := anon.get("/nominations/track?code=" + strings.ToLower(code)).doc(t).Find("#nomination").Text(); !strings.Contains(got, want) {
				t.Errorf("tracking %s: want %q in %q", code, want, got)
			}
		}
		// The satisfaction floor: 80 % of at least two ratings.
		henan := e.asUser("henan")
		if err := e.m.Store.SetRatingFloor(e.asUser("pku"), haID, shishi.RatingFloor{Floor: 80, MinCount: 2}); shishi.ErrorCode(err) != shishi.ENOTFOUND {
			t.Fatalf("a university sets Henan's floor: %v", err)
		}
		if err := e.m.Store.SetRatingFloor(henan, haID, shishi.RatingFloor{Floor: 180, MinCount: 2}); shishi.ErrorCode(err) != shishi.EINVALID {
			t.Fatalf("bad floor: %v", err)
		}
		if err := e.m.Store.SetRatingFloor(henan, haID, shishi.RatingFloor{Floor: 80, MinCount: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.m.Store.TransitionItem(henan, pending, "close", "", 0); shishi.ErrorCode(err) != shishi.ECONFLICT || !strings.Contains(shishi.ErrorMessage(err), "不足 2 条") {
			t.Fatalf("close without ratings: %v", err)
		}
		for _, rater := range []string{"198.51.100.7", "198.51.100.8"} {
			if _, err := e.m.Store.RateItem(e.sys, pending, rater, shishi.RatingInput{Score: 2}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.m.Store.TransitionItem(henan, pending, "close", "", 0); shishi.ErrorCode(err) != shishi.ECONFLICT || !strings.Contains(shishi.ErrorMessage(err), "低于") {
			t.Fatalf("close with dissatisfied raters: %v", err)
		}
		for _, rater := range []string{"198.51.100.9", "198.51.100.10", "198.51.100.11", "198.51.100.12", "198.51.100.13", "198.51.100.14", "198.51.100.15", "198.51.100.16"} {
			if _, err := e.m.Store.RateItem(e.sys, pending, rater, shishi.RatingInput{Score: 5}); err != nil {
				t.Fatal(err)
			}
		}
		if it, err := e.m.Store.TransitionItem(henan, pending, "close", "", 0); err != nil || it.Status != shishi.StatusClosed {
			t.Fatalf("close at 80 %%: %v", err)
		}
	})
}

// asUser is a context acting as a demo user, as the store sees a request.
func (e *env) asUser(login string) context.Context {
	u, err := e.m.Store.FindUserByLogin(e.sys, login)
	if err != nil {
		e.t.Fatal(err)
	}
	return shishi.WithActor(context.Background(), &shishi.Actor{UserID: u.ID, Login: u.Login, Name: u.Name, UnitID: u.UnitID, Grants: u.Grants})
}
