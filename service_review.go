package shishi

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"
)

// Expert review (评审) of applications: reviewer pools, assignment of N
// reviewers with conflicts of interest excluded, scoring by a weighted
// rubric, aggregation and ranking. A reviewer sees the applications given
// to them and their own scores, never another reviewer's name.

// Criterion is one line of a rubric: a score from 0 to Max, weighted.
type Criterion struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Weight int    `json:"weight"`
	Max    int    `json:"max"`
}

// Rubric is a service's scoring sheet.
type Rubric []Criterion

func (r Rubric) check(v *Validator) {
	if len(r) == 0 || len(r) > 30 {
		v.Add("rubric", "评分标准须有 1–30 项 / a rubric has 1–30 criteria")
	}
	seen := map[string]bool{}
	for i := range r {
		c := &r[i]
		p := "rubric[" + itoa(i) + "]."
		c.Label = strings.TrimSpace(c.Label)
		if !formKeyRE.MatchString(c.Key) || seen[c.Key] {
			v.Add(p+"key", "须为小写字母开头的唯一键 / a unique lower-case key")
		}
		seen[c.Key] = true
		checkText(v, p+"label", c.Label, 1, 100)
		v.Check(c.Weight >= 1 && c.Weight <= 100, p+"weight", "权重须为 1–100 / weight 1–100")
		v.Check(c.Max >= 1 && c.Max <= 100, p+"max", "满分须为 1–100 / max 1–100")
	}
}

// Total weighs scores into 0–100, rounded to two places: each criterion's
// share of its maximum, weighted. ok is false when a criterion is missing
// or out of range.
func (r Rubric) Total(scores map[string]int) (float64, []FieldError) {
	var faults []FieldError
	var sum, weights float64
	for _, c := range r {
		s, ok := scores[c.Key]
		if !ok || s < 0 || s > c.Max {
			faults = append(faults, FieldError{Field: "scores." + c.Key, Message: "须为 0–" + itoa(c.Max) + " 的整数 / must be a whole number 0–" + itoa(c.Max)})
			continue
		}
		sum += float64(c.Weight) * float64(s) / float64(c.Max)
		weights += float64(c.Weight)
	}
	for k := range scores {
		found := false
		for _, c := range r {
			found = found || c.Key == k
		}
		if !found {
			faults = append(faults, FieldError{Field: "scores." + k, Message: "评分标准中没有这一项 / no such criterion"})
		}
	}
	if len(faults) > 0 || weights == 0 {
		return 0, faults
	}
	return round2(sum / weights * 100), nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Mean is the plain average of totals, rounded to two places.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return round2(s / float64(len(xs)))
}

// TrimmedMean drops the highest and the lowest total (去掉一个最高分和一个
// 最低分) when there are at least three, then averages.
func TrimmedMean(xs []float64) float64 {
	if len(xs) < 3 {
		return Mean(xs)
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return Mean(s[1 : len(s)-1])
}

// ScoreSummary aggregates the scored reviews of an application at a stage.
type ScoreSummary struct {
	Stage    StepKind  `json:"stage"`
	Assigned int       `json:"assigned"`
	Scored   int       `json:"scored"`
	Mean     float64   `json:"mean"`
	Trimmed  float64   `json:"trimmed_mean"`
	Rank     int       `json:"rank,omitempty"` // among the service's applications at the same stage, by trimmed mean
	Totals   []float64 `json:"totals"`         // each reviewer's total, in assignment order, unnamed
}

// Pool is a reviewer pool (专家库) of an owner unit.
type Pool struct {
	ID        int64        `json:"id"`
	OwnerUnit UnitRef      `json:"owner_unit"`
	Name      string       `json:"name"`
	Members   []PoolMember `json:"members"`
	CreatedAt time.Time    `json:"created_at"`
}

// PoolMember is an expert of a pool with the units they declared a
// conflict of interest with (each with its subtree).
type PoolMember struct {
	User      UserRef   `json:"user"`
	Unit      UnitRef   `json:"unit"`
	Conflicts []UnitRef `json:"conflicts"`
}

// PoolInput creates a pool.
type PoolInput struct {
	OwnerUnitID int64             `json:"owner_unit_id"`
	Name        string            `json:"name"`
	Members     []PoolMemberInput `json:"members"`
}

// PoolMemberInput names an expert and their declared conflicts.
type PoolMemberInput struct {
	UserID          int64   `json:"user_id"`
	ConflictUnitIDs []int64 `json:"conflict_unit_ids"`
}

// Validate checks a pool.
func (in *PoolInput) Validate() error {
	var v Validator
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.OwnerUnitID > 0, "owner_unit_id", "必须指定单位 / an owner unit is required")
	checkText(&v, "name", in.Name, 1, 100)
	if len(in.Members) < 1 || len(in.Members) > 2000 {
		v.Add("members", "专家须为 1–2000 人 / 1–2000 members")
	}
	seen := map[int64]bool{}
	for i, m := range in.Members {
		p := "members[" + itoa(i) + "]."
		if m.UserID <= 0 || seen[m.UserID] {
			v.Add(p+"user_id", "专家无效或重复 / invalid or repeated user")
		}
		seen[m.UserID] = true
		if len(m.ConflictUnitIDs) > 0 {
			checkIDs(&v, p+"conflict_unit_ids", m.ConflictUnitIDs, 0, 100, "回避单位")
		}
	}
	return v.Err()
}

// Review is one expert's assignment to score an application at a stage
// (review, or acceptance). Reviewer is shown to the owner's office only;
// a reviewer reading their own sees themselves, and never another's.
type Review struct {
	ID          int64          `json:"id"`
	Application ServiceRef     `json:"application"` // id, the service's code, the application's title
	Stage       StepKind       `json:"stage"`
	Seq         int            `json:"seq"` // 专家1, 专家2 … in assignment order
	Reviewer    *UserRef       `json:"reviewer,omitempty"`
	Due         Date           `json:"due"`
	Overdue     bool           `json:"overdue"`
	Scores      map[string]int `json:"scores,omitempty"`
	Total       *float64       `json:"total,omitempty"`
	Comment     string         `json:"comment,omitempty"`
	ScoredAt    *time.Time     `json:"scored_at,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
}

// ScoreInput is a reviewer's scores and comment.
type ScoreInput struct {
	Scores  map[string]int `json:"scores"`
	Comment string         `json:"comment"`
}

// ReviewFilter selects reviews.
type ReviewFilter struct {
	ApplicationID int64
	Mine          bool // the actor's own assignments (the workbench)
	Open          bool // not yet scored
}

// Ranked is one line of a service's ranking.
type Ranked struct {
	Application ServiceRef   `json:"application"`
	Unit        *UnitRef     `json:"unit"`
	Status      AppStatus    `json:"status"`
	Score       ScoreSummary `json:"score"`
}

// ReviewService is the expert side of module F.
type ReviewService interface {
	// CreatePool: the office over the owner unit. EINVALID, EFORBIDDEN.
	CreatePool(ctx context.Context, in PoolInput) (*Pool, error)
	// FindPools lists the pools of units in the actor's reach.
	FindPools(ctx context.Context) ([]*Pool, error)
	// FindReviews lists reviews: the actor's own, or an application's
	// (the owner's office). Reviewer names are left out for reviewers.
	FindReviews(ctx context.Context, f ReviewFilter) ([]*Review, error)
	// ScoreReview records the assigned reviewer's scores; when the last
	// review of the review step is scored the application moves on to
	// the next step. EINVALID, EFORBIDDEN, ECONFLICT (scored or moved on), ENOTFOUND.
	ScoreReview(ctx context.Context, id int64, in ScoreInput) (*Review, error)
	// Ranking ranks a service's applications at stage by trimmed mean.
	Ranking(ctx context.Context, serviceID int64, stage StepKind) ([]Ranked, error)
}

// Showcase is a selected case (典型案例) as the public gallery shows it:
// the case's title, the nominating unit and the answers its form marks
// public — nothing about the people who wrote it.
type Showcase struct {
	ID         int64          `json:"id"`
	Service    ServiceRef     `json:"service"`
	Title      string         `json:"title"`
	Unit       UnitRef        `json:"unit"`
	UnitKind   UnitKind       `json:"unit_kind"`
	Texts      []ShowcaseText `json:"texts"`
	SelectedAt time.Time      `json:"selected_at"`
}

// ShowcaseText is one public answer of a case.
type ShowcaseText struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// ShowcaseFilter selects gallery entries.
type ShowcaseFilter struct {
	ServiceID int64
	UnitKind  UnitKind
	After     int64
	Limit     int
}

// ShowcaseService is the public gallery: no account, no reach.
type ShowcaseService interface {
	// FindShowcases lists the selected cases, newest selection first.
	FindShowcases(ctx context.Context, f ShowcaseFilter) ([]*Showcase, int, error)
	// FindShowcase returns one selected case. ENOTFOUND.
	FindShowcase(ctx context.Context, id int64) (*Showcase, error)
}
