package sim_test

import (
	"context"
	"fmt"

	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/sim"
)

// A week of 200 leads a day on three reps: round robin against least
// loaded, on the same seed.
func ExampleRun() {
	cfg := simConfig(7, 200)
	var reports []sim.Report
	for _, s := range []routing.Strategy{routing.RoundRobin, routing.LeastLoaded} {
		cfg.Name = string(s)
		rep, err := sim.Run(context.Background(), simTeam(3, s), cfg)
		if err != nil {
			panic(err)
		}
		reports = append(reports, rep)
	}
	fmt.Print(sim.Compare(reports...))
	// Output:
	// round_robin     least_loaded
	// leads                              1400             1400
	// assigned                           1386             1386
	// unassigned                           14               14
	// deferred leads                      366              368
	// wait mean                     13h55m50s        13h53m26s
	// wait p95                      62h50m55s        62h13m52s
	// SLA misses                          244              244
	// overflow used                         0                0
	// Gini (assignments)                0.100            0.112
	// busiest rep (max load)        rep000 40        rep000 40
}
