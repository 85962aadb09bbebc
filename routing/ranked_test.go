package routing_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
	"github.com/strata-go/strata/timezone"
)

// plainStore hides MemoryStore's Ranker, so a Router reads every workload.
type plainStore struct{ routing.Store }

// bigTeam is n agents with mixed languages, regions, shifts, leave and
// small capacities, in three large pools (one per rankable strategy), a
// sticky one among them, with overflow into each other.
func bigTeam(rng *rand.Rand, n int, seed uint64) routing.Config {
	langs := [][]string{{"en"}, {"de", "en"}, {"zh-Hans"}, {"pt-BR", "es"}}
	regions := [][]string{nil, {"EU"}, {"CN"}, {"LatinAmerica", "US"}}
	shifts := []*timezone.CalendarConfig{nil, {Zone: "Asia/Shanghai", Country: "CN"}, {Zone: "Europe/Berlin", Country: "DE"}, {Zone: "America/Sao_Paulo", Country: "BR"}}
	cfg := routing.Config{Home: "CN", Seed: seed, DefaultPool: "ll", Pools: []routing.Pool{
		{Name: "ll", Strategy: routing.LeastLoaded, MatchLanguage: true, MatchRegion: true, RequireOnShift: true,
			ShiftWindow: strata.Duration(10 * time.Hour), Sticky: true,
			Overflow: []routing.OverflowStep{{After: strata.Duration(time.Hour), Pool: "free"}}},
		{Name: "free", Strategy: routing.MostFreeCapacity, MatchLanguage: true, RequireOnShift: true,
			Overflow: []routing.OverflowStep{{Pool: "rr"}}},
		{Name: "rr", Strategy: routing.RoundRobin, MatchRegion: true},
	}, Rules: []routing.Rule{
		{Name: "big", When: `lead.value > money("50000", "USD")`, Pool: "free"},
		{Name: "expo", When: `lead.source == "expo"`, Pool: "rr"},
	}}
	for i := range n {
		a := routing.Agent{ID: fmt.Sprintf("a%03d", i), Inactive: rng.IntN(20) == 0, Capacity: rng.IntN(6),
			Languages: langs[rng.IntN(len(langs))], Regions: regions[rng.IntN(len(regions))], Shift: shifts[rng.IntN(len(shifts))]}
		if rng.IntN(8) == 0 {
			from := now.Add(-time.Duration(rng.IntN(20*24)) * time.Hour)
			a.OutOfOffice = []strata.Span{{Start: from, End: from.Add(time.Duration(1+rng.IntN(10*24)) * time.Hour)}}
		}
		a.Uncapped = a.Capacity == 0
		cfg.Agents = append(cfg.Agents, a)
		for p := range cfg.Pools {
			if rng.IntN(3) != 0 {
				cfg.Pools[p].Members = append(cfg.Pools[p].Members, a.ID)
			}
		}
	}
	return cfg
}

// TestRankedWalkDecidesLikeFullRead routes the same random day through a
// Router over MemoryStore (large pools walked in rank order) and one over
// the same kind of store with ranking hidden (every workload read), and
// requires the same decisions, one by one: agent, pool, step, outcome,
// retry time and reason. Only the trace may differ: the walk lists the
// agents it examined.
func TestRankedWalkDecidesLikeFullRead(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			cfg := bigTeam(rng, 120, seed)
			if seed%2 == 1 {
				cfg.CatchUp = routing.CatchUpAllow // otherwise leave ending lately sends some pools to the full read
			}
			ranked, err := routing.New(cfg, routing.NewMemoryStore())
			require.NoError(t, err)
			plain, err := routing.New(cfg, plainStore{routing.NewMemoryStore()})
			require.NoError(t, err)
			replayDay(t, rng, cfg, plain, ranked, 900, func(i int, req routing.Request, want, got routing.Decision) {
				require.Equal(t, []any{want.Outcome, want.Agent, want.Pool, want.Step, want.Sticky, want.RetryAt, want.Reason},
					[]any{got.Outcome, got.Agent, got.Pool, got.Step, got.Sticky, got.RetryAt, got.Reason}, "request %d\nplain:  %s\nranked: %s", i, want.Why(), got.Why())
				if got.Outcome == routing.Assigned && !req.Quiet {
					assert.Equal(t, len(want.Trace), len(got.Trace)+got.Unexamined, "request %d: examined plus unexamined is everyone the full read listed", i)
				}
			})
		})
	}
}

// windowStore is MemoryStore less its LineReserver: a Router ranks and
// reserves in separate calls, as over a store across a network.
type windowStore interface {
	routing.Store
	routing.WindowReserver
	routing.Ranker
	routing.RankingCloser
}

// TestLineWalkDecidesLikeRankedWalk routes the same random days through a
// Router whose store walks lines and reserves in one step (MemoryStore's
// LineReserver) and one whose store ranks and reserves in separate calls
// (the same store with LineReserver hidden), and requires the same
// decisions byte for byte, traces and unexamined counts included, also
// where the walk gives up and reads the whole pool.
func TestLineWalkDecidesLikeRankedWalk(t *testing.T) {
	fullReads := 0
	for seed := range uint64(8) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2026))
			cfg := bigTeam(rng, []int{120, 400}[seed%2], seed)
			if seed%4 < 2 {
				cfg.CatchUp = routing.CatchUpAllow
			}
			lined, err := routing.New(cfg, routing.NewMemoryStore())
			require.NoError(t, err)
			ranked, err := routing.New(cfg, struct{ windowStore }{routing.NewMemoryStore()})
			require.NoError(t, err)
			replayDay(t, rng, cfg, ranked, lined, 600, func(i int, req routing.Request, want, got routing.Decision) {
				require.Equal(t, want, got, "request %d\nranked: %s\nlined:  %s", i, want.Why(), got.Why())
				if !req.Quiet && len(got.Trace) > 85 {
					fullReads++
				}
			})
		})
	}
	assert.Positive(t, fullReads, "some walks gave up and read the whole pool")
}

// TestReplaysNeedNoOpeningLookup: a Router whose store is a
// WindowReserver does not look an item up before deciding (the
// reservation returns an assignment the store holds; a decision that
// reserves nothing looks it up afterwards), and decides byte for byte as
// one that looks every item up first, over random days with re-deliveries
// of held, released, deferred and unassigned items.
func TestReplaysNeedNoOpeningLookup(t *testing.T) {
	replays := 0
	for seed := range uint64(6) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 20))
			cfg := bigTeam(rng, []int{12, 120}[seed%2], seed)
			counted := &lookupCounter{MemoryStore: routing.NewMemoryStore()}
			var lateStore, firstStore routing.Store = counted, routing.NewMemoryStore() // lines walked by the store
			if seed%3 == 1 {
				lateStore, firstStore = struct{ windowStore }{counted}, struct{ windowStore }{routing.NewMemoryStore()} // ranked, then reserved
			}
			late, err := routing.New(cfg, lateStore)
			require.NoError(t, err)
			first, err := routing.New(cfg, firstStore)
			require.NoError(t, err)
			routing.LookUpFirst(first)
			replayDay(t, rng, cfg, first, late, 500, func(i int, req routing.Request, want, got routing.Decision) {
				require.Equal(t, want, got, "request %d\nfirst: %s\nlate:  %s", i, want.Why(), got.Why())
				if got.Replayed {
					replays++
				}
			})
			assert.Less(t, counted.n.Load(), int64(500), "items are looked up only when the decision reserved nothing")
		})
	}
	assert.Positive(t, replays)
}

// lookupCounter is a MemoryStore that counts Lookups.
type lookupCounter struct {
	*routing.MemoryStore
	n atomic.Int64
}

func (s *lookupCounter) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	s.n.Add(1)
	return s.MemoryStore.Lookup(ctx, item)
}

// replayDay routes n random requests of a day, a few of them re-deliveries
// of earlier items (held, released, deferred or unassigned), and releases
// some of what was assigned, through Routers want and got over stores in
// the same state, and checks each pair of decisions.
func replayDay(t *testing.T, rng *rand.Rand, cfg routing.Config, want, got *routing.Router, n int,
	check func(i int, req routing.Request, want, got routing.Decision)) {
	t.Helper()
	ctx := t.Context()
	at := now
	var held []string
	countries := []string{"DE", "CN", "BR", "US", "FR", "JP"}
	languages := []string{"de", "zh-CN", "pt", "en", "fr", "ja"}
	for i := range n {
		at = at.Add(time.Duration(rng.IntN(40)) * time.Minute) // sometimes the same instant
		if len(held) > 0 && rng.IntN(3) == 0 {
			k := rng.IntN(len(held))
			_, err1 := want.Release(ctx, held[k])
			_, err2 := got.Release(ctx, held[k])
			require.NoError(t, err1)
			require.NoError(t, err2)
			held = append(held[:k], held[k+1:]...)
		}
		c := rng.IntN(len(countries))
		item := "L" + strconv.Itoa(i)
		if i > 0 && rng.IntN(6) == 0 {
			item = "L" + strconv.Itoa(rng.IntN(i)) // re-delivered
		}
		req := routing.Request{Item: item, Now: at, Quiet: rng.IntN(2) == 0,
			Customer: strata.Customer{ID: "c" + strconv.Itoa(rng.IntN(300)), Country: countries[c], Languages: []string{languages[c]}},
			Lead:     routing.Lead{ReceivedAt: at.Add(-time.Duration(rng.IntN(3)) * time.Hour)}}
		if rng.IntN(3) == 0 {
			req.Customer.Owner = cfg.Agents[rng.IntN(len(cfg.Agents))].ID
		}
		switch rng.IntN(6) {
		case 0:
			req.Lead.Value = usd(100_000)
		case 1:
			req.Lead.Source = "expo"
		case 2:
			req.Lead.Urgency = routing.UrgencyUrgent
		}
		w, err := want.Route(ctx, req)
		require.NoError(t, err)
		g, err := got.Route(ctx, req)
		require.NoError(t, err)
		check(i, req, w, g)
		if g.Outcome == routing.Assigned && !g.Replayed {
			held = append(held, req.Item)
		}
	}
}

// TestRankedTraceListsTheExamined: in a large pool the trace names the
// agents the walk examined, front first, and counts the rest.
func TestRankedTraceListsTheExamined(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded, MatchLanguage: true}}}
	for i := range 40 {
		lang := "en"
		if i < 3 {
			lang = "ja" // the three least loaded speak only Japanese
		}
		id := fmt.Sprintf("a%02d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Languages: []string{lang}, Uncapped: true})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	r, store := newRouter(t, cfg)
	for i := 3; i < 40; i++ { // everyone but a00–a02 holds something
		_, _, err := store.Reserve(t.Context(), routing.Reservation{Item: "old" + strconv.Itoa(i), Agent: fmt.Sprintf("a%02d", i), Units: 1 + i%2, Capacity: routing.NoLimit, At: now.Add(-time.Hour)})
		require.NoError(t, err)
	}
	d := route(t, r, routing.Request{Customer: customer("c", "DE", "", "en"), Lead: routing.Lead{ID: "L1"}})
	require.Equal(t, routing.Assigned, d.Outcome)
	require.Len(t, d.Trace, 4, d.Why())
	for _, c := range d.Trace[:3] {
		assert.Equal(t, routing.ReasonLanguage, c.Reason, c.Agent)
	}
	assert.Equal(t, routing.ReasonPicked, d.Trace[3].Reason)
	assert.Equal(t, 36, d.Unexamined)
	assert.Contains(t, d.Why(), "not examined: 36 members ranked behind")
	assert.Equal(t, "least loaded: 1 units held", d.Reason)
}

// TestRankedWalkGivesUpToAFullRead: when the front of the line is all
// ineligible past the walk's limit, the Router reads the whole pool, and
// the trace then lists everyone.
func TestRankedWalkGivesUpToAFullRead(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: routing.RoundRobin, MatchRegion: true}}}
	for i := range 100 {
		region := "JP"
		if i == 99 {
			region = "DE"
		}
		id := fmt.Sprintf("a%02d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Regions: []string{region}, Uncapped: true})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	r, store := newRouter(t, cfg)
	_, _, err := store.Reserve(t.Context(), routing.Reservation{Item: "old", Agent: "a99", Units: 1, Capacity: routing.NoLimit, At: now.Add(-time.Hour)})
	require.NoError(t, err) // the one German speaker stands last in a round robin
	d := route(t, r, routing.Request{Customer: customer("c", "DE", "", "de"), Lead: routing.Lead{ID: "L1"}})
	require.Equal(t, routing.Assigned, d.Outcome)
	assert.Equal(t, "a99", d.Agent)
	assert.Len(t, d.Trace, 100)
	assert.Zero(t, d.Unexamined)
}

// TestRankedConcurrentNeverOverCapacity: two Routers over one MemoryStore
// (so they share its lines), eight goroutines, large pools walked in rank
// order: no agent over capacity, every request one outcome, every
// assignment recorded once.
func TestRankedConcurrentNeverOverCapacity(t *testing.T) {
	cfg := bigTeam(rand.New(rand.NewPCG(3, 3)), 90, 3)
	store := routing.NewMemoryStore()
	routers := make([]*routing.Router, 2)
	for i := range routers {
		var err error
		routers[i], err = routing.New(cfg, store)
		require.NoError(t, err)
	}
	countries := []string{"DE", "CN", "BR", "US"}
	languages := []string{"de", "zh-CN", "pt", "en"}
	var wg sync.WaitGroup
	decisions := make([]routing.Decision, 800)
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < len(decisions); i += 8 {
				c := i % len(countries)
				d, err := routers[g%2].Route(context.Background(), routing.Request{Item: "L" + strconv.Itoa(i), Now: now.Add(time.Duration(i/50) * time.Hour),
					Customer: strata.Customer{ID: "c" + strconv.Itoa(i), Country: countries[c], Languages: []string{languages[c]}}})
				if err != nil {
					t.Error(err)
					return
				}
				decisions[i] = d
				if i%5 == 0 && d.Outcome == routing.Assigned {
					if _, err := routers[(g+1)%2].Release(context.Background(), d.Item); err != nil {
						t.Error(err)
						return
					}
					decisions[i].Outcome = "released"
				}
			}
		})
	}
	wg.Wait()
	assigned := 0
	for i, d := range decisions {
		require.Contains(t, []routing.Outcome{routing.Assigned, routing.Deferred, routing.Unassigned, "released"}, d.Outcome, "request %d", i)
		if d.Outcome == routing.Assigned {
			assigned++
		}
	}
	assert.Positive(t, assigned)
	loads := map[string]int{}
	for _, a := range store.Items() {
		loads[a.Agent] += a.Units
	}
	assert.Equal(t, assigned, len(store.Items()))
	for _, a := range cfg.Agents {
		if a.Capacity > 0 {
			assert.LessOrEqual(t, loads[a.ID], a.Capacity, a.ID)
		}
	}
}

// TestRankedStoreFailures: with a store that fails every fourth call,
// losing acknowledgements, routing through large pools still never leaves
// a reservation the decision does not name.
func TestRankedStoreFailures(t *testing.T) {
	cfg := bigTeam(rand.New(rand.NewPCG(5, 5)), 80, 5)
	inner := routing.NewMemoryStore()
	faulty := &routingtest.FaultyStore{Inner: inner, Every: 4, After: true}
	r, err := routing.New(cfg, faulty)
	require.NoError(t, err)
	for i := range 120 {
		req := routing.Request{Item: "L" + strconv.Itoa(i), Now: now, Customer: strata.Customer{ID: "c", Country: "CN", Languages: []string{"zh"}}}
		var d routing.Decision
		for range 20 {
			if d, err = r.Route(t.Context(), req); err == nil {
				break
			}
			require.ErrorIs(t, err, routing.ErrStore)
		}
		require.NoError(t, err)
		if a, ok, _ := inner.Lookup(t.Context(), req.Item); ok {
			assert.Equal(t, routing.Assigned, d.Outcome)
			assert.Equal(t, a.Agent, d.Agent)
		} else {
			assert.NotEqual(t, routing.Assigned, d.Outcome)
		}
	}
	assert.Positive(t, faulty.Fails.Load())
}

// FuzzRouteNeverExceedsCapacity drives a fixed team of 60 (large pools, so
// both the ranked walk and the full read run) with a byte string: each byte
// routes a lead (its country, urgency and the clock from the byte's bits)
// or releases one. Whatever the sequence, every request gets exactly one
// outcome, assignments name the agent that holds the item, and no agent
// ever holds more than its capacity.
func FuzzRouteNeverExceedsCapacity(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("route route route release route"))
	f.Add(make([]byte, 200))
	cfg := bigTeam(rand.New(rand.NewPCG(11, 11)), 60, 11)
	capacity := map[string]int{}
	for _, a := range cfg.Agents {
		capacity[a.ID] = a.Capacity
	}
	countries := []string{"DE", "CN", "BR", "US"}
	languages := []string{"de", "zh", "pt", "en"}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		store := routing.NewMemoryStore()
		r, err := routing.New(cfg, store)
		require.NoError(t, err)
		at := now
		var held []string
		for i, op := range ops {
			at = at.Add(time.Duration(op&0x0f) * 7 * time.Minute)
			if op&0x30 == 0x30 && len(held) > 0 {
				item := held[int(op)%len(held)]
				_, err := r.Release(t.Context(), item)
				require.NoError(t, err)
				held = slices.DeleteFunc(held, func(h string) bool { return h == item })
				continue
			}
			c := int(op>>6) % len(countries)
			req := routing.Request{Item: "L" + strconv.Itoa(i), Now: at, Quiet: op&1 == 1,
				Customer: strata.Customer{ID: "c" + strconv.Itoa(int(op)), Country: countries[c], Languages: []string{languages[c]}}}
			if op&0x40 != 0 {
				req.Lead.Urgency = routing.UrgencyUrgent
			}
			d, err := r.Route(t.Context(), req)
			require.NoError(t, err)
			switch d.Outcome {
			case routing.Assigned:
				a, ok, err := store.Lookup(t.Context(), req.Item)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, a.Agent, d.Agent)
				held = append(held, req.Item)
			case routing.Deferred:
				require.True(t, d.RetryAt.After(at), d.Why())
			case routing.Unassigned:
			default:
				t.Fatalf("request %d: outcome %q", i, d.Outcome)
			}
		}
		loads := map[string]int{}
		for _, a := range store.Items() {
			loads[a.Agent] += a.Units
		}
		for agent, load := range loads {
			if c := capacity[agent]; c > 0 {
				require.LessOrEqual(t, load, c, agent)
			}
		}
		require.Len(t, store.Items(), len(held))
	})
}
