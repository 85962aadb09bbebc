package routing_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/routingtest"
)

// offerRecorder is a MemoryStore that records the offers it gets, and can
// pretend its first candidates are locked by other transactions (skipped,
// as FOR UPDATE SKIP LOCKED does). Like a store across a network it is no
// LineReserver: Routers offer it windows.
type offerRecorder struct {
	windowStore
	mu     sync.Mutex
	offers []routing.Offer
	skip   int    // candidates to skip at the front of each window
	since  []bool // per Stats call: was since non-zero?
}

func (s *offerRecorder) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	s.mu.Lock()
	kept := o
	kept.Window = slices.Clone(o.Window) // the Router reuses the window
	s.offers = append(s.offers, kept)
	skip := min(s.skip, len(o.Window)-1)
	s.mu.Unlock()
	o.Window = o.Window[max(skip, 0):]
	return s.windowStore.ReserveFirst(ctx, o)
}

func (s *offerRecorder) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	s.mu.Lock()
	s.since = append(s.since, !since.IsZero())
	s.mu.Unlock()
	return s.windowStore.Stats(ctx, agents, since, dst)
}

func windowTeam(n int, strategy routing.Strategy) routing.Config {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: strategy, Sticky: true}}}
	for i := range n {
		id := fmt.Sprintf("w%02d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 100})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	return cfg
}

// TestWindowIsOwnerThenLine: the store is offered the customer's owner
// first, then the pool's line in the strategy's order, as wide as
// WithWindow says, in a small pool (read in full) and a large one (walked).
func TestWindowIsOwnerThenLine(t *testing.T) {
	for _, n := range []int{6, 40} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			store := &offerRecorder{windowStore: routing.NewMemoryStore()}
			r, err := routing.New(windowTeam(n, routing.LeastLoaded), store, routing.WithWindow(3))
			require.NoError(t, err)
			for i := range 3 { // w00 … w02 hold 3, 2, 1 units
				_, _, err := store.Reserve(t.Context(), routing.Reservation{Item: fmt.Sprint("old", i), Agent: fmt.Sprintf("w%02d", i),
					Units: 3 - i, Capacity: 100, At: now.Add(-time.Hour)})
				require.NoError(t, err)
			}
			// The line as the fair rule orders it, before the request.
			ids, caps := r.Members("p"), make([]int, n)
			for i := range caps {
				caps[i] = 100
			}
			k, err := routing.NewRanking(routing.ByLoad, 0, ids, caps)
			require.NoError(t, err)
			line, err := routing.RankByStats(store).Rank(t.Context(), k, 0, n, nil)
			require.NoError(t, err)
			want := []routing.Candidate{{Agent: "w01", Capacity: 100}}
			for _, rk := range line {
				if rk.Agent != "w01" && len(want) < 3 {
					want = append(want, routing.Candidate{Agent: rk.Agent, Capacity: 100})
				}
			}
			c := customer("c", "CN", "")
			c.Owner = "w01"
			d := route(t, r, routing.Request{Item: "L1", Customer: c})
			assert.Equal(t, "w01", d.Agent)
			assert.True(t, d.Sticky)
			require.Len(t, store.offers, 1, "one round trip")
			o := store.offers[0]
			assert.Equal(t, want, o.Window, "the owner, then the front of the line")
			assert.NotContains(t, []string{o.Window[1].Agent, o.Window[2].Agent}, "w00", "w00 holds the most")
			assert.Equal(t, routing.Offer{Item: "L1", Customer: "c", Pool: "p", Units: 1, At: now, Window: o.Window}, o)

			r1, err := routing.New(windowTeam(n, routing.LeastLoaded), store, routing.WithWindow(1))
			require.NoError(t, err)
			route(t, r1, routing.Request{Item: "L2", Customer: customer("c", "CN", "")})
			assert.Len(t, store.offers[1].Window, 1, "WithWindow(1) offers one agent at a time")
			c.Owner = "w00" // the busiest
			d = route(t, r1, routing.Request{Item: "L3", Customer: c})
			assert.Equal(t, []routing.Candidate{{Agent: "w00", Capacity: 100}}, store.offers[2].Window, "a window of one holds the owner")
			assert.Equal(t, "w00", d.Agent)
			assert.True(t, d.Sticky)
		})
	}
}

// TestSkippedCandidatesLostARace: when the store passes over the first
// candidates (another transaction holds them), the next one takes the work,
// and the trace and the observer say the others lost a race.
func TestSkippedCandidatesLostARace(t *testing.T) {
	for _, n := range []int{6, 40} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			store := &offerRecorder{windowStore: routing.NewMemoryStore(), skip: 2}
			var lost int
			r, err := routing.New(windowTeam(n, routing.RoundRobin), store, routing.WithWindow(4),
				routing.WithObserver(func(_ context.Context, e strata.Event) {
					if e.Op == "store.reserve" && e.Outcome == "lost_race" {
						lost++
						assert.Equal(t, []strata.Label{{Key: "pool", Value: "p"}}, e.Labels)
					}
				}))
			require.NoError(t, err)
			d := route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
			require.Equal(t, routing.Assigned, d.Outcome)
			w := store.offers[0].Window
			assert.Equal(t, w[2].Agent, d.Agent, "the third candidate took it")
			verdict := map[string]routing.Reason{}
			for _, c := range d.Trace {
				verdict[c.Agent] = c.Reason
			}
			assert.Equal(t, routing.ReasonLostRace, verdict[w[0].Agent])
			assert.Equal(t, routing.ReasonLostRace, verdict[w[1].Agent])
			assert.Equal(t, routing.ReasonPicked, verdict[w[2].Agent])
			assert.Equal(t, routing.ReasonRankedLower, verdict[w[3].Agent])
			assert.Equal(t, 2, lost)
		})
	}
}

// TestStatsCountRecentOnlyWhenRead: an SQL store counts recent assignments
// only for the strategy that reads them.
func TestStatsCountRecentOnlyWhenRead(t *testing.T) {
	for _, tt := range []struct {
		strategy routing.Strategy
		recent   bool
	}{
		{routing.LeastLoaded, false}, {routing.RoundRobin, false}, {routing.MostFreeCapacity, false},
		{routing.BestSkillFit, false}, {routing.WeightedRoundRobin, true},
	} {
		t.Run(string(tt.strategy), func(t *testing.T) {
			for _, n := range []int{6, 40} {
				store := &offerRecorder{windowStore: routing.NewMemoryStore()}
				r, err := routing.New(windowTeam(n, tt.strategy), store)
				require.NoError(t, err)
				c := customer("c", "CN", "")
				c.Owner = "w03"
				route(t, r, routing.Request{Item: "L1", Customer: c})
				require.NotEmpty(t, store.since, "%d agents", n)
				for _, since := range store.since {
					assert.Equal(t, tt.recent, since, "%d agents", n)
				}
			}
		})
	}
}

// TestLostAcknowledgementsLeaveNothingBehind: with a store that loses the
// acknowledgement of every fifth change, a Route that returns an error has
// left no reservation behind, and one that succeeds names the holder. (Before,
// 9 of 300 failed routes left one.)
func TestLostAcknowledgementsLeaveNothingBehind(t *testing.T) {
	for _, every := range []int64{2, 3, 5} {
		t.Run(strconv.FormatInt(every, 10), func(t *testing.T) {
			inner := routing.NewMemoryStore()
			faulty := &routingtest.FaultyStore{Inner: inner, Every: every, After: true}
			r, err := routing.New(config(), faulty)
			require.NoError(t, err)
			failed := 0
			for i := range 300 {
				req := routing.Request{Customer: customer(fmt.Sprint("c", i), []string{"CN", "DE", "BR"}[i%3], "", "zh", "de", "pt"),
					Lead: routing.Lead{ID: fmt.Sprint("L", i)}, Now: now.Add(time.Duration(i) * time.Minute)}
				d, err := r.Route(t.Context(), req)
				a, held, _ := inner.Lookup(t.Context(), req.Lead.ID)
				switch {
				case err != nil:
					failed++
					require.ErrorIs(t, err, routing.ErrStore)
					if !errors.Is(err, routing.ErrUnconfirmed) {
						assert.False(t, held, "route %d failed (%v) and left %s holding it", i, err, a.Agent)
					}
				case d.Outcome == routing.Assigned:
					require.True(t, held)
					assert.Equal(t, a.Agent, d.Agent)
				default:
					assert.False(t, held, "route %d: %s, yet held", i, d.Outcome)
				}
				if i%4 == 0 && held {
					_, _ = inner.Release(t.Context(), req.Lead.ID)
				}
			}
			assert.Positive(t, failed, "failures were injected")
			assert.Positive(t, faulty.Fails.Load())
		})
	}
}

// TestReassignSettlesLostAcknowledgements: a move the store made but did not
// acknowledge is reported as made.
func TestReassignSettlesLostAcknowledgements(t *testing.T) {
	inner := routing.NewMemoryStore()
	faulty := &routingtest.FaultyStore{Inner: inner, Every: 1000, After: true}
	r, err := routing.New(config(), faulty)
	require.NoError(t, err)
	route(t, r, routing.Request{Customer: customer("c1", "CN", "CN-SH", "zh"), Lead: routing.Lead{ID: "L1"}})
	faulty.Every = 1 // every call fails, after reaching the store
	_, err = r.Reassign(t.Context(), "L1", "sh-wang", "asked for", now)
	require.ErrorIs(t, err, routing.ErrUnconfirmed, "the lookup fails too: the outcome is unknown")
	faulty.Every = 2 // the move's acknowledgement is lost, the lookup works
	faulty.Inner = inner
	d, err := r.Reassign(t.Context(), "L1", "sh-chen", "asked for", now)
	require.NoError(t, err)
	assert.Equal(t, "sh-chen", d.Agent)
	a, _, _ := inner.Lookup(t.Context(), "L1")
	assert.Equal(t, "sh-chen", a.Agent)
}

// wideStore asks for windows of three.
type wideStore struct{ *offerRecorder }

func (wideStore) Width() int { return 3 }

// TestWindowWidthIsTheStores: without WithWindow a Router offers windows
// as wide as the store asks: three here, one for MemoryStore, one for a
// store that reserves one agent at a time.
func TestWindowWidthIsTheStores(t *testing.T) {
	for _, tt := range []struct {
		name  string
		store func(*offerRecorder) routing.Store
		want  int
	}{
		{"wide", func(s *offerRecorder) routing.Store { return wideStore{s} }, 3},
		{"memory", func(s *offerRecorder) routing.Store { return s }, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &offerRecorder{windowStore: routing.NewMemoryStore()}
			r, err := routing.New(windowTeam(40, routing.LeastLoaded), tt.store(rec))
			require.NoError(t, err)
			route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
			require.Len(t, rec.offers, 1)
			assert.Len(t, rec.offers[0].Window, tt.want)
		})
	}
	plain := &countingStore{Store: routing.NewMemoryStore()}
	r, err := routing.New(windowTeam(6, routing.LeastLoaded), plain)
	require.NoError(t, err)
	route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
	assert.Equal(t, 1, plain.reserves, "one Reserve: the first agent had room")
}

// countingStore is a plain Store that counts its Reserve calls.
type countingStore struct {
	routing.Store
	reserves int
}

func (s *countingStore) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	s.reserves++
	return s.Store.Reserve(ctx, r)
}

// snatcher is a store across which a concurrent request gives each item to
// the third candidate of the Router's window just before the Router's own
// reservation arrives.
type snatcher struct{ windowStore }

func (s snatcher) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	c := o.Window[min(2, len(o.Window)-1)]
	if _, _, err := s.Reserve(ctx, routing.Reservation{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool,
		Units: o.Units, Capacity: c.Capacity, At: o.At.Add(-time.Second)}); err != nil {
		return routing.Assignment{}, false, err
	}
	return s.windowStore.ReserveFirst(ctx, o)
}

// TestConcurrentAssignmentIsAReplay: an item that a concurrent request
// assigned while the Router decided is reported as the replay of that
// assignment, exactly as a re-delivery is, and the candidates ahead of the
// holder lost no race (nobody took their capacity).
func TestConcurrentAssignmentIsAReplay(t *testing.T) {
	for _, n := range []int{6, 40} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			lost := 0
			r, err := routing.New(windowTeam(n, routing.LeastLoaded), snatcher{routing.NewMemoryStore()}, routing.WithWindow(4),
				routing.WithObserver(func(_ context.Context, e strata.Event) {
					if e.Outcome == "lost_race" {
						lost++
					}
				}))
			require.NoError(t, err)
			d := route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
			require.True(t, d.Replayed, d.Why())
			again := route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
			assert.Equal(t, again, d, "as a re-delivery")
			assert.Equal(t, "already assigned at "+now.Add(-time.Second).Format(time.RFC3339)+"; nothing changed", d.Reason)
			assert.Empty(t, d.Trace)
			assert.Zero(t, lost)
		})
	}
}

// racer is a store whose first reservations find no room, as if
// concurrent requests had just taken it: ReserveFirst reports the first
// loseFirst windows full; ReserveFromLine passes over the first loseLine
// agents the Router takes.
type racer struct {
	*routing.MemoryStore
	loseFirst, loseLine int
}

func (s *racer) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	if s.loseFirst > 0 {
		s.loseFirst--
		return routing.Assignment{}, false, routing.ErrOverCapacity
	}
	return s.MemoryStore.ReserveFirst(ctx, o)
}

func (s *racer) ReserveFromLine(ctx context.Context, k *routing.Ranking, o routing.Offer, examine func(routing.Ranked) routing.LineVerdict) (routing.Assignment, bool, error) {
	return s.MemoryStore.ReserveFromLine(ctx, k, o, func(rk routing.Ranked) routing.LineVerdict {
		v := examine(rk)
		if v == routing.LineTake && s.loseLine > 0 {
			s.loseLine--
			return routing.LineSkip
		}
		return v
	})
}

// TestLostRacesReportedOnce: the observer hears of as many lost races as
// the decision's trace shows, also when a walk of the line loses races,
// gives up and reads the whole pool, which offers those agents again.
func TestLostRacesReportedOnce(t *testing.T) {
	cfg := routing.Config{Home: "CN", DefaultPool: "p", Pools: []routing.Pool{{Name: "p", Strategy: routing.LeastLoaded}}}
	for i := range 100 {
		id := fmt.Sprintf("a%02d", i)
		cfg.Agents = append(cfg.Agents, routing.Agent{ID: id, Capacity: 5})
		cfg.Pools[0].Members = append(cfg.Pools[0].Members, id)
	}
	for _, tt := range []struct {
		name  string
		store func(s *racer) routing.Store
		lose  racer
		want  int // lost races the decision reports: those of the full read
	}{
		// The walk offers 85 agents (batches of 1, 4, 16 and 64) before it
		// gives up; the full read loses 5 more.
		{"ranked then reserved", func(s *racer) routing.Store { return struct{ windowStore }{s} }, racer{loseFirst: 90}, 90 - 85},
		{"line walked by the store", func(s *racer) routing.Store { return s }, racer{loseLine: 1000}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			events := 0
			s := tt.lose
			s.MemoryStore = routing.NewMemoryStore()
			r, err := routing.New(cfg, tt.store(&s),
				routing.WithObserver(func(_ context.Context, e strata.Event) {
					if e.Op == "store.reserve" && e.Outcome == "lost_race" {
						events++
					}
				}))
			require.NoError(t, err)
			d := route(t, r, routing.Request{Item: "L1", Customer: customer("c", "CN", "")})
			require.Equal(t, routing.Assigned, d.Outcome, d.Why())
			require.Len(t, d.Trace, 100, "the walk gave up and read the whole pool")
			traced := 0
			for _, c := range d.Trace {
				if c.Reason == routing.ReasonLostRace {
					traced++
				}
			}
			assert.Equal(t, tt.want, traced)
			assert.Equal(t, traced, events)
		})
	}
}
