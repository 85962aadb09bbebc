// Package compliance decides who may see and do what with customers'
// personal data: what each field is, which role may take which action on
// which customers, what each role sees of each field, and what may reach a
// log line.
//
// Every field of strata.Customer has a FieldTag (BuiltinTags; hosts tag
// their custom fields as "attrs.key"): data categories of the fideslang
// taxonomy, a sensitivity (public < internal < confidential < restricted)
// and separate flags for a GDPR special category, PIPL sensitive personal
// information (which, unlike GDPR, includes financial accounts, whereabouts
// and minors under 14) and CPRA sensitive personal information: never one
// "sensitive" boolean.
//
// A Config of roles (plain data, read from JSON or YAML with ParseConfig;
// StarterConfig is an example to edit) grants actions (view, edit, export,
// assign, email, comment) by customer tier and domestic or overseas scope,
// and sets what each role sees of each field: visible, masked or hidden.
// New validates it into a Policy. Every question about a person takes the
// Viewer who asks first:
//
//	d, err := policy.Decide(ctx, compliance.Viewer{ID: "u-17", Role: "sales-rep"}, &c, compliance.ActionExport)
//	shown, err := policy.Redact(ctx, viewer, &c)
//
// Decide answers allow or deny with a reason; Redact returns a copy of a
// customer with what the role may not see masked (+86 138****5678,
// ***@example.cn, a PRC ID with its birth date hidden, money as a band) or
// removed, consents and nested custom fields included. Both report to the
// host's strata.Observer (WithObserver), whose Event carries an
// AuditEvent. RedactingHandler masks personal data in any slog record, by
// key pattern and by value type.
//
// Which privacy laws apply to a customer, whether a purpose is lawful,
// whether data may cross a border and when a data subject request is due is
// package compliance/law, which builds on this one.
//
// # Safe zero values
//
// A zero or omitted value never grants or reveals more than writing it
// would. Each decision:
//
//   - Sensitivity: the zero value is SensitivityUnset; New refuses a tag, a
//     role's See or a role's Mask left unset (it is never "public").
//   - FieldTag.NotPersonal: a field is personal information unless the tag
//     says it is not, so erasure and access plans include it by default.
//   - FieldTag.Mask: the zero masker removes a masked value outright.
//   - Grant.Tiers and Grant.Scope are required: a grant covers every tier
//     only when it says ["*"], and every customer only with scope "any".
//   - Grant.Actions and Role.Grants must not be empty; a policy needs a role.
//   - Role.Fields: an override inherited from a parent path only restricts;
//     revealing a field more than its sensitivity allows takes an override
//     naming that field.
//   - An untagged path is restricted; a custom field falls under the
//     "attrs" tag (confidential) until tagged, and a tag on "attrs.key"
//     also covers the key nested deeper, whatever its case or separators.
//   - An unknown role, an unknown action, a nil customer and a nil or zero
//     Policy are errors (ErrUnknownRole, ErrUnknownAction, ErrNilCustomer,
//     ErrNoPolicy); the Decision returned with them denies and the Customer
//     returned by Redact is empty.
//   - NewRedactingHandler always applies BuiltinLogKeys; hosts can add
//     patterns, not remove them.
//
// # Determinism and concurrency
//
// Decisions, reasons, redactions and errors depend only on the inputs: the
// order in which a Config's maps were built never reaches them, and
// configuration problems come in path order. A Policy is immutable and safe
// for concurrent use; a RedactingHandler is safe for concurrent use when
// the handler it wraps is.
//
// This package imports only the root package and the standard library; it
// does not import routing (the host wires checks into routing as filters).
// Nothing here is legal advice.
package compliance
