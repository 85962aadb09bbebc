package sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/sim"
	"github.com/strata-go/strata/timezone"
)

var simStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday

func simTeam(n int, strategy routing.Strategy) routing.Config {
	zones := []struct{ zone, country string }{{"Asia/Shanghai", "CN"}, {"Europe/Berlin", "DE"}, {"America/Sao_Paulo", "BR"}}
	cfg := routing.Config{Home: "CN", DefaultPool: "all", Units: map[string]int{"vip": 3}}
	pool := routing.Pool{Name: "all", Strategy: strategy, RequireOnShift: true, ShiftWindow: strata.Duration(12 * time.Hour)}
	for i := range n {
		z := zones[i%len(zones)]
		id := fmt.Sprintf("rep%03d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 40, Country: z.country, Seniority: 1 + i%5,
			Shift: &timezone.CalendarConfig{Zone: z.zone, Country: z.country}})
		pool.Members = append(pool.Members, id)
	}
	cfg.Pools = []routing.Pool{pool}
	return cfg
}

func simConfig(days, perDay int) sim.Config {
	return sim.Config{
		Name: "test", Seed: 42, Start: simStart, Days: days, LeadsPerDay: perDay,
		Markets: []sim.Market{
			{Country: "CN", Subdivision: "CN-SH", Languages: []string{"zh"}, Zone: "Asia/Shanghai", Weight: 5},
			{Country: "DE", Languages: []string{"de"}, Zone: "Europe/Berlin", Weight: 3},
			{Country: "US", Subdivision: "US-NY", Languages: []string{"en"}, Zone: "America/New_York", Weight: 2},
		},
		Products: []string{"yarn", "fabric"},
		TierMix:  map[string]float64{"vip": 0.05, "key": 0.2, "regular": 0.75},
		GradeMix: map[strata.Grade]float64{"A": 0.2, "B": 0.5, "C": 0.3}, UrgentShare: 0.05,
		Service: strata.Duration(6 * time.Hour), SLA: strata.Duration(8 * time.Hour),
	}
}

func TestRunIsDeterministic(t *testing.T) {
	run := func() string {
		rep, err := sim.Run(t.Context(), simTeam(9, routing.LeastLoaded), simConfig(5, 300))
		require.NoError(t, err)
		return rep.String() + fmt.Sprint(rep.Agents)
	}
	a, b := run(), run()
	assert.Equal(t, a, b, "same seed, same report, byte for byte")
	cfg := simConfig(5, 300)
	cfg.Seed = 43
	other, err := sim.Run(t.Context(), simTeam(9, routing.LeastLoaded), cfg)
	require.NoError(t, err)
	assert.NotEqual(t, a, other.String()+fmt.Sprint(other.Agents), "another seed, another day")
}

func TestRunAccounting(t *testing.T) {
	rep, err := sim.Run(t.Context(), simTeam(9, routing.LeastLoaded), simConfig(7, 400))
	require.NoError(t, err)
	assert.Equal(t, 2800, rep.Leads)
	assert.Equal(t, rep.Leads, rep.Assigned+rep.Unassigned, "every lead ends assigned or given up, never lost")
	total := 0
	for _, a := range rep.Agents {
		total += a.Assignments
		assert.LessOrEqual(t, a.MaxLoad, 40, "never over capacity: %s", a.Agent)
		assert.Len(t, a.Hourly, 7*24)
	}
	assert.Equal(t, rep.Assigned, total)
	assert.Positive(t, rep.Deferred, "leads at night wait for a shift")
	assert.True(t, rep.Gini >= 0 && rep.Gini < 0.5, "least loaded spreads work: %v", rep.Gini)
	assert.GreaterOrEqual(t, rep.WaitP95, rep.WaitMean/2)
	table := sim.Compare(rep, rep)
	assert.Contains(t, table, "Gini (assignments)")
}

func TestRunRefusesBadConfigs(t *testing.T) {
	_, err := sim.Run(t.Context(), simTeam(3, routing.LeastLoaded), sim.Config{})
	require.Error(t, err)
	var paths []string
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.ErrorAs(t, p, &ce)
		paths = append(paths, ce.Path)
	}
	assert.Equal(t, []string{"start", "days", "leads_per_day", "markets"}, paths)

	cfg := simConfig(2, 10)
	cfg.Markets[1].Zone = "Mars/Olympus"
	cfg.Markets[2].Weight = -1
	cfg.UrgentShare = 2
	cfg.TierMix["vip"] = -0.5
	cfg.Days = sim.MaxDays + 1
	_, err = sim.Run(t.Context(), simTeam(3, routing.LeastLoaded), cfg)
	for _, want := range []string{"days: 3661", "markets[1].zone", "markets[2].weight", "urgent_share", "tier_mix.vip"} {
		assert.ErrorContains(t, err, want)
	}
	var noCtx context.Context
	_, err = sim.Run(noCtx, simTeam(3, routing.LeastLoaded), simConfig(1, 1))
	assert.Error(t, err, "a nil context is refused")
}

// BenchmarkRunMonth is the load: a month of 100,000 leads over
// 200 agents.
func BenchmarkRunMonth(b *testing.B) {
	team := simTeam(200, routing.LeastLoaded)
	cfg := simConfig(30, 100_000/30+1)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := sim.Run(b.Context(), team, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Leads < 100_000 {
			b.Fatal("short")
		}
	}
}
