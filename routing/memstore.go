package routing

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemoryStore is a Store in process memory, for a single host process, test
// harnesses and simulations. It keeps assignment times for counting for 400
// days. It is safe for concurrent use: one mutex guards everything, which on
// two cores beat finer-grained locking. Its zero value is an empty store
// ready to use.
//
// MemoryStore is also a WindowReserver (one lock for the whole window, at
// the cost of one Reserve; it asks for windows of one) and a Ranker: for each Ranking it is asked about
// it keeps a binary heap of the agents, updated in O(log n) by every change,
// so the front of a 10,000-agent line costs what the front of a 10-agent
// line does. Router.Close drops the lines of the Router's rankings at once
// (a Router still open with the same ranking rebuilds its line when it next
// ranks); as a backstop, every 65,536 calls to Rank it drops the lines not
// ranked from since the previous such sweep.
type MemoryStore struct {
	mu     sync.Mutex
	items  map[string]Assignment
	agents map[string]*agentState
	lines  map[string]*line
	seq    uint64 // assignments recorded, for AgentStats.Seq
	clock  uint64 // calls to Rank, for dropping unused lines
	swept  uint64 // clock at the last sweep
}

type agentState struct {
	load  int
	times []int64 // assignment times, unix nanoseconds, sorted
	last  time.Time
	seq   uint64
	lines []lineRef // the lines the agent stands in
}

type lineRef struct {
	l *line
	i int32 // the agent's index in the line's ranking
}

var (
	_ Store          = (*MemoryStore)(nil)
	_ WindowReserver = (*MemoryStore)(nil)
	_ Ranker         = (*MemoryStore)(nil)
	_ RankingCloser  = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	s := &MemoryStore{}
	s.init()
	return s
}

// init makes the zero value usable; the caller holds the lock or owns s.
func (s *MemoryStore) init() {
	if s.items == nil {
		s.items, s.agents, s.lines = map[string]Assignment{}, map[string]*agentState{}, map[string]*line{}
	}
}

// lock takes the store's lock, after checking ctx and s.
func (s *MemoryStore) lock(ctx context.Context, op string) error {
	switch {
	case s == nil:
		return StoreError(op, errors.New("nil MemoryStore"))
	case ctx == nil:
		return StoreError(op, errors.New("nil context"))
	}
	if err := ctx.Err(); err != nil {
		return StoreError(op, err)
	}
	s.mu.Lock()
	s.init()
	return nil
}

const keepHistory = 400 * 24 * time.Hour

func (s *MemoryStore) agent(id string) *agentState {
	a, ok := s.agents[id]
	if !ok {
		a = &agentState{}
		s.agents[id] = a
	}
	return a
}

// record counts an assignment to a at at.
func (s *MemoryStore) record(a *agentState, at time.Time) {
	at = at.Round(0) // wall clock only: Compare must not use monotonic readings
	ns := at.UnixNano()
	if n := len(a.times); n == 0 || a.times[n-1] <= ns {
		a.times = append(a.times, ns) // the usual case: time moves on
	} else {
		i, _ := slices.BinarySearch(a.times, ns+1)
		a.times = slices.Insert(a.times, i, ns)
	}
	if old := at.Add(-keepHistory).UnixNano(); a.times[0] < old {
		// Forget what is too old to count, once it is half the history.
		if cut, _ := slices.BinarySearch(a.times, old); cut > len(a.times)/2 {
			a.times = append(a.times[:0], a.times[cut:]...)
		}
	}
	s.seq++
	if !at.Before(a.last) {
		a.last, a.seq = at, s.seq
	}
}

// moved puts a back in its place in every line after its workload changed.
func (a *agentState) moved() {
	for _, r := range a.lines {
		r.l.update(r.i, a)
	}
}

var errBadReservation = errors.New("a reservation needs an item, an agent and units ≥ 0")

// Reserve implements Store.
func (s *MemoryStore) Reserve(ctx context.Context, r Reservation) (Assignment, bool, error) {
	if r.Item == "" || r.Agent == "" || r.Units < 0 {
		return Assignment{}, false, StoreError("reserve", errBadReservation)
	}
	if err := s.lock(ctx, "reserve"); err != nil {
		return Assignment{}, false, err
	}
	defer s.mu.Unlock()
	if a, ok := s.items[r.Item]; ok {
		return a, false, nil
	}
	st := s.agent(r.Agent)
	if !fits(st.load, r.Units, r.Capacity) {
		return Assignment{}, false, ErrOverCapacity
	}
	return s.take(st, Assignment{Item: r.Item, Customer: r.Customer, Agent: r.Agent, Pool: r.Pool, Units: r.Units, At: r.At}), true, nil
}

// take records a, to the agent whose state is st; the caller holds the
// lock and checked capacity.
func (s *MemoryStore) take(st *agentState, a Assignment) Assignment {
	st.load += a.Units
	s.record(st, a.At)
	st.moved()
	s.items[a.Item] = a
	return a
}

// Width implements WindowReserver: 1. Reservations take the store's one
// lock briefly and never wait on a round trip, so concurrent Routers do not
// herd and a wider window would only cost examinations.
func (s *MemoryStore) Width() int { return 1 }

// ReserveFirst implements WindowReserver, under one lock.
func (s *MemoryStore) ReserveFirst(ctx context.Context, o Offer) (Assignment, bool, error) {
	if o.Item == "" || o.Units < 0 {
		return Assignment{}, false, StoreError("reserve", errBadReservation)
	}
	for _, c := range o.Window {
		if c.Agent == "" {
			return Assignment{}, false, StoreError("reserve", errBadReservation)
		}
	}
	if err := s.lock(ctx, "reserve"); err != nil {
		return Assignment{}, false, err
	}
	defer s.mu.Unlock()
	if a, ok := s.items[o.Item]; ok {
		return a, false, nil
	}
	for _, c := range o.Window {
		st := s.agents[c.Agent]
		load := 0
		if st != nil {
			load = st.load
		}
		if !fits(load, o.Units, c.Capacity) {
			continue
		}
		if st == nil {
			st = s.agent(c.Agent)
		}
		return s.take(st, Assignment{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool, Units: o.Units, At: o.At}), true, nil
	}
	return Assignment{}, false, ErrOverCapacity
}

// Release implements Store.
func (s *MemoryStore) Release(ctx context.Context, item string) (Assignment, error) {
	if err := s.lock(ctx, "release"); err != nil {
		return Assignment{}, err
	}
	defer s.mu.Unlock()
	a, ok := s.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	delete(s.items, item)
	from := s.agent(a.Agent)
	from.load -= a.Units
	from.moved()
	return a, nil
}

// Move implements Store.
func (s *MemoryStore) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (Assignment, error) {
	if agent == "" {
		return Assignment{}, StoreError("move", errors.New("a move needs an agent"))
	}
	if err := s.lock(ctx, "move"); err != nil {
		return Assignment{}, err
	}
	defer s.mu.Unlock()
	a, ok := s.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	if a.Agent == agent {
		return a, nil
	}
	to := s.agent(agent)
	if !fits(to.load, a.Units, capacity) {
		return Assignment{}, ErrOverCapacity
	}
	from := s.agent(a.Agent)
	from.load -= a.Units
	to.load += a.Units
	s.record(to, at)
	from.moved()
	to.moved()
	a.Agent, a.At = agent, at
	s.items[item] = a
	return a, nil
}

// Lookup implements Store.
func (s *MemoryStore) Lookup(ctx context.Context, item string) (Assignment, bool, error) {
	if err := s.lock(ctx, "lookup"); err != nil {
		return Assignment{}, false, err
	}
	defer s.mu.Unlock()
	a, ok := s.items[item]
	return a, ok, nil
}

// Stats implements Store.
func (s *MemoryStore) Stats(ctx context.Context, agents []string, since time.Time, dst []AgentStats) ([]AgentStats, error) {
	if err := s.lock(ctx, "stats"); err != nil {
		return dst, err
	}
	defer s.mu.Unlock()
	count := !since.IsZero()
	cut := since.UnixNano()
	for _, id := range agents {
		st := AgentStats{Agent: id}
		if a, ok := s.agents[id]; ok {
			st.Load, st.Last, st.Seq = a.load, a.last, a.seq
			if count {
				i, _ := slices.BinarySearch(a.times, cut)
				st.Recent = len(a.times) - i
			}
		}
		dst = append(dst, st)
	}
	return dst, nil
}

// Items returns every assignment, sorted by item, for inspection and tests.
func (s *MemoryStore) Items() []Assignment {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Assignment, 0, len(s.items))
	for _, a := range s.items {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Assignment) int { return strings.Compare(a.Item, b.Item) })
	return out
}
