package peerbench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// bookSize is how many customers every engine classifies.
const bookSize = 10_000

// TestEnginesAgree: the four engines give every one of the book's
// customers the same tier, and the book reaches every tier, so the
// benchmarks time the same work.
func TestEnginesAgree(t *testing.T) {
	engines, err := Engines()
	require.NoError(t, err)
	book := Customers(bookSize, 1)
	ladder := Ladder()
	counts := make([]int, len(ladder))
	for i := range book {
		want, err := engines[0].Tier(&book[i])
		require.NoError(t, err)
		counts[want]++
		for _, e := range engines[1:] {
			got, err := e.Tier(&book[i])
			require.NoError(t, err, e.Name())
			require.Equal(t, ladder[want].Name, ladder[got].Name, "%s on customer %s", e.Name(), book[i].ID)
		}
	}
	for i, n := range counts {
		assert.Positive(t, n, "tier %s is reached", ladder[i].Name)
	}
	t.Logf("customers per tier: %v", counts)
}

// TestClassifyAllAgrees: ClassifyAll on all cores places the book as
// Classify does, one by one.
func TestClassifyAllAgrees(t *testing.T) {
	s, err := NewStrata()
	require.NoError(t, err)
	book := Customers(2_000, 2)
	i := 0
	for p, err := range s.Engine.ClassifyAll(t.Context(), slices.Values(book), Now) {
		require.NoError(t, err)
		one, err := s.Engine.Classify(t.Context(), &book[i], Now)
		require.NoError(t, err)
		assert.Equal(t, one.Tier(), p.Tier(), book[i].ID)
		i++
	}
	assert.Equal(t, len(book), i)
}

// TestSegments: every segment of the book holds some customers and not
// all of them.
func TestSegments(t *testing.T) {
	cfg := TieringConfig()
	cfg.Segments = Segments()
	e, err := tiering.New(cfg, tiering.WithConverter(Rates))
	require.NoError(t, err)
	book := Customers(bookSize, 1)
	counts := map[string]int{}
	for i := range book {
		p, err := e.Classify(t.Context(), &book[i], Now)
		require.NoError(t, err)
		for _, s := range p.Segments {
			counts[s]++
		}
	}
	for _, s := range Segments() {
		assert.Positive(t, counts[s.Name], s.Name)
		assert.Less(t, counts[s.Name], len(book), s.Name)
	}
}

// BenchmarkClassifySegments classifies the book on the ladder and the
// thirty segments (the goal: at most 1 µs a customer).
func BenchmarkClassifySegments(b *testing.B) {
	cfg := TieringConfig()
	cfg.Segments = Segments()
	e, err := tiering.New(cfg, tiering.WithConverter(Rates))
	require.NoError(b, err)
	book := Customers(bookSize, 1)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	c0 := cpuTime()
	for b.Loop() {
		if _, err := e.Classify(ctx, &book[i%len(book)], Now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkEngines classifies the book with each engine; ns/op is per
// customer.
func BenchmarkEngines(b *testing.B) {
	engines, err := Engines()
	require.NoError(b, err)
	book := Customers(bookSize, 1)
	for _, e := range engines {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			c0 := cpuTime()
			for b.Loop() {
				if _, err := e.Tier(&book[i%len(book)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
	b.Run("strata-classify", func(b *testing.B) {
		s := engines[0].(*StrataEngine).Engine
		ctx := b.Context()
		b.ReportAllocs()
		i := 0
		c0 := cpuTime()
		for b.Loop() {
			if _, err := s.Classify(ctx, &book[i%len(book)], Now); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
}

// pass times one engine over the whole book: wall time and the process's
// CPU time.
func pass(e Engine, book []strata.Customer) (wall, cpu time.Duration, err error) {
	c0, t0 := cpuTime(), time.Now()
	for i := range book {
		if _, err := e.Tier(&book[i]); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(t0), cpuTime() - c0, nil
}

// BenchmarkPeerRatios times the engines over the whole book in
// interleaved rounds, keeps each engine's fastest round (the one least
// disturbed by whatever else the machine runs), and reports per-customer
// figures and the ratios the goals are stated in: Strata against
// hand-written Go (≤ 3), expr-lang and cel-go against Strata (expr ≥ 4),
// and Strata's customers per second on one goroutine (≥ 2M). The CPU-time
// ratios are reported beside them, for machines where wall time is noisy.
func BenchmarkPeerRatios(b *testing.B) {
	engines, err := Engines()
	require.NoError(b, err)
	book := Customers(bookSize, 1)
	best := make([][2]time.Duration, len(engines)) // wall, cpu
	for i := range best {
		best[i] = [2]time.Duration{1 << 62, 1 << 62}
	}
	for b.Loop() {
		for i, e := range engines {
			runtime.GC()
			wall, cpu, err := pass(e, book)
			require.NoError(b, err)
			best[i] = [2]time.Duration{min(best[i][0], wall), min(best[i][1], cpu)}
		}
	}
	per := func(i, k int) float64 { return float64(best[i][k].Nanoseconds()) / bookSize }
	var table strings.Builder
	for i, e := range engines {
		fmt.Fprintf(&table, "\n%-14s %8.0f ns/customer  %8.0f cpu-ns/customer  %5.2f× strata", e.Name(), per(i, 0), per(i, 1), per(i, 0)/per(0, 0))
	}
	b.Logf("best of %d rounds over %d customers:%s", b.N, bookSize, table.String())
	b.ReportMetric(per(0, 0), "strata-ns/customer")
	b.ReportMetric(1e9/per(0, 0), "strata-customers/s")
	b.ReportMetric(per(0, 0)/per(3, 0), "strata/hand")
	b.ReportMetric(per(2, 0)/per(0, 0), "expr/strata")
	b.ReportMetric(per(1, 0)/per(0, 0), "cel/strata")
	b.ReportMetric(per(0, 1)/per(3, 1), "cpu-strata/hand")
	b.ReportMetric(per(2, 1)/per(0, 1), "cpu-expr/strata")
}

// BenchmarkClassifyAll classifies the book with ClassifyAll; run it with
// -cpu 1,2 for the scaling across cores (see customers/s and
// cpu-ns/customer).
func BenchmarkClassifyAll(b *testing.B) {
	s, err := NewStrata()
	require.NoError(b, err)
	book := Customers(bookSize, 1)
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		for _, err := range s.Engine.ClassifyAll(context.Background(), slices.Values(book), Now) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	n := float64(b.N) * bookSize
	b.ReportMetric(n/b.Elapsed().Seconds(), "customers/s")
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/n, "cpu-ns/customer")
}

// BenchmarkClassifyAllScaling times ClassifyAll over the book on one core
// and on two (GOMAXPROCS 1, then 2) in interleaved rounds, keeps each
// one's fastest round (the one least disturbed by whatever else the
// machine runs), and reports customers per second on each and their ratio
// (the goal: at least 1.8). cores-2 is the CPU time of the fastest
// two-core round over its wall time: the cores the machine actually gave
// it, near 2 on an idle machine; a ratio near 1 with cores-2 near 1 says
// the machine was busy, not that the work did not spread.
//
// The anchor is the ideal, timed in the same rounds: two goroutines each
// calling Classify over one half of the book, with no coordination at all
// (no ClassifyAll, no order, no hand-off). ideal/1core is what the machine
// gives this work on two cores against ClassifyAll on one; 2cores/ideal is
// how close ClassifyAll comes to it (1 is all that can be had). loop is one
// goroutine calling Classify over the whole book: 1core/loop is
// ClassifyAll's own cost on one core, and ideal/loop what the machine
// gives independent work on two cores (near 2 on an idle machine).
func BenchmarkClassifyAllScaling(b *testing.B) {
	s, book, all := bookAndClassifyAll(b)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rounds := []struct {
		procs int
		run   func()
	}{
		{1, all},
		{2, all},
		{1, func() { classifyHalves(b, s.Engine, book, 1) }},
		{2, func() { classifyHalves(b, s.Engine, book, 2) }},
	} // ClassifyAll's rounds follow the rounds they follow without the anchors
	best := make([][2]time.Duration, len(rounds)) // wall, cpu
	for i := range best {
		best[i][0] = 1 << 62
	}
	for b.Loop() {
		for k, r := range rounds {
			runtime.GOMAXPROCS(r.procs)
			runtime.GC()
			c0, t0 := cpuTime(), time.Now()
			r.run()
			if wall := time.Since(t0); wall < best[k][0] {
				best[k] = [2]time.Duration{wall, cpuTime() - c0}
			}
		}
	}
	rate := func(k int) float64 { return bookSize / best[k][0].Seconds() }
	b.ReportMetric(rate(0), "customers/s-1core")
	b.ReportMetric(rate(1), "customers/s-2cores")
	b.ReportMetric(rate(1)/rate(0), "2cores/1core")
	b.ReportMetric(best[1][1].Seconds()/best[1][0].Seconds(), "cores-2")
	b.ReportMetric(rate(3), "customers/s-ideal")
	b.ReportMetric(rate(3)/rate(0), "ideal/1core")
	b.ReportMetric(rate(1)/rate(3), "2cores/ideal")
	b.ReportMetric(best[3][1].Seconds()/best[3][0].Seconds(), "cores-ideal")
	b.ReportMetric(rate(0)/rate(2), "1core/loop")
	b.ReportMetric(rate(3)/rate(2), "ideal/loop")
}

// bookAndClassifyAll returns the engine, the book, and a function that
// runs ClassifyAll over the book: the ClassifyAll benchmarks' set-up.
func bookAndClassifyAll(b *testing.B) (*StrataEngine, []strata.Customer, func()) {
	s, err := NewStrata()
	require.NoError(b, err)
	book := Customers(bookSize, 1)
	return s, book, func() {
		for _, err := range s.Engine.ClassifyAll(b.Context(), slices.Values(book), Now) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// classifyHalves classifies the book with Classify on n goroutines, each
// over its own contiguous part, with no coordination but the final wait:
// the ideal BenchmarkClassifyAllScaling holds ClassifyAll against.
func classifyHalves(b *testing.B, e *tiering.Engine, book []strata.Customer, n int) {
	ctx := b.Context()
	var wg sync.WaitGroup
	for g := range n {
		part := book[g*len(book)/n : (g+1)*len(book)/n]
		wg.Go(func() {
			for i := range part {
				if _, err := e.Classify(ctx, &part[i], Now); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkClassifyAllBackToBack is BenchmarkClassifyAllScaling as a host
// that classifies all day sees it: each round passes over the book ten
// times back to back, with no collection before it, so the collector runs
// as it does in steady use (each Placement's tier results are about 170
// bytes of garbage a customer, and copying records while it marks costs
// write barriers). Rounds of Classify over the slice on one core (loop),
// ClassifyAll on one core and ClassifyAll on two alternate; each reports
// its median round in ns per customer, and 2cores/1core and 1core/loop are
// taken from the medians.
func BenchmarkClassifyAllBackToBack(b *testing.B) {
	s, book, all := bookAndClassifyAll(b)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	loop := func() {
		for i := range book {
			if _, err := s.Engine.Classify(b.Context(), &book[i], Now); err != nil {
				b.Fatal(err)
			}
		}
	}
	rounds := []struct {
		procs int
		run   func()
	}{{1, loop}, {1, all}, {2, all}}
	const passes = 10
	took := make([][]float64, len(rounds)) // ns per customer
	for b.Loop() {
		for k, r := range rounds {
			runtime.GOMAXPROCS(r.procs)
			t0 := time.Now()
			for range passes {
				r.run()
			}
			took[k] = append(took[k], float64(time.Since(t0).Nanoseconds())/passes/bookSize)
		}
	}
	median := make([]float64, len(took))
	for k, t := range took {
		slices.Sort(t)
		median[k] = t[len(t)/2]
	}
	b.ReportMetric(median[0], "ns/customer-loop")
	b.ReportMetric(median[1], "ns/customer-1core")
	b.ReportMetric(median[2], "ns/customer-2cores")
	b.ReportMetric(median[1]/median[2], "2cores/1core")
	b.ReportMetric(median[0]/median[1], "1core/loop")
}

// BenchmarkCustomerHandOff is the anchor for what ClassifyAll cannot avoid:
// its sequence yields strata.Customer values, so every customer a worker
// classifies is first copied by the caller, on its core, and read by the
// worker on the other. "copy" is the caller's part alone (the sequence's
// value copied into a reused buffer); "hand-off" adds a goroutine that
// reads each buffer of 64 customers (the fields the ladder reads) and
// gives it back, through a ring of four. Both are ns per customer.
func BenchmarkCustomerHandOff(b *testing.B) {
	book := Customers(bookSize, 1)
	const chunk, slots = 64, 4
	ring := make([][]strata.Customer, slots)
	for i := range ring {
		ring[i] = make([]strata.Customer, chunk)
	}
	perCustomer := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/bookSize, "ns/customer")
	}
	b.Run("copy", func(b *testing.B) {
		for b.Loop() {
			i := 0
			for c := range slices.Values(book) {
				ring[i/chunk%slots][i%chunk] = c
				i++
			}
		}
		perCustomer(b)
	})
	b.Run("hand-off", func(b *testing.B) {
		full, free := make(chan int, slots), make(chan int, slots)
		for k := range slots {
			free <- k
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for k := range full {
				for i := range ring[k] {
					c := &ring[k][i]
					readFields(c)
				}
				free <- k
			}
		})
		for b.Loop() {
			k, i := <-free, 0
			for c := range slices.Values(book) {
				ring[k][i] = c
				if i++; i == chunk {
					full <- k
					k, i = <-free, 0
				}
			}
			free <- k
		}
		close(full)
		wg.Wait()
		perCustomer(b)
	})
}

// fieldSink keeps readFields from being optimised away.
var fieldSink int

// readFields reads the fields the benchmark ladder's rules read.
func readFields(c *strata.Customer) {
	fieldSink += len(c.ID) + len(c.Country) + c.Orders + len(c.Tags) + len(c.Tier) +
		int(c.LastOrderAt.Unix()+c.FirstOrderAt.Unix()) + len(c.Revenue.Currency)
}
