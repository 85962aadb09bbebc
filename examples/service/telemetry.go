package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/strata-go/strata/examples/service/otelstrata"
)

// telemetry is the service's metrics and traces: OpenTelemetry
// instruments, read by a Prometheus exporter at /metrics, and spans sent by
// OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, the standard variables; no
// spans are made otherwise.
type telemetry struct {
	strata       *otelstrata.Telemetry
	tracer       trace.Tracer
	metrics      http.Handler
	httpDuration metric.Float64Histogram
	httpSets     sync.Map // httpKey → attribute.Set
	mp           metric.MeterProvider
	tracing      bool // spans are exported
	stop         []func(context.Context) error
}

func newTelemetry(ctx context.Context) (*telemetry, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	res := resource.NewSchemaless(semconv.ServiceName("strata-service"))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
	t := &telemetry{mp: mp, metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), stop: []func(context.Context) error{mp.Shutdown}}
	var tp trace.TracerProvider = tracenoop.NewTracerProvider()
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		te, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, err
		}
		sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(te), sdktrace.WithResource(res))
		tp, t.tracing = sdk, true
		t.stop = append(t.stop, sdk.Shutdown)
	}
	t.tracer = tp.Tracer(otelstrata.ScopeName)
	if t.strata, err = otelstrata.New(mp, tp); err != nil {
		return nil, err
	}
	m := mp.Meter(otelstrata.ScopeName)
	t.httpDuration, err = m.Float64Histogram("http.server.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP server requests."),
		metric.WithExplicitBucketBoundaries(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
	if err != nil {
		return nil, err
	}
	return t, nil
}

// queueGauge reports the requests waiting for a concurrency slot.
func (t *telemetry) queueGauge(waiting func() int64) error {
	_, err := t.mp.Meter(otelstrata.ScopeName).Int64ObservableGauge("strata.service.queue.depth", metric.WithUnit("{request}"),
		metric.WithDescription("Requests waiting for one of the -max-concurrent slots."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(waiting())
			return nil
		}))
	return err
}

var serverKind = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}

// startServer opens the server span of r, named name, continuing the
// caller's W3C trace context. Without an exporter it opens nothing: the
// context keeps the caller's span context, if any (the logs name its trace),
// and the span returned records nothing.
func (t *telemetry) startServer(r *http.Request, name string) (context.Context, trace.Span) {
	ctx := r.Context()
	if _, ok := r.Header["Traceparent"]; ok {
		ctx = propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
	}
	if !t.tracing {
		return ctx, trace.SpanFromContext(ctx)
	}
	return t.tracer.Start(ctx, name, serverKind...)
}

// statuses are the statuses the API answers with, whose metric attribute
// sets are built with the endpoint.
var statuses = []int{200, 400, 401, 403, 404, 409, 412, 413, 422, 500, 503}

// httpMetrics are one endpoint's http.server.request.duration options, by
// status, built once; read-only afterwards.
type httpMetrics struct {
	t             *telemetry
	method, route string
	byStatus      map[int][]metric.RecordOption
}

// httpMetrics builds the metric options of the endpoint of method and route.
func (t *telemetry) httpMetrics(method, route string) *httpMetrics {
	m := &httpMetrics{t: t, method: method, route: route, byStatus: make(map[int][]metric.RecordOption, len(statuses))}
	for _, st := range statuses {
		m.byStatus[st] = []metric.RecordOption{metric.WithAttributeSet(t.httpSet(method, route, st))}
	}
	return m
}

// record records one request's duration; method is the request's (HEAD
// reaches a GET endpoint).
func (m *httpMetrics) record(ctx context.Context, method string, status int, d time.Duration) {
	opts, ok := m.byStatus[status]
	if !ok || method != m.method {
		opts = []metric.RecordOption{metric.WithAttributeSet(m.t.httpSet(method, m.route, status))}
	}
	m.t.httpDuration.Record(ctx, d.Seconds(), opts...)
}

type httpKey struct {
	method, route string
	status        int
}

// httpSet is the attribute set of a request, by the semantic conventions
// for HTTP servers.
func (t *telemetry) httpSet(method, route string, status int) attribute.Set {
	k := httpKey{method, route, status}
	if s, ok := t.httpSets.Load(k); ok {
		return s.(attribute.Set)
	}
	s := attribute.NewSet(attribute.String("http.request.method", method), attribute.String("http.route", route),
		attribute.Int("http.response.status_code", status))
	t.httpSets.Store(k, s)
	return s
}

// shutdown flushes what is left to export.
func (t *telemetry) shutdown(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, f := range t.stop {
		errs = append(errs, f(ctx))
	}
	if err := errors.Join(errs...); err != nil {
		log.Warn("flushing telemetry", "err", err)
	}
}
