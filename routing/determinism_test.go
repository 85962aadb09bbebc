package routing_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// shuffledMap builds a map by inserting keys in an order rng chooses.
func shuffledMap[V any](rng *rand.Rand, keys []string, value func(k string) V) map[string]V {
	order := append([]string(nil), keys...)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	m := make(map[string]V, len(order))
	for _, k := range order {
		m[k] = value(k)
	}
	return m
}

// deterministicTeam is a team whose every map (skills, units, groups) is
// built in rng's order; good is false for a team with a problem in every
// map.
func deterministicTeam(rng *rand.Rand, good bool) routing.Config {
	skills := []string{"textiles", "dyes", "yarn", "machinery", "logistics"}
	level := func(bad int) func(k string) int {
		return func(k string) int {
			if !good && len(k)%2 == bad {
				return 9
			}
			return 1 + len(k)%3
		}
	}
	cfg := routing.Config{Home: "CN", DefaultPool: "skilled", DefaultOwner: "d00",
		Units:  shuffledMap(rng, []string{"vip", "key", "regular", "potential"}, func(k string) int { return len(k) % 4 }),
		Groups: shuffledMap(rng, []string{"North", "South", "Islands"}, func(k string) []string { return []string{"CN-BJ", "CN-GD", "CN-HI"} }),
		Rules: []routing.Rule{
			{Name: "north", When: `in_group(customer, "North")`, Pool: "skilled"},
			{Name: "vip", When: `customer.tier == "vip"`, Pool: "fair"},
		}}
	if good {
		cfg.Units = shuffledMap(rng, []string{"vip", "key"}, func(k string) int { return len(k) })
	} else {
		cfg.Groups["Bad"] = []string{"XX", "YY"}
	}
	pools := []routing.Pool{
		{Name: "skilled", Strategy: routing.BestSkillFit, Skills: shuffledMap(rng, skills[:4], level(0)),
			Overflow: []routing.OverflowStep{{RelaxSkills: true}, {Pool: "fair"}}},
		{Name: "fair", Strategy: routing.WeightedRoundRobin, Skills: shuffledMap(rng, skills[3:], level(1))},
	}
	for i := range 12 {
		a := routing.Agent{ID: fmt.Sprintf("d%02d", i), Capacity: 2 + i%3, Weight: 1 + i%2, Seniority: 1 + i%5, Country: "CN",
			Skills: shuffledMap(rng, skills[i%3:i%3+2], func(k string) int { return 1 + (i+len(k))%5 })}
		if !good && i%4 == 0 {
			a.Skills = shuffledMap(rng, skills, func(string) int { return 0 })
		}
		cfg.Agents = append(cfg.Agents, a)
		pools[i%2].Members = append(pools[i%2].Members, a.ID)
	}
	cfg.Pools = pools
	return cfg
}

// TestDeterminism builds the same configuration 50 times, each with its
// maps filled in another order, and requires the same bytes out: the
// errors of a bad configuration, and the decisions, traces and
// explanations of a day of leads, and a rebalancing plan.
func TestDeterminism(t *testing.T) {
	run := func(seed uint64) string {
		rng := rand.New(rand.NewPCG(seed, seed))
		var b strings.Builder
		_, err := routing.New(deterministicTeam(rng, false), routing.NewMemoryStore())
		require.Error(t, err)
		b.WriteString(err.Error())
		r, _ := newRouter(t, deterministicTeam(rng, true))
		for i := range 60 {
			c := strata.Customer{ID: fmt.Sprint("c", i%9), Country: "CN", Subdivision: []string{"CN-BJ", "CN-SH", "CN-GD"}[i%3],
				Tier: []string{"vip", "key", "regular"}[i%3]}
			lead := routing.Lead{ID: fmt.Sprint("L", i), Product: []string{"dyes", "yarn", ""}[i%3], Kind: c.Tier,
				Attrs: shuffledMap(rng, []string{"a", "b", "c"}, func(k string) any { return k }), ReceivedAt: now.Add(-time.Duration(i%4) * time.Hour)}
			d := route(t, r, routing.Request{Customer: c, Lead: lead, Now: now.Add(time.Duration(i) * time.Minute)})
			out, err := json.Marshal(d)
			require.NoError(t, err)
			b.Write(out)
			b.WriteString(d.Why())
		}
		var book []routing.Holding
		for i := range 40 {
			book = append(book, routing.Holding{Item: fmt.Sprint("h", i), Customer: strata.Customer{ID: fmt.Sprint("c", i), Tier: "regular"},
				Agent: fmt.Sprintf("d%02d", i%3), Pool: "fair", Units: 1 + i%2, Since: now})
		}
		plan, err := r.Rebalance(book, routing.RebalancePolicy{Band: 0.2})
		require.NoError(t, err)
		out, err := json.Marshal(plan)
		require.NoError(t, err)
		b.Write(out)
		return b.String()
	}
	first := run(0)
	assert.Contains(t, first, "skill", "the trace names skills")
	for seed := uint64(1); seed < 50; seed++ {
		if got := run(seed); got != first {
			i := 0
			for i < len(got) && i < len(first) && got[i] == first[i] {
				i++
			}
			from := max(i-200, 0)
			t.Fatalf("build %d differs at byte %d:\nfirst: …%s…\nthis:  …%s…", seed, i, first[from:min(i+100, len(first))], got[from:min(i+100, len(got))])
		}
	}
}
