package routingtest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata/routing"
)

// FaultyStore wraps a Store and fails some of its calls with errors
// wrapping routing.ErrStore, as a flaky network or database would, to test
// that failures surface and leave nothing half-done. Every Every-th call
// fails; with After set, a failing change (Reserve, ReserveFirst, Move)
// first reaches the inner store (the change happens, the acknowledgement is
// lost), otherwise it fails before touching it. Fails counts the failures.
// It is a WindowReserver, a Ranker and a RankingCloser whatever Inner is
// (through routing.ReserveFirst and routing.RankByStats when Inner lacks
// them). It is safe for concurrent use; a nil Inner fails every call.
type FaultyStore struct {
	Inner routing.Store
	Every int64
	After bool
	calls atomic.Int64
	Fails atomic.Int64
}

var (
	_ routing.Store          = (*FaultyStore)(nil)
	_ routing.WindowReserver = (*FaultyStore)(nil)
	_ routing.Ranker         = (*FaultyStore)(nil)
	_ routing.RankingCloser  = (*FaultyStore)(nil)
)

// ErrInjected is the cause of every failure FaultyStore injects.
var ErrInjected = errors.New("routingtest: injected failure")

var errNoInner = fmt.Errorf("%w: routingtest: FaultyStore without an inner store", routing.ErrStore)

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
	if f.Inner == nil {
		return routing.Assignment{}, false, errNoInner
	}
	if !f.fail() {
		return f.Inner.Reserve(ctx, r)
	}
	if f.After {
		_, _, _ = f.Inner.Reserve(ctx, r)
	}
	return routing.Assignment{}, false, injected("reserve")
}

// ReserveFirst implements routing.WindowReserver.
func (f *FaultyStore) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	if f.Inner == nil {
		return routing.Assignment{}, false, errNoInner
	}
	if !f.fail() {
		return routing.ReserveFirst(ctx, f.Inner, o)
	}
	if f.After {
		_, _, _ = routing.ReserveFirst(ctx, f.Inner, o)
	}
	return routing.Assignment{}, false, injected("reserve")
}

// Width implements routing.WindowReserver: Inner's, or 1.
func (f *FaultyStore) Width() int {
	if w, ok := f.Inner.(routing.WindowReserver); ok {
		return w.Width()
	}
	return 1
}

// Release implements routing.Store.
func (f *FaultyStore) Release(ctx context.Context, item string) (routing.Assignment, error) {
	if f.Inner == nil {
		return routing.Assignment{}, errNoInner
	}
	if !f.fail() {
		return f.Inner.Release(ctx, item)
	}
	// Releases always fail cleanly, even with After: a lost acknowledgement
	// of a release cannot be retried (the retry sees an unknown item).
	return routing.Assignment{}, injected("release")
}

// Move implements routing.Store.
func (f *FaultyStore) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	if f.Inner == nil {
		return routing.Assignment{}, errNoInner
	}
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
	if f.Inner == nil {
		return routing.Assignment{}, false, errNoInner
	}
	if f.fail() {
		return routing.Assignment{}, false, injected("lookup")
	}
	return f.Inner.Lookup(ctx, item)
}

// Stats implements routing.Store.
func (f *FaultyStore) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	if f.Inner == nil {
		return dst, errNoInner
	}
	if f.fail() {
		return dst, injected("stats")
	}
	return f.Inner.Stats(ctx, agents, since, dst)
}

// Rank implements routing.Ranker: through Inner's Rank when Inner is a
// Ranker, else with routing.RankByStats over Inner.
func (f *FaultyStore) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	if f.Inner == nil {
		return dst, errNoInner
	}
	if f.fail() {
		return dst, injected("rank")
	}
	if rk, ok := f.Inner.(routing.Ranker); ok {
		return rk.Rank(ctx, k, skip, n, dst)
	}
	return routing.RankByStats(f.Inner).Rank(ctx, k, skip, n, dst)
}

// CloseRanking implements routing.RankingCloser: through Inner's when it
// has one; it never fails.
func (f *FaultyStore) CloseRanking(ctx context.Context, k *routing.Ranking) error {
	if rc, ok := f.Inner.(routing.RankingCloser); ok {
		return rc.CloseRanking(ctx, k)
	}
	return nil
}
