package shishi

import (
	"context"
	"time"
)

// ScheduleService lets periodic work run once per period across every
// server process sharing the database: a run is claimed in the database,
// so two processes never run the same job at the same time and a restart
// does not run it twice.
type ScheduleService interface {
	// ClaimRun claims job name if it last ran more than every ago (or
	// never), holding it for lease; false when another process has it or
	// it ran recently.
	ClaimRun(ctx context.Context, name string, every, lease time.Duration) (bool, error)
	// FinishRun records the end of a claimed run.
	FinishRun(ctx context.Context, name string, runErr error) error
}

// ReminderService sends the ledger's reminders (催报 / 催办) as notices.
type ReminderService interface {
	// SendReminders notifies lead units' operators of due and missing
	// reports and of deadlines within soon, once per item and subject; it
	// returns how many notices it wrote.
	SendReminders(ctx context.Context, soon time.Duration) (int, error)
}

// FiguresJob is the periodic job that runs RefreshFigures. A write that
// leaves items to derive (an import, a unit renamed) makes it due at once
// rather than at its next hour.
const FiguresJob = "ledger.figures"

// FiguresService keeps the ledger's stored figures current as days pass.
type FiguresService interface {
	// RefreshFigures re-derives the figures of the items whose figures a
	// day change has made stale (a month begins, a report falls due, a
	// deadline passes) or that were never derived; it returns how many.
	RefreshFigures(ctx context.Context) (int, error)
}
