package sqlstore

import (
	"context"
	"sync"
	"time"

	"github.com/shishi-edu/shishi"
)

// typeCache keeps credential types, their fields decoded, for the public
// certificate query: it answers each query with the type's field list, and
// decoding the stored JSON again for every query was a quarter of its
// CPU. A type is written once (CreateType) and never edited; CreateType
// forgets the cache anyway, so that a type change made by this process is
// seen at once, and an entry lives typeTTL at most for writers in other
// processes (a restore, the command line). Entries are shared: callers
// read them and never change them.
type typeCache struct {
	mu sync.Mutex
	m  map[string]cachedType
}

type cachedType struct {
	t    *shishi.CredentialType
	when time.Time
}

const (
	typeTTL  = 5 * time.Second
	maxTypes = 1024
)

// forget drops every entry: called after a type is written.
func (c *typeCache) forget() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// publicType is findType (unscoped, as the public side reads it) through
// the cache. Unknown codes are not cached.
func (d *DB) publicType(ctx context.Context, code string) (*shishi.CredentialType, error) {
	c := &d.types
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[code]
	c.mu.Unlock()
	if ok && now.Sub(e.when) < typeTTL {
		return e.t, nil
	}
	t, err := d.findType(ctx, d.read(), code, false)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxTypes {
		c.m = map[string]cachedType{}
	}
	c.m[code] = cachedType{t, now}
	c.mu.Unlock()
	return t, nil
}
