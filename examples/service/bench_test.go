package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchBody returns a route request for lead n of run.
func benchBody(run, n int) string {
	countries := []string{`"CN", "subdivision": "CN-SH", "languages": ["zh"]`, `"DE", "subdivision": "DE-BY", "languages": ["de"]`,
		`"BR", "subdivision": "BR-SP", "languages": ["pt"]`, `"US", "subdivision": "US-CA", "languages": ["en"]`}
	return fmt.Sprintf(`{"customer": {"id": "c-%d-%d", "kind": "enterprise", "country": %s}, "lead": {"id": "L-%d-%d"}, "now": "2026-11-23T08:00:00Z"}`,
		run, n, countries[n%len(countries)], run, n)
}

// BenchmarkRouteHandler is one route request through the whole handler
// chain (authentication, metrics, JSON), without the network.
func BenchmarkRouteHandler(b *testing.B) {
	h := newTestAPI(b, testConfig()).handler()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		req := httptest.NewRequest("POST", "/v1/route", strings.NewReader(benchBody(0, n)))
		req.Header.Set("Authorization", "Bearer "+routeToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// BenchmarkBatchHandler is a batch of 500 quiet route requests through the
// handler chain; decisions/s is the figure the batch endpoint is for.
func BenchmarkBatchHandler(b *testing.B) {
	h := newTestAPI(b, testConfig()).handler()
	b.ReportAllocs()
	const size = 500
	run := 0
	for b.Loop() {
		run++
		var sb strings.Builder
		sb.WriteString(`{"quiet": true, "requests": [`)
		for i := range size {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(benchBody(run, i))
		}
		sb.WriteString("]}")
		req := httptest.NewRequest("POST", "/v1/route/batch", strings.NewReader(sb.String()))
		req.Header.Set("Authorization", "Bearer "+routeToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "decisions/s")
}
