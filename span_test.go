package strata_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
)

func ExampleIntersectSpans() {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	office := []strata.Span{{Start: at(1), End: at(4)}, {Start: at(5), End: at(10)}} // Shanghai, in UTC
	customer := []strata.Span{{Start: at(8), End: at(16)}}                           // Berlin, in UTC
	for _, s := range strata.IntersectSpans(office, customer) {
		fmt.Println(s.Start.Format("15:04"), "–", s.End.Format("15:04"), "UTC")
	}
	// Output:
	// 08:00 – 10:00 UTC
}

// TestIntersectSpansProperty compares IntersectSpans with a minute-by-minute
// reading of both lists over random sorted lists: a minute is in the result
// exactly when it is in both, and the result is sorted without overlaps.
func TestIntersectSpansProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	spans := func() []strata.Span {
		var out []strata.Span
		m := rng.IntN(30)
		for range rng.IntN(6) {
			start := m + rng.IntN(20)
			end := start + 1 + rng.IntN(40)
			out = append(out, strata.Span{Start: base.Add(time.Duration(start) * time.Minute), End: base.Add(time.Duration(end) * time.Minute)})
			m = end
		}
		return out
	}
	covered := func(list []strata.Span, t time.Time) bool {
		for _, s := range list {
			if s.Contains(t) {
				return true
			}
		}
		return false
	}
	for i := range 500 {
		a, b := spans(), spans()
		got := strata.IntersectSpans(a, b)
		for k := 1; k < len(got); k++ {
			assert.False(t, got[k].Start.Before(got[k-1].End), "case %d: sorted, no overlaps", i)
		}
		for m := range 400 {
			at := base.Add(time.Duration(m) * time.Minute)
			assert.Equal(t, covered(a, at) && covered(b, at), covered(got, at), "case %d, minute %d", i, m)
		}
	}
}
