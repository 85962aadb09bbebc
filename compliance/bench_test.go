package compliance_test

import (
	"testing"

	"github.com/strata-go/strata/compliance"
)

func BenchmarkDecide(b *testing.B) {
	p := seedPolicy(b)
	c := overseas()
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Decide("u", "international-team", &c, compliance.ActionEmail)
	}
}

func BenchmarkRedact(b *testing.B) {
	p := seedPolicy(b)
	c := overseas()
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Redact(c, "marketing-specialist")
	}
}
