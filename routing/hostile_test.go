package routing_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

// guarded runs f on its own goroutine and fails if it panics or has not
// returned within limit: a guard against hangs, not a timing goal.
func guarded(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("panic: %v", p)
		}
	case <-time.After(limit):
		t.Fatalf("still running after %s", limit)
	}
}

// TestHostileInput: public functions given nil, zero and hostile values
// return errors or bounded results; none panics or hangs.
func TestHostileInput(t *testing.T) {
	var nilCtx context.Context
	var zero routing.Router
	var nilRouter *routing.Router
	good, store := newRouter(t, config())
	langPool := routing.Config{Home: "CN", DefaultPool: "p", Agents: []routing.Agent{{ID: "a", Capacity: 5, Languages: []string{"de"}}},
		Pools: []routing.Pool{{Name: "p", Members: []string{"a"}, Strategy: routing.LeastLoaded, MatchLanguage: true}}}
	langs, _ := newRouter(t, langPool)
	many := make([]string, 100_000)
	for i := range many {
		many[i] = fmt.Sprintf("zz-%d-invalid!", i)
	}
	huge := strings.Repeat("x", 1<<20)
	for _, tt := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"zero Router", func(t *testing.T) { requireRouterErrors(t, &zero) }},
		{"nil Router", func(t *testing.T) { requireRouterErrors(t, nilRouter) }},
		{"nil context", func(t *testing.T) {
			_, err := good.Route(nilCtx, routing.Request{Item: "x", Now: now})
			assert.Error(t, err)
			_, err = good.Release(nilCtx, "x")
			assert.Error(t, err)
			_, err = good.Reassign(nilCtx, "x", "sh-li", "", now)
			assert.Error(t, err)
			_, err = good.ApplyPlan(nilCtx, routing.Plan{}, now)
			assert.Error(t, err)
			assert.Error(t, good.Close(nilCtx))
			for _, err := range good.Drain(nilCtx, nil, now) {
				assert.Error(t, err)
			}
			_, _, err = store.Reserve(nilCtx, routing.Reservation{Item: "x", Agent: "a", Units: 1, At: now})
			assert.ErrorIs(t, err, routing.ErrStore)
		}},
		{"nil store and options", func(t *testing.T) {
			_, err := routing.New(config(), nil, nil, routing.WithFilter("none", nil))
			assert.ErrorContains(t, err, "store: required")
			_, _, err = routing.ReserveFirst(t.Context(), nil, routing.Offer{})
			assert.Error(t, err)
			_, err = routing.RankByStats(nil).Rank(t.Context(), nil, 0, 1, nil)
			assert.Error(t, err)
			var nilStore *routing.MemoryStore
			_, _, err = nilStore.Lookup(t.Context(), "x")
			assert.ErrorIs(t, err, routing.ErrStore)
			assert.Nil(t, nilStore.Items())
			_, err = (&routingtest.FaultyStore{}).Release(t.Context(), "x")
			assert.ErrorIs(t, err, routing.ErrStore)
			var k *routing.Ranking
			assert.Zero(t, k.Len())
			assert.Zero(t, k.Compare(0, routing.AgentStats{}, 1, routing.AgentStats{}))
		}},
		{"100,000 invalid languages", func(t *testing.T) {
			d, err := langs.Route(t.Context(), routing.Request{Item: "L", Customer: strata.Customer{ID: "c", Country: "DE", Languages: many}, Now: now})
			require.NoError(t, err)
			assert.Equal(t, routing.Unassigned, d.Outcome)
		}},
		{"megabyte strings", func(t *testing.T) {
			c := strata.Customer{ID: huge, Country: huge, Subdivision: huge, Languages: []string{huge}, Owner: huge, Products: []string{huge}}
			d, err := good.Route(t.Context(), routing.Request{Item: huge, Customer: c, Lead: routing.Lead{Product: huge, Kind: huge}, Now: now})
			require.NoError(t, err)
			assert.Contains(t, []routing.Outcome{routing.Assigned, routing.Deferred, routing.Unassigned}, d.Outcome)
			_, err = good.Reassign(t.Context(), huge, huge, huge, now)
			assert.ErrorIs(t, err, routing.ErrUnknownAgent)
		}},
		{"times at the ends of the calendar", func(t *testing.T) {
			for i, at := range []time.Time{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
				time.Unix(math.MaxInt32, 0), time.Unix(-1<<40, 0)} {
				_, err := good.Route(t.Context(), routing.Request{Item: fmt.Sprint("T", i), Customer: customer("c", "BR", "BR-SP", "pt"),
					Lead: routing.Lead{ReceivedAt: at.Add(-time.Hour)}, Now: at})
				require.NoError(t, err, "%v", at)
			}
		}},
		{"capacities, units and weights beyond the limits", func(t *testing.T) {
			cfg := routing.Config{Home: "CN", DefaultPool: "p", Units: map[string]int{"k": math.MaxInt},
				Agents: []routing.Agent{{ID: "a", Capacity: math.MaxInt, Weight: math.MaxInt}},
				Pools:  []routing.Pool{{Name: "p", Members: []string{"a"}, Strategy: routing.WeightedRoundRobin}}}
			_, err := routing.New(cfg, routing.NewMemoryStore())
			for _, p := range []string{"units.k", "agents[0].capacity", "agents[0].weight"} {
				assert.ErrorContains(t, err, p)
			}
		}},
		{"a book of MaxInt units", func(t *testing.T) {
			r := rbRouter(t, 5, 5)
			_, err := r.Rebalance([]routing.Holding{{Item: "x", Agent: "a", Units: math.MaxInt}, {Item: "y", Agent: "a", Units: math.MaxInt}},
				routing.RebalancePolicy{Band: 0.1})
			assert.ErrorContains(t, err, "book[0].units")
			for _, band := range []float64{math.NaN(), math.Inf(1), -1} {
				_, err = r.Rebalance(nil, routing.RebalancePolicy{Band: band})
				assert.Error(t, err, "band %v", band)
			}
		}},
		{"a store near MaxInt load", func(t *testing.T) {
			s := routing.NewMemoryStore()
			_, _, err := s.Reserve(t.Context(), routing.Reservation{Item: "x", Agent: "a", Units: math.MaxInt, Capacity: routing.NoLimit, At: now})
			require.NoError(t, err)
			_, _, err = s.Reserve(t.Context(), routing.Reservation{Item: "y", Agent: "a", Units: 1, Capacity: routing.NoLimit, At: now})
			assert.ErrorIs(t, err, routing.ErrOverCapacity, "no overflow, even without a limit")
			_, _, err = s.Reserve(t.Context(), routing.Reservation{Item: "z", Agent: "b", Units: -1, Capacity: 5, At: now})
			assert.ErrorIs(t, err, routing.ErrStore, "negative units")
		}},
		{"a draining iterator that never ends", func(t *testing.T) {
			endless := func(yield func(routing.Request) bool) {
				for i := 0; ; i++ {
					if !yield(routing.Request{Item: fmt.Sprint("E", i), Customer: customer("c", "CN", "")}) {
						return
					}
					if i == 1000 {
						return // a host's iterator ends; Drain must not need it to
					}
				}
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			n := 0
			for _, err := range good.Drain(ctx, iter.Seq[routing.Request](endless), now) {
				if n++; n == 3 {
					cancel()
				}
				if err != nil {
					break
				}
			}
			assert.LessOrEqual(t, n, 4, "a cancelled drain stops")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) { guarded(t, 20*time.Second, func() { tt.run(t) }) })
	}
}

func requireRouterErrors(t *testing.T, r *routing.Router) {
	ctx := t.Context()
	_, err := r.Route(ctx, routing.Request{Item: "x", Now: now})
	assert.Error(t, err)
	_, err = r.Release(ctx, "x")
	assert.Error(t, err)
	_, err = r.Reassign(ctx, "x", "a", "", now)
	assert.Error(t, err)
	_, err = r.Rebalance(nil, routing.RebalancePolicy{})
	assert.Error(t, err)
	_, err = r.ApplyPlan(ctx, routing.Plan{}, now)
	assert.Error(t, err)
	assert.Error(t, r.Close(ctx))
	for _, err := range r.Drain(ctx, nil, now) {
		assert.Error(t, err)
	}
	assert.Zero(t, r.Config().Home)
	_, ok := r.Agent("a")
	assert.False(t, ok)
	assert.Nil(t, r.Pools())
	assert.Nil(t, r.Members("p"))
}

// TestLanguageCacheIsBounded: 10,000 distinct invalid language tags, and
// 10,000 distinct valid ones, from customers leave the live heap within
// 1 MiB: the cache keeps only short valid tags, and a bounded number.
func TestLanguageCacheIsBounded(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Agents: []routing.Agent{{ID: "a", Capacity: 5, Languages: []string{"de"}}},
		Pools: []routing.Pool{{Name: "p", Members: []string{"a"}, Strategy: routing.LeastLoaded, MatchLanguage: true}}}
	r, _ := newRouter(t, cfg)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	route := func(lang string) {
		d, err := r.Route(t.Context(), routing.Request{Item: "L", Quiet: true, Customer: strata.Customer{ID: "c", Country: "DE", Languages: []string{lang}}, Now: now})
		require.NoError(t, err)
		require.Equal(t, routing.Unassigned, d.Outcome)
	}
	route("fr") // warm up
	before := heap()
	for i := range 10_000 {
		route(fmt.Sprintf("invalid!%d-%s", i, strings.Repeat("q", i%200)))
		route(fmt.Sprintf("en-x-%07d", i)) // valid, private use, all distinct
	}
	after := heap()
	assert.Less(t, int64(after)-int64(before), int64(1<<20), "the heap grew by %d bytes", int64(after)-int64(before))
}

// FuzzRouteRequest routes hostile requests through the example team: any
// strings, any time. Route returns an error or exactly one outcome, and
// never panics; an assignment names the holder, within capacity.
func FuzzRouteRequest(f *testing.F) {
	f.Add("L1", "CN", "CN-SH", "zh", "sh-wang", "textiles", "vip", "urgent", int64(1_795_000_000))
	f.Add("", "", "", "", "", "", "", "", int64(0))
	f.Add(strings.Repeat("x", 5000), "ZZ", "ZZ-99", "!!", strings.Repeat("o", 300), "\x00", "key", "low", int64(-1<<40))
	f.Add("L2", "DE", "DE-BY", "de-u-co-phonebk-x-"+strings.Repeat("a", 8), "be-anna", "", "", "high", int64(253402300799))
	f.Add("L3", "BR", "BR-SP", "pt-BR", "nobody", "yarn", "customer", "normal", int64(1_795_030_000))
	f.Add("L4", "TW", "", "zh-Hant-TW-u-nu-hanidec", "", "", "", "", int64(math.MaxInt32))
	r, store := newRouter(f, config())
	capacity := map[string]int{}
	for _, a := range config().Agents {
		capacity[a.ID] = a.Capacity
	}
	f.Fuzz(func(t *testing.T, item, country, sub, lang, owner, product, kind, urgency string, unix int64) {
		req := routing.Request{Item: item, Now: time.Unix(unix, 0),
			Customer: strata.Customer{ID: "c", Country: country, Subdivision: sub, Languages: []string{lang, lang + "-x"}, Owner: owner},
			Lead:     routing.Lead{Product: product, Kind: kind, Urgency: routing.Urgency(urgency), ReceivedAt: time.Unix(unix/2, 0)}}
		d, err := r.Route(t.Context(), req)
		if err != nil {
			return
		}
		require.Contains(t, []routing.Outcome{routing.Assigned, routing.Deferred, routing.Unassigned}, d.Outcome)
		if d.Outcome == routing.Assigned {
			a, ok, err := store.Lookup(t.Context(), d.Item)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, a.Agent, d.Agent)
			loads := map[string]int{}
			for _, a := range store.Items() {
				loads[a.Agent] += a.Units
			}
			require.LessOrEqual(t, loads[d.Agent], capacity[d.Agent])
			_, err = r.Release(t.Context(), d.Item)
			require.NoError(t, err)
		}
	})
}
