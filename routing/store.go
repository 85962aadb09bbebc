package routing

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Errors a Store returns, and the Router wraps.
var (
	// ErrOverCapacity: the reservation or move would push the agent past its
	// capacity; nothing was recorded.
	ErrOverCapacity = errors.New("routing: agent at capacity")
	// ErrUnknownItem: the store holds no assignment for the item.
	ErrUnknownItem = errors.New("routing: unknown item")
	// ErrStore wraps every other failure of a store (a lost connection, a
	// timeout, a cancelled context), so callers can tell "the store is down"
	// from "nobody can take this". StoreError wraps an error in it.
	ErrStore = errors.New("routing: store failed")
	// ErrUnconfirmed joins ErrStore when a store failed during a change and
	// kept failing while the Router checked whether the change was made:
	// the item may then be assigned (or moved). Routing the item again,
	// which is idempotent, tells who holds it.
	ErrUnconfirmed = errors.New("routing: outcome not confirmed by the store")
	// ErrUnknownAgent: an agent ID the configuration does not have.
	ErrUnknownAgent = errors.New("routing: unknown agent")
	// ErrAgentUnavailable: Reassign's target agent cannot take work (it is
	// inactive).
	ErrAgentUnavailable = errors.New("routing: agent unavailable")
	// ErrStaleMove: ApplyPlan refused a move because the plan no longer
	// fits the store (the item is held by someone other than the move's
	// From) or moves an item a second time.
	ErrStaleMove = errors.New("routing: stale move")
)

// NoLimit is the capacity of an agent without a limit, in Reservation,
// Candidate, Move and NewRanking: any negative capacity means no limit. A
// capacity of 0 is a real limit (the agent can hold nothing), so a capacity
// left out fails closed.
const NoLimit = -1

// fits reports whether an agent holding load units may take units more
// under capacity: the rule every store applies. It cannot overflow.
func fits(load, units, capacity int) bool {
	if capacity < 0 {
		return units <= math.MaxInt-load
	}
	return units <= capacity-load
}

// Reservation asks a store to give an item to one agent.
type Reservation struct {
	Item     string `json:"item"`
	Customer string `json:"customer,omitempty"`
	Agent    string `json:"agent"`
	Pool     string `json:"pool,omitempty"`
	Units    int    `json:"units"`
	// Capacity is the most units the agent may hold; NoLimit for none.
	Capacity int       `json:"capacity"`
	At       time.Time `json:"at"`
}

// Candidate is one agent of an Offer's window, with its capacity (NoLimit
// for none).
type Candidate struct {
	Agent    string `json:"agent"`
	Capacity int    `json:"capacity"`
}

// Offer asks a store to give an item to the first agent of a window that
// still has room. A Router builds it from its pick: the customer's owner
// first in a sticky pool, then the pool's line in the strategy's order.
type Offer struct {
	Item     string    `json:"item"`
	Customer string    `json:"customer,omitempty"`
	Pool     string    `json:"pool,omitempty"`
	Units    int       `json:"units"`
	At       time.Time `json:"at"`
	// Window lists the candidates, best first, without duplicates.
	Window []Candidate `json:"window"`
}

// reservation is the Reservation of o's item for candidate c.
func (o *Offer) reservation(c Candidate) Reservation {
	return Reservation{Item: o.Item, Customer: o.Customer, Agent: c.Agent, Pool: o.Pool, Units: o.Units, Capacity: c.Capacity, At: o.At}
}

// Assignment is an item held by an agent: everything the Reservation or
// Offer that made it said, with the agent who took it.
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
	// time Stats was asked about (the fairness window); 0 when since was
	// zero.
	Recent int
	// Last is the latest assignment time among the agent's assignments
	// (Reserve, ReserveFirst and Move record one), whatever order they were
	// recorded in; zero if never.
	Last time.Time
	// Seq orders assignments recorded at the same Last: a store that
	// numbers its assignments in the order it records them reports the
	// number of the latest one recorded at Last (larger is later). A store
	// that cannot leaves it 0, and ties at the same Last then fall to the
	// tie key (see Ranking).
	Seq uint64
}

// Store holds routing's only mutable state: who holds what, workloads and
// assignment history. Strata ships MemoryStore; a host brings Redis,
// PostgreSQL or its CRM's tables, and proves them with routingtest.TestStore
// and routingtest.TestSharedStore. Many Routers, in many processes, may
// share one store: every change is atomic with its capacity check, so no
// agent ever goes over capacity. Implementations must be safe for concurrent
// use.
//
// # Times
//
// A store keeps times to the microsecond at least (what databases keep; a
// Router truncates its times to the microsecond before it calls) and returns
// them equal (time.Time.Equal) to what it was given; the location may change.
//
// # Errors
//
// A store reports the two conditions a Router acts on with ErrOverCapacity
// and ErrUnknownItem, wrapped or not (callers match them with errors.Is),
// and every other failure wrapped in ErrStore, which StoreError does: a
// lost connection, a timeout, a cancelled or expired context (then both
// errors.Is(err, ErrStore) and errors.Is(err, context.Canceled) hold). Only
// ErrStore failures are worth retrying. A failed call either changed nothing
// or made its whole change and lost the acknowledgement; it never leaves
// half a change. A Router wraps a failure that is not wrapped, and checks
// what a failed change did (see Router.Route), but routingtest retries only
// wrapped failures.
type Store interface {
	// Reserve records r.Item as assigned to r.Agent, atomically with the
	// capacity check: if the agent's load plus r.Units would exceed
	// r.Capacity it records nothing and returns ErrOverCapacity. A negative
	// capacity (NoLimit) is no limit, 0 holds nothing; a load that would
	// overflow the store's integers is over capacity too. If r.Item
	// is already assigned it changes nothing and returns the existing
	// assignment with created false, so re-delivery of the same lead is
	// idempotent.
	Reserve(ctx context.Context, r Reservation) (a Assignment, created bool, err error)
	// Release ends an item's assignment, frees its units and returns the
	// assignment it ended. An item with no assignment returns
	// ErrUnknownItem and changes nothing. History (Recent, Last) stays.
	Release(ctx context.Context, item string) (Assignment, error)
	// Move gives an assigned item to agent, atomically with the capacity
	// check on agent (ErrOverCapacity, capacity as for Reserve), keeping the
	// item's customer, pool and units, and records it as an assignment to
	// agent at at (Recent, Last). Moving an item to the agent that holds it
	// changes nothing and succeeds, whatever that agent's load.
	// ErrUnknownItem if the item is not assigned.
	Move(ctx context.Context, item, agent string, capacity int, at time.Time) (Assignment, error)
	// Lookup returns an item's assignment, if any. A Router calls it
	// before each decision, unless the store is a WindowReserver (whose
	// reservations report an existing assignment; see Router.Route), and
	// after a reservation whose acknowledgement was lost.
	Lookup(ctx context.Context, item string) (Assignment, bool, error)
	// Stats appends to dst each agent's Load, Last and Seq, in the order of
	// agents; an agent the store has never seen has zero stats. With a
	// non-zero since it also counts each agent's assignments at or after
	// since (Recent); with a zero since it need not (a Router asks for
	// Recent only for weighted round robin and catch-up after leave, so an
	// SQL store pays for the count only then).
	Stats(ctx context.Context, agents []string, since time.Time, dst []AgentStats) ([]AgentStats, error)
}

// WindowReserver is an optional capability of a Store: reserving the first
// candidate of a window that still has room, in one atomic step (in SQL,
// one statement or function call). Routers call it once per pick; without
// it they call Reserve for each candidate in turn (see ReserveFirst).
//
// Its reservations also tell a Router whether the item was assigned
// already (created false), so a Router over a WindowReserver does not look
// each item up before deciding (see Router.Route).
//
// It is how many Routers share one store without herding. Every Router
// picks deterministically, so concurrent Routers that read the same
// workloads offer the same window in the same order. A store that locks
// agent rows skips the rows other transactions hold (FOR UPDATE SKIP
// LOCKED) and takes the next candidate with room, so concurrent offers
// spread over the window instead of queueing on its first agent; the width
// of the window bounds how many proceed side by side. The store says how
// wide it wants windows (Width), since it knows what a reservation waits
// on; a host may override it (WithWindow).
//
// The rules:
//   - If o.Item is already assigned, change nothing and return the
//     existing assignment with created false.
//   - Otherwise give o.Item to the first candidate, in window order, whose
//     load plus o.Units fits its capacity, atomically with that check, and
//     return the assignment with created true.
//   - A candidate may be passed over only for lack of room, or because a
//     concurrent transaction holds it (skip locked). If that leaves no
//     candidate, the store must not report ErrOverCapacity for candidates
//     it only skipped: it tries them again, waiting for their locks, in
//     window order.
//   - ErrOverCapacity, with nothing recorded, only when no candidate had
//     room. An empty window is ErrOverCapacity too.
//   - o.Window belongs to the caller: do not keep it after returning.
//
// In PostgreSQL, for instance, one function call does it under READ
// COMMITTED: return the item's row if it exists; else lock the first
// candidate with room,
//
//	SELECT a.id FROM agents a
//	JOIN unnest($agents::text[], $caps::bigint[]) WITH ORDINALITY AS w(agent, cap, ord) ON a.id = w.agent
//	WHERE w.cap < 0 OR a.load + $units <= w.cap
//	ORDER BY w.ord LIMIT 1
//	FOR UPDATE OF a SKIP LOCKED
//
// and, if that finds no row, run it again without SKIP LOCKED (waiting for
// the locked ones, whose rows are checked again once their transactions
// end); then add the units to the agent's load, set its last assignment
// time and sequence number as Store.Stats describes, and insert the item
// (its primary key makes concurrent re-deliveries of one item meet in one
// assignment). Every candidate needs an agents row first (an upsert).
type WindowReserver interface {
	ReserveFirst(ctx context.Context, o Offer) (a Assignment, created bool, err error)
	// Width is how many candidates the store wants in a window, 1 to
	// MaxWindow. A store whose reservations hold their locks only briefly
	// and never across a round trip wants 1: more would only make a
	// Router examine agents it does not need (MemoryStore, which checks
	// capacity with a compare-and-swap and holds an item's lock for the
	// reservation alone, or, through a line, for the walk). A store that
	// holds row locks across round trips wants about as many as the
	// Routers that reserve at once.
	Width() int
}

// ReserveFirst gives o.Item to the first candidate of o.Window with room:
// through s's own ReserveFirst when s is a WindowReserver, else with one
// Reserve per candidate in window order, which is correct (each Reserve is
// atomic) but takes a round trip per candidate and lets concurrent Routers
// queue on the same agent.
func ReserveFirst(ctx context.Context, s Store, o Offer) (Assignment, bool, error) {
	if s == nil {
		return Assignment{}, false, errors.New("routing: ReserveFirst: nil store")
	}
	if w, ok := s.(WindowReserver); ok {
		return w.ReserveFirst(ctx, o)
	}
	for _, c := range o.Window {
		a, created, err := s.Reserve(ctx, o.reservation(c))
		if errors.Is(err, ErrOverCapacity) {
			continue
		}
		return a, created, err
	}
	return Assignment{}, false, ErrOverCapacity
}

// StoreError prepares a store's failure for its callers, as the error
// contract (see Store) asks: nil stays nil, ErrOverCapacity and
// ErrUnknownItem and errors already wrapping ErrStore are returned as they
// are, and anything else is wrapped in ErrStore, with op ("reserve",
// "release" …) in the message: "routing: store failed: reserve: …".
func StoreError(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrStore), errors.Is(err, ErrOverCapacity), errors.Is(err, ErrUnknownItem):
		return err
	}
	return fmt.Errorf("%w: %s: %w", ErrStore, op, err)
}
