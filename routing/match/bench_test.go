package match_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/routing/match/internal/synth"
)

// candidates50 returns a lead and 50 candidates of the kind a host's
// blocking query returns: look-alikes sharing a key, and the customer.
func candidates50() (strata.Customer, []strata.Customer) {
	r := rand.New(rand.NewPCG(7, 7))
	c := synth.NewCompany(r, 1)
	lead := synth.Record(r, c, "L-1", false)
	cands := []strata.Customer{synth.Record(r, c, "C-0", false)}
	for i := 1; i < 50; i++ {
		cands = append(cands, synth.Record(r, synth.NewCompany(r, i+1), fmt.Sprintf("C-%d", i), false))
	}
	return lead, cands
}

// BenchmarkMatch50: one lead against 50 candidate records, profiles built
// on the way (the goal is ≤ 50 µs).
func BenchmarkMatch50(b *testing.B) {
	m := newMatcher(b)
	lead, cands := candidates50()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := m.Match(&lead, cands); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchProfiles50: the same with the candidates' profiles kept by
// the host.
func BenchmarkMatchProfiles50(b *testing.B) {
	m := newMatcher(b)
	lead, cands := candidates50()
	profiles := make([]match.Profile, len(cands))
	for i := range cands {
		profiles[i] = m.Profile(&cands[i])
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		m.MatchProfiles(m.Profile(&lead), profiles)
	}
}

// BenchmarkMatchProfiles50Kept: the same with the lead's profile kept too
// (a host matching one lead against several candidate sets).
func BenchmarkMatchProfiles50Kept(b *testing.B) {
	m := newMatcher(b)
	lead, cands := candidates50()
	profiles := make([]match.Profile, len(cands))
	for i := range cands {
		profiles[i] = m.Profile(&cands[i])
	}
	lp := m.Profile(&lead)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		m.MatchProfiles(lp, profiles)
	}
}

// BenchmarkProfile: preparing one record (what a host does at import to
// keep profiles), over the benchmark's 50 candidates.
func BenchmarkProfile(b *testing.B) {
	m := newMatcher(b)
	_, cands := candidates50()
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	for b.Loop() {
		m.Profile(&cands[i%len(cands)])
		i++
	}
}

// syntheticBook yields n records of about 0.86·n companies: one record in
// seven is another record of a company met before. Records are made on the
// fly from seeds, so the book costs no memory of its own.
func syntheticBook(n int) iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for j := range n {
			company := j
			if j%7 == 3 {
				company = j / 2
			}
			c := synth.BookCompany(rand.New(rand.NewPCG(1, uint64(company))), company)
			rec := synth.Record(rand.New(rand.NewPCG(2, uint64(j))), c, fmt.Sprintf("C-%07d", j), false)
			if !yield(rec) {
				return
			}
		}
	}
}

// BenchmarkDuplicates1M finds the duplicate clusters of a 1,000,000-record
// book (the goal: under 30 s on 2 cores), reporting the peak heap
// and the clusters found. Making the synthetic records is part of the
// time; BenchmarkSyntheticBook1M measures it alone.
func BenchmarkDuplicates1M(b *testing.B) {
	m := newMatcher(b)
	for b.Loop() {
		peak, stop := watchHeap()
		rep, err := m.Duplicates(context.Background(), syntheticBook(1_000_000))
		stop()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(len(rep.Clusters)), "clusters")
		b.ReportMetric(float64(rep.Compared), "pairs-scored")
	}
}

// BenchmarkSyntheticBook1M ranges over the synthetic book alone.
func BenchmarkSyntheticBook1M(b *testing.B) {
	for b.Loop() {
		n := 0
		for range syntheticBook(1_000_000) {
			n++
		}
	}
}

// watchHeap samples the heap in use every 20 ms until stop is called.
func watchHeap() (*atomic.Uint64, func()) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return &peak, func() { close(done); wg.Wait() }
}
