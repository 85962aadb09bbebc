package otelstrata

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/strata-go/strata/routing"
)

func noopMeter() metric.MeterProvider  { return metricnoop.NewMeterProvider() }
func noopTracer() trace.TracerProvider { return tracenoop.NewTracerProvider() }

// Store wraps s so that every call is a client span named
// "strata.routing.store.<op>" (lookup, reserve, reserve_first, release, move,
// stats, rank, close_ranking) and is timed in strata.store.call.duration.
// The wrapper has exactly the optional interfaces s has (WindowReserver,
// Ranker, RankingCloser; a RankingCloser counts only on a Ranker, as
// routing looks for it), so a Router decides the same over the wrapper as
// over s. A nil s returns nil.
func (t *Telemetry) Store(s routing.Store) routing.Store {
	if s == nil {
		return nil
	}
	b := base{inner: s, t: t}
	w, isW := s.(routing.WindowReserver)
	r, isR := s.(routing.Ranker)
	c, isC := s.(routing.RankingCloser)
	switch {
	case isW && isR && isC:
		return &storeWRC{storeWR{b, window{b, w}, ranker{b, r}}, closer{b, c}}
	case isW && isR:
		return &storeWR{b, window{b, w}, ranker{b, r}}
	case isR && isC:
		return &storeRC{storeR{b, ranker{b, r}}, closer{b, c}}
	case isW:
		return &storeW{b, window{b, w}}
	case isR:
		return &storeR{b, ranker{b, r}}
	}
	return &b
}

// Unwrap returns the store a wrapper made by Store wraps, or s itself.
func Unwrap(s routing.Store) routing.Store {
	if u, ok := s.(interface{ unwrap() routing.Store }); ok {
		return u.unwrap()
	}
	return s
}

type (
	storeW struct {
		base
		window
	}
	storeR struct {
		base
		ranker
	}
	storeWR struct {
		base
		window
		ranker
	}
	storeRC struct {
		storeR
		closer
	}
	storeWRC struct {
		storeWR
		closer
	}
)

// call is one timed, traced store call.
type call struct {
	t     *Telemetry
	span  trace.Span
	start time.Time
	op    string
}

var storeSpanNames = map[string]string{}

func init() {
	for _, op := range []string{"lookup", "reserve", "reserve_first", "release", "move", "stats", "rank", "close_ranking"} {
		storeSpanNames[op] = "strata.routing.store." + op
	}
}

var clientKind = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

func (t *Telemetry) begin(ctx context.Context, op string) (context.Context, call) {
	span := noSpan
	if t.spans {
		ctx, span = t.tracer.Start(ctx, storeSpanNames[op], clientKind...)
	}
	return ctx, call{t: t, span: span, start: time.Now(), op: op}
}

// opSets are the measurement options of successful calls, by operation.
var opSets = map[string][]metric.RecordOption{}

func init() {
	for op := range storeSpanNames {
		opSets[op] = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("strata.operation", op)))}
	}
}

// end records the call's duration and error. ErrOverCapacity and
// ErrUnknownItem are answers, not failures: they are recorded on the span
// as its strata.outcome, and the status stays unset.
func (c call) end(ctx context.Context, err error) {
	d := time.Since(c.start).Seconds()
	et := ErrorType(err)
	switch et {
	case "":
		c.t.storeCalls.Record(ctx, d, opSets[c.op]...)
	case "over_capacity", "unknown_item":
		c.t.storeCalls.Record(ctx, d, opSets[c.op]...)
		if c.span.IsRecording() {
			c.span.SetAttributes(attribute.String("strata.outcome", et))
		}
	default:
		c.t.storeCalls.Record(ctx, d, metric.WithAttributes(attribute.String("strata.operation", c.op), attribute.String("error.type", et)))
		if c.span.IsRecording() {
			c.span.SetStatus(codes.Error, et)
			c.span.SetAttributes(attribute.String("error.type", et))
		}
	}
	c.span.End()
}

// base wraps the methods every Store has.
type base struct {
	inner routing.Store
	t     *Telemetry
}

func (b *base) unwrap() routing.Store { return b.inner }

func (b *base) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	ctx, c := b.t.begin(ctx, "reserve")
	a, created, err := b.inner.Reserve(ctx, r)
	c.end(ctx, err)
	return a, created, err
}

func (b *base) Release(ctx context.Context, item string) (routing.Assignment, error) {
	ctx, c := b.t.begin(ctx, "release")
	a, err := b.inner.Release(ctx, item)
	c.end(ctx, err)
	return a, err
}

func (b *base) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	ctx, c := b.t.begin(ctx, "move")
	a, err := b.inner.Move(ctx, item, agent, capacity, at)
	c.end(ctx, err)
	return a, err
}

func (b *base) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	ctx, c := b.t.begin(ctx, "lookup")
	a, ok, err := b.inner.Lookup(ctx, item)
	c.end(ctx, err)
	return a, ok, err
}

func (b *base) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	ctx, c := b.t.begin(ctx, "stats")
	out, err := b.inner.Stats(ctx, agents, since, dst)
	c.end(ctx, err)
	return out, err
}

type window struct {
	b base
	w routing.WindowReserver
}

func (w window) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	ctx, c := w.b.t.begin(ctx, "reserve_first")
	if c.span.IsRecording() {
		c.span.SetAttributes(attribute.Int("strata.window", len(o.Window)), attribute.String("strata.pool", o.Pool))
	}
	a, created, err := w.w.ReserveFirst(ctx, o)
	c.end(ctx, err)
	return a, created, err
}

func (w window) Width() int { return w.w.Width() }

type ranker struct {
	b base
	r routing.Ranker
}

func (r ranker) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	ctx, c := r.b.t.begin(ctx, "rank")
	out, err := r.r.Rank(ctx, k, skip, n, dst)
	c.end(ctx, err)
	return out, err
}

type closer struct {
	b base
	c routing.RankingCloser
}

func (c closer) CloseRanking(ctx context.Context, k *routing.Ranking) error {
	ctx, cl := c.b.t.begin(ctx, "close_ranking")
	err := c.c.CloseRanking(ctx, k)
	cl.end(ctx, err)
	return err
}
