package otelstrata

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// ScopeName is the instrumentation scope of every meter and tracer this
// package makes.
const ScopeName = "github.com/strata-go/strata/examples/service/otelstrata"

// Telemetry turns Strata's events into OpenTelemetry metrics and spans. Make
// one with New; it is safe for concurrent use.
type Telemetry struct {
	tracer      trace.Tracer
	decisions   metric.Int64Counter
	duration    metric.Float64Histogram
	storeErrors metric.Int64Counter
	lostRaces   metric.Int64Counter
	storeCalls  metric.Float64Histogram
	// spans is false for the OpenTelemetry no-op tracer provider: Start
	// and the store wrapper then open no span at all (a no-op span still
	// costs a context and two allocations per call).
	spans     bool
	sets      atomic.Pointer[map[setKey]*attrs] // copied on write: reads take no lock and allocate nothing
	setsMu    sync.Mutex                        // serializes writers of sets
	spanNames sync.Map                          // [2]string{package, op} → span name
}

// attrs is an attribute set with the measurement options that carry it,
// built once: metric.WithAttributeSet allocates on every call.
type attrs struct {
	set attribute.Set
	add []metric.AddOption
	rec []metric.RecordOption
}

func newAttrs(set attribute.Set) *attrs {
	o := metric.WithAttributeSet(set)
	return &attrs{set: set, add: []metric.AddOption{o}, rec: []metric.RecordOption{o}}
}

// maxSets bounds the cache of attribute sets: routing's pools and rules
// come from its configuration, which a PUT may replace any number of times.
// Events beyond it build their set each time.
const maxSets = 4096

// New makes a Telemetry that records metrics through mp and spans through
// tp. A nil provider records nothing of its kind (the OpenTelemetry no-op
// providers).
func New(mp metric.MeterProvider, tp trace.TracerProvider) (*Telemetry, error) {
	if mp == nil {
		mp = noopMeter()
	}
	if tp == nil {
		tp = noopTracer()
	}
	m := mp.Meter(ScopeName)
	_, noop := tp.(tracenoop.TracerProvider)
	t := &Telemetry{tracer: tp.Tracer(ScopeName), spans: !noop}
	var errs [5]error
	t.decisions, errs[0] = m.Int64Counter("strata.decisions", metric.WithUnit("{decision}"),
		metric.WithDescription("Operations Strata's engines performed (routes, releases, classifications …), by outcome and labels."))
	t.duration, errs[1] = m.Float64Histogram("strata.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("How long Strata's operations took."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	t.storeErrors, errs[2] = m.Int64Counter("strata.store.errors", metric.WithUnit("{error}"),
		metric.WithDescription("Failed calls to the routing store."))
	t.lostRaces, errs[3] = m.Int64Counter("strata.store.lost_races", metric.WithUnit("{candidate}"),
		metric.WithDescription("Candidates passed over because a concurrent request took their capacity first."))
	t.storeCalls, errs[4] = m.Float64Histogram("strata.store.call.duration", metric.WithUnit("s"),
		metric.WithDescription("How long calls to the routing store took."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return t, nil
}

// durationBuckets are histogram bounds in seconds, from 25 µs to 10 s: a
// Route on a memory store takes tens of microseconds, one on PostgreSQL a
// few milliseconds.
var durationBuckets = []float64{0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Observer returns the strata.Observer to pass to the engines' WithObserver
// options. Each event counts in strata.decisions and strata.operation.duration
// (store events in strata.store.errors and strata.store.lost_races instead),
// and annotates the span in ctx, if any: a Route's outcome, pool and rule
// become attributes of the span Start opened, a lost race a span event, a
// failure the span's error status.
func (t *Telemetry) Observer() strata.Observer {
	return t.observe
}

func (t *Telemetry) observe(ctx context.Context, e strata.Event) {
	if t == nil {
		return
	}
	span := trace.SpanFromContext(ctx)
	recording := span.IsRecording()
	switch {
	case e.Outcome == "lost_race":
		a := t.set(e.Package, e.Op, "", e.Labels)
		t.lostRaces.Add(ctx, 1, a.add...)
		if recording {
			span.AddEvent("strata.lost_race", trace.WithAttributes(a.set.ToSlice()...))
		}
		return
	case len(e.Op) > 6 && e.Op[:6] == "store.":
		if e.Err != nil || e.Outcome == "error" {
			kv := []attribute.KeyValue{attribute.String("strata.operation", e.Op[6:]), attribute.String("error.type", ErrorType(e.Err))}
			t.storeErrors.Add(ctx, 1, metric.WithAttributes(kv...))
			if recording {
				span.AddEvent("strata.store.error", trace.WithAttributes(kv...))
			}
		}
		return
	}
	a := t.set(e.Package, e.Op, e.Outcome, e.Labels)
	if tl, ok := ctx.Value(tallyKey{}).(*tally); !ok || !tl.count(a) {
		t.decisions.Add(ctx, 1, a.add...)
	}
	if e.Duration > 0 {
		t.duration.Record(ctx, e.Duration.Seconds(), a.rec...)
	}
	if recording {
		span.SetAttributes(a.set.ToSlice()...)
		if e.Err != nil {
			span.SetStatus(codes.Error, ErrorType(e.Err))
			span.SetAttributes(attribute.String("error.type", ErrorType(e.Err)))
		}
	}
}

// setKey identifies an attribute set for events with at most two labels
// (routing's pool and rule), so the common sets are built once.
type setKey struct {
	pkg, op, outcome string
	k0, v0, k1, v1   string
	labels           int
}

// set returns the attribute set of an event: package, operation, outcome
// (when not empty) and each label as strata.<key>. Sets of events with at
// most two labels are built once and cached (at most maxSets of them).
func (t *Telemetry) set(pkg, op, outcome string, labels []strata.Label) *attrs {
	if len(labels) > 2 {
		return newAttrs(buildSet(pkg, op, outcome, labels))
	}
	k := setKey{pkg: pkg, op: op, outcome: outcome, labels: len(labels)}
	if len(labels) > 0 {
		k.k0, k.v0 = labels[0].Key, labels[0].Value
	}
	if len(labels) > 1 {
		k.k1, k.v1 = labels[1].Key, labels[1].Value
	}
	if m := t.sets.Load(); m != nil {
		if a, ok := (*m)[k]; ok {
			return a
		}
	}
	a := newAttrs(buildSet(pkg, op, outcome, labels))
	t.setsMu.Lock()
	defer t.setsMu.Unlock()
	old := t.sets.Load()
	if old != nil && len(*old) >= maxSets {
		return a
	}
	next := make(map[setKey]*attrs, 1+lenOf(old))
	if old != nil {
		if cached, ok := (*old)[k]; ok {
			return cached
		}
		for ok, ov := range *old {
			next[ok] = ov
		}
	}
	next[k] = a
	t.sets.Store(&next)
	return a
}

func lenOf(m *map[setKey]*attrs) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

func buildSet(pkg, op, outcome string, labels []strata.Label) attribute.Set {
	kv := make([]attribute.KeyValue, 0, 3+len(labels))
	kv = append(kv, attribute.String("strata.package", pkg), attribute.String("strata.operation", op))
	if outcome != "" {
		kv = append(kv, attribute.String("strata.outcome", outcome))
	}
	for _, l := range labels {
		kv = append(kv, attribute.String("strata."+l.Key, l.Value))
	}
	return attribute.NewSet(kv...)
}

// Start opens the span of one engine operation, named
// "strata.<pkg>.<op>" (strata.routing.route, strata.tiering.classify), as a
// child of the span in ctx. The engine's events, reported on the returned
// context, annotate it; the caller ends it. With the no-op tracer provider
// it opens nothing and costs nothing: ctx comes back as it was, with a span
// that records nothing.
func (t *Telemetry) Start(ctx context.Context, pkg, op string) (context.Context, trace.Span) {
	if t == nil {
		return ctx, trace.SpanFromContext(ctx)
	}
	if !t.spans {
		return ctx, noSpan
	}
	key := [2]string{pkg, op}
	name, ok := t.spanNames.Load(key)
	if !ok {
		name = "strata." + pkg + "." + op
		t.spanNames.Store(key, name)
	}
	return t.tracer.Start(ctx, name.(string), internalKind...)
}

var internalKind = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal)}

// noSpan is the span Start and the store wrapper return for the no-op
// tracer provider: a span that records nothing (ending it ends nothing),
// while ctx keeps the caller's span context for the logs.
var noSpan trace.Span = tracenoop.Span{}

// End ends a span Start opened, with err as its error status (nil for
// success) and outcome, when not empty, as its strata.outcome attribute: for
// operations whose engine reports no event of its own.
func End(span trace.Span, outcome string, err error) {
	if span.IsRecording() {
		if outcome != "" {
			span.SetAttributes(attribute.String("strata.outcome", outcome))
		}
		if err != nil {
			span.SetStatus(codes.Error, ErrorType(err))
			span.SetAttributes(attribute.String("error.type", ErrorType(err)))
		}
	}
	span.End()
}

// ErrorType names an error for the error.type attribute, from a short fixed
// list so that it stays low-cardinality and carries no data: "canceled",
// "timeout", "over_capacity", "unknown_item", "unknown_agent", "store" (any
// other store failure), "unconfirmed" or "error".
func ErrorType(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, routing.ErrUnconfirmed):
		return "unconfirmed"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, routing.ErrOverCapacity):
		return "over_capacity"
	case errors.Is(err, routing.ErrUnknownItem):
		return "unknown_item"
	case errors.Is(err, routing.ErrUnknownAgent):
		return "unknown_agent"
	case errors.Is(err, routing.ErrStore):
		return "store"
	}
	return "error"
}

// tallyKey is the context key of a tally.
type tallyKey struct{}

// maxTallied bounds the attribute sets one tally sums; events of further
// sets are added one by one.
const maxTallied = 64

// tally sums one batch's strata.decisions increments by attribute set.
type tally struct {
	mu   sync.Mutex
	sets []*attrs
	n    []int64
}

// count adds one for a, and reports whether it could.
func (tl *tally) count(a *attrs) bool {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for i, s := range tl.sets {
		if s == a {
			tl.n[i]++
			return true
		}
	}
	if len(tl.sets) == maxTallied {
		return false
	}
	tl.sets, tl.n = append(tl.sets, a), append(tl.n, 1)
	return true
}

// Tally returns a context under which the Observer sums the
// strata.decisions increments of the events it sees, by attribute set,
// instead of adding them one by one, and a function that adds the sums
// (once, when the batch is done; ctx is the context to add them with).
// The counter ends with the same totals, series by series; they appear
// when the batch ends instead of one by one during it. Everything else the
// Observer records (durations, store errors, lost races, span attributes)
// is recorded per event as without a tally. It is for a service routing a
// batch of requests, where one Add per request was a third of the metrics'
// cost.
func (t *Telemetry) Tally(ctx context.Context) (context.Context, func(context.Context)) {
	if t == nil {
		return ctx, func(context.Context) {}
	}
	tl := &tally{}
	return context.WithValue(ctx, tallyKey{}, tl), func(ctx context.Context) {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		for i, a := range tl.sets {
			t.decisions.Add(ctx, tl.n[i], a.add...)
		}
		tl.sets, tl.n = nil, nil
	}
}
