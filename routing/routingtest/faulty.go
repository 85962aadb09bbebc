package routingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata/routing"
)

// FaultyStore wraps a Store and fails some of its calls with errors
// wrapping routing.ErrStore, as a flaky network or database would, to test
// that failures surface and leave nothing half-done. Every Every-th call
// fails; with After set, a failing change (Reserve, ReserveFirst,
// ReserveFromLine, Move) first reaches the inner store (the change happens,
// the acknowledgement is lost), otherwise it fails before touching it.
// Fails counts the failures. It is a WindowReserver, a Ranker, a
// RankingCloser and a LineReserver whatever Inner is (through
// routing.ReserveFirst and routing.RankByStats when Inner lacks them, and
// a walk that ranks and reserves in separate calls when Inner is no
// LineReserver). It is safe for concurrent use; a nil Inner fails every
// call.
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
	_ routing.LineReserver   = (*FaultyStore)(nil)
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

// ReserveFromLine implements routing.LineReserver: through Inner's when
// Inner is a LineReserver, else by ranking and reserving in separate calls
// (see walkLine).
func (f *FaultyStore) ReserveFromLine(ctx context.Context, k *routing.Ranking, o routing.Offer,
	examine func(routing.Ranked) routing.LineVerdict) (routing.Assignment, bool, error) {
	if f.Inner == nil {
		return routing.Assignment{}, false, errNoInner
	}
	reserve := func() (routing.Assignment, bool, error) {
		if lr, ok := f.Inner.(routing.LineReserver); ok {
			return lr.ReserveFromLine(ctx, k, o, examine)
		}
		return walkLine(ctx, f.Inner, k, o, examine)
	}
	if !f.fail() {
		return reserve()
	}
	if f.After {
		_, _, _ = reserve()
	}
	return routing.Assignment{}, false, injected("reserve")
}

// walkLine does what a LineReserver does with separate calls to s: a
// lookup, the window's workloads, the line a batch at a time (s's Rank, or
// routing.RankByStats), and a reservation for each agent taken. Each
// reservation is atomic with its capacity check, but a workload may change
// between what examine saw and the reservation; the walk then goes on.
func walkLine(ctx context.Context, s routing.Store, k *routing.Ranking, o routing.Offer,
	examine func(routing.Ranked) routing.LineVerdict) (routing.Assignment, bool, error) {
	if k == nil || examine == nil || o.Item == "" || o.Units < 0 || slices.ContainsFunc(o.Window, func(c routing.Candidate) bool { return c.Agent == "" }) {
		return routing.Assignment{}, false, fmt.Errorf("%w: routingtest: bad line reservation", routing.ErrStore)
	}
	if a, ok, err := s.Lookup(ctx, o.Item); err != nil || ok {
		return a, false, err
	}
	take := func(c routing.Candidate) (routing.Assignment, bool, error) {
		one := o
		one.Window = []routing.Candidate{c}
		return routing.ReserveFirst(ctx, s, one)
	}
	for _, c := range o.Window {
		st, err := s.Stats(ctx, []string{c.Agent}, time.Time{}, nil)
		if err != nil {
			return routing.Assignment{}, false, err
		}
		switch examine(routing.Ranked{Index: -1, AgentStats: st[0]}) {
		case routing.LineStop:
			return routing.Assignment{}, false, routing.ErrOverCapacity
		case routing.LineTake:
			if a, created, err := take(c); !errors.Is(err, routing.ErrOverCapacity) {
				return a, created, err
			}
		}
	}
	rk, ok := s.(routing.Ranker)
	if !ok {
		rk = routing.RankByStats(s)
	}
	for skip, n := 0, 8; skip < k.Len(); skip, n = skip+n, n*4 {
		batch, err := rk.Rank(ctx, k, skip, n, nil)
		if err != nil {
			return routing.Assignment{}, false, err
		}
		for i := range batch {
			switch examine(batch[i]) {
			case routing.LineStop:
				return routing.Assignment{}, false, routing.ErrOverCapacity
			case routing.LineTake:
				c := routing.Candidate{Agent: batch[i].Agent, Capacity: k.Capacity(batch[i].Index)}
				if a, created, err := take(c); !errors.Is(err, routing.ErrOverCapacity) {
					return a, created, err
				}
			}
		}
	}
	return routing.Assignment{}, false, routing.ErrOverCapacity
}
