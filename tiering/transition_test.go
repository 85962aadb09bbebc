package tiering_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// The findings of issue 19: a tier change was reported on the primary ladder
// only, segments had no previous value, and the first classification of an
// existing book reported every customer as changed.
func TestTransitionsEveryLadderAndSegment(t *testing.T) {
	e := compile(t, simpleConfig())
	big := withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH") // vip, domestic, east-china loyal big
	small := cust("b", "US", cny(10), 1)                         // regular, overseas, no segments
	tests := []struct {
		name string
		c    strata.Customer
		prev tiering.State
		want []string
	}{
		{"first time: new on every ladder, every segment entered", big, tiering.State{}, []string{
			"value: (none) → vip (new, matched)", "market: (none) → domestic (new, matched)",
			"segment east-china: entered", "segment loyal: entered", "segment big: entered",
		}},
		{"nothing changed", big, tiering.State{Tiers: map[string]string{"value": "vip", "market": "domestic"},
			Segments: []string{"big", "loyal", "east-china"}}, []string{}},
		{"up on the primary ladder only", big, tiering.State{Tiers: map[string]string{"value": "key", "market": "domestic"},
			Segments: []string{"east-china", "loyal", "big"}}, []string{"value: key → vip (up, matched)"}},
		{"a second ladder moves, the primary does not", small, tiering.State{Tiers: map[string]string{"value": "regular", "market": "domestic"}},
			[]string{"market: domestic → overseas (down, default)"}},
		{"down and every segment left", small, tiering.State{Tiers: map[string]string{"value": "vip", "market": "overseas"},
			Segments: []string{"east-china", "big", "loyal"}}, []string{
			"value: vip → regular (down, default)", "segment east-china: left", "segment loyal: left", "segment big: left"}},
		{"from a tier the ladder no longer has", small, tiering.State{Tiers: map[string]string{"value": "gold", "market": "overseas"}},
			[]string{"value: gold → regular (moved, default)"}},
		{"a ladder and a segment the configuration no longer has", small, tiering.State{
			Tiers: map[string]string{"value": "regular", "market": "overseas", "retired": "x"}, Segments: []string{"retired"}}, []string{}},
		{"segments entered and left at once", big, tiering.State{Tiers: map[string]string{"value": "vip", "market": "domestic"},
			Segments: []string{"loyal", "big", "big"}}, []string{"segment east-china: entered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			p, err := e.Classify(t.Context(), &c, now)
			require.NoError(t, err)
			ts, err := e.Transitions(p, tt.prev, now, tiering.Track)
			require.NoError(t, err)
			got := []string{}
			for _, tr := range ts {
				got = append(got, tr.String())
				assert.Equal(t, c.ID, tr.CustomerID)
				assert.Equal(t, now, tr.At)
				assert.True(t, (tr.Ladder == "") != (tr.Segment == ""), "one of ladder and segment: %+v", tr)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTransitionFields(t *testing.T) {
	e := compile(t, simpleConfig())
	c := withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH")
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	ts, err := e.Transitions(p, tiering.State{Tiers: map[string]string{"value": "key", "market": "domestic"},
		Segments: []string{"loyal", "big", "gone"}}, now, tiering.Track)
	require.NoError(t, err)
	require.Len(t, ts, 2)
	assert.Equal(t, tiering.Transition{CustomerID: "a", Ladder: "value", From: "key", To: "vip", Change: tiering.ChangeUp,
		At: now, Reason: tiering.ReasonMatched, Rule: `customer.revenue >= money("5000000", "CNY")`}, ts[0])
	assert.Equal(t, tiering.Transition{CustomerID: "a", Segment: "east-china", To: "east-china", Change: tiering.ChangeEntered,
		At: now, Reason: tiering.ReasonMatched, Rule: `in_group(customer, "华东")`}, ts[1])

	ts, err = e.Transitions(p, tiering.State{Tiers: map[string]string{"value": "vip", "market": "domestic"},
		Segments: []string{"east-china", "loyal", "big"}}, now, tiering.Track)
	require.NoError(t, err)
	assert.NotNil(t, ts, "never nil")
	assert.Empty(t, ts)

	// Leaving a segment: From is the segment, the reason unmatched.
	c2 := cust("b", "US", cny(10), 1)
	p2, err := e.Classify(t.Context(), &c2, now)
	require.NoError(t, err)
	ts, err = e.Transitions(p2, tiering.State{Tiers: map[string]string{"value": "regular", "market": "overseas"}, Segments: []string{"loyal"}}, now, tiering.Track)
	require.NoError(t, err)
	assert.Equal(t, []tiering.Transition{{CustomerID: "b", Segment: "loyal", From: "loyal", Change: tiering.ChangeLeft,
		At: now, Reason: tiering.ReasonUnmatched, Rule: `customer.orders >= 10`}}, ts)
}

// Hysteresis holds a customer: no transition, since the tier did not change.
func TestTransitionsFollowHysteresis(t *testing.T) {
	e := compile(t, simpleConfig())
	c := cust("a", "CN", cny(4_500_000), 3) // below vip, above its stay line
	c.Tier, c.TierSince = "vip", now.AddDate(-1, 0, 0)
	prev := e.StateOf(&c)
	prev.Tiers["market"] = "domestic"
	prev.Segments = []string{"big"}
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	require.Equal(t, tiering.ReasonStayRule, p.Tiers[0].Reason)
	ts, err := e.Transitions(p, prev, now, tiering.Track)
	require.NoError(t, err)
	assert.Empty(t, ts)
}

// Importing an existing book: the first classification of customers with
// no stored state would report every one as new; Baseline reports nothing,
// and the state it stores makes the next run report real changes only.
func TestTransitionsBaselineImport(t *testing.T) {
	e := compile(t, simpleConfig())
	book := []strata.Customer{
		withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH"),
		cust("b", "US", cny(10), 1),
		cust("c", "CN", cny(2_000_000), 11),
	}
	states := map[string]tiering.State{}
	flood := 0
	for _, c := range book {
		p, err := e.Classify(t.Context(), &c, now)
		require.NoError(t, err)
		tracked, err := e.Transitions(p, e.StateOf(&c), now, tiering.Track)
		require.NoError(t, err)
		flood += len(tracked)
		ts, err := e.Transitions(p, e.StateOf(&c), now, tiering.Baseline)
		require.NoError(t, err)
		assert.NotNil(t, ts)
		assert.Empty(t, ts, "baseline emits nothing for %s", c.ID)
		states[c.ID] = p.State()
	}
	assert.Equal(t, 11, flood, "without a baseline, every ladder and segment of every customer is new")

	// The next night: c grows into vip; nobody else changes.
	book[2].Revenue = cny(7_000_000)
	later := now.AddDate(0, 0, 1)
	var all []string
	for _, c := range book {
		p, err := e.Classify(t.Context(), &c, later)
		require.NoError(t, err)
		ts, err := e.Transitions(p, states[c.ID], later, tiering.Track)
		require.NoError(t, err)
		for _, tr := range ts {
			all = append(all, c.ID+" "+tr.String())
		}
	}
	assert.Equal(t, []string{"c value: key → vip (up, matched)"}, all)
}

func TestStateRoundTripAndStateOf(t *testing.T) {
	e := compile(t, simpleConfig())
	c := withSub(cust("a", "CN", cny(6_000_000), 12), "CN-SH")
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	s := p.State()
	assert.Equal(t, tiering.State{Tiers: map[string]string{"value": "vip", "market": "domestic"},
		Segments: []string{"east-china", "loyal", "big"}}, s)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tiers":{"market":"domestic","value":"vip"},"segments":["east-china","loyal","big"]}`, string(b))
	var back tiering.State
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)

	s.Segments[0] = "changed"
	assert.Equal(t, "east-china", p.Segments[0], "State copies the segments")

	require.NoError(t, p.Apply(&c))
	assert.Equal(t, tiering.State{Tiers: map[string]string{"value": "vip"}, Segments: []string{"east-china", "loyal", "big"}}, e.StateOf(&c))
	assert.Equal(t, tiering.State{}, e.StateOf(&strata.Customer{ID: "x"}))
	assert.Equal(t, tiering.State{}, e.StateOf(nil))
	var zero *tiering.Engine
	assert.Equal(t, tiering.State{}, zero.StateOf(&c))
}

func TestTransitionsRefuses(t *testing.T) {
	e := compile(t, simpleConfig())
	c := cust("a", "CN", cny(6_000_000), 12)
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	other := simpleConfig()
	other.Ladders[1].Name = "geo"
	p2, err := compile(t, other).Classify(t.Context(), &c, now)
	require.NoError(t, err)
	foreignSeg := p
	foreignSeg.Segments = []string{"nope"}
	short := p
	short.Tiers = p.Tiers[:1]
	var zero *tiering.Engine
	tests := []struct {
		name string
		e    *tiering.Engine
		p    tiering.Placement
		mode tiering.Mode
		zero bool
		want string
	}{
		{"nil engine", zero, p, tiering.Track, false, "nil or zero Engine"},
		{"zero engine", &tiering.Engine{}, p, tiering.Track, false, "nil or zero Engine"},
		{"zero time", e, p, tiering.Track, true, "needs the time of the run"},
		{"unknown mode", e, p, tiering.Mode(7), false, "unknown transition mode 7"},
		{"another engine's ladders", e, p2, tiering.Track, false, `ladder 1 is "geo", the engine's "market"`},
		{"too few ladders", e, short, tiering.Track, false, "the placement has 1 ladders, the engine 2"},
		{"another engine's segment", e, foreignSeg, tiering.Track, false, `segment "nope" is not the engine's`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := now
			if tt.zero {
				at = time.Time{}
			}
			ts, err := tt.e.Transitions(tt.p, tiering.State{}, at, tt.mode)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, ts)
		})
	}
}

// Transitions is deterministic whatever the order of the previous state's
// segments and the iteration order of its map.
func TestTransitionsDeterministic(t *testing.T) {
	e := compile(t, simpleConfig())
	c := cust("b", "US", cny(10), 1)
	p, err := e.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	segs := []string{"big", "loyal", "east-china"}
	var first []tiering.Transition
	for i := range 50 {
		prev := tiering.State{Tiers: map[string]string{"market": "domestic", "value": "key", "x": "y", "z": "w"}, Segments: slices.Clone(segs)}
		slices.Reverse(segs)
		if i%3 == 0 {
			segs[0], segs[1] = segs[1], segs[0]
		}
		ts, err := e.Transitions(p, prev, now, tiering.Track)
		require.NoError(t, err)
		if first == nil {
			first = ts
			continue
		}
		require.Equal(t, first, ts, "run %d", i)
	}
	assert.Equal(t, "value: key → regular (down, default)", fmt.Sprint(first[0]))
	assert.Len(t, first, 5)
}
