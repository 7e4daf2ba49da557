package workday

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/shishi-edu/shishi"
)

// Watched is a calendar read from an override file that follows the file:
// when an admin drops next year's dates into it, the running server picks
// them up within a minute, without a restart. A file that does not parse
// leaves the last good calendar in force and reports why through OnError.
type Watched struct {
	path    string
	every   time.Duration
	OnError func(error)

	mu      sync.Mutex
	cal     *Calendar
	mod     time.Time
	size    int64
	checked time.Time
}

// Watch builds the calendar from path (which need not exist yet) and
// re-reads it when its modification time or size changes, checking at most
// once per every.
func Watch(path string, every time.Duration) (*Watched, error) {
	w := &Watched{path: path, every: every}
	if err := w.load(time.Now()); err != nil {
		return nil, err
	}
	return w, nil
}

// load reads the file if it changed; the caller holds mu (or is Watch).
func (w *Watched) load(now time.Time) error {
	w.checked = now
	st, err := os.Stat(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		if w.cal == nil || !w.mod.IsZero() {
			c, err := New(nil)
			if err != nil {
				return err
			}
			w.cal, w.mod, w.size = c, time.Time{}, 0
		}
		return nil
	} else if err != nil {
		return err
	}
	if w.cal != nil && st.ModTime().Equal(w.mod) && st.Size() == w.size {
		return nil
	}
	f, err := os.Open(w.path)
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := New(f)
	if err != nil {
		return err
	}
	w.cal, w.mod, w.size = c, st.ModTime(), st.Size()
	return nil
}

// Calendar returns the calendar in force, re-reading the file if it is due.
func (w *Watched) Calendar() *Calendar {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now := time.Now(); now.Sub(w.checked) >= w.every {
		if err := w.load(now); err != nil && w.OnError != nil {
			w.OnError(err)
		}
	}
	return w.cal
}

// Add implements shishi.Calendar.
func (w *Watched) Add(d shishi.Date, n int) shishi.Date { return w.Calendar().Add(d, n) }

// Between implements shishi.Calendar.
func (w *Watched) Between(a, b shishi.Date) int { return w.Calendar().Between(a, b) }

var _ shishi.Calendar = (*Watched)(nil)
