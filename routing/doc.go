// Package routing assigns customers and leads to sales reps: by region,
// product line, tier, language and seniority, within each rep's capacity and
// shift, fairly, and with a reason for every decision. It is the engine CRMs
// embed.
//
// A Config (plain data, JSON round-trips) lists agents (reps) with their
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
// New compiles and lints a configuration over a Store. Router.Route returns
// exactly one outcome per request (Assigned, Deferred with a retry time, or
// Unassigned with reasons per pool), never a silent skip, and a trace of
// every agent considered and why each was passed over (in large pools the
// Router walks a line the store keeps, and the trace lists the agents
// examined before the pick; see Router and Ranker). Routing the same item
// twice returns the first assignment. Release frees capacity and Reassign
// moves work with a reason.
//
// All mutable state (workloads, assignment history) sits behind Store.
// MemoryStore serves one process and test harnesses; a host brings its own
// database and proves it with routingtest.TestStore. A store may also be a
// Ranker, keeping each large pool's agents in line (MemoryStore keeps a
// heap per pool), so a pick examines the front of the line instead of every
// member's workload. Reserve is atomic, so
// any number of goroutines and processes sharing a store never push an agent
// past capacity, and a failed step never leaves a reservation behind.
//
// Time is an input (Request.Now) and ties are broken by a documented,
// deterministic rule (see Router), so a test harness can replay a day of
// leads and get the same decisions. Shifts use package timezone; host
// filters (WithFilter) add checks such as compliance's cross-border
// transfer rules, which this package does not import.
//
// A Router is immutable and safe for concurrent use.
package routing
