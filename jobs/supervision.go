package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/shishi-edu/shishi"
)

// Escalation is supervision's daily job (三色督办): an overdue open
// rectification turns red and is escalated to the unit's parent, and one
// close to its deadline reminds the unit. The store decides what is due
// by its own clock, so a test moves that clock instead of waiting.
func Escalation(svc shishi.EscalationService, log *slog.Logger) Job {
	return Job{Name: "supervision.escalate", Every: 24 * time.Hour, Lease: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := svc.EscalateFindings(ctx)
		log.Info("supervision escalation", "escalated", n)
		return err
	}}
}
