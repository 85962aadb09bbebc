package routing_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// largeRulesConfig has n rules over 50 pools of two agents each: rule i
// routes product "prod<i>" from Germany to pool i%50, so only rule i
// matches a lead for that product.
func largeRulesConfig(n int) routing.Config {
	cfg := routing.Config{Home: "CN"}
	for p := range 50 {
		pool := routing.Pool{Name: fmt.Sprintf("p%02d", p), Strategy: routing.LeastLoaded}
		for k := range 2 {
			id := fmt.Sprintf("a%02d-%d", p, k)
			cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 100, Seniority: 1, Country: "CN"})
			pool.Members = append(pool.Members, id)
		}
		cfg.Pools = append(cfg.Pools, pool)
	}
	for i := range n {
		cfg.Rules = append(cfg.Rules, routing.Rule{
			Name: fmt.Sprintf("r%04d", i),
			When: fmt.Sprintf(`customer.country == "DE" && lead.product == "prod%04d"`, i),
			Pool: fmt.Sprintf("p%02d", i%50),
		})
	}
	return cfg
}

// TestLargeRuleSets: 300 rules (where a merged program once hit cel-go's
// recursion limit) and 2,000 rules (the bound) build, and a lead
// only the last rule matches goes to that rule's pool; a lead no rule
// matches is unassigned.
func TestLargeRuleSets(t *testing.T) {
	for _, n := range []int{300, 2000} {
		t.Run(fmt.Sprintf("%d rules", n), func(t *testing.T) {
			r, _ := newRouter(t, largeRulesConfig(n))
			last := n - 1
			d := route(t, r, routing.Request{Item: "L-last", Customer: customer("c1", "DE", "", "de"),
				Lead: routing.Lead{Product: fmt.Sprintf("prod%04d", last)}})
			assert.Equal(t, routing.Assigned, d.Outcome, d.Why())
			assert.Equal(t, fmt.Sprintf("r%04d", last), d.Rule)
			assert.Equal(t, fmt.Sprintf("p%02d", last%50), d.Pool)

			d = route(t, r, routing.Request{Item: "L-first", Customer: customer("c2", "DE", "", "de"),
				Lead: routing.Lead{Product: "prod0000"}})
			assert.Equal(t, "r0000", d.Rule)
			assert.Equal(t, "p00", d.Pool)

			d = route(t, r, routing.Request{Item: "L-none", Customer: customer("c3", "FR", "", "fr"),
				Lead: routing.Lead{Product: fmt.Sprintf("prod%04d", last)}})
			assert.NotEqual(t, routing.Assigned, d.Outcome, "no rule matches a French customer")
			assert.Empty(t, d.Rule)
		})
	}
}

// BenchmarkNewLargeRules builds a router of 2,000 rules over 50 pools:
// the goal is under 2 s per build.
func BenchmarkNewLargeRules(b *testing.B) {
	cfg := largeRulesConfig(2000)
	b.ReportAllocs()
	for b.Loop() {
		_, err := routing.New(cfg, routing.NewMemoryStore())
		require.NoError(b, err)
	}
}
