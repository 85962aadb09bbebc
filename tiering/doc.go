// Package tiering places customers in tiers and segments with rules a
// business user can read, and shows what a rule change would do before it
// ships.
//
// A Config holds ladders and segments as plain data (JSON round-trips). A
// ladder is an ordered list of tiers, VIP / key / regular or A / B / C: the
// first tier whose CEL rule matches wins, and the last tier, with no rule, is
// the default. Segments ("overseas-potential", "east-china") are independent:
// a customer is in every one whose rule matches. Each tier carries what a CRM
// hangs on it: a label key, the owner role, a follow-up cadence and free
// metadata.
//
// The primary (first) ladder may use hysteresis: a tier's looser stay rule,
// or a minimum dwell time, keeps a customer hovering at a threshold from
// flapping between tiers every night. The previous tier and since-when are
// the record's Tier and TierSince fields; Placement.Apply writes them back.
//
// Compile validates everything and reports every problem at once: rule
// errors with line and column, duplicate names, a ladder without a default,
// tiers an earlier rule makes unreachable, unknown fields and region groups.
// Engine.Classify places one customer and Engine.ClassifyAll a stream on all
// cores, in order; Placement.Why and Engine.Explain say why. Summarize counts
// a population per tier and segment, and Impact compares two engines over
// the same customers: the movement matrix, segment gains and losses, and
// sample customers for each move.
//
// Rules are CEL over customer, now and home (see the README for the
// functions: money, in_group, has_tag, days_since, attr …).
//
// An Engine is immutable and safe for concurrent use. Tiering does not
// score customers (package scoring fills customer.scores first) and does not
// store anything.
package tiering
