package routing_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// mixedBook builds a book of items held by agents "a".."c", each of the
// given units, all in pool "p".
func mixedBook(items ...struct {
	agent string
	units int
}) []routing.Holding {
	book := make([]routing.Holding, 0, len(items))
	for i, it := range items {
		book = append(book, routing.Holding{Item: fmt.Sprint("i", i), Customer: strata.Customer{ID: fmt.Sprint("c", i)},
			Agent: it.agent, Pool: "p", Units: it.units, Since: now})
	}
	return book
}

type held = struct {
	agent string
	units int
}

// TestRebalanceMixedSizes is the book: three agents of capacity 9,
// band 0.1, items of 2 and 3 units. Before the fix every placement of one
// 2-unit and one 3-unit item gave a 39-move plan swinging an item between
// two agents (40 moves for two items of equal size), five 2-unit items on
// one agent 76 moves, and three 3-unit and three 2-unit items 88. Now no
// item moves twice and the plan is short: with 5 units over three agents
// the band is 1 to 2 units, so the 3-unit item is over it wherever it is and
// moving it never helps; only the 2-unit item may move, once.
func TestRebalanceMixedSizes(t *testing.T) {
	r := rbRouter(t, 9, 9, 9)
	policy := routing.RebalancePolicy{Band: 0.1}
	for _, three := range []string{"a", "b", "c"} {
		for _, two := range []string{"a", "b", "c"} {
			for _, order := range []string{"3 first", "2 first"} {
				book := mixedBook(held{three, 3}, held{two, 2})
				if order == "2 first" {
					book = mixedBook(held{two, 2}, held{three, 3})
				}
				name := fmt.Sprintf("3 units on %s, 2 units on %s, %s", three, two, order)
				t.Run(name, func(t *testing.T) {
					plan, err := r.Rebalance(book, policy)
					require.NoError(t, err)
					checkPlan(t, book, plan, name)
					assert.LessOrEqual(t, len(plan.Moves), 1, "%+v", plan.Moves)
					for _, m := range plan.Moves {
						assert.Equal(t, 2, m.Units, "the 3-unit item is over the band anywhere: moving it never helps")
					}
				})
			}
		}
	}
	for _, tc := range []struct {
		name string
		book []routing.Holding
	}{
		{"five 2-unit items on a", mixedBook(held{"a", 2}, held{"a", 2}, held{"a", 2}, held{"a", 2}, held{"a", 2})},
		{"three 3-unit items on a, three 2-unit items on c", mixedBook(held{"a", 3}, held{"a", 3}, held{"a", 3}, held{"c", 2}, held{"c", 2}, held{"c", 2})},
		{"two of each, all on b", mixedBook(held{"b", 2}, held{"b", 3}, held{"b", 2}, held{"b", 3})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := r.Rebalance(tc.book, policy)
			require.NoError(t, err)
			checkPlan(t, tc.book, plan, tc.name)
			assert.Less(t, len(plan.Moves), len(tc.book), "fewer moves than items: %+v", plan.Moves)
		})
	}
}
