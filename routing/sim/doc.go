// Package sim replays simulated stretches of time through a routing
// configuration, deterministically, so a rule or strategy change can be
// reviewed against the current one on the same leads before it ships.
//
// Run generates Config.Days × Config.LeadsPerDay leads from a seeded random
// source (markets by weight, arrivals mostly in each market's working hours,
// products, tiers, grades and urgency by the configured mixes), routes them
// through a routing.Router over a fresh routing.MemoryStore on a virtual
// clock, releases each one after an exponentially distributed service time,
// retries deferred and unassigned leads, and reports what happened: waits,
// SLA misses, overflow, the Gini coefficient of assignments and each
// agent's hourly load. Compare lays reports side by side.
//
// The same routing configuration, Config and seed give the same Report, byte
// for byte, on any machine: time and randomness are inputs, and nothing
// depends on map order or on the clock.
//
// It does not own the routing decisions (package routing does) and keeps no
// state between runs. Run is safe for concurrent use.
package sim
