package routing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// TestApplyPlanRefusesStaleMoves: a hand-made or stale plan cannot swing an
// item back and forth. Ten moves of one item between two agents used to be
// carried out (Recent a 1→6, b 0→5, no error); now the first move that
// fits the store is made and every other one is refused with ErrStaleMove.
func TestApplyPlanRefusesStaleMoves(t *testing.T) {
	ids := []string{"a", "b"}
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded, Members: ids}}}
	for _, id := range ids {
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 9, Country: "CN"})
	}
	cases := []struct {
		name  string
		moves func(holder, other string) []routing.Move
		made  int
	}{
		{"one item swung ten times", func(holder, other string) []routing.Move {
			var moves []routing.Move
			from, to := holder, other
			for range 10 {
				moves = append(moves, routing.Move{Item: "i0", From: from, To: to, Units: 1})
				from, to = to, from
			}
			return moves
		}, 1},
		{"a From that no longer holds the item", func(holder, other string) []routing.Move {
			return []routing.Move{{Item: "i0", From: other, To: holder, Units: 1}}
		}, 0},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r, store := newRouter(t, cfg)
			d := route(t, r, routing.Request{Item: "i0", Customer: strata.Customer{ID: "c0", Country: "CN"}})
			holder, other := d.Agent, "a"
			if holder == "a" {
				other = "b"
			}
			before := recentOf(t, store, ids)
			results, err := r.ApplyPlan(t.Context(), routing.Plan{Moves: tt.moves(holder, other)}, now.Add(time.Hour))
			require.NoError(t, err)
			made := 0
			for i, res := range results {
				if res.Err == nil {
					made++
					continue
				}
				assert.ErrorIs(t, res.Err, routing.ErrStaleMove, "move %d", i)
			}
			assert.Equal(t, tt.made, made)
			after := recentOf(t, store, ids)
			for _, id := range ids {
				assert.LessOrEqual(t, after[id]-before[id], tt.made, fmt.Sprint(id, ": recent count"))
			}
		})
	}
}
