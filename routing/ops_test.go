package routing_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

func TestDrainOrderAndQueue(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{{ID: "a", Capacity: 2}, {ID: "b", Capacity: 1}},
		Pools:  []routing.Pool{{Name: "p", Members: []string{"a", "b"}, Strategy: routing.LeastLoaded}}}
	r, _ := newRouter(t, cfg)
	waiting := []routing.Request{
		{Item: "late-high", Lead: routing.Lead{ReceivedAt: now.Add(-time.Hour), Priority: 9}, Customer: customer("c", "CN", "")},
		{Item: "old", Lead: routing.Lead{ReceivedAt: now.Add(-3 * time.Hour)}, Customer: customer("c", "CN", "")},
		{Item: "late-low", Lead: routing.Lead{ReceivedAt: now.Add(-time.Hour), Priority: 1}, Customer: customer("c", "CN", "")},
		{Item: "newest", Lead: routing.Lead{ReceivedAt: now.Add(-time.Minute)}, Customer: customer("c", "CN", "")},
		{Item: "older", Lead: routing.Lead{ReceivedAt: now.Add(-2 * time.Hour)}, Customer: customer("c", "CN", "")},
	}
	var order []string
	var queue []int
	for d, err := range r.Drain(t.Context(), slices.Values(waiting), now) {
		require.NoError(t, err)
		order = append(order, d.Item)
		queue = append(queue, d.Queue)
	}
	assert.Equal(t, []string{"old", "older", "late-high", "late-low", "newest"}, order, "oldest first, then priority")
	assert.Equal(t, []int{0, 0, 0, 1, 2}, queue, "three fit; the rest keep their place in line")
}

// TestDrainFairness: draining a backlog spreads it evenly.
func TestDrainFairness(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{{ID: "a", Capacity: 99}, {ID: "b", Capacity: 99}, {ID: "c", Capacity: 99}},
		Pools:  []routing.Pool{{Name: "p", Members: []string{"a", "b", "c"}, Strategy: routing.RoundRobin}}}
	r, _ := newRouter(t, cfg)
	var waiting []routing.Request
	for i := range 30 {
		waiting = append(waiting, routing.Request{Item: fmt.Sprint("L", i), Lead: routing.Lead{ReceivedAt: now.Add(-time.Duration(i) * time.Minute)}, Customer: customer("c", "CN", "")})
	}
	count := map[string]int{}
	for d, err := range r.Drain(t.Context(), slices.Values(waiting), now) {
		require.NoError(t, err)
		count[d.Agent]++
	}
	assert.Equal(t, map[string]int{"a": 10, "b": 10, "c": 10}, count)
}

func rbRouter(t testing.TB, capacities ...int) *routing.Router {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded}}}
	for i, c := range capacities {
		id := string(rune('a' + i))
		a := routing.Agent{ID: id, Capacity: c}
		if c == 0 {
			a.Uncapped = true
		}
		cfg.Agents = append(cfg.Agents, a)
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	r, _ := newRouter(t, cfg)
	return r
}

func holding(item, agent, tier string, since int) routing.Holding {
	return routing.Holding{Item: item, Customer: strata.Customer{ID: "c-" + item, Country: "CN", Tier: tier}, Agent: agent, Pool: "p", Units: 1,
		Since: now.AddDate(0, 0, -since)}
}

func TestRebalanceCapacityAndTiers(t *testing.T) {
	r := rbRouter(t, 3, 10, 10)
	book := []routing.Holding{
		holding("v1", "a", "vip", 900), holding("v2", "a", "vip", 10), holding("k1", "a", "key", 50),
		holding("r1", "a", "regular", 800), holding("r2", "a", "regular", 5), holding("r3", "b", "regular", 5),
	}
	plan, err := r.Rebalance(book, routing.RebalancePolicy{})
	require.NoError(t, err)
	require.Len(t, plan.Moves, 2, "a holds 5 of capacity 3: two moves")
	assert.Equal(t, "r2", plan.Moves[0].Item, "the lowest tier, newest relationship first")
	assert.Equal(t, "r1", plan.Moves[1].Item, "then the other regular: VIPs stay with their owner")
	assert.Equal(t, "c", plan.Moves[0].To, "the agent with most room")
	assert.Contains(t, plan.Moves[0].Reason, "over capacity (5 of 3 units)")
	assert.Equal(t, 3, plan.After["a"])
	assert.Empty(t, plan.Unresolved)
}

func TestRebalanceBand(t *testing.T) {
	r := rbRouter(t, 0, 0, 0)
	var book []routing.Holding
	for i := range 30 {
		book = append(book, holding(fmt.Sprint("i", i), []string{"a", "a", "a", "b"}[i%4], "regular", i))
	}
	plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.1})
	require.NoError(t, err)
	for id, load := range plan.After {
		assert.InDelta(t, 10, load, 1, "%s within ±10%% of its share of 10", id)
	}
	assert.Equal(t, 12, len(plan.Moves), "a holds 23 → 11, c gets at least 9, b 7 → 9 or so")
}

func TestRebalanceLeavingAgent(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{
			{ID: "zh1", Languages: []string{"zh"}, Capacity: 5},
			{ID: "de1", Languages: []string{"de"}, Capacity: 5},
			{ID: "zh2", Languages: []string{"zh"}, Capacity: 5},
		},
		Pools: []routing.Pool{{Name: "p", Members: []string{"zh1", "de1", "zh2"}, Strategy: routing.LeastLoaded, MatchLanguage: true}}}
	r, _ := newRouter(t, cfg)
	book := []routing.Holding{
		{Item: "x1", Customer: strata.Customer{ID: "c1", Country: "CN", Languages: []string{"zh"}}, Agent: "zh1", Pool: "p", Units: 1},
		{Item: "x2", Customer: strata.Customer{ID: "c2", Country: "CN", Languages: []string{"zh"}}, Agent: "zh1", Pool: "p", Units: 1},
		{Item: "x3", Customer: strata.Customer{ID: "c3", Country: "DE", Languages: []string{"de"}}, Agent: "zh1", Pool: "p", Units: 1},
	}
	plan, err := r.Rebalance(book, routing.RebalancePolicy{Leaving: []string{"zh1"}})
	require.NoError(t, err)
	to := map[string]string{}
	for _, m := range plan.Moves {
		to[m.Item] = m.To
		assert.Contains(t, m.Reason, "zh1 is leaving")
	}
	assert.Equal(t, map[string]string{"x1": "zh2", "x2": "zh2", "x3": "de1"}, to, "each customer to a colleague who speaks its language")
	assert.Zero(t, plan.After["zh1"])

	_, err = r.Rebalance(book, routing.RebalancePolicy{Leaving: []string{"ghost"}})
	assert.ErrorIs(t, err, routing.ErrUnknownAgent)
}

// TestRebalanceNeverExceedsCapacity: random books, every plan respects
// capacity wherever a solution exists, and every move is to an eligible agent.
func TestRebalanceNeverExceedsCapacity(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := range 200 {
		caps := []int{1 + rng.IntN(6), 1 + rng.IntN(6), 1 + rng.IntN(6), 1 + rng.IntN(6)}
		r := rbRouter(t, caps...)
		var book []routing.Holding
		total := caps[0] + caps[1] + caps[2] + caps[3]
		for i := range rng.IntN(total + 1) {
			book = append(book, holding(fmt.Sprint("i", i), string(rune('a'+rng.IntN(4))), []string{"vip", "key", "regular"}[rng.IntN(3)], rng.IntN(100)))
		}
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: []float64{0, 0.1, 0.5}[trial%3]})
		require.NoError(t, err)
		for i, c := range caps {
			assert.LessOrEqual(t, plan.After[string(rune('a'+i))], c, "trial %d: %+v", trial, plan)
		}
	}
}

// TestRebalanceIsMinimal compares the number of moves with a brute force
// over every assignment of up to 8 customers to 3 agents.
func TestRebalanceIsMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 150 {
		caps := []int{1 + rng.IntN(4), 1 + rng.IntN(4), 1 + rng.IntN(4)}
		n := 1 + rng.IntN(8)
		band := []float64{0, 0.25}[trial%2]
		r := rbRouter(t, caps...)
		owner := make([]int, n)
		var book []routing.Holding
		for i := range n {
			owner[i] = rng.IntN(3)
			book = append(book, holding(fmt.Sprint("i", i), string(rune('a'+owner[i])), "regular", i))
		}
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: band})
		require.NoError(t, err)
		best := bruteForce(owner, caps, band)
		if best < 0 {
			continue // infeasible: nothing to compare
		}
		require.Empty(t, plan.Unresolved, "trial %d: feasible, yet unresolved %v", trial, plan.Unresolved)
		assert.Equal(t, best, len(plan.Moves), "trial %d: caps %v owners %v band %v", trial, caps, owner, band)
	}
}

// bruteForce returns the fewest moves that put every agent within capacity
// and band, or -1.
func bruteForce(owner, caps []int, band float64) int {
	n := len(owner)
	share := float64(n) / 3
	upper := func(i int) int {
		u := caps[i]
		if band > 0 {
			u = min(u, int(ceil(share*(1+band)-1e-9)))
		}
		return u
	}
	lower := 0
	if band > 0 {
		lower = int(floor(share*(1-band) + 1e-9))
	}
	best := -1
	assign := make([]int, n)
	var rec func(i int)
	rec = func(i int) {
		if i == n {
			load := [3]int{}
			moves := 0
			for k, a := range assign {
				load[a]++
				if a != owner[k] {
					moves++
				}
			}
			for a := range 3 {
				if load[a] > upper(a) || load[a] < lower {
					return
				}
			}
			if best < 0 || moves < best {
				best = moves
			}
			return
		}
		for a := range 3 {
			assign[i] = a
			rec(i + 1)
		}
	}
	rec(0)
	return best
}

func ceil(f float64) float64  { return float64(int(f) + b(f > float64(int(f)))) }
func floor(f float64) float64 { return float64(int(f)) }
func b(x bool) int {
	if x {
		return 1
	}
	return 0
}

func TestApplyPlan(t *testing.T) {
	r, store := newRouter(t, routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{{ID: "a", Capacity: 1}, {ID: "b", Capacity: 5}},
		Pools:  []routing.Pool{{Name: "p", Members: []string{"a", "b"}, Strategy: routing.LeastLoaded}}})
	for _, item := range []string{"x", "y"} {
		_, _, err := store.Reserve(t.Context(), routing.Reservation{Item: item, Agent: "a", Pool: "p", Units: 1, Capacity: routing.NoLimit, At: now})
		require.NoError(t, err)
	}
	plan, err := r.Rebalance([]routing.Holding{holding("x", "a", "regular", 1), holding("y", "a", "regular", 2)}, routing.RebalancePolicy{})
	require.NoError(t, err)
	require.Len(t, plan.Moves, 1)
	plan.Moves = append(plan.Moves, routing.Move{Item: "gone", From: "a", To: "b"})
	res, err := r.ApplyPlan(t.Context(), plan, now)
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.NoError(t, res[0].Err)
	assert.ErrorIs(t, res[1].Err, routing.ErrUnknownItem, "a failed move changes nothing and is reported")
	a, _, _ := store.Lookup(t.Context(), plan.Moves[0].Item)
	assert.Equal(t, "b", a.Agent)
}
