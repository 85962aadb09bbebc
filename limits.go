package strata

// Limits bounds the size of a Customer record. Customer.Validate enforces
// the defaults and ValidateWithin any other Limits; the rule engines
// (tiering, scoring, routing) take the same Limits when they compile rules,
// as the sizes the worst-case cost of a rule is estimated for. So the cost
// a rule is checked against when it is compiled is an upper bound of what
// it costs over any record that passes validation with the same Limits.
//
// A zero field takes its default (DefaultLimits), so Limits{} is the
// defaults and a host raises one bound by setting only that field. Raising
// a limit raises every rule's estimated cost with it: rules that read the
// raised field in a loop may then be refused at compile time until the
// engine's cost limit is raised too, knowingly.
type Limits struct {
	// Tags, Segments, Products, Channels, Languages and Consents bound the
	// items of the record's lists of those names.
	Tags      int `json:"tags,omitempty"`
	Segments  int `json:"segments,omitempty"`
	Products  int `json:"products,omitempty"`
	Channels  int `json:"channels,omitempty"`
	Languages int `json:"languages,omitempty"`
	Consents  int `json:"consents,omitempty"`
	// AttrEntries bounds the entries of Attrs and of every list or object
	// inside it; AttrDepth the nesting of lists and objects inside it (1:
	// only scalars as values); AttrValues the values inside it at every
	// depth, together.
	AttrEntries int `json:"attr_entries,omitempty"`
	AttrDepth   int `json:"attr_depth,omitempty"`
	AttrValues  int `json:"attr_values,omitempty"`
	// StringBytes bounds the length in bytes of every string in the
	// record: identifiers, names, tags, channel values, custom field keys
	// and values, consent sources.
	StringBytes int `json:"string_bytes,omitempty"`
}

// The default Limits: generous for a CRM record, small enough that every
// rule the default cost limit accepts evaluates in well under a
// millisecond on such a record.
const (
	DefaultMaxTags        = 64
	DefaultMaxSegments    = 64
	DefaultMaxProducts    = 64
	DefaultMaxChannels    = 16
	DefaultMaxLanguages   = 16
	DefaultMaxConsents    = 64
	DefaultMaxAttrEntries = 64
	DefaultMaxAttrDepth   = 4
	DefaultMaxAttrValues  = 256
	DefaultMaxStringBytes = 1024
)

// DefaultLimits returns the limits Validate enforces.
func DefaultLimits() Limits {
	return Limits{
		Tags: DefaultMaxTags, Segments: DefaultMaxSegments, Products: DefaultMaxProducts,
		Channels: DefaultMaxChannels, Languages: DefaultMaxLanguages, Consents: DefaultMaxConsents,
		AttrEntries: DefaultMaxAttrEntries, AttrDepth: DefaultMaxAttrDepth, AttrValues: DefaultMaxAttrValues,
		StringBytes: DefaultMaxStringBytes,
	}
}

// OrDefault returns l with every field that is zero or negative replaced
// by its default.
func (l Limits) OrDefault() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return Limits{
		Tags: pick(l.Tags, d.Tags), Segments: pick(l.Segments, d.Segments), Products: pick(l.Products, d.Products),
		Channels: pick(l.Channels, d.Channels), Languages: pick(l.Languages, d.Languages), Consents: pick(l.Consents, d.Consents),
		AttrEntries: pick(l.AttrEntries, d.AttrEntries), AttrDepth: pick(l.AttrDepth, d.AttrDepth),
		AttrValues: pick(l.AttrValues, d.AttrValues), StringBytes: pick(l.StringBytes, d.StringBytes),
	}
}

// MaxList returns the largest list bound of l (after OrDefault): the size
// assumed for a list whose field is not known.
func (l Limits) MaxList() int {
	l = l.OrDefault()
	return max(l.Tags, l.Segments, l.Products, l.Channels, l.Languages, l.Consents, l.AttrEntries)
}
