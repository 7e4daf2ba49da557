// Package shishi holds the domain of Shishi (实事), the platform that runs a
// public-service commitment campaign ("我为群众办实事"): its types, the rules
// that keep them valid, the service interfaces that the store implements and
// the error type every layer speaks.
//
// The package imports nothing of ours and only the standard library, so that
// the rules can be read, tested and reused without a database or a server.
// See DESIGN.md for the layout around it.
package shishi

// Version is set at build time with -ldflags "-X github.com/shishi-edu/shishi.Version=…".
var Version = "0.1.0-dev"

// Page asks for one page of a list read in keyset order, by id in the
// list's own direction: at most Limit rows (all when 0) after the row with
// id After (none when 0). Keyset, not OFFSET, so a page is as cheap deep
// in a list as at its head and rows added meanwhile are neither skipped
// nor repeated.
type Page struct {
	After int64
	Limit int
}
