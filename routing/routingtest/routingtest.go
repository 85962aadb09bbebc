// Package routingtest is the conformance suite every routing.Store must
// pass, and fakes for test harnesses.
//
// A host that keeps routing state in its own database runs
//
//	func TestMyStore(t *testing.T) {
//		routingtest.TestStore(t, func(t *testing.T) routing.Store { return newMyStore(t) })
//	}
//
// The suite checks what routing relies on: assignments are recorded and
// found, capacity is never exceeded even by many goroutines at once,
// re-delivery of the same item is idempotent, releasing and moving keep
// loads right, unknown items are refused without changes, history is
// counted by time, and a cancelled context is an error. A store that is
// also a routing.Ranker must keep every line exactly as
// routing.RankByStats orders it, through reservations, releases and moves,
// also while many goroutines change it. Transient failures,
// errors wrapping routing.ErrStore, are retried by the suite, so it also
// passes on a store that fails now and then (see FaultyStore), provided
// every failure leaves the store as it was or as if the call had succeeded.
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

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// retry runs f until it returns an error that does not wrap
// routing.ErrStore, at most 50 times.
func retry[T any](f func() (T, error)) (T, error) {
	var v T
	var err error
	for range 50 {
		v, err = f()
		if !errors.Is(err, routing.ErrStore) {
			return v, err
		}
	}
	return v, err
}

// reserve reserves with retries. A retry after a failure may find the
// reservation already made by the failed attempt (created false, same
// agent): that counts as created.
func reserve(ctx context.Context, s routing.Store, r routing.Reservation) (routing.Assignment, bool, error) {
	failed := false
	for range 50 {
		a, created, err := s.Reserve(ctx, r)
		if errors.Is(err, routing.ErrStore) {
			failed = true
			continue
		}
		if err == nil && !created && failed && a.Agent == r.Agent && a.At.Equal(r.At) {
			created = true
		}
		return a, created, err
	}
	return routing.Assignment{}, false, fmt.Errorf("routingtest: reserve kept failing")
}

func stats(t *testing.T, s routing.Store, agents []string, since time.Time) []routing.AgentStats {
	t.Helper()
	out, err := retry(func() ([]routing.AgentStats, error) { return s.Stats(context.Background(), agents, since, nil) })
	require.NoError(t, err)
	require.Len(t, out, len(agents))
	return out
}

// TestStore runs the conformance suite against fresh stores from newStore.
func TestStore(t *testing.T, newStore func(t *testing.T) routing.Store) {
	t.Run("ReserveLookupStats", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		a, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, Capacity: 10, At: t0})
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, routing.Assignment{Item: "L1", Customer: "C1", Agent: "ann", Pool: "p", Units: 2, At: t0}, a)
		got, ok, err := retry2(func() (routing.Assignment, bool, error) { return s.Lookup(ctx, "L1") })
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "ann", got.Agent)
		assert.True(t, got.At.Equal(t0))
		_, ok, err = retry2(func() (routing.Assignment, bool, error) { return s.Lookup(ctx, "nope") })
		require.NoError(t, err)
		assert.False(t, ok)
		st := stats(t, s, []string{"bob", "ann"}, t0.Add(-time.Hour))
		assert.Equal(t, "bob", st[0].Agent, "stats come back in the order asked")
		assert.Zero(t, st[0].Load)
		assert.Equal(t, []any{"ann", 2, 1}, []any{st[1].Agent, st[1].Load, st[1].Recent})
		assert.True(t, st[1].Last.Equal(t0))
	})

	t.Run("CapacityIsNeverExceeded", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		for i := range 3 {
			_, _, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 3, Capacity: 10, At: t0})
			require.NoError(t, err)
		}
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "L3", Agent: "ann", Units: 3, Capacity: 10, At: t0})
		require.ErrorIs(t, err, routing.ErrOverCapacity)
		_, ok, err := retry2(func() (routing.Assignment, bool, error) { return s.Lookup(ctx, "L3") })
		require.NoError(t, err)
		assert.False(t, ok, "a refused reservation records nothing")
		assert.Equal(t, 9, stats(t, s, []string{"ann"}, t0)[0].Load)
		_, _, err = reserve(ctx, s, routing.Reservation{Item: "L4", Agent: "ann", Units: 1, Capacity: 10, At: t0})
		require.NoError(t, err, "exactly at capacity is allowed")
		_, _, err = reserve(ctx, s, routing.Reservation{Item: "L5", Agent: "zed", Units: 1000, Capacity: 0, At: t0})
		require.NoError(t, err, "capacity 0 means no limit")
	})

	t.Run("IdempotentRedelivery", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "ann", Units: 1, Capacity: 5, At: t0})
		require.NoError(t, err)
		a, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "bob", Units: 1, Capacity: 5, At: t0.Add(time.Minute)})
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, "ann", a.Agent, "the first assignment stands")
		st := stats(t, s, []string{"ann", "bob"}, t0.Add(-time.Hour))
		assert.Equal(t, 1, st[0].Load)
		assert.Equal(t, 1, st[0].Recent)
		assert.Zero(t, st[1].Load)
	})

	t.Run("ReleaseAndUnknownItems", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "ann", Units: 4, Capacity: 5, At: t0})
		require.NoError(t, err)
		rel, err := retry(func() (routing.Assignment, error) { return s.Release(ctx, "L1") })
		require.NoError(t, err)
		assert.Equal(t, "ann", rel.Agent)
		assert.Zero(t, stats(t, s, []string{"ann"}, t0)[0].Load)
		_, err = retry(func() (routing.Assignment, error) { return s.Release(ctx, "L1") })
		assert.ErrorIs(t, err, routing.ErrUnknownItem, "a second release")
		_, err = retry(func() (routing.Assignment, error) { return s.Release(ctx, "never") })
		assert.ErrorIs(t, err, routing.ErrUnknownItem)
		assert.Zero(t, stats(t, s, []string{"ann"}, t0)[0].Load, "nothing changed")
		assert.Equal(t, 1, stats(t, s, []string{"ann"}, t0)[0].Recent, "history stays after release")
		_, created, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "bob", Units: 1, Capacity: 5, At: t0})
		require.NoError(t, err)
		assert.True(t, created, "a released item can be assigned again")
	})

	t.Run("Move", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		_, _, err := reserve(ctx, s, routing.Reservation{Item: "L1", Agent: "ann", Units: 2, Capacity: 5, At: t0})
		require.NoError(t, err)
		_, _, err = reserve(ctx, s, routing.Reservation{Item: "L2", Agent: "bob", Units: 4, Capacity: 5, At: t0})
		require.NoError(t, err)
		_, err = retry(func() (routing.Assignment, error) { return s.Move(ctx, "L1", "bob", 5, t0.Add(time.Hour)) })
		require.ErrorIs(t, err, routing.ErrOverCapacity)
		st := stats(t, s, []string{"ann", "bob"}, t0.Add(-time.Hour))
		assert.Equal(t, []int{2, 4}, []int{st[0].Load, st[1].Load}, "a refused move changes nothing")
		moved, err := retry(func() (routing.Assignment, error) { return s.Move(ctx, "L1", "cat", 5, t0.Add(time.Hour)) })
		require.NoError(t, err)
		assert.Equal(t, "cat", moved.Agent)
		st = stats(t, s, []string{"ann", "cat"}, t0.Add(30*time.Minute))
		assert.Equal(t, []int{0, 2}, []int{st[0].Load, st[1].Load})
		assert.Equal(t, 1, st[1].Recent, "a move counts as an assignment for the target")
		_, err = retry(func() (routing.Assignment, error) { return s.Move(ctx, "nope", "cat", 5, t0) })
		assert.ErrorIs(t, err, routing.ErrUnknownItem)
	})

	t.Run("HistoryByTime", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		for i, at := range []time.Time{t0.Add(-72 * time.Hour), t0.Add(-24 * time.Hour), t0} {
			_, _, err := reserve(ctx, s, routing.Reservation{Item: fmt.Sprint("L", i), Agent: "ann", Units: 1, At: at})
			require.NoError(t, err)
		}
		assert.Equal(t, 3, stats(t, s, []string{"ann"}, t0.Add(-100*time.Hour))[0].Recent)
		assert.Equal(t, 2, stats(t, s, []string{"ann"}, t0.Add(-24*time.Hour))[0].Recent, "since is inclusive")
		assert.Equal(t, 1, stats(t, s, []string{"ann"}, t0.Add(-time.Hour))[0].Recent)
	})

	t.Run("ConcurrentReservationsRespectCapacity", func(t *testing.T) {
		s := newStore(t)
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
		for _, st := range stats(t, s, agents, t0.Add(-time.Hour)) {
			assert.Equal(t, capacity, st.Load, "agent %s", st.Agent)
		}
	})

	t.Run("ConcurrentRedeliveryAssignsOnce", func(t *testing.T) {
		s := newStore(t)
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
	})

	if _, ok := newStore(t).(routing.Ranker); ok {
		t.Run("Ranker", func(t *testing.T) { testRanker(t, func(t *testing.T) rankStore { return newStore(t).(rankStore) }) })
	}

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := s.Reserve(ctx, routing.Reservation{Item: "L1", Agent: "ann", Units: 1, At: t0})
		require.Error(t, err)
		_, ok, err := retry2(func() (routing.Assignment, bool, error) { return s.Lookup(context.Background(), "L1") })
		require.NoError(t, err)
		assert.False(t, ok, "a cancelled reservation records nothing")
	})
}

func retry2[A, B any](f func() (A, B, error)) (A, B, error) {
	var a A
	var b B
	var err error
	for range 50 {
		a, b, err = f()
		if !errors.Is(err, routing.ErrStore) {
			return a, b, err
		}
	}
	return a, b, err
}

// FaultyStore wraps a Store and fails some of its calls with errors
// wrapping routing.ErrStore, as a flaky network or database would, to test
// that failures surface and leave nothing half-done. Every Every-th call
// fails; with After set, the failing call first reaches the inner store (the
// change happens, the acknowledgement is lost), otherwise it fails before
// touching it. Fails counts the failures. It is safe for concurrent use.
type FaultyStore struct {
	Inner routing.Store
	Every int64
	After bool
	calls atomic.Int64
	Fails atomic.Int64
}

var (
	_ routing.Store  = (*FaultyStore)(nil)
	_ routing.Ranker = (*FaultyStore)(nil)
)

// ErrInjected is the cause of every failure FaultyStore injects.
var ErrInjected = errors.New("routingtest: injected failure")

func (f *FaultyStore) fail() bool {
	if f.Every <= 0 {
		return false
	}
	if f.calls.Add(1)%f.Every == 0 {
		f.Fails.Add(1)
		return true
	}
	return false
}

func injected(op string) error { return fmt.Errorf("%w: %s: %w", routing.ErrStore, op, ErrInjected) }

// Reserve implements routing.Store.
func (f *FaultyStore) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	if !f.fail() {
		return f.Inner.Reserve(ctx, r)
	}
	if f.After {
		_, _, _ = f.Inner.Reserve(ctx, r)
	}
	return routing.Assignment{}, false, injected("reserve")
}

// Release implements routing.Store.
func (f *FaultyStore) Release(ctx context.Context, item string) (routing.Assignment, error) {
	if !f.fail() {
		return f.Inner.Release(ctx, item)
	}
	// Releases always fail cleanly, even with After: a lost acknowledgement
	// of a release cannot be retried (the retry sees an unknown item).
	return routing.Assignment{}, injected("release")
}

// Move implements routing.Store.
func (f *FaultyStore) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	if !f.fail() {
		return f.Inner.Move(ctx, item, agent, capacity, at)
	}
	if f.After {
		_, _ = f.Inner.Move(ctx, item, agent, capacity, at) // a retried move to the same agent is a no-op
	}
	return routing.Assignment{}, injected("move")
}

// Lookup implements routing.Store.
func (f *FaultyStore) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	if f.fail() {
		return routing.Assignment{}, false, injected("lookup")
	}
	return f.Inner.Lookup(ctx, item)
}

// Rank implements routing.Ranker: through Inner's Rank when Inner is a
// Ranker, else with routing.RankByStats over Inner.
func (f *FaultyStore) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	if f.fail() {
		return dst, injected("rank")
	}
	if rk, ok := f.Inner.(routing.Ranker); ok {
		return rk.Rank(ctx, k, skip, n, dst)
	}
	return routing.RankByStats(ctx, f.Inner, k, skip, n, dst)
}

// Stats implements routing.Store.
func (f *FaultyStore) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	if f.fail() {
		return dst, injected("stats")
	}
	return f.Inner.Stats(ctx, agents, since, dst)
}
