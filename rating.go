package shishi

import (
	"context"
	"strings"
	"time"
)

// ItemRating is a citizen's satisfaction rating (满意度评价) of a completed
// item: a score of 1–5 and an optional comment. The rater stays unknown:
// the store keeps only a keyed hash of their address, enough to hold one
// rating per person and item within RatingWindow.
type ItemRating struct {
	ID        int64     `json:"id"`
	ItemID    int64     `json:"item_id"`
	Score     int       `json:"score"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// Rating limits: one rating per person and item within RatingWindow, and
// at most RatingsPerDay ratings from one address a day.
const (
	RatingWindow  = 30 * 24 * time.Hour
	RatingsPerDay = 20
	// Satisfied is the lowest score that counts as satisfied (4 满意, 5 非常满意).
	Satisfied = 4
)

// Rateable reports whether the public may rate an item in status s: once
// its closure is requested, and after it is closed.
func Rateable(s ItemStatus) bool { return s == StatusClosureRequested || s == StatusClosed }

// RatingInput is a rating as submitted.
type RatingInput struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// Validate checks a rating.
func (in *RatingInput) Validate() error {
	var v Validator
	in.Comment = strings.TrimSpace(in.Comment)
	v.Check(in.Score >= 1 && in.Score <= 5, "score", "请选择 1–5 分 / choose a score of 1–5")
	checkText(&v, "comment", in.Comment, 0, 500)
	return v.Err()
}

// RatingSummary sums an item's (or a unit's) ratings.
type RatingSummary struct {
	Count     int `json:"count"`
	Satisfied int `json:"satisfied"`
	// Average score and share satisfied (percent), two decimals; nil
	// without ratings.
	Average          *float64 `json:"average"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

// Sum fills the derived figures from Count, Satisfied and the score total.
func (s *RatingSummary) Sum(total int) {
	if s.Count == 0 {
		s.Average, s.SatisfactionRate = nil, nil
		return
	}
	a, r := Round2(float64(total)/float64(s.Count)), Round2(float64(s.Satisfied)*100/float64(s.Count))
	s.Average, s.SatisfactionRate = &a, &r
}

// RatingFloor is a campaign office's condition for closing an item: at
// least MinCount ratings of which at least Floor percent satisfied. A zero
// floor sets no condition.
type RatingFloor struct {
	Floor    int `json:"floor"`
	MinCount int `json:"min_count"`
}

// Validate checks a floor.
func (f *RatingFloor) Validate() error {
	var v Validator
	v.Check(f.Floor >= 0 && f.Floor <= 100, "floor", "须为 0–100 / must be 0–100")
	v.Check(f.MinCount >= 0 && f.MinCount <= 10000, "min_count", "须为 0–10000 / must be 0–10000")
	return v.Err()
}

// Check says whether an item with summary s may be closed under f.
func (f RatingFloor) Check(s RatingSummary) error {
	if f.Floor == 0 {
		return nil
	}
	if s.Count < max(f.MinCount, 1) {
		return Errorf(ECONFLICT, "群众满意度评价不足 %d 条（现有 %d 条），暂不能销号 / the office requires %d public ratings before closing (there are %d)", max(f.MinCount, 1), s.Count, max(f.MinCount, 1), s.Count)
	}
	if s.SatisfactionRate != nil && *s.SatisfactionRate < float64(f.Floor) {
		return Errorf(ECONFLICT, "群众满意率 %.2f%% 低于活动办设定的 %d%%，暂不能销号 / satisfaction %.2f%% is below the office's floor of %d%%", *s.SatisfactionRate, f.Floor, *s.SatisfactionRate, f.Floor)
	}
	return nil
}

// RatingService takes and sums the public's ratings.
type RatingService interface {
	// RateItem records a rating from the client (an opaque identity of
	// the rater, e.g. their address). EINVALID, ENOTFOUND (not a public
	// item), ECONFLICT (not rateable yet, or rated by this client within
	// the window), ETOOMANY (too many ratings from this client today).
	RateItem(ctx context.Context, itemID int64, client string, in RatingInput) (*ItemRating, error)
	// ItemRatings sums a public item's ratings. ENOTFOUND.
	ItemRatings(ctx context.Context, itemID int64) (*RatingSummary, error)
	// UnitRatings sums the ratings of each lead unit's public items, by
	// unit name.
	UnitRatings(ctx context.Context, campaignID int64) (map[string]RatingSummary, error)
	// RatingFloor returns a campaign's floor (zero when none is set).
	RatingFloor(ctx context.Context, campaignID int64) (RatingFloor, error)
	// SetRatingFloor sets it (the campaign's office). EINVALID, EFORBIDDEN.
	SetRatingFloor(ctx context.Context, campaignID int64, f RatingFloor) error
}
