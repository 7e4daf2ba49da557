package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/sqlstore"
)

// TestWriteGate: on SQLite a write waits at the process's write gate; a
// caller that gives up while waiting gets its context's error and stores
// nothing; once the gate is free the same write lands.
func TestWriteGate(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	c, err := w.db.CreateCampaign(w.sys, shishi.CampaignInput{UnitID: w.ha.ID, Name: "闸", StartsOn: "2026-01-01", EndsOn: "2026-12-31", Tiers: []string{"重点事项"}})
	if err != nil {
		t.Fatal(err)
	}
	in := shishi.ItemInput{TierID: c.Tiers[0].ID, Code: "G-1", Title: "排队", LeadUnitID: w.zz.ID, Deadline: "2026-12-31"}
	release, err := sqlstore.HoldWrite(w.db)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(w.sys, 50*time.Millisecond)
	defer cancel()
	if _, err := w.db.CreateItem(ctx, c.ID, in); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a write behind a held gate: %v", err)
	}
	if _, total, err := w.db.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID}); err != nil || total != 0 {
		t.Fatalf("items after the refused write: %d %v", total, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := w.db.CreateItem(w.sys, c.ID, in)
		done <- err
	}()
	release()
	if err := <-done; err != nil {
		t.Fatalf("the write once the gate is free: %v", err)
	}
	if _, total, err := w.db.FindItems(w.sys, shishi.ItemFilter{CampaignID: c.ID}); err != nil || total != 1 {
		t.Fatalf("items after the write: %d %v", total, err)
	}
}
