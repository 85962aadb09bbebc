package otelstrata_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/examples/service/otelstrata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

func setup(t *testing.T) (*otelstrata.Telemetry, *sdkmetric.ManualReader, *tracetest.SpanRecorder) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	tel, err := otelstrata.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)))
	require.NoError(t, err)
	return tel, reader, spans
}

// sums returns every counter's data points as "metric attrs" → value.
func sums(t *testing.T, r *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(t.Context(), &rm))
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range s.DataPoints {
					out[m.Name+" "+dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Value
				}
			}
		}
	}
	return out
}

func TestObserverMetricsAndSpans(t *testing.T) {
	tel, reader, spans := setup(t)
	obs := tel.Observer()
	ctx, span := tel.Start(t.Context(), "routing", "route")
	labels := []strata.Label{{Key: "pool", Value: "europe"}, {Key: "rule", Value: "eu"}}
	obs(ctx, strata.Event{Package: "routing", Op: "store.reserve", Outcome: "lost_race", Labels: labels})
	obs(ctx, strata.Event{Package: "routing", Op: "store.lookup", Outcome: "error", Err: routing.StoreError("lookup", context.DeadlineExceeded)})
	obs(ctx, strata.Event{Package: "routing", Op: "route", Outcome: "assigned", Labels: labels, Duration: time.Millisecond})
	span.End()
	obs(t.Context(), strata.Event{Package: "routing", Op: "route", Outcome: "assigned", Labels: labels, Duration: time.Millisecond})

	got := sums(t, reader)
	assert.Equal(t, map[string]int64{
		"strata.decisions strata.operation=route,strata.outcome=assigned,strata.package=routing,strata.pool=europe,strata.rule=eu": 2,
		"strata.store.lost_races strata.operation=store.reserve,strata.package=routing,strata.pool=europe,strata.rule=eu":          1,
		"strata.store.errors error.type=timeout,strata.operation=lookup":                                                           1,
	}, got)

	ended := spans.Ended()
	require.Len(t, ended, 1)
	assert.Equal(t, "strata.routing.route", ended[0].Name())
	attrs := map[attribute.Key]string{}
	for _, kv := range ended[0].Attributes() {
		attrs[kv.Key] = kv.Value.String()
	}
	assert.Equal(t, "assigned", attrs["strata.outcome"])
	assert.Equal(t, "europe", attrs["strata.pool"])
	var events []string
	for _, e := range ended[0].Events() {
		events = append(events, e.Name)
	}
	assert.Equal(t, []string{"strata.lost_race", "strata.store.error"}, events)
}

// bare is a Store with none of the optional interfaces.
type bare struct{ routing.Store }

// windowOnly is a Store that reserves windows but keeps no lines.
type windowOnly struct {
	routing.Store
	routing.WindowReserver
}

// TestStoreKeepsOptionalInterfaces: the wrapper has exactly the optional
// interfaces of the store it wraps.
func TestStoreKeepsOptionalInterfaces(t *testing.T) {
	tel, _, _ := setup(t)
	mem := routing.NewMemoryStore()
	for _, tt := range []struct {
		name                   string
		store                  routing.Store
		window, ranker, closer bool
	}{
		{"memory store", mem, true, true, true},
		{"bare", bare{mem}, false, false, false},
		{"window only", windowOnly{mem, mem}, true, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := tel.Store(tt.store)
			_, isW := w.(routing.WindowReserver)
			_, isR := w.(routing.Ranker)
			_, isC := w.(routing.RankingCloser)
			assert.Equal(t, []bool{tt.window, tt.ranker, tt.closer}, []bool{isW, isR, isC})
			assert.Equal(t, tt.store, otelstrata.Unwrap(w))
		})
	}
	assert.Nil(t, tel.Store(nil))
}

// TestStoreConformance: the wrapped memory store passes the store
// conformance suite, spans and all.
func TestStoreConformance(t *testing.T) {
	tel, _, spans := setup(t)
	routingtest.TestStore(t, func(testing.TB) routing.Store { return tel.Store(routing.NewMemoryStore()) })
	assert.NotEmpty(t, spans.Ended())
}

func TestErrorType(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{routing.ErrOverCapacity, "over_capacity"},
		{routing.StoreError("reserve", context.Canceled), "canceled"},
		{routing.StoreError("reserve", assert.AnError), "store"},
		{assert.AnError, "error"},
	} {
		assert.Equal(t, tt.want, otelstrata.ErrorType(tt.err), "%v", tt.err)
	}
}

// TestNoopTracerCostsNothing: with the no-op tracer provider Start opens no
// span (ctx comes back as it was) and an event costs no allocation once its
// attribute set is cached; with a real provider Start opens a child span.
func TestNoopTracerCostsNothing(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	tel, err := otelstrata.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), tracenoop.NewTracerProvider())
	require.NoError(t, err)
	ctx := t.Context()
	got, span := tel.Start(ctx, "routing", "route")
	assert.Equal(t, ctx, got, "no span in the context")
	assert.False(t, span.IsRecording())
	span.End()
	obs := tel.Observer()
	ev := strata.Event{Package: "routing", Op: "route", Outcome: "assigned", Duration: time.Millisecond,
		Labels: []strata.Label{{Key: "pool", Value: "europe"}, {Key: "rule", Value: "eu"}}}
	obs(ctx, ev)
	allocs := testing.AllocsPerRun(100, func() { obs(ctx, ev) })
	assert.Zero(t, allocs, "an event with a cached attribute set allocates nothing")
	assert.Equal(t, int64(102), sums(t, reader)["strata.decisions strata.operation=route,strata.outcome=assigned,strata.package=routing,strata.pool=europe,strata.rule=eu"])

	tel, _, spans := setup(t)
	_, span = tel.Start(ctx, "routing", "route")
	assert.True(t, span.IsRecording())
	span.End()
	require.Len(t, spans.Ended(), 1)
	assert.Equal(t, "strata.routing.route", spans.Ended()[0].Name())
}

// TestTally: decisions observed under a Tally add up to the same counter
// series as decisions observed one by one, and appear when it is flushed;
// durations are recorded per event all the same.
func TestTally(t *testing.T) {
	events := func(yield func(strata.Event) bool) {
		for i := range 300 {
			e := strata.Event{Package: "routing", Op: "route", Outcome: "assigned", Duration: time.Millisecond,
				Labels: []strata.Label{{Key: "pool", Value: []string{"europe", "asia", "americas"}[i%3]}}}
			if i%7 == 0 {
				e.Outcome, e.Labels = "unassigned", nil
			}
			if i%3 == 1 { // 100 distinct sets, more than a tally sums: the rest are added one by one
				e.Labels = []strata.Label{{Key: "rule", Value: "r" + strconv.Itoa(i)}}
			}
			if !yield(e) {
				return
			}
		}
	}
	direct, directReader, _ := setup(t)
	for e := range events {
		direct.Observer()(t.Context(), e)
	}
	tallied, tallyReader, _ := setup(t)
	ctx, flush := tallied.Tally(t.Context())
	for e := range events {
		tallied.Observer()(ctx, e)
	}
	before := sums(t, tallyReader)
	flush(t.Context())
	want := sums(t, directReader)
	assert.Equal(t, want, sums(t, tallyReader))
	assert.Less(t, total(before), total(want), "the tallied counts appeared before the flush")
	assert.Equal(t, histogramCount(t, directReader), histogramCount(t, tallyReader), "durations are recorded per event")
	flush(t.Context()) // a second flush adds nothing
	assert.Equal(t, want, sums(t, tallyReader))
}

func total(m map[string]int64) (n int64) {
	for _, v := range m {
		n += v
	}
	return n
}

// histogramCount is the number of values strata.operation.duration holds.
func histogramCount(t *testing.T, r *sdkmetric.ManualReader) (n uint64) {
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(t.Context(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == "strata.operation.duration" {
				for _, dp := range h.DataPoints {
					n += dp.Count
				}
			}
		}
	}
	return n
}
