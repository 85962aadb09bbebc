// Command simulate replays a month of leads through the quickstart's sales
// team (Shanghai, Berlin, São Paulo) under three routing setups on the same
// seed, and prints them side by side: the way to review a rule change before
// it ships.
//
//	go run ./examples/simulate [-days 30] [-per-day 150] [-seed 7]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/sim"
)

func main() {
	days := flag.Int("days", 30, "days to simulate")
	perDay := flag.Int("per-day", 150, "leads a day")
	seed := flag.Uint64("seed", 7, "random seed: the same seed gives the same report")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *days, *perDay, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

// setups returns the three configurations compared.
func setups() map[string]routing.Config {
	roundRobin := sample.Team()
	for i := range roundRobin.Pools {
		roundRobin.Pools[i].Strategy = routing.RoundRobin
	}
	// VIP leads go to directors, and grade-A leads to reps of seniority 3
	// and up in their region.
	seniority := sample.Team()
	seniority.Pools = append(seniority.Pools, routing.Pool{Name: "seniors", Select: `agent.seniority >= 3`,
		Strategy: routing.LeastLoaded, MatchRegion: true, Sticky: true})
	seniority.Rules = append([]routing.Rule{
		{Name: "vip-to-directors", When: `customer.tier == "vip"`, Pool: "directors"},
		{Name: "a-grade-to-seniors", When: `customer.scores.grade == "A"`, Pool: "seniors"},
	}, seniority.Rules[1:]...)
	return map[string]routing.Config{"round-robin": roundRobin, "least-loaded": sample.Team(), "tier-to-seniority": seniority}
}

func run(ctx context.Context, out io.Writer, days, perDay int, seed uint64) error {
	month := sim.Config{
		Seed: seed, Start: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Days: days, LeadsPerDay: perDay,
		Markets: []sim.Market{
			{Country: "CN", Subdivision: "CN-ZJ", Languages: []string{"zh-Hans"}, Zone: "Asia/Shanghai", Weight: 45},
			{Country: "CN", Subdivision: "CN-GD", Languages: []string{"zh-Hans"}, Zone: "Asia/Shanghai", Weight: 15},
			{Country: "DE", Subdivision: "DE-BY", Languages: []string{"de"}, Zone: "Europe/Berlin", Weight: 10},
			{Country: "FR", Languages: []string{"fr"}, Zone: "Europe/Paris", Weight: 5},
			{Country: "US", Subdivision: "US-NY", Languages: []string{"en"}, Zone: "America/New_York", Weight: 10},
			{Country: "BR", Subdivision: "BR-SP", Languages: []string{"pt-BR"}, Zone: "America/Sao_Paulo", Weight: 5},
			{Country: "VN", Languages: []string{"vi"}, Zone: "Asia/Ho_Chi_Minh", Weight: 7},
			{Country: "AE", Languages: []string{"ar"}, Zone: "Asia/Dubai", Weight: 3},
		},
		Products:    []string{"nylon-yarn", "polyester-fabric", "dyes"},
		TierMix:     map[string]float64{"vip": 0.04, "key": 0.16, "regular": 0.6, "potential": 0.2},
		GradeMix:    map[strata.Grade]float64{"A": 0.15, "B": 0.45, "C": 0.3, "D": 0.1},
		UrgentShare: 0.03,
		Service:     strata.Duration(72 * time.Hour),
		SLA:         strata.Duration(8 * time.Hour),
	}
	var reports []sim.Report
	for _, name := range []string{"round-robin", "least-loaded", "tier-to-seniority"} {
		month.Name = name
		rep, err := sim.Run(ctx, setups()[name], month, routing.WithConverter(sample.Rates))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		reports = append(reports, rep)
	}
	fmt.Fprintf(out, "%d days, %d leads a day, seed %d: %d leads\n\n", days, perDay, seed, reports[0].Leads)
	fmt.Fprint(out, sim.Compare(reports...))
	fmt.Fprintln(out, "\nAssignments per rep:")
	fmt.Fprintf(out, "%-12s", "")
	for _, r := range reports {
		fmt.Fprintf(out, " %18s", r.Name)
	}
	fmt.Fprintln(out)
	for i, a := range reports[0].Agents {
		fmt.Fprintf(out, "%-12s", a.Agent)
		for _, r := range reports {
			fmt.Fprintf(out, " %18d", r.Agents[i].Assignments)
		}
		fmt.Fprintln(out)
	}
	return nil
}
