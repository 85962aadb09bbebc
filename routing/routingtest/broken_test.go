package routingtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// recorder is a testing.TB that records failures instead of failing the
// test that runs it, so the suite's own tests can require it to fail.
type recorder struct {
	testing.TB // the real test, for Context, Cleanup, TempDir …
	mu         sync.Mutex
	failed     bool
	msgs       []string
}

func (r *recorder) Helper() {}
func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recorder) FailNow() { r.Fail(); runtime.Goexit() }
func (r *recorder) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprint(args...))
}
func (r *recorder) Logf(format string, args ...any)   { r.Log(fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.Log(args...); r.Fail() }
func (r *recorder) Errorf(format string, args ...any) { r.Logf(format, args...); r.Fail() }
func (r *recorder) Fatal(args ...any)                 { r.Log(args...); r.FailNow() }
func (r *recorder) Fatalf(format string, args ...any) { r.Logf(format, args...); r.FailNow() }

// isolated runs f on its own goroutine, so FailNow (runtime.Goexit) and
// panics of a broken store end the case, not the test.
func isolated(rec *recorder, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				rec.Errorf("panic: %v", p)
			}
		}()
		f()
	}()
	<-done
}

// failures runs both suites on stores from newStore (shared cases: the
// handles open returns) through recorders, and returns the names of the
// cases that failed.
func failures(t *testing.T, newStore func(testing.TB) routing.Store, newBacking func(testing.TB) Open) []string {
	var failed []string
	s := newStore(t)
	for _, c := range storeCases {
		if !c.applies(s) {
			continue
		}
		rec := &recorder{TB: t}
		isolated(rec, func() { c.run(rec, newStore(rec)) })
		if rec.Failed() {
			failed = append(failed, c.name)
		}
	}
	for _, c := range sharedCases {
		rec := &recorder{TB: t}
		isolated(rec, func() { c.run(rec, newBacking(rec)) })
		if rec.Failed() {
			failed = append(failed, "shared/"+c.name)
		}
	}
	return failed
}

// one opens the same store for every handle: a backing store of one.
func one(newStore func(testing.TB) routing.Store) func(testing.TB) Open {
	return func(t testing.TB) Open {
		s := newStore(t)
		return func(testing.TB) routing.Store { return s }
	}
}

// broken is a MemoryStore with one thing wrong; only Store's methods (and
// Rank when ranks is set) are promoted.
type broken struct {
	routing.Store
	mem *routing.MemoryStore
}

func newBroken() broken {
	m := routing.NewMemoryStore()
	return broken{Store: m, mem: m}
}

type forgetfulLookup struct{ broken }

func (forgetfulLookup) Lookup(context.Context, string) (routing.Assignment, bool, error) {
	return routing.Assignment{}, false, nil
}

type partialLookup struct{ broken }

func (s partialLookup) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	a, ok, err := s.mem.Lookup(ctx, item)
	a.Customer, a.Pool = "", ""
	return a, ok, err
}

type partialReplay struct{ broken }

func (s partialReplay) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	a, created, err := s.mem.Reserve(ctx, r)
	if !created {
		a.Units = r.Units // the replay reports the new request's units, not the held ones
	}
	return a, created, err
}

type partialRelease struct{ broken }

func (s partialRelease) Release(ctx context.Context, item string) (routing.Assignment, error) {
	a, err := s.mem.Release(ctx, item)
	return routing.Assignment{Item: a.Item, Agent: a.Agent}, err
}

type refusingSameAgentMove struct{ broken }

func (s refusingSameAgentMove) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	a, ok, _ := s.mem.Lookup(ctx, item)
	if ok && a.Agent == agent {
		st, _ := s.mem.Stats(ctx, []string{agent}, time.Time{}, nil)
		if capacity >= 0 && st[0].Load+a.Units > capacity {
			return routing.Assignment{}, routing.ErrOverCapacity
		}
	}
	return s.mem.Move(ctx, item, agent, capacity, at)
}

// lastByCall reports as Last the time of the latest call, not the latest
// time.
type lastByCall struct {
	broken
	mu   *sync.Mutex
	last map[string]time.Time
}

func newLastByCall() lastByCall {
	return lastByCall{broken: newBroken(), mu: &sync.Mutex{}, last: map[string]time.Time{}}
}

func (s lastByCall) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	a, created, err := s.mem.Reserve(ctx, r)
	if created {
		s.mu.Lock()
		s.last[r.Agent] = r.At
		s.mu.Unlock()
	}
	return a, created, err
}

func (s lastByCall) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	n := len(dst)
	dst, err := s.mem.Stats(ctx, agents, since, dst)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := n; i < len(dst); i++ {
		if at, ok := s.last[dst[i].Agent]; ok {
			dst[i].Last = at
		}
	}
	return dst, err
}

// secondsOnly keeps times to the second, in UTC.
type secondsOnly struct{ broken }

func (s secondsOnly) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	r.At = r.At.Truncate(time.Second).UTC()
	return s.mem.Reserve(ctx, r)
}

// wallClockUTC keeps the wall clock and drops the zone, as a timestamp
// column without a time zone would.
type wallClockUTC struct{ broken }

func (s wallClockUTC) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	y, mo, d := r.At.Date()
	h, mi, sec := r.At.Clock()
	r.At = time.Date(y, mo, d, h, mi, sec, r.At.Nanosecond(), time.UTC)
	return s.mem.Reserve(ctx, r)
}

// greedyWindow gives a window's item to its first candidate, room or not.
type greedyWindow struct{ broken }

func (s greedyWindow) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	if len(o.Window) == 0 {
		return routing.Assignment{}, false, routing.ErrOverCapacity
	}
	c := o.Window[0]
	return s.mem.Reserve(ctx, routing.Reservation{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool, Units: o.Units,
		Capacity: routing.NoLimit, At: o.At})
}

func (greedyWindow) Width() int { return 4 }

// shortWindow tries only a window's first candidate.
type shortWindow struct{ broken }

func (s shortWindow) ReserveFirst(ctx context.Context, o routing.Offer) (routing.Assignment, bool, error) {
	o.Window = o.Window[:min(len(o.Window), 1)]
	return s.mem.ReserveFirst(ctx, o)
}

func (shortWindow) Width() int { return 4 }

// unwrappedErrors returns its context's error as it is.
type unwrappedErrors struct{ broken }

func (s unwrappedErrors) Lookup(ctx context.Context, item string) (routing.Assignment, bool, error) {
	if err := ctx.Err(); err != nil {
		return routing.Assignment{}, false, err
	}
	return s.mem.Lookup(ctx, item)
}

// keptLoad forgets to free a released item's units.
type keptLoad struct {
	broken
	mu   *sync.Mutex
	kept map[string]int
}

func (s keptLoad) Release(ctx context.Context, item string) (routing.Assignment, error) {
	a, err := s.mem.Release(ctx, item)
	if err == nil {
		s.mu.Lock()
		s.kept[a.Agent] += a.Units
		s.mu.Unlock()
	}
	return a, err
}

func (s keptLoad) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	n := len(dst)
	dst, err := s.mem.Stats(ctx, agents, since, dst)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := n; i < len(dst); i++ {
		dst[i].Load += s.kept[dst[i].Agent]
	}
	return dst, err
}

// staleRanker is a Ranker whose lines ignore moves: it ranks from a
// private copy that sees reservations and releases only.
type staleRanker struct {
	broken
	shadow *routing.MemoryStore
}

func newStaleRanker() staleRanker {
	return staleRanker{broken: newBroken(), shadow: routing.NewMemoryStore()}
}

func (s staleRanker) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	_, _, _ = s.shadow.Reserve(ctx, r)
	return s.mem.Reserve(ctx, r)
}

func (s staleRanker) Release(ctx context.Context, item string) (routing.Assignment, error) {
	_, _ = s.shadow.Release(ctx, item)
	return s.mem.Release(ctx, item)
}

func (s staleRanker) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	return s.shadow.Rank(ctx, k, skip, n, dst)
}

// brokenLines is a LineReserver with one thing wrong: it walks agents in
// the ranking's order of indexes, not the line's (byIndex), or it reserves
// for a taken agent whether it has room or not.
type brokenLines struct {
	broken
	mu      *sync.Mutex
	byIndex bool
}

func newBrokenLines(byIndex bool) brokenLines {
	return brokenLines{broken: newBroken(), mu: &sync.Mutex{}, byIndex: byIndex}
}

func (s brokenLines) Rank(ctx context.Context, k *routing.Ranking, skip, n int, dst []routing.Ranked) ([]routing.Ranked, error) {
	return s.mem.Rank(ctx, k, skip, n, dst)
}

func (s brokenLines) ReserveFromLine(ctx context.Context, k *routing.Ranking, o routing.Offer,
	examine func(routing.Ranked) routing.LineVerdict) (routing.Assignment, bool, error) {
	if k == nil || examine == nil || o.Item == "" || o.Units < 0 {
		return routing.Assignment{}, false, routing.StoreError("reserve", errors.New("bad line reservation"))
	}
	if err := ctx.Err(); err != nil {
		return routing.Assignment{}, false, routing.StoreError("reserve", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok, err := s.mem.Lookup(ctx, o.Item); err != nil || ok {
		return a, false, err
	}
	walk, err := s.mem.Rank(ctx, k, 0, k.Len(), nil)
	if err != nil {
		return routing.Assignment{}, false, err
	}
	if s.byIndex {
		slices.SortFunc(walk, func(a, b routing.Ranked) int { return a.Index - b.Index })
	}
	for _, c := range o.Window {
		st, _ := s.mem.Stats(ctx, []string{c.Agent}, time.Time{}, nil)
		walk = slices.Insert(walk, 0, routing.Ranked{Index: -1, AgentStats: st[0]})
	}
	for i := range walk {
		r := &walk[i]
		switch examine(*r) {
		case routing.LineStop:
			return routing.Assignment{}, false, routing.ErrOverCapacity
		case routing.LineTake:
			capacity := k.Capacity(r.Index)
			if !s.byIndex { // the bug: no capacity check
				capacity = routing.NoLimit
			}
			a, created, err := s.mem.Reserve(ctx, routing.Reservation{Item: o.Item, Customer: o.Customer, Agent: r.Agent, Pool: o.Pool,
				Units: o.Units, Capacity: capacity, At: o.At})
			if !errors.Is(err, routing.ErrOverCapacity) {
				return a, created, err
			}
		}
	}
	return routing.Assignment{}, false, routing.ErrOverCapacity
}

// cache is the per-handle workload cache of the cached stores below.
type cache struct {
	mu    sync.Mutex
	loads map[string]int
}

// cachedCapacity checks capacity against what this handle reserved, not
// against the backing store, then records in the backing store without a
// limit: right with one handle, wrong with several.
type cachedCapacity struct {
	routing.Store // the backing store
	c             *cache
	stats         bool // Stats report the cached loads too
}

func (s cachedCapacity) Reserve(ctx context.Context, r routing.Reservation) (routing.Assignment, bool, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if r.Capacity >= 0 && s.c.loads[r.Agent]+r.Units > r.Capacity {
		if a, ok, err := s.Store.Lookup(ctx, r.Item); err != nil || ok {
			return a, false, err
		}
		return routing.Assignment{}, false, routing.ErrOverCapacity
	}
	r.Capacity = routing.NoLimit
	a, created, err := s.Store.Reserve(ctx, r)
	if created {
		s.c.loads[r.Agent] += r.Units
	}
	return a, created, err
}

func (s cachedCapacity) Release(ctx context.Context, item string) (routing.Assignment, error) {
	a, err := s.Store.Release(ctx, item)
	if err == nil {
		s.c.mu.Lock()
		if s.c.loads[a.Agent] >= a.Units {
			s.c.loads[a.Agent] -= a.Units
		}
		s.c.mu.Unlock()
	}
	return a, err
}

func (s cachedCapacity) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (routing.Assignment, error) {
	held, ok, err := s.Store.Lookup(ctx, item)
	if err != nil || !ok {
		return s.Store.Move(ctx, item, agent, capacity, at)
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if held.Agent != agent && capacity >= 0 && s.c.loads[agent]+held.Units > capacity {
		return routing.Assignment{}, routing.ErrOverCapacity
	}
	a, err := s.Store.Move(ctx, item, agent, routing.NoLimit, at)
	if err == nil && held.Agent != agent {
		s.c.loads[agent] += held.Units
		if s.c.loads[held.Agent] >= held.Units {
			s.c.loads[held.Agent] -= held.Units
		}
	}
	return a, err
}

func (s cachedCapacity) Stats(ctx context.Context, agents []string, since time.Time, dst []routing.AgentStats) ([]routing.AgentStats, error) {
	n := len(dst)
	dst, err := s.Store.Stats(ctx, agents, since, dst)
	if s.stats {
		s.c.mu.Lock()
		defer s.c.mu.Unlock()
		for i := n; i < len(dst); i++ {
			dst[i].Load = s.c.loads[dst[i].Agent]
		}
	}
	return dst, err
}

// cachedBacking opens cachedCapacity handles, each with its own cache, on
// one MemoryStore.
func cachedBacking(stats bool) func(testing.TB) Open {
	return func(testing.TB) Open {
		backing := routing.NewMemoryStore()
		return func(testing.TB) routing.Store {
			return cachedCapacity{Store: plain{backing}, c: &cache{loads: map[string]int{}}, stats: stats}
		}
	}
}

// plain hides MemoryStore's extra capabilities.
type plain struct{ routing.Store }

func TestSuitePassesOnMemoryStore(t *testing.T) {
	newStore := func(testing.TB) routing.Store { return routing.NewMemoryStore() }
	assert.Empty(t, failures(t, newStore, one(newStore)))
}

// TestSuiteCatchesBrokenStores runs both suites against stores with one
// bug each, and requires the suites to fail on every one.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	stores := map[string]func(testing.TB) routing.Store{
		"forgetful Lookup":                 func(testing.TB) routing.Store { return forgetfulLookup{newBroken()} },
		"Lookup without customer and pool": func(testing.TB) routing.Store { return partialLookup{newBroken()} },
		"replay with the new units":        func(testing.TB) routing.Store { return partialReplay{newBroken()} },
		"Release without the assignment":   func(testing.TB) routing.Store { return partialRelease{newBroken()} },
		"same-agent Move refused when full": func(testing.TB) routing.Store {
			return refusingSameAgentMove{newBroken()}
		},
		"Last by call order":       func(testing.TB) routing.Store { return newLastByCall() },
		"times to the second":      func(testing.TB) routing.Store { return secondsOnly{newBroken()} },
		"wall clock without zone":  func(testing.TB) routing.Store { return wallClockUTC{newBroken()} },
		"window ignoring capacity": func(testing.TB) routing.Store { return greedyWindow{newBroken()} },
		"window of one":            func(testing.TB) routing.Store { return shortWindow{newBroken()} },
		"unwrapped errors":         func(testing.TB) routing.Store { return unwrappedErrors{newBroken()} },
		"release keeps the load": func(testing.TB) routing.Store {
			return keptLoad{broken: newBroken(), mu: &sync.Mutex{}, kept: map[string]int{}}
		},
		"stale Ranker":                func(testing.TB) routing.Store { return newStaleRanker() },
		"line walked by index":        func(testing.TB) routing.Store { return newBrokenLines(true) },
		"line walk ignoring capacity": func(testing.TB) routing.Store { return newBrokenLines(false) },
	}
	for name, newStore := range stores {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			failed := failures(t, newStore, one(newStore))
			assert.NotEmpty(t, failed, "the suites did not notice: %s", name)
			t.Logf("caught by %v", failed)
		})
	}
}

// TestSharedSuiteCatchesCachedCapacity: a store that checks capacity
// against a cache kept per handle passes the single-store suite, and the
// shared-store suite catches it.
func TestSharedSuiteCatchesCachedCapacity(t *testing.T) {
	for _, stats := range []bool{false, true} {
		t.Run(fmt.Sprintf("stats_from_cache=%v", stats), func(t *testing.T) {
			backing := cachedBacking(stats)
			single := func(t testing.TB) routing.Store { return backing(t)(t) }
			var singleFailed []string
			_, ranks := single(t).(routing.Ranker)
			require.False(t, ranks)
			for _, c := range storeCases {
				if c.ranker || c.lines {
					continue
				}
				rec := &recorder{TB: t}
				isolated(rec, func() { c.run(rec, single(rec)) })
				if rec.Failed() {
					singleFailed = append(singleFailed, c.name)
				}
			}
			assert.Empty(t, singleFailed, "one handle sees no difference")
			var sharedFailed []string
			for _, c := range sharedCases {
				rec := &recorder{TB: t}
				isolated(rec, func() { c.run(rec, backing(rec)) })
				if rec.Failed() {
					sharedFailed = append(sharedFailed, c.name)
				}
			}
			assert.NotEmpty(t, sharedFailed, "several handles must show the overfilled agents")
			t.Logf("caught by %v", sharedFailed)
		})
	}
}

// TestRecorder checks the recorder itself: a failing assertion marks it
// failed and FailNow ends only the case.
func TestRecorder(t *testing.T) {
	rec := &recorder{TB: t}
	reached := false
	isolated(rec, func() {
		require.Equal(rec, 1, 2)
		reached = true
	})
	assert.True(t, rec.Failed())
	assert.False(t, reached, "FailNow stops the case")
	rec = &recorder{TB: t}
	isolated(rec, func() { panic(errors.New("boom")) })
	assert.True(t, rec.Failed(), "a panic fails the case")
}
