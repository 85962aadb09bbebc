// Package otelstrata reports what Strata's engines do to OpenTelemetry:
// metrics from the strata.Events every package emits through its
// WithObserver option, and spans around routing, tiering and store calls.
// The service beside it uses it; a Go host that embeds Strata can import it
// the same way:
//
//	tel, err := otelstrata.New(meterProvider, tracerProvider)
//	store := tel.Store(routing.NewMemoryStore())           // spans around every store call
//	router, err := routing.New(cfg, store, routing.WithObserver(tel.Observer()))
//	ctx, span := tel.Start(ctx, "routing", "route")          // the span the observer annotates
//	d, err := router.Route(ctx, req)
//	span.End()
//
// # Metrics
//
// Names and units follow the OpenTelemetry semantic conventions (dotted
// lower-case names in the strata namespace, UCUM units, durations in seconds
// as histograms named *.duration, errors by error.type):
//
//	strata.decisions            counter {decision}  every Route, Release, Reassign, Classify …
//	                                                 by strata.package, strata.operation,
//	                                                 strata.outcome and the event's labels
//	                                                 (strata.pool, strata.rule, strata.tier …)
//	strata.operation.duration   histogram s          the same operations' durations
//	strata.store.errors         counter {error}      store failures by strata.operation
//	                                                 (lookup, reserve …) and error.type
//	strata.store.lost_races     counter {candidate}  candidates of a window passed over for a
//	                                                 concurrent request, by strata.pool, strata.rule
//	strata.store.call.duration  histogram s          store calls made through Store, by
//	                                                 strata.operation and error.type
//
// Under a context from Tally (a batch of requests), strata.decisions is
// summed per series and added when the batch ends: the same totals, one
// Add per series instead of one per decision.
//
// Attribute values come from configuration names and outcomes only, so the
// number of series is bounded by the configuration; no item, customer or
// contact value is ever an attribute, on a metric or on a span.
//
// # Spans
//
// Start opens a span named "strata.<package>.<op>" (strata.routing.route,
// strata.tiering.classify); the Observer, called by the engine on the same
// context, adds the outcome and labels to it and records its error. Store
// wraps a routing.Store so every call is a child span
// (strata.routing.store.reserve_first …) and keeps the optional interfaces
// the store has: a Router finds WindowReserver, Ranker and RankingCloser on
// the wrapper exactly when the wrapped store has them.
//
// # Concurrency
//
// A Telemetry is safe for concurrent use; its Observer may be shared by any
// number of engines.
package otelstrata
