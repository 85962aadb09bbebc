package routing_test

import (
	"fmt"
	"testing"

	"github.com/strata-go/strata/routing"
)

// benchConfig has n agents spread over 20 pools by region, 20 rules, and
// capacity high enough that the benchmark never fills anyone up.
func benchConfig(n, pools int) routing.Config {
	countries := []string{"CN", "US", "DE", "FR", "BR", "JP", "VN", "TH", "AE", "MX", "GB", "IT", "ES", "NL", "PL", "SA", "IN", "ID", "KR", "AU"}
	cfg := routing.Config{Home: "CN", DefaultPool: "p00"}
	for i := range n {
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: fmt.Sprintf("a%05d", i), Active: true, Capacity: 1 << 30,
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

func benchRoute(b *testing.B, agents, pools int) {
	r, _ := newRouter(b, benchConfig(agents, pools))
	reqs := make([]routing.Request, 4096)
	for i := range reqs {
		reqs[i] = routing.Request{Item: fmt.Sprint("L", i), Customer: customer("c", "DE", "DE-BY", "en"), Now: now}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := reqs[i%len(reqs)]
		req.Item = fmt.Sprint("L", i) // a new item each time: no replay
		if _, err := r.Route(b.Context(), req); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRoute1000Agents20Pools: the configuration, one core.
func BenchmarkRoute1000Agents20Pools(b *testing.B) { benchRoute(b, 1000, 20) }

// BenchmarkRoutePick10000Agents: one pool of 10,000 agents; the pick
// dominates.
func BenchmarkRoutePick10000Agents(b *testing.B) { benchRoute(b, 10000, 1) }
