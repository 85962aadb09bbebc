// Package tiering places customers in tiers and segments with rules a
// business user can read, and shows what a rule change would do before it
// ships.
//
// A Config holds ladders and segments as plain data; ParseConfig reads one
// from JSON or YAML, strictly, and config.schema.json beside this package is
// its JSON Schema. A ladder is an ordered list of tiers, VIP / key / regular
// or A / B / C: the first tier whose CEL rule matches wins, and the last
// tier, with no rule, is the default. Segments ("overseas-potential",
// "east-china") are independent: a customer is in every one whose rule
// matches. Each tier carries what a CRM hangs on it: a label key, the owner
// role, a follow-up cadence and free metadata. StarterConfig returns the
// shipped starter.yaml, the case tables of the Zoho CRM guide
// 《海外客户和国内客户信息如何高效分层管理？》 written as rules.
//
// The primary (first) ladder may use hysteresis: a tier's looser stay rule,
// or a minimum dwell time, keeps a customer hovering at a threshold from
// flapping between tiers every night. The previous tier and since-when are
// the record's Tier and TierSince fields; Placement.Apply writes them back.
//
// New validates everything and reports every problem at once: rule errors
// with the rule's path in the configuration, line and column; duplicate
// names, a ladder without a default, tiers an earlier rule makes
// unreachable, unknown fields and region groups. Engine.Classify places one
// customer and Engine.ClassifyAll a stream on all cores, in order;
// Placement.Why and Engine.Explain say why. Engine.Summarize counts a
// population per tier and segment, and Engine.Impact compares the engine
// with a proposed one over the same customers: the movement matrix, segment
// gains and losses, and sample customers for each move. Batches report to a
// strata.Observer (WithObserver) and a *slog.Logger (WithLogger).
//
// Engine.Transitions compares a placement with the customer's previous State
// (Placement.State, stored by the host; Engine.StateOf reads the record's
// primary tier and segments) and lists every change on every ladder and
// segment: new, up, down, entered, left. Baseline mode reports nothing, for
// the first run over an imported book. Package tiering/automation turns
// transitions into the host's actions.
//
// A Scheduler (NewScheduler, from a ScheduleConfig; schedule.schema.json)
// turns a tier's follow-up cadence into a contact slot: due in the
// customer's own calendar days, inside its working hours (never its weekend
// or public holiday, from package timezone), and inside the owner's shift
// where the two meet, else a covering team's (follow the sun). Scheduler.Calls
// goes through a book for the day's call list, overdue customers included.
// A year whose public holidays a calendar does not know is an error wrapping
// timezone.ErrNoHolidayData, never a guessed slot.
//
// Rules are CEL over customer, now and home; the functions (money,
// in_group, has_tag, days_since, attr …) are listed in the strata package's
// documentation.
//
// # Bounds
//
// Each rule is compiled on its own, so a ladder of a thousand tiers or ten
// thousand segments compiles (in combined programs of a few dozen rules);
// the unreachable-tier check compares at most a million pairs of tiers. A
// rule's worst-case cost is estimated for records within strata.Limits
// (WithLimits) and refused above the cost limit, so over a record that
// passes Customer.ValidateWithin(limits) every rule evaluates in bounded
// time. Classify, Explain and the batches run rules under the caller's
// context: a deadline or a cancellation stops them, including a rule
// looping over a record that was never validated. A panic of the host's
// customer sequence is recovered and returned as an error wrapping
// ErrPanicked.
//
// # Zero values
//
// A field whose zero value would silently switch something off is required
// or refused instead:
//
//   - Config.Home and Config.Ladders are required; a ladder needs a
//     default (last, rule-less) tier, and only it may have no rule.
//   - Tier.FollowUp is required on the primary ladder ("none" says no
//     follow-up), so a tier left without one is an error rather than
//     customers who are never followed up; other ladders' tiers may leave
//     it unset.
//   - Segment.When is required: a segment without a rule is an error, not
//     an empty segment.
//   - Tier.MinDwell, Tier.Stay, Tier.Label, Tier.OwnerRole, Tier.Meta and
//     Config.Groups are optional; their zero values mean no hysteresis, the
//     tier's name as its label, no owner role, no metadata and the
//     built-in region groups only, none of which hides a customer.
//   - WithCostLimit(0) and zero Limits fields keep their defaults.
//   - Track, the zero Mode, reports every change; a zero State is a
//     customer never seen, so every ladder is new to it.
//   - ScheduleConfig: no CustomerHours means 09:00–18:00; Slot 0 means 30
//     minutes; no Owners or Teams means slots in the customer's hours
//     alone (By says so). A customer's country without public holidays in
//     Strata or HolidayYears is an error unless NoHolidays names it.
//   - The zero Engine and a nil *Engine classify nothing: every method
//     returns an error (accessors return nothing).
//
// # What it does not do
//
// Tiering does not score customers (package scoring fills customer.scores
// first), route them (package routing reads customer.tier), or store
// anything: the host stores the placements it wants, with Placement.Apply,
// and the States it wants to compare the next run with.
//
// # Concurrency
//
// An Engine is immutable and safe for concurrent use; a new configuration
// means a new Engine, swapped by the host. Classify and Explain read the
// record they are given and neither keep nor modify it.
package tiering
