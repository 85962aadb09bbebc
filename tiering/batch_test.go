package tiering_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// TestClassifyAllSizesAndCores: every book size around the batch and
// chunk boundaries, on one core (each record classified as it is read)
// and on several (the caller and the workers share the chunks), gives
// Classify's answers in input order.
func TestClassifyAllSizesAndCores(t *testing.T) {
	e := compile(t, simpleConfig())
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		for _, n := range []int{0, 1, 15, 16, 17, 255, 256, 257, 1000, 2049} {
			t.Run(fmt.Sprintf("procs=%d/n=%d", procs, n), func(t *testing.T) {
				runtime.GOMAXPROCS(procs)
				book := make([]strata.Customer, n)
				for i := range book {
					book[i] = cust(fmt.Sprint("c", i), "CN", cny(int64(i*7_919%7_000_000)), i%20)
				}
				var got []tiering.Placement
				for p, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
					require.NoError(t, err)
					got = append(got, p)
				}
				require.Len(t, got, n)
				for i := range book {
					want, err := e.Classify(t.Context(), &book[i], now)
					require.NoError(t, err)
					require.Equal(t, want, got[i], "customer %d", i)
				}
			})
		}
	}
}

// onEachPath runs f on one core, where ClassifyAll classifies each record
// as it reads it, and on two, where the caller and a worker share batches.
func onEachPath(t *testing.T, f func(t *testing.T)) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprintf("procs=%d", procs), func(t *testing.T) {
			runtime.GOMAXPROCS(procs)
			f(t)
		})
	}
}

// TestClassifyAllLoopBodyPanics: a panic in the caller's loop body is the
// caller's own: it goes on up unchanged (it is not taken for the
// sequence's), and the engine stays usable.
func TestClassifyAllLoopBodyPanics(t *testing.T) { onEachPath(t, testLoopBodyPanics) }

func testLoopBodyPanics(t *testing.T) {
	e := compile(t, simpleConfig())
	book := make([]strata.Customer, 1000)
	for i := range book {
		book[i] = cust(fmt.Sprint("c", i), "CN", cny(int64(i)), 1)
	}
	func() {
		defer func() { assert.Equal(t, "the caller's own bug", recover()) }()
		n := 0
		for range e.ClassifyAll(t.Context(), slices.Values(book), now) {
			if n++; n == 300 {
				panic("the caller's own bug")
			}
		}
		t.Fatal("the loop body's panic was swallowed")
	}()
	n := 0
	for _, err := range e.ClassifyAll(t.Context(), slices.Values(book), now) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, len(book), n)
}
