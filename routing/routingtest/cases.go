package routingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// storeCases is the single-store suite; rankerCases (ranker.go) and
// lineCases (lines.go) join it.
var storeCases = append([]storeCase{
	{name: "ReserveLookupStats", run: testReserveLookupStats},
	{name: "CapacityIsNeverExceeded", run: testCapacity},
	{name: "IdempotentRedelivery", run: testRedelivery},
	{name: "ReleaseAndUnknownItems", run: testRelease},
	{name: "Move", run: testMove},
	{name: "MoveToTheHolderIsANoOp", run: testMoveToHolder},
	{name: "HistoryByTime", run: testHistory},
	{name: "LastFollowsTheLatestTime", run: testLast},
	{name: "TimesRoundTrip", run: testTimes},
	{name: "ReserveFirst", run: testReserveFirst},
	{name: "ConcurrentReservationsRespectCapacity", run: testConcurrentReservations},
	{name: "ConcurrentWindowsRespectCapacity", run: testConcurrentWindows},
	{name: "ConcurrentRedeliveryAssignsOnce", run: testConcurrentRedelivery},
	{name: "CancelledContext", run: testCancelled},
}, append(rankerCases, lineCases...)...)

func testReserveLookupStats(t testing.TB, s routing.Store) {
	ctx := t.Context()
	want := routing.Assignment{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, At: t0}
	a, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, Capacity: 10, At: t0})
	require.NoError(t, err)
	assert.True(t, created)
	requireSame(t, want, a, "Reserve")
	got, ok := lookup(t, s, "L1")
	require.True(t, ok, "Lookup finds what Reserve recorded")
	requireSame(t, want, got, "Lookup")
	_, ok = lookup(t, s, "nope")
	assert.False(t, ok)
	st := stats(t, s, []string{"bob", "ann"}, t0.Add(-time.Hour))
	assert.Equal(t, "bob", st[0].Agent, "stats come back in the order asked")
	assert.Zero(t, st[0].Load)
	assert.True(t, st[0].Last.IsZero(), "an agent never assigned has no Last")
	assert.Equal(t, []any{"ann", 2, 1}, []any{st[1].Agent, st[1].Load, st[1].Recent})
	assert.True(t, st[1].Last.Equal(t0))
	assert.Equal(t, 2, stats(t, s, []string{"ann"}, time.Time{})[0].Load, "a zero since still gives loads")
}

func testCapacity(t testing.TB, s routing.Store) {
	ctx := t.Context()
	for i := range 3 {
		_, _, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 3, Capacity: 10, At: t0})
		require.NoError(t, err)
	}
	_, _, err := reserve(ctx, s, routing.Reservation{Item: "L3", Agent: "ann", Units: 3, Capacity: 10, At: t0})
	require.ErrorIs(t, err, routing.ErrOverCapacity)
	_, ok := lookup(t, s, "L3")
	assert.False(t, ok, "a refused reservation records nothing")
	assert.Equal(t, 9, stats(t, s, []string{"ann"}, t0)[0].Load)
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "L4", Agent: "ann", Units: 1, Capacity: 10, At: t0})
	require.NoError(t, err, "exactly at capacity is allowed")
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "L5", Agent: "zed", Units: 1000, Capacity: routing.NoLimit, At: t0})
	require.NoError(t, err, "NoLimit means no limit")
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "L6", Agent: "yan", Units: 1, Capacity: 0, At: t0})
	require.ErrorIs(t, err, routing.ErrOverCapacity, "capacity 0 holds nothing: a forgotten capacity fails closed")
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "L7", Agent: "yan", Units: 0, Capacity: 0, At: t0})
	require.NoError(t, err, "zero units fit anywhere")
}

func testRedelivery(t testing.TB, s routing.Store) {
	ctx := t.Context()
	first, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, Capacity: 5, At: t0})
	require.NoError(t, err)
	a, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C9", Agent: "bob", Pool: "q", Units: 1, Capacity: 5, At: t0.Add(time.Minute)})
	require.NoError(t, err)
	assert.False(t, created)
	requireSame(t, first, a, "a replayed Reserve returns the first assignment")
	a, created, err = reserveFirst(ctx, s, routing.Offer{Item: "L1", Units: 1, At: t0.Add(time.Hour),
		Window: []routing.Candidate{{Agent: "cat", Capacity: 5}}}, false)
	require.NoError(t, err)
	assert.False(t, created)
	requireSame(t, first, a, "a replayed ReserveFirst returns the first assignment")
	st := stats(t, s, []string{"ann", "bob", "cat"}, t0.Add(-time.Hour))
	assert.Equal(t, []int{2, 0, 0}, []int{st[0].Load, st[1].Load, st[2].Load})
	assert.Equal(t, 1, st[0].Recent)
}

func testRelease(t testing.TB, s routing.Store) {
	ctx := t.Context()
	want := routing.Assignment{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 4, At: t0}
	_, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 4, Capacity: 5, At: t0})
	require.NoError(t, err)
	rel, err := release(t, s, "L1")
	require.NoError(t, err)
	requireSame(t, want, rel, "Release returns the assignment it ended")
	assert.Zero(t, stats(t, s, []string{"ann"}, t0)[0].Load)
	_, err = release(t, s, "L1")
	assert.ErrorIs(t, err, routing.ErrUnknownItem, "a second release")
	_, err = release(t, s, "never")
	assert.ErrorIs(t, err, routing.ErrUnknownItem)
	st := stats(t, s, []string{"ann"}, t0)[0]
	assert.Zero(t, st.Load, "nothing changed")
	assert.Equal(t, 1, st.Recent, "history stays after release")
	assert.True(t, st.Last.Equal(t0), "Last stays after release")
	_, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "bob", Units: 1, Capacity: 5, At: t0})
	require.NoError(t, err)
	assert.True(t, created, "a released item can be assigned again")
}

func testMove(t testing.TB, s routing.Store) {
	ctx := t.Context()
	_, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, Capacity: 5, At: t0})
	require.NoError(t, err)
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "L2", Agent: "bob", Units: 4, Capacity: 5, At: t0})
	require.NoError(t, err)
	_, err = move(t, s, "L1", routing.Candidate{Agent: "bob", Capacity: 5}, t0.Add(time.Hour))
	require.ErrorIs(t, err, routing.ErrOverCapacity)
	st := stats(t, s, []string{"ann", "bob"}, t0.Add(-time.Hour))
	assert.Equal(t, []int{2, 4}, []int{st[0].Load, st[1].Load}, "a refused move changes nothing")
	moved, err := move(t, s, "L1", routing.Candidate{Agent: "cat", Capacity: 5}, t0.Add(time.Hour))
	require.NoError(t, err)
	want := routing.Assignment{Item: "L1", Customer: "C1", Agent: "cat", Pool: "p", Units: 2, At: t0.Add(time.Hour)}
	requireSame(t, want, moved, "Move")
	got, ok := lookup(t, s, "L1")
	require.True(t, ok)
	requireSame(t, want, got, "Lookup after Move")
	st = stats(t, s, []string{"ann", "cat"}, t0.Add(30*time.Minute))
	assert.Equal(t, []int{0, 2}, []int{st[0].Load, st[1].Load})
	assert.Equal(t, 1, st[1].Recent, "a move counts as an assignment for the target")
	assert.True(t, st[1].Last.Equal(t0.Add(time.Hour)), "a move sets the target's Last")
	_, err = move(t, s, "nope", routing.Candidate{Agent: "cat", Capacity: 5}, t0)
	assert.ErrorIs(t, err, routing.ErrUnknownItem)
}

func testMoveToHolder(t testing.TB, s routing.Store) {
	ctx := t.Context()
	first, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 3, Capacity: 3, At: t0})
	require.NoError(t, err)
	got, err := move(t, s, "L1", routing.Candidate{Agent: "ann", Capacity: 3}, t0.Add(time.Hour))
	require.NoError(t, err, "moving an item to its holder is not refused, although she is full")
	assert.Equal(t, "ann", got.Agent)
	st := stats(t, s, []string{"ann"}, t0.Add(-time.Hour))[0]
	assert.Equal(t, 3, st.Load, "and changes nothing")
	assert.Equal(t, 1, st.Recent, "not even history")
	held, ok := lookup(t, s, "L1")
	require.True(t, ok)
	requireSame(t, first, held, "Lookup after a no-op move")
}

func testHistory(t testing.TB, s routing.Store) {
	ctx := t.Context()
	for i, at := range []time.Time{t0.Add(-72 * time.Hour), t0.Add(-24 * time.Hour), t0} {
		_, _, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 1, Capacity: routing.NoLimit, At: at})
		require.NoError(t, err)
	}
	assert.Equal(t, 3, stats(t, s, []string{"ann"}, t0.Add(-100*time.Hour))[0].Recent)
	assert.Equal(t, 2, stats(t, s, []string{"ann"}, t0.Add(-24*time.Hour))[0].Recent, "since is inclusive")
	assert.Equal(t, 1, stats(t, s, []string{"ann"}, t0.Add(-time.Hour))[0].Recent)
	assert.Equal(t, 1, stats(t, s, []string{"ann"}, t0.Add(-time.Microsecond))[0].Recent, "to the microsecond")
}

func testLast(t testing.TB, s routing.Store) {
	ctx := t.Context()
	for i, at := range []time.Time{t0.Add(2 * time.Hour), t0, t0.Add(time.Hour)} { // out of order
		_, _, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 1, Capacity: routing.NoLimit, At: at})
		require.NoError(t, err)
	}
	st := stats(t, s, []string{"ann"}, t0.Add(-time.Hour))[0]
	assert.True(t, st.Last.Equal(t0.Add(2*time.Hour)), "Last is the latest assignment time, not the latest call: %v", st.Last)
	assert.Equal(t, 3, st.Recent)
	_, _, err := reserve(ctx, s, routing.Reservation{Item: "other", Agent: "bob", Units: 1, Capacity: routing.NoLimit, At: t0})
	require.NoError(t, err)
	_, err = move(t, s, "other", routing.Candidate{Agent: "ann", Capacity: routing.NoLimit}, t0.Add(90*time.Minute))
	require.NoError(t, err)
	st = stats(t, s, []string{"ann"}, t0.Add(-time.Hour))[0]
	assert.True(t, st.Last.Equal(t0.Add(2*time.Hour)), "an earlier move does not set Last back: %v", st.Last)
	// Two assignments at the same latest instant: Seq, if the store keeps
	// one, grows with each.
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "same1", Agent: "cy", Units: 1, Capacity: routing.NoLimit, At: t0})
	require.NoError(t, err)
	before := stats(t, s, []string{"cy"}, time.Time{})[0].Seq
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "same2", Agent: "cy", Units: 1, Capacity: routing.NoLimit, At: t0})
	require.NoError(t, err)
	if after := stats(t, s, []string{"cy"}, time.Time{})[0].Seq; before != 0 || after != 0 {
		assert.Greater(t, after, before, "Seq numbers the latest assignment at Last")
	}
}

func testTimes(t testing.TB, s routing.Store) {
	ctx := t.Context()
	ny := time.FixedZone("EST", -5*3600)
	at := time.Date(2026, 3, 8, 1, 59, 59, 999999000, ny)
	want := routing.Assignment{Item: "µ", Customer: "C", Agent: "ann", Pool: "p", Units: 1, At: at}
	a, _, err := reserve(ctx, s, routing.Reservation{Item: "µ", Customer: "C", Agent: "ann", Pool: "p", Units: 1, Capacity: 5, At: at})
	require.NoError(t, err)
	requireSame(t, want, a, "Reserve keeps microseconds")
	got, ok := lookup(t, s, "µ")
	require.True(t, ok)
	requireSame(t, want, got, "Lookup keeps microseconds and the instant, in any zone")
	st := stats(t, s, []string{"ann"}, at)[0]
	assert.True(t, st.Last.Equal(at), "Last keeps microseconds: %v", st.Last)
	assert.Equal(t, 1, st.Recent, "since equal to the assignment, to the microsecond, counts it")
	assert.Zero(t, stats(t, s, []string{"ann"}, at.Add(time.Microsecond))[0].Recent, "a microsecond later does not")
	later := at.Add(time.Microsecond).In(shanghai)
	moved, err := move(t, s, "µ", routing.Candidate{Agent: "bob", Capacity: 5}, later)
	require.NoError(t, err)
	assert.True(t, moved.At.Equal(later), "Move keeps microseconds: %v", moved.At)
	rel, err := release(t, s, "µ")
	require.NoError(t, err)
	assert.True(t, rel.At.Equal(later), "Release keeps microseconds: %v", rel.At)
}

func testReserveFirst(t testing.TB, s routing.Store) {
	ctx := t.Context()
	if w, ok := s.(routing.WindowReserver); ok {
		assert.True(t, w.Width() >= 1 && w.Width() <= routing.MaxWindow, "Width %d: want 1 to %d", w.Width(), routing.MaxWindow)
	}
	_, _, err := reserve(ctx, s, routing.Reservation{Item: "full", Agent: "ann", Units: 2, Capacity: 2, At: t0})
	require.NoError(t, err)
	_, _, err = reserve(ctx, s, routing.Reservation{Item: "half", Agent: "bob", Units: 1, Capacity: 2, At: t0})
	require.NoError(t, err)
	window := []routing.Candidate{{Agent: "ann", Capacity: 2}, {Agent: "bob", Capacity: 2}, {Agent: "cat", Capacity: 2}}
	o := routing.Offer{Item: "L1", Customer: "C1", Pool: "p", Units: 2, At: t0.Add(time.Minute), Window: window}
	a, created, err := reserveFirst(ctx, s, o, false)
	require.NoError(t, err)
	assert.True(t, created)
	requireSame(t, routing.Assignment{Item: "L1", Customer: "C1", Agent: "cat", Pool: "p", Units: 2, At: o.At}, a,
		"the first candidate with room for 2 units takes the item")
	o.Item, o.Units = "L2", 1
	a, _, err = reserveFirst(ctx, s, o, false)
	require.NoError(t, err)
	assert.Equal(t, "bob", a.Agent, "window order, not most room")
	o.Item = "L3"
	_, _, err = reserveFirst(ctx, s, o, false)
	require.ErrorIs(t, err, routing.ErrOverCapacity, "nobody has room")
	_, ok := lookup(t, s, "L3")
	assert.False(t, ok, "a refused window records nothing")
	st := stats(t, s, []string{"ann", "bob", "cat"}, time.Time{})
	assert.Equal(t, []int{2, 2, 2}, []int{st[0].Load, st[1].Load, st[2].Load})
	o.Item, o.Window = "L4", nil
	_, _, err = reserveFirst(ctx, s, o, false)
	require.ErrorIs(t, err, routing.ErrOverCapacity, "an empty window")
}

func testConcurrentReservations(t testing.TB, s routing.Store) {
	ctx := t.Context()
	agents := []string{"a1", "a2", "a3", "a4", "a5"}
	const capacity, goroutines, each = 10, 16, 40
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				agent := agents[(g+i)%len(agents)]
				_, created, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprintf("g%d-%d", g, i), Agent: agent, Units: 1, Capacity: capacity, At: t0})
				switch {
				case err == nil && created:
					ok.Add(1)
				case err != nil && !errors.Is(err, routing.ErrOverCapacity):
					t.Errorf("reserve: %v", err)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(capacity*len(agents)), ok.Load(), "every slot filled, none twice")
	for _, st := range stats(t, s, agents, time.Time{}) {
		assert.Equal(t, capacity, st.Load, "agent %s", st.Agent)
	}
}

func testConcurrentWindows(t testing.TB, s routing.Store) {
	ctx := t.Context()
	window := []routing.Candidate{{Agent: "w1", Capacity: 7}, {Agent: "w2", Capacity: 5}, {Agent: "w3", Capacity: 3}}
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			for i := range 10 {
				_, created, err := reserveFirst(ctx, s, routing.Offer{Item: fmt.Sprintf("g%d-%d", g, i), Units: 1, At: t0, Window: window}, false)
				switch {
				case err == nil && created:
					ok.Add(1)
				case err != nil && !errors.Is(err, routing.ErrOverCapacity):
					t.Errorf("reserve first: %v", err)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(15), ok.Load(), "every slot of the window filled, none twice")
	st := stats(t, s, []string{"w1", "w2", "w3"}, time.Time{})
	assert.Equal(t, []int{7, 5, 3}, []int{st[0].Load, st[1].Load, st[2].Load})
}

func testConcurrentRedelivery(t testing.TB, s routing.Store) {
	ctx := t.Context()
	var created atomic.Int64
	var wg sync.WaitGroup
	winners := make(chan string, 16)
	for g := range 16 {
		wg.Go(func() {
			a, c, err := reserve(ctx, s, routing.Reservation{Item: "same", Agent: fmt.Sprint("agent", g), Units: 1, Capacity: 5, At: t0})
			if err != nil {
				t.Errorf("reserve: %v", err)
				return
			}
			if c {
				created.Add(1)
			}
			winners <- a.Agent
		})
	}
	wg.Wait()
	close(winners)
	assert.Equal(t, int64(1), created.Load())
	first := ""
	for w := range winners {
		if first == "" {
			first = w
		}
		assert.Equal(t, first, w, "everyone sees the one assignment")
	}
}

func testCancelled(t testing.TB, s routing.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"Reserve": func() error {
			_, _, err := s.Reserve(ctx, routing.Reservation{Item: "L1", Agent: "ann", Units: 1, Capacity: 5, At: t0})
			return err
		},
		"ReserveFirst": func() error {
			_, _, err := routing.ReserveFirst(ctx, s, routing.Offer{Item: "L1", Units: 1, At: t0, Window: []routing.Candidate{{Agent: "ann", Capacity: 5}}})
			return err
		},
		"Lookup": func() error { _, _, err := s.Lookup(ctx, "L1"); return err },
		"Stats":  func() error { _, err := s.Stats(ctx, []string{"ann"}, t0, nil); return err },
	}
	for _, name := range []string{"Lookup", "Reserve", "ReserveFirst", "Stats"} {
		var err error
		for range 10 { // a FaultyStore may fail first for its own reasons
			if err = calls[name](); errors.Is(err, context.Canceled) {
				break
			}
		}
		require.ErrorIs(t, err, context.Canceled, "%s with a cancelled context", name)
		require.ErrorIs(t, err, routing.ErrStore, "%s: a cancelled context is a store failure (see routing.Store)", name)
	}
	_, ok := lookup(t, s, "L1")
	assert.False(t, ok, "a cancelled reservation records nothing")
}
