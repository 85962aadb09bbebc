package routing

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryStore is a Store in process memory, for a single host process, test
// harnesses and simulations. It keeps assignment times for counting for 400
// days. Its zero value is an empty store ready to use.
//
// It is safe for concurrent use. Assignments are spread over itemShards
// maps by a hash of the item, each with its own lock, so looking items up,
// recording and ending them runs side by side. Workloads (loads, history,
// lines) sit behind one more lock, which a reservation or a move takes
// once, for the few hundred nanoseconds it costs; Release lowers the load
// without it and leaves the agent's places in the lines to the next holder,
// who puts it back before anything reads a line. A change takes its item's
// lock, then the workload lock, never the other way round.
//
// MemoryStore is also a WindowReserver (it asks for windows of one), a
// Ranker and a LineReserver: for each Ranking it is asked about it keeps a
// heap of the agents, updated in O(log n) by every change, so the front of
// a 10,000-agent line costs what the front of a 10-agent line does, and a
// Router walks the line and reserves under one acquisition of the workload
// lock. A line also keeps who stands at its front where a Router can read
// it without the lock, to check that agent's languages, regions and shifts
// before taking it. Router.Close drops the lines of the Router's rankings
// at once (a Router still open with the same ranking rebuilds its line
// when it next ranks); as a backstop, every 65,536 walks it drops the
// lines not walked since the previous such sweep.
type MemoryStore struct {
	shards [itemShards]itemShard
	// dirty lists the agents whose loads Release lowered since the
	// workload lock was last taken: their places in the lines wait for
	// the next holder (see drain).
	dirty  atomic.Pointer[agentState]
	_      [56]byte   // dirty alone on its cache line: releases swap it while others hold mu
	mu     sync.Mutex // guards what follows
	agents map[string]*agentState
	lines  map[string]*line
	seq    uint64 // assignments recorded, for AgentStats.Seq
	clock  uint64 // walks of lines, for dropping unused lines
	swept  uint64 // clock at the last sweep
}

// itemShards is how many locks the assignments are spread over.
const itemShards = 32

// itemShard holds the assignments of the items that hash to it, alone on
// its cache line.
type itemShard struct {
	mu    sync.Mutex
	items map[string]held
	_     [64 - 16]byte
}

// held is an assignment as a shard keeps it, with its agent's state, so
// that ending it needs no lookup under the workload lock.
type held struct {
	Assignment
	st *agentState
}

// itemSeed hashes items to shards; which shard holds an item shows in no
// result.
var itemSeed = maphash.MakeSeed()

// agentState is one agent's workload. The workload lock guards it, but
// for load, which Release lowers without that lock (see released).
type agentState struct {
	load  atomic.Int64 // units held
	times history      // assignment times
	last  time.Time
	seq   uint64
	lines []lineRef // the lines the agent stands in
	// Release's hand-over to the next holder of the workload lock.
	dirty     atomic.Bool // waiting in MemoryStore.dirty
	nextDirty *agentState
}

// units returns the agent's load.
func (a *agentState) units() int { return int(a.load.Load()) }

type lineRef struct {
	l *line
	i int32 // the agent's index in the line's ranking
}

var (
	_ Store          = (*MemoryStore)(nil)
	_ WindowReserver = (*MemoryStore)(nil)
	_ Ranker         = (*MemoryStore)(nil)
	_ RankingCloser  = (*MemoryStore)(nil)
	_ LineReserver   = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// check checks ctx and s for an operation.
func (s *MemoryStore) check(ctx context.Context, op string) error {
	switch {
	case s == nil:
		return StoreError(op, errors.New("nil MemoryStore"))
	case ctx == nil:
		return StoreError(op, errors.New("nil context"))
	}
	if err := ctx.Err(); err != nil {
		return StoreError(op, err)
	}
	return nil
}

// lockItem checks ctx and s and takes the lock of item's shard, which it
// returns.
func (s *MemoryStore) lockItem(ctx context.Context, op, item string) (*itemShard, error) {
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	sh := &s.shards[maphash.String(itemSeed, item)%itemShards]
	sh.mu.Lock()
	if sh.items == nil {
		sh.items = map[string]held{}
	}
	return sh, nil
}

// lockWork takes the workload lock, and puts the agents released since it
// was last taken back in their places; the caller checked ctx and s.
func (s *MemoryStore) lockWork() {
	s.mu.Lock()
	if s.agents == nil {
		s.agents, s.lines = map[string]*agentState{}, map[string]*line{}
	}
	if s.dirty.Load() != nil {
		s.drain()
	}
}

// released notes that Release lowered a's load, for the next holder of the
// workload lock to put a back in its places in the lines: Release does not
// wait for that lock, which every walk of a line holds.
func (s *MemoryStore) released(a *agentState) {
	if !a.dirty.CompareAndSwap(false, true) {
		return // already waiting: the drain will read the new load
	}
	for {
		head := s.dirty.Load()
		a.nextDirty = head
		if s.dirty.CompareAndSwap(head, a) {
			return
		}
	}
}

// drain puts every agent released since the last drain back in its places
// in the lines, from its load now; the caller holds the workload lock.
func (s *MemoryStore) drain() {
	for a := s.dirty.Swap(nil); a != nil; {
		next := a.nextDirty
		a.nextDirty = nil
		a.dirty.Store(false) // before reading the load: a later release waits again
		a.moved()
		a = next
	}
}

// lock checks ctx and s and takes the workload lock.
func (s *MemoryStore) lock(ctx context.Context, op string) error {
	if err := s.check(ctx, op); err != nil {
		return err
	}
	s.lockWork()
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

// record counts an assignment to a at at; the caller holds the workload
// lock.
func (s *MemoryStore) record(a *agentState, at time.Time) {
	at = at.Round(0) // wall clock only: Compare must not use monotonic readings
	ns := at.UnixNano()
	a.times.add(ns)
	// Forget what is too old to count, a chunk at a time. The difference
	// of two int64s, the later first, is exact in uint64.
	if first := a.times.chunks[0][0]; first < ns && uint64(ns)-uint64(first) > uint64(keepHistory) {
		a.times.forget(ns - int64(keepHistory))
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
	sh, err := s.lockItem(ctx, "reserve", r.Item)
	if err != nil {
		return Assignment{}, false, err
	}
	defer sh.mu.Unlock()
	if h, ok := sh.items[r.Item]; ok {
		return h.Assignment, false, nil
	}
	s.lockWork()
	st := s.agent(r.Agent)
	if !fits(st.units(), r.Units, r.Capacity) {
		s.mu.Unlock()
		return Assignment{}, false, ErrOverCapacity
	}
	h := s.take(st, Assignment{Item: r.Item, Customer: r.Customer, Agent: r.Agent, Pool: r.Pool, Units: r.Units, At: r.At})
	s.mu.Unlock()
	sh.items[h.Item] = h
	return h.Assignment, true, nil
}

// take records a, to the agent whose state is st, in the workloads; the
// caller holds the workload lock and its item's, checked capacity, and
// stores a in its shard.
func (s *MemoryStore) take(st *agentState, a Assignment) held {
	st.load.Add(int64(a.Units))
	s.record(st, a.At)
	st.moved()
	return held{a, st}
}

// Width implements WindowReserver: 1. Reservations take the store's one
// lock briefly and never wait on a round trip, so concurrent Routers do not
// herd and a wider window would only cost examinations.
func (s *MemoryStore) Width() int { return 1 }

// ReserveFirst implements WindowReserver, under one acquisition of the
// workload lock.
func (s *MemoryStore) ReserveFirst(ctx context.Context, o Offer) (Assignment, bool, error) {
	if err := o.check(); err != nil {
		return Assignment{}, false, err
	}
	sh, err := s.lockItem(ctx, "reserve", o.Item)
	if err != nil {
		return Assignment{}, false, err
	}
	defer sh.mu.Unlock()
	if h, ok := sh.items[o.Item]; ok {
		return h.Assignment, false, nil
	}
	s.lockWork()
	for _, c := range o.Window {
		if st := s.agents[c.Agent]; fits(loadOf(st), o.Units, c.Capacity) {
			h := s.takeFor(st, &o, c.Agent)
			s.mu.Unlock()
			sh.items[h.Item] = h
			return h.Assignment, true, nil
		}
	}
	s.mu.Unlock()
	return Assignment{}, false, ErrOverCapacity
}

// check refuses an offer without an item, with negative units or with a
// candidate without an agent.
func (o *Offer) check() error {
	if o.Item == "" || o.Units < 0 {
		return StoreError("reserve", errBadReservation)
	}
	for _, c := range o.Window {
		if c.Agent == "" {
			return StoreError("reserve", errBadReservation)
		}
	}
	return nil
}

// loadOf is the load of an agent's state, 0 for an agent never seen.
func loadOf(st *agentState) int {
	if st == nil {
		return 0
	}
	return st.units()
}

// takeFor records o's item as assigned to agent, whose state is st (nil if
// never seen); the caller holds the workload lock and the item's.
func (s *MemoryStore) takeFor(st *agentState, o *Offer, agent string) held {
	if st == nil {
		st = s.agent(agent)
	}
	return s.take(st, Assignment{Item: o.Item, Customer: o.Customer, Agent: agent, Pool: o.Pool, Units: o.Units, At: o.At})
}

// Release implements Store.
func (s *MemoryStore) Release(ctx context.Context, item string) (Assignment, error) {
	sh, err := s.lockItem(ctx, "release", item)
	if err != nil {
		return Assignment{}, err
	}
	defer sh.mu.Unlock()
	h, ok := sh.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	delete(sh.items, item)
	h.st.load.Add(-int64(h.Units))
	s.released(h.st)
	return h.Assignment, nil
}

// Move implements Store.
func (s *MemoryStore) Move(ctx context.Context, item, agent string, capacity int, at time.Time) (Assignment, error) {
	if agent == "" {
		return Assignment{}, StoreError("move", errors.New("a move needs an agent"))
	}
	sh, err := s.lockItem(ctx, "move", item)
	if err != nil {
		return Assignment{}, err
	}
	defer sh.mu.Unlock()
	h, ok := sh.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	if h.Agent == agent {
		return h.Assignment, nil
	}
	s.lockWork()
	to := s.agent(agent)
	if !fits(to.units(), h.Units, capacity) {
		s.mu.Unlock()
		return Assignment{}, ErrOverCapacity
	}
	from := h.st
	from.load.Add(-int64(h.Units))
	to.load.Add(int64(h.Units))
	s.record(to, at)
	from.moved()
	to.moved()
	s.mu.Unlock()
	h.Agent, h.At, h.st = agent, at, to
	sh.items[item] = h
	return h.Assignment, nil
}

// Lookup implements Store.
func (s *MemoryStore) Lookup(ctx context.Context, item string) (Assignment, bool, error) {
	sh, err := s.lockItem(ctx, "lookup", item)
	if err != nil {
		return Assignment{}, false, err
	}
	h, ok := sh.items[item]
	sh.mu.Unlock()
	return h.Assignment, ok, nil
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
			st.Load, st.Last, st.Seq = a.units(), a.last, a.seq
			if count {
				st.Recent = a.times.from(cut)
			}
		}
		dst = append(dst, st)
	}
	return dst, nil
}

// Items returns every assignment, sorted by item, for inspection and tests:
// a snapshot of one instant.
func (s *MemoryStore) Items() []Assignment {
	if s == nil {
		return nil
	}
	for i := range s.shards { // in shard order, as every caller of several would
		s.shards[i].mu.Lock()
	}
	var out []Assignment
	for i := range s.shards {
		for _, h := range s.shards[i].items {
			out = append(out, h.Assignment)
		}
		s.shards[i].mu.Unlock()
	}
	slices.SortFunc(out, func(a, b Assignment) int { return strings.Compare(a.Item, b.Item) })
	return out
}
