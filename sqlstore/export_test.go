package sqlstore

// CountGeneration lets the tests see whether a write moved the list
// totals' cache generation.
func CountGeneration(d *DB) uint64 { return d.counts.gen.Load() }
