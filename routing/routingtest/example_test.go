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
	// assigned                           1387             1387
	// unassigned                           13               13
	// deferred leads                      352              342
	// wait mean                     13h44m12s        13h26m29s
	// wait p95                      62h23m18s         62h15m6s
	// SLA misses                          238              233
	// overflow used                         0                0
	// Gini (assignments)                0.026            0.052
	// busiest rep (max load)        rep000 40        rep001 40
}
