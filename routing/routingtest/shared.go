package routingtest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// sharedCases is the shared-store suite.
var sharedCases = []sharedCase{
	{name: "HandlesSeeEachOther", run: testHandlesSeeEachOther},
	{name: "ReservationsOnSeveralHandles", run: testReservationsOnHandles},
	{name: "RedeliveryOnSeveralHandles", run: testRedeliveryOnHandles},
	{name: "RoutersOnSeveralHandles", run: testRoutersOnHandles},
}

// handles is how many handles the shared cases open at once.
const handles = 4

func testHandlesSeeEachOther(t testing.TB, open Open) {
	ctx := t.Context()
	a, b := open(t), open(t)
	want := routing.Assignment{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, At: t0}
	_, _, err := reserve(ctx, a, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, Capacity: 3, At: t0})
	require.NoError(t, err)
	got, ok := lookup(t, b, "L1")
	require.True(t, ok, "another handle sees the reservation")
	requireSame(t, want, got, "Lookup on another handle")
	_, _, err = reserve(ctx, b, routing.Reservation{Item: "L2", Agent: "ann", Units: 2, Capacity: 3, At: t0})
	require.ErrorIs(t, err, routing.ErrOverCapacity, "another handle counts the load")
	replay, created, err := reserve(ctx, b, routing.Reservation{Item: "L1", Agent: "bob", Units: 1, Capacity: 3, At: t0})
	require.NoError(t, err)
	assert.False(t, created)
	requireSame(t, want, replay, "re-delivery on another handle")
	_, err = move(t, b, "L1", routing.Candidate{Agent: "bob", Capacity: 3}, t0.Add(time.Hour))
	require.NoError(t, err)
	st := stats(t, a, []string{"ann", "bob"}, t0.Add(-time.Hour))
	assert.Equal(t, []int{0, 2}, []int{st[0].Load, st[1].Load}, "a move on one handle, seen on another")
	assert.True(t, st[1].Last.Equal(t0.Add(time.Hour)))
	rel, err := release(t, a, "L1")
	require.NoError(t, err)
	assert.Equal(t, "bob", rel.Agent)
	_, ok = lookup(t, b, "L1")
	assert.False(t, ok, "a release on one handle, seen on another")
	assert.Zero(t, stats(t, b, []string{"bob"}, time.Time{})[0].Load)
}

func testReservationsOnHandles(t testing.TB, open Open) {
	ctx := t.Context()
	agents := []string{"a1", "a2", "a3"}
	const capacity = 4
	var ok atomic.Int64
	var wg sync.WaitGroup
	for h := range handles {
		s := open(t)
		for g := range 3 {
			wg.Go(func() {
				for i := range 12 {
					item := fmt.Sprintf("h%d-g%d-%d", h, g, i)
					var err error
					var created bool
					if i%2 == 0 {
						_, created, err = reserve(ctx, s, routing.Reservation{Item: item, Agent: agents[(g+i)%3], Units: 1, Capacity: capacity, At: t0})
					} else {
						window := []routing.Candidate{{Agent: agents[i%3], Capacity: capacity}, {Agent: agents[(i+1)%3], Capacity: capacity}}
						_, created, err = reserveFirst(ctx, s, routing.Offer{Item: item, Units: 1, At: t0, Window: window}, false)
					}
					switch {
					case err == nil && created:
						ok.Add(1)
					case err != nil && !errors.Is(err, routing.ErrOverCapacity):
						t.Errorf("reserve: %v", err)
					}
				}
			})
		}
	}
	wg.Wait()
	assert.Equal(t, int64(capacity*len(agents)), ok.Load(), "every slot filled once across all handles")
	for _, st := range stats(t, open(t), agents, time.Time{}) {
		assert.Equal(t, capacity, st.Load, "agent %s: never over capacity, whichever handle reserved", st.Agent)
	}
}

func testRedeliveryOnHandles(t testing.TB, open Open) {
	ctx := t.Context()
	var created atomic.Int64
	var wg sync.WaitGroup
	agents := make(chan string, handles*4)
	for h := range handles {
		s := open(t)
		for g := range 4 {
			wg.Go(func() {
				a, c, err := reserve(ctx, s, routing.Reservation{Item: "same", Agent: fmt.Sprintf("h%d-%d", h, g), Units: 1, Capacity: 5, At: t0})
				if err != nil {
					t.Errorf("reserve: %v", err)
					return
				}
				if c {
					created.Add(1)
				}
				agents <- a.Agent
			})
		}
	}
	wg.Wait()
	close(agents)
	assert.Equal(t, int64(1), created.Load(), "one assignment across all handles")
	held, ok := lookup(t, open(t), "same")
	require.True(t, ok)
	for a := range agents {
		assert.Equal(t, held.Agent, a, "every handle sees the one assignment")
	}
}

// sharedTeam is the team the Routers of testRoutersOnHandles share: a small
// pool read in full and a large one walked in line order when the store
// ranks, with small capacities so that they fill up.
func sharedTeam() routing.Config {
	cfg := routing.Config{Home: "CN", DefaultPool: "large",
		Pools: []routing.Pool{
			{Name: "small", Strategy: routing.LeastLoaded, Sticky: true},
			{Name: "large", Strategy: routing.LeastLoaded, MatchLanguage: true},
		},
		Rules: []routing.Rule{{Name: "small", When: `lead.product == "small"`, Pool: "small"}},
		Units: map[string]int{"key": 2}}
	for i := range 48 {
		a := routing.Agent{ID: fmt.Sprintf("s%02d", i), Capacity: 2 + i%3, Languages: []string{"en", "de"}}
		cfg.Agents = append(cfg.Agents, a)
		if i < 8 {
			cfg.Pools[0].Members = append(cfg.Pools[0].Members, a.ID)
		} else {
			cfg.Pools[1].Members = append(cfg.Pools[1].Members, a.ID)
		}
	}
	return cfg
}

func testRoutersOnHandles(t testing.TB, open Open) {
	cfg := sharedTeam()
	decisions := make([][]routing.Decision, handles)
	var wg sync.WaitGroup
	for h := range handles {
		r, err := routing.New(cfg, open(t))
		require.NoError(t, err)
		decisions[h] = make([]routing.Decision, 90)
		wg.Go(func() { routeOnHandle(t, r, h, decisions[h]) })
	}
	wg.Wait()
	check := open(t)
	loads := map[string]int{}
	for h, ds := range decisions {
		for i, d := range ds {
			item := sharedItem(h, i)
			a, ok := lookup(t, check, item)
			switch {
			case d.Outcome == "released":
				assert.False(t, ok, "%s was released", item)
			case d.Outcome == routing.Assigned:
				if assert.True(t, ok, "%s was assigned", item) {
					assert.Equal(t, d.Agent, a.Agent, "%s: the decision names the holder", item)
				}
			default:
				assert.False(t, ok, "%s: %s, yet held", item, d.Outcome)
			}
			if ok {
				loads[a.Agent] += a.Units
			}
		}
	}
	ids := make([]string, len(cfg.Agents))
	for i, a := range cfg.Agents {
		ids[i] = a.ID
	}
	for i, st := range stats(t, check, ids, time.Time{}) {
		assert.LessOrEqual(t, st.Load, cfg.Agents[i].Capacity, "agent %s over capacity", st.Agent)
		assert.Equal(t, loads[st.Agent], st.Load, "agent %s: load is the units of the items held", st.Agent)
	}
}

func sharedItem(h, i int) string { return "h" + strconv.Itoa(h) + "-" + strconv.Itoa(i) }

// routeOnHandle routes len(out) leads through r, releasing every fourth
// one after it was assigned, retrying store failures.
func routeOnHandle(t testing.TB, r *routing.Router, h int, out []routing.Decision) {
	ctx := t.Context()
	for i := range out {
		req := routing.Request{Item: sharedItem(h, i), Now: t0.Add(time.Duration(i) * time.Minute),
			Customer: strata.Customer{ID: "c" + strconv.Itoa(i%7), Country: "DE", Languages: []string{"de"}, Owner: fmt.Sprintf("s%02d", i%8)}}
		if i%3 == 0 {
			req.Lead.Product = "small"
		}
		if i%5 == 0 {
			req.Lead.Kind = "key"
		}
		d, err := retry(func() (routing.Decision, error) { return r.Route(ctx, req) })
		if err != nil {
			t.Errorf("route %s: %v", req.Item, err)
			return
		}
		out[i] = d
		if d.Outcome == routing.Assigned && i%4 == 0 {
			if _, err := retry(func() (routing.Assignment, error) { return r.Release(ctx, req.Item) }); err != nil {
				t.Errorf("release %s: %v", req.Item, err)
				return
			}
			out[i].Outcome = "released"
		}
	}
}
