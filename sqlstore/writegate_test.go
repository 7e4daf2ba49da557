package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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

// TestWALStartsAgain: under a steady stream of commits (64 clients
// submitting complaints) the checkpointer holds the writers now and then
// so that SQLite's log starts again from its beginning, instead of growing
// with every commit.
func TestWALStartsAgain(t *testing.T) {
	t.Cleanup(sqlstore.Checkpoints(5*time.Millisecond, 64))
	dsn := testdb.SQLite(t)
	w := newComplaintWorld(t, dsn)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if _, err := w.db.Submit(context.Background(), shishi.ComplaintInput{Category: "fees", UnitID: w.zz.ID, Anonymous: true,
					Body: fmt.Sprintf("日志回卷测试 %d-%d：某校违规收费。", c, i)}, nil); err != nil {
					errs <- err
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// 1,600 cases, each writing pages of five tables and their indexes:
	// thousands of frames, against 64 before the log starts again.
	if restarts, held := sqlstore.WALRestarts(w.db); restarts < 1 || held < 1 {
		t.Fatalf("the log started again %d times, %d passes held the writers", restarts, held)
	}
	st, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:") + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	w.db.SQL().QueryRow(`PRAGMA page_count`).Scan(&pages)
	if st.Size() > int64(pages)*4096 {
		t.Fatalf("the log (%d bytes) outgrew the database (%d pages)", st.Size(), pages)
	}
	restarts, held := sqlstore.WALRestarts(w.db)
	t.Logf("log %d KiB, database %d pages, %d restarts, %d held passes", st.Size()/1024, pages, restarts, held)
}
