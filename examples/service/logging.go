package main

import (
	"context"
	"io"
	"log/slog"

	"go.opentelemetry.io/otel/trace"

	"github.com/strata-go/strata/compliance"
)

// newLogger logs JSON lines to w at level and above. Records pass through
// compliance's RedactingHandler, so a customer, a phone number or an email
// address that reaches a log line is masked, and carry the trace and span
// IDs of the request they belong to.
func newLogger(w io.Writer, level slog.Level) (*slog.Logger, error) {
	red, err := compliance.NewRedactingHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), nil)
	if err != nil {
		return nil, err
	}
	return slog.New(traceHandler{red}), nil
}

// traceHandler adds trace_id and span_id to records logged with a context
// that carries a sampled span.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}
