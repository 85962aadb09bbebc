package strata

import (
	"context"
	"time"
)

// Event describes one operation a Strata engine performed, for a host's
// observers: metrics, traces, audit trails. Every package reports through
// the same shape, so one adapter (the OpenTelemetry one, a Prometheus
// exporter, a test recorder) serves them all.
//
// An Event never carries personal data: Labels hold configuration names
// (pool, rule, tier, role) and outcomes, and Detail holds the package's own
// result type, whose fields follow the same rule.
type Event struct {
	// Package is the reporting package: "routing", "tiering", "scoring",
	// "compliance".
	Package string
	// Op is the operation: "route", "release", "reassign", "classify_all",
	// "score_all", "decide", "redact", "store.reserve".
	Op string
	// Outcome is a low-cardinality result: "assigned", "deferred",
	// "unassigned", "allowed", "denied", "lost_race", "error".
	Outcome string
	// Labels are further low-cardinality attributes (pool, rule, tier,
	// role), sorted by key.
	Labels []Label
	// Start is when the operation began, from the host's clock as the
	// package saw it, and Duration how long it took.
	Start    time.Time
	Duration time.Duration
	// Err is the error the operation returned, if any.
	Err error
	// Detail is the package's full result, for observers that want it:
	// *routing.Decision, compliance.AuditEvent … It must not be retained
	// or modified after the observer returns.
	Detail any
}

// Label is one attribute of an Event.
type Label struct {
	Key   string
	Value string
}

// Observer receives Events. It is called synchronously on the goroutine
// that did the work, so it must be fast and safe for concurrent use; it
// must not call back into the engine that reported.
type Observer func(ctx context.Context, e Event)

// DataSource says where a built-in table comes from, so a host can log and
// audit the reference data its decisions rest on.
type DataSource struct {
	// Table names the data: "ISO 3166-1 country codes", "public holidays (DE)".
	Table string `json:"table"`
	// Source is the publisher and publication: "Unicode CLDR", "IANA tz
	// database", "State Council notice 国办发明电〔2025〕7号".
	Source string `json:"source"`
	// Version is the release or edition: "48.2.0", "2025b".
	Version string `json:"version"`
	// License is the licence the data is used under.
	License string `json:"license,omitempty"`
	// URL is where the source can be read.
	URL string `json:"url,omitempty"`
	// Checked is the date the data was last checked against its source.
	Checked Date `json:"checked,omitzero"`
}
