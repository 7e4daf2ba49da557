package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// countCache keeps the totals of list queries (a page's count(*)) between
// writes. A count over a national campaign reads hundreds of thousands of
// index entries, more than the page itself by far, and lists ask for it on
// every page. Every write transaction of this process that may change what
// a list counts moves the store's generation — d.tx does, whatever it
// writes; only writes known to touch none of the tables a count reads
// leave it (d.txOutsideLists: notices and reminders; the queue's own
// bookkeeping; the complaints' group commit) — and a cached total is used
// only in the generation it was counted in: a writer's own next read
// always counts afresh. What this process cannot see — another process
// writing the same database (the command line importing into a live
// SQLite store, a second server on PostgreSQL) — is bounded by countTTL.
// The key is the statement and its arguments, the actor's reach included,
// so no total crosses from one reach to another.
//
// When a total expires (or a write moves the generation) under load, every
// request in flight misses at once; one of them counts and the others of
// the same generation wait for its figure (singleflight), instead of 64
// counts of the same rows racing each other.
type countCache struct {
	gen    atomic.Uint64
	mu     sync.Mutex
	m      map[string]cachedCount
	at     uint64 // the generation m holds
	flight singleflight.Group
}

type cachedCount struct {
	n    int
	when time.Time
}

const (
	countTTL      = 5 * time.Second
	maxCounts     = 4096
	maxCountedKey = 16384
)

// wrote moves the generation: called after every committed write.
func (c *countCache) wrote() { c.gen.Add(1) }

// count runs query (a single count) through the cache.
func (d *DB) count(ctx context.Context, query string, q args) (int, error) {
	c := &d.counts
	gen := c.gen.Load()
	var b strings.Builder
	b.WriteString(query)
	for _, a := range q {
		fmt.Fprintf(&b, "\x00%T:%v", a, a)
	}
	key := b.String()
	now := time.Now()
	if len(key) <= maxCountedKey {
		c.mu.Lock()
		if c.at == gen {
			if v, ok := c.m[key]; ok && now.Sub(v.when) < countTTL {
				c.mu.Unlock()
				return v.n, nil
			}
		}
		c.mu.Unlock()
	}
	if len(key) > maxCountedKey {
		var n int
		err := d.read().QueryRowContext(ctx, query, q...).Scan(&n)
		return n, err
	}
	// Keyed by the generation too: a read after this process's write
	// never joins a count that began before it.
	v, err, _ := c.flight.Do(strconv.FormatUint(gen, 10)+"\x00"+key, func() (any, error) {
		var n int
		if err := d.read().QueryRowContext(context.WithoutCancel(ctx), query, q...).Scan(&n); err != nil {
			return 0, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.m == nil || c.at != gen || len(c.m) >= maxCounts {
			if c.at > gen { // a newer generation already fills the cache
				return n, nil
			}
			c.m, c.at = map[string]cachedCount{}, gen
		}
		if c.gen.Load() == gen {
			c.m[key] = cachedCount{n, now}
		}
		return n, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}
