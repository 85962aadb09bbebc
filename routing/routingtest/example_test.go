package routingtest_test

import (
	"context"
	"fmt"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

// A week of 200 leads a day on three reps: round robin against least
// loaded, on the same seed.
func ExampleSimulate() {
	cfg := simConfig(7, 200)
	var reports []routingtest.Report
	for _, s := range []routing.Strategy{routing.RoundRobin, routing.LeastLoaded} {
		cfg.Name = string(s)
		rep, err := routingtest.Simulate(context.Background(), simTeam(3, s), cfg)
		if err != nil {
			panic(err)
		}
		reports = append(reports, rep)
	}
	fmt.Print(routingtest.Compare(reports...))
	// Output:
	// round_robin     least_loaded
	// leads                              1400             1400
	// assigned                           1386             1386
	// unassigned                           14               14
	// deferred leads                      350              342
	// wait mean                     13h42m42s        13h48m17s
	// wait p95                       63h8m30s        63h12m39s
	// SLA misses                          241              238
	// overflow used                         0                0
	// Gini (assignments)                0.033            0.063
	// busiest rep (max load)        rep000 40        rep002 40
}
