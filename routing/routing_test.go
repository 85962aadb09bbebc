package routing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
	"github.com/strata-go/strata/timezone"
)

// Tuesday 24 November 2026, 10:00 in Shanghai, 03:00 in Berlin, 23:00 (Mon) in São Paulo.
var now = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)

func shift(zone, country string) *timezone.CalendarConfig {
	return &timezone.CalendarConfig{Zone: zone, Country: country}
}

func team() []routing.Agent {
	return []routing.Agent{
		{ID: "sh-li", Languages: []string{"zh-Hans", "en"}, Regions: []string{"CN"}, Products: []string{"yarn", "fabric"},
			Skills: map[string]int{"textiles": 4}, Seniority: 3, Capacity: 5, Shift: shift("Asia/Shanghai", "CN"), Country: "CN"},
		{ID: "sh-wang", Languages: []string{"zh", "en"}, Regions: []string{"华东"}, Seniority: 5, Roles: []string{"sales-director"},
			Capacity: 3, Shift: shift("Asia/Shanghai", "CN"), Country: "CN"},
		{ID: "sh-chen", Languages: []string{"zh-Hant", "en"}, Regions: []string{"CN", "TW", "HK"}, Seniority: 2, Capacity: 5,
			Shift: shift("Asia/Shanghai", "CN"), Country: "CN"},
		{ID: "be-anna", Languages: []string{"de", "en"}, Regions: []string{"EU", "CH"}, Products: []string{"textiles"},
			Skills: map[string]int{"textiles": 5}, Seniority: 4, Capacity: 4, Shift: shift("Europe/Berlin", "DE"), Country: "DE"},
		{ID: "be-jonas", Languages: []string{"de", "en", "fr"}, Regions: []string{"EU"}, Seniority: 2, Capacity: 6,
			Shift: shift("Europe/Berlin", "DE"), Country: "DE"},
		{ID: "sp-rafa", Languages: []string{"pt-BR", "es", "en"}, Regions: []string{"LatinAmerica"}, Seniority: 3, Capacity: 5,
			Shift: shift("America/Sao_Paulo", "BR"), Country: "BR"},
	}
}

func config() routing.Config {
	return routing.Config{
		Home:   "CN",
		Agents: team(),
		Pools: []routing.Pool{
			{Name: "china", Select: `agent.country == "CN"`, Strategy: routing.LeastLoaded, Sticky: true,
				MatchLanguage: true, MatchRegion: true, RequireOnShift: true},
			{Name: "europe-textiles", Members: []string{"be-anna"}, Strategy: routing.BestSkillFit,
				Skills: map[string]int{"textiles": 4}, RequireOnShift: true, ShiftWindow: strata.Duration(8 * time.Hour),
				Overflow: []routing.OverflowStep{{After: strata.Duration(2 * time.Hour), Pool: "europe"}}},
			{Name: "europe", Select: `agent.country == "DE"`, Strategy: routing.LeastLoaded, MatchLanguage: true, RequireOnShift: true,
				ShiftWindow: strata.Duration(8 * time.Hour)},
			{Name: "latam", Members: []string{"sp-rafa"}, Strategy: routing.RoundRobin, RequireOnShift: true,
				ShiftWindow: strata.Duration(12 * time.Hour), Overflow: []routing.OverflowStep{{Pool: "china"}}},
			{Name: "seniors", Select: `agent.seniority >= 4`, Strategy: routing.LeastLoaded},
		},
		Rules: []routing.Rule{
			{Name: "big-orders", When: `lead.value >= money("100000", "USD")`, Pool: "seniors"},
			{Name: "europe-textiles", When: `in_group(customer, "EU") && lead.product == "textiles"`, Pool: "europe-textiles"},
			{Name: "europe", When: `in_group(customer, "Europe")`, Pool: "europe"},
			{Name: "latam", When: `in_group(customer, "LatinAmerica")`, Pool: "latam"},
		},
		DefaultPool:  "china",
		DefaultOwner: "sh-wang",
	}
}

func newRouter(t testing.TB, cfg routing.Config, opts ...routing.Option) (*routing.Router, *routing.MemoryStore) {
	t.Helper()
	store := routing.NewMemoryStore()
	r, err := routing.New(cfg, store, opts...)
	require.NoError(t, err)
	return r, store
}

func customer(id, country, sub string, langs ...string) strata.Customer {
	return strata.Customer{ID: id, Country: country, Subdivision: sub, Languages: langs}
}

func route(t *testing.T, r *routing.Router, req routing.Request) routing.Decision {
	t.Helper()
	if req.Now.IsZero() {
		req.Now = now
	}
	d, err := r.Route(t.Context(), req)
	require.NoError(t, err)
	return d
}

func usd(n int64) strata.Money { return strata.MoneyOf(decimal.NewFromInt(n), "USD") }

func TestRulesPickPools(t *testing.T) {
	r, _ := newRouter(t, config())
	tests := []struct {
		name       string
		req        routing.Request
		agent      string
		pool, rule string
	}{
		{"domestic customer in Guangdong: only sh-li speaks zh-Hans there", routing.Request{Customer: customer("c1", "CN", "CN-GD", "zh-Hans")}, "sh-li", "china", ""},
		{"Taiwanese customer needs a zh-Hant speaker", routing.Request{Customer: customer("c2", "TW", "", "zh-TW")}, "sh-chen", "china", ""},
		{"big order to a senior", routing.Request{Customer: customer("c3", "US", "US-CA", "en"), Lead: routing.Lead{ID: "L3", Value: usd(250_000)}}, "", "seniors", "big-orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := route(t, r, tt.req)
			require.Equal(t, routing.Assigned, d.Outcome, d.Why())
			if tt.agent != "" {
				assert.Equal(t, tt.agent, d.Agent, d.Why())
			} else {
				a, _ := r.Agent(d.Agent)
				assert.GreaterOrEqual(t, a.Seniority, 4, d.Why())
			}
			assert.Equal(t, tt.pool, d.Pool)
			assert.Equal(t, tt.rule, d.Rule)
		})
	}
}

// TestEligibilityReasons reads whole pools (a store without lines), so
// that the trace gives every member's verdict.
func TestEligibilityReasons(t *testing.T) {
	r, err := routing.New(config(), plainStore{routing.NewMemoryStore()})
	require.NoError(t, err)
	// A Cantonese-speaking customer in Guangdong: the china pool.
	d := route(t, r, routing.Request{Customer: customer("c1", "CN", "CN-GD", "zh-Hant-HK")})
	require.Equal(t, routing.Assigned, d.Outcome)
	assert.Equal(t, "sh-chen", d.Agent)
	reasons := map[string]routing.Reason{}
	for _, c := range d.Trace {
		reasons[c.Agent] = c.Reason
	}
	assert.Equal(t, routing.ReasonLanguage, reasons["sh-li"], "zh-Hans does not serve zh-Hant")
	assert.Equal(t, routing.ReasonLanguage, reasons["sh-wang"])
	assert.Equal(t, routing.ReasonPicked, reasons["sh-chen"])
	assert.Contains(t, d.Why(), "passed over (language): sh-li, sh-wang")

	// A customer in Shanghai speaking Simplified Chinese: sh-wang covers 华东 only.
	d = route(t, r, routing.Request{Customer: customer("c2", "CN", "CN-SC", "zh-CN")})
	for _, c := range d.Trace {
		if c.Agent == "sh-wang" {
			assert.Equal(t, routing.ReasonRegion, c.Reason, "Sichuan is not in 华东")
		}
	}
}

func TestStrategies(t *testing.T) {
	agents := []routing.Agent{
		{ID: "a", Capacity: 10, Weight: 1, Skills: map[string]int{"x": 2}},
		{ID: "b", Capacity: 4, Weight: 3, Skills: map[string]int{"x": 5}},
		{ID: "c", Uncapped: true, Weight: 1, Skills: map[string]int{"x": 3}},
	}
	for _, tt := range []struct {
		strategy routing.Strategy
		want     []string // agents picked for five leads in a row
	}{
		// a, b, c hold 0 units; round robin serves the least recently assigned.
		{routing.RoundRobin, nil},
		{routing.LeastLoaded, nil},
		{routing.BestSkillFit, []string{"b", "b", "b", "b", "c"}},
		{routing.MostFreeCapacity, nil}, // all start fully free; no limit stays fully free
	} {
		t.Run(string(tt.strategy), func(t *testing.T) {
			cfg := routing.Config{Home: "CN", Agents: agents, DefaultPool: "p",
				Pools: []routing.Pool{{Name: "p", Members: []string{"a", "b", "c"}, Strategy: tt.strategy, Skills: map[string]int{"x": 1}}}}
			r, _ := newRouter(t, cfg)
			var got []string
			for i := range 6 {
				d := route(t, r, routing.Request{Item: fmt.Sprint("L", i), Customer: customer("c", "CN", ""), Now: now.Add(time.Duration(i) * time.Minute)})
				require.Equal(t, routing.Assigned, d.Outcome)
				got = append(got, d.Agent)
			}
			switch tt.strategy {
			case routing.RoundRobin, routing.LeastLoaded:
				// Every agent gets two of six, in a rotation.
				count := map[string]int{}
				for _, g := range got {
					count[g]++
				}
				assert.Equal(t, map[string]int{"a": 2, "b": 2, "c": 2}, count, "%v", got)
				assert.ElementsMatch(t, got[:3], []string{"a", "b", "c"}, "each once before anyone twice: %v", got)
			case routing.MostFreeCapacity:
				assert.ElementsMatch(t, got[:3], []string{"a", "b", "c"}, "ties rotate by recency: %v", got)
				assert.Equal(t, []string{"c", "c", "c"}, got[3:], "then the agent without a limit: %v", got)
			default:
				assert.Equal(t, tt.want, got[:5])
			}
		})
	}
	t.Run("weighted_round_robin", func(t *testing.T) {
		cfg := routing.Config{Home: "CN", Agents: agents, DefaultPool: "p",
			Pools: []routing.Pool{{Name: "p", Members: []string{"a", "b", "c"}, Strategy: routing.WeightedRoundRobin}}}
		for i := range cfg.Agents {
			cfg.Agents[i].Capacity, cfg.Agents[i].Uncapped = 0, true
		}
		r, _ := newRouter(t, cfg)
		count := map[string]int{}
		for i := range 50 {
			d := route(t, r, routing.Request{Item: fmt.Sprint("L", i), Customer: customer("c", "CN", ""), Now: now.Add(time.Duration(i) * time.Minute)})
			count[d.Agent]++
		}
		assert.Equal(t, map[string]int{"a": 10, "b": 30, "c": 10}, count, "b weighs 3")
	})
}

func TestCapacityAndRelease(t *testing.T) {
	r, store := newRouter(t, config())
	// sh-wang (capacity 3) is the only one covering 华东 with Simplified Chinese besides sh-li (5).
	for i := range 8 { // sh-wang 3 + sh-li 5: the only Simplified-Chinese speakers for 华东
		d := route(t, r, routing.Request{Item: fmt.Sprint("L", i), Customer: customer(fmt.Sprint("c", i), "CN", "CN-SH", "zh")})
		require.Equal(t, routing.Assigned, d.Outcome, "lead %d: %s", i, d.Why())
	}
	loads := map[string]int{}
	for _, a := range store.Items() {
		loads[a.Agent] += a.Units
	}
	assert.Equal(t, 3, loads["sh-wang"])
	assert.Equal(t, 5, loads["sh-li"])
	// Everyone who could take it is full, the default owner (sh-wang) too.
	d := route(t, r, routing.Request{Item: "L-full", Customer: customer("c-full", "CN", "CN-SH", "zh")})
	assert.Equal(t, routing.Unassigned, d.Outcome, d.Why())
	assert.Equal(t, "china: no eligible agent; the default owner sh-wang is at capacity", d.Reason)
	_, err := r.Release(t.Context(), "L0")
	require.NoError(t, err)
	d = route(t, r, routing.Request{Item: "L-full", Customer: customer("c-full", "CN", "CN-SH", "zh")})
	assert.Equal(t, routing.Assigned, d.Outcome, "released capacity is used again")
	_, err = r.Release(t.Context(), "never")
	assert.ErrorIs(t, err, routing.ErrUnknownItem)
}

func TestIdempotentRedelivery(t *testing.T) {
	r, store := newRouter(t, config())
	req := routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}}
	first := route(t, r, req)
	again := route(t, r, req)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.Agent, again.Agent)
	assert.Len(t, store.Items(), 1)
}

func TestStickyOwner(t *testing.T) {
	r, _ := newRouter(t, config())
	c := customer("c1", "CN", "CN-SH", "zh")
	c.Owner = "sh-wang"
	d := route(t, r, routing.Request{Item: "L1", Customer: c})
	assert.Equal(t, "sh-wang", d.Agent)
	assert.True(t, d.Sticky)
	assert.Contains(t, d.Reason, "owner")
	// An owner who is not eligible (on leave) is passed over.
	cfg := config()
	cfg.Agents[1].OutOfOffice = []strata.Span{{Start: now.Add(-time.Hour), End: now.Add(72 * time.Hour)}}
	r, _ = newRouter(t, cfg)
	d = route(t, r, routing.Request{Item: "L2", Customer: c})
	assert.Equal(t, routing.Assigned, d.Outcome)
	assert.NotEqual(t, "sh-wang", d.Agent)
	assert.False(t, d.Sticky)
}

func TestOverflowChain(t *testing.T) {
	r, _ := newRouter(t, config())
	received := now.Add(-10 * time.Minute)
	// 03:00 in Berlin: be-anna's shift starts at 09:00, within the 8h window
	// for non-urgent work, so she is eligible and the lead waits in her queue.
	lead := routing.Lead{ID: "L1", Product: "textiles", ReceivedAt: received}
	d := route(t, r, routing.Request{Customer: customer("c1", "DE", "DE-BY", "de"), Lead: lead})
	assert.Equal(t, "be-anna", d.Agent, d.Why())

	// be-anna on leave: the overflow to "europe" waits two hours → deferred.
	cfg := config()
	cfg.Agents[3].OutOfOffice = []strata.Span{{Start: now.Add(-24 * time.Hour), End: now.Add(24 * time.Hour)}}
	r, _ = newRouter(t, cfg)
	lead.ID = "L2"
	d = route(t, r, routing.Request{Customer: customer("c2", "DE", "DE-BY", "de"), Lead: lead})
	require.Equal(t, routing.Deferred, d.Outcome, d.Why())
	assert.True(t, d.RetryAt.Equal(received.Add(2*time.Hour)), "retry when the overflow wait ends: %v", d.RetryAt)

	// Two hours later the overflow step applies: jonas takes it.
	d = route(t, r, routing.Request{Customer: customer("c2", "DE", "DE-BY", "de"), Lead: lead, Now: received.Add(2 * time.Hour)})
	require.Equal(t, routing.Assigned, d.Outcome, d.Why())
	assert.Equal(t, "be-jonas", d.Agent)
	assert.Equal(t, 1, d.Step)
	assert.Contains(t, d.Reason, "overflow step 1")

	// Urgent work does not wait for overflow steps.
	lead.ID, lead.Urgency = "L3", routing.UrgencyUrgent
	d = route(t, r, routing.Request{Customer: customer("c3", "DE", "DE-BY", "de"), Lead: lead})
	assert.NotEqual(t, routing.Deferred, d.Outcome, "urgent work is never deferred")
}

func TestDeferralToNextShift(t *testing.T) {
	r, _ := newRouter(t, config())
	// 23:00 Monday in São Paulo; rafa starts 09:00 Tuesday, within 12 hours:
	// a normal lead waits in his queue.
	d := route(t, r, routing.Request{Customer: customer("c1", "BR", "BR-SP", "pt-BR"), Lead: routing.Lead{ID: "L1"}})
	assert.Equal(t, "sp-rafa", d.Agent, d.Why())

	// Outside the window (no window at all), it is deferred to his shift start…
	cfg := config()
	cfg.Pools[3].ShiftWindow = 0
	cfg.Pools[3].Overflow = nil
	cfg.DefaultOwner = ""
	r, _ = newRouter(t, cfg)
	d = route(t, r, routing.Request{Customer: customer("c2", "BR", "BR-SP", "pt-BR"), Lead: routing.Lead{ID: "L2"}})
	require.Equal(t, routing.Deferred, d.Outcome, d.Why())
	sp, _ := timezone.Location("America/Sao_Paulo")
	assert.True(t, d.RetryAt.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, sp)), "next shift start: %v", d.RetryAt)
	assert.Contains(t, d.Why(), "passed over (off_shift): sp-rafa")

	// …but urgent work is unassigned rather than deferred, with the reason.
	d = route(t, r, routing.Request{Customer: customer("c3", "BR", "BR-SP", "pt-BR"), Lead: routing.Lead{ID: "L3", Urgency: routing.UrgencyUrgent}})
	require.Equal(t, routing.Unassigned, d.Outcome)
	assert.Contains(t, d.Reason, "latam: no eligible agent")
}

func TestDefaultOwner(t *testing.T) {
	cfg := config()
	cfg.DefaultPool = ""
	r, _ := newRouter(t, cfg)
	d := route(t, r, routing.Request{Customer: customer("c1", "JP", "", "ja"), Lead: routing.Lead{ID: "L1"}})
	require.Equal(t, routing.Assigned, d.Outcome, d.Why())
	assert.Equal(t, "sh-wang", d.Agent)
	assert.Equal(t, -1, d.Step)

	cfg.DefaultOwner = ""
	r, _ = newRouter(t, cfg)
	d = route(t, r, routing.Request{Customer: customer("c1", "JP", "", "ja"), Lead: routing.Lead{ID: "L1"}})
	assert.Equal(t, routing.Unassigned, d.Outcome)
	assert.Contains(t, d.Reason, "no rule matched")
}

func TestHostFilter(t *testing.T) {
	// A stand-in for compliance: EU customers may not go to reps in China.
	noEUtoCN := func(a *routing.Agent, q *routing.Request) (bool, string) {
		if a.Country == "CN" && q.Customer.Country == "DE" {
			return false, "no transfer basis from DE to CN"
		}
		return true, ""
	}
	cfg := config()
	cfg.Rules = nil
	cfg.DefaultOwner = ""
	r, _ := newRouter(t, cfg, routing.WithFilter("transfer", noEUtoCN))
	d := route(t, r, routing.Request{Customer: customer("c1", "DE", "DE-BY", "zh"), Lead: routing.Lead{ID: "L1"}})
	assert.Equal(t, routing.Unassigned, d.Outcome)
	for _, c := range d.Trace {
		if c.Reason == routing.ReasonFilter {
			assert.Equal(t, "transfer: no transfer basis from DE to CN", c.Detail)
		}
	}
}

func TestCatchUpAfterLeave(t *testing.T) {
	agents := []routing.Agent{
		{ID: "back", Uncapped: true, OutOfOffice: []strata.Span{{Start: now.Add(-14 * 24 * time.Hour), End: now.Add(-time.Hour)}}},
		{ID: "p1", Uncapped: true}, {ID: "p2", Uncapped: true},
	}
	for _, policy := range []routing.CatchUp{routing.CatchUpAllow, routing.CatchUpLevel, routing.CatchUpCapped} {
		t.Run(string(policy), func(t *testing.T) {
			cfg := routing.Config{Home: "CN", Agents: agents, DefaultPool: "p", CatchUp: policy, CatchUpCap: 2,
				Pools: []routing.Pool{{Name: "p", Members: []string{"back", "p1", "p2"}, Strategy: routing.LeastLoaded}}}
			r, store := newRouter(t, cfg)
			// The peers already hold plenty of work from before.
			for i := range 40 {
				_, _, err := store.Reserve(t.Context(), routing.Reservation{Item: fmt.Sprint("old", i), Agent: []string{"p1", "p2"}[i%2], Units: 1, Capacity: routing.NoLimit, At: now.Add(-48 * time.Hour)})
				require.NoError(t, err)
			}
			since := map[string]int{}
			for i := range 12 {
				d := route(t, r, routing.Request{Item: fmt.Sprint("L", i), Customer: customer("c", "CN", ""), Now: now.Add(time.Duration(i) * time.Minute)})
				since[d.Agent]++
				busiest := max(since["p1"], since["p2"])
				switch policy {
				case routing.CatchUpLevel:
					require.LessOrEqual(t, since["back"], busiest+1, "never more than one ahead: %v", since)
				case routing.CatchUpCapped:
					require.LessOrEqual(t, since["back"], busiest+2+1, "within the cap: %v", since)
				}
			}
			switch policy {
			case routing.CatchUpAllow:
				assert.Equal(t, 12, since["back"], "least loaded floods the returning agent")
			case routing.CatchUpLevel:
				assert.Less(t, since["back"], 12)
				assert.Positive(t, since["p1"]+since["p2"], "the peers keep getting work: %v", since)
			case routing.CatchUpCapped:
				assert.Greater(t, since["back"], since["p1"], "a little catch-up is allowed: %v", since)
			}
		})
	}
	// An agent back from leave is not held back when nobody else can take the work.
	cfg := routing.Config{Home: "CN", Agents: agents[:1], DefaultPool: "p",
		Pools: []routing.Pool{{Name: "p", Members: []string{"back"}, Strategy: routing.LeastLoaded}}}
	r, _ := newRouter(t, cfg)
	for i := range 3 {
		d := route(t, r, routing.Request{Item: fmt.Sprint("solo", i), Customer: customer("c", "CN", "")})
		assert.Equal(t, "back", d.Agent)
	}
}

func TestStoreFailures(t *testing.T) {
	faulty := &routingtest.FaultyStore{Inner: routing.NewMemoryStore(), Every: 1}
	r, err := routing.New(config(), faulty)
	require.NoError(t, err)
	_, err = r.Route(t.Context(), routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}, Now: now})
	require.ErrorIs(t, err, routing.ErrStore)
	require.ErrorIs(t, err, routingtest.ErrInjected)

	// Fail every fifth call: whatever happens, nothing is half-reserved: every
	// item in the store was reported assigned, and a retry resolves the rest.
	inner := routing.NewMemoryStore()
	faulty = &routingtest.FaultyStore{Inner: inner, Every: 5, After: true}
	r, err = routing.New(config(), faulty)
	require.NoError(t, err)
	for i := range 30 {
		req := routing.Request{Customer: customer(fmt.Sprint("c", i), "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: fmt.Sprint("L", i)}, Now: now}
		var d routing.Decision
		for range 20 {
			if d, err = r.Route(t.Context(), req); err == nil {
				break
			}
			require.ErrorIs(t, err, routing.ErrStore)
		}
		require.NoError(t, err)
		if a, ok, _ := inner.Lookup(t.Context(), req.Lead.ID); ok {
			assert.Equal(t, routing.Assigned, d.Outcome)
			assert.Equal(t, a.Agent, d.Agent, "the decision names the agent that holds the item")
		} else {
			assert.NotEqual(t, routing.Assigned, d.Outcome)
		}
	}
	assert.Positive(t, faulty.Fails.Load())
}

// TestConcurrentRoutingProperties: many goroutines, many leads: no agent
// over capacity, one outcome per request.
func TestConcurrentRoutingProperties(t *testing.T) {
	r, store := newRouter(t, config())
	var wg sync.WaitGroup
	outcomes := make([]routing.Decision, 400)
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < len(outcomes); i += 8 {
				countries := []string{"CN", "DE", "BR", "FR", "TW"}
				c := customer(fmt.Sprint("c", i), countries[i%5], "", []string{"zh", "de", "pt-BR", "fr", "zh-TW"}[i%5])
				d, err := r.Route(context.Background(), routing.Request{Customer: c, Lead: routing.Lead{ID: fmt.Sprint("L", i)}, Now: now})
				if err != nil {
					t.Error(err)
					return
				}
				outcomes[i] = d
			}
		})
	}
	wg.Wait()
	assigned := 0
	for i, d := range outcomes {
		require.Contains(t, []routing.Outcome{routing.Assigned, routing.Deferred, routing.Unassigned}, d.Outcome, "request %d", i)
		if d.Outcome == routing.Assigned {
			assigned++
		}
	}
	loads := map[string]int{}
	for _, a := range store.Items() {
		loads[a.Agent] += a.Units
	}
	assert.Equal(t, assigned, len(store.Items()), "every assignment recorded once")
	for _, a := range team() {
		assert.LessOrEqual(t, loads[a.ID], a.Capacity, a.ID)
	}
}

func TestReassign(t *testing.T) {
	r, _ := newRouter(t, config())
	d := route(t, r, routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}})
	require.Equal(t, routing.Assigned, d.Outcome)
	moved, err := r.Reassign(t.Context(), "L1", "sh-wang", "customer asked for a director", now)
	require.NoError(t, err)
	assert.Equal(t, "sh-wang", moved.Agent)
	assert.Contains(t, moved.Reason, "customer asked")
	_, err = r.Reassign(t.Context(), "L1", "nobody", "x", now)
	assert.ErrorIs(t, err, routing.ErrUnknownAgent)
	_, err = r.Reassign(t.Context(), "L9", "sh-li", "x", now)
	assert.ErrorIs(t, err, routing.ErrUnknownItem)
}

func TestConfigErrors(t *testing.T) {
	cfg := config()
	cfg.Agents = append(cfg.Agents, routing.Agent{ID: "sh-li"}, routing.Agent{ID: "x", Languages: []string{"!!"}, Regions: []string{"Atlantis"}, Capacity: -1, Seniority: 9})
	cfg.Pools = append(cfg.Pools, routing.Pool{Name: "empty", Select: `agent.seniority > 99`, Strategy: "random"},
		routing.Pool{Name: "bad-overflow", Members: []string{"ghost"}, Strategy: routing.LeastLoaded, Overflow: []routing.OverflowStep{{Pool: "nowhere"}, {}}})
	cfg.Rules = append(cfg.Rules, routing.Rule{Name: "shadowed", When: `in_group(customer, "Europe") && lead.product == "x"`, Pool: "europe"},
		routing.Rule{Name: "typo", When: `lead.prodct == "x"`, Pool: "nope"})
	cfg.DefaultOwner = "ghost"
	_, err := routing.New(cfg, routing.NewMemoryStore())
	require.Error(t, err)
	for _, want := range []string{`agents[6].id: duplicate agent "sh-li"`, `agents[7].languages[0]: "!!" is not a BCP 47`,
		`agents[7].regions[0]: "Atlantis" is not a country`, "agents[7].capacity: -1: want 1 to", "agents[6].capacity: required", "agents[7].seniority: 9",
		`pools[5]: pool "empty" has no members`, `pools[5].strategy: "random"`, `pools[6].members[0]: unknown agent "ghost"`,
		`pools[6].overflow[0].pool: unknown pool "nowhere"`, "pools[6].overflow[1]: an overflow step relaxes skills or names a pool",
		`rules[4]: rule "shadowed" can never match: every request it matches is taken first by rule "europe"`,
		`rule "rule typo" 1:6: undefined field 'prodct'`, `rules[5].pool: unknown pool "nope"`, `default_owner: unknown agent "ghost"`} {
		assert.ErrorContains(t, err, want)
	}
	var re *strata.RuleError
	assert.ErrorAs(t, err, &re)
	_, err = routing.New(routing.Config{Home: "CN"}, nil)
	assert.ErrorContains(t, err, "store: required")
}

func TestBadRequests(t *testing.T) {
	r, _ := newRouter(t, config())
	_, err := r.Route(t.Context(), routing.Request{Now: now})
	assert.ErrorContains(t, err, "needs an item")
	_, err = r.Route(t.Context(), routing.Request{Item: "x"})
	assert.ErrorContains(t, err, "now is required")
}

func TestConfigJSONRoundTrip(t *testing.T) {
	cfg := config()
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	var back routing.Config
	require.NoError(t, json.Unmarshal(b, &back))
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
	_, err = routing.New(back, routing.NewMemoryStore())
	require.NoError(t, err)
}

func FuzzRoutingConfig(f *testing.F) {
	seed, _ := json.Marshal(config())
	f.Add(seed)
	f.Add([]byte(`{"home":"CN","agents":[{"id":"a","capacity":1}],"pools":[{"name":"p","members":["a"],"strategy":"least_loaded","overflow":[{"pool":"p"}]}],"default_pool":"p"}`))
	f.Add([]byte(`{"home":"CN","pools":[{"name":"p","select":"agent.skills['x'] > 1","strategy":"round_robin"}],"rules":[{"name":"r","when":"lead.value > money('1','EUR')","pool":"p"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cfg routing.Config
		if json.Unmarshal(data, &cfg) != nil {
			return
		}
		r, err := routing.New(cfg, routing.NewMemoryStore())
		if err != nil {
			var re *strata.RuleError
			var ce *strata.ConfigError
			require.True(t, errors.As(err, &re) || errors.As(err, &ce), "typed errors only: %v", err)
			return
		}
		d, err := r.Route(context.Background(), routing.Request{Customer: customer("c", "DE", "DE-BY", "de"), Lead: routing.Lead{ID: "L", Value: usd(5)}, Now: now})
		if err == nil {
			require.Contains(t, []routing.Outcome{routing.Assigned, routing.Deferred, routing.Unassigned}, d.Outcome)
		}
	})
}

// TestQuietDecidesTheSame: skipping the trace changes nothing else.
func TestQuietDecidesTheSame(t *testing.T) {
	loud, _ := newRouter(t, config())
	quiet, _ := newRouter(t, config())
	for i := range 80 {
		c := customer(fmt.Sprint("c", i), []string{"CN", "DE", "BR", "TW"}[i%4], "", []string{"zh", "de", "pt-BR", "zh-TW"}[i%4])
		req := routing.Request{Customer: c, Lead: routing.Lead{ID: fmt.Sprint("L", i)}, Now: now.Add(time.Duration(i) * time.Minute)}
		a := route(t, loud, req)
		req.Quiet = true
		b := route(t, quiet, req)
		assert.Empty(t, b.Trace)
		a.Trace = nil
		assert.Equal(t, a, b, "request %d", i)
	}
}

// TestShiftErrorsKeepTheirPaths: a problem inside an agent's shift names
// the agent and the field, and comes with every other problem.
func TestShiftErrorsKeepTheirPaths(t *testing.T) {
	cfg := config()
	cfg.Agents[3].Shift = &timezone.CalendarConfig{Zone: "Mars/Olympus_Mons", Week: map[string][]timezone.Interval{"mon": {{From: 600, To: 600}}}}
	cfg.Agents[5].Capacity = 0
	_, err := routing.New(cfg, routing.NewMemoryStore())
	require.Error(t, err)
	var shift []string
	for _, p := range strata.Problems(err) {
		ce, ok := errors.AsType[*strata.ConfigError](p)
		require.True(t, ok, "%v", p)
		if strings.HasPrefix(ce.Path, "agents[3].shift") {
			shift = append(shift, ce.Error())
		}
	}
	require.Len(t, shift, 2, "both shift problems, under the agent's path: %v", shift)
	assert.Contains(t, strings.Join(shift, "\n"), "zone")
	assert.Contains(t, strings.Join(shift, "\n"), "mon[0]")
	assert.ErrorContains(t, err, "agents[5].capacity: required")
}

// TestConfigurationIsCopied: changing the configuration after New changes
// nothing in the Router, and what the Router hands out is a copy.
func TestConfigurationIsCopied(t *testing.T) {
	cfg := config()
	r, _ := newRouter(t, cfg)
	cfg.Agents[3].Skills["textiles"] = 1
	cfg.Pools[1].Skills["textiles"] = 5
	cfg.Agents[0].Languages[0] = "ja"
	got, ok := r.Agent("be-anna")
	require.True(t, ok)
	assert.Equal(t, 5, got.Skills["textiles"])
	got.Skills["textiles"] = 0
	again, _ := r.Agent("be-anna")
	assert.Equal(t, 5, again.Skills["textiles"], "Agent returns a copy")
	c := r.Config()
	c.Pools[1].Skills["textiles"] = 1
	assert.Equal(t, 4, r.Config().Pools[1].Skills["textiles"], "Config returns a copy")
	assert.Equal(t, config(), r.Config())
}

func TestReassignToInactiveAgent(t *testing.T) {
	cfg := config()
	cfg.Agents[1].Inactive = true
	r, _ := newRouter(t, cfg)
	route(t, r, routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}})
	_, err := r.Reassign(t.Context(), "L1", "sh-wang", "x", now)
	assert.ErrorIs(t, err, routing.ErrAgentUnavailable)
	assert.ErrorContains(t, err, "inactive")
	d, err := r.Reassign(t.Context(), "L1", "sh-li", "already hers", now)
	require.NoError(t, err, "a move to the holder is a no-op, even when she is full")
	assert.Equal(t, "sh-li", d.Agent)
}
