package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/scoring"
	"github.com/strata-go/strata/tiering"
)

// shippedRule is a rule Strata ships, where it ships it, and whether it
// is a condition (scores' values are numbers).
type shippedRule struct {
	where, src string
	cond       bool
}

// shippedRules are the rules of the starter configurations and the sample
// team: tiers' when and stay, segments, scorecards' criteria, routing rules
// and pool selectors.
func shippedRules() []shippedRule {
	var out []shippedRule
	add := func(where, src string, cond bool) {
		if src != "" {
			out = append(out, shippedRule{where, src, cond})
		}
	}
	tc := tiering.StarterConfig("CN")
	for _, l := range tc.Ladders {
		for _, t := range l.Tiers {
			add("tiering "+l.Name+"/"+t.Name+" when", t.When, true)
			add("tiering "+l.Name+"/"+t.Name+" stay", t.Stay, true)
		}
	}
	for _, s := range tc.Segments {
		add("tiering segment "+s.Name, s.When, true)
	}
	for _, card := range []scoring.Config{scoring.StarterValueConfig("CN", "CNY"), scoring.StarterPotentialConfig("CN", "CNY")} {
		for _, c := range card.Criteria {
			add("scoring "+card.Name+"/"+c.Name+" when", c.When, true)
			add("scoring "+card.Name+"/"+c.Name+" value", c.Value, false)
		}
	}
	team := sample.Team()
	for _, p := range team.Pools {
		add("routing pool "+p.Name, p.Select, true)
	}
	for _, r := range team.Rules {
		add("routing rule "+r.Name, r.When, true)
	}
	return out
}

// TestShippedRulesArePlanned: every condition Strata ships compiles in the
// differential environments, runs as closures there, and agrees with
// cel-go on random records.
func TestShippedRulesArePlanned(t *testing.T) {
	shipped := shippedRules()
	assert.Greater(t, len(shipped), 25, "the starter configurations ship rules")
	for _, r := range shipped {
		if !r.cond {
			continue
		}
		t.Run(r.where, func(t *testing.T) {
			compiled, planned := rules.CheckAgainstCEL(t, r.src, 1, 50)
			assert.Equal(t, 4, compiled, "compiles in every environment: %s", r.src)
			assert.Equal(t, compiled, planned, "planned as closures: %s", r.src)
		})
	}
}

// FuzzShippedRulesMatchCEL mutates the rules Strata ships (and the record
// seed) and requires the closures and cel-go to agree, value or error, on
// every rule that compiles.
func FuzzShippedRulesMatchCEL(f *testing.F) {
	for i, r := range shippedRules() {
		f.Add(r.src, uint64(i))
	}
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		if len(src) > 2048 { // rules are bounded by the loaders; keep executions cheap
			return
		}
		rules.CheckAgainstCEL(t, src, seed, 8)
	})
}
