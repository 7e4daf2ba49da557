package sqlstore

import "github.com/shishi-edu/shishi"

// TrackingHash is how a complaint's tracking secret is kept at rest (a
// SHA-256 of code and secret). The dataset generator (bench/gen) writes
// cases in bulk and uses it so that its cases can be tracked like any
// other.
func TrackingHash(code, secret string) string { return secretHash(code, secret) }

// FoldPlan is a plan as a target's row keeps it (shishi gen writes the rows).
func FoldPlan(plan []shishi.PlanPoint) string { return foldPlan(plan) }
