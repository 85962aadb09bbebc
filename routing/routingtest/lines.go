package routingtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// lineCases check a store that is also a routing.LineReserver.
var lineCases = []storeCase{
	{name: "LineReserver/WalksTheLineInOrder", lines: true, run: testLineOrder},
	{name: "LineReserver/WindowFirst", lines: true, run: testLineWindowFirst},
	{name: "LineReserver/TakenWithoutRoomGoesOn", lines: true, run: testLineNoRoom},
	{name: "LineReserver/StopRecordsNothing", lines: true, run: testLineStop},
	{name: "LineReserver/IdempotentRedelivery", lines: true, run: testLineRedelivery},
	{name: "LineReserver/BadArguments", lines: true, run: testLineBadArguments},
	{name: "LineReserver/ConcurrentWalksRespectCapacity", lines: true, run: testLineConcurrent},
}

// seen is what an examine function saw of one agent.
type seen struct {
	Index int
	Agent string
	Load  int
}

// walker is an examine function that records what it sees and decides by
// a rule; it starts afresh on each attempt of reserveFromLine.
type walker struct {
	mu     sync.Mutex // examine must not be called concurrently, but a broken store might
	seen   []seen
	decide func(n int, r routing.Ranked) routing.LineVerdict // n: how many seen before
}

func (w *walker) examine(r routing.Ranked) routing.LineVerdict {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.seen)
	w.seen = append(w.seen, seen{r.Index, r.Agent, r.Load})
	return w.decide(n, r)
}

// reserveFromLine walks with retries, as reserveFirst offers: a retry
// after a failure may find the item reserved by the failed attempt, which
// then counts as created, and w keeps what that attempt's walk saw.
func reserveFromLine(ctx context.Context, s routing.Store, k *routing.Ranking, o routing.Offer, w *walker) (routing.Assignment, bool, error) {
	lr := s.(routing.LineReserver)
	failed := false
	for range 50 {
		walked := w.seen
		w.seen = nil
		a, created, err := lr.ReserveFromLine(ctx, k, o, w.examine)
		if len(w.seen) == 0 {
			w.seen = walked
		}
		if errors.Is(err, routing.ErrStore) {
			failed = true
			continue
		}
		if err == nil && !created && failed && a.At.Equal(o.At) {
			created = true
		}
		return a, created, err
	}
	return routing.Assignment{}, false, fmt.Errorf("routingtest: reserve from line kept failing")
}

// lineTeam loads the suite's ranking agents with work (r00 … r05 hold
// 6 … 1 units at staggered times) and returns the agents and rankings.
func lineTeam(t testing.TB, s routing.Store) ([]string, map[string]*routing.Ranking) {
	agents, ks := rankings(t)
	for i, a := range agents[:6] {
		_, _, err := reserve(t.Context(), s, routing.Reservation{Item: "w" + strconv.Itoa(i), Agent: a, Units: 6 - i, Capacity: routing.NoLimit,
			At: t0.Add(time.Duration(i) * time.Minute)})
		require.NoError(t, err)
	}
	return agents, ks
}

func testLineOrder(t testing.TB, s routing.Store) {
	ctx := t.Context()
	_, ks := lineTeam(t, s)
	for i, name := range orders {
		k := ks[name]
		want, err := retry(func() ([]routing.Ranked, error) { return routing.RankByStats(s).Rank(ctx, k, 0, k.Len(), nil) })
		require.NoError(t, err)
		w := &walker{decide: func(n int, _ routing.Ranked) routing.LineVerdict {
			if n == 4 {
				return routing.LineTake
			}
			return routing.LineSkip
		}}
		item := "L" + strconv.Itoa(i)
		a, created, err := reserveFromLine(ctx, s, k, routing.Offer{Item: item, Customer: "C", Pool: "p", Units: 2, At: t0.Add(time.Hour)}, w)
		require.NoError(t, err, name)
		assert.True(t, created, name)
		require.Len(t, w.seen, 5, "%s: the walk ends at the agent taken", name)
		for j, got := range w.seen {
			assert.Equal(t, seen{want[j].Index, want[j].Agent, want[j].Load}, got, "%s: agent %d of the line, with its workload", name, j)
		}
		requireSame(t, routing.Assignment{Item: item, Customer: "C", Agent: want[4].Agent, Pool: "p", Units: 2, At: t0.Add(time.Hour)}, a, name)
		got, ok := lookup(t, s, item)
		require.True(t, ok)
		requireSame(t, a, got, name+": Lookup")
		assert.Equal(t, want[4].Load+2, stats(t, s, []string{a.Agent}, time.Time{})[0].Load, name)
	}
	checkLines(t, s, ks, "after walks")
}

func testLineWindowFirst(t testing.TB, s routing.Store) {
	ctx := t.Context()
	_, ks := lineTeam(t, s)
	k := ks["by_load"]
	front := line(t, s.(routing.Ranker), k, 0, 1)[0]
	w := &walker{decide: func(n int, r routing.Ranked) routing.LineVerdict { return routing.LineSkip }}
	window := []routing.Candidate{{Agent: "outsider", Capacity: 1}, {Agent: "r00", Capacity: 10}}
	_, _, err := reserveFromLine(ctx, s, k, routing.Offer{Item: "L1", Units: 1, At: t0, Window: window}, w)
	require.ErrorIs(t, err, routing.ErrOverCapacity, "nobody taken")
	require.Len(t, w.seen, 2+k.Len(), "the window, then the whole line")
	assert.Equal(t, []seen{{-1, "outsider", 0}, {-1, "r00", 6}}, w.seen[:2], "the window first, with Index -1 and workloads")
	assert.Equal(t, front, w.seen[2].Agent+"/"+strconv.Itoa(w.seen[2].Load), "then the front of the line")
	assert.Contains(t, w.seen[2:], seen{0, "r00", 6}, "a candidate of the window is examined again in the line")
	_, ok := lookup(t, s, "L1")
	assert.False(t, ok, "nothing recorded")

	w.decide = func(n int, r routing.Ranked) routing.LineVerdict { return routing.LineTake }
	a, created, err := reserveFromLine(ctx, s, k, routing.Offer{Item: "L2", Units: 1, At: t0, Window: window}, w)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, "outsider", a.Agent, "a candidate of the window need not stand in the line")
	a, created, err = reserveFromLine(ctx, s, k, routing.Offer{Item: "L3", Units: 4, At: t0, Window: window}, w)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, "r00", a.Agent, "the window's capacities apply: outsider has no room, r00 has 4 of 10")
}

func testLineNoRoom(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	k := ks["by_idle"] // nobody assigned: the line is by tie key
	order := line(t, s.(routing.Ranker), k, 0, k.Len())
	takeAll := &walker{decide: func(int, routing.Ranked) routing.LineVerdict { return routing.LineTake }}
	// Fill every agent with a limit; the uncapped ones (every fourth) stay.
	for i, a := range agents {
		if c := k.Capacity(i); c > 0 {
			_, _, err := reserve(ctx, s, routing.Reservation{Item: "f" + a, Agent: a, Units: c, Capacity: c, At: t0})
			require.NoError(t, err)
		}
	}
	a, created, err := reserveFromLine(ctx, s, k, routing.Offer{Item: "L1", Units: 1, At: t0.Add(time.Hour)}, takeAll)
	require.NoError(t, err)
	assert.True(t, created)
	var firstFree string
	for _, e := range order {
		id := e[:3]
		if i := indexOf(agents, id); k.Capacity(i) < 0 {
			firstFree = id
			break
		}
	}
	assert.Equal(t, firstFree, a.Agent, "taken agents without room are passed over")
	for _, e := range takeAll.seen {
		if c := k.Capacity(e.Index); c > 0 {
			assert.Equal(t, c, e.Load, "full agents are seen full")
		}
	}
	capped := &walker{decide: func(_ int, r routing.Ranked) routing.LineVerdict {
		if k.Capacity(r.Index) > 0 {
			return routing.LineTake
		}
		return routing.LineSkip
	}}
	_, _, err = reserveFromLine(ctx, s, k, routing.Offer{Item: "L2", Units: 1, At: t0}, capped)
	require.ErrorIs(t, err, routing.ErrOverCapacity)
	assert.Len(t, capped.seen, k.Len(), "the walk went to the end of the line")
	_, ok := lookup(t, s, "L2")
	assert.False(t, ok, "nothing recorded")
}

func indexOf(agents []string, id string) int {
	for i, a := range agents {
		if a == id {
			return i
		}
	}
	return -1
}

func testLineStop(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := lineTeam(t, s)
	before := stats(t, s, agents, time.Time{})
	w := &walker{decide: func(n int, _ routing.Ranked) routing.LineVerdict {
		if n == 2 {
			return routing.LineStop
		}
		return routing.LineSkip
	}}
	_, _, err := reserveFromLine(ctx, s, ks["by_free_share"], routing.Offer{Item: "L1", Units: 1, At: t0}, w)
	require.ErrorIs(t, err, routing.ErrOverCapacity)
	assert.Len(t, w.seen, 3, "the walk ends where examine stops it")
	_, ok := lookup(t, s, "L1")
	assert.False(t, ok, "nothing recorded")
	assert.Equal(t, before, stats(t, s, agents, time.Time{}), "no workload changed")
}

func testLineRedelivery(t testing.TB, s routing.Store) {
	ctx := t.Context()
	_, ks := lineTeam(t, s)
	first, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "r09", Pool: "p", Units: 2, Capacity: 9, At: t0})
	require.NoError(t, err)
	w := &walker{decide: func(int, routing.Ranked) routing.LineVerdict { return routing.LineTake }}
	a, created, err := reserveFromLine(ctx, s, ks["by_load"], routing.Offer{Item: "L1", Customer: "C2", Pool: "q", Units: 1, At: t0.Add(time.Hour),
		Window: []routing.Candidate{{Agent: "r01", Capacity: 10}}}, w)
	require.NoError(t, err)
	assert.False(t, created, "the item was assigned")
	requireSame(t, first, a, "the existing assignment, whole")
	assert.Empty(t, w.seen, "nobody examined")
}

func testLineBadArguments(t testing.TB, s routing.Store) {
	ctx := t.Context()
	lr := s.(routing.LineReserver)
	_, ks := rankings(t)
	take := func(routing.Ranked) routing.LineVerdict { return routing.LineTake }
	for name, call := range map[string]func() error{
		"nil ranking": func() error {
			_, _, err := lr.ReserveFromLine(ctx, nil, routing.Offer{Item: "L1", Units: 1, At: t0}, take)
			return err
		},
		"nil examine": func() error {
			_, _, err := lr.ReserveFromLine(ctx, ks["by_load"], routing.Offer{Item: "L1", Units: 1, At: t0}, nil)
			return err
		},
		"no item": func() error {
			_, _, err := lr.ReserveFromLine(ctx, ks["by_load"], routing.Offer{Units: 1, At: t0}, take)
			return err
		},
		"negative units": func() error {
			_, _, err := lr.ReserveFromLine(ctx, ks["by_load"], routing.Offer{Item: "L1", Units: -1, At: t0}, take)
			return err
		},
		"candidate without agent": func() error {
			_, _, err := lr.ReserveFromLine(ctx, ks["by_load"], routing.Offer{Item: "L1", Units: 1, At: t0, Window: []routing.Candidate{{Capacity: 3}}}, take)
			return err
		},
	} {
		assert.ErrorIs(t, call(), routing.ErrStore, name)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var err error
	for range 10 { // a FaultyStore may fail first for its own reasons
		if _, _, err = lr.ReserveFromLine(cancelled, ks["by_load"], routing.Offer{Item: "L1", Units: 1, At: t0}, take); errors.Is(err, context.Canceled) {
			break
		}
	}
	require.ErrorIs(t, err, context.Canceled, "a cancelled context")
	require.ErrorIs(t, err, routing.ErrStore, "a cancelled context is a store failure (see routing.Store)")
	_, ok := lookup(t, s, "L1")
	assert.False(t, ok, "nothing recorded")
}

// testLineConcurrent: goroutines walk lines at once, taking agents by
// whim; no agent ever goes over capacity, and the lines stay right.
func testLineConcurrent(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents, ks := rankings(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 5))
			for i := range 40 {
				w := &walker{decide: func(int, routing.Ranked) routing.LineVerdict {
					if rng.IntN(3) == 0 {
						return routing.LineSkip
					}
					return routing.LineTake
				}}
				item := fmt.Sprintf("g%d-%d", g, i)
				_, _, err := reserveFromLine(ctx, s, ks[orders[i%3]], routing.Offer{Item: item, Units: 1 + i%2, At: t0.Add(time.Duration(i) * time.Second)}, w)
				if err != nil && !errors.Is(err, routing.ErrOverCapacity) {
					t.Errorf("reserve from line: %v", err)
					return
				}
				if err == nil && i%4 == 0 {
					if _, err := release(t, s, item); err != nil {
						t.Errorf("release: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	k := ks["by_load"]
	for i, st := range stats(t, s, agents, time.Time{}) {
		if c := k.Capacity(i); c > 0 {
			assert.LessOrEqual(t, st.Load, c, st.Agent)
		}
	}
	checkLines(t, s, ks, "after concurrent walks")
}
