// Package routing assigns customers and leads to sales reps: by region,
// product line, tier, language and seniority, within each rep's capacity and
// shift, fairly, and with a reason for every decision. It is the engine CRMs
// embed.
//
// A Config (plain data; ParseConfig reads it from JSON or YAML, and
// testdata/team.yaml is an example) lists agents (reps) with their
// languages, regions, products, skills, seniority, capacity, shift calendar
// and leave; pools of agents, named directly or chosen by a CEL selector
// over agent, each with a strategy (round robin, weighted round robin, least
// loaded, most free capacity, best skill fit), optional sticky ownership,
// requirements (language, region, product, skills, seniority, on shift) and
// an overflow chain (relax skills after a wait, then other pools, then a
// default owner); and ordered CEL rules over customer and lead that choose
// the pool: "Europe textile inquiries → Europe textile specialists", "orders
// over $100k → senior directors", "A-grade → seniority ≥ 3".
//
// New compiles and checks a configuration over a Store, reporting every
// problem at once with its path. Router.Route returns exactly one outcome
// per request (Assigned, Deferred with a retry time, or Unassigned with
// reasons per pool), never a silent skip, and a trace of every agent
// considered and why each was passed over (in pools whose strategy keeps a
// line, the Router walks the line the store keeps, and the trace lists the
// agents examined up to the pick; see Router and Ranker). Routing the same item twice returns the
// first assignment. Release frees capacity, Reassign moves work with a
// reason, Drain works through a backlog, and Rebalance plans the moves that
// bring every agent within capacity and a fairness band (ApplyPlan makes
// them).
//
// It does not store anything itself, send anything, or decide what data may
// cross a border: host filters (WithFilter) add such checks, for instance
// compliance's transfer rules, which this package does not import. Shifts
// use package timezone. The simulator that replays a month of leads through
// a configuration is package sim; the conformance suites for stores are
// package routingtest.
//
// # State and stores
//
// All mutable state (workloads, assignment history) sits behind Store, a
// few ctx-first methods; optional capabilities are found by type assertion:
// WindowReserver (reserve the first agent of a window with room, in one
// step), Ranker (keep each pool's line), RankingCloser (drop a replaced
// configuration's lines) and LineReserver (walk a line and reserve in one
// step, for stores in the Router's process). MemoryStore implements them
// all, for one
// process, test harnesses and simulations; a host brings its database and
// proves it with routingtest.TestStore and routingtest.TestSharedStore. The
// Store documentation is the contract for store authors: atomic capacity
// checks, times to the microsecond, the error contract (ErrOverCapacity,
// ErrUnknownItem, everything else wrapped in ErrStore by StoreError), and,
// on Ranking, the exact SQL ORDER BY of each line.
//
// Many Routers, in many processes, may share one store. Every change is
// atomic with its capacity check, so no agent ever goes over capacity;
// Routers offer a window of candidates rather than one agent, so concurrent
// Routers spread over the window instead of queueing on the same agent (see
// WindowReserver and WithWindow). A Route that fails leaves no reservation
// behind (see Router.Route for what happens when a store loses an
// acknowledgement).
//
// # Safe zero values
//
// Every field of a configuration either has a zero value that is safe or
// is refused when left out:
//
//   - Agent.Capacity is required (1 to MaxCapacity) unless Agent.Uncapped is
//     set: a forgotten capacity is an error, never an unlimited rep. At the
//     store, capacity 0 holds nothing and NoLimit (-1) means no limit, so a
//     Reservation built without one fails closed.
//   - Agent.Inactive, not Active: leaving it out keeps the agent working.
//   - Agent.Weight 0 means 1; Agent.Seniority 0 meets no pool's minimum;
//     a skill not listed is level 0.
//   - Agent.Regions and Agent.Products left empty mean anywhere and every
//     product: an agent is restricted only by what is written. A pool that
//     must not take such agents selects on agent.regions.size() > 0.
//   - Agent.Country is required in files; left empty in Go it is unknown,
//     and a host's transfer filter should refuse what it cannot check.
//   - Agent.Shift nil means always on shift; Pool.ShiftWindow 0 lets nobody
//     wait for a shift; Pool.Sticky, the Match* requirements, RequireOnShift
//     and OverflowStep.RelaxSkills are off unless set.
//   - Pool.Strategy and Rule.When are required; a pool needs members or a
//     select rule; with no rules, DefaultPool is required.
//   - Config.Window 0 means 7 days, CatchUpPeriod 0 means 3 days, CatchUp ""
//     means level (a returning agent is not flooded), a kind of work not in
//     Units counts 1, Seed 0 is a seed like any other.
//   - Lead.Urgency "" is normal; Request.Now is required; Request.Quiet only
//     drops the trace.
//   - RebalancePolicy.Band 0 enforces capacity only; Holding.Units 0 counts
//     1.
//
// # Determinism
//
// The same configuration, store state and requests give the same decisions,
// traces, reasons, errors and plans, byte for byte: maps are read in sorted
// order, ties are broken by a documented rule (see Router), time is an
// input (Request.Now, truncated to the microsecond) and nothing reads the
// clock but the observer's durations. One Router on one store replays a day
// identically; the simulator is deterministic on that basis. With several
// Routers on one store, which agent of a window takes a given item depends
// on timing; capacity never does.
//
// # Concurrency
//
// A Router is immutable and safe for concurrent use; a new configuration
// means a new Router over the same store, and Close tells the store the old
// one's lines are no longer needed. Stores must be safe for concurrent use.
//
// # Observing
//
// WithObserver reports every Route, Release and Reassign, lost races and
// store failures as strata.Events (see Router); WithLogger logs every
// decision with its reason, at the level WithLogLevel chooses per outcome,
// through the request's context. Neither ever carries a customer's contact
// details.
package routing
