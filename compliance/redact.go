package compliance

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// Redact follows nested custom fields at most maxAttrDepth levels deep and
// looks at most at maxAttrNodes values; what lies beyond is removed, so a
// value that contains itself costs bounded work.
const (
	maxAttrDepth = 32
	maxAttrNodes = 100_000
)

// Redact returns a copy of c with every field the viewer's role may not see
// in full masked (a phone keeps its country code and last digits, an email
// its domain, money its band, a date its month, a PRC ID its region and
// check digits) or removed. It covers every field of the record: channel
// values, consents (their free-text source included) and custom fields at
// any depth, where lists are masked element by element and a tag on
// "attrs.key" applies to that key wherever it is nested, whatever its case.
// A masked value that cannot be shown in part (a number or a flag in attrs,
// a list of languages) is removed.
//
// A nil policy or customer and an unknown role are errors, with the zero
// Customer: a misspelt role never yields a record. c is not modified, and
// the copy shares no slices or maps with it. The result is reported to the
// observer with ctx.
func (p *Policy) Redact(ctx context.Context, v Viewer, c *strata.Customer) (strata.Customer, error) {
	var start time.Time
	observe := p != nil && p.observe != nil
	if observe {
		start = time.Now()
	}
	rd := redactor{p: p, collect: observe, left: maxAttrNodes}
	out, err := rd.redact(v, c)
	if observe {
		outcome := "redacted"
		if err != nil {
			outcome = "error"
		}
		ev := AuditEvent{Viewer: v, Masked: rd.masked, Hidden: rd.hidden}
		if c != nil {
			ev.Customer = c.ID
		}
		p.report(ctx, strata.Event{Op: "redact", Outcome: outcome, Start: start, Err: err, Detail: ev}, ActionView)
	}
	return out, err
}

// redactor holds one Redact call's state.
type redactor struct {
	p              *Policy
	r              *role
	collect        bool
	masked, hidden []string
	left           int // custom-field values still to look at
}

func (rd *redactor) vis(path string) Visibility { return rd.p.visibility(rd.r, path) }

// note records that field was masked or hidden, for the audit event.
func (rd *redactor) note(field string, v Visibility) {
	if !rd.collect {
		return
	}
	switch v {
	case Masked:
		rd.masked = append(rd.masked, field)
	case Hidden:
		rd.hidden = append(rd.hidden, field)
	}
}

func (rd *redactor) redact(v Viewer, in *strata.Customer) (strata.Customer, error) {
	if in == nil {
		if err := rd.p.ready(); err != nil {
			return strata.Customer{}, err
		}
		return strata.Customer{}, ErrNilCustomer
	}
	r, err := rd.p.role(v)
	if err != nil {
		return strata.Customer{}, err
	}
	rd.r = r
	c := *in
	rd.identity(&c)
	rd.channels(&c)
	rd.facts(&c)
	c.Consents = rd.consents(c.Consents)
	c.Attrs = rd.attrs(c.Attrs)
	if rd.collect { // per-element redaction notes a field once per element
		rd.masked, rd.hidden = uniq(rd.masked), uniq(rd.hidden)
	}
	return c, nil
}

// identity redacts who and where the customer is.
func (rd *redactor) identity(c *strata.Customer) {
	rd.str("id", &c.ID, MaskKindText)
	rd.str("name", &c.Name, MaskKindName)
	kind := string(c.Kind)
	rd.str("kind", &kind, MaskKindText)
	c.Kind = strata.Kind(kind)
	rd.str("country", &c.Country, MaskKindText)
	rd.str("subdivision", &c.Subdivision, MaskKindText)
	rd.str("city", &c.City, MaskKindText)
	rd.str("industry", &c.Industry, MaskKindText)
	c.Languages = rd.list("languages", c.Languages)
	rd.str("time_zone", &c.TimeZone, MaskKindText)
	source := string(c.Source)
	rd.str("source", &source, MaskKindText)
	c.Source = strata.Source(source)
	rd.str("owner", &c.Owner, MaskKindText)
}

// facts redacts money, orders, dates, scores and the tiering fields.
func (rd *redactor) facts(c *strata.Customer) {
	c.Products = rd.list("products", c.Products)
	rd.money("revenue", &c.Revenue)
	rd.money("profit", &c.Profit)
	if c.Orders != 0 {
		switch v := rd.vis("orders"); v {
		case Hidden:
			c.Orders = 0
			rd.note("orders", v)
		case Masked:
			c.Orders = bandInt(c.Orders)
			rd.note("orders", v)
		}
	}
	rd.when("first_order_at", &c.FirstOrderAt)
	rd.when("last_order_at", &c.LastOrderAt)
	if c.Scores != (strata.Scores{}) {
		if v := rd.vis("scores"); v != Visible {
			c.Scores = strata.Scores{}
			rd.note("scores", v)
		}
	}
	rd.str("tier", &c.Tier, MaskKindText)
	rd.when("tier_since", &c.TierSince)
	c.Segments = rd.list("segments", c.Segments)
	c.Tags = rd.list("tags", c.Tags)
	rd.when("created_at", &c.CreatedAt)
	rd.when("updated_at", &c.UpdatedAt)
}

// bandInt rounds n down to one significant digit, as MaskMoney does.
func bandInt(n int) int {
	neg := n < 0
	if neg {
		n = -n
	}
	unit := 1
	for n/unit >= 10 {
		unit *= 10
	}
	n = n / unit * unit
	if neg {
		return -n
	}
	return n
}

// str masks or clears a string field. kind is the masker used when the
// field's tag names none.
func (rd *redactor) str(field string, s *string, kind MaskKind) {
	if *s == "" {
		return
	}
	rd.strAt(field, field, s, kind, Visible)
}

// strAt is str for a normalised path, no more visible than floor.
func (rd *redactor) strAt(path, field string, s *string, kind MaskKind, floor Visibility) {
	switch v := stricter(rd.vis(path), floor); v {
	case Hidden:
		*s = ""
		rd.note(field, v)
	case Masked:
		if t, ok := rd.p.tags.lookup(path); ok && t.Mask != MaskKindNone {
			kind = t.Mask
		}
		*s = maskString(kind, *s)
		rd.note(field, v)
	}
}

func (rd *redactor) list(field string, l []string) []string {
	if len(l) == 0 {
		return slices.Clone(l)
	}
	if v := rd.vis(field); v != Visible {
		rd.note(field, v)
		return nil
	}
	return slices.Clone(l)
}

func (rd *redactor) when(field string, t *time.Time) {
	if t.IsZero() {
		return
	}
	switch v := rd.vis(field); v {
	case Hidden:
		*t = time.Time{}
		rd.note(field, v)
	case Masked: // the month, not the day
		*t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
		rd.note(field, v)
	}
}

func (rd *redactor) money(field string, m *strata.Money) {
	if m.IsZero() {
		return
	}
	switch v := rd.vis(field); v {
	case Hidden:
		*m = strata.Money{}
		rd.note(field, v)
	case Masked:
		*m = MaskMoney(*m)
		rd.note(field, v)
	}
}

// channels redacts contact channels: their values by kind (an email keeps
// its domain, a phone its country code and last digits), never more
// visible than the channels themselves.
func (rd *redactor) channels(c *strata.Customer) {
	if c.Channels == nil {
		return
	}
	all := rd.vis("channels")
	if all == Hidden {
		rd.note("channels", all)
		c.Channels = nil
		return
	}
	out := make([]strata.Channel, len(c.Channels))
	kindVis := stricter(rd.vis("channels.kind"), all)
	valueVis := stricter(rd.vis("channels.value"), all)
	for i, ch := range c.Channels {
		if kindVis == Hidden {
			ch.Kind = ""
		}
		switch {
		case ch.Value == "":
		case valueVis == Hidden:
			ch.Value = ""
		case valueVis == Masked:
			if t, ok := rd.p.tags.lookup("channels.value"); ok && t.Mask != MaskKindNone {
				ch.Value = maskString(t.Mask, ch.Value)
			} else {
				ch.Value = maskChannel(ch)
			}
		}
		out[i] = ch
	}
	if len(out) > 0 {
		rd.note("channels.value", valueVis)
	}
	c.Channels = out
}

// consents redacts consent records field by field, never more visible than
// the consents themselves; the free-text source is confidential by default.
func (rd *redactor) consents(in []strata.Consent) []strata.Consent {
	if in == nil {
		return nil
	}
	all := rd.vis("consents")
	if all == Hidden {
		rd.note("consents", all)
		return nil
	}
	out := make([]strata.Consent, len(in))
	for i, cs := range in {
		rd.strAt("consents.purpose", "consents.purpose", &cs.Purpose, MaskKindText, all)
		rd.strAt("consents.basis", "consents.basis", &cs.Basis, MaskKindText, all)
		state := string(cs.State)
		rd.strAt("consents.state", "consents.state", &state, MaskKindText, all)
		cs.State = strata.ConsentState(state)
		rd.strAt("consents.source", "consents.source", &cs.Source, MaskKindText, all)
		if v := stricter(rd.vis("consents.at"), all); v == Hidden {
			cs.At = time.Time{}
		} else if v == Masked && !cs.At.IsZero() {
			cs.At = time.Date(cs.At.Year(), cs.At.Month(), 1, 0, 0, 0, 0, cs.At.Location())
		}
		if stricter(rd.vis("consents.separate"), all) != Visible {
			cs.Separate = false
		}
		out[i] = cs
	}
	return out
}

func uniq(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// attrs redacts the custom fields into a new map.
func (rd *redactor) attrs(in map[string]any) map[string]any {
	if in == nil {
		return nil
	}
	out := make(map[string]any, len(in))
	for _, k := range rd.keys(in) {
		if v, keep := rd.attr("attrs."+normSegment(k), "attrs."+k, in[k], 0); keep {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// keys returns a map's keys: sorted when the audit notes are collected (so
// their order is deterministic), in map order otherwise (the result is a
// map either way).
func (rd *redactor) keys(m map[string]any) []string {
	if rd.collect {
		return slices.Sorted(maps.Keys(m))
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// attr redacts one custom value at a normalised path: objects key by key,
// lists element by element, strings with their tag's masker; other values
// are kept when visible and removed otherwise.
func (rd *redactor) attr(path, field string, v any, depth int) (any, bool) {
	rd.left--
	if depth > maxAttrDepth || rd.left < 0 {
		rd.note(field, Hidden)
		return nil, false
	}
	vis := rd.vis(path)
	if vis == Hidden {
		rd.note(field, vis)
		return nil, false
	}
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for _, k := range rd.keys(x) {
			if val, keep := rd.attr(path+"."+normSegment(k), field+"."+k, x[k], depth+1); keep {
				m[k] = val
			}
		}
		return m, true
	case []any:
		l := make([]any, 0, len(x))
		for _, e := range x {
			if val, keep := rd.attr(path, field, e, depth+1); keep {
				l = append(l, val)
			}
		}
		return l, true
	case []string:
		l := make([]string, 0, len(x))
		for _, e := range x {
			if val, keep := rd.attr(path, field, e, depth+1); keep {
				l = append(l, val.(string))
			}
		}
		return l, true
	case string:
		if vis == Visible {
			return x, true
		}
		kind := MaskKindText
		if t, ok := rd.p.tags.lookup(path); ok && t.Mask != MaskKindNone {
			kind = t.Mask
		}
		rd.note(field, vis)
		if m := maskString(kind, x); m != "" {
			return m, true
		}
		return nil, false
	}
	if vis == Visible {
		return v, true
	}
	rd.note(field, Hidden)
	return nil, false // a number, a flag or a host type cannot be partly shown
}

// maskChannel masks a contact value by its kind.
func maskChannel(ch strata.Channel) string {
	switch ch.Kind {
	case strata.ChannelEmail:
		return MaskEmail(ch.Value)
	case strata.ChannelPhone, strata.ChannelMobile, strata.ChannelWhatsApp:
		return MaskPhone(ch.Value)
	}
	return MaskHandle(ch.Value)
}
