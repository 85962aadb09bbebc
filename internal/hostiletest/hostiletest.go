// Package hostiletest holds what the packages' hostile-input tests share:
// a check that distinct junk leaves nothing behind on the heap, and a guard
// that turns a hang into a clear failure.
package hostiletest

import (
	"runtime"
	"testing"
	"time"
)

// Limit is the growth the heap tests allow: 1 MiB after 10,000 distinct
// inputs, so a cache that keeps even 100 bytes an input shows.
const Limit = 1 << 20

// Live returns the live heap after two garbage collections.
func Live() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Heap calls run(0) to warm up, reads the live heap, calls run(10_000),
// whose inputs must be distinct from the warm-up's, reads the heap again
// with keep still alive (the engines whose caches would hold the inputs),
// and fails t when the heap grew by Limit bytes or more.
func Heap(t testing.TB, run func(from int), keep ...any) {
	t.Helper()
	run(0)
	before := Live()
	run(10_000)
	after := Live()
	runtime.KeepAlive(keep)
	if grew := int64(after) - int64(before); grew >= Limit {
		t.Errorf("the heap grew by %d bytes over 10,000 distinct inputs (limit %d)", grew, Limit)
	}
}

// HangLimit catches a hang (an unbounded loop over hostile input) with a
// clear message long before go test's own timeout. It is no performance
// goal: those live in the benchmarks (BenchmarkNewLarge,
// BenchmarkAdversarialRules), because a timed unit test fails on a slow or
// busy machine (-race on two shared cores once took 20 s for "long rules").
const HangLimit = 3 * time.Minute

// Within runs f and fails t if f has not returned after HangLimit.
func Within(t testing.TB, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(HangLimit):
		t.Fatalf("still running after %v", HangLimit)
	}
}
