package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used so far, user and system, in
// every thread (the garbage collector's too).
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// reportCPU reports the process's CPU time per operation from now to the
// call of the function it returns, as cpu-ns/op: on a machine shared with
// other work, ns/op (wall time) measures the neighbours as much as the
// code, while CPU time is what the handler costs.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

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
	defer reportCPU(b)()
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
	defer reportCPU(b)()
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

// BenchmarkRouteBare is BenchmarkRouteHandler without the endpoint's
// wrapping (span, metrics, authentication, concurrency slot, timeout): the
// difference between the two is what the wrapping costs per request.
func BenchmarkRouteBare(b *testing.B) {
	s := newTestAPI(b, testConfig())
	b.ReportAllocs()
	defer reportCPU(b)()
	n := 0
	for b.Loop() {
		n++
		req := httptest.NewRequest("POST", "/v1/route", strings.NewReader(benchBody(0, n)))
		rec := httptest.NewRecorder()
		s.route(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}
