package sqlstore

import (
	"context"
	"time"
)

// CountGeneration lets the tests see whether a write moved the list
// totals' cache generation.
func CountGeneration(d *DB) uint64 { return d.counts.gen.Load() }

// MigrateTo moves the schema up or down to version (tests of a migration's
// data).
func MigrateTo(ctx context.Context, d *DB, version int64) error {
	p, err := d.migrator()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// HoldWrite takes the write gate until release is called.
func HoldWrite(d *DB) (release func(), err error) {
	return d.enterWrite(context.Background())
}

// DrawTracking replaces the draw of tracking codes until restore is
// called (tests of a code already taken); f hears the characters the
// batch's codes share.
func DrawTracking(f func(shared string) (code, secret string)) (restore func()) {
	old := drawTracking
	drawTracking = f
	return func() { drawTracking = old }
}

// NewTracking is the draw DrawTracking replaces.
var NewTracking = newTracking

// Checkpoints sets the checkpointer's period and the log length past
// which it holds the writers, for the databases opened until restore is
// called (a checkpointer reads both when its database opens).
func Checkpoints(every time.Duration, frames int) (restore func()) {
	oldEvery, oldFrames := checkpointEvery, walRestartFrames
	checkpointEvery, walRestartFrames = every, frames
	return func() { checkpointEvery, walRestartFrames = oldEvery, oldFrames }
}

// WALRestarts is how often the checkpointer saw the log start again, and
// how many of its passes held the writers.
func WALRestarts(d *DB) (restarts, held int64) { return d.walRestarts.Load(), d.walHeld.Load() }

// Queued is how many public submissions wait for the writer's next batch.
func Queued(d *DB) int {
	if d.submit == nil {
		return 0
	}
	return len(d.submit.ch)
}
