package shishi

import (
	"context"
	"strings"
	"time"
)

// ReportStatus is the office's verdict on a report.
type ReportStatus string

const (
	ReportSubmitted ReportStatus = "submitted" // 待审核
	ReportAccepted  ReportStatus = "accepted"  // 已通过
	ReportReturned  ReportStatus = "returned"  // 已退回
)

// Label names the status.
func (s ReportStatus) Label(en bool) string {
	n := map[ReportStatus][2]string{ReportSubmitted: {"待审核", "Submitted"}, ReportAccepted: {"已通过", "Accepted"}, ReportReturned: {"已退回", "Returned"}}[s]
	if n[0] == "" {
		return string(s)
	}
	if en {
		return n[1]
	}
	return n[0]
}

// ReportValue is a target's value as reported for the month (cumulative:
// dormitories built so far, not built this month).
type ReportValue struct {
	TargetID int64   `json:"target_id"`
	Value    Decimal `json:"value"`
}

// Report is a 进展填报: one item, one month, one version. Reports are
// append-only: a correction is a new version with a reason, and every
// version stays visible.
type Report struct {
	ID            int64         `json:"id"`
	ItemID        int64         `json:"item_id"`
	ItemTitle     string        `json:"item_title,omitempty"`
	Period        Period        `json:"period"`
	Version       int           `json:"version"`
	Narrative     string        `json:"narrative"`
	Values        []ReportValue `json:"values"`
	Reason        string        `json:"reason,omitempty"` // why this version corrects the last
	Status        ReportStatus  `json:"status"`
	ReviewComment string        `json:"review_comment,omitempty"`
	ReviewedBy    string        `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time    `json:"reviewed_at,omitempty"`
	SubmittedBy   string        `json:"submitted_by"`
	SubmittedAt   time.Time     `json:"submitted_at"`
	Late          bool          `json:"late"` // filed after the month's due day
}

// ReportInput files a report.
type ReportInput struct {
	Period    Period        `json:"period"`
	Narrative string        `json:"narrative"`
	Values    []ReportValue `json:"values"`
	Reason    string        `json:"reason"`
}

// Validate checks a report's own fields; the store checks the values
// against the item's targets.
func (in *ReportInput) Validate() error {
	var v Validator
	in.Narrative, in.Reason = strings.TrimSpace(in.Narrative), strings.TrimSpace(in.Reason)
	v.Check(in.Period.Valid(), "period", "填报月份须为 YYYY-MM / period must be a month YYYY-MM")
	checkText(&v, "narrative", in.Narrative, 1, 10000)
	checkText(&v, "reason", in.Reason, 0, 1000)
	seen := map[int64]bool{}
	for i, x := range in.Values {
		if x.TargetID <= 0 || seen[x.TargetID] {
			v.Add("values["+itoa(i)+"].target_id", "指标无效或重复 / invalid or repeated target")
		}
		seen[x.TargetID] = true
	}
	return v.Err()
}

// ReportFilter selects reports.
type ReportFilter struct {
	CampaignID int64
	ItemID     int64
	Status     ReportStatus
	After      int64 // cursor: the page starts after this report
	Limit      int
}

// ReportService files and reviews progress reports.
type ReportService interface {
	// FileReport adds a report version for an item (the lead unit's
	// operator, or the office). A second report for the same month must
	// give a reason. EINVALID, EFORBIDDEN, ECONFLICT (item not open).
	FileReport(ctx context.Context, itemID int64, in ReportInput) (*Report, error)
	// ReviewReport accepts or returns the newest version (the office); a
	// return needs a comment. EINVALID, EFORBIDDEN, ECONFLICT.
	ReviewReport(ctx context.Context, reportID int64, accept bool, comment string) (*Report, error)
	// FindReports lists a page of the reports in reach, newest period
	// first, and how many match.
	FindReports(ctx context.Context, f ReportFilter) ([]*Report, int, error)
}
