// Package law answers the legal questions a CRM asks about a customer's
// personal data, from reference data Strata maintains and dates: which
// statutes protect the customer (Jurisdictions), whether a purpose is
// lawful (CanProcess: consent records, lawful bases, the existing-customer
// exception for marketing email), whether data may cross a border
// (CheckTransfer: adequacy decisions, safeguards, China's 2024 volumes and
// exemptions), when a data subject's request is due (Deadlines), and what
// erasing or exporting a customer involves (PlanErasure, Export, with
// AccountingHolds and a Retention policy).
//
// The data is a Config: plain data, read from JSON or YAML with
// ParseConfig, checked and compiled by New into an Engine.
// BuiltinConfig is the data Strata ships (builtin.yaml beside this
// package): privacy statutes of the EEA, the UK, Switzerland, China, Hong
// Kong, Taiwan, Macao, Japan, Korea, Singapore, Vietnam, India, Thailand,
// Indonesia, Malaysia, the Philippines, the UAE, Saudi Arabia, Brazil,
// Canada, California and the US states with comprehensive laws (with their
// applicability thresholds), and the electronic-marketing laws of the EEA,
// Germany, the UK, Switzerland, Hong Kong, Singapore, Canada and the US.
// Every statute names its source, the date it took effect and the date it
// was checked, and lists the facts that could not be confirmed
// (Statute.Unverified); Sources summarises them for a host's logs. A host
// replaces or extends the data at run time when the law changes, without a
// release.
//
// This is reference data and rules, not legal advice: review it with
// counsel before relying on it.
//
// Statute and practice are kept apart. A statute's own deadline is
// Deadline.Answer, and is zero where the statute says only "without delay"
// (APPI, Macao) or "timely" (PIPL); a recommended standard or the host's
// policy goes in Config.Practice and comes back as DueDate.Target.
//
// Fail closed. A malformed or unknown country code ("cn", "CN ", "") is an
// error (ErrCountry), never a pass; a customer of unknown kind counts as an
// individual; a privacy statute with no rule for a purpose requires
// consent; a consent record counts as consent only when it says so;
// withdrawn consent wins everywhere. A nil or zero Engine, and nil
// customers and policies, are errors, never panics.
//
// Zero values: a Statute's ConsumersOnly false means the statute protects
// business contacts too; an Adequacy must state its Coverage ("full" or
// "certified"), so an omitted value never covers uncertified recipients; a
// Recipient without Safeguards has none; a transfer from China must carry
// its PIPLExport (nil is ErrNoPIPLExport), whose zero CIIO and ImportantData
// say the exporter is neither; a Retention with a zero period is refused;
// a Hold without Until lasts indefinitely.
//
// Package law imports package compliance for field tags (PlanErasure and
// Export read a compliance.Policy); compliance does not import it. An
// Engine is immutable and safe for concurrent use; its answers depend only
// on its inputs, in configuration order.
package law
