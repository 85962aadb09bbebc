package routing

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHistoryMatchesSortedSlice records random times (mostly moving on,
// some out of order, many equal) in a history and in a plain sorted
// slice, and requires the same counts from any cut, sorted chunks of a
// bounded size, and forgetting that drops only times before its cut.
func TestHistoryMatchesSortedSlice(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			var h history
			var ref []int64
			clock := int64(0)
			for step := range 5000 {
				ns := clock
				switch rng.IntN(10) {
				case 0, 1:
					ns = clock - rng.Int64N(2000) // out of order
				case 2, 3:
					// the same instant again
				default:
					clock += rng.Int64N(100)
					ns = clock
				}
				h.add(ns)
				i, _ := slices.BinarySearch(ref, ns+1)
				ref = slices.Insert(ref, i, ns)
				if step%97 == 0 {
					old := clock - 30_000
					h.forget(old)
					first := ref[len(ref)-h.len():]
					require.Equal(t, ref[len(ref)-len(first):], first)
					assert.Less(t, len(ref)-h.len(), len(ref), "the newest chunk stays")
					for _, x := range ref[:len(ref)-h.len()] {
						require.Less(t, x, old, "only times before the cut are forgotten")
					}
					ref = first
				}
				if step%13 == 0 {
					cut := clock - rng.Int64N(40_000)
					i, _ := slices.BinarySearch(ref, cut)
					require.Equal(t, len(ref)-i, h.from(cut), "step %d: times from %d", step, cut)
				}
			}
			all := slices.Concat(h.chunks...)
			require.Equal(t, ref, all, "the chunks hold the times in order")
			for _, c := range h.chunks {
				require.NotEmpty(t, c)
				require.Less(t, len(c), 2*histChunk)
			}
		})
	}
}
