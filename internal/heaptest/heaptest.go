// Package heaptest checks that hostile input leaves nothing behind: the
// live heap after a run over distinct inputs stays within a bound of the
// heap after a warm-up over other inputs. The packages' heap tests share it.
package heaptest

import (
	"runtime"
	"testing"
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

// Check calls run(0) to warm up, reads the live heap, calls run(10_000),
// whose inputs must be distinct from the warm-up's, reads the heap again
// with keep still alive (the engines whose caches would hold the inputs),
// and fails t when the heap grew by Limit bytes or more.
func Check(t testing.TB, run func(from int), keep ...any) {
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
