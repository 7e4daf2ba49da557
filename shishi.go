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
