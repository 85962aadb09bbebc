// Package routingtest is the conformance suite every routing.Store must
// pass, and fakes for test harnesses (FaultyStore). It holds nothing else.
//
// A host that keeps routing state in its own database runs both suites:
//
//	func TestMyStore(t *testing.T) {
//		routingtest.TestStore(t, func(t testing.TB) routing.Store { return openMyStore(t, freshDatabase(t)) })
//	}
//
//	func TestMyStoreShared(t *testing.T) {
//		routingtest.TestSharedStore(t, func(t testing.TB) routingtest.Open {
//			db := freshDatabase(t)
//			return func(t testing.TB) routing.Store { return openMyStore(t, db) } // a new handle each call
//		})
//	}
//
// TestStore checks what routing relies on, one handle at a time:
// assignments are recorded and found whole (customer, pool, units, time),
// capacity is never exceeded even by many goroutines at once, re-delivery
// of the same item is idempotent, releasing and moving keep loads right (a
// move to the agent who holds the item is a no-op), unknown items are
// refused without changes, history is counted by time and Last follows the
// latest assignment time whatever order assignments arrive in, times keep
// their microseconds in any zone, windows (routing.ReserveFirst, through
// the store's WindowReserver if it has one) go to the first candidate with
// room, and a cancelled context is an error wrapping both routing.ErrStore
// and the context's error. A store that is also a routing.Ranker must keep
// every line exactly as routing.RankByStats orders it, through
// reservations, releases and moves, also while many goroutines change it;
// one that is also a routing.LineReserver must walk those lines, window
// first, with each agent's workload, take the first agent its caller takes
// that has room, stop when told, record nothing when nobody is taken, and
// keep capacity while many goroutines walk at once.
//
// TestSharedStore opens several handles on one backing store, as several
// processes would, and runs Routers on all of them at once: no agent ever
// goes over capacity, every load equals the units of the items held, and
// what one handle did the others see. It catches what one handle cannot,
// such as a capacity check against a cache kept per handle.
//
// Transient failures, errors wrapping routing.ErrStore, are retried by the
// suites, so they also pass on a store that fails now and then (see
// FaultyStore), provided every failure leaves the store as it was or as if
// the call had succeeded.
//
// The cases form a table, run as subtests in the style of testing/slogtest;
// they use only testing.TB, and the package's own tests run them against
// deliberately broken stores and require each to be caught.
package routingtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// Open opens a new handle on one backing store: its own connections, pools
// or caches, the same data. For MemoryStore a handle is the store itself.
type Open func(t testing.TB) routing.Store

// storeCase is one check of the single-store suite, on a fresh store.
type storeCase struct {
	name   string
	ranker bool // only for stores that are routing.Rankers
	lines  bool // only for stores that are routing.Rankers and routing.LineReservers
	run    func(t testing.TB, s routing.Store)
}

// sharedCase is one check of the shared-store suite, on a fresh backing
// store.
type sharedCase struct {
	name string
	run  func(t testing.TB, open Open)
}

// TestStore runs the conformance suite against fresh stores from newStore,
// one subtest per case.
func TestStore(t *testing.T, newStore func(t testing.TB) routing.Store) {
	s := newStore(t)
	for _, c := range storeCases {
		if c.applies(s) {
			t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
		}
	}
}

// applies reports whether the case checks a store like s.
func (c *storeCase) applies(s routing.Store) bool {
	_, ranks := s.(routing.Ranker)
	_, lines := s.(routing.LineReserver)
	return (!c.ranker || ranks) && (!c.lines || ranks && lines)
}

// TestSharedStore runs the shared-store suite: for each case newBacking
// makes a fresh backing store (a new database, schema or key prefix) and
// returns how to open handles on it.
func TestSharedStore(t *testing.T, newBacking func(t testing.TB) Open) {
	for _, c := range sharedCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newBacking(t)) })
	}
}

// t0 is the suite's clock: microseconds, not UTC, as databases keep times.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 123456000, shanghai)

var shanghai = time.FixedZone("CST", 8*3600)

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

// reserve reserves with retries. A retry after a failure may find the
// reservation already made by the failed attempt (created false, same
// agent and time): that counts as created.
func reserve(ctx context.Context, s routing.Store, r routing.Reservation) (routing.Assignment, bool, error) {
	return reserveFirst(ctx, s, routing.Offer{Item: r.Item, Customer: r.Customer, Pool: r.Pool, Units: r.Units, At: r.At,
		Window: []routing.Candidate{{Agent: r.Agent, Capacity: r.Capacity}}}, true)
}

// reserveFirst offers a window with retries, through the store's own
// Reserve when plain (a window of one) or routing.ReserveFirst.
func reserveFirst(ctx context.Context, s routing.Store, o routing.Offer, plain bool) (routing.Assignment, bool, error) {
	failed := false
	for range 50 {
		var a routing.Assignment
		var created bool
		var err error
		if plain {
			c := o.Window[0]
			a, created, err = s.Reserve(ctx, routing.Reservation{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool,
				Units: o.Units, Capacity: c.Capacity, At: o.At})
		} else {
			a, created, err = routing.ReserveFirst(ctx, s, o)
		}
		if errors.Is(err, routing.ErrStore) {
			failed = true
			continue
		}
		if err == nil && !created && failed && a.At.Equal(o.At) && inWindow(o, a.Agent) {
			created = true
		}
		return a, created, err
	}
	return routing.Assignment{}, false, fmt.Errorf("routingtest: reserve kept failing")
}

func inWindow(o routing.Offer, agent string) bool {
	for _, c := range o.Window {
		if c.Agent == agent {
			return true
		}
	}
	return false
}

func stats(t testing.TB, s routing.Store, agents []string, since time.Time) []routing.AgentStats {
	t.Helper()
	out, err := retry(func() ([]routing.AgentStats, error) { return s.Stats(t.Context(), agents, since, nil) })
	require.NoError(t, err)
	require.Len(t, out, len(agents), "one workload per agent asked about")
	return out
}

func lookup(t testing.TB, s routing.Store, item string) (routing.Assignment, bool) {
	t.Helper()
	a, ok, err := retry2(func() (routing.Assignment, bool, error) { return s.Lookup(t.Context(), item) })
	require.NoError(t, err)
	return a, ok
}

func release(t testing.TB, s routing.Store, item string) (routing.Assignment, error) {
	t.Helper()
	return retry(func() (routing.Assignment, error) { return s.Release(t.Context(), item) })
}

func move(t testing.TB, s routing.Store, item string, to routing.Candidate, at time.Time) (routing.Assignment, error) {
	t.Helper()
	return retry(func() (routing.Assignment, error) { return s.Move(t.Context(), item, to.Agent, to.Capacity, at) })
}

// same reports whether two assignments are the same, times compared with
// Equal (a store may hand times back in another location).
func same(a, b routing.Assignment) bool {
	at := a.At.Equal(b.At)
	a.At, b.At = time.Time{}, time.Time{}
	return at && a == b
}

// requireSame fails unless got is want, whole.
func requireSame(t testing.TB, want, got routing.Assignment, what string) {
	t.Helper()
	if !same(want, got) {
		require.Failf(t, what+": not the whole assignment", "want %+v\n got %+v", want, got)
	}
}
