package automation_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering/automation"
)

func tag(t string) []automation.Action {
	return []automation.Action{{Kind: "add_tag", Params: map[string]string{"tag": t}}}
}

// Every problem New finds, each in its own configuration, reported with
// its path (and, for conditions, the rule and the column of the literal).
func TestNewReportsEveryProblem(t *testing.T) {
	tiers := starterTiers(t)
	tests := []struct {
		name string
		cfg  automation.Config
		want []string
	}{
		{"no rules", automation.Config{}, []string{"rules: at least one rule is required"}},
		{"rule without name, condition or actions", automation.Config{Rules: []automation.Rule{{}}}, []string{
			"rules[0].name: required",
			`rules[0].when: required: a rule needs a condition ("true" fires on every transition)`,
			"rules[0].actions: required: a rule needs at least one action"}},
		{"duplicate names", automation.Config{Rules: []automation.Rule{{Name: "a", When: "true", Actions: tag("x")}, {Name: "a", When: "true", Actions: tag("y")}}},
			[]string{`rules[1].name: duplicate rule "a"`}},
		{"a syntax error", automation.Config{Rules: []automation.Rule{{Name: "a", When: "transition.to ==", Actions: tag("x")}}},
			[]string{"rules[0].when: rule \"automation a\" 1:17: Syntax error: mismatched input '<EOF>'"}},
		{"an unknown field", automation.Config{Rules: []automation.Rule{{Name: "a", When: `transition.tier == "vip"`, Actions: tag("x")}}},
			[]string{"rules[0].when: rule \"automation a\" 1:12: undefined field 'tier'"}},
		{"unknown kind", automation.Config{Rules: []automation.Rule{{Name: "a", When: "true", Actions: []automation.Action{{Kind: "send_sms"}}}}},
			[]string{`rules[0].actions[0].kind: unknown action kind "send_sms" (known: [add_tag assign_role create_document notify remove_tag schedule send_template]; declare the host's own under kinds)`}},
		{"missing and unknown parameters", automation.Config{Rules: []automation.Rule{{Name: "a", When: "true",
			Actions: []automation.Action{{Kind: "send_template", Params: map[string]string{"templte": "welcome", "zz": "1"}}}}}},
			[]string{"rules[0].actions[0].params.template: required by send_template",
				`rules[0].actions[0].params.templte: send_template takes no parameter "templte" (it takes [template channel])`,
				`rules[0].actions[0].params.zz: send_template takes no parameter "zz" (it takes [template channel])`}},
		{"a schedule's cadence", automation.Config{Rules: []automation.Rule{{Name: "a", When: "true",
			Actions: []automation.Action{{Kind: "schedule", Params: map[string]string{"plan": "visit", "every": "fortnightly"}}}}}},
			[]string{`rules[0].actions[0].params.every: unknown cadence "fortnightly" (want daily, weekly, biweekly, monthly, quarterly or yearly)`}},
		{"a tier the ladder does not have", automation.Config{Rules: []automation.Rule{{Name: "a",
			When: `transition.ladder == "value" && transition.to == "platinum"`, Actions: tag("x")}}},
			[]string{`rules[0].when: rule "automation a" 1:50: comparison can never hold: transition.to is never "platinum", which is not among the tiers of ladder "value" (vip, key, regular, potential, basic)`}},
		{"a segment as a tier", automation.Config{Rules: []automation.Rule{{Name: "a",
			When: `transition.change == "up" && transition.to == "east-china"`, Actions: tag("x")}}},
			[]string{`rules[0].when: rule "automation a" 1:47: comparison can never hold: transition.to is never "east-china", which is not among the tiers of the tiering configuration (basic, key, potential, regular, vip)`}},
		{"a tier on a pinned segment", automation.Config{Rules: []automation.Rule{{Name: "a",
			When: "transition.segment == \"east-china\" &&\n  transition.to == \"vip\"", Actions: tag("x")}}},
			[]string{`rules[0].when: rule "automation a" 2:20: comparison can never hold: transition.to is never "vip", which is not among the segment "east-china" itself (east-china)`}},
		{"unknown ladder, segment, change and reason", automation.Config{Rules: []automation.Rule{
			{Name: "a", When: `transition.ladder == "valeu"`, Actions: tag("x")},
			{Name: "b", When: `transition.segment in ["east-china", "north-china"]`, Actions: tag("x")},
			{Name: "c", When: `transition.change == "downgraded" || transition.reason != "stay"`, Actions: tag("x")},
		}}, []string{
			`rules[0].when: rule "automation a" 1:22: comparison can never hold: transition.ladder is never "valeu", which is not among the tiering configuration's ladders (value)`,
			`rules[1].when: rule "automation b" 1:38: comparison can never hold: transition.segment is never "north-china", which is not among the tiering configuration's segments (domestic-high-value, overseas-potential, east-china, south-china, europe-america, asean, middle-east, latin-america, us-vip, manufacturing, retail, new-customer, needs-follow-up, channel-partner)`,
			`rules[2].when: rule "automation c" 1:22: comparison can never hold: transition.change is never "downgraded", which is not among the changes (new, up, down, moved, entered, left)`,
			`rules[2].when: rule "automation c" 1:59: comparison always holds: transition.reason is never "stay", which is not among the reasons (matched, default, stay_rule, min_dwell, unmatched)`,
		}},
		{"contradictions", automation.Config{Rules: []automation.Rule{
			{Name: "a", When: `transition.segment == "east-china" && transition.change == "up"`, Actions: tag("x")},
			{Name: "b", When: `transition.ladder == "value" && transition.segment == "east-china"`, Actions: tag("x")},
			{Name: "c", When: `transition.to == "vip" && customer.orders > 1 && transition.to == "key"`, Actions: tag("x")},
			{Name: "d", When: `transition.ladder == "value" && transition.change == "entered"`, Actions: tag("x")},
		}}, []string{
			`rules[0].when: rule "automation a" 1:60: condition can never hold: a segment does not change "up"`,
			`rules[1].when: rule "automation b" 1:55: condition can never hold: a transition is on a ladder or on a segment, not both`,
			`rules[2].when: rule "automation c" 1:67: condition can never hold: transition.to cannot be both "vip" and "key"`,
			`rules[3].when: rule "automation d" 1:54: condition can never hold: a ladder does not change "entered"`,
		}},
		{"host kinds", automation.Config{Kinds: []automation.Kind{{Name: "open_ticket", Params: []string{"queue", "queue"}}, {}, {Name: "open_ticket"}},
			Rules: []automation.Rule{{Name: "a", When: "true", Actions: []automation.Action{{Kind: "open_ticket"}}}}}, []string{
			`kinds[0].params[1]: empty or duplicate parameter "queue"`,
			"kinds[1].name: required",
			`kinds[2].name: duplicate kind "open_ticket"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := automation.New(tt.cfg, tiers)
			require.Error(t, err)
			assert.Nil(t, e)
			var got []string
			for _, p := range strata.Problems(err) {
				line := p.Error()
				if re, ok := errors.AsType[*strata.RuleError](p); ok && re.Snippet != "" {
					line = line[:len(line)-len(re.Snippet)-1]
				}
				got = append(got, line)
			}
			if len(got) == len(tt.want) {
				for i := range got {
					assert.Contains(t, got[i], tt.want[i])
				}
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// Conditions that are fine: host kinds replace built-ins, every known
// name passes, and comparisons inside other structures are read too.
func TestNewAccepts(t *testing.T) {
	tiers := starterTiers(t)
	cfg := automation.Config{
		Kinds: []automation.Kind{{Name: "add_tag", Params: []string{"tag", "colour"}}, {Name: "open_ticket", Optional: []string{"queue"}}},
		Rules: []automation.Rule{
			{Name: "a", When: `transition.ladder == "value" && transition.to in ["vip", "key"] && transition.from != ""`,
				Actions: []automation.Action{{Kind: "add_tag", Params: map[string]string{"tag": "x", "colour": "red"}}}},
			{Name: "b", When: `transition.segment == "us-vip" && transition.from == "us-vip"`, Actions: []automation.Action{{Kind: "open_ticket"}}},
			{Name: "c", When: `["up", "down"].exists(c, transition.change == c) || transition.reason == "min_dwell"`,
				Actions: []automation.Action{{Kind: "schedule", Params: map[string]string{"plan": "p", "every": "quarterly"}}}},
		},
	}
	e, err := automation.New(cfg, tiers)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, e.Rules())
	assert.Equal(t, cfg, e.Config())
}
