package strata_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
)

func TestIsTimeZone(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"Asia/Shanghai", true}, {"America/Argentina/Buenos_Aires", true}, {"Etc/GMT+5", true},
		{"America/Port-au-Prince", true}, {"UTC", true}, {"Asia/Calcutta", true},
		{"", false}, {"Local", false}, {"Asia/Nowhere", false}, {"asia/shanghai ", false},
		{"Asia//Shanghai", false}, {"/Asia/Shanghai", false}, {"Asia/Shanghai/", false},
		{"../zoneinfo/UTC", false}, {"Asia/Shanghai\x00", false}, {"zone.tab", false},
		{strings.Repeat("A", 65), false}, {"亚洲/上海", false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q", c.name), func(t *testing.T) {
			assert.Equal(t, c.want, strata.IsTimeZone(c.name))
			assert.Equal(t, c.want, strata.IsTimeZone(c.name), "the second answer (cached or not) agrees")
		})
	}
}

// liveHeap returns the bytes of live heap after two collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestIsTimeZoneDoesNotRetainInvalidInput: IsTimeZone used to cache every
// string it saw, so 100 distinct invalid zones of 1 MiB kept 101 MiB alive.
// Now 10,000 distinct invalid names, and 100 of 1 MiB, leave the live heap
// within 1 MiB.
func TestIsTimeZoneDoesNotRetainInvalidInput(t *testing.T) {
	before := liveHeap()
	big := strings.Repeat("x", 1<<20)
	for i := range 100 {
		name := fmt.Sprintf("Asia/%d", i) + big
		assert.False(t, strata.IsTimeZone(name))
	}
	for i := range 10_000 {
		assert.False(t, strata.IsTimeZone(fmt.Sprintf("Mars/Olympus_Mons_%d", i)))
	}
	runtime.KeepAlive(big)
	big = ""
	after := liveHeap()
	assert.LessOrEqual(t, int64(after)-int64(before), int64(1<<20), "live heap grew by %d bytes", int64(after)-int64(before))
}

func BenchmarkIsTimeZone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !strata.IsTimeZone("Asia/Shanghai") {
			b.Fatal("not a zone")
		}
	}
}
