package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Errors a Store returns, and the Router wraps.
var (
	// ErrOverCapacity: the reservation would push the agent past its capacity;
	// nothing was recorded.
	ErrOverCapacity = errors.New("routing: agent at capacity")
	// ErrUnknownItem: the store holds no assignment for the item.
	ErrUnknownItem = errors.New("routing: unknown item")
	// ErrStore wraps any other failure of the host's store, so callers can
	// tell "the store is down" from "nobody can take this".
	ErrStore = errors.New("routing: store failed")
	// ErrUnknownAgent: an agent ID the configuration does not have.
	ErrUnknownAgent = errors.New("routing: unknown agent")
	// ErrAgentUnavailable: Reassign found the target agent unable to take the work.
	ErrAgentUnavailable = errors.New("routing: no agent can take the work")
)

// Reservation asks a store to give an item to an agent.
type Reservation struct {
	Item     string    `json:"item"`
	Customer string    `json:"customer,omitempty"`
	Agent    string    `json:"agent"`
	Pool     string    `json:"pool,omitempty"`
	Units    int       `json:"units"`
	Capacity int       `json:"capacity"` // 0: no limit
	At       time.Time `json:"at"`
}

// Assignment is an item held by an agent.
type Assignment struct {
	Item     string    `json:"item"`
	Customer string    `json:"customer,omitempty"`
	Agent    string    `json:"agent"`
	Pool     string    `json:"pool,omitempty"`
	Units    int       `json:"units"`
	At       time.Time `json:"at"`
}

// AgentStats is what routing needs to know of an agent's workload.
type AgentStats struct {
	Agent string
	// Load is the work units the agent holds now.
	Load int
	// Recent counts assignments made to the agent at or after the "since"
	// time Stats was asked about (the fairness window).
	Recent int
	// Last is when the agent was last assigned work; zero if never.
	Last time.Time
	// Seq orders assignments recorded at the same Last: a store that
	// numbers its assignments reports the number of the one that set Last
	// (larger is later). A store that cannot leaves it 0, and ties at the
	// same Last then fall to the hash of the tie-break.
	Seq uint64
}

// Store holds routing's only mutable state: who holds what, workloads and
// assignment history. Strata ships MemoryStore; a
// host brings Redis, PostgreSQL or its CRM's tables, and proves them with
// routingtest.TestStore. Many Routers, in many processes, may share one
// store: its Reserve must be atomic so no agent ever goes over capacity.
// Implementations must be safe for concurrent use.
type Store interface {
	// Reserve records r.Item as assigned to r.Agent, atomically with the
	// capacity check: if the agent's load plus r.Units would exceed
	// r.Capacity (when positive) it records nothing and returns
	// ErrOverCapacity. If r.Item is already assigned it changes nothing and
	// returns the existing assignment with created false, so re-delivery of
	// the same lead is idempotent.
	Reserve(ctx context.Context, r Reservation) (a Assignment, created bool, err error)
	// Release ends an item's assignment and frees its units. An item with
	// no assignment returns ErrUnknownItem and changes nothing.
	Release(ctx context.Context, item string) (Assignment, error)
	// Move gives an assigned item to another agent, atomically with the
	// capacity check on the target (ErrOverCapacity) and recording it as
	// an assignment at `at`. ErrUnknownItem if the item is not assigned.
	Move(ctx context.Context, item, agent string, capacity int, at time.Time) (Assignment, error)
	// Lookup returns an item's assignment, if any.
	Lookup(ctx context.Context, item string) (Assignment, bool, error)
	// Stats appends to dst each agent's load, assignments at or after
	// since, and last assignment time, in the order of agents.
	Stats(ctx context.Context, agents []string, since time.Time, dst []AgentStats) ([]AgentStats, error)
}

// MemoryStore is a Store in process memory, for a single host process, test
// harnesses and simulations. It keeps assignment times for counting for 400
// days. It is safe for concurrent use: one mutex guards everything, which on
// two cores beat finer-grained locking.
//
// MemoryStore is also a Ranker: for each Ranking it is asked about it keeps
// a binary heap of the agents, updated in O(log n) by every Reserve,
// Release and Move, so the front of a 10,000-agent line costs what the
// front of a 10-agent line does. Every 65,536 calls to Rank it drops the
// heaps not ranked from since the previous such sweep (rebuilding one if
// it is asked for again), so the lines of configurations replaced long ago
// stop costing anything.
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
	_ Store  = (*MemoryStore)(nil)
	_ Ranker = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{items: map[string]Assignment{}, agents: map[string]*agentState{}, lines: map[string]*line{}}
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

func checkCtx(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	return nil
}

// Reserve implements Store.
func (s *MemoryStore) Reserve(ctx context.Context, r Reservation) (Assignment, bool, error) {
	if err := checkCtx(ctx); err != nil {
		return Assignment{}, false, err
	}
	if r.Item == "" || r.Agent == "" || r.Units < 0 {
		return Assignment{}, false, fmt.Errorf("routing: reservation needs an item, an agent and units ≥ 0")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.items[r.Item]; ok {
		return a, false, nil
	}
	st := s.agent(r.Agent)
	if r.Capacity > 0 && st.load+r.Units > r.Capacity {
		return Assignment{}, false, ErrOverCapacity
	}
	st.load += r.Units
	s.record(st, r.At)
	st.moved()
	a := Assignment{Item: r.Item, Customer: r.Customer, Agent: r.Agent, Pool: r.Pool, Units: r.Units, At: r.At}
	s.items[r.Item] = a
	return a, true, nil
}

// Release implements Store.
func (s *MemoryStore) Release(ctx context.Context, item string) (Assignment, error) {
	if err := checkCtx(ctx); err != nil {
		return Assignment{}, err
	}
	s.mu.Lock()
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
	if err := checkCtx(ctx); err != nil {
		return Assignment{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.items[item]
	if !ok {
		return Assignment{}, ErrUnknownItem
	}
	if a.Agent == agent {
		return a, nil
	}
	to := s.agent(agent)
	if capacity > 0 && to.load+a.Units > capacity {
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
	if err := checkCtx(ctx); err != nil {
		return Assignment{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.items[item]
	return a, ok, nil
}

// Stats implements Store.
func (s *MemoryStore) Stats(ctx context.Context, agents []string, since time.Time, dst []AgentStats) ([]AgentStats, error) {
	if err := checkCtx(ctx); err != nil {
		return dst, err
	}
	cut := since.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range agents {
		st := AgentStats{Agent: id}
		if a, ok := s.agents[id]; ok {
			i, _ := slices.BinarySearch(a.times, cut)
			st.Load, st.Recent, st.Last, st.Seq = a.load, len(a.times)-i, a.last, a.seq
		}
		dst = append(dst, st)
	}
	return dst, nil
}

// Items returns every assignment, sorted by item, for inspection and tests.
func (s *MemoryStore) Items() []Assignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Assignment, 0, len(s.items))
	for _, a := range s.items {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		switch {
		case a.Item < b.Item:
			return -1
		case a.Item > b.Item:
			return 1
		}
		return 0
	})
	return out
}
