package routing_test

import (
	"fmt"
	"math/rand/v2"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// benchConfig has n agents spread over 20 pools by region, 20 rules, and
// capacity high enough that the benchmark never fills anyone up.
func benchConfig(n, pools int) routing.Config {
	countries := []string{"CN", "US", "DE", "FR", "BR", "JP", "VN", "TH", "AE", "MX", "GB", "IT", "ES", "NL", "PL", "SA", "IN", "ID", "KR", "AU"}
	cfg := routing.Config{Home: "CN", DefaultPool: "p00"}
	for i := range n {
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: fmt.Sprintf("a%05d", i), Capacity: routing.MaxCapacity,
			Languages: []string{"en"}, Regions: []string{countries[i%pools%len(countries)]}, Seniority: 1 + i%5})
	}
	for p := range pools {
		pool := routing.Pool{Name: fmt.Sprintf("p%02d", p), Strategy: routing.LeastLoaded, MatchRegion: true}
		for i := p; i < n; i += pools {
			pool.Members = append(pool.Members, fmt.Sprintf("a%05d", i))
		}
		cfg.Pools = append(cfg.Pools, pool)
		cfg.Rules = append(cfg.Rules, routing.Rule{Name: fmt.Sprintf("r%02d", p), When: fmt.Sprintf(`customer.country == %q`, countries[p%len(countries)]), Pool: pool.Name})
	}
	return cfg
}

// benchRoute routes a new item from a customer in country per op. The
// store grows by one assignment per decision, as a day's intake does.
func benchRoute(b *testing.B, agents, pools int, country string) {
	r, _ := newRouter(b, benchConfig(agents, pools))
	req := routing.Request{Customer: customer("c", country, "", "en"), Now: now}
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	i := 0
	for b.Loop() {
		req.Item = "L" + strconv.Itoa(i) // a new item each time: no replay
		d, err := r.Route(b.Context(), req)
		if err != nil || d.Outcome != routing.Assigned {
			b.Fatal(d.Why(), err)
		}
		i++
	}
}

// BenchmarkRoute1000Agents20Pools: the configuration, one core:
// 1,000 agents in 20 pools, one rule matches, least loaded.
func BenchmarkRoute1000Agents20Pools(b *testing.B) { benchRoute(b, 1000, 20, "DE") }

// BenchmarkRouteSteadyState routes and then releases each item, so the
// store stays at a steady size: a decision plus a release per op.
func BenchmarkRouteSteadyState(b *testing.B) {
	r, _ := newRouter(b, benchConfig(1000, 20))
	req := routing.Request{Customer: customer("c", "DE", "DE-BY", "en"), Now: now}
	items := make([]string, 4096)
	for i := range items {
		items[i] = fmt.Sprint("L", i)
	}
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	i := 0
	for b.Loop() {
		req.Item = items[i%len(items)]
		if _, err := r.Route(b.Context(), req); err != nil {
			b.Fatal(err)
		}
		if _, err := r.Release(b.Context(), req.Item); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRouteReleasePool routes and releases in one pool of n agents,
// least loaded: a small pool must cost no more than a large one.
func BenchmarkRouteReleasePool(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			r, _ := newRouter(b, benchConfig(n, 1))
			req := routing.Request{Customer: customer("c", "CN", "", "en"), Now: now}
			items := make([]string, 4096)
			for i := range items {
				items[i] = fmt.Sprint("L", i)
			}
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			i := 0
			for b.Loop() {
				req.Item = items[i%len(items)]
				if d, err := r.Route(b.Context(), req); err != nil || d.Outcome != routing.Assigned {
					b.Fatal(d.Why(), err)
				}
				if _, err := r.Release(b.Context(), req.Item); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkRoutePick10000Agents: one pool of 10,000 agents; the pick
// dominates.
func BenchmarkRoutePick10000Agents(b *testing.B) { benchRoute(b, 10000, 1, "CN") }

// BenchmarkRebalance100k: 100,000 customers over 200 agents, with a tenth of
// the agents overloaded and a ±10% band.
func BenchmarkRebalance100k(b *testing.B) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded}}}
	for i := range 200 {
		id := fmt.Sprintf("a%03d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 700})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	r, _ := newRouter(b, cfg)
	book := make([]routing.Holding, 100_000)
	for i := range book {
		agent := i % 200
		if i%10 == 0 {
			agent = i % 20 // the first 20 agents get extra
		}
		book[i] = routing.Holding{Item: fmt.Sprint("i", i), Customer: strata.Customer{ID: fmt.Sprint("c", i), Tier: []string{"vip", "key", "regular"}[i%3]},
			Agent: fmt.Sprintf("a%03d", agent), Pool: "p", Units: 1, Since: now.Add(-time.Duration(i) * time.Minute)}
	}
	b.ReportAllocs()
	for b.Loop() {
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.1})
		if err != nil {
			b.Fatal(err)
		}
		if len(plan.Unresolved) > 0 {
			b.Fatal(plan.Unresolved)
		}
	}
}

// BenchmarkRouteParallel: route and release from every core at once over
// one MemoryStore, every customer from DE: every core wants the front of
// one line, the serial case (see BenchmarkRouteScaling's "speedup").
func BenchmarkRouteParallel(b *testing.B) {
	r, _ := newRouter(b, benchConfig(1000, 20))
	var next atomic.Int64
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	defer reportLockWait(b, lockWait())
	b.RunParallel(func(pb *testing.PB) {
		req := routing.Request{Customer: customer("c", "DE", "", "en"), Now: now}
		for pb.Next() {
			req.Item = "P" + strconv.FormatInt(next.Add(1), 10)
			if _, err := r.Route(b.Context(), req); err != nil {
				b.Error(err)
				return
			}
			if _, err := r.Release(b.Context(), req.Item); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRouteScaling: the scaling goal (2 goroutines ≥ 1.6×
// one) on one MemoryStore, 1,000 agents in 20 pools, as ratios measured in
// one run. Each op is rounds of 2,000 routes and releases, alternating: by
// one goroutine, then by two (1,000 each) in each of these ways:
//
//   - "speedup": through the same Router and store, every customer from DE,
//     so both goroutines want the front of the same line: one
//     deterministic line is a serial resource, and this is its worst case;
//   - "two-pools": the same Router and store, one goroutine's customers from
//     DE and the other's from US: they share the store but not a line;
//   - "mixed": the same Router and store, each goroutine's customers drawn
//     from a seeded mix of the 20 pools' countries (its own seed), which is
//     what a CRM's intake looks like (the one-goroutine round draws from the
//     same mix);
//   - "control": a Router and store each, sharing nothing, what the machine
//     gives two goroutines at the time; "of-control" is speedup over
//     control and "mixed-of-control" mixed over control (1 means sharing
//     the store costs the second goroutine nothing).
//
// Each ratio is the one-goroutine round's time over the two-goroutine
// round's. Every goroutine names its items from its own prefix, so the
// goroutines share nothing but what the case puts between them. Alternating
// short rounds keeps a shared machine's drift out of the ratios; run it
// with GOMAXPROCS ≥ 2 (on a busy machine "control" stays near 1 and says
// so). "ns/op-1g" is one goroutine's route and release, same line.
func BenchmarkRouteScaling(b *testing.B) {
	shared, _ := newRouter(b, benchConfig(1000, 20))
	other, _ := newRouter(b, benchConfig(1000, 20))
	const round = 2000
	de, us := scalingLoad("A", round, "DE", 0), scalingLoad("B", round/2, "US", 0)
	mixA, mixB := scalingLoad("A", round, "", 1), scalingLoad("B", round/2, "", 2)
	work := func(r *routing.Router, load []routing.Request, n int) {
		for i := range n {
			req := load[i]
			if _, err := r.Route(b.Context(), req); err != nil {
				b.Error(err)
				return
			}
			if _, err := r.Release(b.Context(), req.Item); err != nil {
				b.Error(err)
				return
			}
		}
	}
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	pair := func(r1 *routing.Router, l1 []routing.Request, r2 *routing.Router, l2 []routing.Request) time.Duration {
		return timed(func() {
			var wg sync.WaitGroup
			wg.Go(func() { work(r1, l1, round/2) })
			wg.Go(func() { work(r2, l2, round/2) })
			wg.Wait()
		})
	}
	deB := scalingLoad("B", round/2, "DE", 0)
	var one, oneMix, two, apart, pools, mixed time.Duration
	for b.Loop() {
		one += timed(func() { work(shared, de, round) })
		two += pair(shared, de, shared, deB)
		apart += pair(shared, de, other, deB)
		pools += pair(shared, de, shared, us)
		oneMix += timed(func() { work(shared, mixA, round) })
		mixed += pair(shared, mixA, shared, mixB)
	}
	if two > 0 && apart > 0 && pools > 0 && mixed > 0 {
		b.ReportMetric(float64(one)/float64(two), "speedup")
		b.ReportMetric(float64(one)/float64(apart), "control")
		b.ReportMetric(float64(apart)/float64(two), "of-control")
		b.ReportMetric(float64(one)/float64(pools), "two-pools")
		b.ReportMetric(float64(oneMix)/float64(mixed), "mixed")
		b.ReportMetric(float64(apart)*float64(oneMix)/float64(one)/float64(mixed), "mixed-of-control")
		b.ReportMetric(float64(one.Nanoseconds())/float64(b.N*round), "ns/op-1g")
	}
}

// scalingLoad returns n requests for BenchmarkRouteScaling, items named
// from prefix: customers from country, or, when country is "", from the
// 20 pools' countries in a mix seeded by seed.
func scalingLoad(prefix string, n int, country string, seed uint64) []routing.Request {
	countries := []string{"CN", "US", "DE", "FR", "BR", "JP", "VN", "TH", "AE", "MX", "GB", "IT", "ES", "NL", "PL", "SA", "IN", "ID", "KR", "AU"}
	rng := rand.New(rand.NewPCG(seed, 20))
	out := make([]routing.Request, n)
	for i := range out {
		c := country
		if c == "" {
			c = countries[rng.IntN(len(countries))]
		}
		out[i] = routing.Request{Item: prefix + strconv.Itoa(i), Customer: customer("c", c, "", "en"), Now: now}
	}
	return out
}

// BenchmarkMemoryStoreReserve is the store's side of a pick, one agent at
// a time: reserve for an agent, then release to keep the store's size
// steady. BenchmarkMemoryStoreReserveFirst does the same through a window
// whose first agent has room, as a Router does: it must cost no more.
func BenchmarkMemoryStoreReserve(b *testing.B) {
	benchStore(b, func(s *routing.MemoryStore, item string, window []routing.Candidate) error {
		_, _, err := s.Reserve(b.Context(), routing.Reservation{Item: item, Customer: "c", Agent: window[0].Agent, Pool: "p", Units: 1,
			Capacity: window[0].Capacity, At: now})
		return err
	})
}

func BenchmarkMemoryStoreReserveFirst(b *testing.B) {
	benchStore(b, func(s *routing.MemoryStore, item string, window []routing.Candidate) error {
		_, _, err := s.ReserveFirst(b.Context(), routing.Offer{Item: item, Customer: "c", Pool: "p", Units: 1, At: now, Window: window})
		return err
	})
}

func benchStore(b *testing.B, reserve func(s *routing.MemoryStore, item string, window []routing.Candidate) error) {
	s := routing.NewMemoryStore()
	window := []routing.Candidate{{Agent: "a1", Capacity: routing.MaxCapacity}, {Agent: "a2", Capacity: routing.MaxCapacity},
		{Agent: "a3", Capacity: routing.MaxCapacity}, {Agent: "a4", Capacity: routing.MaxCapacity}}
	items := make([]string, 1024)
	for i := range items {
		items[i] = "L" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	i := 0
	for b.Loop() {
		item := items[i%len(items)]
		if err := reserve(s, item, window); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Release(b.Context(), item); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// reportCPU reports the CPU time the process used per op since start
// (cpuTime), the figure to compare on a machine shared with other work:
// wall time there counts other processes' turns.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// lockWait returns how long goroutines have waited on locks so far.
func lockWait() float64 {
	m := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return m[0].Value.Float64()
}

// reportLockWait reports the time goroutines waited on locks per op since
// start (lockWait): time no core worked on the benchmark for want of a
// lock, which a busy machine hides from wall time.
func reportLockWait(b *testing.B, start float64) {
	if b.N > 0 {
		b.ReportMetric((lockWait()-start)*1e9/float64(b.N), "lockwait-ns/op")
	}
}
