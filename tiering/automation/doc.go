// Package automation turns customers' tier and segment changes into work
// for the host: the "automated workflows triggered by tier" of a CRM
// (a new overseas customer gets a welcome email; a domestic high-value
// customer a senior sales manager and regular visits).
//
// A Config lists rules as plain data; ParseConfig reads one from JSON or
// YAML, strictly, and config.schema.json beside this package is its JSON
// Schema. Each rule is a CEL condition over transition (a
// tiering.Transition: ladder or segment, from, to, change, reason, at),
// customer, now and home, and a list of named actions with parameters
// ({kind: assign_role, params: {role: senior-sales-manager}}). The action
// kinds are the host's vocabulary: Builtin lists the ones Strata names
// (assign_role, send_template, schedule, create_document, add_tag,
// remove_tag, notify), and Config.Kinds declares the host's own.
// StarterConfig returns the shipped starter.yaml, the automation table of
// the Zoho CRM guide 《海外客户和国内客户信息如何高效分层管理？》.
//
// New compiles a configuration against a tiering.Engine and reports every
// problem at once: rule errors with path, line and column, unknown action
// kinds, missing or unknown parameters, and conditions that can never hold
// because they name a ladder, segment, tier, change or reason the tiering
// configuration does not have (transition.to == "platinum"), or contradict
// themselves (a segment moving "up").
//
// Engine.Eval evaluates the rules for one customer's transitions and returns
// tasks in a stable order (transition, rule, action), each with the rule and
// transition that caused it and an idempotency key for the host's job
// queue; Engine.Explain traces every rule. Engine.Run is the nightly job over
// a book: classify, compare with the stored state, evaluate, on all cores,
// in input order.
//
// # Zero values
//
//   - Config.Rules is required; a rule needs a name, a condition ("true"
//     fires on every transition) and at least one action.
//   - Action.Params must give every parameter its kind requires, and only
//     the ones it declares; a schedule's every, when given, is a cadence
//     other than none (left out, the host uses the tier's).
//   - Config.Kinds is optional; a host kind with a built-in's name
//     replaces it.
//   - tiering.Track, the zero Mode, reports every change; Baseline is for
//     the first run over an imported book.
//   - The zero Engine and a nil *Engine evaluate nothing: their methods
//     return an error.
//
// # What it does not do
//
// It carries out nothing: the host sends the email, assigns the role
// (routing can pick the rep) and schedules the visits (tiering.Scheduler
// finds the slots), deduplicating on Task.Key.
//
// # Determinism and concurrency
//
// The same configuration, customers, states and now give the same tasks,
// in the same order, with the same keys. An Engine is immutable and safe for
// concurrent use; Eval and Explain read the record they are given and
// neither keep nor modify it.
package automation
