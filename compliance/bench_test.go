package compliance_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/strata-go/strata/compliance"
)

func BenchmarkDecide(b *testing.B) {
	p := starterPolicy(b)
	c := overseas()
	ctx := b.Context()
	v := as("international-team")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Decide(ctx, v, &c, compliance.ActionEmail)
	}
}

func BenchmarkRedact(b *testing.B) {
	p := starterPolicy(b)
	c := overseas()
	ctx := b.Context()
	v := as("marketing-specialist")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = p.Redact(ctx, v, &c)
	}
}

func BenchmarkRedactingHandler(b *testing.B) {
	var buf bytes.Buffer
	h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), starterPolicy(b))
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(h)
	c := overseas()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		logger.Info("routed", "lead", "L-1", "phone_number", "+86 138 0013 5678", "customer", c, "amount", 42)
	}
}
