// Package compliance handles customers' personal data lawfully: what each
// field is, who may do what with which customers, what they see of it,
// which privacy laws apply, whether a purpose is lawful, whether data may
// cross a border, and how to answer access and erasure requests.
//
// Every field of strata.Customer has a FieldTag (DefaultTags; hosts tag
// their custom fields as "attrs.key"): data categories in fideslang's
// taxonomy, a sensitivity (public < internal < confidential < restricted) and
// separate flags for a GDPR special category, PIPL sensitive personal
// information (which, unlike GDPR, includes financial accounts, whereabouts
// and minors under 14) and CPRA sensitive personal information: never one
// "sensitive" boolean.
//
// A Config of roles (plain data, JSON round-trips) grants actions (view,
// edit, export, assign, email, comment) by customer tier and domestic or
// overseas scope, and sets what each role sees of each field: visible,
// masked or hidden. SeedConfig is the permission table of the seed article.
// Policy.Decide answers allow or deny with a reason and reports every
// decision to an audit hook; Policy.Redact returns a copy of a customer with
// what the role may not see masked (+86 138****5678, ***@example.cn, a PRC ID
// with its birth date hidden, money as a band) or removed; and
// RedactingHandler masks personal data in any slog record, nested groups
// included.
//
// Law, compiled from LawData (dated, sourced, in one place, replaceable at
// run time; DefaultLaw is checked as of November 2026), answers which
// regimes protect a customer (GDPR, UK GDPR, PIPL, CCPA, LGPD, PDPA, APPI,
// PIPA, PIPEDA, FADP), whether a purpose has a lawful basis (CanProcess:
// consent records on the customer, PIPL's lack of legitimate interests and
// its separate consent, withdrawn consent always winning), whether a
// transfer abroad is allowed (CheckTransfer: EU and UK adequacy with its
// dates and scope, SCCs, PIPL's 2024 volumes and exemptions), and when a
// data subject request is due. PlanErasure, Export and Retention plan what
// to erase, keep for a legal obligation, hand over, or review. All of it is
// reference data and rules, not legal advice.
//
// This package imports only the root package and the standard library; it
// does not import routing (the host wires a transfer check into routing as a
// filter). A Policy is immutable and safe for concurrent use.
package compliance
