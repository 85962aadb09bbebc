// Package compliance handles customers' personal data lawfully: what each
// field is, who may do what with which customers, what they see of it, and
// (see the law file's types) which privacy laws apply, whether a purpose is
// lawful, and whether data may cross a border.
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
// This package imports only the root package and the standard library; it
// does not import routing (the host wires a transfer check into routing as a
// filter). A Policy is immutable and safe for concurrent use.
package compliance
