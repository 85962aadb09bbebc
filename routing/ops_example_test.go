package routing_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

func ExampleRouter_Drain() {
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{{ID: "ann", Capacity: 1}, {ID: "bo", Capacity: 1}},
		Pools:  []routing.Pool{{Name: "p", Members: []string{"ann", "bo"}, Strategy: routing.LeastLoaded}}}
	r, _ := routing.New(cfg, routing.NewMemoryStore())
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	lead := func(id string, hoursAgo, priority int) routing.Request {
		return routing.Request{Item: id, Customer: strata.Customer{ID: "c-" + id, Country: "CN"},
			Lead: routing.Lead{ReceivedAt: now.Add(-time.Duration(hoursAgo) * time.Hour), Priority: priority}}
	}
	waiting := []routing.Request{lead("L3", 1, 0), lead("L1", 5, 0), lead("L2", 1, 5)}
	for d, err := range r.Drain(context.Background(), slices.Values(waiting), now) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s %s queue %d\n", d.Item, d.Outcome, d.Agent, d.Queue)
	}
	// Output:
	// L1 assigned bo queue 0
	// L2 assigned ann queue 0
	// L3 unassigned  queue 1
}

func ExampleRouter_Rebalance() {
	cfg := routing.Config{Home: "CN", DefaultPool: "p",
		Agents: []routing.Agent{{ID: "ann", Capacity: 10}, {ID: "bo", Capacity: 10}, {ID: "cy", Capacity: 10}},
		Pools:  []routing.Pool{{Name: "p", Members: []string{"ann", "bo", "cy"}, Strategy: routing.LeastLoaded}}}
	r, _ := routing.New(cfg, routing.NewMemoryStore())
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var book []routing.Holding
	// ann holds everything; cy is leaving (and holds nothing). Within the
	// ±10% band of a share of 3, ann may keep 4: the two newest regular
	// accounts move, VIPs and key accounts stay with their owner.
	for i, tier := range []string{"vip", "key", "regular", "regular", "vip", "regular"} {
		book = append(book, routing.Holding{Item: fmt.Sprint("I", i), Customer: strata.Customer{ID: fmt.Sprint("C", i), Tier: tier},
			Agent: "ann", Pool: "p", Units: 1, Since: now.AddDate(0, 0, -i)})
	}
	plan, _ := r.Rebalance(book, routing.RebalancePolicy{Band: 0.1, Leaving: []string{"cy"}})
	for _, m := range plan.Moves {
		fmt.Printf("%s (%s) %s → %s: %s\n", m.Item, m.Tier, m.From, m.To, m.Reason)
	}
	fmt.Println(plan.After["ann"], plan.After["bo"])
	// Output:
	// I2 (regular) ann → bo: ann holds 6 units, over its limit of 4
	// I3 (regular) ann → bo: ann holds 5 units, over its limit of 4
	// 4 2
}
