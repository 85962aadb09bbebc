package routing_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// recentOf reads every agent's Recent count over a window that covers the
// whole test.
func recentOf(t *testing.T, store *routing.MemoryStore, agents []string) map[string]int {
	t.Helper()
	stats, err := store.Stats(t.Context(), agents, now.AddDate(0, 0, -30), nil)
	require.NoError(t, err)
	out := map[string]int{}
	for _, s := range stats {
		out[s.Agent] = s.Recent
	}
	return out
}

// TestApplyPlanRecentCounts: after ApplyPlan of a Rebalance plan, each
// agent's Recent count has risen by at most one per item moved to it (the
// issue's 39-move plan swung one item between two agents and inflated both
// agents' counts), and the loads are the plan's After. The books are the
// issue's: three agents of capacity 9, band 0.1, items of 2 and 3 units,
// piled on one agent (as far as its capacity allows) by Reassign before the
// plan.
func TestApplyPlanRecentCounts(t *testing.T) {
	for _, sizes := range [][]string{
		{"mid", "big"},
		{"mid", "mid", "mid", "mid", "mid"},
		{"big", "big", "big", "mid", "mid", "mid"},
		{"mid", "big", "mid", "big", "mid"},
	} {
		t.Run(fmt.Sprint(sizes), func(t *testing.T) {
			ids := []string{"a", "b", "c"}
			cfg := routing.Config{Home: "CN", DefaultPool: "p", Units: map[string]int{"big": 3, "mid": 2},
				Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded, Members: ids}}}
			for _, id := range ids {
				cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 9, Country: "CN"})
			}
			r, store := newRouter(t, cfg)
			for i, kind := range sizes {
				item := fmt.Sprint("i", i)
				route(t, r, routing.Request{Item: item, Customer: strata.Customer{ID: fmt.Sprint("c", i), Country: "CN"}, Lead: routing.Lead{Kind: kind}})
				// Pile the work on a while it has room; the rest stays put.
				if _, err := r.Reassign(t.Context(), item, "a", "pile up", now.Add(time.Minute)); !errors.Is(err, routing.ErrOverCapacity) {
					require.NoError(t, err)
				}
			}
			var book []routing.Holding
			for _, a := range store.Items() {
				book = append(book, routing.Holding{Item: a.Item, Customer: strata.Customer{ID: a.Customer}, Agent: a.Agent, Pool: a.Pool, Units: a.Units, Since: a.At})
			}
			plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.1})
			require.NoError(t, err)
			checkPlan(t, book, plan, fmt.Sprint(sizes))
			require.NotEmpty(t, plan.Moves, "the work is piled on a: something must move")

			before := recentOf(t, store, ids)
			results, err := r.ApplyPlan(t.Context(), plan, now.Add(time.Hour))
			require.NoError(t, err)
			for _, res := range results {
				require.NoError(t, res.Err, "%+v", res.Move)
			}
			after := recentOf(t, store, ids)
			movedTo := map[string]map[string]bool{}
			for _, m := range plan.Moves {
				if movedTo[m.To] == nil {
					movedTo[m.To] = map[string]bool{}
				}
				movedTo[m.To][m.Item] = true
			}
			for _, id := range ids {
				assert.LessOrEqual(t, after[id]-before[id], len(movedTo[id]), "%s: Recent rose from %d to %d with %d items moved to it", id, before[id], after[id], len(movedTo[id]))
			}
			stats, err := store.Stats(t.Context(), ids, time.Time{}, nil)
			require.NoError(t, err)
			for _, s := range stats {
				assert.Equal(t, plan.After[s.Agent], s.Load, "%s's load after ApplyPlan", s.Agent)
			}
		})
	}
}
