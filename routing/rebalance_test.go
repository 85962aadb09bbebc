package routing_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// checkPlan applies plan to book and checks the three promises: no item
// moves twice, no more moves than items, and loads that add up (no
// overflow): each move starts where the item is, and After is the book
// after the moves.
func checkPlan(t *testing.T, book []routing.Holding, plan routing.Plan, what string) {
	t.Helper()
	require.LessOrEqual(t, len(plan.Moves), len(book), "%s: more moves than items", what)
	holder, units := map[string]string{}, map[string]int{}
	for _, h := range book {
		holder[h.Item], units[h.Item] = h.Agent, max(h.Units, 1)
	}
	moved := map[string]bool{}
	for i, m := range plan.Moves {
		require.False(t, moved[m.Item], "%s: move %d moves %s a second time", what, i, m.Item)
		moved[m.Item] = true
		require.Equal(t, holder[m.Item], m.From, "%s: move %d", what, i)
		require.Equal(t, units[m.Item], m.Units, "%s: move %d", what, i)
		holder[m.Item] = m.To
	}
	loads := map[string]int{}
	for item, agent := range holder {
		loads[agent] += units[item]
	}
	for agent, load := range plan.After {
		require.Equal(t, loads[agent], load, "%s: %s's load after the plan", what, agent)
		require.GreaterOrEqual(t, load, 0, "%s: %s", what, agent)
	}
}

// TestRebalanceReproductions: the books that made plans swing items back
// and forth (a 5-item book gave 76 moves, a 55-item book 1,116).
func TestRebalanceReproductions(t *testing.T) {
	t.Run("three agents of capacity 9, items of 2 and 3 units", func(t *testing.T) {
		r := rbRouter(t, 9, 9, 9)
		var book []routing.Holding
		for i, h := range []struct {
			agent string
			units int
		}{{"b", 3}, {"a", 3}, {"c", 3}, {"b", 3}, {"a", 3}} {
			book = append(book, routing.Holding{Item: fmt.Sprint("i", i), Customer: strata.Customer{ID: fmt.Sprint("c", i)}, Agent: h.agent, Pool: "p", Units: h.units, Since: now})
		}
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.1})
		require.NoError(t, err)
		checkPlan(t, book, plan, "5 items")
	})
	t.Run("55 items over five agents", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(59, 2))
		caps := make([]int, 5)
		for i := range caps {
			caps[i] = 40 + rng.IntN(20)
		}
		r := rbRouter(t, caps...)
		var book []routing.Holding
		for i := range 55 {
			book = append(book, routing.Holding{Item: fmt.Sprint("i", i), Customer: strata.Customer{ID: fmt.Sprint("c", i)},
				Agent: string(rune('a' + rng.IntN(2))), Pool: "p", Units: 1 + rng.IntN(5), Since: now})
		}
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.05})
		require.NoError(t, err)
		checkPlan(t, book, plan, "55 items")
		assert.Empty(t, plan.Unresolved, "there is room for everyone")
	})
}

// TestRebalanceConvergesOnRandomBooks: random books with mixed sizes,
// capacities, bands, tiers and leaving agents: every plan keeps the three
// promises.
func TestRebalanceConvergesOnRandomBooks(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for trial := range 400 {
		n := 2 + rng.IntN(5)
		caps := make([]int, n)
		for i := range caps {
			caps[i] = []int{0, 1 + rng.IntN(12), 5 + rng.IntN(60)}[rng.IntN(3)]
		}
		r := rbRouter(t, caps...)
		var book []routing.Holding
		for i := range rng.IntN(80) {
			book = append(book, routing.Holding{Item: "i" + strconv.Itoa(i), Agent: string(rune('a' + rng.IntN(n))), Pool: []string{"p", ""}[rng.IntN(2)],
				Units: rng.IntN(7) - 1, Customer: strata.Customer{ID: "c" + strconv.Itoa(i), Tier: []string{"vip", "key", "regular", ""}[rng.IntN(4)]},
				Since: now.AddDate(0, 0, -rng.IntN(100))})
		}
		policy := routing.RebalancePolicy{Band: []float64{0, 0.05, 0.1, 0.25, 1}[rng.IntN(5)]}
		if rng.IntN(4) == 0 {
			policy.Leaving = []string{string(rune('a' + rng.IntN(n)))}
		}
		plan, err := r.Rebalance(book, policy)
		require.NoError(t, err)
		checkPlan(t, book, plan, fmt.Sprintf("trial %d (caps %v, %+v)", trial, caps, policy))
	}
}
