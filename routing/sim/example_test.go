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

func ExampleParseConfig() {
	cfg, err := sim.ParseConfig([]byte(`
name: a quiet week
seed: 1
start: 2026-11-02T00:00:00Z
days: 7
leads_per_day: 20
markets: [{country: DE, languages: [de], zone: Europe/Berlin, weight: 1}]
service: 1d
sla: 4h
`))
	fmt.Println(cfg.Name, cfg.Days*cfg.LeadsPerDay, cfg.Service, cfg.SLA, err)
	_, err = sim.ParseConfig([]byte("days: 7\nleads_per_dya: 20\n"))
	fmt.Println(err != nil)
	// Output:
	// a quiet week 140 1d 4h0m0s <nil>
	// true
}
