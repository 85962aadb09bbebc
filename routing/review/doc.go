// Package review is the quarterly review of routing rules: what the
// assignment rules did (conversion, customer satisfaction, sales cycle, how
// fast leads were first contacted) and what a proposed configuration would
// have done with the same leads, so rules that do not work are fixed on
// evidence.
//
// The host keeps a Record of every routing decision (who got which lead by
// which rule and pool, when) and fills in what came of it (first contact,
// release, conversion, won value, close date, satisfaction); ParseRecord and
// ReadRecords read them from JSON (Lines). A Config (ParseConfig;
// config.schema.json beside this package) names the period, the
// first-contact SLA and the currency won value is totalled in.
//
// New checks a Config against the routing configuration the records were
// decided by. Reviewer.Review goes through the records (an iter.Seq, on all
// cores) and reports per rule, pool and rep: leads, assignments, overflow
// use, time to first contact in business time (the rep's shift, so a lead
// received on Friday evening and called on Monday morning took an hour, not
// sixty), SLA misses, conversions and rate, won value, sales cycle and
// satisfaction; fairness as the Gini coefficient of assignments and of won
// value; each rep's open leads over time; the rules that never fired and the
// pools never used.
//
// Reviewer.Replay routes the recorded requests again through a proposed
// configuration, deterministically, over a fresh routing.MemoryStore, each
// at its recorded time with the recorded releases, and lays the result
// beside what happened: who would have got each lead, the flows between
// reps, the proposed configuration's loads and fairness, and an estimate of
// its conversions. Replaying through the configuration the records came
// from reproduces them exactly.
//
// # Zero values
//
//   - Config.Currency is required; Period zero reviews every record; SLA
//     zero counts no misses; Bucket zero charts loads daily.
//   - Record: an empty Agent is work nobody took; a zero FirstContact,
//     Released or ClosedAt is not yet; Satisfaction 0 is not rated.
//   - A rep without a shift is measured in wall time.
//
// # Determinism and concurrency
//
// The same records and configurations give the same report, byte for byte
// in JSON: groups come in configuration order, then sorted; no map order
// reaches a result. A Reviewer is immutable and safe for concurrent use.
// No customer data reaches a report: it names items, reps, rules and pools.
package review
