package automation_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/tiering/automation"
)

// FuzzParseConfig feeds the loader and the compiler hostile text: neither
// may panic, a configuration that loads marshals back to one that loads
// equal, and compiling it (lint included) ends.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"rules": [{"name": "a", "when": "true", "actions": [{"kind": "add_tag", "params": {"tag": "x"}}]}]}`))
	f.Add([]byte("rules:\n  - name: a\n    when: transition.to in [\"vip\", 1]\n    actions: [{kind: notify, params: {role: r}}]\n"))
	f.Add([]byte(`{"rules": [{"name": "a", "when": "transition.ladder == \"value\" && transition.to == \"x\" && transition.to == \"y\"", "actions": []}]}`))
	f.Add([]byte(`{"kinds": [{"name": "k", "params": ["a", "a", ""]}], "rules": []}`))
	f.Add([]byte(`{"rules": [{"name": "a", "when": "` + strings.Repeat("(", 200) + `true` + strings.Repeat(")", 200) + `", "actions": [{"kind": "x"}]}]}`))
	f.Add([]byte(`{"rules": [{"name": "a", "when": "{transition.to == 'vip': [transition.segment != 'zz']}.size() > 0", "actions": [{"kind": "x"}]}]}`))
	tiers, err := tiering.New(tiering.StarterConfig("CN"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := automation.ParseConfig(data)
		if err != nil {
			return
		}
		b, err := json.Marshal(cfg)
		require.NoError(t, err)
		again, err := automation.ParseConfig(b)
		require.NoError(t, err, "%s", b)
		require.Equal(t, cfg, again)
		start := time.Now()
		_, _ = automation.New(cfg, tiers)
		require.Less(t, time.Since(start), 10*time.Second)
	})
}

// A large configuration compiles, lints and evaluates in bounded time: a
// thousand rules, and rules with thousands of comparisons.
func TestLargeConfigurations(t *testing.T) {
	tiers := starterTiers(t)
	var cfg automation.Config
	for i := range 1000 {
		cfg.Rules = append(cfg.Rules, automation.Rule{Name: fmt.Sprint("r", i),
			When:    fmt.Sprintf(`transition.segment == "east-china" && customer.orders >= %d`, i),
			Actions: tag(fmt.Sprint("t", i))})
	}
	wide := make([]string, 2000)
	for i := range wide {
		wide[i] = fmt.Sprintf(`transition.to == "vip" && customer.orders != %d`, i)
	}
	cfg.Rules = append(cfg.Rules, automation.Rule{Name: "wide", When: strings.Join(wide, " || "), Actions: tag("w")})
	start := time.Now()
	e, err := automation.New(cfg, tiers)
	if err != nil { // the wide rule may exceed the cost limit: that is an answer too
		for _, p := range strata.Problems(err) {
			assert.Contains(t, p.Error(), "wide")
		}
		cfg.Rules = cfg.Rules[:1000]
		e, err = automation.New(cfg, tiers)
	}
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 30*time.Second)
	c := strata.Customer{ID: "x", Country: "CN", Orders: 500}
	ts := []tiering.Transition{{CustomerID: "x", Segment: "east-china", To: "east-china", Change: tiering.ChangeEntered, At: now},
		{CustomerID: "x", Ladder: "value", To: "vip", Change: tiering.ChangeNew, At: now}}
	res, err := e.Eval(t.Context(), &c, ts, now)
	require.NoError(t, err)
	assert.Len(t, res.Tasks, 501, "rules r0…r500 on the segment; none pinned to it on the ladder")
}

// FuzzTaskJSON reads hostile JSON into a Task: it never panics, and a task
// that reads writes back to JSON that reads as the same task, its
// parameters sorted by name.
func FuzzTaskJSON(f *testing.F) {
	f.Add([]byte(`{"key": "k", "params": {"role": "senior-sales-manager", "a": ""}}`))
	f.Add([]byte(`{"params": {"b": "1", "a": "2", "b": "3"}}`))
	f.Add([]byte(`{"params": null}`))
	f.Add([]byte(`{"params": {}}`))
	f.Add([]byte(`{"params": {"\u00e9": "\ud800"}}`))
	f.Add([]byte(`{"params": ["a", "b"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var task automation.Task
		if json.Unmarshal(data, &task) != nil {
			return
		}
		assert.True(t, slices.IsSortedFunc(task.Params, func(a, b automation.Param) int { return strings.Compare(a.Name, b.Name) }))
		b, err := json.Marshal(task)
		require.NoError(t, err)
		var again automation.Task
		require.NoError(t, json.Unmarshal(b, &again), "%s", b)
		if len(task.Params) == 0 {
			assert.Empty(t, again.Params)
			task.Params, again.Params = nil, nil
		}
		assert.Equal(t, task, again)
	})
}
